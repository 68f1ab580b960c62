package web

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// medicineInProgress writes e's client's in-person IM medicine session,
// started half an hour ago with the New York therapist, the medical
// provider, the chaperone and the room, as a booking and a start would,
// and returns its id.
func (e *careEnv) medicineInProgress(t *testing.T) int64 {
	t.Helper()
	return sqldbtest.MedicineSession(t, e.db, e.c.ID, e.now.Add(-30*time.Minute), journey.SessionInProgress, journey.ModeInPerson, journey.RouteIM,
		map[string]int64{journey.NeedTherapist: e.ny.ID, journey.NeedMedicalProvider: e.mp, journey.NeedChaperone: e.chap, journey.NeedRoom: e.room})
}

// The run sheet's API through the real router and store, in order: the
// order (medical providers only, bounds and override), readings with
// their flags (422 with the range for an impossible value), a hold, its
// review after a re-measure, the checklist, the chaperone's limited view,
// discharge and nothing after it but an addendum.
func TestRunSheetAPI(t *testing.T) {
	e := newCareEnv(t)
	id := e.medicineInProgress(t)
	doc := e.session(&journey.User{ID: e.mp}, true)
	chap := e.session(&journey.User{ID: e.chap}, true)
	_, admin := e.staffCookie(journey.RoleAdmin)
	base := fmt.Sprintf("/api/v1/sessions/%d", id)
	now := e.now.UTC().Format(time.RFC3339)
	vitals := func(phase string, sys, dia int, at string) string {
		return fmt.Sprintf(`{"phase":%q,"taken_at":%q,"systolic":%d,"diastolic":%d,"heart_rate":72,"spo2":98,"resp_rate":14}`, phase, at, sys, dia)
	}
	order := `{"route":"im","formulation":"ketamine HCl 50 mg/mL","strength_mg":50,"dose_mg":100%s}`
	all := `{"vitals_acceptable":true,"alert_oriented":true,"walks_safely":true,"dissociation_resolved":true,"escort":true,"no_driving":true%s}`
	for _, sc := range []struct {
		name, cookie, method, path, body string
		status                           int
		contains, excludes               []string
	}{
		{"a therapist may not order", e.nora, "POST", "/order", fmt.Sprintf(order, ""), 403, []string{"medical provider"}, nil},
		{"nor a chaperone", chap, "POST", "/order", fmt.Sprintf(order, ""), 403, nil, nil},
		{"front desk sees no run sheet", e.desk, "GET", "/run-sheet", "", 403, nil, []string{`"observations"`}},
		{"nor an admin", admin, "GET", "/run-sheet", "", 403, nil, nil},
		{"another therapist finds none", e.luis, "GET", "/run-sheet", "", 404, nil, nil},
		{"no weight on record", doc, "POST", "/order", fmt.Sprintf(order, ""), 422, []string{`"field":"weight_kg"`}, nil},
		{"past the IM warning without a reason", doc, "POST", "/order", fmt.Sprintf(order, `,"weight_kg":70`), 422,
			[]string{`"field":"override"`, "1.43 mg/kg IM"}, nil},
		{"with the reason", doc, "POST", "/order", fmt.Sprintf(order, `,"weight_kg":70,"override_reason":"Tolerated 1.4 mg/kg in March."`), 201,
			[]string{`"mg_per_kg":1.43`, `"weight_kg":70`, `"overridden":true`, `"warnings":["1.43 mg/kg IM in all is above the practice's 1 mg/kg."]`},
			[]string{"Tolerated"}},
		{"an impossible reading", chap, "POST", "/vitals", vitals("pre-dose", 400, 80, now), 422,
			[]string{`"field":"systolic"`, "between 50 and 300"}, nil},
		{"a reading in the future", chap, "POST", "/vitals", vitals("pre-dose", 120, 80, e.now.Add(time.Minute).UTC().Format(time.RFC3339)), 422,
			[]string{`"field":"taken_at"`, "future"}, nil},
		{"a high blood pressure holds", chap, "POST", "/vitals", vitals("pre-dose", 182, 101, now), 201,
			[]string{`"code":"bp-hold"`, `"action":"hold"`}, nil},
		{"no review while it holds", doc, "POST", "/review", `{"note":"Wait."}`, 409, []string{`"code":"hold"`}, nil},
		{"re-measured", e.nora, "POST", "/vitals", vitals("pre-dose", 150, 92, now), 201, []string{`"code":"bp-review"`, `"action":"review"`}, nil},
		{"a therapist may not review", e.nora, "POST", "/review", `{"note":"Fine."}`, 403, nil, nil},
		{"the prescriber reviews", doc, "POST", "/review", `{"note":"Anxious at arrival; proceed."}`, 201, []string{`"observation_id":`}, nil},
		{"the checklist, unticked", e.nora, "POST", "/checklist", `{"fasted":false,"ride_home":true,"no_driving":true,"intention":""}`, 422,
			[]string{`"field":"fasted"`, `"field":"intention"`}, nil},
		{"the checklist", e.nora, "POST", "/checklist", `{"fasted":true,"ride_home":true,"no_driving":true,"intention":"Let go of the grip."}`, 201,
			[]string{`"consent_active":false`}, nil},
		{"the chaperone's view", chap, "GET", "/run-sheet", "", 200,
			[]string{`"limited":true`, `"order":null`, `"checklist":null`, `"systolic":182`, `"resolved":true`, `"client_first_name":"Casey"`},
			[]string{"grip", "Anxious", `"client_id":` + fmt.Sprint(e.c.ID)}},
		{"the therapist's view", e.nora, "GET", "/run-sheet", "", 200,
			[]string{`"limited":false`, `"intention":"Let go of the grip."`, `"dose_mg":100`, `"code":"checklist"`, `"phase":"pre-dose"`, `"gates":[{`}, nil},
		{"discharge with an item missing", e.nora, "POST", "/discharge", strings.Replace(fmt.Sprintf(all, ""), `"walks_safely":true`, `"walks_safely":false`, 1), 422,
			[]string{`"field":"walks_safely"`}, nil},
		{"a therapist's override", e.nora, "POST", "/discharge", fmt.Sprintf(all, `,"override_reason":"Ride is here early."`), 403, nil, nil},
		{"discharged without a dose", e.nora, "POST", "/discharge", fmt.Sprintf(all, ""), 201, []string{`"discharged_at":"` + now}, nil},
		{"nothing after discharge", chap, "POST", "/vitals", vitals("pre-dose", 120, 80, now), 409, []string{"addendum"}, nil},
		{"but an addendum", e.nora, "POST", "/run-sheet/addenda", `{"text":"No dose given: BP stayed high; rebook."}`, 201, []string{`"id":`}, nil},
	} {
		t.Run(sc.name, func(t *testing.T) {
			ct := ""
			if sc.body != "" {
				ct = "application/json"
			}
			st, _, body := e.send(sc.cookie, sc.method, base+sc.path, ct, sc.body)
			if st != sc.status {
				t.Fatalf("status %d, want %d\n%s", st, sc.status, trim(body))
			}
			for _, s := range sc.contains {
				if !strings.Contains(body, s) {
					t.Errorf("body lacks %s\n%s", s, trim(body))
				}
			}
			for _, s := range sc.excludes {
				if strings.Contains(body, s) {
					t.Errorf("body has %s\n%s", s, trim(body))
				}
			}
		})
	}
}

// The run sheet page, forms only: a refused order keeps what was typed
// (escaped) beside its field; a hold is shown and stops the dose; the
// chaperone's page has the readings but not the order or intention; a
// discharge refused names why; after it, only the addendum form.
func TestRunSheetPage(t *testing.T) {
	e := newCareEnv(t)
	id := e.medicineInProgress(t)
	doc := e.session(&journey.User{ID: e.mp}, true)
	chap := e.session(&journey.User{ID: e.chap}, true)
	path := fmt.Sprintf("/staff/sessions/%d/run-sheet", id)
	post := func(cookie, action string, form url.Values, status int, want ...string) string {
		t.Helper()
		st, h, body := e.as(cookie, "POST", path+"/"+action, form)
		if st != status {
			t.Fatalf("%s: %d, want %d\n%s", action, st, status, trim(body))
		}
		if st == 303 && !strings.HasPrefix(h.Get("Location"), path+"?done=") {
			t.Fatalf("%s: redirected to %s", action, h.Get("Location"))
		}
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: the page lacks %s\n%s", action, w, trim(body))
			}
		}
		return body
	}
	st, _, body := e.as(doc, "GET", path, nil)
	if st != 200 || !strings.Contains(body, "Run sheet: <bdi>Casey Client</bdi>") || !strings.Contains(body, "No order yet") || !strings.Contains(body, `action="`+path+`/order"`) {
		t.Fatalf("the prescriber's page: %d\n%s", st, trim(body))
	}
	if _, _, body := e.as(e.nora, "GET", path, nil); strings.Contains(body, `action="`+path+`/order"`) {
		t.Error("a therapist is offered the order form")
	}
	post(doc, "order", url.Values{"route": {"im"}, "formulation": {`<b>ketamine</b>`}, "strength_mg": {"50"}, "dose_mg": {"lots"}, "weight_kg": {"70"}}, 422,
		`id="dose_mg-error"`, `value="&lt;b&gt;ketamine&lt;/b&gt;"`, `value="lots"`)
	post(doc, "order", url.Values{"route": {"im"}, "formulation": {"ketamine 50 mg/mL"}, "strength_mg": {"50"}, "dose_mg": {"60"}, "weight_kg": {"70"}}, 303)
	post(chap, "vitals", url.Values{"phase": {"pre-dose"}, "taken_at": {""}, "systolic": {"400"}, "diastolic": {"80"}, "heart_rate": {"70"}, "spo2": {"98"}, "resp_rate": {"14"}}, 422,
		"between 50 and 300", `value="400"`)
	post(chap, "vitals", url.Values{"phase": {"pre-dose"}, "systolic": {"182"}, "diastolic": {"101"}, "heart_rate": {"70"}, "spo2": {"98"}, "resp_rate": {"14"}}, 303)
	post(doc, "review", url.Values{"note": {"Proceed."}}, 409, "cannot be reviewed yet")
	_, _, body = e.as(chap, "GET", path, nil)
	for _, want := range []string{"182/101", "at or above 180/100", "waits for the medical provider", "Run sheet: <bdi>Casey</bdi>"} {
		if !strings.Contains(body, want) {
			t.Errorf("the chaperone's page lacks %q\n%s", want, trim(body))
		}
	}
	for _, not := range []string{"60 mg", "Casey Client", `action="` + path + `/checklist"`, `action="` + path + `/discharge"`} {
		if strings.Contains(body, not) {
			t.Errorf("the chaperone's page has %q", not)
		}
	}
	post(e.nora, "checklist", url.Values{"fasted": {"true"}, "intention": {"Rest."}}, 422, `id="cl-ride-error"`)
	post(e.nora, "discharge", url.Values{"vitals_acceptable": {"true"}}, 422, `id="dc-walks_safely-error"`)
	all := url.Values{}
	for _, f := range []string{"vitals_acceptable", "alert_oriented", "walks_safely", "dissociation_resolved", "escort", "no_driving"} {
		all.Set(f, "true")
	}
	post(e.nora, "discharge", all, 303)
	_, _, body = e.as(e.nora, "GET", path+"?done=discharge", nil)
	if !strings.Contains(body, "Discharged at") || !strings.Contains(body, `action="`+path+`/addenda"`) || strings.Contains(body, `action="`+path+`/vitals"`) {
		t.Errorf("after discharge:\n%s", trim(body))
	}
	post(chap, "vitals", url.Values{"phase": {"pre-dose"}, "systolic": {"120"}, "diastolic": {"80"}, "heart_rate": {"70"}, "spo2": {"98"}, "resp_rate": {"14"}}, 409, "addendum")
	post(e.nora, "addenda", url.Values{"text": {"Called: home safe."}}, 303)
}

package web

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// noteSecret is what the therapist writes in their psychotherapy note:
// no answer to anyone else may carry it.
const noteSecret = "Countertransference-7f3a"

// The route-role matrix of clinical notes through the real router and
// store: the author drafts a psychotherapy note and a progress note, signs
// the progress note, and every other role (the medical provider, another
// therapist, the chaperone, front desk, an admin, the client) gets 404 on
// every route of the psychotherapy note, never sees it in the session's
// list, the chart or the run sheet; a signed note cannot be changed
// through any route (409), only added to.
func TestNotesRouteRoleMatrix(t *testing.T) {
	e := newCareEnv(t)
	id := e.medicineInProgress(t)
	doc := e.session(&journey.User{ID: e.mp}, true)
	chap := e.session(&journey.User{ID: e.chap}, true)
	_, admin := e.staffCookie(journey.RoleAdmin)
	create := func(body string) int64 {
		t.Helper()
		st, _, b := e.send(e.nora, "POST", fmt.Sprintf("/api/v1/sessions/%d/notes", id), "application/json", body)
		if st != 201 || !strings.Contains(b, `"status":"draft"`) {
			t.Fatalf("create: %d %s", st, trim(b))
		}
		var n struct{ ID int64 }
		if err := json.Unmarshal([]byte(b), &n); err != nil {
			t.Fatal(err)
		}
		return n.ID
	}
	pn := create(`{"kind":"psychotherapy","fields":{"process":"` + noteSecret + `"}}`)
	prog := create(`{"kind":"progress","fields":{"intention":"Rest.","course":"Calm.","interventions":"Music.","discharge_state":"Alert."}}`)
	for _, sc := range []struct {
		name, cookie, method, path, body string
		status                           int
		contains                         []string
	}{
		{"a second progress note", e.nora, "POST", fmt.Sprintf("/api/v1/sessions/%d/notes", id), `{"kind":"progress","fields":{}}`, 409, nil},
		{"an unknown heading", e.nora, "POST", fmt.Sprintf("/api/v1/sessions/%d/notes", id), `{"kind":"psychotherapy","fields":{"mood":"<b>x</b>"}}`, 422,
			[]string{`"field":"fields.mood"`}},
		{"a chaperone writes none", chap, "POST", fmt.Sprintf("/api/v1/sessions/%d/notes", id), `{"kind":"progress","fields":{}}`, 403, nil},
		{"the author reads theirs", e.nora, "GET", fmt.Sprintf("/api/v1/notes/%d", pn), "", 200, []string{noteSecret}},
		{"and changes the draft", e.nora, "PUT", fmt.Sprintf("/api/v1/notes/%d", pn), `{"fields":{"process":"` + noteSecret + ` again"}}`, 200, nil},
		{"the medical provider may not change another's", doc, "PUT", fmt.Sprintf("/api/v1/notes/%d", prog), `{"fields":{"course":"x"}}`, 403, nil},
		{"signed", e.nora, "POST", fmt.Sprintf("/api/v1/notes/%d/sign", prog), "", 200, []string{`"status":"signed"`, `"signed_at":"20`}},
		{"a signed note is locked", e.nora, "PUT", fmt.Sprintf("/api/v1/notes/%d", prog), `{"fields":{"course":"Changed."}}`, 409, []string{"addendum"}},
		{"signed once", e.nora, "POST", fmt.Sprintf("/api/v1/notes/%d/sign", prog), "", 409, nil},
		{"an addendum on a draft", e.nora, "POST", fmt.Sprintf("/api/v1/notes/%d/addenda", pn), `{"text":"x"}`, 409, nil},
		{"an empty addendum", doc, "POST", fmt.Sprintf("/api/v1/notes/%d/addenda", prog), `{"text":"  "}`, 422, []string{`"field":"text"`}},
		{"the medical provider's addendum", doc, "POST", fmt.Sprintf("/api/v1/notes/%d/addenda", prog), `{"text":"Vitals reviewed."}`, 201,
			[]string{fmt.Sprintf(`"author_id":%d`, e.mp)}},
		{"the medical provider reads the progress note", doc, "GET", fmt.Sprintf("/api/v1/notes/%d", prog), "", 200,
			[]string{`"course":"Calm."`, "Vitals reviewed."}},
		{"the author lists both", e.nora, "GET", fmt.Sprintf("/api/v1/sessions/%d/notes", id), "", 200, []string{noteSecret, `"kind":"progress"`}},
	} {
		t.Run(sc.name, func(t *testing.T) {
			st, _, b := e.send(sc.cookie, sc.method, sc.path, "application/json", sc.body)
			if st != sc.status {
				t.Fatalf("status %d, want %d\n%s", st, sc.status, trim(b))
			}
			for _, s := range sc.contains {
				if !strings.Contains(b, s) {
					t.Errorf("body lacks %s\n%s", s, trim(b))
				}
			}
		})
	}
	others := map[string]string{"medical provider": doc, "other therapist": e.luis, "chaperone": chap, "front desk": e.desk, "admin": admin,
		"client": e.client}
	noteRoutes := []struct{ method, path, body string }{
		{"GET", fmt.Sprintf("/api/v1/notes/%d", pn), ""},
		{"PUT", fmt.Sprintf("/api/v1/notes/%d", pn), `{"fields":{"process":"x"}}`},
		{"POST", fmt.Sprintf("/api/v1/notes/%d/sign", pn), ""},
		{"POST", fmt.Sprintf("/api/v1/notes/%d/addenda", pn), `{"text":"x"}`},
	}
	elsewhere := []string{fmt.Sprintf("/api/v1/sessions/%d/notes", id), fmt.Sprintf("/api/v1/clients/%d", e.c.ID),
		fmt.Sprintf("/api/v1/sessions/%d/run-sheet", id), fmt.Sprintf("/api/v1/sessions/%d", id)}
	for name, cookie := range others {
		for _, rt := range noteRoutes {
			st, _, b := e.send(cookie, rt.method, rt.path, "application/json", rt.body)
			if st != 404 || strings.Contains(b, noteSecret) {
				t.Errorf("%s: %s %s: %d %s", name, rt.method, rt.path, st, trim(b))
			}
		}
		for _, path := range elsewhere {
			if _, _, b := e.send(cookie, "GET", path, "", ""); strings.Contains(b, noteSecret) || strings.Contains(b, `"kind":"psychotherapy"`) {
				t.Errorf("%s: GET %s shows the psychotherapy note", name, path)
			}
		}
	}
	// Still a draft and unchanged by all those attempts.
	if st, _, b := e.send(e.nora, "GET", fmt.Sprintf("/api/v1/notes/%d", pn), "", ""); st != 200 || !strings.Contains(b, noteSecret+` again"`) ||
		!strings.Contains(b, `"addenda":[]`) || !strings.Contains(b, `"status":"draft"`) {
		t.Errorf("the author's note after the others tried: %d %s", st, trim(b))
	}
}

// The session's notes page: a progress note drafted from the medicine
// session's template, a sign refused with the empty headings named beside
// their fields and what was typed kept (escaped), then signed and locked
// (no form to change it; a post to change it anyway is refused), an
// addendum; the therapist's psychotherapy notes shown to them alone,
// never on the medical provider's page; a chaperone, front desk and an
// admin see no notes page.
func TestNotesPages(t *testing.T) {
	e := newCareEnv(t)
	id := e.medicineInProgress(t)
	doc := e.session(&journey.User{ID: e.mp}, true)
	chap := e.session(&journey.User{ID: e.chap}, true)
	_, admin := e.staffCookie(journey.RoleAdmin)
	page := fmt.Sprintf("/staff/sessions/%d/notes", id)
	if st, _, b := e.as(e.nora, "GET", page, nil); st != 200 || !strings.Contains(b, "Write the progress note") || !strings.Contains(b, "State at discharge") {
		t.Fatalf("empty notes page: %d %s", st, trim(b))
	}
	st, h, _ := e.as(e.nora, "POST", page, url.Values{"kind": {"progress"}, "fields.intention": {"Rest <b>deeply</b>."}})
	if st != 303 || !strings.HasPrefix(h.Get("Location"), page+"?done=created") {
		t.Fatalf("draft: %d %s", st, h.Get("Location"))
	}
	_, _, b := e.as(e.nora, "GET", page, nil)
	m := regexp.MustCompile(`action="/staff/notes/(\d+)"`).FindStringSubmatch(b)
	if m == nil {
		t.Fatalf("no draft form:\n%s", trim(b))
	}
	note := "/staff/notes/" + m[1]
	st, _, b = e.as(e.nora, "POST", note, url.Values{"fields.intention": {"Rest <b>deeply</b>."}, "fields.course": {"Calm & quiet."}, "sign": {"1"}})
	if st != 422 || !strings.Contains(b, "Write Interventions before signing.") || !strings.Contains(b, `href="#note-`+m[1]+`-fields.interventions"`) ||
		!strings.Contains(b, "Calm &amp; quiet.") || !strings.Contains(b, "Rest &lt;b&gt;deeply&lt;/b&gt;.") || strings.Contains(b, "<b>deeply") {
		t.Fatalf("sign with headings empty: %d %s", st, trim(b))
	}
	all := url.Values{"fields.intention": {"Rest."}, "fields.course": {"Calm."}, "fields.interventions": {"Music."}, "fields.discharge_state": {"Alert."}, "sign": {"1"}}
	if st, h, _ := e.as(e.nora, "POST", note, all); st != 303 || !strings.Contains(h.Get("Location"), "done=signed") {
		t.Fatalf("sign: %d %s", st, h.Get("Location"))
	}
	all.Set("fields.course", "Changed.")
	if st, _, b := e.as(e.nora, "POST", note, all); st != 409 || !strings.Contains(b, "signed and locked") {
		t.Errorf("change a signed note through the page: %d %s", st, trim(b))
	}
	if st, _, b := e.as(doc, "POST", note+"/addenda", url.Values{"text": {""}}); st != 422 || !strings.Contains(b, "This field is required.") {
		t.Errorf("empty addendum: %d %s", st, trim(b))
	}
	if st, _, _ := e.as(doc, "POST", note+"/addenda", url.Values{"text": {"Vitals reviewed at 2 pm."}}); st != 303 {
		t.Errorf("addendum: %d", st)
	}
	if st, _, _ := e.as(e.nora, "POST", page, url.Values{"kind": {"psychotherapy"}, "fields.process": {noteSecret}}); st != 303 {
		t.Fatalf("psychotherapy note: %d", st)
	}
	_, _, b = e.as(e.nora, "GET", page, nil)
	for _, want := range []string{"Signed ", "Calm.", "Vitals reviewed at 2 pm.", noteSecret, "Psychotherapy notes (yours alone)"} {
		if !strings.Contains(b, want) {
			t.Errorf("the author's page lacks %q", want)
		}
	}
	if strings.Contains(b, `action="`+note+`"`) {
		t.Errorf("a signed note still has its form")
	}
	_, _, b = e.as(doc, "GET", page, nil)
	if !strings.Contains(b, "Calm.") || strings.Contains(b, noteSecret) || strings.Contains(b, "yours alone") {
		t.Errorf("the medical provider's page:\n%s", trim(b))
	}
	for name, cookie := range map[string]string{"chaperone": chap, "front desk": e.desk, "admin": admin, "other therapist": e.luis} {
		if st, _, b := e.as(cookie, "GET", page, nil); (st != 403 && st != 404) || strings.Contains(b, "Calm.") {
			t.Errorf("%s opens the notes: %d", name, st)
		}
	}
}

// Today lists the therapist's session with no signed note 72 hours after
// it ended, linked to its notes, and drops it once the note is signed.
func TestTodayNotesToSign(t *testing.T) {
	e := newCareEnv(t)
	start := e.now.Add(-80 * time.Hour)
	id := sqldbtest.MedicineSession(t, e.db, e.c.ID, start, journey.SessionCompleted, journey.ModeRemote, journey.RouteLozenge,
		map[string]int64{journey.NeedTherapist: e.ny.ID})
	link := fmt.Sprintf(`href="/staff/sessions/%d/notes"`, id)
	if _, _, b := e.as(e.nora, "GET", "/staff", nil); !strings.Contains(b, "Notes to sign") || !strings.Contains(b, link) {
		t.Fatalf("Today: %s", trim(b))
	}
	if _, _, b := e.as(e.luis, "GET", "/staff", nil); strings.Contains(b, link) {
		t.Errorf("another therapist's Today lists it")
	}
	st, _, _ := e.as(e.nora, "POST", fmt.Sprintf("/staff/sessions/%d/notes", id), url.Values{"kind": {"progress"}, "fields.intention": {"a"},
		"fields.course": {"b"}, "fields.interventions": {"c"}, "fields.discharge_state": {"d"}})
	if st != 303 {
		t.Fatalf("draft: %d", st)
	}
	if _, _, b := e.as(e.nora, "GET", "/staff", nil); !strings.Contains(b, link) {
		t.Errorf("a draft took it off Today")
	}
	_, _, b := e.as(e.nora, "GET", fmt.Sprintf("/staff/sessions/%d/notes", id), nil)
	m := regexp.MustCompile(`action="/staff/notes/(\d+)"`).FindStringSubmatch(b)
	if m == nil {
		t.Fatal("no draft")
	}
	if st, _, _ := e.as(e.nora, "POST", "/staff/notes/"+m[1], url.Values{"fields.intention": {"a"}, "fields.course": {"b"}, "fields.interventions": {"c"},
		"fields.discharge_state": {"d"}, "sign": {"1"}}); st != 303 {
		t.Fatalf("sign: %d", st)
	}
	if _, _, b := e.as(e.nora, "GET", "/staff", nil); strings.Contains(b, link) {
		t.Errorf("signed, still on Today")
	}
}

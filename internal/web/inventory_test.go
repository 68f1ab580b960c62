package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/auth"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// token returns a new API token of user id.
func (e *env) token(id int64) string {
	e.t.Helper()
	tok, _, err := auth.NewToken(auth.PrefixPersonalAccessToken)
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.db.CreateAPIToken(context.Background(), id, "t", auth.HashToken(tok), e.now.Add(30*24*time.Hour)); err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// bearer sends a JSON request with token and returns status and body.
func (e *env) bearer(token, method, path, body string) (int, string) {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.ts.URL+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// The controlled-substance log's API through the real router and store,
// in order: a receipt, opening, doses refused then given, waste, a count
// with a discrepancy an admin resolves, and the log that reconciles.
// {c1}, {c2} are the containers received, {d} the last discrepancy.
func TestInventoryAPI(t *testing.T) {
	e := newCareEnv(t)
	ctx := context.Background()
	admin, _ := e.staffCookie(journey.RoleAdmin)
	mp, adm, nora, chap := e.token(e.mp), e.token(admin.ID), e.token(e.ny.ID), e.token(e.chap)
	deskTok := e.token(sqldbtest.Staff(t, e.db, "Dee Desk", journey.RoleFrontDesk))
	care := &sqldbtest.Care{Therapist: e.ny, Provider: e.mp, Chaperone: e.chap}
	client := care.ReadyClient(t, e.db, "Rae Ready", "rae@client.test", *e.now)
	s, err := e.db.CreateCareSession(ctx, &journey.SessionRequest{ClientID: client.ID, Type: journey.TypeMedicine, Mode: journey.ModeInPerson,
		Route: journey.RouteLozenge, Start: time.Date(2030, 1, 7, 14, 0, 0, 0, time.UTC), TherapistID: e.ny.ID, MedicalProviderID: e.mp,
		ChaperoneID: e.chap, RoomID: e.room}, e.ny.ID)
	if err != nil {
		t.Fatal(err)
	}
	sess := fmt.Sprintf("/api/v1/sessions/%d/administrations", s.ID)
	receipt := `{"location_id":1,"ndc":"71225-104-10","product":"Ketamine HCl lozenge","strength":"100 mg","unit":"count","mg_per_unit":100,
		"lot":"LZ-7","expiry":"%s","containers":2,"amount_per_container":%s,"supplier":"Compounding Co","invoice":"INV-77"}`
	vars := map[string]string{}
	for _, sc := range []struct {
		name, token, method, path, body string
		status                          int
		contains                        []string
		then                            func(body string)
	}{
		{"front desk may not read the stock", deskTok, "GET", "/api/v1/inventory", "", 403, nil, nil},
		{"nor a therapist receive", nora, "POST", "/api/v1/inventory/receipts", fmt.Sprintf(receipt, "2031-01-31", "10"), 403, nil, nil},
		{"an expired lot", mp, "POST", "/api/v1/inventory/receipts", fmt.Sprintf(receipt, "2029-12-31", "10"), 422,
			[]string{`"field":"expiry"`, "expired on 2029-12-31"}, nil},
		{"bad fields, each with its range", mp, "POST", "/api/v1/inventory/receipts",
			`{"location_id":1,"ndc":"12","unit":"kg","mg_per_unit":0,"expiry":"soon","containers":0,"amount_per_container":-1}`, 422,
			[]string{`"field":"ndc"`, `"field":"unit"`, `"field":"mg_per_unit"`, `"field":"expiry"`, `"field":"containers"`, "from 1 to 500",
				`"field":"amount_per_container"`, `"field":"lot"`, `"field":"supplier"`}, nil},
		{"a receipt", mp, "POST", "/api/v1/inventory/receipts", fmt.Sprintf(receipt, "2031-01-31", "10"), 201, []string{`"lot_id":`, `"container_ids":[`},
			func(body string) {
				m := regexp.MustCompile(`"container_ids":\[(\d+),(\d+)\]`).FindStringSubmatch(body)
				vars["{c1}"], vars["{c2}"] = m[1], m[2]
			}},
		{"the stock", mp, "GET", "/api/v1/inventory", "", 200, []string{`"lot":"LZ-7"`, `"balance":20`, `"balance_mg":2000`, `"status":"sealed"`}, nil},
		{"a dose before check-in", mp, "POST", sess, `{"dose_mg":200,"route":"lozenge","container_id":{c1}}`, 409,
			[]string{`"gates":[`, `"code":"session-status"`}, nil},
	} {
		runInventoryScenario(t, e.env, vars, sc.name, sc.token, sc.method, sc.path, sc.body, sc.status, sc.contains, sc.then)
	}
	sqldbtest.SetTime(e.now, time.Date(2030, 1, 7, 14, 30, 0, 0, time.UTC))
	for _, action := range []string{journey.ActionCheckIn, journey.ActionStart} {
		if _, err := e.db.ChangeCareSessionStatus(ctx, s.ID, action, e.ny.ID); err != nil {
			t.Fatal(err)
		}
	}
	// The run sheet before a dose (runsheet.go): an order whose booster leaves room to test the container's balance.
	if err := e.db.CreateOrder(ctx, &journey.Order{SessionID: s.ID, Route: journey.RouteLozenge, Formulation: "ketamine HCl lozenge", StrengthMg: 100,
		DoseMg: 200, BoosterMg: 800, BoosterAfter: 10, MaxTotalMg: 1100, WeightKg: 70, Override: "A test of the container's balance.", OrderedBy: e.mp}); err != nil {
		t.Fatal(err)
	}
	if err := e.db.SetChecklist(ctx, s.ID, &journey.Checklist{Fasted: true, RideHome: true, NoDriving: true, ConsentActive: true, Intention: "Rest.", By: e.ny.ID}); err != nil {
		t.Fatal(err)
	}
	n := func(v int) *int { return &v }
	if err := e.db.CreateObservation(ctx, &journey.Observation{SessionID: s.ID, Phase: journey.PhasePreDose, TakenAt: *e.now, Systolic: n(120),
		Diastolic: n(80), HeartRate: n(70), SpO2: n(98), RespRate: n(14), By: e.mp}); err != nil {
		t.Fatal(err)
	}
	for _, sc := range []struct {
		name, token, method, path, body string
		status                          int
		contains                        []string
		then                            func(body string)
	}{
		{"a dose from a sealed container", mp, "POST", sess, `{"dose_mg":200,"route":"lozenge","container_id":{c1}}`, 409, []string{"sealed"}, nil},
		{"opened", mp, "POST", "/api/v1/inventory/containers/{c1}/open", "", 201, []string{`"kind":"open"`, `"signature":"api-token"`}, nil},
		{"an IM dose on a lozenge order", mp, "POST", sess, `{"dose_mg":200,"route":"im","container_id":{c1}}`, 409, []string{`"code":"dose"`, "The order is by lozenge."}, nil},
		{"a chaperone may not dose", chap, "POST", sess, `{"dose_mg":200,"route":"lozenge","container_id":{c1}}`, 403, nil, nil},
		{"nor the therapist, unless the client took it", nora, "POST", sess, `{"dose_mg":200,"route":"lozenge","container_id":{c1}}`, 403, nil, nil},
		{"a dose in the future", mp, "POST", sess, `{"dose_mg":200,"route":"lozenge","container_id":{c1},"administered_at":"2030-01-07T16:00:00Z"}`, 422,
			[]string{`"field":"administered_at"`}, nil},
		{"the dose", mp, "POST", sess, `{"dose_mg":200,"route":"lozenge","container_id":{c1}}`, 201,
			[]string{`"dose_mg":200`, `"amount":2`, `"booster":false`, `"administered_at":"2030-01-07T14:30:00Z"`},
			func(string) { sqldbtest.SetTime(e.now, e.now.Add(10*time.Minute)) }}, // the order's booster comes 10 minutes on
		{"a booster the client took, observed", nora, "POST", sess, `{"dose_mg":100,"route":"lozenge","container_id":{c1},"self_administered":true}`, 201,
			[]string{`"booster":true`, `"self_administered":true`}, nil},
		{"more than the container holds", mp, "POST", sess, `{"dose_mg":800,"route":"lozenge","container_id":{c1}}`, 409, []string{"holds 7 count"}, nil},
		{"the session's doses", nora, "GET", sess, "", 200, []string{`"administrations":[{`, `"booster":true`}, nil},
		{"waste with no witness", mp, "POST", "/api/v1/inventory/containers/{c1}/waste", `{"amount":1,"reason":"Dropped"}`, 422, []string{`"field":"witness_id"`}, nil},
		{"waste witnessed by oneself", mp, "POST", "/api/v1/inventory/containers/{c1}/waste", fmt.Sprintf(`{"amount":1,"reason":"Dropped","witness_id":%d}`, e.mp), 422,
			[]string{"someone other than you"}, nil},
		{"waste past the balance", mp, "POST", "/api/v1/inventory/containers/{c1}/waste", fmt.Sprintf(`{"amount":8,"reason":"Dropped","witness_id":%d}`, e.chap), 409, nil, nil},
		{"witnessed waste", mp, "POST", "/api/v1/inventory/containers/{c1}/waste", fmt.Sprintf(`{"amount":0.5,"reason":"Half a lozenge spoiled","witness_id":%d}`, e.chap), 201,
			[]string{`"kind":"waste"`, `"amount":-0.5`, `"mg":-50`, `"balance_after":6.5`, fmt.Sprintf(`"witness_id":%d`, e.chap)}, nil},
		{"a count with a difference", mp, "POST", "/api/v1/inventory/counts", `{"location_id":1,"counts":[{"container_id":{c1},"amount":6.5},{"container_id":{c2},"amount":9}]}`, 201,
			[]string{`"discrepancies":[{`, `"expected":10`, `"counted":9`}, func(body string) {
				vars["{d}"] = regexp.MustCompile(`"discrepancies":\[\{"id":(\d+)`).FindStringSubmatch(body)[1]
			}},
		{"a count of a container twice", mp, "POST", "/api/v1/inventory/counts", `{"location_id":1,"counts":[{"container_id":{c1},"amount":1},{"container_id":{c1},"amount":1}]}`, 422,
			[]string{`"field":"counts[1]"`}, nil},
		{"the provider may not resolve it", mp, "POST", "/api/v1/inventory/discrepancies/{d}/resolve", `{"cause":"theft","note":"Missing"}`, 403, nil, nil},
		{"an admin must give a note", adm, "POST", "/api/v1/inventory/discrepancies/{d}/resolve", `{"cause":"theft","note":""}`, 422, []string{`"field":"note"`}, nil},
		{"an admin resolves it as a theft", adm, "POST", "/api/v1/inventory/discrepancies/{d}/resolve", `{"cause":"theft","note":"Reported to police."}`, 200,
			[]string{`"cause":"theft"`, `"notify_authorities_by":"2030-01-09T04:59:59Z"`}, nil},
		{"the stock after", adm, "GET", "/api/v1/inventory", "", 200, []string{`"balance":15.5`, `"open_discrepancies":[]`}, nil},
		{"the log needs a range", mp, "GET", "/api/v1/inventory/log?from=x", "", 422, []string{`"field":"from"`, `"field":"to"`}, nil},
		{"the log", mp, "GET", "/api/v1/inventory/log?from=2030-01-01&to=2030-01-31", "", 200,
			[]string{`"kind":"receipt"`, `"kind":"administration"`, `"kind":"waste"`, `"kind":"count"`, `"kind":"adjustment"`, `"cause":"theft"`,
				fmt.Sprintf(`"client_id":%d`, client.ID)}, nil},
	} {
		runInventoryScenario(t, e.env, vars, sc.name, sc.token, sc.method, sc.path, sc.body, sc.status, sc.contains, sc.then)
	}
}

func runInventoryScenario(t *testing.T, e *env, vars map[string]string, name, token, method, path, body string, status int,
	contains []string, then func(string)) {
	t.Run(name, func(t *testing.T) {
		for k, v := range vars {
			path, body = strings.ReplaceAll(path, k, v), strings.ReplaceAll(body, k, v)
		}
		st, got := e.bearer(token, method, path, body)
		if st != status {
			t.Fatalf("%s %s: %d, want %d: %s", method, path, st, status, trim(got))
		}
		for _, c := range contains {
			if !strings.Contains(got, c) {
				t.Errorf("%s %s: no %s in %s", method, path, c, trim(got))
			}
		}
		if then != nil {
			then(got)
		}
	})
}

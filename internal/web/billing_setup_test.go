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

// The billing setup's API through the real router and store, in order:
// entities, who bills under them, the fee schedule, a client's diagnoses
// and coverage, each by the roles that may and may not.
func TestBillingSetupAPI(t *testing.T) {
	e := newEnv(t)
	b := sqldbtest.SeedBilling(t, e.db)
	c, _ := e.newClient(e.ny, "Ada Client", "ada@example.com")
	admin, _ := e.staffCookie(journey.RoleAdmin)
	adm, nora, luis := e.token(admin.ID), e.token(e.ny.ID), e.token(e.la.ID)
	desk := e.token(sqldbtest.Staff(t, e.db, "Dee Desk", journey.RoleFrontDesk))
	ent := fmt.Sprintf("/api/v1/billing/entities/%d", b.Medical.ID)
	dx := fmt.Sprintf("/api/v1/clients/%d/diagnoses", c.ID)
	cov := fmt.Sprintf("/api/v1/clients/%d/coverage", c.ID)
	newEntity := `{"kind": "medical", "legal_name": "North PC", "address1": "2 Elm St", "city": "Portland", "state": "or", "postal": "97201", "tax_id": "45-1234567", "npi": "1234567893"}`
	for _, sc := range []struct {
		name, token, method, path, body string
		status                          int
		contains, excludes              []string
	}{
		{"front desk lists entities", desk, "GET", "/api/v1/billing/entities", "", 200,
			[]string{`"legal_name":"Harbor KAP Therapy PLLC"`, `"tax_id":"98-7654321"`}, nil},
		{"a therapist may not", nora, "GET", "/api/v1/billing/entities", "", 403, nil, nil},
		{"front desk may not add one", desk, "POST", "/api/v1/billing/entities", newEntity, 403, nil, nil},
		{"a bad entity", adm, "POST", "/api/v1/billing/entities",
			`{"kind": "clinic", "legal_name": "X", "address1": "1", "city": "Y", "state": "ZZ", "postal": "1", "tax_id": "12-345", "npi": "1234567890"}`, 422,
			[]string{`"field":"kind"`, `"field":"state"`, `"field":"postal"`, `"field":"tax_id"`, `"field":"npi"`, "check digit"}, nil},
		{"an admin adds one", adm, "POST", "/api/v1/billing/entities", newEntity, 201, []string{`"state":"OR"`, `"active":true`}, nil},
		{"an unknown field", adm, "POST", "/api/v1/billing/entities", `{"kind": "medical", "legalname": "x"}`, 400, nil, nil},
		{"one entity", desk, "GET", ent, "", 200, []string{`"legal_name":"Harbor Medical PC"`}, nil},
		{"an unknown entity", desk, "GET", "/api/v1/billing/entities/9999", "", 404, nil, nil},
		{"an admin changes it", adm, "PUT", ent,
			`{"kind": "medical", "legal_name": "Harbor Medical Group PC", "address1": "1 Main St", "city": "New York", "state": "NY", "postal": "10001", "tax_id": "98-7654321"}`, 200,
			[]string{`"legal_name":"Harbor Medical Group PC"`}, nil},
		{"its kind stays", adm, "PUT", ent,
			`{"kind": "practice", "legal_name": "Harbor Medical Group PC", "address1": "1 Main St", "city": "New York", "state": "NY", "postal": "10001", "tax_id": "98-7654321"}`, 422,
			[]string{`"field":"kind"`}, nil},
		{"clinicians set", adm, "PUT", "/api/v1/billing/clinicians",
			fmt.Sprintf(`{"clinicians": [{"user_id": %d, "entity_id": %d}]}`, e.ny.ID, b.Practice.ID), 200,
			[]string{`"name":"Nora York"`, `"missing":["NPI","licence number","licence state"]`}, nil},
		{"a front desk is not a clinician", adm, "PUT", "/api/v1/billing/clinicians",
			fmt.Sprintf(`{"clinicians": [{"user_id": %d, "entity_id": %d}]}`, admin.ID, b.Practice.ID), 422, []string{`"field":"clinicians[0]"`}, nil},
		{"front desk reads the schedule", desk, "GET", "/api/v1/billing/fee-schedule", "", 200,
			[]string{`"rule":"evaluation-then-time"`, `"code":"0820T"`, `"code":"J3490"`, `"telehealth_modifier":"95"`, `"currency":"USD"`, `{"code":"90837","description":"Psychotherapy, 60 minutes (53 or more)","cents":21000}`}, nil},
		{"a bad line", adm, "PUT", "/api/v1/billing/fee-schedule",
			fmt.Sprintf(`{"lines": [{"session_type": "medicine", "event": "completed", "charge_type": "medication", "entity_id": %d, "rule": "fixed", "code": "J3490", "units": 1, "description": "Ketamine"}], "prices": [{"code": "90x", "cents": 5}]}`, b.Practice.ID), 422,
			[]string{`"field":"lines[0].entity_id"`, `"field":"prices[0].code"`}, nil},
		{"front desk may not change it", desk, "PUT", "/api/v1/billing/fee-schedule", `{"lines": [], "prices": []}`, 403, nil, nil},
		{"an admin replaces it", adm, "PUT", "/api/v1/billing/fee-schedule",
			fmt.Sprintf(`{"lines": [{"session_type": "integration", "event": "completed", "charge_type": "psychotherapy", "entity_id": %d, "rule": "psychotherapy-time", "description": "Integration"}], "prices": [{"code": "90834", "cents": 17000}], "telehealth_modifier": ""}`, b.Practice.ID), 200,
			[]string{`"rule":"psychotherapy-time"`, `"telehealth_modifier":""`, `"description":"Psychotherapy, 45 minutes (38–52)"`}, []string{"0820T"}},
		{"the old lines are kept inactive", desk, "GET", "/api/v1/billing/fee-schedule?all=1", "", 200, []string{`"code":"0820T"`, `"active":false`}, nil},
		{"diagnoses, none yet", desk, "GET", dx, "", 200, []string{`"diagnoses":[]`}, nil},
		{"their therapist sets them", nora, "PUT", dx, `{"diagnoses": ["f33.1", "Z63.0"]}`, 200,
			[]string{`{"code":"F33.1","description":"Major depressive disorder, recurrent, moderate","pointer":"A"}`, `{"code":"Z63.0","description":"","pointer":"B"}`}, nil},
		{"a category and a typo", nora, "PUT", dx, `{"diagnoses": ["F33", "<b>x"]}`, 422,
			[]string{`"field":"diagnoses[0]"`, "F33.0–F33.3", `"field":"diagnoses[1]"`}, []string{"<b>"}},
		{"another therapist may not", luis, "PUT", dx, `{"diagnoses": ["F41.1"]}`, 404, nil, nil},
		{"front desk may not", desk, "PUT", dx, `{"diagnoses": ["F41.1"]}`, 403, nil, nil},
		{"front desk reads them", desk, "GET", dx, "", 200, []string{`"code":"F33.1"`}, nil},
		{"coverage: self-pay until set", desk, "GET", cov, "", 200,
			[]string{fmt.Sprintf(`{"entity_id":%d,"payer":"self-pay","insurer":"","member_id":"","group_number":""}`, b.Practice.ID)}, []string{"updated_at"}},
		{"insurance without a member id", desk, "PUT", cov, fmt.Sprintf(`{"entity_id": %d, "payer": "insurance", "insurer": "Aetna"}`, b.Practice.ID), 422,
			[]string{`"field":"member_id"`}, nil},
		{"an unknown entity", desk, "PUT", cov, `{"entity_id": 9999, "payer": "self-pay"}`, 422, []string{`"field":"entity_id"`}, nil},
		{"front desk sets insurance", desk, "PUT", cov, fmt.Sprintf(`{"entity_id": %d, "payer": "insurance", "insurer": "Aetna", "member_id": "W123"}`, b.Practice.ID), 200,
			[]string{`"payer":"insurance","insurer":"Aetna","member_id":"W123"`, `"updated_at":"2030-01-02T12:00:00Z"`}, nil},
		{"a therapist may not read coverage", nora, "GET", cov, "", 403, nil, nil},
		{"nor set it", nora, "PUT", cov, fmt.Sprintf(`{"entity_id": %d, "payer": "self-pay"}`, b.Practice.ID), 403, nil, nil},
		{"no one signed in", "", "GET", cov, "", 401, nil, nil},
	} {
		t.Run(sc.name, func(t *testing.T) {
			st, body := e.bearer(sc.token, sc.method, sc.path, sc.body)
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
					t.Errorf("body has %s", s)
				}
			}
		})
	}
}

// The billing setup pages through the real router and store: the admin's
// setup page and each of its forms, a client's diagnoses (their
// clinicians change them) and coverage (billing staff); a refusal is
// shown beside its field with what was typed kept, escaped.
func TestBillingSetupPages(t *testing.T) {
	e := newCareEnv(t)
	b := sqldbtest.SeedBilling(t, e.db)
	_, admin := e.staffCookie(journey.RoleAdmin)
	form := func(kv ...string) string {
		v := url.Values{}
		for i := 0; i < len(kv); i += 2 {
			if kv[i] == "bill" {
				v.Add(kv[i], kv[i+1])
			} else {
				v.Set(kv[i], kv[i+1]) // a later value replaces the base form's
			}
		}
		return v.Encode()
	}
	med := fmt.Sprintf("/admin/billing/entities/%d", b.Medical.ID)
	mp := fmt.Sprintf("e%d_", b.Medical.ID)
	dx := fmt.Sprintf("/staff/clients/%d/diagnoses", e.c.ID)
	cov := fmt.Sprintf("/staff/clients/%d/coverage", e.c.ID)
	cp := fmt.Sprintf("c%d_", b.Practice.ID)
	entity := func(pre string, kv ...string) string {
		base := []string{pre + "kind", "medical", pre + "legal_name", "North PC", pre + "address1", "2 Elm St", pre + "city", "Portland",
			pre + "state", "OR", pre + "postal", "97201", pre + "tax_id", "45-1234567", pre + "active", "on"}
		return form(append(base, kv...)...)
	}
	line := func(kv ...string) string {
		base := []string{"l_session_type", "integration", "l_event", "completed", "l_charge_type", "psychotherapy",
			"l_entity_id", fmt.Sprint(b.Practice.ID), "l_rule", "psychotherapy-time", "l_units", "1", "l_description", "Integration, evening", "l_active", "on"}
		return form(append(base, kv...)...)
	}
	for _, sc := range []struct {
		name, cookie, method, path, body string
		status                           int
		contains, excludes               []string
	}{
		{"the setup", admin, "GET", "/admin/billing", "", 200,
			[]string{"Harbor KAP Therapy PLLC", "Harbor Medical PC", "Who bills under which entity", "NPI, licence number, licence state",
				"0820T per hour", "90791 first, then by minutes", "none: a fee", "$210.00", `value="95"`, "Add a line"}, nil},
		{"front desk may not", e.desk, "GET", "/admin/billing", "", 403, nil, nil},
		{"a therapist may not", e.nora, "GET", "/admin/billing", "", 403, nil, nil},
		{"an entity refused", admin, "POST", "/admin/billing/entities", entity("e0_", "e0_tax_id", "<b>12", "e0_npi", "1234567890"), 422,
			[]string{`id="e0_tax_id-error"`, `value="&lt;b&gt;12"`, `id="e0_npi-error"`, "check digit", `value="North PC"`}, []string{"<b>12"}},
		{"an entity added", admin, "POST", "/admin/billing/entities", entity("e0_"), 303, nil, nil},
		{"its kind stays", admin, "POST", med, entity(mp, mp+"kind", "practice", mp+"legal_name", "Harbor Medical PC"), 422,
			[]string{fmt.Sprintf(`id="%skind-error"`, mp), "already bills"}, nil},
		{"an entity changed", admin, "POST", med, entity(mp, mp+"legal_name", "Harbor Medical Group PC", mp+"tax_id", "98-7654321"), 303, nil, nil},
		{"a line with a bad fee", admin, "POST", "/admin/billing/lines", line("l_fee_cents", "1.234"), 422,
			[]string{`id="l_fee_cents-error"`, `value="1.234"`, `value="Integration, evening"`}, nil},
		{"medication by the practice", admin, "POST", "/admin/billing/lines",
			line("l_session_type", "medicine", "l_charge_type", "medication", "l_rule", "fixed", "l_code", "J3490"), 422,
			[]string{`id="l_entity_id-error"`, "does not bill medication"}, nil},
		{"a line added", admin, "POST", "/admin/billing/lines", line("l_mode", "remote", "l_fee_cents", "180"), 303, nil, nil},
		{"a price refused", admin, "POST", "/admin/billing/prices", form("p_code", "9083", "p_cents", "ten"), 422,
			[]string{`id="p_cents-error"`, `value="ten"`}, nil},
		{"a code refused", admin, "POST", "/admin/billing/prices", form("p_code", "9083", "p_cents", "10"), 422,
			[]string{`id="p_code-error"`, "Enter a CPT code"}, nil},
		{"a price set", admin, "POST", "/admin/billing/prices", form("p_code", "0821T", "p_cents", "150"), 303, nil, nil},
		{"a bad modifier", admin, "POST", "/admin/billing/modifier", form("m_telehealth_modifier", "9"), 422,
			[]string{`id="m_telehealth_modifier-error"`}, nil},
		{"the modifier", admin, "POST", "/admin/billing/modifier", form("m_telehealth_modifier", "gt"), 303, nil, nil},
		{"who bills", admin, "POST", "/admin/billing/clinicians",
			form("bill", fmt.Sprintf("%d:%d", e.ny.ID, b.Practice.ID), "bill", fmt.Sprintf("%d:%d", e.mp, b.Medical.ID)), 303, nil, nil},
		{"all saved", admin, "GET", "/admin/billing", "", 200,
			[]string{"North PC", "Harbor Medical Group PC", "Integration, evening", "$180.00", "0821T", `value="GT"`,
				fmt.Sprintf(`value="%d:%d" id="bill-%d:%d" checked`, e.ny.ID, b.Practice.ID, e.ny.ID, b.Practice.ID)}, nil},
		{"a line in the form", admin, "GET", fmt.Sprintf("/admin/billing?line=%d", b.Schedule.Lines[0].ID), "", 200,
			[]string{"Change the line", fmt.Sprintf(`name="l_id" value="%d"`, b.Schedule.Lines[0].ID), `<option value="evaluation-then-time" selected>`}, nil},

		{"the chart links them", e.nora, "GET", fmt.Sprintf("/staff/clients/%d", e.c.ID), "", 200, []string{dx}, []string{cov}},
		{"diagnoses: the therapist's form", e.nora, "GET", dx, "", 200, []string{"None chosen yet", `id="dx12"`, `list="common-dx"`, "F43.10"}, nil},
		{"a category and a script", e.nora, "POST", dx, form("dx1", "F33.1", "dx2", "F33", "dx3", "<script>"), 422,
			[]string{`id="dx2-error"`, "F33.0–F33.3", `id="dx3-error"`, `value="&lt;script&gt;"`, `value="F33.1"`}, []string{"<script>"}},
		{"saved in order", e.nora, "POST", dx, form("dx1", "f41.1", "dx3", "F33.1"), 303, nil, nil},
		{"shown with pointers", e.nora, "GET", dx + "?saved=1", "", 200,
			[]string{"Diagnoses saved", "<td>A</td><td>F41.1</td><td>Generalized anxiety disorder</td>", "<td>B</td><td>F33.1</td>"}, nil},
		{"front desk reads, no form", e.desk, "GET", dx, "", 200, []string{"F41.1"}, []string{`id="dx1"`}},
		{"front desk may not change them", e.desk, "POST", dx, form("dx1", "F41.1"), 403, nil, nil},
		{"another therapist may not see them", e.luis, "GET", dx, "", 404, nil, nil},

		{"coverage: self-pay until set", e.desk, "GET", cov, "", 200,
			[]string{"Harbor KAP Therapy PLLC", "psychotherapy and medicine session", fmt.Sprintf(`id="%spayer-self" value="self-pay" checked`, cp)}, nil},
		{"insurance without a member ID", e.desk, "POST", cov, form("entity_id", fmt.Sprint(b.Practice.ID), cp+"payer", "insurance", cp+"insurer", "<i>Aetna</i>"), 422,
			[]string{fmt.Sprintf(`id="%smember_id-error"`, cp), `value="&lt;i&gt;Aetna&lt;/i&gt;"`, fmt.Sprintf(`id="%spayer-insurance" value="insurance" checked`, cp)}, []string{"<i>Aetna"}},
		{"insurance saved", e.desk, "POST", cov, form("entity_id", fmt.Sprint(b.Practice.ID), cp+"payer", "insurance", cp+"insurer", "Aetna", cp+"member_id", "W123"), 303, nil, nil},
		{"shown", e.desk, "GET", cov + "?saved=1", "", 200, []string{"Coverage saved", `value="W123"`, "Last changed January 2, 2030"}, nil},
		{"a therapist may not see it", e.nora, "GET", cov, "", 403, nil, nil},
		{"nor the client", e.client, "GET", cov, "", 403, nil, nil},
	} {
		t.Run(sc.name, func(t *testing.T) {
			ct := ""
			if sc.body != "" {
				ct = "application/x-www-form-urlencoded"
			}
			st, _, body := e.send(sc.cookie, sc.method, sc.path, ct, sc.body)
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
					t.Errorf("body has %s", s)
				}
			}
		})
	}
}

// The billing reports through the real router and store: the month
// report on screen and as CSV line by line, the aged balances with their
// links to each client's billing, refused months beside the field, for
// the front desk and admins only.
func TestBillingReportsPage(t *testing.T) {
	e := newCareEnv(t)
	ctx := t.Context()
	b := sqldbtest.SeedBilling(t, e.db)
	_, admin := e.staffCookie(journey.RoleAdmin)
	saved := *e.now
	post := func(day time.Time, f func()) {
		sqldbtest.SetTime(e.now, day)
		f()
		sqldbtest.SetTime(e.now, saved)
	}
	post(time.Date(2029, 11, 10, 15, 0, 0, 0, time.UTC), func() {
		if _, err := e.db.CreateCharges(ctx, []*journey.Charge{
			{ClientID: e.c.ID, EntityID: b.Practice.ID, ChargeType: journey.ChargePsychotherapy, Event: journey.EventCompleted, Date: "2029-11-10",
				Code: "90837", Units: 1, Description: "Integration", AmountCents: 210_00},
			{ClientID: e.c.ID, EntityID: b.Medical.ID, ChargeType: journey.ChargeMedication, Event: journey.EventCompleted, Date: "2029-11-10",
				Code: "J3490", Units: 1, Description: "Ketamine", AmountCents: 90_00}}, e.ny.ID); err != nil {
			t.Fatal(err)
		}
	})
	post(time.Date(2029, 12, 20, 15, 0, 0, 0, time.UTC), func() {
		if _, _, err := e.db.CreatePayment(ctx, &journey.Payment{ClientID: e.c.ID, EntityID: b.Practice.ID, ChargeType: journey.ChargePsychotherapy,
			AmountCents: 60_00, Method: journey.PayCheck, IdempotencyKey: "rep-1", By: e.ny.ID}); err != nil {
			t.Fatal(err)
		}
	})
	for _, sc := range []struct {
		name, cookie, path string
		status             int
		contains, excludes []string
	}{
		{"the front desk's reports", e.desk, "/staff/billing/reports?from=2029-11&to=2030-01", 200, []string{
			"<td>2029-11</td><td><bdi>Harbor KAP Therapy PLLC</bdi></td><td>Psychotherapy</td><td>$210.00 (1)</td>",
			"<td>2029-12</td><td><bdi>Harbor KAP Therapy PLLC</bdi></td><td>Psychotherapy</td><td>$0.00 (0)</td><td>$0.00</td><td>$0.00</td><td>-$60.00</td><td>$0.00</td><td>-$60.00</td><td>$150.00</td>",
			"<td>2030-01</td><td><bdi>Harbor Medical PC</bdi></td><td>Medication</td>",
			fmt.Sprintf(`<a href="/staff/clients/%d/billing">`, e.c.ID),
			// 210 charged 10 Nov, 53 days before 2 Jan: 31–60; 60 paid from it.
			"<td>$0.00</td><td>$150.00</td><td>$0.00</td><td>$0.00</td><td>$150.00</td>",
			"<th scope=\"row\">All clients</th><td><bdi>Harbor Medical PC</bdi></td><td>$0.00</td><td>$90.00</td>",
		}, nil},
		{"an admin's", admin, "/staff/billing/reports", 200, []string{`value="2029-11"`, `value="2030-01"`, "Aged balances on January 2, 2030"}, nil},
		{"months backwards", e.desk, "/staff/billing/reports?from=2030-01&to=<b>", 422, []string{`id="to-error"`, `value="&lt;b&gt;"`, "Aged balances"}, []string{"<b>"}},
		{"a therapist may not", e.nora, "/staff/billing/reports", 403, nil, nil},
		{"nor their CSV", e.nora, "/staff/billing/reports/months.csv", 403, nil, nil},
		{"the client may not", e.client, "/staff/billing/reports", 403, nil, nil},
	} {
		t.Run(sc.name, func(t *testing.T) {
			st, _, body := e.send(sc.cookie, "GET", sc.path, "", "")
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
					t.Errorf("body has %s", s)
				}
			}
		})
	}
	st, h, body := e.send(e.desk, "GET", "/staff/billing/reports/months.csv?from=2029-11&to=2029-12", "", "")
	P, M := b.Practice.ID, b.Medical.ID
	want := []string{
		"month,entity_id,entity,charge_type,charges_count,charges,voids,adjustments,payments,refunds,net,balance_at_month_end,currency",
		fmt.Sprintf("2029-11,%d,Harbor KAP Therapy PLLC,psychotherapy,1,210.00,0.00,0.00,0.00,0.00,210.00,210.00,USD", P),
		fmt.Sprintf("2029-11,%d,Harbor Medical PC,medication,1,90.00,0.00,0.00,0.00,0.00,90.00,90.00,USD", M),
		fmt.Sprintf("2029-12,%d,Harbor KAP Therapy PLLC,psychotherapy,0,0.00,0.00,0.00,-60.00,0.00,-60.00,150.00,USD", P),
		fmt.Sprintf("2029-12,%d,Harbor Medical PC,medication,0,0.00,0.00,0.00,0.00,0.00,0.00,90.00,USD", M),
	}
	if st != 200 || h.Get("Content-Type") != "text/csv; charset=utf-8" || strings.TrimSpace(body) != strings.Join(want, "\n") {
		t.Fatalf("months CSV %d %s:\n%s\nwant:\n%s", st, h.Get("Content-Type"), body, strings.Join(want, "\n"))
	}
	st, _, body = e.send(admin, "GET", "/staff/billing/reports/aged.csv", "", "")
	wantAged := fmt.Sprintf("client_id,client,entity_id,entity,current,days_31_60,days_61_90,over_90,balance,currency\n"+
		"%d,%s,%d,Harbor KAP Therapy PLLC,0.00,150.00,0.00,0.00,150.00,USD\n%d,%s,%d,Harbor Medical PC,0.00,90.00,0.00,0.00,90.00,USD",
		e.c.ID, e.c.Name, P, e.c.ID, e.c.Name, M)
	if st != 200 || strings.TrimSpace(body) != wantAged {
		t.Fatalf("aged CSV %d:\n%s\nwant:\n%s", st, body, wantAged)
	}
	if es := e.staffAudits(0, "billing.report.aged"); len(es) == 0 || !strings.Contains(es[len(es)-1].Detail, fmt.Sprintf("clients %d", e.c.ID)) {
		t.Errorf("the aged report's audit names its clients: %+v", es)
	}
}

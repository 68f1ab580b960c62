package web

import (
	"fmt"
	"strings"
	"testing"

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

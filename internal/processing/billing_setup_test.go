package processing_test

import (
	"context"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// Billing setup by role: admins set it up, the front desk reads it and
// sets coverage, a client's clinicians choose their diagnoses, no one
// else; each read and change is audited, a refusal too.
func TestBillingSetupRoles(t *testing.T) {
	p, db := open(t)
	ctx := context.Background()
	ny, la := sqldbtest.MustSeed(t, db)
	c, u := sqldbtest.Client(t, db, ny.ID, "Ada Client", "ada@example.com", nil)
	b := sqldbtest.SeedBilling(t, db)
	admin := actor(sqldbtest.Staff(t, db, "Ann Admin", journey.RoleAdmin), journey.RoleAdmin)
	desk := actor(sqldbtest.Staff(t, db, "Dee Desk", journey.RoleFrontDesk), journey.RoleFrontDesk)
	therapist, other := actor(ny.ID, journey.RoleTherapist), actor(la.ID, journey.RoleTherapist)
	client := actor(u.ID, journey.RoleClient)

	e := *b.Medical
	e.Phone = "555-0100"
	for _, a := range []*journey.Actor{desk, therapist, client} {
		if err := p.SaveBillingEntity(ctx, a, &e, "test"); journey.ErrorCode(err) != journey.EFORBIDDEN {
			t.Fatalf("%v changes an entity: %v", a.User.Roles, err)
		}
	}
	if err := p.SaveBillingEntity(ctx, admin, &e, "test"); err != nil {
		t.Fatal(err)
	}
	if es, err := p.BillingEntities(ctx, desk, "test"); err != nil || len(es) != 2 || es[1].Phone != "555-0100" {
		t.Fatalf("front desk reads entities: %v %v", es, err)
	}
	if _, err := p.BillingEntities(ctx, therapist, "test"); journey.ErrorCode(err) != journey.EFORBIDDEN {
		t.Fatalf("therapist reads entities: %v", err)
	}
	if _, err := p.BillingSetup(ctx, desk, "test"); journey.ErrorCode(err) != journey.EFORBIDDEN {
		t.Fatalf("front desk opens setup: %v", err)
	}
	s, err := p.BillingSetup(ctx, admin, "test")
	if err != nil || len(s.Schedule.Lines) == 0 || len(s.Candidates) != 2 {
		t.Fatalf("setup: %+v %v", s, err)
	}
	fs, err := p.FeeSchedule(ctx, desk, false, "test")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.SaveFeeSchedule(ctx, desk, fs, "test"); journey.ErrorCode(err) != journey.EFORBIDDEN {
		t.Fatalf("front desk saves the schedule: %v", err)
	}
	if err := p.SaveFeeSchedule(ctx, admin, fs, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := p.SetBillingClinicians(ctx, desk, nil, "test"); journey.ErrorCode(err) != journey.EFORBIDDEN {
		t.Fatalf("front desk sets clinicians: %v", err)
	}
	if cs, err := p.SetBillingClinicians(ctx, admin, []*journey.BillingClinician{{UserID: ny.ID, EntityID: b.Practice.ID}}, "test"); err != nil || len(cs) != 1 {
		t.Fatalf("clinicians: %v %v", cs, err)
	}

	// Diagnoses: the client's therapist sets them; billing staff read them.
	for _, a := range []*journey.Actor{desk, admin, other, client} {
		if _, err := p.SetDiagnoses(ctx, a, c.ID, []string{"F33.1"}, "test"); journey.ErrorCode(err) != journey.ENOTFOUND {
			t.Fatalf("%v sets diagnoses: %v", a.User.Roles, err)
		}
	}
	if got, err := p.SetDiagnoses(ctx, therapist, c.ID, []string{"f33.1", "F41.1"}, "test"); err != nil || len(got) != 2 || got[0] != "F33.1" {
		t.Fatalf("therapist sets: %v %v", got, err)
	}
	for _, a := range []*journey.Actor{desk, therapist, client} {
		if got, err := p.Diagnoses(ctx, a, c.ID, "test"); err != nil || len(got) != 2 {
			t.Fatalf("%v reads diagnoses: %v %v", a.User.Roles, got, err)
		}
	}
	if _, err := p.Diagnoses(ctx, other, c.ID, "test"); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Fatalf("another therapist reads diagnoses: %v", err)
	}

	// Coverage: the front desk sets it; a clinician does not.
	cov := &journey.Coverage{ClientID: c.ID, EntityID: b.Practice.ID, Payer: journey.PayerInsurance, Insurer: "Aetna", MemberID: "W1"}
	for _, a := range []*journey.Actor{therapist, client} {
		if err := p.SetCoverage(ctx, a, cov, "test"); journey.ErrorCode(err) != journey.ENOTFOUND {
			t.Fatalf("%v sets coverage: %v", a.User.Roles, err)
		}
	}
	if err := p.SetCoverage(ctx, desk, cov, "test"); err != nil {
		t.Fatal(err)
	}
	if got, err := p.Coverage(ctx, client, c.ID, "test"); err != nil || got[0].MemberID != "W1" || got[1].Payer != journey.PayerSelfPay {
		t.Fatalf("client reads coverage: %+v %v", got, err)
	}
	if _, err := p.Coverage(ctx, therapist, c.ID, "test"); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Fatalf("therapist reads coverage: %v", err)
	}

	for action, want := range map[string][2]int{ // successes, refusals
		"billing.entity.update":   {1, 3},
		"billing.schedule.update": {1, 1},
		"client.diagnoses.update": {1, 4},
		"client.diagnoses.read":   {3, 1},
		"client.coverage.update":  {1, 2},
		"client.coverage.read":    {1, 1},
		"billing.setup.read":      {1, 1},
	} {
		var ok, denied int
		for _, e := range entries(t, db, action) {
			switch e.Outcome {
			case journey.AuditSuccess:
				ok++
			case journey.AuditDenied:
				denied++
			}
		}
		if ok != want[0] || denied != want[1] {
			t.Errorf("%s: %d audited, %d refusals; want %v", action, ok, denied, want)
		}
	}
}

// The billing reports are the front desk's and admins': anyone else is
// refused and the refusal audited; a bad month is refused beside it.
func TestBillingReportsRoles(t *testing.T) {
	p, db := open(t)
	ctx := context.Background()
	ny, _ := sqldbtest.MustSeed(t, db)
	sqldbtest.SeedBilling(t, db)
	desk := actor(sqldbtest.Staff(t, db, "Dee Desk", journey.RoleFrontDesk), journey.RoleFrontDesk)
	for _, a := range []*journey.Actor{actor(ny.ID, journey.RoleTherapist), actor(9005, journey.RoleClient), actor(9006, journey.RoleMedicalProvider)} {
		if _, err := p.BillingMonthReport(ctx, a, "2026-11", "2026-12", time.UTC, "test"); journey.ErrorCode(err) != journey.EFORBIDDEN {
			t.Fatalf("%v reads the month report: %v", a.User.Roles, err)
		}
		if _, err := p.AgedBalances(ctx, a, time.Now(), "test"); journey.ErrorCode(err) != journey.EFORBIDDEN {
			t.Fatalf("%v reads aged balances: %v", a.User.Roles, err)
		}
	}
	if _, err := p.BillingMonthReport(ctx, desk, "2026-12", "2026-11", time.UTC, "test"); len(journey.ErrorFields(err)) != 1 || journey.ErrorFields(err)[0].Field != "to" {
		t.Fatalf("months backwards: %v", err)
	}
	r, err := p.BillingMonthReport(ctx, desk, "2026-11", "2026-12", time.UTC, "test")
	if err != nil || len(r.Spans) != 2 || len(r.Entities) != 2 {
		t.Fatalf("report: %+v %v", r, err)
	}
	if _, err := p.AgedBalances(ctx, desk, time.Now(), "test"); err != nil {
		t.Fatal(err)
	}
	for action, want := range map[string][2]int{"billing.report.months": {1, 3}, "billing.report.aged": {1, 3}} {
		var ok, denied int
		for _, e := range entries(t, db, action) {
			switch e.Outcome {
			case journey.AuditSuccess:
				ok++
			case journey.AuditDenied:
				denied++
			}
		}
		if ok != want[0] || denied != want[1] {
			t.Errorf("%s: %d audited, %d refusals; want %v", action, ok, denied, want)
		}
	}
}

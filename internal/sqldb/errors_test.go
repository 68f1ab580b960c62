package sqldb_test

import (
	"context"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// With the database away, every service answers EUNAVAILABLE: never a
// validation error, "not found" or a quiet success. After it comes back,
// the same calls work.
func TestOutageIsUnavailable(t *testing.T) {
	for _, fault := range sqldbtest.Faults() {
		t.Run(fault, func(t *testing.T) { testOutage(t, fault) })
	}
}

func testOutage(t *testing.T, fault string) {
	o := sqldbtest.OpenOutage(t, fault)
	db := o.DB
	ctx := context.Background()
	now := monday9.AddDate(0, 0, -5)
	db.Now = sqldbtest.FixedClock(&now)
	ny, _ := sqldbtest.MustSeed(t, db)
	c, err := db.CreateConsult(ctx, booking(monday9, ny.ID, "ada@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CreateUser(ctx, &journey.User{Kind: journey.UserStaff, Name: "Sam", Email: "sam@practice.test", Roles: []string{journey.RoleFrontDesk}, Active: true}, "x"); err != nil {
		t.Fatal(err)
	}
	calls := []struct {
		name string
		call func() error
	}{
		{"book with a therapist", func() error {
			_, err := db.CreateConsult(ctx, booking(monday9.Add(30*time.Minute), ny.ID, "bo@example.com"))
			return err
		}},
		{"slots of a therapist", func() error {
			_, err := db.FindSlots(ctx, journey.SlotQuery{From: monday9, Days: 1, TherapistID: ny.ID})
			return err
		}},
		{"therapist by id", func() error { _, err := db.FindTherapistByID(ctx, ny.ID); return err }},
		{"consult by token", func() error { _, err := db.FindConsultByToken(ctx, c.ManageToken); return err }},
		{"consult by id", func() error { _, err := db.FindConsultByID(ctx, c.ID); return err }},
		{"user by email", func() error { _, err := db.FindUserByEmail(ctx, "sam@practice.test"); return err }},
		{"sign-in failures", func() error { _, _, err := db.SigninFailures(ctx, "account:sam@practice.test"); return err }},
		{"password reset", func() error { return db.RequestPasswordReset(ctx, "sam@practice.test") }},
		{"resend manage link", func() error { return db.ResendManageLink(ctx, "ada@example.com") }},
		{"new client", func() error {
			_, err := db.CreateClient(ctx, &journey.NewClient{Name: "Cleo", Email: "cleo@example.com", TherapistID: ny.ID, CreatedBy: ny.ID}, "jy_inv_outage")
			return err
		}},
		{"consult list", func() error { _, _, err := db.FindConsults(ctx, journey.ConsultFilter{}); return err }},
		{"audit trail", func() error { _, err := db.FindAudit(ctx, journey.AuditFilter{Limit: 10}); return err }},
	}
	o.Cut()
	for _, c := range calls {
		if err := c.call(); journey.ErrorCode(err) != journey.EUNAVAILABLE {
			t.Errorf("%s: %v (code %q), want %s", c.name, err, journey.ErrorCode(err), journey.EUNAVAILABLE)
		}
	}
	o.Restore()
	for _, c := range calls {
		if err := c.call(); journey.ErrorCode(err) == journey.EUNAVAILABLE {
			t.Errorf("%s after the database came back: %v", c.name, err)
		}
	}
}

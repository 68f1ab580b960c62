package processing_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/audit"
	"github.com/journey-kap/journey/internal/processing"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// open returns a processor over a real database with the audit writer on.
func open(t *testing.T) (*processing.Processor, *sqldb.DB) {
	t.Helper()
	db := sqldbtest.Open(t)
	key, _, err := audit.LoadOrCreateKey(filepath.Join(t.TempDir(), "audit.key"))
	if err != nil {
		t.Fatal(err)
	}
	db.StartAudit(key, filepath.Join(t.TempDir(), "audit.head"))
	return processing.New(db), db
}

// actor returns a signed-in, verified actor with id and role.
func actor(id int64, role string) *journey.Actor {
	return &journey.Actor{User: &journey.User{ID: id, Roles: []string{role}, Active: true, Kind: kindOf(role)}, Verified: true, ClientAddr: "192.0.2.7"}
}

func kindOf(role string) string {
	if role == journey.RoleClient {
		return journey.UserClient
	}
	return journey.UserStaff
}

// entries returns the audit trail's entries with action, oldest first.
func entries(t *testing.T, db *sqldb.DB, action string) []*journey.AuditEntry {
	t.Helper()
	ctx := context.Background()
	if err := db.FlushAudit(ctx); err != nil {
		t.Fatal(err)
	}
	es, err := db.FindAudit(ctx, journey.AuditFilter{Action: action})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// One client's record, read by each role through the one method the chart
// and the API share: the record rules of policy.go decide who sees what,
// a refusal is "not found" and audited, and each read is audited.
func TestClientRecordRules(t *testing.T) {
	p, db := open(t)
	ctx := context.Background()
	ny, la := sqldbtest.MustSeed(t, db)
	c, u := sqldbtest.Client(t, db, ny.ID, "Ada Client", "ada@example.com", nil)
	for _, tc := range []struct {
		name     string
		a        *journey.Actor
		found    bool
		clinical bool
	}{
		{"their therapist", actor(ny.ID, journey.RoleTherapist), true, true},
		{"another therapist", actor(la.ID, journey.RoleTherapist), false, false},
		{"front desk", actor(9001, journey.RoleFrontDesk), true, false},
		{"admin", actor(9002, journey.RoleAdmin), true, false},
		{"medical provider", actor(9003, journey.RoleMedicalProvider), true, true},
		{"the client", actor(u.ID, journey.RoleClient), true, false},
		{"another client", actor(9004, journey.RoleClient), false, false},
		{"chaperone", actor(9005, journey.RoleChaperone), false, false},
	} {
		rec, err := p.ClientRecord(ctx, tc.a, c.ID, "test")
		if !tc.found {
			if journey.ErrorCode(err) != journey.ENOTFOUND || journey.ErrorMessage(err) != "Client not found." {
				t.Errorf("%s: %v, want not found", tc.name, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := rec.Clinical != nil; got != tc.clinical {
			t.Errorf("%s: clinical record %v, want %v", tc.name, got, tc.clinical)
		}
	}
	denied := 0
	for _, e := range entries(t, db, "client.read") {
		if e.Outcome == journey.AuditDenied {
			denied++
			if e.SubjectID == "" || e.ClientAddr != "192.0.2.7" || e.ActorID == 0 {
				t.Errorf("denial entry without subject, address or actor: %+v", e)
			}
		}
	}
	if denied != 3 {
		t.Errorf("%d refusals audited, want 3", denied)
	}
	if n := len(entries(t, db, "client.clinical.read")); n != 2 {
		t.Errorf("%d clinical reads audited, want 2", n)
	}
}

// Every audit entry is written the one way, whoever calls: a visitor's
// carries their address and no actor, the console's the role cli.
func TestAuditOneWay(t *testing.T) {
	p, db := open(t)
	ctx := context.Background()
	p.Audit(ctx, &journey.Actor{ClientAddr: "198.51.100.4"}, processing.Entry{Action: "test.visitor", SubjectType: "consult", SubjectID: int64(0),
		Outcome: journey.AuditSuccess})
	p.Audit(ctx, processing.Console(42), processing.Entry{Action: "test.console", SubjectType: "token", SubjectID: int64(7),
		Outcome: journey.AuditSuccess, Reason: "asked", Detail: "journey tokens create"})
	v := entries(t, db, "test.visitor")
	if len(v) != 1 || v[0].ActorID != 0 || v[0].ClientAddr != "198.51.100.4" || v[0].SubjectID != "" {
		t.Fatalf("visitor: %+v", v)
	}
	c := entries(t, db, "test.console")
	if len(c) != 1 || c[0].ActorID != 42 || c[0].ActorRole != "cli" || c[0].ClientAddr != "local" || c[0].SubjectID != "7" || c[0].Reason != "asked" {
		t.Fatalf("console: %+v", c)
	}
}

// A clinician breaks the glass only with a reason of 10 to 500
// characters, on a kind of record their role reads; the access is audited
// with the reason, and others are told "not found".
func TestBreakGlass(t *testing.T) {
	p, db := open(t)
	ctx := context.Background()
	ny, la := sqldbtest.MustSeed(t, db)
	c, _ := sqldbtest.Client(t, db, ny.ID, "Ada Client", "ada@example.com", nil)
	other := actor(la.ID, journey.RoleTherapist)
	if _, err := p.BreakGlassClient(ctx, other, c.ID, "too short", "chart"); journey.ErrorCode(err) != journey.EINVALID ||
		!strings.Contains(journey.ErrorFields(err)[0].Detail, "10 to 500") {
		t.Fatalf("short reason: %v", err)
	}
	if _, err := p.BreakGlassClient(ctx, actor(9001, journey.RoleFrontDesk), c.ID, "the client is on the phone in crisis", "chart"); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Fatalf("front desk: %v", err)
	}
	ok, err := p.BreakGlassOffered(ctx, other, journey.BreakGlassClient, c.ID)
	if err != nil || !ok {
		t.Fatalf("offer: %v %v", ok, err)
	}
	if ok, _ := p.BreakGlassOffered(ctx, other, journey.BreakGlassClient, c.ID+1000); ok {
		t.Fatal("offered on a client who does not exist")
	}
	rec, err := p.BreakGlassClient(ctx, other, c.ID, "the client is on the phone in crisis", "chart")
	if err != nil || rec.Clinical == nil {
		t.Fatalf("break glass: %v", err)
	}
	es := entries(t, db, "breakglass")
	if len(es) != 1 || es[0].Reason != "the client is on the phone in crisis" || es[0].ActorID != la.ID {
		t.Fatalf("audit: %+v", es)
	}
}

// A consult is seen by the therapist it is booked with, front desk and
// admins; anyone else is told "not found" and the refusal audited. Lists
// follow the same rule, and only those who change consults move them.
func TestConsultRules(t *testing.T) {
	p, db := open(t)
	ctx := context.Background()
	now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	db.Now = sqldbtest.FixedClock(&now)
	ny, la := sqldbtest.MustSeed(t, db)
	c, err := db.CreateConsult(ctx, &journey.BookingRequest{Start: time.Date(2030, 1, 7, 14, 0, 0, 0, time.UTC), TherapistID: ny.ID, Name: "Ada",
		Email: "ada@example.com", ContactMethod: "email", Mode: journey.ModeVideo, TimeZone: "UTC", PrivacyConsent: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		a    *journey.Actor
		sees bool
	}{
		{"its therapist", actor(ny.ID, journey.RoleTherapist), true},
		{"another therapist", actor(la.ID, journey.RoleTherapist), false},
		{"front desk", actor(9001, journey.RoleFrontDesk), true},
		{"admin", actor(9002, journey.RoleAdmin), true},
		{"medical provider", actor(9003, journey.RoleMedicalProvider), false},
		{"a client", actor(9004, journey.RoleClient), false},
	} {
		_, err := p.ReadConsult(ctx, tc.a, c.ID, "test")
		if got := err == nil; got != tc.sees {
			t.Errorf("%s: read %v (%v), want %v", tc.name, got, err, tc.sees)
		}
		if !tc.sees && journey.ErrorCode(err) != journey.ENOTFOUND {
			t.Errorf("%s: %v, want not found", tc.name, err)
		}
		cs, _, err := p.Consults(ctx, tc.a, journey.ConsultFilter{Limit: 10}, "")
		if listed := len(cs) == 1; err == nil && listed != tc.sees {
			t.Errorf("%s: listed %v, want %v", tc.name, listed, tc.sees)
		}
	}
	if _, err := p.CancelConsult(ctx, actor(la.ID, journey.RoleTherapist), c.ID, "caller asked", ""); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Fatalf("another therapist cancels: %v", err)
	}
	if _, err := p.CancelConsult(ctx, actor(9001, journey.RoleFrontDesk), c.ID, "", ""); journey.ErrorCode(err) != journey.EINVALID {
		t.Fatalf("front desk cancels without a reason: %v", err)
	}
	if _, err := p.CancelConsult(ctx, actor(9001, journey.RoleFrontDesk), c.ID, "caller asked", ""); err != nil {
		t.Fatalf("front desk cancels: %v", err)
	}
	if es := entries(t, db, "consult.cancel"); len(es) != 1 || es[0].Reason != "caller asked" {
		t.Fatalf("cancel audit: %+v", es)
	}
	denied := 0
	for _, e := range entries(t, db, "consult.read") {
		if e.Outcome == journey.AuditDenied {
			denied++
		}
	}
	if denied != 4 { // three refused reads and the refused cancel
		t.Errorf("%d refusals audited, want 4", denied)
	}
}

// Settings and staff changes check the actor's permission in processing
// too, so a caller other than a route (the CLI, a job) cannot skip it:
// only admins change settings, and a member of staff edits their own
// profile, an admin anyone's.
func TestSettingsAndStaffNeedPermission(t *testing.T) {
	p, db := open(t)
	ctx := context.Background()
	ny, la := sqldbtest.MustSeed(t, db)
	therapist := actor(ny.ID, journey.RoleTherapist)
	if err := p.UpdateBookingSettings(ctx, therapist, &journey.BookingSettings{Private: true, HoldMinutes: 30}, nil); journey.ErrorCode(err) != journey.EFORBIDDEN {
		t.Fatalf("a therapist changes booking settings: %v", err)
	}
	if err := p.UpdateBookingSettings(ctx, actor(9002, journey.RoleAdmin), &journey.BookingSettings{Private: true, HoldMinutes: 30}, nil); err != nil {
		t.Fatalf("an admin changes booking settings: %v", err)
	}
	other, err := db.FindStaffProfile(ctx, la.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.UpdateStaffProfile(ctx, therapist, other, ""); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Fatalf("a therapist edits another's profile: %v", err)
	}
	own, err := db.FindStaffProfile(ctx, ny.ID)
	if err != nil {
		t.Fatal(err)
	}
	own.Pronouns = "she/her"
	if err := p.UpdateStaffProfile(ctx, therapist, own, ""); err != nil {
		t.Fatalf("a therapist edits their own profile: %v", err)
	}
	if es := entries(t, db, "settings.booking.update"); len(es) != 1 || es[0].Outcome != journey.AuditSuccess {
		t.Fatalf("settings audit: %+v", es)
	}
}

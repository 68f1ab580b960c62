package sqldb_test

import (
	"context"
	"testing"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// A staff profile round-trips; a bad NPI is refused beside its field; the
// therapist list shows the new name at once.
func TestStaffProfileRoundTrip(t *testing.T) {
	db := sqldbtest.Open(t)
	ny, _ := sqldbtest.MustSeed(t, db)
	ctx := context.Background()
	p, err := db.FindStaffProfile(ctx, ny.ID)
	if err != nil || p.Name != "Nora York" || p.Credentials != "LCSW" {
		t.Fatalf("profile: %+v %v", p, err)
	}
	p.Name, p.NPI, p.LicenceNumber, p.LicenceState, p.TimeZone, p.Pronouns = "Nora Yorke", "1234567893", "C1234", "ny", "America/New_York", "she/her"
	if err := db.UpdateStaffProfile(ctx, p); err != nil {
		t.Fatal(err)
	}
	got, _ := db.FindStaffProfile(ctx, ny.ID)
	if *got != *p || got.LicenceState != "NY" {
		t.Fatalf("stored %+v, want %+v", got, p)
	}
	if th, _ := db.FindTherapistByID(ctx, ny.ID); th.Name != "Nora Yorke" || th.Pronouns != "she/her" {
		t.Fatalf("therapist list: %+v", th)
	}
	p.NPI = "1234567890"
	if err := db.UpdateStaffProfile(ctx, p); journey.ErrorCode(err) != journey.EINVALID || journey.ErrorFields(err)[0].Field != "npi" {
		t.Fatalf("bad NPI: %v", err)
	}
	if _, err := db.FindStaffProfile(ctx, 9999); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Fatalf("unknown: %v", err)
	}
}

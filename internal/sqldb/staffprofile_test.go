package sqldb_test

import (
	"context"
	"strings"
	"testing"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb"
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

// Upgrading to one zone per member of staff (migration 19): where a
// consult calendar had its own zone, it becomes the profile's, as the
// hours were entered in it; a profile without a calendar keeps its own.
func TestUpgradeOneStaffZone(t *testing.T) {
	ctx := context.Background()
	dsn, mk := sqldbtest.DSN(t), sqldbtest.MasterKeys(t)
	db, err := sqldb.OpenAtVersion(ctx, dsn, 18, mk)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]string{}
	for _, p := range []struct{ name, profile, calendar, want string }{
		{"Ann Unset", "", "America/Chicago", "America/Chicago"},
		{"Bo Disagrees", "Europe/London", "America/New_York", "America/New_York"},
		{"Cy No Calendar", "Asia/Tokyo", "", "Asia/Tokyo"},
	} {
		u := &journey.User{Kind: journey.UserStaff, Name: p.name, Email: strings.ReplaceAll(p.name, " ", ".") + "@practice.test",
			Roles: []string{journey.RoleTherapist}, Active: true}
		if err := db.CreateUser(ctx, u, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Write.Exec(db.Rebind(`UPDATE staff SET time_zone = ? WHERE id = ?`), p.profile, u.ID); err != nil {
			t.Fatal(err)
		}
		if p.calendar != "" {
			if _, err := db.Write.Exec(db.Rebind(`INSERT INTO consult_calendars (staff_id, time_zone, consult_minutes, buffer_minutes,
				notice_minutes, horizon_days) VALUES (?, ?, 30, 0, 720, 60)`), u.ID, p.calendar); err != nil {
				t.Fatal(err)
			}
		}
		want[u.ID] = p.want
	}
	db.Close()
	db = sqldbtest.OpenDSN(t, dsn, mk)
	for id, zone := range want {
		if p, err := db.FindStaffProfile(ctx, id); err != nil || p.TimeZone != zone {
			t.Errorf("staff %d: profile zone %q (%v), want %q", id, p.TimeZone, err, zone)
		}
		if th, err := db.FindTherapistByID(ctx, id); err == nil && th.TimeZone != zone {
			t.Errorf("staff %d: consult zone %q, want %q", id, th.TimeZone, zone)
		}
	}
}

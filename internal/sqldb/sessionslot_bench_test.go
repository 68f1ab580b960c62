package sqldb_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// BenchmarkFindSessionSlots: the medicine-session slots of 60 days with the
// reads (the type, 21 people's clinical hours, 4 rooms, what 3,000 booked
// sessions hold, the client's care team, in one read transaction) on
// SQLite: 10 therapists, 5 medical providers and 6 chaperones on weekday
// hours 08:00-18:00 in New York, 4 rooms, 50 clients; each weekday 50
// sessions of an hour, each therapist's five back to back in the morning
// or the afternoon (the other half of their day free), the first five
// therapists' with a medical provider, six with a chaperone, four in a
// room.
func BenchmarkFindSessionSlots(b *testing.B) {
	db := sqldbtest.Open(b)
	ctx := context.Background()
	now := time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC) // a Monday
	db.Now = sqldbtest.FixedClock(&now)
	ny, _ := sqldbtest.MustSeed(b, db)
	var week []journey.WeeklyHours
	for d := time.Monday; d <= time.Friday; d++ {
		week = append(week, journey.WeeklyHours{Weekday: d, Start: 8 * 60, End: 18 * 60})
	}
	staff := func(n int, role string) []int64 {
		var ids []int64
		for i := range n {
			id := sqldbtest.Staff(b, db, fmt.Sprintf("%s %d", role, i), role)
			if err := db.SetStaffHours(ctx, &journey.StaffHours{StaffID: id, TimeZone: "America/New_York", Weekly: week}); err != nil {
				b.Fatal(err)
			}
			ids = append(ids, id)
		}
		return ids
	}
	therapists, mps, chaps := staff(10, journey.RoleTherapist), staff(5, journey.RoleMedicalProvider), staff(6, journey.RoleChaperone)
	loc := &journey.Location{Name: "Clinic", TimeZone: "America/New_York"}
	if err := db.CreateLocation(ctx, loc); err != nil {
		b.Fatal(err)
	}
	var rooms []int64
	for i := range 4 {
		r := &journey.Room{LocationID: loc.ID, Name: fmt.Sprintf("Room %d", i), Weekly: week}
		if err := db.CreateRoom(ctx, r); err != nil {
			b.Fatal(err)
		}
		rooms = append(rooms, r.ID)
	}
	sqldbtest.BulkClients(b, db, ny.ID, 49)
	clients, n, err := db.FindClients(ctx, journey.ClientFilter{Limit: 100})
	if err != nil || n != 50 {
		b.Fatalf("%d clients (%v)", n, err)
	}
	nyZone, _ := time.LoadLocation("America/New_York")
	first := time.Date(2027, 3, 8, 0, 0, 0, 0, nyZone)
	var days []time.Time
	for d := first; len(days) < 60; d = d.AddDate(0, 0, 1) {
		if d.Weekday() != time.Saturday && d.Weekday() != time.Sunday {
			days = append(days, d)
		}
	}
	tx, err := db.Write.Begin()
	if err != nil {
		b.Fatal(err)
	}
	for k := range 3000 {
		day, idx := k%60, k/60
		j := idx % 10
		base := 8 + 5*((j+day)%2) // a morning or an afternoon of five
		start := days[day].Add(time.Duration(base+idx/10) * time.Hour)
		end := start.Add(time.Hour)
		holds := map[string]int64{journey.NeedTherapist: therapists[j], journey.NeedClient: clients[(day*7+idx)%50].ID}
		if j < 5 {
			holds[journey.NeedMedicalProvider] = mps[j]
		}
		if j < 6 {
			holds[journey.NeedChaperone] = chaps[j]
		}
		if j < 4 {
			holds[journey.NeedRoom] = rooms[j]
		}
		var id int64
		if err := tx.QueryRow(db.Rebind(`INSERT INTO care_sessions (client_id, type, start_at, end_at, block_end, mode, created_by, created_at, updated_at)
			VALUES (?, 'integration', ?, ?, ?, 'in_person', ?, 0, 0) RETURNING id`), holds[journey.NeedClient], start.Unix(), end.Unix(), end.Unix(), ny.ID).Scan(&id); err != nil {
			b.Fatal(err)
		}
		for role, rid := range holds {
			if _, err := tx.Exec(db.Rebind(`INSERT INTO session_resources (session_id, role, kind, resource_id, start_at, block_end) VALUES (?, ?, ?, ?, ?, ?)`),
				id, role, journey.ResourceKind(role), rid, start.Unix(), end.Unix()); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	q := journey.SessionSlotQuery{ClientID: clients[0].ID, Type: journey.TypeMedicine, Mode: journey.ModeInPerson, From: first, To: first.AddDate(0, 0, 60)}
	var slots int
	b.ReportAllocs()
	for b.Loop() {
		ss, err := db.FindSessionSlots(ctx, q)
		if err != nil {
			b.Fatal(err)
		}
		slots = len(ss)
	}
	if slots == 0 {
		b.Fatal("no slots")
	}
	b.ReportMetric(float64(slots), "slots")
}

package sqldb_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// slotPractice is a small practice for the slot searches: Nora (New York)
// and Luis (Los Angeles) as therapists, a medical provider and a chaperone
// in New York, one room, on weekday clinical hours, and a client of
// Nora's. Now is Monday 1 March 2027, noon UTC.
type slotPractice struct {
	db               *sqldb.DB
	ny, la, mp, chap int64
	room             int64
	client           *journey.Client
	now              time.Time
	newYork          *time.Location
	thursday, friday time.Time // midnight in New York
}

func newSlotPractice(t *testing.T) *slotPractice {
	t.Helper()
	db := sqldbtest.Open(t)
	ctx := context.Background()
	p := &slotPractice{db: db, now: time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)}
	db.Now = sqldbtest.FixedClock(&p.now)
	p.newYork, _ = time.LoadLocation("America/New_York")
	p.thursday = time.Date(2027, 3, 4, 0, 0, 0, 0, p.newYork)
	p.friday = p.thursday.AddDate(0, 0, 1)
	ny, la := sqldbtest.MustSeed(t, db)
	p.ny, p.la = ny.ID, la.ID
	p.mp = sqldbtest.Staff(t, db, "Mia Provider", journey.RoleMedicalProvider)
	p.chap = sqldbtest.Staff(t, db, "Cleo Chaperone", journey.RoleChaperone)
	weekdays := func(start, end int) []journey.WeeklyHours {
		var out []journey.WeeklyHours
		for d := time.Monday; d <= time.Friday; d++ {
			out = append(out, journey.WeeklyHours{Weekday: d, Start: journey.ClockTime(start * 60), End: journey.ClockTime(end * 60)})
		}
		return out
	}
	for _, h := range []*journey.StaffHours{
		{StaffID: p.ny, TimeZone: "America/New_York", Weekly: weekdays(9, 17)},
		{StaffID: p.la, TimeZone: "America/Los_Angeles", Weekly: weekdays(9, 17)},
		{StaffID: p.mp, TimeZone: "America/New_York", Weekly: weekdays(8, 18)},
		{StaffID: p.chap, TimeZone: "America/New_York", Weekly: weekdays(8, 18)},
	} {
		if err := db.SetStaffHours(ctx, h); err != nil {
			t.Fatal(err)
		}
	}
	loc := &journey.Location{Name: "Pearl Clinic", TimeZone: "America/New_York"}
	if err := db.CreateLocation(ctx, loc); err != nil {
		t.Fatal(err)
	}
	room := &journey.Room{LocationID: loc.ID, Name: "Cedar", Weekly: weekdays(8, 20)}
	if err := db.CreateRoom(ctx, room); err != nil {
		t.Fatal(err)
	}
	p.room = room.ID
	p.client, _ = sqldbtest.Client(t, db, p.ny, "Casey Client", "casey@client.test", nil)
	return p
}

// hold writes a session holding each (kind, id) over [start, end) by plain
// SQL, as the booking would.
func (p *slotPractice) hold(t *testing.T, start, end time.Time, holds ...[2]any) {
	t.Helper()
	var sid int64
	err := p.db.Write.QueryRow(p.db.Rebind(`INSERT INTO care_sessions (client_id, type, start_at, end_at, block_end, mode, created_by, created_at, updated_at)
		VALUES (?, 'preparation', ?, ?, ?, 'in_person', ?, ?, ?) RETURNING id`), p.client.ID, start.Unix(), end.Unix(), end.Unix(), p.ny, p.now.Unix(), p.now.Unix()).Scan(&sid)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range holds {
		kind := h[0].(string)
		role := map[string]string{journey.KindStaff: journey.NeedChaperone, journey.KindRoom: journey.NeedRoom, journey.KindClient: journey.NeedClient}[kind]
		if _, err := p.db.Write.Exec(p.db.Rebind(`INSERT INTO session_resources (session_id, role, kind, resource_id, start_at, block_end) VALUES (?, ?, ?, ?, ?, ?)`),
			sid, role, kind, h[1], start.Unix(), end.Unix()); err != nil {
			t.Fatal(err)
		}
	}
}

func (p *slotPractice) at(day time.Time, clock string) time.Time {
	c, err := journey.ParseClockTime(clock)
	if err != nil {
		panic(err)
	}
	return day.Add(time.Duration(c) * time.Minute)
}

// clocks returns each slot's start on the New York clock with who holds it.
func (p *slotPractice) clocks(ss []journey.SessionSlot) []string {
	var out []string
	for _, s := range ss {
		who := map[int64]string{p.ny: "ny", p.la: "la"}[s.TherapistID]
		out = append(out, s.Start.In(p.newYork).Format("15:04")+" "+who)
	}
	return out
}

func TestFindSessionSlots(t *testing.T) {
	p := newSlotPractice(t)
	ctx := context.Background()
	q := journey.SessionSlotQuery{ClientID: p.client.ID, Type: journey.TypeMedicine, Mode: journey.ModeInPerson, From: p.thursday, To: p.friday}
	got, err := p.db.FindSessionSlots(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	// Nora, on the client's care team, until her day ends at 17:00; then
	// Luis, whose day in Los Angeles runs to 20:00 New York time, until
	// the medical provider's and the chaperone's end at 18:00.
	want := []string{"09:00 ny", "09:30 ny", "10:00 ny", "10:30 ny", "11:00 ny", "11:30 ny", "12:00 ny", "12:30 ny",
		"13:00 ny", "13:30 ny", "14:00 ny", "14:30 la", "15:00 la"}
	if !slices.Equal(p.clocks(got), want) {
		t.Fatalf("slots %v\nwant %v", p.clocks(got), want)
	}
	if s := got[0]; s.MedicalProviderID != p.mp || s.ChaperoneID != p.chap || s.RoomID != p.room || !s.End.Equal(s.Start.Add(3*time.Hour)) ||
		s.Start.Location() != p.newYork {
		t.Fatalf("slot %+v", s)
	}

	// The chaperone sits 10:00–13:30 (with the buffer) in another session;
	// the client has a session 14:00–15:00, which holds them without a
	// buffer: only 15:00 is left.
	p.hold(t, p.at(p.thursday, "10:00"), p.at(p.thursday, "13:30"), [2]any{journey.KindStaff, p.chap})
	p.hold(t, p.at(p.thursday, "14:00"), p.at(p.thursday, "15:00"), [2]any{journey.KindClient, p.client.ID})
	got, err = p.db.FindSessionSlots(ctx, q)
	if err != nil || !slices.Equal(p.clocks(got), []string{"15:00 la"}) {
		t.Fatalf("after two bookings: %v, %v", p.clocks(got), err)
	}

	// Remote, no room is needed; a room pinned is refused.
	q.Mode = journey.ModeRemote
	if got, err = p.db.FindSessionSlots(ctx, q); err != nil || len(got) != 1 || got[0].RoomID != 0 {
		t.Fatalf("remote: %+v, %v", got, err)
	}
	q.RoomID = p.room
	if _, err := p.db.FindSessionSlots(ctx, q); !hasFields(err, "room_id") {
		t.Fatalf("a room for a remote session: %v", err)
	}
	q.Mode, q.RoomID = journey.ModeInPerson, 0

	// Pinning the therapist to someone who is not one is refused; pinning
	// Luis keeps only his slots.
	q.TherapistID = p.mp
	if _, err := p.db.FindSessionSlots(ctx, q); !hasFields(err, "therapist_id") {
		t.Fatalf("a medical provider as therapist: %v", err)
	}
	q.TherapistID = p.la
	if got, err = p.db.FindSessionSlots(ctx, q); err != nil || !slices.Equal(p.clocks(got), []string{"15:00 la"}) {
		t.Fatalf("Luis only: %v, %v", p.clocks(got), err)
	}

	q.ClientID = 9999
	if _, err := p.db.FindSessionSlots(ctx, q); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Fatalf("no such client: %v", err)
	}
	q.To = q.From.AddDate(0, 0, 61)
	if _, err := p.db.FindSessionSlots(ctx, q); !hasFields(err, "days") {
		t.Fatalf("61 days: %v", err)
	}
}

// A therapist's free consults keep them busy for sessions too.
func TestFindSessionSlotsConsults(t *testing.T) {
	p := newSlotPractice(t)
	ctx := context.Background()
	q := journey.SessionSlotQuery{ClientID: p.client.ID, Type: journey.TypePreparation, Mode: journey.ModeInPerson,
		From: p.thursday, To: p.thursday.Add(12 * time.Hour), TherapistID: p.ny}
	if _, err := p.db.CreateConsult(ctx, booking(p.at(p.thursday, "09:00"), p.ny, "a@example.com")); err != nil {
		t.Fatal(err)
	}
	got, err := p.db.FindSessionSlots(ctx, q)
	if err != nil || len(got) == 0 || p.clocks(got)[0] != "09:30 ny" {
		t.Fatalf("slots %v, %v", p.clocks(got), err)
	}
}

// A member of staff who has left is offered no more.
func TestFindSessionSlotsLeavers(t *testing.T) {
	p := newSlotPractice(t)
	ctx := context.Background()
	q := journey.SessionSlotQuery{ClientID: p.client.ID, Type: journey.TypeMedicine, Mode: journey.ModeInPerson, From: p.thursday, To: p.friday}
	if err := p.db.DeactivateUser(ctx, p.chap); err != nil {
		t.Fatal(err)
	}
	if got, err := p.db.FindSessionSlots(ctx, q); err != nil || len(got) != 0 {
		t.Fatalf("with the only chaperone gone: %v, %v", p.clocks(got), err)
	}
}

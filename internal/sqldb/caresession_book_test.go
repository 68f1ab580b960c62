package sqldb_test

import (
	"context"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// careFixture opens a database with sqldbtest.SeedCare's practice, its
// clock at noon UTC on Monday 1 March 2027.
func careFixture(t *testing.T) (*sqldb.DB, *sqldbtest.Care, *time.Time) {
	t.Helper()
	db := sqldbtest.Open(t)
	now := time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)
	db.Now = sqldbtest.FixedClock(&now)
	return db, sqldbtest.SeedCare(t, db), &now
}

// nyAt returns the instant of a wall time in New York.
func nyAt(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, mustZone("America/New_York"))
}

// conflictsOf returns err's conflicts as "role:id" strings, sorted.
func conflictsOf(t *testing.T, err error) []string {
	t.Helper()
	je, ok := err.(*journey.Error)
	if !ok || je.Code != journey.ECONFLICT {
		t.Fatalf("err = %v, want a conflict", err)
	}
	var out []string
	for _, c := range je.Conflicts {
		if c.Detail == "" {
			t.Errorf("conflict %+v says nothing", c)
		}
		out = append(out, c.Resource+":"+itoa(c.ID))
	}
	slices.Sort(out)
	return out
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestCreateCareSessionHoldsEveryoneAndTheRoom(t *testing.T) {
	db, c, _ := careFixture(t)
	ctx := context.Background()
	start := nyAt(2027, 3, 8, 10, 0)
	s, err := db.CreateCareSession(ctx, c.Medicine(start), c.Therapist.ID)
	if err != nil {
		t.Fatalf("book: %v %v", err, journey.ErrorFields(err))
	}
	if s.ID == 0 || !s.Start.Equal(start) || !s.End.Equal(start.Add(3*time.Hour)) || !s.BlockEnd.Equal(start.Add(210*time.Minute)) ||
		s.Status != journey.SessionBooked || s.RoomID != c.Room.ID || s.ChaperoneID != c.Chaperone {
		t.Fatalf("session = %+v", s)
	}
	got, err := db.FindCareSession(ctx, s.ID)
	if err != nil || got.TherapistID != c.Therapist.ID || got.MedicalProviderID != c.Provider || got.ChaperoneID != c.Chaperone ||
		got.RoomID != c.Room.ID || got.ClientID != c.Client.ID || got.Route != journey.RouteIM || !got.Start.Equal(start) {
		t.Fatalf("stored = %+v, %v", got, err)
	}
	holds, err := db.FindResourceHolds(ctx, start, start.Add(time.Hour))
	if err != nil || len(holds) != 5 {
		t.Fatalf("holds = %+v, %v", holds, err)
	}
	for _, h := range holds {
		want := s.BlockEnd
		if h.Kind == journey.KindClient {
			want = s.End // a client's time is the session's, not the room's turnover
		}
		if !h.End.Equal(want) || !h.Start.Equal(start) || h.SessionID != s.ID {
			t.Errorf("hold %+v, want to end %v", h, want)
		}
	}
}

func TestCreateCareSessionRefusesWhatIsTaken(t *testing.T) {
	db, c, _ := careFixture(t)
	ctx := context.Background()
	start := nyAt(2027, 3, 8, 10, 0)
	if _, err := db.CreateCareSession(ctx, c.Medicine(start), c.Therapist.ID); err != nil {
		t.Fatal(err)
	}
	other, _ := sqldbtest.Client(t, db, c.OtherTherapist.ID, "Olive Other", "olive@client.test", nil)
	// Only the chaperone is shared: only the chaperone is named.
	r := c.Medicine(start.Add(time.Hour))
	r.ClientID, r.TherapistID, r.RoomID = other.ID, c.OtherTherapist.ID, c.OtherRoom.ID
	r.MedicalProviderID = sqldbtest.Staff(t, db, "Second Provider", journey.RoleMedicalProvider)
	if err := db.SetStaffHours(ctx, &journey.StaffHours{StaffID: r.MedicalProviderID, TimeZone: "America/New_York", Weekly: sqldbtest.EveryDay(8*60, 20*60)}); err != nil {
		t.Fatal(err)
	}
	_, err := db.CreateCareSession(ctx, r, c.Therapist.ID)
	if got := conflictsOf(t, err); !slices.Equal(got, []string{"chaperone:" + itoa(c.Chaperone)}) {
		t.Fatalf("conflicts = %v", got)
	}
	// The room's turnover buffer (30 minutes after 13:00) holds it too.
	r2 := c.Medicine(nyAt(2027, 3, 8, 13, 15))
	r2.ClientID, r2.TherapistID, r2.ChaperoneID, r2.MedicalProviderID = other.ID, c.OtherTherapist.ID, sqldbtest.Staff(t, db, "Second Chaperone", journey.RoleChaperone), r.MedicalProviderID
	if err := db.SetStaffHours(ctx, &journey.StaffHours{StaffID: r2.ChaperoneID, TimeZone: "America/New_York", Weekly: sqldbtest.EveryDay(8*60, 23*60)}); err != nil {
		t.Fatal(err)
	}
	_, err = db.CreateCareSession(ctx, r2, c.Therapist.ID)
	if got := conflictsOf(t, err); !slices.Equal(got, []string{"room:" + itoa(c.Room.ID)}) {
		t.Fatalf("conflicts in the buffer = %v", got)
	}
	// The client is never in two sessions at once.
	prep := &journey.SessionRequest{ClientID: c.Client.ID, Type: journey.TypePreparation, Start: nyAt(2027, 3, 8, 12, 0),
		Mode: journey.ModeRemote, TherapistID: c.OtherTherapist.ID}
	_, err = db.CreateCareSession(ctx, prep, c.Therapist.ID)
	if got := conflictsOf(t, err); !slices.Equal(got, []string{"client:" + itoa(c.Client.ID)}) {
		t.Fatalf("client conflicts = %v", got)
	}
	// After the buffer everything is free again.
	r2.Start = nyAt(2027, 3, 8, 13, 30)
	if _, err := db.CreateCareSession(ctx, r2, c.Therapist.ID); err != nil {
		t.Fatalf("after the buffer: %v", err)
	}
}

func TestCreateCareSessionRefusesOutsideHours(t *testing.T) {
	db, c, _ := careFixture(t)
	ctx := context.Background()
	// 18:00–21:00 ends past everyone's 20:00.
	_, err := db.CreateCareSession(ctx, c.Medicine(nyAt(2027, 3, 8, 18, 0)), c.Therapist.ID)
	want := []string{"chaperone:" + itoa(c.Chaperone), "medical_provider:" + itoa(c.Provider), "room:" + itoa(c.Room.ID), "therapist:" + itoa(c.Therapist.ID)}
	if got := conflictsOf(t, err); !slices.Equal(got, want) {
		t.Fatalf("conflicts = %v, want %v", got, want)
	}
	// A day off of the chaperone's names the chaperone alone.
	if err := db.SetStaffHours(ctx, &journey.StaffHours{StaffID: c.Chaperone, TimeZone: "America/New_York", Weekly: sqldbtest.EveryDay(8*60, 20*60),
		Exceptions: []journey.ScheduleException{{Date: "2027-03-09", Kind: journey.ExceptionOff}}}); err != nil {
		t.Fatal(err)
	}
	_, err = db.CreateCareSession(ctx, c.Medicine(nyAt(2027, 3, 9, 10, 0)), c.Therapist.ID)
	if got := conflictsOf(t, err); !slices.Equal(got, []string{"chaperone:" + itoa(c.Chaperone)}) {
		t.Fatalf("day off: %v", got)
	}
}

func TestCreateCareSessionRefusesBadRequests(t *testing.T) {
	db, c, _ := careFixture(t)
	ctx := context.Background()
	start := nyAt(2027, 3, 8, 10, 0)
	desk := sqldbtest.Staff(t, db, "Dee Desk", journey.RoleFrontDesk)
	for _, tc := range []struct {
		name   string
		change func(r *journey.SessionRequest)
		fields []string
	}{
		{"no chaperone", func(r *journey.SessionRequest) { r.ChaperoneID = 0 }, []string{"chaperone_id"}},
		{"front desk as chaperone", func(r *journey.SessionRequest) { r.ChaperoneID = desk }, []string{"chaperone_id"}},
		{"one person twice", func(r *journey.SessionRequest) { r.ChaperoneID = c.Therapist.ID }, []string{"chaperone_id"}},
		{"no such room", func(r *journey.SessionRequest) { r.RoomID = 999 }, []string{"room_id"}},
		{"no such client", func(r *journey.SessionRequest) { r.ClientID = 999 }, []string{"client_id"}},
		{"a room for a remote preparation", func(r *journey.SessionRequest) {
			r.Type, r.Route, r.Mode, r.MedicalProviderID, r.ChaperoneID = journey.TypePreparation, "", journey.ModeRemote, 0, 0
		}, []string{"room_id"}},
		{"inside the lead time", func(r *journey.SessionRequest) { r.Start = nyAt(2027, 3, 3, 10, 0) }, []string{"start"}},
		{"past", func(r *journey.SessionRequest) { r.Start = nyAt(2027, 2, 3, 10, 0) }, []string{"start"}},
		{"remote by injection", func(r *journey.SessionRequest) { r.Mode, r.RoomID = journey.ModeRemote, 0 }, []string{"route"}},
	} {
		r := c.Medicine(start)
		tc.change(r)
		_, err := db.CreateCareSession(ctx, r, c.Therapist.ID)
		if !hasFields(err, tc.fields...) {
			t.Errorf("%s: err = %v %v, want fields %v", tc.name, err, journey.ErrorFields(err), tc.fields)
		}
	}
	// A remote medicine session needs no room.
	r := c.Medicine(start)
	r.Mode, r.Route, r.RoomID = journey.ModeRemote, journey.RouteLozenge, 0
	if s, err := db.CreateCareSession(ctx, r, c.Therapist.ID); err != nil || s.RoomID != 0 {
		t.Fatalf("remote: %+v, %v %v", s, err, journey.ErrorFields(err))
	}
}

// A therapist's consults and their care sessions never overlap.
func TestCreateCareSessionRefusesATherapistsConsult(t *testing.T) {
	db, c, _ := careFixture(t)
	ctx := context.Background()
	at := nyAt(2027, 3, 8, 10, 0) // inside the New York therapist's consult hours
	if _, err := db.CreateConsult(ctx, booking(at, c.Therapist.ID, "visitor@example.test")); err != nil {
		t.Fatal(err)
	}
	prep := &journey.SessionRequest{ClientID: c.Client.ID, Type: journey.TypePreparation, Start: at.Add(-30 * time.Minute),
		Mode: journey.ModeRemote, TherapistID: c.Therapist.ID}
	_, err := db.CreateCareSession(ctx, prep, c.Therapist.ID)
	if got := conflictsOf(t, err); !slices.Equal(got, []string{"therapist:" + itoa(c.Therapist.ID)}) {
		t.Fatalf("conflicts = %v", got)
	}
}

func TestRescheduleCareSession(t *testing.T) {
	db, c, _ := careFixture(t)
	ctx := context.Background()
	first, err := db.CreateCareSession(ctx, c.Medicine(nyAt(2027, 3, 8, 10, 0)), c.Therapist.ID)
	if err != nil {
		t.Fatal(err)
	}
	later := nyAt(2027, 3, 9, 9, 0)
	moved, err := db.RescheduleCareSession(ctx, first.ID, later, c.Therapist.ID)
	if err != nil || !moved.Start.Equal(later) || !moved.End.Equal(later.Add(3*time.Hour)) || moved.Sequence != 1 || moved.RoomID != c.Room.ID {
		t.Fatalf("moved = %+v, %v", moved, err)
	}
	holds, _ := db.FindResourceHolds(ctx, later, later.Add(time.Minute))
	if len(holds) != 5 {
		t.Fatalf("holds at the new time = %+v", holds)
	}
	// The old time is free: the same team books it.
	second, err := db.CreateCareSession(ctx, c.Medicine(nyAt(2027, 3, 8, 10, 0)), c.Therapist.ID)
	if err != nil {
		t.Fatalf("old time: %v", err)
	}
	// Moving onto another session is refused, naming all it would share,
	// and moves nothing.
	_, err = db.RescheduleCareSession(ctx, second.ID, later.Add(time.Hour), c.Therapist.ID)
	if got := conflictsOf(t, err); len(got) != 5 {
		t.Fatalf("conflicts = %v", got)
	}
	if s, _ := db.FindCareSession(ctx, second.ID); !s.Start.Equal(nyAt(2027, 3, 8, 10, 0)) || s.Sequence != 0 {
		t.Fatalf("refused move changed the session: %+v", s)
	}
	// A move within its own time is no conflict with itself.
	if _, err := db.RescheduleCareSession(ctx, second.ID, nyAt(2027, 3, 8, 10, 30), c.Therapist.ID); err != nil {
		t.Fatalf("move by half an hour: %v", err)
	}
	if _, err := db.RescheduleCareSession(ctx, 999, later, c.Therapist.ID); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Fatalf("no such session: %v", err)
	}
}

func TestCancelCareSession(t *testing.T) {
	db, c, now := careFixture(t)
	ctx := context.Background()
	early, err := db.CreateCareSession(ctx, c.Medicine(nyAt(2027, 3, 8, 10, 0)), c.Therapist.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CancelCareSession(ctx, early.ID, "  ", c.Therapist.ID); !hasFields(err, "reason") {
		t.Fatalf("no reason: %v", err)
	}
	s, err := db.CancelCareSession(ctx, early.ID, "Client is unwell", c.Therapist.ID)
	if err != nil || s.Status != journey.SessionCancelled || s.LateCancel || s.CancelReason != "Client is unwell" || s.Sequence != 1 {
		t.Fatalf("cancelled = %+v, %v", s, err)
	}
	var stored string
	db.Read.QueryRow(db.Rebind(`SELECT cancel_reason FROM care_sessions WHERE id = ?`), early.ID).Scan(&stored)
	if stored == "" || stored == "Client is unwell" {
		t.Fatalf("the reason is stored as %q, not sealed", stored)
	}
	if _, err := db.CancelCareSession(ctx, early.ID, "Again", c.Therapist.ID); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Fatalf("cancel twice: %v", err)
	}
	// Its time is free again.
	late, err := db.CreateCareSession(ctx, c.Medicine(nyAt(2027, 3, 8, 10, 0)), c.Therapist.ID)
	if err != nil {
		t.Fatalf("freed time: %v", err)
	}
	// 47 hours before, inside the default 48: late.
	sqldbtest.SetTime(now, late.Start.Add(-47*time.Hour))
	if s, err := db.CancelCareSession(ctx, late.ID, "Work", c.Therapist.ID); err != nil || !s.LateCancel {
		t.Fatalf("late cancel = %+v, %v", s, err)
	}
	// The practice's own notice: 24 hours, so 47 hours before is in time.
	if err := db.SetSessionCancelHours(ctx, 24); err != nil {
		t.Fatal(err)
	}
	again, err := db.CreateCareSession(ctx, c.Medicine(nyAt(2027, 3, 12, 10, 0)), c.Therapist.ID)
	if err != nil {
		t.Fatal(err)
	}
	sqldbtest.SetTime(now, again.Start.Add(-47*time.Hour))
	if s, err := db.CancelCareSession(ctx, again.ID, "Work", c.Therapist.ID); err != nil || s.LateCancel {
		t.Fatalf("cancel inside 48 hours but not 24 = %+v, %v", s, err)
	}
}

func TestCareSessionStatusChanges(t *testing.T) {
	db, c, now := careFixture(t)
	ctx := context.Background()
	s, err := db.CreateCareSession(ctx, c.Medicine(nyAt(2027, 3, 8, 10, 0)), c.Therapist.ID)
	if err != nil {
		t.Fatal(err)
	}
	step := func(action, want string) {
		t.Helper()
		got, err := db.ChangeCareSessionStatus(ctx, s.ID, action, c.Therapist.ID)
		if want == "" {
			if journey.ErrorCode(err) != journey.ECONFLICT {
				t.Fatalf("%s: err = %v, want a conflict", action, err)
			}
			return
		}
		if err != nil || got.Status != want {
			t.Fatalf("%s: %+v, %v", action, got, err)
		}
	}
	step(journey.ActionCheckIn, "") // days too early
	step(journey.ActionNoShow, "")  // before its start
	sqldbtest.SetTime(now, s.Start.Add(-30*time.Minute))
	step(journey.ActionComplete, "") // not started
	step(journey.ActionCheckIn, journey.SessionCheckedIn)
	step(journey.ActionCheckIn, "")
	step(journey.ActionStart, journey.SessionInProgress)
	step(journey.ActionNoShow, "")
	step(journey.ActionComplete, journey.SessionCompleted)
	if _, err := db.ChangeCareSessionStatus(ctx, s.ID, "teleport", c.Therapist.ID); !hasFields(err, "action") {
		t.Fatalf("unknown action: %v", err)
	}
	if _, err := db.CancelCareSession(ctx, s.ID, "Too late", c.Therapist.ID); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Fatalf("cancel a completed session: %v", err)
	}
}

func TestGroupSessionHasAttendees(t *testing.T) {
	db, c, _ := careFixture(t)
	ctx := context.Background()
	r := &journey.SessionRequest{ClientID: c.Client.ID, Type: journey.TypeIntegrationGroup, Start: nyAt(2027, 3, 8, 17, 0),
		Mode: journey.ModeInPerson, TherapistID: c.Therapist.ID, RoomID: c.OtherRoom.ID}
	s, err := db.CreateCareSession(ctx, r, c.Therapist.ID)
	if err != nil || s.ClientID != 0 || !slices.Equal(s.Attendees, []int64{c.Client.ID}) {
		t.Fatalf("group = %+v, %v", s, err)
	}
	got, err := db.FindCareSessions(ctx, journey.CareSessionFilter{ClientID: c.Client.ID, Limit: 5})
	if err != nil || len(got) != 1 || !slices.Equal(got[0].Attendees, []int64{c.Client.ID}) {
		t.Fatalf("the client's sessions = %+v, %v", got, err)
	}
}

// Sessions across a clock change keep to each zone's local hours: in New
// York on the night the clocks go back (3 real hours from 00:00 end at
// 02:00 on the clock) and for a chaperone in Los Angeles on the morning
// they go forward.
func TestCareSessionsAcrossClockChanges(t *testing.T) {
	db, c, now := careFixture(t)
	ctx := context.Background()
	sqldbtest.SetTime(now, time.Date(2027, 10, 30, 12, 0, 0, 0, time.UTC))
	night := sqldbtest.EveryDay(0, 2*60+30)
	for _, id := range []int64{c.Therapist.ID, c.Provider, c.Chaperone} {
		if err := db.SetStaffHours(ctx, &journey.StaffHours{StaffID: id, TimeZone: "America/New_York", Weekly: night}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.SetRoomHours(ctx, c.Room.ID, night, nil); err != nil {
		t.Fatal(err)
	}
	start := nyAt(2027, 11, 7, 0, 0)
	s, err := db.CreateCareSession(ctx, c.Medicine(start), c.Therapist.ID)
	if err != nil {
		t.Fatalf("fall back: %v", err)
	}
	if s.End.Sub(s.Start) != 3*time.Hour || s.End.In(mustZone("America/New_York")).Hour() != 2 {
		t.Fatalf("session %v–%v", s.Start, s.End)
	}
	// The same wall-clock hours a day later are an hour short.
	if _, err := db.CreateCareSession(ctx, c.Medicine(nyAt(2027, 11, 8, 0, 0)), c.Therapist.ID); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Fatalf("a normal night: %v", err)
	}

	sqldbtest.SetTime(now, time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC))
	la := mustZone("America/Los_Angeles")
	if err := db.SetStaffHours(ctx, &journey.StaffHours{StaffID: c.Chaperone, TimeZone: "America/Los_Angeles", Weekly: sqldbtest.EveryDay(5*60, 12*60)}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{c.Therapist.ID, c.Provider} {
		if err := db.SetStaffHours(ctx, &journey.StaffHours{StaffID: id, TimeZone: "America/New_York", Weekly: sqldbtest.EveryDay(8*60, 20*60)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.SetRoomHours(ctx, c.Room.ID, sqldbtest.EveryDay(8*60, 20*60), nil); err != nil {
		t.Fatal(err)
	}
	// 14 March: 08:00 in New York is 05:00 in Los Angeles, both after the change.
	if _, err := db.CreateCareSession(ctx, c.Medicine(nyAt(2027, 3, 14, 8, 0)), c.Therapist.ID); err != nil {
		t.Fatalf("spring forward, 05:00 in LA: %v", err)
	}
	// On 7 March (before the change in both) 08:00 NY is 05:00 LA too;
	// 07:30 LA-time hours start at 05:00, so 07:59 NY (04:59 LA) is early.
	_, err = db.CreateCareSession(ctx, c.Medicine(time.Date(2027, 3, 7, 4, 59, 0, 0, la)), c.Therapist.ID)
	if got := conflictsOf(t, err); !slices.Contains(got, "chaperone:"+itoa(c.Chaperone)) {
		t.Fatalf("before the LA chaperone's hours: %v", got)
	}
}

// A consult is never booked over a therapist's care session: its slots
// leave the session out, and the database refuses the booking whatever
// the slots said, as it refuses a session over a consult written past
// every store method.
func TestConsultsNeverOverlapCareSessions(t *testing.T) {
	db, c, _ := careFixture(t)
	ctx := context.Background()
	at := nyAt(2027, 3, 8, 10, 0) // inside the New York therapist's consult hours
	prep := &journey.SessionRequest{ClientID: c.Client.ID, Type: journey.TypePreparation, Start: at, Mode: journey.ModeRemote, TherapistID: c.Therapist.ID}
	if _, err := db.CreateCareSession(ctx, prep, c.Therapist.ID); err != nil {
		t.Fatal(err)
	}
	slots, err := db.FindSlots(ctx, journey.SlotQuery{TherapistID: c.Therapist.ID, From: at.Add(-time.Hour), Days: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range slots {
		if s.Start.Before(at.Add(time.Hour)) && s.End.After(at) {
			t.Errorf("slot %v–%v is offered over the session", s.Start, s.End)
		}
	}
	if _, err := db.CreateConsult(ctx, booking(at.Add(30*time.Minute), c.Therapist.ID, "visitor@example.test")); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Fatalf("consult over the session: %v", err)
	}
	consult, err := db.CreateConsult(ctx, booking(at.Add(time.Hour), c.Therapist.ID, "visitor@example.test"))
	if err != nil {
		t.Fatalf("consult after the session: %v", err)
	}
	var sid int64
	if err := db.Write.QueryRow(db.Rebind(`INSERT INTO care_sessions (client_id, type, start_at, end_at, block_end, mode, created_by, created_at, updated_at)
		VALUES (?, 'preparation', ?, ?, ?, 'remote', ?, 0, 0) RETURNING id`), c.Client.ID, consult.Start.Unix(), consult.Start.Unix()+3600,
		consult.Start.Unix()+3600, c.Therapist.ID).Scan(&sid); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Write.Exec(db.Rebind(`INSERT INTO session_resources (session_id, role, kind, resource_id, start_at, block_end) VALUES (?, 'therapist', 'staff', ?, ?, ?)`),
		sid, c.Therapist.ID, consult.Start.Unix()-600, consult.Start.Unix()+600); err == nil {
		t.Fatal("a session over a consult was stored")
	}
}

// A group takes clients up to its capacity, checked in the transaction
// that adds each, even when they join at once; a client in another
// session then cannot join; one who leaves frees their place.
func TestGroupSessionCapacity(t *testing.T) {
	db, c, _ := careFixture(t)
	ctx := context.Background()
	start := nyAt(2027, 3, 8, 17, 0)
	g, err := db.CreateCareSession(ctx, &journey.SessionRequest{ClientID: c.Client.ID, Type: journey.TypeIntegrationGroup, Start: start,
		Mode: journey.ModeInPerson, TherapistID: c.Therapist.ID, RoomID: c.OtherRoom.ID}, c.Therapist.ID)
	if err != nil {
		t.Fatal(err)
	}
	var others []int64
	for i := range 10 {
		cl, _ := sqldbtest.Client(t, db, c.Therapist.ID, "Group Member", "member"+strconv.Itoa(i)+"@client.test", nil)
		others = append(others, cl.ID)
	}
	// Ten join at once for seven places.
	var wg sync.WaitGroup
	errs := make([]error, len(others))
	for i, id := range others {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = db.AddSessionAttendee(ctx, g.ID, id, c.Therapist.ID)
		}()
	}
	wg.Wait()
	joined := 0
	for _, err := range errs {
		switch journey.ErrorCode(err) {
		case "":
			joined++
		case journey.ECONFLICT:
		default:
			t.Errorf("join: %v", err)
		}
	}
	got, _ := db.FindCareSession(ctx, g.ID)
	if joined != 7 || len(got.Attendees) != 8 {
		t.Fatalf("%d joined, %d attendees; the group holds 8", joined, len(got.Attendees))
	}
	if _, err := db.AddSessionAttendee(ctx, g.ID, c.Client.ID, c.Therapist.ID); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Fatalf("joining twice: %v", err)
	}
	if _, err := db.RemoveSessionAttendee(ctx, g.ID, c.Client.ID, c.Therapist.ID); err != nil {
		t.Fatal(err)
	}
	// The freed place goes to a client free then, not to one in another session.
	busy := others[slices.IndexFunc(errs, func(err error) bool { return err != nil })]
	if _, err := db.CreateCareSession(ctx, &journey.SessionRequest{ClientID: busy, Type: journey.TypePreparation, Start: start.Add(30 * time.Minute),
		Mode: journey.ModeRemote, TherapistID: c.OtherTherapist.ID}, c.Therapist.ID); err != nil {
		t.Fatal(err)
	}
	_, err = db.AddSessionAttendee(ctx, g.ID, busy, c.Therapist.ID)
	if got := conflictsOf(t, err); !slices.Equal(got, []string{"client:" + itoa(busy)}) {
		t.Fatalf("a busy client joins: %v", got)
	}
	if _, err := db.AddSessionAttendee(ctx, g.ID, c.Client.ID, c.Therapist.ID); err != nil {
		t.Fatalf("rejoining the freed place: %v", err)
	}
	if _, err := db.AddSessionAttendee(ctx, g.ID, busy, c.Therapist.ID); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Fatalf("a ninth: %v", err)
	}
}

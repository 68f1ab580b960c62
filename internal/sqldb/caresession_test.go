package sqldb_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// The practice starts with Journey's session types, as the store reads them.
func TestSessionTypesSeededFromDefaults(t *testing.T) {
	db := sqldbtest.Open(t)
	got, err := db.FindSessionTypes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := journey.DefaultSessionTypes()
	if len(got) != len(want) {
		t.Fatalf("%d types, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Length != time.Duration(w.Minutes)*time.Minute {
			t.Errorf("%s: length %v", g.Code, g.Length)
		}
		g.Length = 0
		if fmt.Sprintf("%+v", *g) != fmt.Sprintf("%+v", *w) {
			t.Errorf("type %d:\n got %+v\nwant %+v", i, *g, *w)
		}
	}
}

func TestLocationsAndRooms(t *testing.T) {
	db := sqldbtest.Open(t)
	ctx := context.Background()
	bad := &journey.Location{Name: " ", TimeZone: "Mars/Olympus"}
	if err := db.CreateLocation(ctx, bad); !hasFields(err, "name", "time_zone") {
		t.Fatalf("bad location: %v %v", err, journey.ErrorFields(err))
	}
	loc := &journey.Location{Name: " Pearl Clinic ", Address: "1 Pearl St", TimeZone: "America/Los_Angeles"}
	if err := db.CreateLocation(ctx, loc); err != nil || loc.ID == 0 || loc.Name != "Pearl Clinic" {
		t.Fatalf("location %+v: %v", loc, err)
	}
	weekly := []journey.WeeklyHours{{Weekday: time.Monday, Start: 8 * 60, End: 18 * 60}, {Weekday: time.Tuesday, Start: 8 * 60, End: 12 * 60}}
	exc := []journey.ScheduleException{{Date: "2027-01-01", Kind: journey.ExceptionOff}}
	room := &journey.Room{LocationID: loc.ID, Name: "Cedar", Weekly: weekly, Exceptions: exc}
	if err := db.CreateRoom(ctx, room); err != nil || room.ID == 0 {
		t.Fatalf("room: %v", err)
	}
	if err := db.CreateRoom(ctx, &journey.Room{LocationID: loc.ID, Name: "Cedar"}); !hasFields(err, "name") {
		t.Fatalf("same name twice: %v", err)
	}
	if err := db.CreateRoom(ctx, &journey.Room{LocationID: loc.ID + 99, Name: "Oak"}); !hasFields(err, "location_id") {
		t.Fatalf("no such location: %v", err)
	}
	badHours := []journey.WeeklyHours{{Weekday: time.Monday, Start: 10 * 60, End: 9 * 60}}
	if err := db.CreateRoom(ctx, &journey.Room{LocationID: loc.ID, Name: "Oak", Weekly: badHours}); !hasFields(err, "hours_1") {
		t.Fatalf("bad hours: %v", err)
	}
	got, err := db.FindRoom(ctx, room.ID)
	if err != nil || got.TimeZone != "America/Los_Angeles" || !got.Active || !slices.Equal(got.Weekly, weekly) || !slices.Equal(got.Exceptions, exc) {
		t.Fatalf("room = %+v, %v", got, err)
	}
	if err := db.SetRoomHours(ctx, room.ID, weekly[:1], nil); err != nil {
		t.Fatal(err)
	}
	if err := db.SetRoomHours(ctx, room.ID+99, weekly, nil); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Fatalf("hours of no room: %v", err)
	}
	rooms, err := db.FindRooms(ctx)
	if err != nil || len(rooms) != 1 || len(rooms[0].Weekly) != 1 || len(rooms[0].Exceptions) != 0 {
		t.Fatalf("rooms = %+v, %v", rooms, err)
	}
	if ls, err := db.FindLocations(ctx); err != nil || len(ls) != 1 || ls[0].ID != loc.ID {
		t.Fatalf("locations = %+v, %v", ls, err)
	}
}

func TestStaffClinicalHours(t *testing.T) {
	db := sqldbtest.Open(t)
	ctx := context.Background()
	ny, _ := sqldbtest.MustSeed(t, db)
	chap := sqldbtest.Staff(t, db, "Cleo Chaperone", journey.RoleChaperone)
	desk := sqldbtest.Staff(t, db, "Dana Desk", journey.RoleFrontDesk)
	h := &journey.StaffHours{StaffID: chap, TimeZone: "America/Denver",
		Weekly:     []journey.WeeklyHours{{Weekday: time.Wednesday, Start: 7 * 60, End: 19 * 60}},
		Exceptions: []journey.ScheduleException{{Date: "2027-03-10", Kind: journey.ExceptionExtra, Start: 9 * 60, End: 13 * 60}}}
	if err := db.SetStaffHours(ctx, h); err != nil {
		t.Fatal(err)
	}
	got, err := db.FindStaffHours(ctx, chap)
	if err != nil || got.TimeZone != "America/Denver" || !slices.Equal(got.Roles, []string{journey.RoleChaperone}) ||
		!slices.Equal(got.Weekly, h.Weekly) || !slices.Equal(got.Exceptions, h.Exceptions) {
		t.Fatalf("hours = %+v, %v", got, err)
	}
	// The zone is the person's one zone: their profile shows it.
	if p, err := db.FindStaffProfile(ctx, chap); err != nil || p.TimeZone != "America/Denver" {
		t.Fatalf("profile = %+v, %v", p, err)
	}
	// Clinical hours are not consult hours.
	if th, _ := db.FindTherapistByID(ctx, ny.ID); len(th.Weekly) != 5 {
		t.Fatalf("consult hours changed: %+v", th.Weekly)
	}
	all, err := db.FindAllStaffHours(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, a := range all {
		ids = append(ids, a.StaffID)
	}
	if !slices.Contains(ids, chap) || !slices.Contains(ids, ny.ID) || slices.Contains(ids, desk) {
		t.Fatalf("clinical staff = %v (chaperone %d, therapist %d, desk %d)", ids, chap, ny.ID, desk)
	}
	if err := db.SetStaffHours(ctx, &journey.StaffHours{StaffID: chap, TimeZone: "Nowhere"}); !hasFields(err, "time_zone") {
		t.Fatalf("bad zone: %v", err)
	}
	if err := db.SetStaffHours(ctx, &journey.StaffHours{StaffID: 9999, TimeZone: "UTC"}); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Fatalf("no such staff: %v", err)
	}
	if _, err := db.FindStaffHours(ctx, 9999); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Fatalf("find no such staff: %v", err)
	}
}

// The database itself refuses a person or room held twice at once, for a
// row written by any code path (here plain SQL, past every store method).
func TestSessionResourcesRefuseOverlapInTheDatabase(t *testing.T) {
	db := sqldbtest.Open(t)
	ctx := context.Background()
	ny, _ := sqldbtest.MustSeed(t, db)
	c, _ := sqldbtest.Client(t, db, ny.ID, "Casey Client", "casey@client.test", nil)
	t0 := time.Date(2027, 3, 1, 15, 0, 0, 0, time.UTC).Unix()
	session := func(start, end int64) int64 {
		t.Helper()
		var id int64
		err := db.Write.QueryRow(db.Rebind(`INSERT INTO care_sessions (client_id, type, start_at, end_at, block_end, mode, created_by, created_at, updated_at)
			VALUES (?, 'preparation', ?, ?, ?, 'in_person', ?, ?, ?) RETURNING id`), c.ID, start, end, end, ny.ID, t0, t0).Scan(&id)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	hold := func(sid int64, role, kind string, rid, start, end int64) error {
		_, err := db.Write.Exec(db.Rebind(`INSERT INTO session_resources (session_id, role, kind, resource_id, start_at, block_end) VALUES (?, ?, ?, ?, ?, ?)`),
			sid, role, kind, rid, start, end)
		return err
	}
	a := session(t0, t0+3600)
	if err := hold(a, journey.NeedTherapist, journey.KindStaff, ny.ID, t0, t0+3600); err != nil {
		t.Fatal(err)
	}
	if err := hold(a, journey.NeedRoom, journey.KindRoom, ny.ID, t0, t0+3600); err != nil {
		t.Fatal("a room with the same id as a person is another resource:", err)
	}
	b := session(t0+1800, t0+5400)
	if err := hold(b, journey.NeedChaperone, journey.KindStaff, ny.ID, t0+1800, t0+5400); err == nil {
		t.Fatal("the same person held twice at once (in another role) was stored")
	}
	if err := hold(b, journey.NeedRoom, journey.KindRoom, ny.ID, t0+3599, t0+5400); err == nil {
		t.Fatal("the same room held twice at once was stored")
	}
	if err := hold(b, journey.NeedTherapist, journey.KindStaff, ny.ID, t0+3600, t0+5400); err != nil {
		t.Fatal("back to back is no overlap:", err)
	}
	// A cancelled hold frees its time; taking it back is refused once
	// another holds it.
	if _, err := db.Write.Exec(db.Rebind(`UPDATE session_resources SET active = ? WHERE session_id = ? AND role = 'room'`), false, a); err != nil {
		t.Fatal(err)
	}
	if err := hold(b, journey.NeedRoom, journey.KindRoom, ny.ID, t0+1800, t0+5400); err != nil {
		t.Fatal("a freed room:", err)
	}
	if _, err := db.Write.Exec(db.Rebind(`UPDATE session_resources SET active = ? WHERE session_id = ? AND role = 'room'`), true, a); err == nil {
		t.Fatal("a hold made active again over another was stored")
	}
	if _, err := db.Write.Exec(db.Rebind(`UPDATE session_resources SET start_at = ?, block_end = ? WHERE session_id = ? AND role = 'therapist'`), t0+1800, t0+3601, a); err == nil {
		t.Fatal("a hold moved over another was stored")
	}

	// What the store reads back.
	s, err := db.FindCareSession(ctx, a)
	if err != nil || s.TherapistID != ny.ID || s.RoomID != ny.ID || s.ClientID != c.ID || s.Status != journey.SessionBooked {
		t.Fatalf("session = %+v, %v", s, err)
	}
	list, err := db.FindCareSessions(ctx, journey.CareSessionFilter{RoomID: ny.ID, Limit: 10})
	if err != nil || len(list) != 2 {
		t.Fatalf("sessions with the room = %+v, %v", list, err)
	}
	list, err = db.FindCareSessions(ctx, journey.CareSessionFilter{From: time.Unix(t0+60, 0), To: time.Unix(t0+7200, 0), StaffID: ny.ID, Limit: 10})
	if err != nil || len(list) != 1 || list[0].ID != b {
		t.Fatalf("sessions from the second on = %+v, %v", list, err)
	}
	if _, err := db.FindCareSessions(ctx, journey.CareSessionFilter{}); !hasFields(err, "limit") {
		t.Fatalf("no limit: %v", err)
	}
	holds, err := db.FindResourceHolds(ctx, time.Unix(t0, 0), time.Unix(t0+7200, 0))
	if err != nil || len(holds) != 3 {
		t.Fatalf("holds = %+v, %v", holds, err)
	}
	if _, err := db.FindCareSession(ctx, 9999); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Fatalf("no such session: %v", err)
	}
}

// hasFields reports whether err is EINVALID naming each of fields.
func hasFields(err error, fields ...string) bool {
	if journey.ErrorCode(err) != journey.EINVALID {
		return false
	}
	for _, f := range fields {
		if !slices.ContainsFunc(journey.ErrorFields(err), func(fe journey.FieldError) bool { return fe.Field == f }) {
			return false
		}
	}
	return true
}

// The practice changes a type's length, buffer, lead time and who books
// it; what it needs stays; a late cancellation follows the practice's
// notice.
func TestUpdateSessionType(t *testing.T) {
	db := sqldbtest.Open(t)
	ctx := context.Background()
	sqldbtest.MustSeed(t, db)
	ts, _ := db.FindSessionTypes(ctx)
	med := ts[1]
	med.Minutes, med.BufferMinutes, med.LeadHours, med.Name = 150, 45, 48, " Ketamine session "
	if err := db.UpdateSessionType(ctx, med); err != nil {
		t.Fatal(err)
	}
	ts, _ = db.FindSessionTypes(ctx)
	if got := ts[1]; got.Minutes != 150 || got.BufferMinutes != 45 || got.LeadHours != 48 || got.Name != "Ketamine session" || len(got.Needs) != 4 {
		t.Fatalf("medicine = %+v", got)
	}
	bad := *ts[0]
	bad.Minutes, bad.Capacity, bad.Name = 5, 3, ""
	if err := db.UpdateSessionType(ctx, &bad); !hasFields(err, "minutes", "capacity", "name") {
		t.Fatalf("bad type: %v %v", err, journey.ErrorFields(err))
	}
	if h, err := db.SessionCancelHours(ctx); err != nil || h != 48 {
		t.Fatalf("notice = %d, %v", h, err)
	}
	if err := db.SetSessionCancelHours(ctx, 400); !hasFields(err, "cancel_notice_hours") {
		t.Fatalf("400 hours: %v", err)
	}
	if err := db.SetSessionCancelHours(ctx, 24); err != nil {
		t.Fatal(err)
	}
	if h, _ := db.SessionCancelHours(ctx); h != 24 {
		t.Fatalf("notice = %d", h)
	}
}

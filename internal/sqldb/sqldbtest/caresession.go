package sqldbtest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb"
)

// Care is a practice ready to book care sessions: MustSeed's therapists,
// a medical provider and a chaperone, a location in New York with two
// rooms, every one of them working 08:00–20:00 every day in New York's
// zone, and a client of the New York therapist.
type Care struct {
	Therapist, OtherTherapist *journey.Therapist
	Provider, Chaperone       int64
	Location                  *journey.Location
	Room, OtherRoom           *journey.Room
	Client                    *journey.Client
	ClientUser                *journey.User // the client's portal account
}

// EveryDay returns weekly hours from start to end on every weekday.
func EveryDay(start, end journey.ClockTime) []journey.WeeklyHours {
	var out []journey.WeeklyHours
	for d := time.Sunday; d <= time.Saturday; d++ {
		out = append(out, journey.WeeklyHours{Weekday: d, Start: start, End: end})
	}
	return out
}

// SeedCare writes MustSeed's practice and Care's people, rooms and hours.
func SeedCare(tb testing.TB, db *sqldb.DB) *Care {
	tb.Helper()
	ctx := context.Background()
	ny, la := MustSeed(tb, db)
	c := &Care{Therapist: ny, OtherTherapist: la}
	c.Provider = Staff(tb, db, "Mia Provider", journey.RoleMedicalProvider)
	c.Chaperone = Staff(tb, db, "Cal Chaperone", journey.RoleChaperone)
	c.Location = &journey.Location{Name: "Main Street", Address: "1 Main St", TimeZone: "America/New_York"}
	if err := db.CreateLocation(ctx, c.Location); err != nil {
		tb.Fatalf("location: %v", err)
	}
	week := EveryDay(8*60, 20*60)
	c.Room = &journey.Room{LocationID: c.Location.ID, Name: "Cedar", Weekly: week}
	c.OtherRoom = &journey.Room{LocationID: c.Location.ID, Name: "Willow", Weekly: week}
	for _, r := range []*journey.Room{c.Room, c.OtherRoom} {
		if err := db.CreateRoom(ctx, r); err != nil {
			tb.Fatalf("room: %v", err)
		}
	}
	for _, id := range []int64{ny.ID, la.ID, c.Provider, c.Chaperone} {
		if err := db.SetStaffHours(ctx, &journey.StaffHours{StaffID: id, TimeZone: "America/New_York", Weekly: week}); err != nil {
			tb.Fatalf("hours: %v", err)
		}
	}
	c.Client, c.ClientUser = Client(tb, db, ny.ID, "Casey Client", "casey@client.test", nil)
	var err error
	if c.Client, err = db.FindClientByID(ctx, c.Client.ID); err != nil { // with its user and care team
		tb.Fatalf("client: %v", err)
	}
	return c
}

// Staff adds an active member of staff with roles and returns their id.
func Staff(tb testing.TB, db *sqldb.DB, name string, roles ...string) int64 {
	tb.Helper()
	u := &journey.User{Kind: journey.UserStaff, Name: name, Email: fmt.Sprintf("staff%d@practice.test", staffSeq.Add(1)), Roles: roles, Active: true}
	if err := db.CreateUser(context.Background(), u, ""); err != nil {
		tb.Fatalf("staff: %v", err)
	}
	return u.ID
}

var staffSeq atomic.Int64

// Medicine returns a request for an in-person medicine session of c's
// client at start with c's team and room.
func (c *Care) Medicine(start time.Time) *journey.SessionRequest {
	return &journey.SessionRequest{ClientID: c.Client.ID, Type: journey.TypeMedicine, Start: start, Mode: journey.ModeInPerson,
		Route: journey.RouteIM, TherapistID: c.Therapist.ID, MedicalProviderID: c.Provider, ChaperoneID: c.Chaperone, RoomID: c.Room.ID}
}

package sqldb_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// stressAttempt is one booking tried by the stress test and what came of it.
type stressAttempt struct {
	req       journey.SessionRequest
	id        int64 // 0 when refused
	err       error
	cancelled bool
	moves     int // successful reschedules
}

// A randomised stress test of booking: 16 concurrent clients try thousands
// of sessions over 20 people and 4 rooms in two zones (New York and Los
// Angeles, each working 00:00–20:00 local), on the two days around the
// spring clock change in both (sessions across it included), sessions needing up to four resources and
// a client, and cancel some of what they booked; on PostgreSQL through two
// handles on the database, as two server processes. A checker then finds
// no person, room or client held twice at once, every booked session
// present once with what it asked for and within every resource's local
// hours, every refused attempt absent, and every cancelled session
// holding nothing.
func TestCareSessionBookingStress(t *testing.T) {
	dsn, mk := sqldbtest.DSN(t), sqldbtest.MasterKeys(t)
	a := sqldbtest.OpenDSN(t, dsn, mk)
	now := time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)
	a.Now = sqldbtest.FixedClock(&now)
	handles := []*sqldb.DB{a}
	if a.Dialect == sqldb.Postgres {
		b := sqldbtest.OpenDSN(t, dsn, mk)
		b.Now = sqldbtest.FixedClock(&now)
		handles = append(handles, b)
	}
	ctx := context.Background()
	ny, la := sqldbtest.MustSeed(t, a)
	zones := []string{"America/New_York", "America/Los_Angeles"}
	hours := sqldbtest.EveryDay(0, 20*60)
	zoneOf := map[string]string{} // "kind:id" → zone
	var therapists, providers, chaperones, rooms []int64
	for i := range 20 {
		var id int64
		switch {
		case i == 0:
			id = ny.ID
		case i == 1:
			id = la.ID
		case i < 8:
			id = sqldbtest.Staff(t, a, fmt.Sprintf("Therapist %d", i), journey.RoleTherapist)
		case i < 14:
			id = sqldbtest.Staff(t, a, fmt.Sprintf("Provider %d", i), journey.RoleMedicalProvider)
		default:
			id = sqldbtest.Staff(t, a, fmt.Sprintf("Chaperone %d", i), journey.RoleChaperone)
		}
		switch {
		case i < 8:
			therapists = append(therapists, id)
		case i < 14:
			providers = append(providers, id)
		default:
			chaperones = append(chaperones, id)
		}
		zone := zones[i%2]
		if err := a.SetStaffHours(ctx, &journey.StaffHours{StaffID: id, TimeZone: zone, Weekly: hours}); err != nil {
			t.Fatal(err)
		}
		zoneOf[fmt.Sprintf("staff:%d", id)] = zone
	}
	for _, zone := range zones {
		loc := &journey.Location{Name: "Clinic " + zone, TimeZone: zone}
		if err := a.CreateLocation(ctx, loc); err != nil {
			t.Fatal(err)
		}
		for j := range 2 {
			r := &journey.Room{LocationID: loc.ID, Name: fmt.Sprintf("Room %d", j), Weekly: hours}
			if err := a.CreateRoom(ctx, r); err != nil {
				t.Fatal(err)
			}
			rooms = append(rooms, r.ID)
			zoneOf[fmt.Sprintf("room:%d", r.ID)] = zone
		}
	}
	var clients []int64
	for i := range 24 {
		c, _ := sqldbtest.Client(t, a, ny.ID, fmt.Sprintf("Client %d", i), fmt.Sprintf("c%d@client.test", i), nil)
		clients = append(clients, c.ID)
	}
	types, err := a.FindSessionTypes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	typeOf := map[string]*journey.SessionType{}
	for _, ty := range types {
		typeOf[ty.Code] = ty
	}

	// 96 starts on the half hour from 00:00 UTC on 13 March: both zones
	// spring forward on the 14th (New York at 07:00 UTC, Los Angeles at
	// 10:00 UTC).
	first := time.Date(2027, 3, 13, 0, 0, 0, 0, time.UTC)
	pick := func(rng *rand.Rand, xs []int64) int64 { return xs[rng.IntN(len(xs))] }
	request := func(rng *rand.Rand) journey.SessionRequest {
		r := journey.SessionRequest{ClientID: pick(rng, clients), Start: first.Add(time.Duration(rng.IntN(96)) * 30 * time.Minute),
			Mode: journey.ModeInPerson, TherapistID: pick(rng, therapists)}
		switch rng.IntN(6) {
		case 0, 1:
			r.Type, r.Route = journey.TypeMedicine, journey.RouteIM
			r.MedicalProviderID, r.ChaperoneID, r.RoomID = pick(rng, providers), pick(rng, chaperones), pick(rng, rooms)
		case 2:
			r.Type, r.Route, r.Mode = journey.TypeMedicine, journey.RouteLozenge, journey.ModeRemote
			r.MedicalProviderID, r.ChaperoneID = pick(rng, providers), pick(rng, chaperones)
		case 3:
			r.Type, r.RoomID = journey.TypeIntegrationGroup, pick(rng, rooms)
		case 4:
			r.Type, r.TherapistID, r.MedicalProviderID, r.Mode = journey.TypePrescriberFollow, 0, pick(rng, providers), journey.ModeRemote
		default:
			r.Type, r.Mode = journey.TypePreparation, journey.ModeRemote
		}
		return r
	}

	const workers, perWorker = 16, 250
	attempts := make([][]*stressAttempt, workers)
	var wg sync.WaitGroup
	var moveRefused int // refused moves, for the log
	var mu sync.Mutex
	began := time.Now()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db := handles[w%len(handles)]
			rng := rand.New(rand.NewPCG(uint64(w), 42))
			var ok []*stressAttempt // this worker's bookings
			for range perWorker {
				at := &stressAttempt{req: request(rng)}
				r := at.req
				var s *journey.CareSession
				s, at.err = db.CreateCareSession(ctx, &r, therapists[0])
				if at.err == nil {
					at.id = s.ID
				}
				attempts[w] = append(attempts[w], at)
				if at.id != 0 {
					ok = append(ok, at)
				}
				if len(ok) > 0 && rng.IntN(4) == 0 {
					mine := ok[rng.IntN(len(ok))]
					if mine.id != 0 && !mine.cancelled {
						to := first.Add(time.Duration(rng.IntN(96)) * 30 * time.Minute)
						_, err := db.RescheduleCareSession(ctx, mine.id, to, therapists[0])
						switch journey.ErrorCode(err) {
						case "":
							mine.req.Start = to
							mine.moves++
						case journey.ECONFLICT:
							mu.Lock()
							moveRefused++
							mu.Unlock()
						default:
							t.Errorf("move %d: %v", mine.id, err)
						}
					}
				}
				if at.id != 0 && rng.IntN(10) == 0 {
					mine := ok[rng.IntN(len(ok))]
					if mine.id != 0 && !mine.cancelled {
						if _, err := db.CancelCareSession(ctx, mine.id, "Stress", therapists[0]); err != nil {
							t.Errorf("cancel %d: %v", mine.id, err)
						} else {
							mine.cancelled = true
						}
					}
				}
			}
		}()
	}
	wg.Wait()
	took := time.Since(began)

	// The checker.
	booked, refused := 0, 0
	for _, ws := range attempts {
		for _, at := range ws {
			if at.err == nil {
				booked++
				continue
			}
			refused++
			je, ok := at.err.(*journey.Error)
			if !ok || je.Code != journey.ECONFLICT || (len(je.Conflicts) == 0 && at.err != sqldb.ErrSessionTaken) {
				t.Errorf("attempt %+v refused with %v (%v)", at.req, at.err, journey.ErrorFields(at.err))
			}
		}
	}
	var rows int
	if err := a.Read.QueryRow(`SELECT COUNT(*) FROM care_sessions`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != booked {
		t.Errorf("%d sessions stored, %d bookings succeeded: a refused attempt left a row, or a booking none", rows, booked)
	}
	var overlaps int
	if err := a.Read.QueryRow(`SELECT COUNT(*) FROM session_resources x JOIN session_resources y
		ON x.kind = y.kind AND x.resource_id = y.resource_id AND x.id < y.id
		WHERE x.active AND y.active AND x.start_at < y.block_end AND y.start_at < x.block_end`).Scan(&overlaps); err != nil {
		t.Fatal(err)
	}
	if overlaps != 0 {
		t.Errorf("%d overlapping holds", overlaps)
	}
	// Independently of the database's rule: no two live sessions of the
	// attempts share a person, room or client at once, and each lies in
	// its people's and room's local hours.
	type span struct{ s, e time.Time }
	held := map[string][]span{}
	acrossChange := map[string]int{} // holds across the clock change, by zone
	for _, ws := range attempts {
		for _, at := range ws {
			if at.id == 0 {
				continue
			}
			s, err := a.FindCareSession(ctx, at.id)
			if err != nil {
				t.Fatalf("booked session %d: %v", at.id, err)
			}
			r, ty := at.req, typeOf[at.req.Type]
			end := r.Start.Add(time.Duration(ty.Minutes) * time.Minute)
			block := end.Add(time.Duration(ty.BufferMinutes) * time.Minute)
			if !s.Start.Equal(r.Start) || !s.End.Equal(end) || s.TherapistID != r.TherapistID || s.MedicalProviderID != r.MedicalProviderID ||
				s.ChaperoneID != r.ChaperoneID || s.RoomID != r.RoomID || s.Type != r.Type || s.Sequence != at.moves+map[bool]int{true: 1}[at.cancelled] {
				t.Errorf("session %d = %+v, asked %+v", s.ID, s, r)
			}
			if want := map[bool]string{true: journey.SessionCancelled, false: journey.SessionBooked}[at.cancelled]; s.Status != want {
				t.Errorf("session %d is %s, want %s", s.ID, s.Status, want)
			}
			if at.cancelled {
				continue
			}
			for _, res := range s.Resources() {
				key := journey.ResourceKind(res.Role) + ":" + fmt.Sprint(res.ID)
				loc, _ := time.LoadLocation(zoneOf[key])
				ls, le := r.Start.In(loc), end.In(loc)
				if le.Hour()*60+le.Minute() > 20*60 || le.YearDay() != ls.YearDay() {
					t.Errorf("session %d holds %s from %v to %v, outside 00:00–20:00 there", s.ID, key, ls, le)
				}
				if _, off1 := ls.Zone(); func() bool { _, off2 := le.Zone(); return off1 != off2 }() {
					acrossChange[zoneOf[key]]++
				}
				held[key] = append(held[key], span{r.Start, block})
			}
			held[fmt.Sprintf("client:%d", r.ClientID)] = append(held[fmt.Sprintf("client:%d", r.ClientID)], span{r.Start, end})
		}
	}
	for key, spans := range held {
		for i := range spans {
			for j := range i {
				if spans[i].s.Before(spans[j].e) && spans[j].s.Before(spans[i].e) {
					t.Errorf("%s held twice: from %v to %v and from %v to %v", key, spans[i].s.UTC(), spans[i].e.UTC(), spans[j].s.UTC(), spans[j].e.UTC())
				}
			}
		}
	}
	var live int
	if err := a.Read.QueryRow(a.Rebind(`SELECT COUNT(*) FROM session_resources r JOIN care_sessions s ON s.id = r.session_id
		WHERE s.status = 'cancelled' AND r.active`)).Scan(&live); err != nil {
		t.Fatal(err)
	}
	if live != 0 {
		t.Errorf("%d holds of cancelled sessions are still active", live)
	}
	for _, zone := range zones {
		if acrossChange[zone] == 0 {
			t.Errorf("no session across the clock change in %s", zone)
		}
	}
	if booked == 0 || refused == 0 {
		t.Errorf("%d booked, %d refused: the test exercised nothing", booked, refused)
	}
	moved := 0
	for _, ws := range attempts {
		for _, at := range ws {
			moved += at.moves
		}
	}
	t.Logf("%s: %d attempts by %d clients over %d handle(s): %d booked, %d refused, %d moves (%d refused), in %v (%.0f attempts/s); holds across the clock change: %v",
		a.Dialect, workers*perWorker, workers, len(handles), booked, refused, moved, moveRefused, took.Round(time.Millisecond), float64(workers*perWorker)/took.Seconds(), acrossChange)
}

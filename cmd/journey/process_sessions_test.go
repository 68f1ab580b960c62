package main

// Care-session booking raced over two real `journey serve` processes on
// one PostgreSQL database, through the API as the practice's front desk
// would book, with a checker that reads the database directly afterwards.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/journey-kap/journey"
)

// Workload of TestCareSessionsTwoProcessesPostgres: psWorkers clients each
// try psPerWorker bookings, over the next psDays days.
const (
	psWorkers   = 16
	psPerWorker = 40
	psDays      = 14
)

// psSession is the API's view of a care session.
type psSession struct {
	ID                int64  `json:"id"`
	Type              string `json:"type"`
	Start             string `json:"start"`
	End               string `json:"end"`
	Status            string `json:"status"`
	Mode              string `json:"mode"`
	Route             string `json:"route"`
	ClientID          int64  `json:"client_id"`
	TherapistID       int64  `json:"therapist_id"`
	MedicalProviderID int64  `json:"medical_provider_id"`
	ChaperoneID       int64  `json:"chaperone_id"`
	RoomID            int64  `json:"room_id"`
	Sequence          int    `json:"sequence"`
}

// psSlot is one entry of GET /api/v1/session-slots.
type psSlot struct {
	Start             string `json:"start"`
	TherapistID       int64  `json:"therapist_id"`
	MedicalProviderID int64  `json:"medical_provider_id"`
	ChaperoneID       int64  `json:"chaperone_id"`
	RoomID            int64  `json:"room_id"`
}

// psRoles are the API's fields of the people and room a session holds.
var psRoles = [4]string{"therapist_id", "medical_provider_id", "chaperone_id", "room_id"}

// ids returns the slot's people and room in the order of psRoles.
func (s psSlot) ids() [4]int64 {
	return [4]int64{s.TherapistID, s.MedicalProviderID, s.ChaperoneID, s.RoomID}
}

// ids returns the session's people and room in the order of psRoles.
func (s psSession) ids() [4]int64 {
	return [4]int64{s.TherapistID, s.MedicalProviderID, s.ChaperoneID, s.RoomID}
}

// psProblem is what a refusal answers (RFC 9457 problem+json).
type psProblem struct {
	Status    int                      `json:"status"`
	Errors    []struct{ Field string } `json:"errors"`
	Conflicts []journey.Conflict       `json:"conflicts"`
	Gates     []journey.Gate           `json:"gates"`
}

// psAPI sends method url with token and body (JSON, nil for none) and
// returns the status and the body read; the test fails on a transport error.
func psAPI(tb testing.TB, c *http.Client, method, u, token string, body any) (int, []byte) {
	tb.Helper()
	var in io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			tb.Fatal(err)
		}
		in = strings.NewReader(string(b))
	}
	req, err := http.NewRequest(method, u, in)
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.Do(req)
	if err != nil {
		tb.Errorf("%s %s: %v", method, u, err)
		return 0, nil
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Errorf("%s %s: reading the answer: %v", method, u, err)
	}
	return resp.StatusCode, b
}

// psGet GETs u with token into out, failing the test on any answer but 200.
func psGet(tb testing.TB, c *http.Client, u, token string, out any) {
	tb.Helper()
	st, b := psAPI(tb, c, http.MethodGet, u, token, nil)
	if st != http.StatusOK {
		tb.Fatalf("GET %s: %d %s", u, st, b)
	}
	if err := json.Unmarshal(b, out); err != nil {
		tb.Fatalf("GET %s: %v\n%s", u, err, b)
	}
}

// procToken creates an API token for the user with email on pair's
// database, with `journey tokens create` as an operator would.
func procToken(t *testing.T, pair procPair, email string) string {
	t.Helper()
	out, err := bkRun(t, "tokens", "create", "--user", email, "--database", pair.dsn,
		"--master-key-file", pair.keyFile, "--data", pair.data)
	if err != nil {
		t.Fatalf("tokens create --user %s: %v\n%s", email, err, out)
	}
	return strings.TrimSpace(out)
}

// psAttempt is one booking the stress test sent and what became of it.
type psAttempt struct {
	body    map[string]any
	invalid bool // made invalid on purpose: a 422 is due
	base    string
	status  int
	prob    psProblem
	got     psSession // the 201's session, then as moved or cancelled
	moves   int       // reschedules answered 200
	cancel  bool      // cancel answered 200
}

// psCounts tallies the answers, for the log and the checks.
type psCounts struct {
	created, conflicts, gates, taken, invalid int
	gateCodes                                 map[string]int
	moved, moveRefused, cancelled             int
}

// Many front-desk clients book care sessions at once over two `journey
// serve` processes sharing one PostgreSQL database: sessions needing up to
// four people and rooms, explicit ids chosen at random so they collide,
// medicine sessions for the demo's clients whose gates hold (and some whose
// gates do not), with reschedules and cancels among them. Afterwards a
// checker reading the database finds no person, room or client held twice
// at once, every 201 stored once as it was answered (moved or cancelled as
// answered later), and nothing of any refused attempt.
func TestCareSessionsTwoProcessesPostgres(t *testing.T) {
	dsn := procPostgresDSN(t)
	bin := procBuild(t)
	c := procClient(t)
	pair := procStartPair(t, bin, dsn)
	bases := []string{pair.a.URL, pair.b.URL}
	desk := procToken(t, pair, demoAccounts[4].Email)     // front desk: books for any client, sees nothing clinical
	provider := procToken(t, pair, demoAccounts[2].Email) // reads the gates
	db := procOpenDB(t, dsn, pair.keyFile)
	ctx := context.Background()

	// The cleared clients, and those whose medicine gates hold now.
	var cleared struct {
		Clients []struct {
			ID int64 `json:"id"`
		} `json:"clients"`
	}
	psGet(t, c, bases[0]+"/api/v1/clients?screening=cleared&limit=200", desk, &cleared)
	var clients, ready, notReady, readyRemote []int64
	for _, cl := range cleared.Clients {
		clients = append(clients, cl.ID)
		var g struct {
			Ready bool `json:"ready"`
		}
		psGet(t, c, fmt.Sprintf("%s/api/v1/clients/%d/gates?type=medicine&mode=in_person", bases[1], cl.ID), provider, &g)
		if g.Ready {
			ready = append(ready, cl.ID)
		} else {
			notReady = append(notReady, cl.ID)
		}
		// A client on a remote plan with a monitor named may be booked remote.
		var r struct {
			Ready bool `json:"ready"`
		}
		psGet(t, c, fmt.Sprintf("%s/api/v1/clients/%d/gates?type=medicine&mode=remote", bases[1], cl.ID), provider, &r)
		if r.Ready {
			readyRemote = append(readyRemote, cl.ID)
		}
	}
	if len(ready) == 0 || len(notReady) == 0 {
		t.Fatalf("the demo's cleared clients %v: medicine gates hold for %v, want some whose gates hold and some whose do not", clients, ready)
	}

	// Each type's length and buffer, and its open starts (each with the
	// ids the slot engine chose); the candidates of each role are every
	// id any slot offers, every therapist and every room.
	var types struct {
		SessionTypes []struct {
			Code          string `json:"code"`
			Minutes       int    `json:"minutes"`
			BufferMinutes int    `json:"buffer_minutes"`
		} `json:"session_types"`
	}
	psGet(t, c, bases[0]+"/api/v1/session-types", desk, &types)
	length, buffer := map[string]time.Duration{}, map[string]time.Duration{}
	for _, ty := range types.SessionTypes {
		length[ty.Code], buffer[ty.Code] = time.Duration(ty.Minutes)*time.Minute, time.Duration(ty.BufferMinutes)*time.Minute
	}
	booked := []string{journey.TypeMedicine, journey.TypePreparation, journey.TypeIntegration, journey.TypePrescriberFollow}
	pools := map[string][]psSlot{}
	roleIDs := map[string]map[int64]bool{"therapist_id": {}, "medical_provider_id": {}, "chaperone_id": {}, "room_id": {}}
	for _, typ := range booked {
		client := clients[0]
		if typ == journey.TypeMedicine {
			client = ready[0]
		}
		var sl struct {
			Slots []psSlot `json:"slots"`
		}
		psGet(t, c, fmt.Sprintf("%s/api/v1/session-slots?client_id=%d&type=%s&days=%d&mode=in_person", bases[0], client, typ, psDays), desk, &sl)
		if len(sl.Slots) == 0 {
			t.Fatalf("no %s slots in the next %d days", typ, psDays)
		}
		pools[typ] = sl.Slots
		for _, s := range sl.Slots {
			for i, id := range s.ids() {
				if id != 0 {
					roleIDs[psRoles[i]][id] = true
				}
			}
		}
	}
	for _, id := range procTherapistIDs(t, c, bases[0]) {
		roleIDs["therapist_id"][id] = true
	}
	var rooms struct {
		Rooms []struct {
			ID int64 `json:"id"`
		} `json:"rooms"`
	}
	psGet(t, c, bases[0]+"/api/v1/rooms", desk, &rooms)
	for _, r := range rooms.Rooms {
		roleIDs["room_id"][r.ID] = true
	}
	candidates := map[string][]int64{}
	for role, ids := range roleIDs {
		for id := range ids {
			candidates[role] = append(candidates[role], id)
		}
		slices.Sort(candidates[role])
	}

	var before int64
	if err := db.Read.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM care_sessions`).Scan(&before); err != nil {
		t.Fatal(err)
	}

	// request builds one booking: mostly from an open slot with each id
	// kept or swapped for a random candidate; a few invalid (422).
	pick := func(rng *rand.Rand, xs []int64) int64 { return xs[rng.IntN(len(xs))] }
	request := func(rng *rand.Rand) (map[string]any, bool) {
		typ := booked[rng.IntN(len(booked))]
		if rng.IntN(3) == 0 {
			typ = journey.TypeMedicine // the four-resource kind, a third of the attempts and more
		}
		slot := pools[typ][rng.IntN(len(pools[typ]))]
		body := map[string]any{"client_id": pick(rng, clients), "type": typ, "start": slot.Start, "mode": journey.ModeInPerson}
		if typ == journey.TypeMedicine {
			body["client_id"], body["route"] = pick(rng, ready), []string{journey.RouteIM, journey.RouteLozenge}[rng.IntN(2)]
			switch rng.IntN(10) {
			case 0:
				body["client_id"] = pick(rng, notReady) // gates unmet
			case 1:
				body["mode"], body["route"] = journey.ModeRemote, journey.RouteLozenge // no monitor named: gate
			}
		} else if rng.IntN(2) == 0 {
			body["mode"] = journey.ModeRemote
		}
		for i, id := range slot.ids() {
			role := psRoles[i]
			if id == 0 || (role == "room_id" && body["mode"] == journey.ModeRemote) {
				continue
			}
			if rng.IntN(2) == 0 {
				id = pick(rng, candidates[role])
			}
			body[role] = id
		}
		switch rng.IntN(25) {
		case 0:
			body["start"] = time.Now().Add(-24 * time.Hour).UTC().Format(time.RFC3339) // in the past
		case 1:
			if typ != journey.TypeMedicine {
				body["route"] = journey.RouteIM // only a medicine session has a route
			} else {
				delete(body, "route")
			}
		default:
			return body, false
		}
		return body, true
	}

	// slotsFor returns the open starts of session g's type with everyone
	// and everything it holds, where it could move to.
	slotsFor := func(base string, g psSession) ([]psSlot, error) {
		q := url.Values{"client_id": {fmt.Sprint(g.ClientID)}, "type": {g.Type}, "mode": {g.Mode}, "days": {fmt.Sprint(psDays)}}
		for i, id := range g.ids() {
			if id != 0 {
				q.Set(psRoles[i], fmt.Sprint(id))
			}
		}
		st, b := psAPI(t, c, http.MethodGet, base+"/api/v1/session-slots?"+q.Encode(), desk, nil)
		var out struct {
			Slots []psSlot `json:"slots"`
		}
		if st != http.StatusOK {
			return nil, fmt.Errorf("GET session-slots?%s: %d %s", q.Encode(), st, b)
		}
		if err := json.Unmarshal(b, &out); err != nil {
			return nil, fmt.Errorf("GET session-slots?%s: %v\n%s", q.Encode(), err, b)
		}
		return out.Slots, nil
	}

	var (
		mu       sync.Mutex
		counts   = psCounts{gateCodes: map[string]int{}}
		attempts [psWorkers][]*psAttempt
		bad      []string
		wg       sync.WaitGroup
	)
	fail := func(format string, args ...any) {
		mu.Lock()
		bad = append(bad, fmt.Sprintf(format, args...))
		mu.Unlock()
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d (the choices; the interleaving is the machine's)", seed)
	began := time.Now()
	for w := range psWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), seed))
			var mine []*psAttempt // this worker's live bookings
			for i := range psPerWorker {
				at := &psAttempt{base: bases[(w+i)%len(bases)]}
				at.body, at.invalid = request(rng)
				attempts[w] = append(attempts[w], at)
				var b []byte
				at.status, b = psAPI(t, c, http.MethodPost, at.base+"/api/v1/sessions", desk, at.body)
				switch at.status {
				case http.StatusCreated:
					if err := json.Unmarshal(b, &at.got); err != nil || at.got.ID == 0 || at.got.Status != journey.SessionBooked {
						fail("201 with an unreadable body (%v): %s", err, b)
					}
					mine = append(mine, at)
				case http.StatusConflict, http.StatusUnprocessableEntity:
					if err := json.Unmarshal(b, &at.prob); err != nil {
						fail("%d with an unreadable body (%v): %s", at.status, err, b)
					}
				default:
					fail("POST %v: %d %s", at.body, at.status, b)
				}
				if len(mine) > 0 && rng.IntN(5) == 0 { // move one of this worker's bookings
					m := mine[rng.IntN(len(mine))]
					open, err := slotsFor(bases[rng.IntN(2)], m.got)
					if err != nil {
						fail("%v", err)
						continue
					}
					if len(open) == 0 {
						continue
					}
					to := open[rng.IntN(len(open))].Start
					st, b := psAPI(t, c, http.MethodPost, fmt.Sprintf("%s/api/v1/sessions/%d/reschedule", bases[rng.IntN(2)], m.got.ID), desk, map[string]string{"start": to})
					switch st {
					case http.StatusOK:
						var moved psSession
						if err := json.Unmarshal(b, &moved); err != nil || moved.ID != m.got.ID || !procParseTime(t, moved.Start).Equal(procParseTime(t, to)) {
							fail("reschedule of %d to %s answered (%v): %s", m.got.ID, to, err, b)
						}
						m.got, m.moves = moved, m.moves+1
						mu.Lock()
						counts.moved++
						mu.Unlock()
					case http.StatusConflict:
						mu.Lock()
						counts.moveRefused++
						mu.Unlock()
					default:
						fail("reschedule of %d to %s: %d %s", m.got.ID, to, st, b)
					}
				}
				if len(mine) > 0 && rng.IntN(8) == 0 { // cancel one
					k := rng.IntN(len(mine))
					m := mine[k]
					st, b := psAPI(t, c, http.MethodPost, fmt.Sprintf("%s/api/v1/sessions/%d/cancel", bases[rng.IntN(2)], m.got.ID), desk, map[string]string{"reason": "Stress test."})
					var out struct {
						Session psSession `json:"session"`
					}
					if st != http.StatusOK || json.Unmarshal(b, &out) != nil || out.Session.Status != journey.SessionCancelled {
						fail("cancel of %d: %d %s", m.got.ID, st, b)
						continue
					}
					m.got, m.cancel = out.Session, true
					mine = slices.Delete(mine, k, k+1)
					mu.Lock()
					counts.cancelled++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	took := time.Since(began)
	if len(bad) > 0 {
		t.Fatalf("%d unexpected answers:\n%s", len(bad), strings.Join(bad, "\n"))
	}

	// Tally the answers; each refusal says why.
	answered := map[int64]*psAttempt{}
	var refused []*psAttempt
	byType := map[string]int{}
	for _, ws := range attempts {
		for _, at := range ws {
			switch at.status {
			case http.StatusCreated:
				counts.created++
				byType[at.got.Type]++
				if answered[at.got.ID] != nil {
					t.Errorf("session %d answered 201 twice", at.got.ID)
				}
				answered[at.got.ID] = at
				if at.got.Type == journey.TypeMedicine && !(at.got.Mode == journey.ModeInPerson && slices.Contains(ready, at.got.ClientID) ||
					at.got.Mode == journey.ModeRemote && slices.Contains(readyRemote, at.got.ClientID)) {
					t.Errorf("medicine session %d booked for client %d %s, whose gates do not hold", at.got.ID, at.got.ClientID, at.got.Mode)
				}
				if at.invalid {
					t.Errorf("invalid booking %v answered 201", at.body)
				}
				continue
			case http.StatusConflict:
				switch {
				case len(at.prob.Gates) > 0:
					counts.gates++
					for _, g := range at.prob.Gates {
						counts.gateCodes[g.Code]++
					}
				case len(at.prob.Conflicts) > 0:
					counts.conflicts++
				default:
					counts.taken++ // lost to a booking the store could no longer name
				}
			case http.StatusUnprocessableEntity:
				counts.invalid++
				if len(at.prob.Errors) == 0 || !at.invalid {
					t.Errorf("422 for %v (made invalid: %v): %+v", at.body, at.invalid, at.prob)
				}
			}
			if at.invalid && at.status != http.StatusUnprocessableEntity {
				t.Errorf("invalid booking %v answered %d, want 422", at.body, at.status)
			}
			refused = append(refused, at)
		}
	}

	// The checker, reading the database directly.
	rows, err := db.Read.QueryContext(ctx, db.Rebind(`SELECT id FROM care_sessions WHERE id > ? ORDER BY id`), before)
	if err != nil {
		t.Fatal(err)
	}
	var stored []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		stored = append(stored, id)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	for _, id := range stored {
		if answered[id] == nil {
			t.Errorf("session %d is stored but no booking was answered 201 with it: a refused attempt left a row", id)
		}
	}
	if len(stored) != len(answered) {
		t.Errorf("%d sessions stored since the start, %d answered 201", len(stored), len(answered))
	}
	type span struct {
		s, e time.Time
		id   int64
	}
	held := map[string][]span{}
	for id, at := range answered {
		s, err := db.FindCareSession(ctx, id)
		if err != nil {
			t.Errorf("session %d, answered 201, is not in the database: %v", id, err)
			continue
		}
		g := at.got
		want := map[bool]string{true: journey.SessionCancelled, false: journey.SessionBooked}[at.cancel]
		if s.Type != g.Type || !s.Start.Equal(procParseTime(t, g.Start)) || !s.End.Equal(procParseTime(t, g.End)) || s.Status != want ||
			s.Mode != g.Mode || s.Route != g.Route || s.ClientID != g.ClientID || s.TherapistID != g.TherapistID ||
			s.MedicalProviderID != g.MedicalProviderID || s.ChaperoneID != g.ChaperoneID || s.RoomID != g.RoomID ||
			s.Sequence != at.moves+map[bool]int{true: 1}[at.cancel] {
			t.Errorf("session %d is stored as %+v; the API answered %+v (%d moves, cancelled %v)", id, s, g, at.moves, at.cancel)
		}
		for i, id := range g.ids() {
			if asked, ok := at.body[psRoles[i]]; ok && asked != id {
				t.Errorf("session %d holds %s %d, asked for %v", g.ID, psRoles[i], id, asked)
			}
		}
		if d := procParseTime(t, g.End).Sub(procParseTime(t, g.Start)); d != length[g.Type] {
			t.Errorf("session %d (%s) lasts %v, the type %v", g.ID, g.Type, d, length[g.Type])
		}
		if at.moves == 0 && !procParseTime(t, g.Start).Equal(procParseTime(t, at.body["start"].(string))) {
			t.Errorf("session %d starts at %s, asked for %s", g.ID, g.Start, at.body["start"])
		}
		if at.cancel {
			continue
		}
		start, end := procParseTime(t, g.Start), procParseTime(t, g.End)
		block := end.Add(buffer[g.Type])
		for _, r := range []struct {
			kind string
			id   int64
		}{{"staff", g.TherapistID}, {"staff", g.MedicalProviderID}, {"staff", g.ChaperoneID}, {"room", g.RoomID}} {
			if r.id != 0 {
				k := fmt.Sprintf("%s:%d", r.kind, r.id)
				held[k] = append(held[k], span{start, block, g.ID})
			}
		}
		held[fmt.Sprint("client:", g.ClientID)] = append(held[fmt.Sprint("client:", g.ClientID)], span{start, end, g.ID})
	}
	// Independently of the database's rule: no two live sessions of the
	// answers share a person, room or client at once.
	for key, spans := range held {
		for i := range spans {
			for j := range i {
				if spans[i].s.Before(spans[j].e) && spans[j].s.Before(spans[i].e) {
					t.Errorf("%s held twice at once: sessions %d and %d", key, spans[j].id, spans[i].id)
				}
			}
		}
	}
	// The database's own holds, the demo's included.
	var overlaps, live int
	if err := db.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM session_resources x JOIN session_resources y
		ON x.kind = y.kind AND x.resource_id = y.resource_id AND x.id < y.id
		WHERE x.active AND y.active AND x.start_at < y.block_end AND y.start_at < x.block_end`).Scan(&overlaps); err != nil {
		t.Fatal(err)
	}
	if overlaps != 0 {
		t.Errorf("%d overlapping active holds in session_resources", overlaps)
	}
	if err := db.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM session_resources r JOIN care_sessions s ON s.id = r.session_id
		WHERE s.status = 'cancelled' AND r.active`).Scan(&live); err != nil {
		t.Fatal(err)
	}
	if live != 0 {
		t.Errorf("%d holds of cancelled sessions are still active", live)
	}
	moveTried := counts.moved + counts.moveRefused
	t.Logf("%d bookings by %d clients over 2 processes in %v (%.0f/s): %d × 201 %v, %d × 409 conflicts, %d × 409 gates %v, %d × 409 taken, %d × 422; "+
		"%d reschedules (%d refused), %d cancels; %d refused attempts, none stored; 0 overlaps",
		psWorkers*psPerWorker, psWorkers, took.Round(time.Millisecond), float64(psWorkers*psPerWorker+moveTried+counts.cancelled)/took.Seconds(),
		counts.created, byType, counts.conflicts, counts.gates, counts.gateCodes, counts.taken, counts.invalid,
		counts.moved, counts.moveRefused, counts.cancelled, len(refused))
	if byType[journey.TypeMedicine] == 0 || counts.conflicts+counts.taken == 0 || counts.gates == 0 || counts.invalid == 0 {
		t.Errorf("the run did not exercise every outcome: %d medicine sessions booked, %d conflicts, %d gates, %d invalid",
			byType[journey.TypeMedicine], counts.conflicts+counts.taken, counts.gates, counts.invalid)
	}
}

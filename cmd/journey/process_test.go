package main

// Concurrency and durability tests that drive `journey serve` as a whole:
// many clients racing for one slot (in one process, and across two real
// processes sharing PostgreSQL), and a SIGKILL in the middle of a stream of
// bookings on SQLite.

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
	"github.com/journey-kap/journey/internal/testenv"
)

// procRacers is how many clients race for one slot.
const procRacers = 48

// procClient returns an HTTP client for loopback servers: bounded by a
// timeout, and keeping enough idle connections for a whole race.
func procClient(tb testing.TB) *http.Client {
	tb.Helper()
	tr := &http.Transport{MaxIdleConns: 2 * procRacers, MaxIdleConnsPerHost: 2 * procRacers, IdleConnTimeout: 30 * time.Second}
	tb.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Timeout: 20 * time.Second, Transport: tr}
}

// procSlot is one entry of GET /api/v1/consult-slots.
type procSlot struct {
	Start       string `json:"start"`
	End         string `json:"end"`
	TherapistID int64  `json:"therapist_id"`
}

// procConsult is the API's view of a consult (201 of POST /api/v1/consults,
// 200 of GET /api/v1/manage/{token}).
type procConsult struct {
	ID          int64  `json:"id"`
	Start       string `json:"start"`
	End         string `json:"end"`
	TherapistID int64  `json:"therapist_id"`
	Status      string `json:"status"`
	ManageURL   string `json:"manage_url"`
}

// procGetSlots returns the open slots of the next days days (all therapists).
func procGetSlots(tb testing.TB, c *http.Client, base string, days int) []procSlot {
	tb.Helper()
	resp, err := c.Get(fmt.Sprintf("%s/api/v1/consult-slots?days=%d", base, days))
	if err != nil {
		tb.Fatalf("GET consult-slots: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		tb.Fatalf("GET consult-slots: %d %v\n%s", resp.StatusCode, err, body)
	}
	var out struct {
		Slots []procSlot `json:"slots"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		tb.Fatalf("decode consult-slots: %v\n%s", err, body)
	}
	return out.Slots
}

// procHasSlot reports whether slots offers start (by instant) with
// therapistID, or with any therapist when therapistID is 0.
func procHasSlot(tb testing.TB, slots []procSlot, start time.Time, therapistID int64) bool {
	tb.Helper()
	for _, s := range slots {
		if (therapistID == 0 || s.TherapistID == therapistID) && procParseTime(tb, s.Start).Equal(start) {
			return true
		}
	}
	return false
}

func procParseTime(tb testing.TB, s string) time.Time {
	tb.Helper()
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		tb.Fatalf("bad RFC 3339 time %q: %v", s, err)
	}
	return t
}

// procBookingRequest builds POST /api/v1/consults for start with therapistID
// (omitted when 0: any therapist) under email.
func procBookingRequest(base, start string, therapistID int64, email string) (*http.Request, error) {
	in := map[string]any{"start": start, "name": "Race Tester", "email": email, "phone": "",
		"contact_method": "email", "mode": "video", "time_zone": "America/New_York", "reason": "Concurrency test.", "privacy_consent": true}
	if therapistID != 0 {
		in["therapist_id"] = therapistID
	}
	b, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequest(http.MethodPost, base+"/api/v1/consults", bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	return req, nil
}

// procResult is the outcome of one racing booking.
type procResult struct {
	base   string
	email  string
	status int
	body   string
	err    error
}

// procRace fires procRacers bookings of start (therapistID, 0 for any) at
// once, spread round-robin over bases, released together by closing a
// channel once every request is built and its goroutine is waiting.
func procRace(tb testing.TB, c *http.Client, bases []string, start string, therapistID int64, tag string) []procResult {
	tb.Helper()
	results := make([]procResult, procRacers)
	reqs := make([]*http.Request, procRacers)
	stamp := time.Now().UnixNano()
	for i := range reqs {
		results[i].base = bases[i%len(bases)]
		results[i].email = fmt.Sprintf("race-%s-%d-%02d@example.test", tag, stamp, i)
		var err error
		if reqs[i], err = procBookingRequest(results[i].base, start, therapistID, results[i].email); err != nil {
			tb.Fatal(err)
		}
	}
	gate := make(chan struct{})
	var ready, done sync.WaitGroup
	for i := range reqs {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			ready.Done()
			<-gate
			resp, err := c.Do(reqs[i])
			if err != nil {
				results[i].err = err
				return
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			results[i].status, results[i].body, results[i].err = resp.StatusCode, string(b), err
		}()
	}
	ready.Wait()
	close(gate)
	done.Wait()
	return results
}

// procCheckRace checks that exactly want bookings got 201 and every other
// one 409, and returns the consults created.
func procCheckRace(tb testing.TB, results []procResult, want int) []procConsult {
	tb.Helper()
	var created []procConsult
	counts := map[int]int{}
	var bad []string
	for i, r := range results {
		if r.err != nil {
			bad = append(bad, fmt.Sprintf("#%d %s: %v", i, r.base, r.err))
			continue
		}
		counts[r.status]++
		switch r.status {
		case http.StatusCreated:
			var c procConsult
			if err := json.Unmarshal([]byte(r.body), &c); err != nil || c.ID == 0 {
				bad = append(bad, fmt.Sprintf("#%d %s: 201 with an unreadable body (%v): %s", i, r.base, err, r.body))
				continue
			}
			created = append(created, c)
		case http.StatusConflict:
		default:
			bad = append(bad, fmt.Sprintf("#%d %s: %d %s", i, r.base, r.status, strings.TrimSpace(r.body)))
		}
	}
	if len(bad) > 0 {
		tb.Errorf("racing bookings got answers other than 201/409 (status counts %v):\n%s", counts, strings.Join(bad, "\n"))
	}
	if counts[http.StatusCreated] != want || counts[http.StatusConflict] != len(results)-want {
		var bodies []string
		for i, r := range results {
			if r.status == http.StatusCreated {
				bodies = append(bodies, fmt.Sprintf("#%d %s: %s", i, r.base, strings.TrimSpace(r.body)))
			}
		}
		tb.Fatalf("status counts %v: want %d × 201 and %d × 409; the 201s:\n%s", counts, want, len(results)-want, strings.Join(bodies, "\n"))
	}
	return created
}

// procBookedAt returns the booked consults starting at start.
func procBookedAt(tb testing.TB, db *sqldb.DB, start time.Time) []*journey.Consult {
	tb.Helper()
	status := journey.ConsultBooked
	from, to := start, start.Add(time.Second)
	cs, _, err := db.FindConsults(context.Background(), journey.ConsultFilter{Status: &status, From: &from, To: &to})
	if err != nil {
		tb.Fatalf("find consults: %v", err)
	}
	return cs
}

// procBookedFor returns the booked consults of one therapist at start.
func procBookedFor(tb testing.TB, db *sqldb.DB, start time.Time, therapistID int64) []*journey.Consult {
	tb.Helper()
	var mine []*journey.Consult
	for _, cs := range procBookedAt(tb, db, start) {
		if cs.TherapistID == therapistID {
			mine = append(mine, cs)
		}
	}
	return mine
}

// procOpenDB opens the database a server uses, with its master key file.
func procOpenDB(tb testing.TB, dsn, keyFile string) *sqldb.DB {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := sqldb.Open(ctx, dsn, nil, sqldb.WithMasterKeys(mustLoadKeys(tb, keyFile)))
	if err != nil {
		tb.Fatalf("open database: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// Many visitors pick the same time at the same moment: the database, not
// luck, decides that exactly one (or, for "any therapist", one per
// therapist offering it) gets it.
func TestRaceOneSlotInProcess(t *testing.T) {
	t.Run("one therapist", func(t *testing.T) {
		srv := startServer(t, nil, "--demo", "--rate-limit", "0")
		c := procClient(t)
		slots := procGetSlots(t, c, srv.URL, 14)
		if len(slots) == 0 {
			t.Fatal("the demo offers no slots in the next 14 days")
		}
		slot := slots[len(slots)/2]
		start := procParseTime(t, slot.Start)

		t0 := time.Now()
		created := procCheckRace(t, procRace(t, c, []string{srv.URL}, slot.Start, slot.TherapistID, "one"), 1)
		t.Logf("%d racing bookings of %s with therapist %d answered in %v: 1 × 201, %d × 409",
			procRacers, slot.Start, slot.TherapistID, time.Since(t0).Round(time.Millisecond), procRacers-1)
		if created[0].TherapistID != slot.TherapistID || !procParseTime(t, created[0].Start).Equal(start) {
			t.Fatalf("booked %+v, want therapist %d at %s", created[0], slot.TherapistID, slot.Start)
		}

		if procHasSlot(t, procGetSlots(t, c, srv.URL, 14), start, slot.TherapistID) {
			t.Errorf("slot %s of therapist %d is still offered after it was booked", slot.Start, slot.TherapistID)
		}

		db := procOpenDB(t, srv.DSN, srv.KeyFile)
		mine := procBookedFor(t, db, start, slot.TherapistID)
		if len(mine) != 1 || mine[0].ID != created[0].ID {
			t.Fatalf("database holds %d booked consult(s) for therapist %d at %s (want exactly consult %d): %+v",
				len(mine), slot.TherapistID, slot.Start, created[0].ID, mine)
		}
	})

	t.Run("any therapist", func(t *testing.T) {
		srv := startServer(t, nil, "--demo", "--rate-limit", "0")
		c := procClient(t)
		slots := procGetSlots(t, c, srv.URL, 14)
		// The start offered by the most therapists (the earliest among ties).
		offering := map[int64]map[int64]bool{}
		text := map[int64]string{}
		for _, s := range slots {
			u := procParseTime(t, s.Start).Unix()
			if offering[u] == nil {
				offering[u], text[u] = map[int64]bool{}, s.Start
			}
			offering[u][s.TherapistID] = true
		}
		var best int64
		for u, ts := range offering {
			if best == 0 || len(ts) > len(offering[best]) || (len(ts) == len(offering[best]) && u < best) {
				best = u
			}
		}
		n := len(offering[best])
		if n < 2 {
			t.Fatalf("no start in the next 14 days is offered by two therapists (%d slots): the demo's calendars should overlap", len(slots))
		}
		start := time.Unix(best, 0)

		t0 := time.Now()
		created := procCheckRace(t, procRace(t, c, []string{srv.URL}, text[best], 0, "any"), n)
		t.Logf("%d racing any-therapist bookings of %s (offered by %d therapists) answered in %v: %d × 201, %d × 409",
			procRacers, text[best], n, time.Since(t0).Round(time.Millisecond), n, procRacers-n)
		got := map[int64]int{}
		for _, cs := range created {
			got[cs.TherapistID]++
			if !procParseTime(t, cs.Start).Equal(start) {
				t.Errorf("consult %d starts at %s, want %s", cs.ID, cs.Start, text[best])
			}
		}
		for tid, k := range got {
			if k != 1 || !offering[best][tid] {
				t.Errorf("therapist %d got %d of the bookings (offering: %v)", tid, k, offering[best])
			}
		}

		if procHasSlot(t, procGetSlots(t, c, srv.URL, 14), start, 0) {
			t.Errorf("%s is still offered after every therapist offering it was booked", text[best])
		}

		db := procOpenDB(t, srv.DSN, srv.KeyFile)
		booked := procBookedAt(t, db, start)
		per := map[int64]int{}
		for _, cs := range booked {
			per[cs.TherapistID]++
		}
		for tid, k := range per {
			if k != 1 {
				t.Errorf("therapist %d is booked %d times at %s", tid, k, text[best])
			}
		}
		if len(booked) != n || len(per) != n {
			t.Errorf("database holds %d booked consults at %s for %d therapists, want %d for %d", len(booked), text[best], len(per), n, n)
		}
	})
}

// procBuild returns the path of the journey binary, built from the package
// directory (the test's working directory) once per package run, at the
// first test that asks (procBinary): linking it took 9–18 s a test. The
// binary is built without -race: the tests drive it from outside as
// a user would, and the race detector watches the test process's own
// in-process servers (startServer) instead. TestMain removes it at exit.
func procBuild(tb testing.TB) string {
	tb.Helper()
	procBinary.once.Do(func() {
		dir, err := os.MkdirTemp("", "journey-bin-")
		if err != nil {
			procBinary.err = err
			return
		}
		procBinary.dir = dir
		bin := filepath.Join(dir, "journey")
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		t0 := time.Now()
		cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
		cmd.Dir = "."
		if out, err := cmd.CombinedOutput(); err != nil {
			procBinary.err = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		procBinary.bin, procBinary.took = bin, time.Since(t0)
	})
	if procBinary.err != nil {
		tb.Fatal(procBinary.err)
	}
	tb.Logf("journey binary %s (built once for the package in %v)", procBinary.bin, procBinary.took.Round(time.Millisecond))
	return procBinary.bin
}

// procBinary is the package run's one journey binary (procBuild).
var procBinary struct {
	once sync.Once
	dir  string // removed by TestMain
	bin  string
	took time.Duration
	err  error
}

// procProcess is a `journey serve` child process.
type procProcess struct {
	URL  string
	Log  *syncBuffer
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited and been reaped
	err  error         // cmd.Wait's error, once done is closed
}

// procStart starts bin serve with args plus --listen on a free port and
// waits until /healthz answers 200. The process is killed when the test ends.
func procStart(tb testing.TB, bin string, args ...string) *procProcess {
	tb.Helper()
	addr := freeAddr(tb)
	p := &procProcess{URL: "http://" + addr, Log: &syncBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(bin, append([]string{"serve", "--listen", addr}, args...)...)
	p.cmd.Stdout, p.cmd.Stderr = p.Log, p.Log
	p.cmd.Env = os.Environ()
	if err := p.cmd.Start(); err != nil {
		tb.Fatalf("start %s: %v", bin, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	tb.Cleanup(func() {
		p.kill()
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
			tb.Errorf("pid %d did not exit within 10s of SIGKILL", p.cmd.Process.Pid)
		}
		if tb.Failed() {
			tb.Logf("log of journey serve %v (last %d bytes):\n%s", args, procLogTail, procTail(p.Log.String(), procLogTail))
		}
	})
	c := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for i := 0; i < 2000 && time.Now().Before(deadline); i++ {
		select {
		case <-p.done:
			tb.Fatalf("journey serve %v exited early: %v\n%s", args, p.err, p.Log.String())
		default:
		}
		resp, err := c.Get(p.URL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	tb.Fatalf("journey serve %v never became healthy\n%s", args, p.Log.String())
	return nil
}

// procLogTail is how much of a failed test's server log is shown.
const procLogTail = 12 << 10

// procTail returns the last n bytes of s.
func procTail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// kill sends SIGKILL unless the process has already exited.
func (p *procProcess) kill() {
	select {
	case <-p.done:
	default:
		_ = p.cmd.Process.Kill()
	}
}

// stop asks the process to shut down (SIGTERM) and waits for it.
func (p *procProcess) stop(tb testing.TB) {
	tb.Helper()
	select {
	case <-p.done:
		return
	default:
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		tb.Fatalf("SIGTERM: %v", err)
	}
	select {
	case <-p.done:
		if p.err != nil {
			tb.Errorf("journey serve did not stop cleanly: %v\n%s", p.err, p.Log.String())
		}
	case <-time.After(30 * time.Second):
		tb.Fatalf("journey serve did not stop within 30s of SIGTERM\n%s", p.Log.String())
	}
}

// procTherapistIDs returns the ids of /api/v1/therapists, sorted.
func procTherapistIDs(tb testing.TB, c *http.Client, base string) []int64 {
	tb.Helper()
	resp, err := c.Get(base + "/api/v1/therapists")
	if err != nil {
		tb.Fatalf("GET therapists: %v", err)
	}
	defer resp.Body.Close()
	var out struct {
		Therapists []struct {
			ID int64 `json:"id"`
		} `json:"therapists"`
	}
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("GET therapists: %s", resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		tb.Fatalf("decode therapists: %v", err)
	}
	ids := make([]int64, len(out.Therapists))
	for i, th := range out.Therapists {
		ids[i] = th.ID
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

// procPostgresDSN returns a new PostgreSQL database for a test of real
// processes on PostgreSQL, whatever JOURNEY_TEST_DB says: the suite's own
// kind of database under postgres, one made beside it under sqlite (so
// both passes of the suite run it).
func procPostgresDSN(t *testing.T) string {
	t.Helper()
	base := testenv.PostgresURL(t)
	if testenv.Dialect() == "postgres" {
		return sqldbtest.DSN(t)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { admin.Close() })
	return testenv.NewPostgresDatabase(t, admin, base)
}

// procPair is two `journey serve --demo` processes on one database.
type procPair struct {
	a, b    *procProcess
	dsn     string
	keyFile string // the master key file both read
	data    string // the data folder both use (audit key and head)
}

// procStartPair starts two `journey serve --demo --rate-limit 0` processes
// of bin on dsn, one after the other (the first seeds the demo), with
// extra arguments. Both share the key files, as a real deployment must:
// one master key set, one audit key sealing one chain.
func procStartPair(t *testing.T, bin, dsn string, extra ...string) procPair {
	t.Helper()
	p := procPair{dsn: dsn, keyFile: sqldbtest.KeyFile(t), data: t.TempDir()}
	args := append([]string{"--database", dsn, "--master-key-file", p.keyFile, "--data", p.data, "--rate-limit", "0", "--demo"}, extra...)
	p.a = procStart(t, bin, args...)
	p.b = procStart(t, bin, args...)
	return p
}

// Two `journey serve` processes share one PostgreSQL database: a booking
// race spread over both still ends with one booking per slot, because the
// exclusion constraint, not either process's memory, decides.
func TestRaceTwoProcessesPostgres(t *testing.T) {
	dsn := procPostgresDSN(t)
	bin := procBuild(t)
	c := procClient(t)
	pair := procStartPair(t, bin, dsn, "--log-level", "debug")
	a, b, keyFile := pair.a, pair.b, pair.keyFile
	idsA, idsB := procTherapistIDs(t, c, a.URL), procTherapistIDs(t, c, b.URL)
	if len(idsA) == 0 || fmt.Sprint(idsA) != fmt.Sprint(idsB) || len(idsA) != len(demoTherapists()) {
		t.Fatalf("therapists: first process %v, second %v, want the %d demo therapists seeded once\nsecond log:\n%s",
			idsA, idsB, len(demoTherapists()), b.Log.String())
	}

	slots := procGetSlots(t, c, a.URL, 14)
	if len(slots) < 3 {
		t.Fatalf("only %d slots in the next 14 days", len(slots))
	}
	picks := []procSlot{slots[0], slots[len(slots)/2], slots[len(slots)-1]}
	bases := []string{a.URL, b.URL}
	db := procOpenDB(t, dsn, keyFile)
	status := journey.ConsultBooked
	_, demo, err := db.FindConsults(context.Background(), journey.ConsultFilter{Status: &status}) // the demo's own
	if err != nil {
		t.Fatal(err)
	}
	for round, slot := range picks {
		t0 := time.Now()
		created := procCheckRace(t, procRace(t, c, bases, slot.Start, slot.TherapistID, fmt.Sprintf("pg%d", round)), 1)
		t.Logf("round %d: %d bookings of %s (therapist %d) over 2 processes answered in %v: 1 × 201, %d × 409",
			round, procRacers, slot.Start, slot.TherapistID, time.Since(t0).Round(time.Millisecond), procRacers-1)
		start := procParseTime(t, slot.Start)
		mine := procBookedFor(t, db, start, slot.TherapistID)
		if len(mine) != 1 || mine[0].ID != created[0].ID {
			t.Fatalf("round %d: database holds %d booked consult(s) for therapist %d at %s, want exactly consult %d",
				round, len(mine), slot.TherapistID, slot.Start, created[0].ID)
		}
		for _, p := range []*procProcess{a, b} {
			if procHasSlot(t, procGetSlots(t, c, p.URL, 14), start, slot.TherapistID) {
				t.Errorf("round %d: %s still offers %s with therapist %d", round, p.URL, slot.Start, slot.TherapistID)
			}
		}
	}
	if _, total, err := db.FindConsults(context.Background(), journey.ConsultFilter{Status: &status}); err != nil || total != demo+len(picks) {
		t.Fatalf("booked consults in the database: %d (%v), want the demo's %d and %d", total, err, demo, len(picks))
	}
}

// procAck is a booking the server acknowledged with 201.
type procAck struct {
	consult procConsult
	email   string
	token   string
}

// An acknowledged booking survives the process being killed outright
// (SIGKILL, no shutdown), with its confirmation mail, and the database file
// stays intact: SQLite runs with synchronous=FULL for bookings. This is
// about the embedded SQLite store, so it always runs on a fresh SQLite data
// folder, in both passes of the suite.
func TestDurabilitySIGKILL(t *testing.T) {
	bin := procBuild(t)
	dir := filepath.Join(t.TempDir(), "data")
	c := procClient(t)
	p := procStart(t, bin, "--data", dir, "--rate-limit", "0", "--demo")
	slots := procGetSlots(t, c, p.URL, 30)
	if len(slots) < 60 {
		t.Fatalf("only %d slots in the next 30 days", len(slots))
	}
	const maxBookings = 900 // stays within FindMessages' 1000
	if len(slots) > maxBookings {
		slots = slots[:maxBookings]
	}

	var (
		mu       sync.Mutex
		acks     []procAck
		nAcked   atomic.Int64
		inFlight atomic.Bool
		stopped  = make(chan struct{})
		finished = make(chan struct{})
		sent     int
		conflict int
		errs     []error // transport errors (expected once the process is killed)
		bad      []string
	)
	stamp := time.Now().UnixNano()
	go func() {
		defer close(finished)
		for i, s := range slots {
			select {
			case <-stopped:
				return
			default:
			}
			email := fmt.Sprintf("durable-%d-%04d@example.test", stamp, i)
			req, err := procBookingRequest(p.URL, s.Start, s.TherapistID, email)
			if err != nil {
				mu.Lock()
				bad = append(bad, err.Error())
				mu.Unlock()
				return
			}
			inFlight.Store(true)
			resp, err := c.Do(req)
			var body []byte
			if err == nil {
				body, err = io.ReadAll(resp.Body)
				resp.Body.Close()
			}
			inFlight.Store(false)
			mu.Lock()
			sent++
			switch {
			case err != nil:
				errs = append(errs, err)
			case resp.StatusCode == http.StatusCreated:
				var cs procConsult
				if err := json.Unmarshal(body, &cs); err != nil || cs.ID == 0 || cs.ManageURL == "" {
					bad = append(bad, fmt.Sprintf("201 with an unreadable body (%v): %s", err, body))
					break
				}
				acks = append(acks, procAck{consult: cs, email: email})
				nAcked.Add(1)
			case resp.StatusCode == http.StatusConflict:
				conflict++ // the slot clashes with one booked just before (buffer)
			default:
				bad = append(bad, fmt.Sprintf("%s %s: %d %s", s.Start, email, resp.StatusCode, body))
			}
			n := len(errs)
			mu.Unlock()
			if n > 0 {
				return // the server is gone
			}
		}
	}()

	// Kill once bookings have run ~1.5 s and at least 30 are acknowledged,
	// or before the client runs out of slots.
	t0 := time.Now()
	deadline := t0.Add(30 * time.Second)
	for i := 0; ; i++ {
		n := nAcked.Load()
		if n >= 30 && (time.Since(t0) >= 1500*time.Millisecond || int(n) >= len(slots)*3/4) {
			break
		}
		select {
		case <-finished:
			mu.Lock()
			msg := fmt.Sprintf("errors %v, bad answers %v", errs, bad)
			mu.Unlock()
			t.Fatalf("the client stopped after %d acknowledged bookings, before the kill: %s", n, msg)
		default:
		}
		if i > 10000 || time.Now().After(deadline) {
			t.Fatalf("only %d bookings acknowledged in %v", n, time.Since(t0))
		}
		time.Sleep(5 * time.Millisecond)
	}
	wasInFlight := inFlight.Load()
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatalf("SIGKILL: %v", err)
	}
	elapsed := time.Since(t0)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		t.Fatal("the process did not die within 10s of SIGKILL")
	}
	ws, ok := p.cmd.ProcessState.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("the process ended with %v, not by SIGKILL\n%s", p.cmd.ProcessState, p.Log.String())
	}
	close(stopped)
	select {
	case <-finished:
	case <-time.After(30 * time.Second):
		t.Fatal("the booking client did not finish within 30s of the kill")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(bad) > 0 {
		t.Fatalf("bookings before the kill got unexpected answers:\n%s", strings.Join(bad, "\n"))
	}
	t.Logf("SIGKILL after %v: %d requests sent, %d acknowledged (201), %d refused (409), %d cut off (request in flight at the kill: %v; error: %v)",
		elapsed.Round(time.Millisecond), sent, len(acks), conflict, len(errs), wasInFlight, errors.Join(errs...))

	for i := range acks {
		u, err := url.Parse(acks[i].consult.ManageURL)
		if err != nil || !strings.HasPrefix(u.Path, "/c/") || len(u.Path) <= len("/c/") {
			t.Fatalf("manage_url %q: no token", acks[i].consult.ManageURL)
		}
		acks[i].token = strings.TrimPrefix(u.Path, "/c/")
	}

	// Restart on the same data folder: every acknowledged booking is there.
	p2 := procStart(t, bin, "--data", dir, "--rate-limit", "0")
	for _, a := range acks {
		resp, err := c.Get(p2.URL + "/api/v1/manage/" + url.PathEscape(a.token))
		if err != nil {
			t.Fatalf("GET manage of consult %d: %v", a.consult.ID, err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Errorf("acknowledged consult %d (%s) after the restart: %d %v %s", a.consult.ID, a.consult.Start, resp.StatusCode, err, body)
			continue
		}
		var got procConsult
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatalf("decode manage view: %v\n%s", err, body)
		}
		if got.ID != a.consult.ID || got.Status != journey.ConsultBooked || got.TherapistID != a.consult.TherapistID ||
			!procParseTime(t, got.Start).Equal(procParseTime(t, a.consult.Start)) {
			t.Errorf("after the restart consult %d is %+v, want %+v", a.consult.ID, got, a.consult)
		}
	}
	p2.stop(t)

	ctx := context.Background()
	db := procOpenDB(t, filepath.Join(dir, "journey.db"), filepath.Join(dir, "master.key"))
	status := journey.ConsultBooked
	consults, total, err := db.FindConsults(ctx, journey.ConsultFilter{Status: &status, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int64]*journey.Consult{}
	for _, cs := range consults {
		byID[cs.ID] = cs
	}
	msgs, err := db.FindMessages(ctx, "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	to := map[string]int{}
	for _, m := range msgs {
		to[m.To]++
	}
	// The outbox row belongs to its consult, not only to its address (which
	// is encrypted: the row names the message, the store decrypts it).
	rows, err := db.Read.QueryContext(ctx, `SELECT consult_id, id FROM outbox WHERE consult_id IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	msgOf := map[int64][]int64{}
	for rows.Next() {
		var id, msg int64
		if err := rows.Scan(&id, &msg); err != nil {
			t.Fatal(err)
		}
		msgOf[id] = append(msgOf[id], msg)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	mailOf := map[int64][]string{}
	for id, ms := range msgOf {
		for _, msg := range ms {
			m, err := db.FindMessageByID(ctx, msg)
			if err != nil {
				t.Fatal(err)
			}
			mailOf[id] = append(mailOf[id], m.To)
		}
	}
	for _, a := range acks {
		cs := byID[a.consult.ID]
		if cs == nil || cs.Email != a.email || cs.TherapistID != a.consult.TherapistID {
			t.Errorf("acknowledged consult %d (%s) is missing from the database or changed: %+v", a.consult.ID, a.email, cs)
		}
		if to[a.email] == 0 {
			t.Errorf("acknowledged consult %d has no outbox message to %s", a.consult.ID, a.email)
		}
		if !strings.Contains(strings.Join(mailOf[a.consult.ID], " "), a.email) {
			t.Errorf("acknowledged consult %d has no outbox row of its own to %s (rows: %v)", a.consult.ID, a.email, mailOf[a.consult.ID])
		}
	}
	var check string
	if err := db.Read.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("PRAGMA integrity_check: %q %v", check, err)
	}
	t.Logf("after the restart: %d booked consults in the database (%d acknowledged), %d outbox messages, integrity_check ok",
		total, len(acks), len(msgs))
}

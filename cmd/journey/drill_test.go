package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// drillAck is a write the server acknowledged, and when.
type drillAck struct {
	at      time.Time
	consult procConsult // a booking
	email   string
	story   string // an intake save
}

// drillAPI sends an API request with a bearer token and decodes a 2xx
// answer into out.
func drillAPI(c *http.Client, method, url, token string, body, out any) (int, error) {
	var rd *bytes.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 == 2 && out != nil {
		return resp.StatusCode, json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode, nil
}

// drillToken creates a personal access token for a demo account.
func drillToken(t *testing.T, srv *testServer, email string) string {
	t.Helper()
	out, err := bkRun(t, append([]string{"tokens", "create", "--user", email}, bkArgs(srv)...)...)
	if err != nil {
		t.Fatalf("tokens create: %v\n%s", err, out)
	}
	return strings.TrimSpace(out)
}

// The restore drill: under a steady stream of bookings and intake saves
// through the HTTP server, a backup is taken; it is restored into a new
// folder (a new database on PostgreSQL), a second server starts on it
// with the same key files, and every write acknowledged before the backup
// began is there and readable (decrypted, through the second server and
// the store), with the audit trail verifying.
func TestRestoreDrill(t *testing.T) {
	srv := startServer(t, nil, "--demo", "--rate-limit", "0", "--audit-head-interval", "50ms")
	c := procClient(t)
	admin := drillToken(t, srv, demoAccounts[0].Email)
	therapist := drillToken(t, srv, demoAccounts[1].Email)
	var found struct {
		Clients []struct {
			ID int64 `json:"id"`
		} `json:"clients"`
	}
	if st, err := drillAPI(c, "GET", srv.URL+"/api/v1/clients?q=Taylor", therapist, nil, &found); err != nil || st != 200 || len(found.Clients) != 1 {
		t.Fatalf("find Taylor: %d %v %+v", st, err, found)
	}
	client := found.Clients[0].ID
	slots := procGetSlots(t, c, srv.URL, 30)

	var (
		mu                sync.Mutex
		bookings, intakes []drillAck
		stop              = make(chan struct{})
		wg                sync.WaitGroup
	)
	wg.Add(2)
	go func() { // bookings, one after another
		defer wg.Done()
		for i, s := range slots {
			select {
			case <-stop:
				return
			default:
			}
			email := fmt.Sprintf("drill-%d@example.test", i)
			if pc, ok := bkBook(c, srv.URL, s, email); ok {
				mu.Lock()
				bookings = append(bookings, drillAck{at: time.Now(), consult: pc, email: email})
				mu.Unlock()
			}
		}
	}()
	go func() { // intake saves: the client's story, rewritten each time
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			story := fmt.Sprintf("Drill story number %d.", i)
			st, err := drillAPI(c, "PUT", fmt.Sprintf("%s/api/v1/clients/%d/intake/goals", srv.URL, client), therapist,
				map[string]any{"reasons": []string{"depression"}, "story": story}, nil)
			if err == nil && st == 200 {
				mu.Lock()
				intakes = append(intakes, drillAck{at: time.Now(), story: story})
				mu.Unlock()
			}
		}
	}()
	waitFor := func(n int) {
		for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			mu.Lock()
			b, i := len(bookings), len(intakes)
			mu.Unlock()
			if b >= n && i >= n {
				return
			}
		}
		t.Fatalf("the stream of writes stalled")
	}
	waitFor(15)

	file := filepath.Join(t.TempDir(), "drill.tar")
	began := time.Now()
	out, err := bkRun(t, append([]string{"backup", "--to", file}, bkArgs(srv)...)...)
	if err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	took := time.Since(began)
	mu.Lock()
	during := len(bookings) + len(intakes)
	mu.Unlock()
	waitFor(during/2 + 5) // the stream goes on after the backup
	close(stop)
	wg.Wait()

	var before []drillAck
	lastStory := -1
	for _, b := range bookings {
		if b.at.Before(began) {
			before = append(before, b)
		}
	}
	for i, in := range intakes {
		if in.at.Before(began) {
			lastStory = i
		}
	}
	t.Logf("backup took %v; %d bookings and %d intake saves acknowledged before it began, %d and %d in all",
		took.Round(time.Millisecond), len(before), lastStory+1, len(bookings), len(intakes))

	tg := newTarget(t, srv)
	if out, err := bkRun(t, append(append([]string{"restore", "--from", file}, tg.args...), bkKeyArgs(srv)...)...); err != nil {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	second := &testServer{URL: "http://" + freeAddr(t), DSN: tg.dsn, KeyFile: srv.KeyFile, Data: tg.data, Log: &syncBuffer{}}
	u, _ := url.Parse(second.URL)
	serveWith(t, second, nil, append(append([]string{"serve", "--listen", u.Host, "--rate-limit", "0"}, tg.args...), bkKeyArgs(srv)...))

	for _, b := range before {
		var got procConsult
		if st, err := drillAPI(c, "GET", fmt.Sprintf("%s/api/v1/consults/%d", second.URL, b.consult.ID), admin, nil, &got); err != nil || st != 200 ||
			got.Start != b.consult.Start {
			t.Errorf("consult %d on the restored server: %d %v %+v", b.consult.ID, st, err, got)
		}
	}
	var intake struct {
		Intake struct {
			Goals struct {
				Story string `json:"story"`
			} `json:"goals"`
		} `json:"intake"`
	}
	if st, err := drillAPI(c, "GET", fmt.Sprintf("%s/api/v1/clients/%d/intake", second.URL, client), therapist, nil, &intake); err != nil || st != 200 {
		t.Fatalf("intake on the restored server: %d %v", st, err)
	}
	n := -1
	fmt.Sscanf(intake.Intake.Goals.Story, "Drill story number %d.", &n)
	if n < lastStory || n >= len(intakes) {
		t.Errorf("the restored intake's story is %q: want save %d (the last acknowledged before the backup) or a later one", intake.Intake.Goals.Story, lastStory)
	}
	second.stop()

	db := procOpenDB(t, tg.dsn, srv.KeyFile)
	for _, b := range before {
		got, err := db.FindConsultByID(context.Background(), b.consult.ID)
		if err != nil || got.Email != b.email || got.Name != "Race Tester" {
			t.Errorf("restored consult %d does not read back: %v %+v", b.consult.ID, err, got)
		}
	}
	db.Close()
	if out, err := bkRun(t, append(append([]string{"verify"}, tg.args...), bkKeyArgs(srv)...)...); err != nil {
		t.Fatalf("verify the restored database after the second server ran on it: %v\n%s", err, out)
	}
}

// The demo practice's own details pass the practice form's checks: an
// admin who reads them and saves them unchanged gets 200, not a field
// error on a number the demo itself wrote.
func TestDemoPracticeSavesAsItIs(t *testing.T) {
	srv := startServer(t, nil, "--demo")
	c := procClient(t)
	admin := drillToken(t, srv, demoAccounts[0].Email)
	var p map[string]any
	if st, err := drillAPI(c, "GET", srv.URL+"/api/v1/practice", admin, nil, &p); err != nil || st != 200 {
		t.Fatalf("GET /api/v1/practice: %d %v", st, err)
	}
	if st, err := drillAPI(c, "PUT", srv.URL+"/api/v1/practice", admin, p, nil); err != nil || st != 200 {
		t.Fatalf("saving the demo practice as it is: %d %v (phone %v)", st, err, p["phone"])
	}
}

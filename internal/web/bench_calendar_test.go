package web

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/audit"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// BenchmarkCalendarWeek: the front desk's week of everyone (a row for each
// of 20 clinical staff, 400 sessions holding therapists, medical
// providers, chaperones, rooms and 50 clients) through the whole chain
// (session, policy, the sessions and their people, the clients' names
// opened, the audit entry, the template), beside a bare handler writing
// the same bytes.
func BenchmarkCalendarWeek(b *testing.B) {
	db := benchPractice(b, 8, false)
	key, _, err := audit.LoadOrCreateKey(filepath.Join(b.TempDir(), "audit.key"))
	if err != nil {
		b.Fatal(err)
	}
	db.StartAudit(key, filepath.Join(b.TempDir(), "audit.head"))
	ctx := context.Background()
	ts, _ := db.FindTherapists(ctx, true)
	var mps, chaps, rooms []int64
	for i := range 6 {
		mps = append(mps, sqldbtest.Staff(b, db, "Provider "+string(rune('A'+i)), journey.RoleMedicalProvider))
		chaps = append(chaps, sqldbtest.Staff(b, db, "Chaperone "+string(rune('A'+i)), journey.RoleChaperone))
	}
	loc := &journey.Location{Name: "Clinic", TimeZone: "America/New_York"}
	if err := db.CreateLocation(ctx, loc); err != nil {
		b.Fatal(err)
	}
	for i := range 4 {
		r := &journey.Room{LocationID: loc.ID, Name: "Room " + string(rune('A'+i))}
		if err := db.CreateRoom(ctx, r); err != nil {
			b.Fatal(err)
		}
		rooms = append(rooms, r.ID)
	}
	sqldbtest.BulkClients(b, db, ts[0].ID, 49)
	clients, n, err := db.FindClients(ctx, journey.ClientFilter{Limit: 100})
	if err != nil || n != 50 {
		b.Fatalf("%d clients (%v), want 50", n, err)
	}

	// 400 sessions over next week, an hour each from 09:00: on each day,
	// session i is with therapist i%8 at hour i/8; the first six of each
	// hour hold a medical provider and a chaperone, the first four a room.
	ny, _ := time.LoadLocation("America/New_York")
	now := time.Now().In(ny)
	monday := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, ny).AddDate(0, 0, 7-(int(now.Weekday())+6)%7)
	for k := range 400 {
		day, i := k%7, k/7
		start := monday.AddDate(0, 0, day).Add(time.Duration(9+i/8) * time.Hour)
		end := start.Add(time.Hour)
		holds := map[string]int64{journey.NeedTherapist: ts[i%8].ID, journey.NeedClient: clients[k%50].ID}
		typ := journey.TypeIntegration
		if i%8 < 6 {
			holds[journey.NeedMedicalProvider], holds[journey.NeedChaperone], typ = mps[i%8], chaps[i%8], journey.TypeMedicine
		}
		if i%8 < 4 {
			holds[journey.NeedRoom] = rooms[i%8]
		}
		var id int64
		if err := db.Write.QueryRow(db.Rebind(`INSERT INTO care_sessions (client_id, type, start_at, end_at, block_end, mode, route, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, 'in_person', '', ?, 0, 0) RETURNING id`), clients[k%50].ID, typ, start.Unix(), end.Unix(), end.Unix(), ts[0].ID).Scan(&id); err != nil {
			b.Fatal(err)
		}
		for role, rid := range holds {
			if _, err := db.Write.Exec(db.Rebind(`INSERT INTO session_resources (session_id, role, kind, resource_id, start_at, block_end) VALUES (?, ?, ?, ?, ?, ?)`),
				id, role, journey.ResourceKind(role), rid, start.Unix(), end.Unix()); err != nil {
				b.Fatal(err)
			}
		}
	}
	hash, _ := fastHasher.Hash(ctx, testPassword)
	desk := &journey.User{Kind: journey.UserStaff, Name: "Front Desk", Email: "desk@bench.test", Roles: []string{journey.RoleFrontDesk}, Active: true}
	if err := db.CreateUser(ctx, desk, hash); err != nil {
		b.Fatal(err)
	}
	sess := &journey.Session{UserID: desk.ID, Idle: time.Hour, SecondFactorAt: time.Now()}
	if err := db.CreateSession(ctx, sess); err != nil {
		b.Fatal(err)
	}
	cookie := &http.Cookie{Name: "journey_session", Value: sess.Token}
	_, full := benchServer(b, db)
	path := "/staff/calendar?cal=team&view=week&date=" + monday.Format(time.DateOnly)
	get := func(b *testing.B, url string) {
		req, _ := http.NewRequest("GET", url, nil)
		req.AddCookie(cookie)
		resp, err := benchClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
	cal, err := db.FindCareSessions(ctx, journey.CareSessionFilter{From: monday, To: monday.AddDate(0, 0, 7), Limit: journey.MaxSessionList})
	if err != nil || len(cal) != 400 {
		b.Fatalf("%d sessions in the week (%v), want 400", len(cal), err)
	}
	ceiling := bareServer(b, full.URL, path, cookie)
	b.Run("ceiling", func(b *testing.B) {
		for b.Loop() {
			get(b, ceiling.URL+path)
		}
	})
	b.Run("journey", func(b *testing.B) {
		for b.Loop() {
			get(b, full.URL+path)
		}
	})
}

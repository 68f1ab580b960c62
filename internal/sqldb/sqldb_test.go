package sqldb_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// Both dialects must carry the same numbered migrations.
func TestMigrationsMatchAcrossDialects(t *testing.T) {
	lite, err := sqldb.Migrations(sqldb.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := sqldb.Migrations(sqldb.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	if len(lite) == 0 || len(lite) != len(pg) {
		t.Fatalf("sqlite has %d migrations, postgres %d", len(lite), len(pg))
	}
	for i := range lite {
		if lite[i].Version != pg[i].Version || lite[i].Name != pg[i].Name {
			t.Errorf("migration %d: sqlite %s, postgres %s", i, lite[i].Name, pg[i].Name)
		}
		if lite[i].Version != i+1 {
			t.Errorf("migration %s: want version %d (no gaps)", lite[i].Name, i+1)
		}
	}
}

// Reopening applies nothing twice.
func TestMigrateIsIdempotent(t *testing.T) {
	dsn, mk := sqldbtest.DSN(t), sqldbtest.MasterKeys(t)
	for range 2 {
		db, err := sqldb.Open(context.Background(), dsn, nil, sqldb.WithMasterKeys(mk))
		if err != nil {
			t.Fatal(err)
		}
		var n int
		if err := db.Read.QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		ms, _ := sqldb.Migrations(db.Dialect)
		if n != len(ms) {
			t.Fatalf("schema_migrations has %d rows, want %d", n, len(ms))
		}
		db.Close()
	}
}

func TestPracticeAndFAQ(t *testing.T) {
	db := sqldbtest.Open(t)
	ctx := context.Background()
	if _, err := db.FindPractice(ctx); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Fatalf("empty db: err = %v, want not_found", err)
	}
	if empty, _ := db.IsEmpty(ctx); !empty {
		t.Fatal("new database should be empty")
	}
	bad := &journey.Practice{Name: "", TimeZone: "Nowhere/Land"}
	if err := db.UpdatePractice(ctx, bad); len(journey.ErrorFields(err)) != 2 {
		t.Fatalf("invalid practice: %v", err)
	}
	sqldbtest.MustSeed(t, db)
	p, err := db.FindPractice(ctx)
	if err != nil || p.Name != sqldbtest.Practice.Name {
		t.Fatalf("practice = %+v, %v", p, err)
	}
	for i, q := range []string{"Second?", "First?"} {
		e := &journey.FAQEntry{Question: q, Answer: "Answer " + q, Position: 2 - i, Published: true}
		if err := db.CreateFAQEntry(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	hidden := &journey.FAQEntry{Question: "Draft?", Answer: "Not yet", Published: false}
	if err := db.CreateFAQEntry(ctx, hidden); err != nil || hidden.Position != 3 {
		t.Fatalf("draft: pos %d err %v", hidden.Position, err)
	}
	pub, _ := db.FindFAQ(ctx, true)
	all, _ := db.FindFAQ(ctx, false)
	if len(pub) != 2 || pub[0].Question != "First?" || len(all) != 3 {
		t.Fatalf("published %v, all %d", pub, len(all))
	}
	if err := db.CreateFAQEntry(ctx, &journey.FAQEntry{}); journey.ErrorCode(err) != journey.EINVALID {
		t.Fatalf("empty FAQ entry: %v", err)
	}
}

func TestSecretIsStable(t *testing.T) {
	db := sqldbtest.Open(t)
	a, err := db.Secret(context.Background(), "x")
	if err != nil || len(a) != 32 {
		t.Fatalf("secret: %x %v", a, err)
	}
	b, _ := db.Secret(context.Background(), "x")
	c, _ := db.Secret(context.Background(), "y")
	if string(a) != string(b) || string(a) == string(c) {
		t.Fatal("a named secret must be stable and distinct from others")
	}
}

func TestTherapistRoundTrip(t *testing.T) {
	db := sqldbtest.Open(t)
	ctx := context.Background()
	ny, la := sqldbtest.MustSeed(t, db)
	got, err := db.FindTherapistByID(ctx, la.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Buffer != 10*time.Minute || got.ConsultLength != 30*time.Minute || got.MinNotice != 24*time.Hour ||
		got.HorizonDays != 60 || len(got.Weekly) != 5 || got.TimeZone != "America/Los_Angeles" {
		t.Fatalf("therapist = %+v", got)
	}
	ex := []journey.ScheduleException{{Date: "2026-12-24", Kind: journey.ExceptionOff}, {Date: "2026-12-26", Kind: journey.ExceptionExtra, Start: 600, End: 720}}
	if err := db.SetTherapistSchedule(ctx, ny.ID, ny.Weekly[:2], ex); err != nil {
		t.Fatal(err)
	}
	got, _ = db.FindTherapistByID(ctx, ny.ID)
	if len(got.Weekly) != 2 || len(got.Exceptions) != 2 || got.Exceptions[1].Start != 600 {
		t.Fatalf("schedule = %+v / %+v", got.Weekly, got.Exceptions)
	}
	bad := []journey.ScheduleException{{Date: "24/12/2026", Kind: "holiday", Start: 700, End: 600}}
	if err := db.SetTherapistSchedule(ctx, ny.ID, nil, bad); journey.ErrorCode(err) != journey.EINVALID {
		t.Fatalf("bad exception: %v", err)
	}
	if _, err := db.FindTherapistByID(ctx, 9999); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Fatalf("missing therapist: %v", err)
	}
	all, _ := db.FindTherapists(ctx, true)
	if len(all) != 2 || all[0].Name != "Luis Angel" {
		t.Fatalf("therapists by name: %v", all)
	}
}

// The database itself refuses an overlapping booking for one therapist,
// even from a writer that skips every check in Go.
func TestOverlapRefusedByDatabase(t *testing.T) {
	db := sqldbtest.Open(t)
	ny, la := sqldbtest.MustSeed(t, db)
	start := time.Date(2030, 1, 7, 15, 0, 0, 0, time.UTC).Unix()
	insert := func(therapist int64, s, blockEnd int64, token string) error {
		q := `INSERT INTO consults (therapist_id, start_at, end_at, block_end, status, name, email, email_key, contact_method,
			time_zone, privacy_consent_at, manage_token_hash, created_at, updated_at)
			VALUES (?, ?, ?, ?, 'booked', 'n', 'e@x.test', 'e@x.test', 'email', 'UTC', 1, ?, 1, 1)`
		_, err := db.Write.Exec(db.Rebind(q), therapist, s, s+1800, blockEnd, token)
		return err
	}
	if err := insert(ny.ID, start, start+1800, "t1"); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name      string
		therapist int64
		start     int64
		blockEnd  int64
		wantErr   bool
	}{
		{"same slot", ny.ID, start, start + 1800, true},
		{"starts inside", ny.ID, start + 900, start + 2700, true},
		{"ends inside", ny.ID, start - 900, start + 900, true},
		{"back to back after", ny.ID, start + 1800, start + 3600, false},
		{"back to back before", ny.ID, start - 1800, start, false},
		{"other therapist", la.ID, start, start + 1800, false},
	}
	for i, c := range cases {
		err := insert(c.therapist, c.start, c.blockEnd, "tok"+string(rune('a'+i)))
		if (err != nil) != c.wantErr {
			t.Errorf("%s: err = %v, want error %v", c.name, err, c.wantErr)
		}
	}
	// A cancelled consult frees its time.
	if _, err := db.Write.Exec(`UPDATE consults SET status = 'cancelled' WHERE manage_token_hash = 't1'`); err != nil {
		t.Fatal(err)
	}
	if err := insert(ny.ID, start, start+1800, "t9"); err != nil {
		t.Fatalf("after cancel: %v", err)
	}
}

// Another process's edit is seen at once: the cached therapists follow the
// database's change counters, not this process's memory.
func TestTherapistCacheSeesOtherProcesses(t *testing.T) {
	dsn, mk := sqldbtest.DSN(t), sqldbtest.MasterKeys(t)
	ctx := context.Background()
	a, b := sqldbtest.OpenDSN(t, dsn, mk), sqldbtest.OpenDSN(t, dsn, mk)
	ny, _ := sqldbtest.MustSeed(t, a)
	if got, _ := b.FindTherapistByID(ctx, ny.ID); len(got.Weekly) != 5 {
		t.Fatalf("b sees %d windows", len(got.Weekly))
	}
	if err := a.SetTherapistSchedule(ctx, ny.ID, ny.Weekly[:1], nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.FindTherapistByID(ctx, ny.ID); len(got.Weekly) != 1 {
		t.Fatalf("b still sees %d windows after a's edit", len(got.Weekly))
	}
	// Callers get copies: changing one does not change the cache.
	got, _ := b.FindTherapistByID(ctx, ny.ID)
	got.Name, got.Weekly = "Changed", nil
	if again, _ := b.FindTherapistByID(ctx, ny.ID); again.Name != "Nora York" || len(again.Weekly) != 1 {
		t.Fatalf("cache changed through a returned value: %+v", again)
	}
}

// The SQLite file holds PHI: it is readable by its owner only.
func TestSQLiteFileIsPrivate(t *testing.T) {
	db := sqldbtest.Open(t)
	if db.Dialect != sqldb.SQLite {
		return // the file test is SQLite's; PostgreSQL keeps its own files
	}
	fi, err := os.Stat(db.Path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("database file mode %v, want 0600", fi.Mode().Perm())
	}
}

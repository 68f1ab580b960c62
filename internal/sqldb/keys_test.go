package sqldb_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/crypt"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// phiMarker appears in every PHI field the tests below write; no form of it
// may be found in the database's files or tables.
const phiMarker = "PHI-MARKER-7f3a"

// markerPhone is the phone number of the marked booking, as it would be
// found in the clear (without its +).
const markerPhone = "447700900731"

func TestOpenNeedsMasterKeys(t *testing.T) {
	_, err := sqldb.Open(context.Background(), sqldbtest.DSN(t), nil)
	if !errors.Is(err, sqldb.ErrNoMasterKeys) {
		t.Fatalf("Open without master keys: %v, want ErrNoMasterKeys", err)
	}
}

// mustWriteMarkedPHI books a consult, creates a user, records a failed
// sign-in and a delivery error, every one of them carrying phiMarker.
func mustWriteMarkedPHI(t *testing.T, db *sqldb.DB, therapistID int64) (*journey.Consult, *journey.User) {
	t.Helper()
	ctx := context.Background()
	r := booking(monday9, therapistID, strings.ToLower(phiMarker)+".visitor@example.test")
	r.Name, r.Reason, r.Phone, r.ContactMethod = "Ada "+phiMarker+" Visitor", "Feeling stuck since "+phiMarker, "+"+markerPhone, "phone"
	c, err := db.CreateConsult(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	u := &journey.User{Kind: journey.UserClient, Name: "Bea " + phiMarker, Email: phiMarker + ".client@example.test",
		Roles: []string{journey.RoleClient}, Active: true}
	if err := db.CreateUser(ctx, u, ""); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordSigninFailure(ctx, "account:"+journey.NormalizeEmail(u.Email)); err != nil {
		t.Fatal(err)
	}
	m := outbox(t, db)[0]
	if err := db.MarkMessage(ctx, m.ID, journey.MailQueued, 1, "550 <"+r.Email+">: mailbox unavailable"); err != nil {
		t.Fatal(err)
	}
	return c, u
}

// A raw copy of the database shows no PHI: not the SQLite files (main
// file, WAL, shared memory; before and after a checkpoint), not any column
// of any PostgreSQL table.
func TestRawDatabaseShowsNoPHI(t *testing.T) {
	db, ny, _, _ := fixture(t)
	ctx := context.Background()
	c, u := mustWriteMarkedPHI(t, db, ny.ID)
	// The store itself still reads everything back.
	got, err := db.FindConsultByID(ctx, c.ID)
	if err != nil || got.Name != c.Name || got.Reason != c.Reason || got.Phone != c.Phone || got.Email != c.Email {
		t.Fatalf("consult read back: %+v %v", got, err)
	}
	if got, err := db.FindUserByID(ctx, u.ID); err != nil || got.Name != u.Name || got.Email != u.Email {
		t.Fatalf("user read back: %+v %v", got, err)
	}
	if m, err := db.FindMessageByID(ctx, outbox(t, db)[0].ID); err != nil || !strings.Contains(m.LastError, c.Email) ||
		!strings.Contains(m.Text, c.Name) {
		t.Fatalf("message read back: %+v %v", m, err)
	}
	needles := []string{phiMarker, strings.ToLower(phiMarker), strings.ToUpper(phiMarker), markerPhone}

	if db.Dialect == sqldb.Postgres {
		assertNoPHIInTables(t, db, needles)
		return
	}
	assertNoPHIInFiles(t, filepath.Dir(db.Path), needles)
	if _, err := db.Write.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	assertNoPHIInFiles(t, filepath.Dir(db.Path), needles)
}

// assertNoPHIInFiles reads every file in dir, byte for byte.
func assertNoPHIInFiles(t *testing.T, dir string, needles []string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var scanned []string
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		scanned = append(scanned, fmt.Sprintf("%s (%d bytes)", e.Name(), len(data)))
		for _, n := range needles {
			if i := bytes.Index(data, []byte(n)); i >= 0 {
				t.Errorf("%s holds %q in the clear at offset %d", e.Name(), n, i)
			}
		}
	}
	if len(scanned) < 2 {
		t.Fatalf("scanned only %v: expected the database and its WAL", scanned)
	}
	t.Logf("scanned %v", scanned)
}

// assertNoPHIInTables searches every column of every table in the test
// database's schema, as text.
func assertNoPHIInTables(t *testing.T, db *sqldb.DB, needles []string) {
	t.Helper()
	rows, err := db.Read.Query(`SELECT c.table_name, c.column_name FROM information_schema.columns c
		JOIN information_schema.tables tb ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name
		WHERE c.table_schema = current_schema() AND tb.table_type = 'BASE TABLE'`)
	if err != nil {
		t.Fatal(err)
	}
	var cols [][2]string
	for rows.Next() {
		var tbl, col string
		if err := rows.Scan(&tbl, &col); err != nil {
			t.Fatal(err)
		}
		cols = append(cols, [2]string{tbl, col})
	}
	rows.Close()
	if len(cols) < 50 {
		t.Fatalf("only %d columns found", len(cols))
	}
	for _, tc := range cols {
		for _, n := range needles {
			var hits int
			q := fmt.Sprintf(`SELECT COUNT(*) FROM %q WHERE CAST(%q AS text) ILIKE $1`, tc[0], tc[1])
			if err := db.Read.QueryRow(q, "%"+n+"%").Scan(&hits); err != nil {
				t.Fatalf("%s.%s: %v", tc[0], tc[1], err)
			}
			if hits > 0 {
				t.Errorf("%s.%s holds %q in the clear in %d row(s)", tc[0], tc[1], n, hits)
			}
		}
	}
	t.Logf("searched %d columns", len(cols))
}

// Lookups by email go through the blind index, whatever the case; people
// are found by the words of their names.
func TestEncryptedLookups(t *testing.T) {
	db, ny, _, _ := fixture(t)
	ctx := context.Background()
	users := map[string]*journey.User{}
	for _, p := range [][2]string{{"Ada Lovelace", "Ada.Lovelace@Example.TEST"}, {"Ada Byron", "byron@example.test"},
		{"José Núñez-O'Neil", "jose@example.test"}, {"adam smith", "adam@example.test"}} {
		u := &journey.User{Kind: journey.UserClient, Name: p[0], Email: p[1], Roles: []string{journey.RoleClient}, Active: true}
		if err := db.CreateUser(ctx, u, ""); err != nil {
			t.Fatal(err)
		}
		users[p[0]] = u
	}
	ada := users["Ada Lovelace"]
	got, err := db.FindUserByEmail(ctx, "  ada.lovelace@EXAMPLE.test ")
	if err != nil || got.ID != ada.ID || got.Email != "Ada.Lovelace@Example.TEST" || got.Name != "Ada Lovelace" {
		t.Fatalf("by email in another case: %+v %v", got, err)
	}
	dup := &journey.User{Kind: journey.UserClient, Name: "Other", Email: "ADA.LOVELACE@example.test", Roles: []string{journey.RoleClient}}
	if err := db.CreateUser(ctx, dup, ""); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Fatalf("same email in another case: %v, want conflict", err)
	}

	names := func(us []*journey.User) string {
		var out []string
		for _, u := range us {
			out = append(out, u.Name)
		}
		return strings.Join(out, "; ")
	}
	for _, tc := range []struct{ query, want string }{
		{"phi", ""},
		{"ada", "Ada Byron; Ada Lovelace; adam smith"}, // a word or a word's start, sorted by name
		{"ADA", "Ada Byron; Ada Lovelace; adam smith"}, // any case
		{"lov", "Ada Lovelace"},                        // a prefix
		{"LOVELACE ada", "Ada Lovelace"},               // every word, in any order
		{"ada lov", "Ada Lovelace"},                    // prefixes of several words
		{"ada smi", "adam smith"},                      // "ada" starts "adam" too
		{"adam", "adam smith"},                         // but "adam" does not start "ada"
		{"ada x", ""},                                  // every word must match
		{"ad", ""},                                     // short words match whole words only
		{"jose nunez", "José Núñez-O'Neil"},            // accents folded
		{"o’neil", "José Núñez-O'Neil"},                // apostrophes dropped
		{"nora", "Nora York"},                          // staff are users too
		{"", ""},                                       // no words, no one
		{"--", ""},                                     // no letters, no one
	} {
		us, err := db.FindUsersByName(ctx, tc.query)
		if err != nil {
			t.Fatalf("%q: %v", tc.query, err)
		}
		if names(us) != tc.want {
			t.Errorf("FindUsersByName(%q) = %q, want %q", tc.query, names(us), tc.want)
		}
	}
	all, err := db.FindUsers(ctx, journey.UserClient)
	if err != nil || names(all) != "Ada Byron; Ada Lovelace; adam smith; José Núñez-O'Neil" {
		t.Fatalf("FindUsers sorted by name: %q %v", names(all), err)
	}
	if ts, _ := db.FindTherapists(ctx, true); len(ts) != 2 || ts[0].Name != "Luis Angel" || ts[1].Email != ny.Email {
		t.Fatalf("therapists decrypted and by name: %+v", ts)
	}
	// A name without letters has no index rows and is found by no search.
	digits := &journey.User{Kind: journey.UserClient, Name: "4711", Email: "digits@example.test", Roles: []string{journey.RoleClient}}
	if err := db.CreateUser(ctx, digits, ""); err != nil {
		t.Fatal(err)
	}
	// Deleting a person deletes their index rows (a trigger: no foreign key).
	countRows := func(id int64) (n int) {
		if err := db.Read.QueryRow(db.Rebind(`SELECT COUNT(*) FROM name_index WHERE owner_type = 'user' AND owner_id = ?`), id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	adam := users["adam smith"]
	if n := countRows(adam.ID); n != 5 { // adam, ada, smith, smi, smit
		t.Fatalf("adam smith has %d index rows, want 5", n)
	}
	if _, err := db.Write.Exec(db.Rebind(`DELETE FROM users WHERE id = ?`), adam.ID); err != nil {
		t.Fatal(err)
	}
	if n := countRows(adam.ID); n != 0 {
		t.Fatalf("%d index rows left after the user was deleted", n)
	}

	// One upcoming consult per email, whatever its case; the manage link
	// is resent to the address as it was booked.
	c, err := db.CreateConsult(ctx, booking(monday9, ny.ID, "Visitor@Example.test"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateConsult(ctx, booking(monday9.Add(time.Hour), ny.ID, "visitor@EXAMPLE.TEST")); err != sqldb.ErrEmailHasConsult {
		t.Fatalf("second upcoming consult for the same email: %v", err)
	}
	if err := db.ResendManageLink(ctx, "VISITOR@example.test"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.FindConsultByToken(ctx, c.ManageToken); err != nil {
		t.Fatalf("the manage link stopped working after a resend: %v", err)
	}
	msgs := outbox(t, db)
	if len(msgs) != 2 || msgs[0].To != "Visitor@Example.test" || !strings.Contains(msgs[0].Text, "/c/") {
		t.Fatalf("resent link: %d messages, newest to %q", len(msgs), msgs[0].To)
	}
}

func mustLoad(t *testing.T, path string) *crypt.MasterKeys {
	t.Helper()
	mk, err := crypt.LoadMasterKeys(path)
	if err != nil {
		t.Fatal(err)
	}
	return mk
}

// A new master key rewraps the data keys; the process that rotated and one
// that started before both carry on; a process started afterwards needs
// only the new key, and one without the key in use is told which it lacks.
func TestMasterKeyRotation(t *testing.T) {
	ctx := context.Background()
	dsn, keyFile := sqldbtest.DSN(t), sqldbtest.KeyFile(t)
	first := mustLoad(t, keyFile)
	db := sqldbtest.OpenDSN(t, dsn, first)
	now := monday9.AddDate(0, 0, -5)
	db.Now = sqldbtest.FixedClock(&now)
	ny, _ := sqldbtest.MustSeed(t, db)
	c, u := mustWriteMarkedPHI(t, db, ny.ID)
	before := sqldbtest.OpenDSN(t, dsn, first) // a process running since before the rotation
	before.Now = db.Now

	rotated, err := crypt.AddMasterKey(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := db.RotateMasterKey(ctx, rotated); err != nil || n != 1 {
		t.Fatalf("rotate: %d %v, want 1 data key rewrapped", n, err)
	}
	if n, err := db.RotateMasterKey(ctx, rotated); err != nil || n != 0 {
		t.Fatalf("rotate again: %d %v, want nothing left to rewrap", n, err)
	}
	var masterID string
	if err := db.Read.QueryRow(`SELECT master_key_id FROM data_keys WHERE id = 1`).Scan(&masterID); err != nil || masterID != rotated.Current() {
		t.Fatalf("data key 1 is under %q (%v), want %s", masterID, err, rotated.Current())
	}
	// Running processes hold the unwrapped keys: no restart needed.
	for i, p := range []*sqldb.DB{db, before} {
		if got, err := p.FindConsultByID(ctx, c.ID); err != nil || got.Name != c.Name {
			t.Fatalf("process %d after rotation: %+v %v", i, got, err)
		}
		if _, err := p.CreateConsult(ctx, booking(monday9.Add(time.Duration(i+1)*time.Hour), ny.ID, fmt.Sprintf("after%d@example.test", i))); err != nil {
			t.Fatalf("process %d books after rotation: %v", i, err)
		}
	}

	// A process started with only the new key reads everything.
	lines := sqldbtest.KeyLines(t, keyFile)
	onlyNew := sqldbtest.WriteKeyFile(t, lines[len(lines)-1])
	fresh := sqldbtest.OpenDSN(t, dsn, mustLoad(t, onlyNew))
	if got, err := fresh.FindConsultByID(ctx, c.ID); err != nil || got.Name != c.Name || got.Reason != c.Reason || got.Phone != c.Phone {
		t.Fatalf("consult with the new key only: %+v %v", got, err)
	}
	if got, err := fresh.FindUserByEmail(ctx, strings.ToUpper(u.Email)); err != nil || got.Name != u.Name {
		t.Fatalf("user with the new key only: %+v %v", got, err)
	}
	if us, err := fresh.FindUsersByName(ctx, "bea"); err != nil || len(us) != 1 || us[0].ID != u.ID {
		t.Fatalf("name search with the new key only: %v %v", us, err)
	}
	if cs, total, err := fresh.FindConsults(ctx, journey.ConsultFilter{}); err != nil || total != 3 || len(cs) != 3 {
		t.Fatalf("consults with the new key only: %d %v", total, err)
	}
	for _, m := range outbox(t, fresh) {
		if m.Text == "" || !strings.Contains(m.To, "@") {
			t.Fatalf("message with the new key only: %+v", m)
		}
	}

	// Without the master key in use, Open says which key and why.
	for name, path := range map[string]string{
		"the old key only":  sqldbtest.WriteKeyFile(t, lines[0]),
		"an unrelated file": sqldbtest.KeyFile(t),
	} {
		_, err := sqldb.Open(ctx, dsn, nil, sqldb.WithMasterKeys(mustLoad(t, path)))
		if !errors.Is(err, crypt.ErrNoKey) || !strings.Contains(err.Error(), "master key "+rotated.Current()) {
			t.Errorf("open with %s: %v, want ErrNoKey naming master key %s", name, err, rotated.Current())
		}
	}
}

// A ciphertext altered in the database, or moved to another column, fails
// to read as an internal error; it never comes back as other text.
func TestTamperedCiphertextFails(t *testing.T) {
	db, ny, _, _ := fixture(t)
	ctx := context.Background()
	c, err := db.CreateConsult(ctx, booking(monday9, ny.ID, "tamper@example.test"))
	if err != nil {
		t.Fatal(err)
	}
	var name, email string
	if err := db.Read.QueryRow(db.Rebind(`SELECT name, email FROM consults WHERE id = ?`), c.ID).Scan(&name, &email); err != nil {
		t.Fatal(err)
	}
	blob, err := base64.RawStdEncoding.DecodeString(name)
	if err != nil {
		t.Fatalf("stored name is not sealed: %v", err)
	}
	blob[len(blob)/2] ^= 0x01
	for what, stored := range map[string]string{"a flipped byte": base64.RawStdEncoding.EncodeToString(blob), "the email's ciphertext": email} {
		if _, err := db.Write.Exec(db.Rebind(`UPDATE consults SET name = ? WHERE id = ?`), stored, c.ID); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindConsultByID(ctx, c.ID)
		if journey.ErrorCode(err) != journey.EINTERNAL || !errors.Is(err, crypt.ErrDecrypt) || got != nil {
			t.Errorf("%s: FindConsultByID = %+v, %v; want an internal decryption error", what, got, err)
		}
		if _, _, err := db.FindConsults(ctx, journey.ConsultFilter{}); !errors.Is(err, crypt.ErrDecrypt) {
			t.Errorf("%s: FindConsults: %v; want a decryption error", what, err)
		}
	}
	m := outbox(t, db)[0]
	if _, err := db.Write.Exec(db.Rebind(`UPDATE outbox SET text_body = subject WHERE id = ?`), m.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.FindMessageByID(ctx, m.ID); !errors.Is(err, crypt.ErrDecrypt) {
		t.Errorf("message body swapped for its subject: %v; want a decryption error", err)
	}
}

// Processes opening one new database together agree on one data key.
func TestFirstDataKeyCreatedOnce(t *testing.T) {
	ctx := context.Background()
	dsn, mk := sqldbtest.DSN(t), sqldbtest.MasterKeys(t)
	const n = 4
	dbs := make([]*sqldb.DB, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		open := func() { dbs[i], errs[i] = sqldb.Open(ctx, dsn, nil, sqldb.WithMasterKeys(mk)) }
		if strings.HasPrefix(dsn, "postgres") {
			wg.Go(open) // PostgreSQL: at once, as several servers starting
		} else {
			open() // SQLite: one process owns the file at start
		}
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		t.Cleanup(func() { dbs[i].Close() })
	}
	var keys int
	if err := dbs[0].Read.QueryRow(`SELECT COUNT(*) FROM data_keys`).Scan(&keys); err != nil || keys != 1 {
		t.Fatalf("%d data keys (%v), want 1", keys, err)
	}
	u := &journey.User{Kind: journey.UserClient, Name: "Shared Key", Email: "shared@example.test", Roles: []string{journey.RoleClient}}
	if err := dbs[0].CreateUser(ctx, u, ""); err != nil {
		t.Fatal(err)
	}
	for i, db := range dbs {
		if got, err := db.FindUserByEmail(ctx, u.Email); err != nil || got.Name != u.Name {
			t.Fatalf("process %d reads another's write: %+v %v", i, got, err)
		}
	}
}

// A database holding rows from before encryption, with no data key, is
// refused rather than read as garbage.
func TestPlainDatabaseRefused(t *testing.T) {
	ctx := context.Background()
	dsn, mk := sqldbtest.DSN(t), sqldbtest.MasterKeys(t)
	db := sqldbtest.OpenDSN(t, dsn, mk)
	sqldbtest.MustSeed(t, db)
	if _, err := db.Write.Exec(`DELETE FROM data_keys`); err != nil {
		t.Fatal(err)
	}
	_, err := sqldb.Open(ctx, dsn, nil, sqldb.WithMasterKeys(mk))
	if err == nil || !strings.Contains(err.Error(), "before encryption") {
		t.Fatalf("open a database of plain rows: %v", err)
	}
}

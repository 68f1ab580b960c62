package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/audit"
	"github.com/journey-kap/journey/internal/backup"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// bkKeyArgs are the key file flags of srv's installation.
func bkKeyArgs(srv *testServer) []string {
	return []string{"--master-key-file", srv.KeyFile, "--audit-key-file", filepath.Join(srv.Data, "audit.key")}
}

// bkArgs points a command at srv's database, key files and head file.
func bkArgs(srv *testServer) []string {
	args := append(bkKeyArgs(srv), "--audit-head-file", filepath.Join(srv.Data, "audit.head"), "--data", srv.Data)
	if strings.HasPrefix(srv.DSN, "postgres") {
		args = append(args, "--database", srv.DSN)
	}
	return args
}

// bkTarget is where a restore goes: a new folder (SQLite), or a new empty
// database beside it (PostgreSQL), whose head file is its own.
type bkTarget struct {
	dsn, data string
	args      []string // --data, --database, --audit-head-file
}

func newTarget(t *testing.T, srv *testServer) bkTarget {
	t.Helper()
	data := filepath.Join(t.TempDir(), "restored")
	tg := bkTarget{dsn: filepath.Join(data, "journey.db"), data: data, args: []string{"--data", data}}
	if strings.HasPrefix(srv.DSN, "postgres") {
		tg.dsn = sqldbtest.DSN(t)
		tg.args = append(tg.args, "--database", tg.dsn)
	}
	return tg
}

// bkRun runs a journey command in-process.
func bkRun(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), args, func(string) string { return "" }, strings.NewReader(""), &out, &out)
	return out.String(), err
}

// bkBook books slot through the API and returns the consult, or ok false
// for any answer but 201.
func bkBook(c *http.Client, base string, slot procSlot, email string) (procConsult, bool) {
	req, err := procBookingRequest(base, slot.Start, slot.TherapistID, email)
	if err != nil {
		return procConsult{}, false
	}
	resp, err := c.Do(req)
	if err != nil {
		return procConsult{}, false
	}
	defer resp.Body.Close()
	var pc procConsult
	if resp.StatusCode != http.StatusCreated || json.NewDecoder(resp.Body).Decode(&pc) != nil {
		return procConsult{}, false
	}
	return pc, true
}

// keySecrets returns every secret a key file holds, as written and as
// bytes: a backup must contain none of them.
func keySecrets(t *testing.T, path string) [][]byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, f := range strings.Fields(string(raw)) {
		if len(f) < 16 {
			continue // a key id, not a secret
		}
		out = append(out, []byte(f))
		if b, err := base64.StdEncoding.DecodeString(f); err == nil && len(b) >= 16 {
			out = append(out, b)
		}
	}
	if len(out) == 0 {
		t.Fatalf("found no key in %s", path)
	}
	return out
}

// A backup taken while Journey serves holds the database and a manifest
// describing it, never a byte of either key file; the command says where
// the key files are; restored into an empty target it verifies, reads
// every booking (decrypted), and its audit trail records the backup's
// verification and the restore.
func TestBackupHoldsNoKeysAndRestores(t *testing.T) {
	srv := startServer(t, nil, "--demo", "--rate-limit", "0")
	c := procClient(t)
	slots := procGetSlots(t, c, srv.URL, 14)
	var booked []procConsult
	for i := range 3 {
		pc, ok := bkBook(c, srv.URL, slots[i], fmt.Sprintf("backup-%d@example.test", i))
		if !ok {
			t.Fatalf("booking %d failed", i)
		}
		booked = append(booked, pc)
	}
	file := filepath.Join(t.TempDir(), "journey.tar")
	out, err := bkRun(t, append([]string{"backup", "--to", file}, bkArgs(srv)...)...)
	if err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	for _, want := range []string{"master key file: " + srv.KeyFile, "audit key file:  " + filepath.Join(srv.Data, "audit.key"), "apart"} {
		if !strings.Contains(out, want) {
			t.Errorf("backup's output lacks %q:\n%s", want, out)
		}
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, kf := range []string{srv.KeyFile, filepath.Join(srv.Data, "audit.key")} {
		for _, secret := range keySecrets(t, kf) {
			if bytes.Contains(raw, secret) {
				t.Errorf("the backup holds a secret of %s", kf)
			}
		}
	}
	if fi, _ := os.Stat(file); fi.Mode().Perm() != 0o600 {
		t.Errorf("backup file mode %v, want 0600", fi.Mode().Perm())
	}
	if out, err := bkRun(t, append([]string{"backup", "--to", file}, bkArgs(srv)...)...); err == nil || !strings.Contains(err.Error(), "never overwrites") {
		t.Errorf("a second backup to the same file: %v\n%s", err, out)
	}

	key, err := audit.LoadKey(filepath.Join(srv.Data, "audit.key"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := backup.Check(file, key)
	if err != nil {
		t.Fatal(err)
	}
	// The demo books its own consults beside these.
	if m.Tables["consults"] != int64(len(booked)+len(demoConsults)) || m.SchemaVersion != sqldb.KnownSchemaVersion(m.Dialect) || m.Tables["audit_log"] != m.AuditSeq {
		t.Errorf("manifest: %d consults (want %d), schema %d, %d audit rows up to seq %d", m.Tables["consults"], len(booked)+len(demoConsults), m.SchemaVersion,
			m.Tables["audit_log"], m.AuditSeq)
	}

	out, err = bkRun(t, append([]string{"verify", "--backup", file}, bkArgs(srv)...)...)
	if err != nil || !strings.Contains(out, "The backup verifies.") {
		t.Fatalf("verify --backup: %v\n%s", err, out)
	}

	tg := newTarget(t, srv)
	out, err = bkRun(t, append(append([]string{"restore", "--from", file}, tg.args...), bkKeyArgs(srv)...)...)
	if err != nil {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	out, err = bkRun(t, append(append([]string{"verify"}, tg.args...), bkKeyArgs(srv)...)...)
	if err != nil || !strings.Contains(out, "The database verifies.") {
		t.Fatalf("verify the restored copy: %v\n%s", err, out)
	}
	db := procOpenDB(t, tg.dsn, srv.KeyFile)
	for i, pc := range booked {
		got, err := db.FindConsultByID(context.Background(), pc.ID)
		if err != nil || got.Email != fmt.Sprintf("backup-%d@example.test", i) || got.Name != "Race Tester" {
			t.Errorf("restored consult %d: %v %+v", pc.ID, err, got)
		}
	}
	var actions []string
	if err := db.EachAudit(context.Background(), journey.AuditFilter{}, func(e *journey.AuditEntry) error {
		if strings.HasPrefix(e.Action, "backup.") || strings.HasPrefix(e.Action, "database.") {
			actions = append(actions, e.Action+" "+e.Outcome)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if strings.Join(actions, ", ") != "backup.restore success, database.verify success" {
		t.Errorf("restored copy's audit trail records %q, want the restore then the verification", actions)
	}
}

// A restore is refused, with what is wrong and nothing changed, into a
// target that holds a database, from a backup whose snapshot does not
// match its digest, whose schema is newer than this binary, whose manifest
// was edited, or with a master key file that does not unwrap its data keys.
func TestRestoreRefuses(t *testing.T) {
	srv := startServer(t, nil, "--demo", "--rate-limit", "0")
	dir := t.TempDir()
	file := filepath.Join(dir, "journey.tar")
	// The second backup holds the first's audit entry.
	for _, f := range []string{filepath.Join(dir, "first.tar"), file} {
		if out, err := bkRun(t, append([]string{"backup", "--to", f}, bkArgs(srv)...)...); err != nil {
			t.Fatalf("backup: %v\n%s", err, out)
		}
	}
	key, err := audit.LoadKey(filepath.Join(srv.Data, "audit.key"))
	if err != nil {
		t.Fatal(err)
	}
	// A file made by this code, with a manifest changed by edit and
	// sealed again under the audit key (the MAC is not what is tested).
	remake := func(name string, edit func(*backup.Manifest), editSnap func(snap string) string) string {
		r, err := backup.Open(file, key)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		snap := filepath.Join(t.TempDir(), r.Manifest.Snapshot.Name)
		f, _ := os.Create(snap)
		if err := r.Snapshot(f); err != nil {
			t.Fatal(err)
		}
		f.Close()
		m := *r.Manifest
		edit(&m)
		if editSnap != nil {
			snap = editSnap(snap)
		}
		out := filepath.Join(dir, name)
		if err := backup.Write(out, &m, snap, key); err != nil {
			t.Fatal(err)
		}
		return out
	}
	torn := filepath.Join(dir, "torn.tar")
	raw, _ := os.ReadFile(file)
	raw[len(raw)-2048] ^= 0xff // in the snapshot, before the tar's end blocks
	os.WriteFile(torn, raw, 0o600)
	edited := filepath.Join(dir, "edited.tar")
	i := bytes.Index(raw, []byte(`"journey_version": "`))
	raw[i+len(`"journey_version": "`)] = 'X'
	os.WriteFile(edited, raw, 0o600)
	newer := remake("newer.tar", func(m *backup.Manifest) { m.SchemaVersion = sqldb.KnownSchemaVersion(m.Dialect) + 1 }, nil)
	// A snapshot whose first audit entry was edited: every check before
	// the restore passes, the verification after it does not.
	tampered := remake("tampered.tar", func(*backup.Manifest) {}, func(snap string) string { return bkTamper(t, srv, snap) })
	otherKey := sqldbtest.KeyFile(t)

	var backupHead string
	if r, err := backup.Open(file, key); err != nil {
		t.Fatal(err)
	} else {
		backupHead = r.Manifest.AuditHead
		r.Close()
	}

	// A target restored once holds a database: a second restore into it
	// must leave it byte for byte (SQLite) or row for row as it is.
	used := newTarget(t, srv)
	if out, err := bkRun(t, append(append([]string{"restore", "--from", file}, used.args...), bkKeyArgs(srv)...)...); err != nil {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	if out, err := bkRun(t, append([]string{"verify", "--backup", torn}, bkArgs(srv)...)...); err == nil || !strings.Contains(out, "does not match") {
		t.Errorf("verify --backup of a damaged file: %v\n%s", err, out)
	}
	for _, tc := range []struct {
		name, from string
		target     *bkTarget
		keys       []string
		want       string
	}{
		{"target holds a database", file, &used, bkKeyArgs(srv), "never over"},
		{"digest mismatch", torn, nil, bkKeyArgs(srv), "does not match the manifest's SHA-256"},
		{"manifest edited", edited, nil, bkKeyArgs(srv), "does not verify under the audit key"},
		{"newer schema", newer, nil, bkKeyArgs(srv), "newer than this journey knows"},
		{"restored copy does not verify", tampered, nil, bkKeyArgs(srv), "audit entry 1"},
		{"head file of the live database", file, nil, append(bkKeyArgs(srv), "--audit-head-file", filepath.Join(srv.Data, "audit.head")),
			"it belongs to another database"},
		{"master key does not unwrap", file, nil, []string{"--master-key-file", otherKey, "--audit-key-file", filepath.Join(srv.Data, "audit.key")},
			"does not unwrap the backup's data keys"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tg := tc.target
			if tg == nil {
				n := newTarget(t, srv)
				tg = &n
			}
			liveHead, _ := os.ReadFile(filepath.Join(srv.Data, "audit.head"))
			before := bkState(t, tg)
			out, err := bkRun(t, append(append([]string{"restore", "--from", tc.from}, tg.args...), tc.keys...)...)
			if err == nil || !strings.Contains(err.Error(), "nothing changed") || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("restore: %v, want a refusal saying %q\n%s", err, tc.want, out)
			}
			if after := bkState(t, tg); after != before {
				t.Errorf("the target changed:\nbefore %s\nafter  %s", before, after)
			}
			// The live server moves its own head on (the demo's jobs
			// audit as they run); what a restore would write there is the
			// backup's head line, and the file must still verify.
			now, _ := os.ReadFile(filepath.Join(srv.Data, "audit.head"))
			if !bytes.Equal(now, liveHead) && strings.TrimSpace(string(now)) == strings.TrimSpace(backupHead) {
				t.Errorf("the restore wrote the backup's head into the live database's head file")
			}
			if _, err := audit.ReadHead(filepath.Join(srv.Data, "audit.head"), key); err != nil {
				t.Errorf("the live database's head file no longer verifies: %v", err)
			}
		})
	}
}

// bkTamper edits the first audit entry of the snapshot at snap (SQLite
// file or pg_dump archive) and returns the edited snapshot's path.
func bkTamper(t *testing.T, srv *testServer, snap string) string {
	t.Helper()
	ctx := context.Background()
	const edit = `UPDATE audit_log SET actor_role = 'admin' WHERE seq = 1`
	if !strings.HasPrefix(srv.DSN, "postgres") {
		raw, err := sql.Open("sqlite", snap)
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		// As someone with the file would: around the append-only trigger.
		var trigger string
		if err := raw.QueryRow(`SELECT sql FROM sqlite_schema WHERE name = 'audit_log_no_update'`).Scan(&trigger); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{`DROP TRIGGER audit_log_no_update`, edit, trigger} {
			if _, err := raw.Exec(q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		return snap
	}
	scratch := sqldbtest.DSN(t)
	f, err := os.Open(snap)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := sqldb.RestorePostgres(ctx, scratch, f); err != nil {
		t.Fatal(err)
	}
	db := procOpenDB(t, scratch, srv.KeyFile)
	for _, q := range []string{`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change`, edit, `ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change`} {
		if _, err := db.Write.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	s, err := db.Snapshot(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return s.Path
}

// bkState sums up a restore target: its folder's files with their
// digests, and on PostgreSQL the database's tables with their row counts.
func bkState(t *testing.T, tg *bkTarget) string {
	t.Helper()
	var b strings.Builder
	filepath.WalkDir(filepath.Dir(tg.data), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasSuffix(p, ".lock") {
			raw, _ := os.ReadFile(p)
			fmt.Fprintf(&b, "%s %x; ", p, sha256.Sum256(raw))
		} else if err == nil {
			fmt.Fprintf(&b, "%s/; ", p)
		}
		return nil
	})
	if strings.HasPrefix(tg.dsn, "postgres") {
		pool, err := sql.Open("pgx", tg.dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer pool.Close()
		var tables string
		if err := pool.QueryRow(`SELECT COALESCE(string_agg(tablename, ',' ORDER BY tablename), '') FROM pg_tables WHERE schemaname = 'public'`).Scan(&tables); err != nil {
			t.Fatal(err)
		}
		var exts string
		if err := pool.QueryRow(`SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension`).Scan(&exts); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "extensions %s; tables %s", exts, tables)
		if strings.Contains(tables, "audit_log") {
			var n int
			pool.QueryRow(`SELECT COUNT(*) FROM audit_log`).Scan(&n)
			fmt.Fprintf(&b, "; audit_log %d", n)
		}
	}
	return b.String()
}

// A copy of the SQLite file taken with cp while Journey writes (and
// without its WAL) is not a backup, and journey verify says so. The copy
// holds at best the file as of the last checkpoint, or, when a checkpoint
// ran during the copy, pages from before and after it. What verify
// catches, every time: the storage check finds the damage, or the copy
// cannot be opened, or its audit trail ends before the head checkpoint
// the installation wrote once the copy was taken (the test waits for the
// head to pass the copy's newest entry, which a live practice's head does
// within seconds). A backup taken in the same stream of writes verifies.
func TestVerifyCatchesTornCopy(t *testing.T) {
	t.Setenv("JOURNEY_TEST_DB", "sqlite") // the copy is of the embedded file
	srv := startServer(t, nil, "--demo", "--rate-limit", "0", "--audit-head-interval", "20ms")
	c := procClient(t)
	slots := procGetSlots(t, c, srv.URL, 30)
	var stop atomic.Bool
	var wg sync.WaitGroup
	var acked atomic.Int64
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(slots) && !stop.Load(); i += 4 {
				if _, ok := bkBook(c, srv.URL, slots[i], fmt.Sprintf("torn-%d@example.test", i)); ok {
					acked.Add(1)
				}
			}
		}()
	}
	defer func() { stop.Store(true); wg.Wait() }()
	for acked.Load() < 40 {
		time.Sleep(10 * time.Millisecond)
	}
	copyDir := t.TempDir()
	copyFile := filepath.Join(copyDir, "journey.db")
	// cp, slowed down so that checkpoints happen while it reads.
	in, err := os.Open(filepath.Join(srv.Data, "journey.db"))
	if err != nil {
		t.Fatal(err)
	}
	outF, _ := os.Create(copyFile)
	buf := make([]byte, 16<<10)
	for {
		n, err := in.Read(buf)
		outF.Write(buf[:n])
		if err == io.EOF {
			break
		}
		time.Sleep(2 * time.Millisecond)
	}
	in.Close()
	outF.Close()
	key, err := audit.LoadKey(filepath.Join(srv.Data, "audit.key"))
	if err != nil {
		t.Fatal(err)
	}
	copySeq := int64(-1)
	if raw, err := sql.Open("sqlite", "file:"+copyFile+"?mode=ro&immutable=1"); err == nil {
		if raw.QueryRow(`SELECT COALESCE(MAX(seq), 0) FROM audit_log`).Scan(&copySeq) != nil {
			copySeq = -1 // unreadable: the storage check will say so
		}
		raw.Close()
	}
	deadline := time.Now().Add(30 * time.Second)
	for copySeq >= 0 && time.Now().Before(deadline) {
		if h, err := audit.ReadHead(filepath.Join(srv.Data, "audit.head"), key); err == nil && h.Seq > copySeq {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	head, _ := os.ReadFile(filepath.Join(srv.Data, "audit.head"))
	os.WriteFile(filepath.Join(copyDir, "audit.head"), head, 0o600)
	stop.Store(true)
	wg.Wait()

	out, err := bkRun(t, append([]string{"verify", "--data", copyDir}, bkKeyArgs(srv)...)...)
	if err == nil || !strings.Contains(err.Error(), "verification FAILED") {
		t.Fatalf("verify passed a copy taken with cp mid-write (its newest audit entry %d):\n%s", copySeq, out)
	}
	t.Logf("verify of the copy (newest audit entry %d, %d bookings acknowledged): %v\n%s", copySeq, acked.Load(), err, out)

	file := filepath.Join(t.TempDir(), "journey.tar")
	if out, err := bkRun(t, append([]string{"backup", "--to", file}, bkArgs(srv)...)...); err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	if out, err := bkRun(t, append([]string{"verify"}, bkArgs(srv)...)...); err != nil {
		t.Fatalf("verify of the live database: %v\n%s", err, out)
	}
}

// Scheduled backups: with --backup-every and --backup-keep the server
// writes a backup at start and whenever the last good one is older than
// the interval, keeps the newest few (and nothing else it did not write
// is touched), records each for Today and audits it; a backup folder that
// cannot be written is recorded as a failure.
func TestScheduledBackups(t *testing.T) {
	dir := t.TempDir()
	other := filepath.Join(dir, "keep-me.tar")
	os.WriteFile(other, []byte("an operator's own file"), 0o600)
	maddr := freeAddr(t)
	srv := startServer(t, nil, "--demo", "--backup-dir", dir, "--backup-every", "1s", "--backup-keep", "2", "--metrics-listen", maddr)
	db := procOpenDB(t, srv.DSN, srv.KeyFile)
	ctx := context.Background()
	var files []string
	for deadline := time.Now().Add(90 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		var n int
		if err := db.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM backups WHERE error = ''`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		files, _ = filepath.Glob(filepath.Join(dir, "journey-*.tar"))
		if n >= 3 && len(files) == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d good backups recorded, %d files in the folder: %v\n%s", n, len(files), files, srv.Log.String())
		}
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("pruning removed a file it did not write: %v", err)
	}
	key, err := audit.LoadKey(filepath.Join(srv.Data, "audit.key"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if _, err := backup.Check(f, key); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	st, err := db.BackupStatus(ctx)
	if err != nil || st.LastOK.IsZero() || st.Overdue(time.Now(), time.Minute) {
		t.Errorf("status %+v %v", st, err)
	}
	// The audit writer takes a moment to write what it is handed.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		var scheduled int
		db.EachAudit(ctx, journey.AuditFilter{Action: "backup.create"}, func(e *journey.AuditEntry) error {
			if e.Detail == "scheduled" && e.Outcome == journey.AuditSuccess {
				scheduled++
			}
			return nil
		})
		if scheduled >= 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d scheduled backups audited, want 3 or more", scheduled)
		}
	}

	_, fams := scrape(t, maddr)
	age, _ := value(fams, "journey_backup_age_seconds", nil)
	lastOK, _ := value(fams, "journey_backup_last_ok", nil)
	fails, okf := value(fams, "journey_backup_failures", nil)
	if age < 0 || age > 60 || lastOK != 1 || fails != 0 || !okf {
		t.Errorf("metrics: backup age %v s, last ok %v, failures %v (%v)", age, lastOK, fails, okf)
	}

	blocked := filepath.Join(t.TempDir(), "a-file")
	os.WriteFile(blocked, nil, 0o600)
	baddr := freeAddr(t)
	bad := startServer(t, nil, "--demo", "--backup-dir", filepath.Join(blocked, "backups"), "--backup-every", "1h", "--metrics-listen", baddr)
	bdb := procOpenDB(t, bad.DSN, bad.KeyFile)
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		st, err := bdb.BackupStatus(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.Last != nil {
			if st.Last.Err == "" || !strings.Contains(st.Last.Err, "not a directory") || st.Failures != 1 || !st.Overdue(time.Now(), time.Hour) {
				t.Errorf("a folder that cannot be made: %+v %+v", st, st.Last)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no backup attempt recorded\n%s", bad.Log.String())
		}
	}
	time.Sleep(1100 * time.Millisecond) // past the metrics' one-second cache of the status
	_, fams = scrape(t, baddr)
	age, _ = value(fams, "journey_backup_age_seconds", nil)
	lastOK, _ = value(fams, "journey_backup_last_ok", nil)
	fails, _ = value(fams, "journey_backup_failures", nil)
	if !math.IsInf(age, 1) || lastOK != 0 || fails != 1 {
		t.Errorf("metrics after a failed backup: age %v, last ok %v, failures %v", age, lastOK, fails)
	}
}

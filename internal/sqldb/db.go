// Package sqldb is the only package that speaks SQL. It implements the
// journey service interfaces on SQLite (the embedded default, through the
// pure-Go modernc driver) and on PostgreSQL (through pgx), with one set of
// queries and a numbered migration folder per dialect. PHI is stored
// encrypted, and found by blind indexes (keys.go).
package sqldb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	"modernc.org/sqlite"             // registers "sqlite"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/crypt"
)

// Dialects.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// DB is an open database: a write pool and a read pool (the same pool on
// PostgreSQL; on SQLite one writer connection beside several readers, as
// SQLite allows one writer at a time).
type DB struct {
	Dialect string
	Write   *sql.DB
	Read    *sql.DB
	// Jobs is the pool the job queue uses for its own bookkeeping. On SQLite
	// it is a separate single connection with synchronous=NORMAL: the queue's
	// state changes need no fsync each, while bookings and PHI (on Write) do.
	Jobs *sql.DB
	Path string // the SQLite file, "" on PostgreSQL
	dsn  string // the PostgreSQL URL, for pg_dump

	// Now is the clock; every transaction reads it once.
	Now journey.Clock
	// Enqueue, when set, schedules delivery of outbox messages inside the
	// transaction that queued them, so a committed booking always has its
	// mail. It is called once per transaction with every message queued in
	// it (a group commit holds many), since one batched insert into the job
	// queue costs little more than a single one.
	Enqueue func(ctx context.Context, tx *sql.Tx, messageIDs []int64) error
	// MailJobSQL, when set, schedules delivery on PostgreSQL inside the
	// statement that stores the messages (jobs.MailJobSQL): given the name
	// of a CTE whose column id holds their ids, it returns the INSERT of
	// their jobs. A message and its job then cost one round trip, and a
	// booking one statement (insertBooking). Enqueue is not called for
	// them; SQLite ignores it.
	MailJobSQL func(from string) string
	// EnqueueLinkRequest, when set, hands a manage-link request to the job
	// queue inside the transaction that stored it (consult_private.go);
	// unset, the request is answered before ResendManageLink returns.
	EnqueueLinkRequest func(ctx context.Context, tx *sql.Tx, requestID int64) error
	// EnqueueResetRequest, when set, hands a password reset request to the
	// job queue inside the transaction that stored it (invitation.go);
	// unset, the request is worked before RequestPasswordReset returns.
	EnqueueResetRequest func(ctx context.Context, tx *sql.Tx, requestID int64) error
	// EnqueueEstimateRequest, when set, hands a Good Faith Estimate
	// request to the job queue inside the transaction that opened it
	// (estimates.go); unset, it waits for the sweep or for staff.
	EnqueueEstimateRequest func(ctx context.Context, tx *sql.Tx, requestID int64) error
	// EnqueueReminders, when set, hands the reminders ScheduleReminders
	// made to the job queue inside the transaction that made them, a job
	// per batch (reminder.go); unset, they wait, pending, for
	// DeliverReminders.
	EnqueueReminders func(ctx context.Context, tx *sql.Tx, batches [][]int64) error
	// EnqueueMonitorTexts, when set, hands the monitors' texts
	// SendMonitorInstructions made to the job queue inside the transaction
	// that made them, a job per text (monitormsg.go); unset, they wait,
	// pending, for DeliverMonitorText.
	EnqueueMonitorTexts func(ctx context.Context, tx *sql.Tx, ids []int64) error
	// Mail composes consult emails; required for bookings.
	Mail journey.ConsultMailComposer

	Log *slog.Logger
	// OnAudit, when set, is shown each audit entry as it is queued (the
	// metrics count sign-in failures from them). It must be quick and must
	// not keep or change the entry.
	OnAudit func(e *journey.AuditEntry)

	// Keys holds the unwrapped data keys that encrypt PHI (keys.go); Open
	// loads them. They stay in memory for the life of the DB, which is
	// what lets a master key rotation run without a restart.
	Keys *crypt.Keyring

	committer *committer // SQLite only
	// vetoCommits makes the SQLite writer refuse every commit while a write
	// transaction's closures run (writerConnector); only the committer's own
	// commit, after it clears this, goes through.
	vetoCommits atomic.Bool
	auditw      *auditWriter
	tcache      therapistCache
	rules       sync.Map // screening rule-set version -> *journey.RuleSet (versions never change)
	rebound     sync.Map // query -> query with $n placeholders (PostgreSQL)
	stmts       sync.Map // query -> *sql.Stmt on Read
	nstmts      atomic.Int64
	openStmts   atomic.Int64 // statements prepared on Read and not yet closed
	wstmts      sync.Map     // query -> *sql.Stmt on Write (SQLite)
	nwstmts     atomic.Int64
}

// Open opens the database named by dsn: a postgres:// URL, or a path to a
// SQLite file (created with its folder when missing). It applies pending
// migrations, then unwraps the data keys with the master keys given by
// WithMasterKeys, creating the first data key in a new database. It fails
// with ErrNoMasterKeys without them, and with an error wrapping
// crypt.ErrNoKey, naming the master key, when a data key is wrapped under
// a master key they lack.
func Open(ctx context.Context, dsn string, log *slog.Logger, opts ...Option) (*DB, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if o.masterKeys == nil {
		return nil, ErrNoMasterKeys
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	db := &DB{Now: time.Now, Log: log}
	var err error
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		err = db.openPostgres(dsn)
	} else {
		if o.asItIs {
			if fi, serr := os.Stat(dsn); serr != nil || fi.Size() == 0 {
				return nil, fmt.Errorf("sqldb: no database at %s", dsn)
			}
		}
		err = db.openSQLite(dsn)
	}
	if err != nil {
		return nil, err
	}
	if err := db.Write.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqldb: reach database: %w", err)
	}
	if o.asItIs {
		if err := db.openAsItIs(ctx, o.masterKeys); err != nil {
			db.Close()
			return nil, err
		}
		return db, nil
	}
	if err := db.upgrade(ctx, o.masterKeys); err != nil { // migrations, data keys, data steps (upgrade.go)
		db.Close()
		return nil, err
	}
	return db, nil
}

func (db *DB) openPostgres(dsn string) error {
	db.Dialect, db.dsn = Postgres, dsn
	pool, err := sql.Open("pgx", dsn)
	if err != nil {
		return fmt.Errorf("sqldb: open postgres: %w", err)
	}
	pool.SetMaxOpenConns(32)
	pool.SetMaxIdleConns(32)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	db.Write, db.Read, db.Jobs = pool, pool, pool
	return nil
}

// sqliteDSN builds a modernc DSN with the pragmas every connection needs.
// busy_timeout makes a writer wait for the lock instead of failing at once;
// _txlock=immediate takes the write lock at BEGIN, so two writers never
// deadlock upgrading a read lock. temp_store(MEMORY) keeps the statement
// journal in memory: the group committer's savepoints copy every page a
// request first touches there, and the name index's hashed tokens touch
// pages all over their index, which in a temp file cost a write() each.
func sqliteDSN(path, synchronous string, readOnly bool) string {
	v := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "foreign_keys(1)", "synchronous(" + synchronous + ")",
		"temp_store(MEMORY)"} {
		v.Add("_pragma", p)
	}
	if readOnly {
		v.Add("_pragma", "query_only(1)")
	} else {
		v.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + v.Encode()
}

func (db *DB) openSQLite(path string) error {
	db.Dialect = SQLite
	db.Path = path
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("sqldb: create data folder: %w", err)
		}
	}
	// The file holds PHI: only its owner may read it. SQLite gives the -wal
	// and -shm files the main file's permissions.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("sqldb: create database file: %w", err)
	}
	f.Close()
	// FULL: an acknowledged booking or PHI write survives power loss.
	base, err := sqlite.NewConnector(sqliteDSN(path, "FULL", false))
	if err != nil {
		return fmt.Errorf("sqldb: open sqlite: %w", err)
	}
	db.Write = sql.OpenDB(writerConnector{Connector: base, veto: &db.vetoCommits})
	db.Write.SetMaxOpenConns(1)
	db.Write.SetMaxIdleConns(1)
	db.Write.SetConnMaxIdleTime(0)
	db.Write.SetConnMaxLifetime(0)
	if db.Read, err = sql.Open("sqlite", sqliteDSN(path, "NORMAL", true)); err != nil {
		return fmt.Errorf("sqldb: open sqlite: %w", err)
	}
	n := max(4, runtime.NumCPU())
	db.Read.SetMaxOpenConns(n)
	db.Read.SetMaxIdleConns(n)
	if db.Jobs, err = sql.Open("sqlite", sqliteDSN(path, "NORMAL", false)); err != nil {
		return fmt.Errorf("sqldb: open sqlite: %w", err)
	}
	db.Jobs.SetMaxOpenConns(1)
	db.Jobs.SetMaxIdleConns(1)
	db.committer = newCommitter(db)
	return nil
}

// writerConnector opens the SQLite writer's connection with a commit hook
// that refuses any commit while veto is set. A write closure runs inside a
// transaction shared with other callers' work; should the transaction end
// under it (a COMMIT or ROLLBACK it ran, or one SQLite did on an I/O error
// or interrupt), its later statements would each commit on their own, and
// a COMMIT would save work whose callers are then told it failed. With the
// hook such a statement fails instead, and the batch is known to hold
// nothing.
type writerConnector struct {
	driver.Connector
	veto *atomic.Bool
}

func (c writerConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	h, ok := conn.(sqlite.HookRegisterer)
	if !ok {
		conn.Close()
		return nil, errors.New("sqldb: the sqlite driver offers no commit hook")
	}
	h.RegisterCommitHook(func() int32 {
		if c.veto.Load() {
			return 1 // SQLite turns the commit into a rollback
		}
		return 0
	})
	return conn, nil
}

// Close closes every pool.
func (db *DB) Close() error {
	if db.auditw != nil {
		db.auditw.stop()
	}
	if db.committer != nil {
		db.committer.stop()
	}
	var errs []error
	seen := map[*sql.DB]bool{}
	for _, p := range []*sql.DB{db.Write, db.Read, db.Jobs} {
		if p != nil && !seen[p] {
			seen[p] = true
			errs = append(errs, p.Close())
		}
	}
	return errors.Join(errs...)
}

// Ping reports whether the database answers; /healthz calls it.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.Read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// q returns query with its ? placeholders rewritten for the dialect. Queries
// are written once with ?; PostgreSQL wants $1, $2, ….
func (db *DB) q(query string) string {
	if db.Dialect != Postgres {
		return query
	}
	if v, ok := db.rebound.Load(query); ok {
		return v.(string)
	}
	var b strings.Builder
	n := 0
	inStr := false
	for i := 0; i < len(query); i++ {
		c := query[i]
		if c == '\'' {
			inStr = !inStr
		}
		if c == '?' && !inStr {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	out := b.String()
	db.rebound.Store(query, out)
	return out
}

// Tx is a write transaction with the time fixed at its start.
type Tx struct {
	*sql.Tx
	db     *DB
	now    time.Time
	wanted []string        // queries to prepare once the writer is free
	mail   []int64         // outbox messages to hand to the job queue before commit
	bumps  map[string]bool // change counters to move before commit
}

// finish runs what a transaction defers to its end: one insert of every
// delivery job, then one move of each change counter. The counters come
// last: their rows are the only ones unrelated transactions share, so on
// PostgreSQL they are held for the shortest time, until the commit.
func (tx *Tx) finish(ctx context.Context) error {
	if tx.db.Enqueue != nil && len(tx.mail) > 0 {
		ids := tx.mail
		tx.mail = nil
		if err := tx.db.Enqueue(ctx, tx.Tx, ids); err != nil {
			return err
		}
	}
	// In one order, so two transactions never wait for each other's rows.
	for _, name := range slices.Sorted(maps.Keys(tx.bumps)) {
		if _, err := tx.exec(ctx, `INSERT INTO versions (name, version) VALUES (?, 1)
			ON CONFLICT (name) DO UPDATE SET version = versions.version + 1`, tx.db.counterRow(name)); err != nil {
			return err
		}
	}
	tx.bumps = nil
	return nil
}

// counterShards is how many rows the calendar counter is spread over on
// PostgreSQL. Every booking moves it; on one row, each booking would wait
// for the commit of the one before, whatever the therapist. A change
// moves one row (a booking, one no other transaction holds: insertBooking;
// other changes, one picked at random), and the counter is the rows' sum
// (Versions), which still grows with every change and never repeats.
const counterShards = 32

// counterRow returns the versions row a change to counter name moves: on
// PostgreSQL, one of the calendar's shards ("calendar", "calendar.1", …,
// made by the first move of each); on SQLite, whose one writer never
// waits for a row, always the counter's own.
func (db *DB) counterRow(name string) string {
	if db.Dialect != Postgres || name != "calendar" {
		return name
	}
	if i := rand.IntN(counterShards); i > 0 {
		return name + "." + strconv.Itoa(i)
	}
	return name
}

func (tx *Tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := tx.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return tx.ExecContext(ctx, tx.db.q(query), args...)
}

func (tx *Tx) queryRow(ctx context.Context, query string, args ...any) row {
	if st := tx.stmt(ctx, query); st != nil {
		return row{st.QueryRowContext(ctx, args...)}
	}
	return row{tx.QueryRowContext(ctx, tx.db.q(query), args...)}
}

func (tx *Tx) query(ctx context.Context, query string, args ...any) (*rowSet, error) {
	if st := tx.stmt(ctx, query); st != nil {
		return wrapRows(st.QueryContext(ctx, args...))
	}
	return wrapRows(tx.QueryContext(ctx, tx.db.q(query), args...))
}

// stmt returns the SQLite writer's prepared statement for query, bound to
// tx, or nil to run the text. The writer is one connection, and tx holds it,
// so a statement cannot be prepared on the pool now: a query seen for the
// first time runs as text and is prepared once the transaction has ended
// (prepareWanted). PostgreSQL needs none of this: pgx caches prepared
// statements per connection by itself.
func (tx *Tx) stmt(ctx context.Context, query string) *sql.Stmt {
	db := tx.db
	if db.Dialect != SQLite {
		return nil
	}
	v, ok := db.wstmts.Load(query)
	if !ok {
		tx.wanted = append(tx.wanted, query)
		return nil
	}
	return tx.StmtContext(ctx, v.(*sql.Stmt))
}

// prepareWanted prepares, on the idle writer, the queries that tx ran as
// text, so later transactions use prepared statements.
func (db *DB) prepareWanted(wanted []string) {
	for _, q := range wanted {
		if _, ok := db.wstmts.Load(q); ok || db.nwstmts.Load() >= maxStmts {
			continue
		}
		st, err := db.Write.Prepare(q)
		if err != nil {
			continue
		}
		if _, loaded := db.wstmts.LoadOrStore(q, st); loaded {
			st.Close()
		} else {
			db.nwstmts.Add(1)
		}
	}
}

// insert runs an INSERT … RETURNING id and returns the id.
func (tx *Tx) insert(ctx context.Context, query string, args ...any) (int64, error) {
	var id int64
	err := tx.queryRow(ctx, query+" RETURNING id", args...).Scan(&id)
	return id, err
}

// write runs fn in a write transaction, committing when it returns nil. The
// error returned is fn's, or the commit's, mapped to a journey.Error code
// where the driver's code says conflict. On SQLite the work goes through
// the group committer (groupcommit.go); on PostgreSQL each call has its
// own transaction. Either way fn runs under a context the caller's
// cancellation cannot reach: once a write has begun, the caller waits for
// the truth about it, so it is never told "failed" for work that commits.
func (db *DB) write(ctx context.Context, fn writeFunc) error {
	if db.committer != nil {
		return db.committer.do(ctx, fn)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.writeOne(ctx, fn)
}

// writeTimeout bounds one transaction of its own, so a database that stops
// answering cannot hold a caller for ever.
const writeTimeout = time.Minute

// writeOne runs fn in a transaction of its own.
func (db *DB) writeOne(ctx context.Context, fn writeFunc) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), writeTimeout)
	defer cancel()
	if db.Dialect == SQLite {
		// An interrupt rolls back SQLite's transaction: no timeout there.
		ctx = context.WithoutCancel(ctx)
	}
	conn, err := db.Write.Conn(ctx)
	if err != nil {
		return db.mapErr(fmt.Errorf("sqldb: begin: %w", err))
	}
	defer conn.Close()
	sqlTx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return db.mapErr(fmt.Errorf("sqldb: begin: %w", err))
	}
	if db.Dialect == SQLite {
		db.vetoCommits.Store(true) // see writerConnector
		defer db.vetoCommits.Store(false)
	}
	tx := &Tx{Tx: sqlTx, db: db, now: db.Now().UTC().Truncate(time.Second)}
	if err := guard(fn)(ctx, tx); err != nil {
		_ = sqlTx.Rollback()
		return db.mapErr(err)
	}
	if err := tx.finish(ctx); err != nil {
		_ = sqlTx.Rollback()
		return db.mapErr(err)
	}
	if err := txEnded(conn); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	db.vetoCommits.Store(false)
	if err := sqlTx.Commit(); err != nil {
		return db.mapErr(fmt.Errorf("sqldb: commit: %w", err))
	}
	conn.Close() // the writer is free again: prepareWanted needs it on SQLite
	db.prepareWanted(tx.wanted)
	return nil
}

// errTxEnded answers a write whose transaction ended inside its closure.
var errTxEnded = errors.New("sqldb: the write's transaction ended before its commit; it was not saved")

// txEnded reports errTxEnded when conn's transaction is no longer open.
// PostgreSQL answers a COMMIT outside a transaction with a warning only, so
// a closure that ran ROLLBACK would otherwise be told its work was saved.
// (SQLite refuses that COMMIT with an error.)
func txEnded(conn *sql.Conn) error {
	return conn.Raw(func(dc any) error {
		if pc, ok := dc.(*stdlib.Conn); ok && pc.Conn().PgConn().TxStatus() == 'I' {
			return errTxEnded
		}
		return nil
	})
}

// Reads go through prepared statements kept per query text: parsing SQL
// again on every request costs more than running the small queries here.
// Past maxStmts queries, the rest run as text: a statement prepared and
// not cached would stay open, on every connection that ran it, until the
// pool closed.
func (db *DB) queryRow(ctx context.Context, query string, args ...any) row {
	if st, err := db.stmt(ctx, query); err == nil && st != nil {
		return row{st.QueryRowContext(ctx, args...)}
	}
	return row{db.Read.QueryRowContext(ctx, db.q(query), args...)}
}

func (db *DB) query(ctx context.Context, query string, args ...any) (*rowSet, error) {
	st, err := db.stmt(ctx, query)
	if err != nil {
		return nil, unavailable(err)
	}
	if st == nil {
		return wrapRows(db.Read.QueryContext(ctx, db.q(query), args...))
	}
	return wrapRows(st.QueryContext(ctx, args...))
}

// maxStmts bounds the statement cache; queries are fixed strings in this
// package, except the filter combinations of the Find* lists, so it stays
// small.
const maxStmts = 256

// stmt returns the cached statement for query, preparing it on first use,
// or nil when the cache is full.
func (db *DB) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if v, ok := db.stmts.Load(query); ok {
		return v.(*sql.Stmt), nil
	}
	if db.nstmts.Load() >= maxStmts {
		return nil, nil
	}
	st, err := db.Read.PrepareContext(ctx, db.q(query))
	if err != nil {
		return nil, err
	}
	db.openStmts.Add(1)
	if prev, loaded := db.stmts.LoadOrStore(query, st); loaded {
		db.closeStmt(st)
		return prev.(*sql.Stmt), nil
	}
	db.nstmts.Add(1)
	return st, nil
}

func (db *DB) closeStmt(st *sql.Stmt) {
	st.Close()
	db.openStmts.Add(-1)
}

// mapErr turns driver errors that mean "clashes with what is stored" into
// ECONFLICT, and those that mean "the database cannot be reached" into
// EUNAVAILABLE, by the driver's code (errors*.go), never by message.
func (db *DB) mapErr(err error) error {
	if err == nil {
		return nil
	}
	var je *journey.Error
	if errors.As(err, &je) {
		return err
	}
	if isConflict(err) {
		return &journey.Error{Code: journey.ECONFLICT, Message: "That clashes with something already saved.", Err: err}
	}
	return unavailable(err)
}

func unix(t time.Time) int64 { return t.Unix() }

func fromUnix(s int64) time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(s, 0).UTC()
}

// notFound wraps sql.ErrNoRows as ENOTFOUND with a message naming what,
// and an unreachable database as EUNAVAILABLE: never "not found".
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return &journey.Error{Code: journey.ENOTFOUND, Message: what + " not found.", Err: err}
	}
	return unavailable(err)
}

// Rebind returns query with its ? placeholders in the dialect's form, for
// tests and tools that run SQL of their own against the database.
func (db *DB) Rebind(query string) string { return db.q(query) }

// pipeline runs, on PostgreSQL, the statement lock and then the statement
// write, which returns one row of two ids, as one transaction in one round
// trip: both are sent together (a pgx batch, one Sync) and PostgreSQL runs
// them as one implicit transaction, committed once the second succeeds and
// rolled back whole when either fails. Each statement reads the database
// as of its own start (READ COMMITTED), so write sees every transaction
// that committed before lock's locks were granted; and no lock is held
// while a round trip to this process is under way, as it is between the
// statements of a transaction sent one by one. It returns the row's ids,
// sql.ErrNoRows when write returned none, or the error mapped as write's.
func (db *DB) pipeline(ctx context.Context, lock string, lockArgs []any, write string, writeArgs []any) (a, b int64, err error) {
	if err := ctx.Err(); err != nil {
		return 0, 0, err // cancelled before it ran: it never runs (see write)
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), writeTimeout)
	defer cancel()
	conn, err := db.Write.Conn(ctx)
	if err != nil {
		return 0, 0, db.mapErr(fmt.Errorf("sqldb: begin: %w", err))
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		pc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("sqldb: pipeline on a %T connection", dc)
		}
		var batch pgx.Batch
		batch.Queue(db.q(lock), lockArgs...)
		batch.Queue(db.q(write), writeArgs...).QueryRow(func(row pgx.Row) error { return row.Scan(&a, &b) })
		return pc.Conn().SendBatch(ctx, &batch).Close()
	})
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, sql.ErrNoRows
	}
	return a, b, db.mapErr(err)
}

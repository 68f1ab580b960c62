package sqldb

import (
	"context"
	"encoding/hex"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/audit"
)

// Audit entries are written by one goroutine per process, in batches: a
// request hands its entry over and goes on, so recording a read costs the
// request microseconds, not an fsync. Entries wait at most auditLinger
// before their batch is written. A batch that fails to write is kept and
// written again, with backoff, until it goes in: nothing is dropped, and
// entries keep their order. Meanwhile no more is taken from the queue, so
// memory stays bounded (one batch and the queue); once the queue is full,
// Audit makes its callers wait. Only a process that is killed, or closed
// while the database refuses the batch, loses what waits.
const (
	auditQueue  = 4096
	auditBatch  = 256
	auditLinger = 20 * time.Millisecond
	// The head checkpoint names the newest entry after this many entries,
	// and at the latest DefaultAuditHeadInterval after it was written.
	headEvery = 100
	// DefaultAuditHeadInterval is how long the newest entry may go without
	// a head checkpoint naming it.
	DefaultAuditHeadInterval = 5 * time.Second
	// A failed batch is tried again after auditRetryMin, doubling to
	// auditRetryMax.
	auditRetryMin = 100 * time.Millisecond
	auditRetryMax = 5 * time.Second
	// closeAttempts bounds the tries at Close: a process that is stopping
	// cannot wait for ever.
	closeAttempts = 3
)

// AuditOption changes how StartAudit's writer works.
type AuditOption func(*auditWriter)

// AuditHeadInterval sets how long the newest entry may go without the head
// checkpoint naming it (default DefaultAuditHeadInterval).
func AuditHeadInterval(d time.Duration) AuditOption {
	return func(w *auditWriter) {
		if d > 0 {
			w.headInterval = d
		}
	}
}

// AuditRetry sets the backoff between tries of a batch that failed to
// write: from min, doubling to max.
func AuditRetry(min, max time.Duration) AuditOption {
	return func(w *auditWriter) {
		if min > 0 && max >= min {
			w.retryMin, w.retryMax = min, max
		}
	}
}

type auditWriter struct {
	db           *DB
	key          audit.Key
	chain        *audit.Chain
	headPath     string
	headInterval time.Duration
	retryMin     time.Duration
	retryMax     time.Duration
	queue        chan auditItem
	quit         chan struct{} // closed by stop
	stopOnce     sync.Once
	done         chan struct{} // closed when the writer has finished
	sinceHd      int           // entries written since the last head
	dirty        bool          // an entry was written that the head may not name
	inFlight     atomic.Int64  // entries taken from the queue, not yet written
	oldest       atomic.Int64  // unix ns of the oldest entry in the batch being gathered or written; 0 when none

	mu           sync.Mutex
	failingSince time.Time // zero while batches go in
}

// auditItem is an entry to write, or (flush != nil) a request to report
// once everything queued before it is written and checkpointed.
type auditItem struct {
	e     *journey.AuditEntry
	flush chan error
}

// StartAudit begins writing audit entries sealed under key, checkpointing
// the chain's head in headPath. Until it is called, Audit drops entries
// with an error in the log, which only tools that never audit do.
func (db *DB) StartAudit(key audit.Key, headPath string, opts ...AuditOption) {
	w := &auditWriter{db: db, key: key, chain: audit.NewChain(key), headPath: headPath,
		headInterval: DefaultAuditHeadInterval, retryMin: auditRetryMin, retryMax: auditRetryMax,
		queue: make(chan auditItem, auditQueue), quit: make(chan struct{}), done: make(chan struct{})}
	for _, o := range opts {
		o(w)
	}
	db.auditw = w
	go w.loop()
}

// Audit queues e for the audit trail. It blocks while the queue is full
// (the database is slow or refuses the trail), so entries are never
// dropped for load or failure.
func (db *DB) Audit(ctx context.Context, e *journey.AuditEntry) {
	if db.auditw == nil {
		db.Log.Error("audit entry dropped: audit trail not started", "action", e.Action)
		return
	}
	if e.Time.IsZero() {
		e.Time = db.Now()
	}
	if db.OnAudit != nil {
		db.OnAudit(e)
	}
	select {
	case db.auditw.queue <- auditItem{e: e}:
	case <-db.auditw.done:
		db.Log.Error("audit entry dropped: database closed", "action", e.Action)
	}
}

// FlushAudit waits until every entry queued so far is written and the head
// checkpoint is up to date, or ctx ends.
func (db *DB) FlushAudit(ctx context.Context) error {
	if db.auditw == nil {
		return nil
	}
	done := make(chan error, 1)
	select {
	case db.auditw.queue <- auditItem{flush: done}:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// AuditBacklog reports whether the audit trail can be written: since is
// when the writer began failing (zero while it writes), waiting how many
// entries wait to be written.
func (db *DB) AuditBacklog() (since time.Time, waiting int) {
	w := db.auditw
	if w == nil {
		return time.Time{}, 0
	}
	w.mu.Lock()
	since = w.failingSince
	w.mu.Unlock()
	return since, int(w.inFlight.Load()) + len(w.queue)
}

func (w *auditWriter) stop() {
	w.stopOnce.Do(func() { close(w.quit) })
	<-w.done
}

func (w *auditWriter) loop() {
	defer close(w.done)
	var batch []*journey.AuditEntry
	var flushes []chan error
	linger := time.NewTimer(time.Hour)
	linger.Stop()
	// The head ticker makes the checkpoint follow the newest entry while
	// nothing more is written.
	head := time.NewTicker(w.headInterval)
	defer head.Stop()
	// write reports false when the writer was stopped before the batch
	// went in; batch and flushes are then still to do.
	write := func() bool {
		if !w.writeRetrying(batch, flushes) {
			return false
		}
		batch, flushes = batch[:0], flushes[:0]
		return true
	}
	for {
		select {
		case <-w.quit:
			w.closeOut(batch, flushes)
			return
		case it := <-w.queue:
			if it.flush != nil {
				flushes = append(flushes, it.flush)
				linger.Stop()
				if !write() {
					w.closeOut(batch, flushes)
					return
				}
				continue
			}
			if len(batch) == 0 {
				linger.Reset(auditLinger)
				w.oldest.Store(it.e.Time.UnixNano())
			}
			w.inFlight.Add(1)
			batch = append(batch, it.e)
			if len(batch) >= auditBatch {
				linger.Stop()
				if !write() {
					w.closeOut(batch, flushes)
					return
				}
			}
		case <-linger.C:
			if !write() {
				w.closeOut(batch, flushes)
				return
			}
		case <-head.C:
			if w.dirty {
				if err := w.checkpoint(); err != nil {
					w.db.Log.Error("audit head checkpoint failed", "error", err)
				}
			}
		}
	}
}

// writeRetrying writes batch, trying again with backoff until it goes in,
// then answers flushes. It returns false, with batch unwritten, when the
// writer is told to stop meanwhile.
func (w *auditWriter) writeRetrying(batch []*journey.AuditEntry, flushes []chan error) bool {
	wait := w.retryMin
	for attempt := 1; ; attempt++ {
		err := w.write(batch)
		if err == nil {
			w.oldest.Store(0)
			w.recovered(len(batch))
			break
		}
		w.failing(err, attempt, wait)
		select {
		case <-time.After(wait):
		case <-w.quit:
			return false
		}
		wait = min(2*wait, w.retryMax)
	}
	var err error
	if len(flushes) > 0 {
		err = w.checkpoint()
	}
	for _, f := range flushes {
		f <- err
	}
	return true
}

// closeOut takes what is queued at stop, writes it (a few tries at most)
// and checkpoints.
func (w *auditWriter) closeOut(batch []*journey.AuditEntry, flushes []chan error) {
	for {
		select {
		case it := <-w.queue:
			if it.e != nil {
				batch = append(batch, it.e)
			} else {
				flushes = append(flushes, it.flush)
			}
			continue
		default:
		}
		break
	}
	var err error
	for attempt := range closeAttempts {
		if err = w.write(batch); err == nil {
			break
		}
		if attempt < closeAttempts-1 {
			time.Sleep(w.retryMin)
		}
	}
	if err != nil {
		w.db.Log.Error("audit entries not written at close", "entries", len(batch), "error", err)
	} else if w.dirty {
		err = w.checkpoint()
	}
	for _, f := range flushes {
		f <- err
	}
}

// failing records that a batch could not be written, and logs it with the
// counts.
func (w *auditWriter) failing(err error, attempt int, retryIn time.Duration) {
	w.mu.Lock()
	if w.failingSince.IsZero() {
		w.failingSince = w.db.Now()
	}
	w.mu.Unlock()
	_, waiting := w.db.AuditBacklog()
	w.db.Log.Error("audit trail cannot be written; the entries are kept and retried", "waiting", waiting,
		"attempt", attempt, "retry_in", retryIn, "error", err)
}

// recovered clears the failing state once a batch went in.
func (w *auditWriter) recovered(n int) {
	w.inFlight.Add(-int64(n))
	w.mu.Lock()
	since := w.failingSince
	w.failingSince = time.Time{}
	w.mu.Unlock()
	if !since.IsZero() {
		w.db.Log.Info("audit trail written again", "entries", n, "failing_since", since)
	}
}

// write appends a batch in one transaction, each entry sealed onto the
// chain as it stands in the database: another process may have added
// entries since this one last wrote. It rewrites the head checkpoint every
// headEvery entries; the head ticker catches up the rest.
func (w *auditWriter) write(batch []*journey.AuditEntry) error {
	if len(batch) == 0 {
		return nil
	}
	var lastSeq int64
	var lastHash []byte
	err := w.db.write(context.Background(), func(ctx context.Context, tx *Tx) error {
		if err := tx.lockKey(ctx, "audit_log"); err != nil {
			return err
		}
		seq, hash, err := tx.auditHead(ctx)
		if err != nil {
			return err
		}
		w.chain.Reset(seq, hash)
		for _, je := range batch {
			e := toAuditEntry(je)
			// A break-glass reason is typed freely and may name a client:
			// it is stored, and sealed into the chain, as ciphertext.
			ph := w.db.phi()
			e.Reason = ph.seal(aadAuditReason, e.Reason)
			e.Detail = ph.sealAuditDetail(e.Detail)
			if ph.err != nil {
				return ph.err
			}
			w.chain.Next(e)
			je.Seq = e.Seq
			if _, err := tx.exec(ctx, `INSERT INTO audit_log (seq, at_us, actor_id, actor_role, action, subject_type, subject_id,
				client_addr, outcome, reason, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				e.Seq, e.Time.UnixMicro(), e.ActorID, e.ActorRole, e.Action, e.SubjectType, e.SubjectID, e.ClientAddr,
				e.Outcome, e.Reason, e.Detail, hex.EncodeToString(e.PrevHash), hex.EncodeToString(e.Hash)); err != nil {
				return err
			}
		}
		lastSeq, lastHash = w.chain.Last()
		return nil
	})
	if err != nil {
		return err
	}
	w.dirty = true
	w.sinceHd += len(batch)
	if w.sinceHd >= headEvery {
		if err := w.writeHead(lastSeq, lastHash); err != nil {
			// The batch is in; the ticker tries the head again.
			w.db.Log.Error("audit head checkpoint failed", "error", err)
		}
	}
	return nil
}

// checkpoint writes the head for the newest committed entry, whichever
// process wrote it.
func (w *auditWriter) checkpoint() error {
	var seq int64
	var hash []byte
	err := w.db.write(context.Background(), func(ctx context.Context, tx *Tx) error {
		var err error
		seq, hash, err = tx.auditHead(ctx)
		return err
	})
	if err != nil {
		return err
	}
	if seq == 0 {
		w.dirty = false
		return nil
	}
	return w.writeHead(seq, hash)
}

// writeHead moves the shared head checkpoint forward to seq (never back:
// another process may have checkpointed a later entry).
func (w *auditWriter) writeHead(seq int64, hash []byte) error {
	if _, err := audit.AdvanceHead(w.headPath, w.key, audit.Head{Seq: seq, Hash: hash, Time: w.db.Now()}); err != nil {
		return fmt.Errorf("sqldb: audit head: %w", err)
	}
	w.sinceHd, w.dirty = 0, false
	return nil
}

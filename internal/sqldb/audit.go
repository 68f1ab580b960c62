package sqldb

import (
	"context"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/audit"
)

var _ journey.AuditService = (*DB)(nil)

const (
	aadAuditReason = "audit_log.reason"
	aadAuditDetail = "audit_log.detail"
)

// sealedDetail marks a sealed audit detail; entries written before details
// were sealed hold plain text, which the chain covers as it is and so
// stays as it was written.
const sealedDetail = "s1:"

// sealAuditDetail seals an entry's detail (which questionnaire, which
// intake step, which decision: clinical facts), padded so its length does
// not tell one from another; "" stays "".
func (p *phi) sealAuditDetail(d string) string {
	if d == "" {
		return ""
	}
	return sealedDetail + p.sealPadded(aadAuditDetail, d, padText)
}

// openAuditDetail opens a detail sealed by sealAuditDetail in place; an
// older plain one is left as it is.
func (p *phi) openAuditDetail(d *string) {
	if sealed, ok := strings.CutPrefix(*d, sealedDetail); ok {
		*d = ""
		p.openJSON(aadAuditDetail, sealed, d)
	}
}

// auditHead returns the newest entry's seq and hash (0 and 32 zero bytes
// for an empty trail).
func (tx *Tx) auditHead(ctx context.Context) (int64, []byte, error) {
	var seq int64
	var h string
	err := tx.queryRow(ctx, `SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&seq, &h)
	if journey.ErrorCode(notFound(err, "")) == journey.ENOTFOUND {
		return 0, make([]byte, audit.HashSize), nil
	}
	if err != nil {
		return 0, nil, err
	}
	hash, err := hex.DecodeString(h)
	return seq, hash, err
}

func toAuditEntry(e *journey.AuditEntry) *audit.Entry {
	return &audit.Entry{Time: e.Time, ActorID: e.ActorID, ActorRole: e.ActorRole, Action: e.Action, SubjectType: e.SubjectType,
		SubjectID: e.SubjectID, ClientAddr: e.ClientAddr, Outcome: e.Outcome, Reason: e.Reason, Detail: e.Detail}
}

const auditColumns = `seq, at_us, actor_id, actor_role, action, subject_type, subject_id, client_addr, outcome, reason, detail, prev_hash, hash`

func scanAudit(row scanner) (*audit.Entry, error) {
	var e audit.Entry
	var at int64
	var prev, hash string
	if err := row.Scan(&e.Seq, &at, &e.ActorID, &e.ActorRole, &e.Action, &e.SubjectType, &e.SubjectID, &e.ClientAddr,
		&e.Outcome, &e.Reason, &e.Detail, &prev, &hash); err != nil {
		return nil, err
	}
	e.Time = time.UnixMicro(at).UTC()
	var err1, err2 error
	e.PrevHash, err1 = hex.DecodeString(prev)
	e.Hash, err2 = hex.DecodeString(hash)
	// A hash that is not hex is tampering too: leave it empty so the
	// verifier reports the entry as changed.
	_ = errors.Join(err1, err2)
	return &e, nil
}

// FindAudit returns one page of matching entries, oldest first unless
// f.Newest, at most journey.MaxAuditPage.
func (db *DB) FindAudit(ctx context.Context, f journey.AuditFilter) ([]*journey.AuditEntry, error) {
	return db.auditPage(ctx, f)
}

// auditReadBatch is how many entries EachAudit holds at a time.
const auditReadBatch = 500

// EachAudit calls fn with every matching entry in f's order, read in
// batches of auditReadBatch by keyset on seq. No connection is held while fn
// runs, so a slow reader (a CSV download) ties up only its batch.
func (db *DB) EachAudit(ctx context.Context, f journey.AuditFilter, fn func(*journey.AuditEntry) error) error {
	f.Limit = auditReadBatch
	for {
		es, err := db.auditPage(ctx, f)
		if err != nil {
			return err
		}
		for _, e := range es {
			if err := fn(e); err != nil {
				return err
			}
		}
		if len(es) < f.Limit {
			return nil
		}
		if last := es[len(es)-1].Seq; f.Newest {
			f.BeforeSeq = last
		} else {
			f.AfterSeq = last
		}
	}
}

// likeEscaper makes text match itself in a LIKE pattern with ESCAPE '\'.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

func (db *DB) auditPage(ctx context.Context, f journey.AuditFilter) ([]*journey.AuditEntry, error) {
	where := []string{"seq > ?"}
	args := []any{f.AfterSeq}
	if f.BeforeSeq > 0 {
		where, args = append(where, "seq < ?"), append(args, f.BeforeSeq)
	}
	if f.ActorID != 0 {
		where, args = append(where, "actor_id = ?"), append(args, f.ActorID)
	}
	if f.SubjectType != "" {
		where, args = append(where, "subject_type = ?"), append(args, f.SubjectType)
	}
	if f.SubjectID != "" {
		where, args = append(where, "subject_id = ?"), append(args, f.SubjectID)
	}
	if f.Action != "" {
		// Whole words only: "consult" finds consult.read, never consultx.
		where, args = append(where, `(action = ? OR action LIKE ? ESCAPE '\')`), append(args, f.Action, likeEscaper.Replace(f.Action)+".%")
	}
	if !f.From.IsZero() {
		where, args = append(where, "at_us >= ?"), append(args, f.From.UnixMicro())
	}
	if !f.To.IsZero() {
		where, args = append(where, "at_us < ?"), append(args, f.To.UnixMicro())
	}
	limit := f.Limit
	if limit <= 0 || limit > journey.MaxAuditPage {
		limit = journey.MaxAuditPage
	}
	order := "seq"
	if f.Newest {
		order = "seq DESC"
	}
	rows, err := db.query(ctx, `SELECT `+auditColumns+` FROM audit_log WHERE `+strings.Join(where, " AND ")+` ORDER BY `+order+` LIMIT ?`,
		append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*journey.AuditEntry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, err
		}
		ph := db.phi()
		ph.open(aadAuditReason, &e.Reason)
		ph.openAuditDetail(&e.Detail)
		if ph.err != nil {
			return nil, ph.err
		}
		out = append(out, &journey.AuditEntry{Seq: e.Seq, Time: e.Time, ActorID: e.ActorID, ActorRole: e.ActorRole, Action: e.Action,
			SubjectType: e.SubjectType, SubjectID: e.SubjectID, ClientAddr: e.ClientAddr, Outcome: e.Outcome, Reason: e.Reason, Detail: e.Detail})
	}
	return out, rows.Err()
}

// VerifyAudit walks the whole trail in order against key and the head
// checkpoint in headPath. It returns how many entries it read and the
// first problem, nil when the trail is intact.
func (db *DB) VerifyAudit(ctx context.Context, key audit.Key, headPath string) (int64, *audit.Problem, error) {
	head, err := audit.ReadHead(headPath, key)
	var hp *audit.Head
	switch {
	case err == nil:
		hp = &head
	case errors.Is(err, audit.ErrNoHead):
	default:
		return 0, &audit.Problem{Kind: "head-mismatch", Detail: err.Error()}, nil
	}
	return db.VerifyAuditHead(ctx, key, hp)
}

// VerifyAuditHead walks the whole trail in order against key and, when hp
// is not nil, that head (a backup's, say). It returns how many entries it
// read and the first problem, nil when the trail is intact.
func (db *DB) VerifyAuditHead(ctx context.Context, key audit.Key, hp *audit.Head) (int64, *audit.Problem, error) {
	v := audit.NewVerifier(key)
	if hp != nil {
		v.ExpectHead(*hp)
	}
	var after int64 = -1 << 62
	for {
		rows, err := db.query(ctx, `SELECT `+auditColumns+` FROM audit_log WHERE seq > ? ORDER BY seq LIMIT 1000`, after)
		if err != nil {
			return v.Count(), nil, err
		}
		n := 0
		for rows.Next() {
			e, err := scanAudit(rows)
			if err != nil {
				rows.Close()
				return v.Count(), nil, err
			}
			v.Add(e)
			after = e.Seq
			n++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return v.Count(), nil, err
		}
		if n < 1000 {
			break
		}
	}
	return v.Count(), v.Finish(hp), nil
}

// AuditKey returns the key the running audit writer seals with, nil if
// the trail was not started.
func (db *DB) AuditKey() audit.Key {
	if db.auditw == nil {
		return nil
	}
	return db.auditw.key
}

// AuditHeadPath returns where the running writer checkpoints the head.
func (db *DB) AuditHeadPath() string {
	if db.auditw == nil {
		return ""
	}
	return db.auditw.headPath
}

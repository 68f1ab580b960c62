package sqldb

import (
	"context"
	"fmt"
	"math"

	"github.com/journey-kap/journey/internal/crypt"
)

// A dataStep is an upgrade SQL cannot make: sealing a value needs the data
// keys, which only Go holds. It runs once migration after is applied and
// before the next one is, so it always meets the schema it was written
// for, and the next migration may drop what it has emptied. It must be
// idempotent: a process that stops half-way runs it again at its next Open,
// as the next migration is still pending.
type dataStep struct {
	after int
	name  string
	run   func(db *DB, ctx context.Context) (rows int, err error)
}

var dataSteps = []dataStep{
	{after: 7, name: "seal clinical facts", run: (*DB).sealClinicalFacts},
}

// upgrade applies the migrations, loads the data keys, and runs each data
// step between the migration it follows and the next.
func (db *DB) upgrade(ctx context.Context, mk *crypt.MasterKeys) error {
	changed := 0
	for _, st := range dataSteps {
		if err := db.migrate(ctx, st.after); err != nil {
			return err
		}
		if err := db.ensureKeys(ctx, mk); err != nil {
			return err
		}
		n, err := db.runDataStep(ctx, st)
		if err != nil {
			return err
		}
		changed += n
	}
	if err := db.migrate(ctx, math.MaxInt); err != nil {
		return err
	}
	if err := db.ensureKeys(ctx, mk); err != nil {
		return err
	}
	if changed > 0 && db.Dialect == SQLite {
		// The plain values are gone from the rows, but SQLite leaves the
		// pages that held them free, not blank, in the file and its WAL.
		if _, err := db.Write.ExecContext(ctx, `VACUUM`); err != nil {
			return fmt.Errorf("sqldb: vacuum after upgrade: %w", err)
		}
		if _, err := db.Write.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			return fmt.Errorf("sqldb: checkpoint after upgrade: %w", err)
		}
	}
	return nil
}

func (db *DB) ensureKeys(ctx context.Context, mk *crypt.MasterKeys) error {
	if db.Keys != nil {
		return nil
	}
	return db.loadKeys(ctx, mk)
}

// runDataStep runs st under the migration lock unless the migration after
// it is applied, and returns how many rows it changed.
func (db *DB) runDataStep(ctx context.Context, st dataStep) (int, error) {
	var n int
	err := db.WithMigrationLock(ctx, func() error {
		// Another process may have finished the step, and the migration
		// after it, while this one waited for the lock.
		var done int
		if err := db.Write.QueryRowContext(ctx, db.q(`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`), st.after+1).Scan(&done); err != nil {
			return err
		}
		if done > 0 {
			return nil
		}
		var err error
		n, err = st.run(db, ctx)
		return err
	})
	if err != nil {
		return n, fmt.Errorf("sqldb: %s: %w", st.name, err)
	}
	if n > 0 {
		db.Log.Info("data step done", "step", st.name, "rows", n)
	}
	return n, nil
}

// upgradeBatch is how many rows one transaction of a data step changes.
const upgradeBatch = 500

// sealClinicalFacts seals, for migration 0007, every row whose clinical
// facts sit in plain columns, and overwrites the plain values with blanks
// in the same statement, so a row is either plain or sealed, never half;
// migration 0008 then drops the plain columns. Each batch is one
// transaction and picks rows whose sealed column is still empty, so a
// stop loses nothing and a rerun starts where it stopped.
func (db *DB) sealClinicalFacts(ctx context.Context) (int, error) {
	total := 0
	for _, batch := range []func(*Tx, context.Context) (int, error){
		(*Tx).sealClientsBatch, (*Tx).sealResponsesBatch, (*Tx).sealScreeningsBatch,
		(*Tx).sealClearancesBatch, (*Tx).sealAlertsBatch, (*Tx).blankIntakeStepsBatch,
	} {
		for {
			var n int
			err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
				var err error
				n, err = batch(tx, ctx)
				return err
			})
			if err != nil {
				return total, err
			}
			total += n
			if n < upgradeBatch {
				break
			}
		}
	}
	return total, nil
}

// plainRows reads up to upgradeBatch rows of query into values of scan,
// closing the rows before the caller writes.
func plainRows[T any](ctx context.Context, tx *Tx, query string, scan func(*rowSet, *T) error) ([]T, error) {
	rows, err := tx.query(ctx, query, upgradeBatch)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := scan(rows, &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func (tx *Tx) sealClientsBatch(ctx context.Context) (int, error) {
	type row struct {
		id int64
		st screeningState
	}
	rows, err := plainRows(ctx, tx, `SELECT id, screening, priority, intake_done_at, cleared_until FROM clients
		WHERE screening_sealed = '' ORDER BY id LIMIT ?`, func(r *rowSet, v *row) error {
		return r.Scan(&v.id, &v.st.Status, &v.st.Priority, &v.st.IntakeDoneAt, &v.st.ClearedUntil)
	})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range rows {
		p := tx.db.phi()
		sealed := p.sealPadded(aadClientScreening, r.st, padFact)
		if p.err != nil {
			return n, p.err
		}
		if _, err := tx.exec(ctx, `UPDATE clients SET screening_sealed = ?, screening = 'incomplete', priority = 3, intake_done_at = 0,
			cleared_until = 0 WHERE id = ? AND screening_sealed = ''`, sealed, r.id); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// sealResponsesBatch seals which questionnaire each response is, stores
// its questionnaire_key, and seals its answers and score again, padded.
func (tx *Tx) sealResponsesBatch(ctx context.Context) (int, error) {
	type row struct {
		id, clientID   int64
		q              questionnaireRef
		answers, score string
	}
	rows, err := plainRows(ctx, tx, `SELECT id, client_id, questionnaire, version, answers, result FROM responses
		WHERE questionnaire_sealed = '' ORDER BY id LIMIT ?`, func(r *rowSet, v *row) error {
		return r.Scan(&v.id, &v.clientID, &v.q.Code, &v.q.Version, &v.answers, &v.score)
	})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range rows {
		p := tx.db.phi()
		p.open(aadResponseAnswers, &r.answers)
		p.open(aadResponseResult, &r.score)
		q := p.sealPadded(aadResponseQuest, r.q, padFact)
		answers, score := p.sealPad(aadResponseAnswers, r.answers, padFact), p.sealPad(aadResponseResult, r.score, padScore)
		if p.err != nil {
			return n, p.err
		}
		if _, err := tx.exec(ctx, `UPDATE responses SET questionnaire_sealed = ?, questionnaire_key = ?, answers = ?, result = ?,
			questionnaire = '', version = 0 WHERE id = ? AND questionnaire_sealed = ''`,
			q, tx.db.questionnaireKey(r.clientID, r.q.Code), answers, score, r.id); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// sealScreeningsBatch seals what each evaluation found missing, and its
// findings again, padded.
func (tx *Tx) sealScreeningsBatch(ctx context.Context) (int, error) {
	type row struct {
		id                int64
		missing, findings string
	}
	rows, err := plainRows(ctx, tx, `SELECT id, missing, findings FROM screenings WHERE missing_sealed = '' ORDER BY id LIMIT ?`,
		func(r *rowSet, v *row) error { return r.Scan(&v.id, &v.missing, &v.findings) })
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range rows {
		p := tx.db.phi()
		p.open(aadScreeningFinding, &r.findings)
		missing, findings := p.sealPad(aadScreeningMissing, r.missing, padList), p.sealPad(aadScreeningFinding, r.findings, padDoc)
		if p.err != nil {
			return n, p.err
		}
		if _, err := tx.exec(ctx, `UPDATE screenings SET missing_sealed = ?, findings = ?, missing = '[]' WHERE id = ? AND missing_sealed = ''`,
			missing, findings, r.id); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// sealClearancesBatch seals each decision with its date, override and
// reply time, and its free text again as padded JSON strings. The plain
// decision column's CHECK wants one of the three decisions: every row
// gets the same until 0008 drops it.
func (tx *Tx) sealClearancesBatch(ctx context.Context) (int, error) {
	type row struct {
		id                                     int64
		o                                      clearanceOutcome
		reason, message, over, reply, findings string
	}
	rows, err := plainRows(ctx, tx, `SELECT id, decision, cleared_until, override, replied_at, reason, message, override_reason, reply, findings
		FROM clearances WHERE decision_sealed = '' ORDER BY id LIMIT ?`, func(r *rowSet, v *row) error {
		return r.Scan(&v.id, &v.o.Decision, &v.o.ClearedUntil, &v.o.Override, &v.o.RepliedAt, &v.reason, &v.message, &v.over, &v.reply, &v.findings)
	})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range rows {
		p := tx.db.phi()
		p.open(aadClearanceReason, &r.reason)
		p.open(aadClearanceMessage, &r.message)
		p.open(aadClearanceOver, &r.over)
		p.open(aadClearanceReply, &r.reply)
		p.open(aadClearanceFinding, &r.findings)
		decision := p.sealPadded(aadClearanceDecision, r.o, padFact)
		reason, message := p.sealPadded(aadClearanceReason, r.reason, padText), p.sealPadded(aadClearanceMessage, r.message, padText)
		over, reply := p.sealPadded(aadClearanceOver, r.over, padText), p.sealPadded(aadClearanceReply, r.reply, padText)
		findings := p.sealPad(aadClearanceFinding, r.findings, padDoc)
		if p.err != nil {
			return n, p.err
		}
		if _, err := tx.exec(ctx, `UPDATE clearances SET decision_sealed = ?, reason = ?, message = ?, override_reason = ?, reply = ?,
			findings = ?, decision = 'needs_info', cleared_until = 0, override = ?, replied_at = 0 WHERE id = ? AND decision_sealed = ''`,
			decision, reason, message, over, reply, findings, false, r.id); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func (tx *Tx) sealAlertsBatch(ctx context.Context) (int, error) {
	type row struct {
		id int64
		k  alertKind
	}
	rows, err := plainRows(ctx, tx, `SELECT id, kind, flag FROM alerts WHERE kind_sealed = '' ORDER BY id LIMIT ?`,
		func(r *rowSet, v *row) error { return r.Scan(&v.id, &v.k.Kind, &v.k.Flag) })
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range rows {
		p := tx.db.phi()
		kind := p.sealPadded(aadAlertKind, r.k, padFact)
		if p.err != nil {
			return n, p.err
		}
		if _, err := tx.exec(ctx, `UPDATE alerts SET kind_sealed = ?, kind = '', flag = '' WHERE id = ? AND kind_sealed = ''`, kind, r.id); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// blankIntakeStepsBatch blanks the intakes' plain list of steps saved
// (the sealed intake document holds the same list), and seals each
// document again, padded.
func (tx *Tx) blankIntakeStepsBatch(ctx context.Context) (int, error) {
	type row struct {
		clientID int64
		data     string
	}
	rows, err := plainRows(ctx, tx, `SELECT client_id, data FROM intakes WHERE steps <> '' ORDER BY client_id LIMIT ?`,
		func(r *rowSet, v *row) error { return r.Scan(&v.clientID, &v.data) })
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range rows {
		p := tx.db.phi()
		p.open(aadIntake, &r.data)
		data := p.sealPad(aadIntake, r.data, padDoc)
		if p.err != nil {
			return n, p.err
		}
		if _, err := tx.exec(ctx, `UPDATE intakes SET data = ?, steps = '' WHERE client_id = ? AND steps <> ''`, data, r.clientID); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

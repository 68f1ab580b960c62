package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/journey-kap/journey"
)

// Charges and the ledger. A charge is inserted with its `charge` posting
// in one transaction and never edited: a void is the one update (the
// charges_void_only trigger), with its `void` posting; an adjustment is a
// posting alone. Every change to what a client owes is a row of postings
// (append-only by trigger), so a balance is always a sum.

const (
	aadChargeDiagnoses = "charges.diagnoses"
	aadChargeVoid      = "charges.void_reason"
	aadPostingMemo     = "postings.memo"
)

const chargeColumns = `c.id, c.client_id, COALESCE(c.session_id, 0), COALESCE(c.fee_line_id, 0), c.charge_type, c.entity_id,
	COALESCE(c.clinician_id, 0), c.event, c.service_date, c.code, c.units, c.modifiers, c.pos, c.minutes, c.ndc, c.description,
	c.diagnoses, c.amount_cents, c.currency, c.status, c.void_reason, COALESCE(c.created_by, 0), c.created_at,
	COALESCE((SELECT SUM(p.amount_cents) FROM postings p WHERE p.charge_id = c.id AND p.kind = 'adjustment'), 0)`

// scanCharge reads a row of chargeColumns and opens its sealed fields.
func (db *DB) scanCharge(row scanner) (*journey.Charge, error) {
	var c journey.Charge
	var mods, diags string
	var created int64
	if err := row.Scan(&c.ID, &c.ClientID, &c.SessionID, &c.FeeLineID, &c.ChargeType, &c.EntityID, &c.ClinicianID,
		&c.Event, &c.Date, &c.Code, &c.Units, &mods, &c.POS, &c.Minutes, &c.NDC, &c.Description, &diags,
		&c.AmountCents, &c.Currency, &c.Status, &c.VoidReason, &c.CreatedBy, &created, &c.AdjustedCents); err != nil {
		return nil, err
	}
	p := db.phi()
	p.open(aadChargeDiagnoses, &diags)
	p.open(aadChargeVoid, &c.VoidReason)
	if p.err != nil {
		return nil, fmt.Errorf("charge %d: %w", c.ID, p.err)
	}
	c.Modifiers, c.Diagnoses = strings.Fields(mods), strings.Fields(diags)
	if c.Diagnoses == nil {
		c.Diagnoses = []string{}
	}
	c.CreatedAt = fromUnix(created)
	return &c, nil
}

// CreateCharges saves charges (a session event's, from
// FeeSchedule.ChargesFor) with a `charge` posting each, in one
// transaction, by member of staff by (0: Journey itself), and returns
// them as stored. It is idempotent: a charge for a session, client, fee
// line and event already saved (charges_once) is returned as it is and
// posted no second time, so a retried request or two clinicians
// completing one session charge once. ECONFLICT when a charge breaks a
// rule the database keeps (a charge type its entity does not bill).
func (db *DB) CreateCharges(ctx context.Context, charges []*journey.Charge, by int64) ([]*journey.Charge, error) {
	if len(charges) == 0 {
		return []*journey.Charge{}, nil
	}
	p := db.phi()
	diags := make([]string, len(charges))
	for i, c := range charges {
		diags[i] = p.seal(aadChargeDiagnoses, strings.Join(c.Diagnoses, " "))
	}
	if p.err != nil {
		return nil, p.err
	}
	ids := make([]int64, len(charges))
	err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
		for i, c := range charges {
			id, err := tx.insertCharge(ctx, c, diags[i], by)
			if err != nil {
				return err
			}
			ids[i] = id
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return db.FindCharges(ctx, journey.ChargeFilter{IDs: ids, Limit: journey.MaxChargeList})
}

// insertCharge inserts c with its posting and returns its id, or the id of
// the charge already saved for its session, client, fee line and event.
func (tx *Tx) insertCharge(ctx context.Context, c *journey.Charge, diags string, by int64) (int64, error) {
	units := max(c.Units, 1)
	var id int64
	err := tx.queryRow(ctx, `INSERT INTO charges (client_id, session_id, fee_line_id, charge_type, entity_id, clinician_id, event,
		service_date, code, units, modifiers, pos, minutes, ndc, description, diagnoses, amount_cents, currency, status, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)
		ON CONFLICT (session_id, client_id, fee_line_id, event) WHERE session_id IS NOT NULL DO NOTHING RETURNING id`,
		c.ClientID, nullID(c.SessionID), nullID(c.FeeLineID), c.ChargeType, c.EntityID, nullID(c.ClinicianID), c.Event,
		c.Date, c.Code, units, strings.Join(c.Modifiers, " "), c.POS, c.Minutes, c.NDC, c.Description, diags,
		c.AmountCents, journey.Currency, nullID(by), unix(tx.now)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		err = tx.queryRow(ctx, `SELECT id FROM charges WHERE session_id = ? AND client_id = ? AND fee_line_id = ? AND event = ?`,
			c.SessionID, c.ClientID, c.FeeLineID, c.Event).Scan(&id)
		return id, err
	}
	if err != nil {
		return 0, err
	}
	return id, tx.post(ctx, &journey.Posting{ClientID: c.ClientID, EntityID: c.EntityID, ChargeType: c.ChargeType,
		Kind: journey.PostCharge, ChargeID: id, AmountCents: c.AmountCents, By: by}, 0, "")
}

// post appends posting p (refundID for a refund's), its memo sealed.
func (tx *Tx) post(ctx context.Context, p *journey.Posting, refundID int64, memo string) error {
	ph := tx.db.phi()
	sealed := ph.seal(aadPostingMemo, memo)
	if ph.err != nil {
		return ph.err
	}
	_, err := tx.exec(ctx, `INSERT INTO postings (client_id, entity_id, charge_type, kind, charge_id, payment_id, refund_id,
		amount_cents, currency, memo, by_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ClientID, p.EntityID, p.ChargeType, p.Kind, nullID(p.ChargeID), nullID(p.PaymentID), nullID(refundID),
		p.AmountCents, journey.Currency, sealed, nullID(p.By), unix(tx.now))
	return err
}

// FindCharges returns the charges f selects, by date of service and id,
// with what their adjustments come to; EINVALID when f is not a valid
// filter.
func (db *DB) FindCharges(ctx context.Context, f journey.ChargeFilter) ([]*journey.Charge, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	where, args := []string{"1 = 1"}, []any{}
	for _, w := range []struct {
		cond string
		v    any
		set  bool
	}{
		{"c.client_id = ?", f.ClientID, f.ClientID != 0}, {"c.entity_id = ?", f.EntityID, f.EntityID != 0},
		{"c.session_id = ?", f.SessionID, f.SessionID != 0}, {"c.charge_type = ?", f.ChargeType, f.ChargeType != ""},
		{"c.status = ?", f.Status, f.Status != ""}, {"c.service_date >= ?", f.From, f.From != ""},
		{"c.service_date <= ?", f.To, f.To != ""},
	} {
		if w.set {
			where, args = append(where, w.cond), append(args, w.v)
		}
	}
	if f.IDs != nil {
		if len(f.IDs) == 0 {
			return []*journey.Charge{}, nil
		}
		where = append(where, "c.id IN ("+placeholders(len(f.IDs))+")")
		for _, id := range f.IDs {
			args = append(args, id)
		}
	}
	rows, err := db.query(ctx, `SELECT `+chargeColumns+` FROM charges c WHERE `+strings.Join(where, " AND ")+
		` ORDER BY c.service_date, c.id LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*journey.Charge{}
	for rows.Next() {
		c, err := db.scanCharge(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// FindCharge returns charge id; ENOTFOUND when there is none.
func (db *DB) FindCharge(ctx context.Context, id int64) (*journey.Charge, error) {
	c, err := db.scanCharge(db.queryRow(ctx, `SELECT `+chargeColumns+` FROM charges c WHERE c.id = ?`, id))
	return c, notFound(err, "Charge")
}

// lockedCharge reads charge id in tx, locked on PostgreSQL until the
// commit so two changes to it run one after the other.
func (tx *Tx) lockedCharge(ctx context.Context, id int64) (*journey.Charge, error) {
	lock := ""
	if tx.db.Dialect == Postgres {
		lock = " FOR UPDATE OF c"
	}
	c, err := tx.db.scanCharge(tx.queryRow(ctx, `SELECT `+chargeColumns+` FROM charges c WHERE c.id = ?`+lock, id))
	return c, notFound(err, "Charge")
}

// VoidCharge voids charge id for reason (required, sealed) with a `void`
// posting of minus what it comes to after its adjustments, in one
// transaction, and returns it. ENOTFOUND when there is none; ECONFLICT
// when it is void already; EINVALID on reason.
func (db *DB) VoidCharge(ctx context.Context, id int64, reason string, by int64) (*journey.Charge, error) {
	if err := journey.ValidateBillingReason(&reason); err != nil {
		return nil, err
	}
	p := db.phi()
	sealed := p.seal(aadChargeVoid, reason)
	if p.err != nil {
		return nil, p.err
	}
	err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
		c, err := tx.lockedCharge(ctx, id)
		if err != nil {
			return err
		}
		if c.Status == journey.ChargeVoid {
			return journey.Errorf(journey.ECONFLICT, "Charge %d is void already.", id)
		}
		if _, err := tx.exec(ctx, `UPDATE charges SET status = 'void', void_reason = ?, voided_by = ?, voided_at = ? WHERE id = ?`,
			sealed, nullID(by), unix(tx.now), id); err != nil {
			return err
		}
		return tx.post(ctx, &journey.Posting{ClientID: c.ClientID, EntityID: c.EntityID, ChargeType: c.ChargeType,
			Kind: journey.PostVoid, ChargeID: id, AmountCents: -c.NetCents(), By: by}, 0, reason)
	})
	if err != nil {
		return nil, err
	}
	return db.FindCharge(ctx, id)
}

// AdjustCharge posts an adjustment of cents (negative: a discount) to
// charge id for reason, and returns the charge. ENOTFOUND when there is
// none; ECONFLICT when it is void; EINVALID on amount_cents when it is 0,
// beyond $100,000.00 either way, or would take the charge below zero, and
// on reason.
func (db *DB) AdjustCharge(ctx context.Context, id, cents int64, reason string, by int64) (*journey.Charge, error) {
	var v journey.Validation
	if cents == 0 || cents > journey.MaxFeeCents || cents < -journey.MaxFeeCents {
		v.Add("amount_cents", "Enter an adjustment other than zero, at most $100,000.00 either way (a discount is negative).")
	}
	v.AddErr(journey.ValidateBillingReason(&reason))
	if err := v.Err(); err != nil {
		return nil, err
	}
	err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
		c, err := tx.lockedCharge(ctx, id)
		if err != nil {
			return err
		}
		if c.Status == journey.ChargeVoid {
			return journey.Errorf(journey.ECONFLICT, "Charge %d is void: it cannot be adjusted.", id)
		}
		if net := c.NetCents() + cents; net < 0 || net > journey.MaxFeeCents {
			return invalidField("amount_cents", "This would take the charge to "+journey.FormatCents(net)+
				": it comes to "+journey.FormatCents(c.NetCents())+" now, and never goes below zero.")
		}
		return tx.post(ctx, &journey.Posting{ClientID: c.ClientID, EntityID: c.EntityID, ChargeType: c.ChargeType,
			Kind: journey.PostAdjustment, ChargeID: id, AmountCents: cents, By: by}, 0, reason)
	})
	if err != nil {
		return nil, err
	}
	return db.FindCharge(ctx, id)
}

// FindLedger returns client's postings with entity (0: every entity) in
// the order they were made, with the balance they come to in all and per
// charge type.
func (db *DB) FindLedger(ctx context.Context, clientID, entityID int64) (*journey.Ledger, error) {
	q, args := `SELECT id, client_id, entity_id, charge_type, kind, COALESCE(charge_id, 0), COALESCE(payment_id, 0), amount_cents,
		currency, memo, COALESCE(by_id, 0), at FROM postings WHERE client_id = ?`, []any{clientID}
	if entityID != 0 {
		q, args = q+` AND entity_id = ?`, append(args, entityID)
	}
	rows, err := db.query(ctx, q+` ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	l := &journey.Ledger{ClientID: clientID, EntityID: entityID, Postings: []*journey.Posting{}}
	p := db.phi()
	for rows.Next() {
		var po journey.Posting
		var at int64
		if err := rows.Scan(&po.ID, &po.ClientID, &po.EntityID, &po.ChargeType, &po.Kind, &po.ChargeID, &po.PaymentID,
			&po.AmountCents, &po.Currency, &po.Memo, &po.By, &at); err != nil {
			return nil, err
		}
		p.open(aadPostingMemo, &po.Memo)
		po.At = fromUnix(at)
		l.Postings = append(l.Postings, &po)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if p.err != nil {
		return nil, p.err
	}
	l.BalanceCents, l.ByType = journey.Balance(l.Postings)
	return l, nil
}

// EntityKind returns billing entity id's kind; ENOTFOUND when there is none.
func (db *DB) EntityKind(ctx context.Context, id int64) (string, error) {
	var kind string
	err := db.queryRow(ctx, `SELECT kind FROM billing_entities WHERE id = ?`, id).Scan(&kind)
	return kind, notFound(err, "Billing entity")
}

// ContainerNDC returns the NDC of the lot stock container id came from;
// ENOTFOUND when there is no such container.
func (db *DB) ContainerNDC(ctx context.Context, id int64) (string, error) {
	var ndc string
	err := db.queryRow(ctx, `SELECT l.ndc FROM cs_containers c JOIN cs_lots l ON l.id = c.lot_id WHERE c.id = ?`, id).Scan(&ndc)
	return ndc, notFound(err, "Container")
}

// RecordSessionMinutes records the minutes a clinician gave for session
// id (1–600); ENOTFOUND when there is no such session.
func (db *DB) RecordSessionMinutes(ctx context.Context, id int64, minutes int) error {
	if minutes < 1 || minutes > journey.MaxSessionMinutes {
		return invalidField("minutes", fmt.Sprintf("Enter the session's minutes, from 1 to %d.", journey.MaxSessionMinutes))
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE care_sessions SET minutes = ? WHERE id = ?`, minutes, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return journey.Errorf(journey.ENOTFOUND, "Session not found.")
		}
		return nil
	})
}

// SessionMinutes returns the minutes recorded for session id, 0 when none
// were.
func (db *DB) SessionMinutes(ctx context.Context, id int64) (int, error) {
	var n int
	err := db.queryRow(ctx, `SELECT minutes FROM care_sessions WHERE id = ?`, id).Scan(&n)
	return n, notFound(err, "Session")
}

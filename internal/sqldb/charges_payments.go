package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/journey-kap/journey"
)

// Payments and refunds. A payment is found by its idempotency key before
// anything is written, so a retried request is the same payment; only a
// succeeded payment is posted, once (postings_payment_once), whether
// staff recorded it or the processor's webhook confirmed it.

const (
	aadPaymentReference = "payments.reference"
	aadRefundReason     = "refunds.reason"
)

const paymentColumns = `id, client_id, entity_id, charge_type, amount_cents, currency, method, reference, status,
	COALESCE(processor_ref, ''), idempotency_key, refunded_cents, COALESCE(document_id, 0), COALESCE(by_id, 0), at`

func (db *DB) scanPayment(row scanner) (*journey.Payment, error) {
	var p journey.Payment
	var at int64
	if err := row.Scan(&p.ID, &p.ClientID, &p.EntityID, &p.ChargeType, &p.AmountCents, &p.Currency, &p.Method, &p.Reference,
		&p.Status, &p.ProcessorRef, &p.IdempotencyKey, &p.RefundedCents, &p.DocumentID, &p.By, &at); err != nil {
		return nil, err
	}
	ph := db.phi()
	ph.open(aadPaymentReference, &p.Reference)
	if ph.err != nil {
		return nil, fmt.Errorf("payment %d: %w", p.ID, ph.err)
	}
	p.At = fromUnix(at)
	return &p, nil
}

// CreatePayment records payment p: by staff (cash, check, card at the
// terminal) as succeeded, posted at once in the same transaction; online
// as pending, posted when SucceedPayment confirms it. It returns the
// payment and whether this call made it: a payment already saved under
// p's idempotency key with the same client, entity, charge type, amount
// and method is returned as it is, posting nothing. ECONFLICT when the
// key was used for another payment; EINVALID naming each wrong field;
// ENOTFOUND when the entity does not exist.
func (db *DB) CreatePayment(ctx context.Context, p *journey.Payment) (*journey.Payment, bool, error) {
	kind, err := db.EntityKind(ctx, p.EntityID)
	if err != nil && journey.ErrorCode(err) != journey.ENOTFOUND {
		return nil, false, err
	}
	if err := journey.ValidatePayment(p, kind); err != nil {
		return nil, false, err
	}
	ph := db.phi()
	ref := ph.seal(aadPaymentReference, p.Reference)
	if ph.err != nil {
		return nil, false, ph.err
	}
	status := journey.PaymentSucceeded
	if p.Method == journey.PayOnline {
		status = journey.PaymentPending
	}
	var id int64
	created := false
	err = db.write(ctx, func(ctx context.Context, tx *Tx) error {
		created = false
		err := tx.queryRow(ctx, `INSERT INTO payments (client_id, entity_id, charge_type, amount_cents, currency, method, reference,
			status, processor_ref, idempotency_key, document_id, by_id, at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
			p.ClientID, p.EntityID, p.ChargeType, p.AmountCents, journey.Currency, p.Method, ref, status, nullString0(p.ProcessorRef),
			p.IdempotencyKey, nullID(p.DocumentID), nullID(p.By), unix(tx.now), unix(tx.now)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			old, err := tx.db.scanPayment(tx.queryRow(ctx, `SELECT `+paymentColumns+` FROM payments WHERE idempotency_key = ?`, p.IdempotencyKey))
			if err != nil {
				return err
			}
			if old.ClientID != p.ClientID || old.EntityID != p.EntityID || old.ChargeType != p.ChargeType ||
				old.AmountCents != p.AmountCents || old.Method != p.Method {
				return &journey.Error{Code: journey.ECONFLICT, Message: "The idempotency key " + p.IdempotencyKey +
					" was used for another payment: send a new key for a new payment.",
					Fields: []journey.FieldError{{Field: "idempotency_key", Detail: "This key was used for another payment."}}}
			}
			id = old.ID
			return nil
		}
		if err != nil {
			return err
		}
		created = true
		if status != journey.PaymentSucceeded {
			return nil
		}
		return tx.postPayment(ctx, id)
	})
	if err != nil {
		return nil, false, err
	}
	pay, err := db.FindPayment(ctx, id)
	return pay, created, err
}

// postPayment appends succeeded payment id's `payment` posting, unless it
// has one, and queues its receipt with it: a payment is posted, and its
// receipt sent, once, whoever confirms it.
func (tx *Tx) postPayment(ctx context.Context, id int64) error {
	res, err := tx.exec(ctx, `INSERT INTO postings (client_id, entity_id, charge_type, kind, payment_id, amount_cents, currency, memo, by_id, at)
		SELECT client_id, entity_id, charge_type, 'payment', id, -amount_cents, currency, '', by_id, ? FROM payments
		WHERE id = ? AND status = 'succeeded'
		ON CONFLICT (payment_id) WHERE kind = 'payment' DO NOTHING`, unix(tx.now), id)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return err
	}
	return tx.queueReceipt(ctx, id)
}

// SucceedPayment marks pending payment id succeeded (the processor
// confirmed it) and posts it, once: a second call, or a call for a payment
// recorded by staff, changes nothing. It returns the payment; ENOTFOUND
// when there is none, ECONFLICT when it failed.
func (db *DB) SucceedPayment(ctx context.Context, id int64) (*journey.Payment, error) {
	err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
		pay, err := tx.lockedPayment(ctx, id)
		if err != nil {
			return err
		}
		if pay.Status == journey.PaymentFailed {
			return journey.Errorf(journey.ECONFLICT, "Payment %d failed: it cannot succeed.", id)
		}
		if _, err := tx.exec(ctx, `UPDATE payments SET status = 'succeeded', updated_at = ? WHERE id = ? AND status = 'pending'`,
			unix(tx.now), id); err != nil {
			return err
		}
		return tx.postPayment(ctx, id)
	})
	if err != nil {
		return nil, err
	}
	return db.FindPayment(ctx, id)
}

func (tx *Tx) lockedPayment(ctx context.Context, id int64) (*journey.Payment, error) {
	lock := ""
	if tx.db.Dialect == Postgres {
		lock = " FOR UPDATE"
	}
	p, err := tx.db.scanPayment(tx.queryRow(ctx, `SELECT `+paymentColumns+` FROM payments WHERE id = ?`+lock, id))
	return p, notFound(err, "Payment")
}

// FindPayment returns payment id; ENOTFOUND when there is none.
func (db *DB) FindPayment(ctx context.Context, id int64) (*journey.Payment, error) {
	p, err := db.scanPayment(db.queryRow(ctx, `SELECT `+paymentColumns+` FROM payments WHERE id = ?`, id))
	return p, notFound(err, "Payment")
}

// FindPaymentByKey returns the payment saved under idempotency key;
// ENOTFOUND when there is none.
func (db *DB) FindPaymentByKey(ctx context.Context, key string) (*journey.Payment, error) {
	p, err := db.scanPayment(db.queryRow(ctx, `SELECT `+paymentColumns+` FROM payments WHERE idempotency_key = ?`, key))
	return p, notFound(err, "Payment")
}

// FindPayments returns the payments f selects, newest last; EINVALID when
// f.Limit is not 1..MaxChargeList.
func (db *DB) FindPayments(ctx context.Context, f journey.PaymentFilter) ([]*journey.Payment, error) {
	if f.Limit < 1 || f.Limit > journey.MaxChargeList || f.Offset < 0 {
		return nil, invalidField("limit", fmt.Sprintf("The limit is between 1 and %d.", journey.MaxChargeList))
	}
	q, args := `SELECT `+paymentColumns+` FROM payments WHERE client_id = ?`, []any{f.ClientID}
	if f.EntityID != 0 {
		q, args = q+` AND entity_id = ?`, append(args, f.EntityID)
	}
	rows, err := db.query(ctx, q+` ORDER BY at, id LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*journey.Payment{}
	for rows.Next() {
		p, err := db.scanPayment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// RefundPayment returns r.AmountCents of succeeded payment r.PaymentID for
// r.Reason (sealed) with a `refund` posting, in one transaction, under
// idempotency key; r.ProcessorRef is the processor's refund, when it made
// one. It returns the refund and whether this call made it: the same key
// again with the same payment and amount returns the refund made. Never
// more than what is left of the payment: EINVALID on amount_cents;
// ECONFLICT when the payment has not succeeded or the key was used for
// another refund; ENOTFOUND when there is no such payment.
func (db *DB) RefundPayment(ctx context.Context, r *journey.Refund, key string) (*journey.Refund, bool, error) {
	var v journey.Validation
	if r.AmountCents < 1 || r.AmountCents > journey.MaxFeeCents {
		v.Add("amount_cents", "Enter an amount from $0.01 to $100,000.00.")
	}
	v.AddErr(journey.ValidateBillingReason(&r.Reason))
	if err := journey.CheckIdempotencyKey(key); err != nil {
		v.Add("idempotency_key", err.Error())
	}
	if err := v.Err(); err != nil {
		return nil, false, err
	}
	ph := db.phi()
	reason, memo := ph.seal(aadRefundReason, r.Reason), ph.seal(aadPostingMemo, r.Reason)
	if ph.err != nil {
		return nil, false, ph.err
	}
	var id int64
	created := false
	err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
		var err error
		id, created, err = tx.refund(ctx, r, key, reason, memo)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	out, err := db.scanRefund(db.queryRow(ctx, `SELECT `+refundColumns+` FROM refunds WHERE id = ?`, id))
	return out, created, notFound(err, "Refund")
}

// refund makes refund r of its payment under key in tx (reason and memo
// are r.Reason sealed for the refund and its posting): the refund, the
// payment's refunded amount and the `refund` posting. It returns the
// refund's id and whether it made it: the refund saved under key is
// returned as it is.
func (tx *Tx) refund(ctx context.Context, r *journey.Refund, key, reason, memo string) (int64, bool, error) {
	old, err := tx.db.scanRefund(tx.queryRow(ctx, `SELECT `+refundColumns+` FROM refunds WHERE idempotency_key = ?`, key))
	switch {
	case err == nil && (old.PaymentID != r.PaymentID || old.AmountCents != r.AmountCents):
		return 0, false, &journey.Error{Code: journey.ECONFLICT, Message: "The idempotency key " + key + " was used for another refund.",
			Fields: []journey.FieldError{{Field: "idempotency_key", Detail: "This key was used for another refund."}}}
	case err == nil:
		return old.ID, false, nil
	case !errors.Is(err, sql.ErrNoRows):
		return 0, false, err
	}
	pay, err := tx.lockedPayment(ctx, r.PaymentID)
	if err != nil {
		return 0, false, err
	}
	if pay.Status != journey.PaymentSucceeded {
		return 0, false, journey.Errorf(journey.ECONFLICT, "Payment %d has not succeeded: there is nothing to refund.", pay.ID)
	}
	if left := pay.AmountCents - pay.RefundedCents; r.AmountCents > left {
		return 0, false, invalidField("amount_cents", "At most "+journey.FormatCents(left)+" of this payment is left to refund.")
	}
	id, err := tx.insert(ctx, `INSERT INTO refunds (payment_id, amount_cents, reason, processor_ref, idempotency_key, by_id, at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, pay.ID, r.AmountCents, reason, nullString0(r.ProcessorRef), key, nullID(r.By), unix(tx.now))
	if err != nil {
		return 0, false, err
	}
	if _, err := tx.exec(ctx, `UPDATE payments SET refunded_cents = refunded_cents + ?, updated_at = ? WHERE id = ?`,
		r.AmountCents, unix(tx.now), pay.ID); err != nil {
		return 0, false, err
	}
	_, err = tx.exec(ctx, `INSERT INTO postings (client_id, entity_id, charge_type, kind, payment_id, refund_id, amount_cents,
		currency, memo, by_id, at) VALUES (?, ?, ?, 'refund', ?, ?, ?, ?, ?, ?, ?)`, pay.ClientID, pay.EntityID, pay.ChargeType,
		pay.ID, id, r.AmountCents, journey.Currency, memo, nullID(r.By), unix(tx.now))
	return id, true, err
}

const refundColumns = `id, payment_id, amount_cents, reason, COALESCE(processor_ref, ''), COALESCE(by_id, 0), at`

func (db *DB) scanRefund(row scanner) (*journey.Refund, error) {
	var r journey.Refund
	var at int64
	if err := row.Scan(&r.ID, &r.PaymentID, &r.AmountCents, &r.Reason, &r.ProcessorRef, &r.By, &at); err != nil {
		return nil, err
	}
	ph := db.phi()
	ph.open(aadRefundReason, &r.Reason)
	if ph.err != nil {
		return nil, fmt.Errorf("refund %d: %w", r.ID, ph.err)
	}
	r.At = fromUnix(at)
	return &r, nil
}

// FindRefunds returns payment id's refunds, oldest first.
func (db *DB) FindRefunds(ctx context.Context, paymentID int64) ([]*journey.Refund, error) {
	rows, err := db.query(ctx, `SELECT `+refundColumns+` FROM refunds WHERE payment_id = ? ORDER BY id`, paymentID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*journey.Refund{}
	for rows.Next() {
		r, err := db.scanRefund(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// nullString0 is NULL for "", so UNIQUE columns hold many empty values.
func nullString0(s string) any {
	if s == "" {
		return nil
	}
	return s
}

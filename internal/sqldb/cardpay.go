package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/journey-kap/journey"
)

// Card payments online (journey billing_pay.go): a pending payment per
// attempt, keyed so a retried request is the same attempt; the processor's
// events, each handled once (processor_events) in the transaction that
// acts on it; the card a client agreed to keep; and a receipt queued in
// the transaction that posts each succeeded payment, whoever recorded it.

// cardAttemptAge is how long a pending attempt is offered again to a
// retried request: less than the processor's hosted page lives.
const cardAttemptAge = 23 * time.Hour

// OpenCardPayment returns the pending online payment of what client owes
// entity for chargeType, for statement docID (0: none): the attempt a
// retried request made, when it is pending, recent and of the same
// amount; otherwise a new attempt with the next idempotency key
// (journey.CardPaymentKey). EINVALID when nothing is owed or the charge
// type is not the entity's; ENOTFOUND when the entity or the statement is
// not the client's.
func (db *DB) OpenCardPayment(ctx context.Context, clientID, entityID int64, chargeType string, docID int64) (*journey.Payment, error) {
	e, err := db.FindBillingEntity(ctx, entityID)
	if err != nil {
		return nil, err
	}
	if !billsType(e.Kind, chargeType) {
		return nil, invalidField("charge_type", "This entity does not bill "+journey.ChargeTypeName(chargeType)+".")
	}
	var id int64
	err = db.write(ctx, func(ctx context.Context, tx *Tx) error {
		if docID != 0 {
			var one int
			err := tx.queryRow(ctx, `SELECT 1 FROM documents WHERE id = ? AND client_id = ? AND entity_id = ? AND charge_type = ?
				AND kind IN ('statement', 'invoice')`, docID, clientID, entityID, chargeType).Scan(&one)
			if err != nil {
				return notFound(err, "Statement")
			}
		}
		owed, err := tx.balance(ctx, clientID, entityID, chargeType)
		if err != nil {
			return err
		}
		if owed <= 0 {
			return invalidField("amount_cents", "Nothing is owed for "+journey.ChargeTypeName(chargeType)+" to this entity.")
		}
		var n int
		var last struct {
			id, cents, at int64
			status        string
		}
		err = tx.queryRow(ctx, `SELECT COUNT(*), COALESCE(MAX(id), 0) FROM payments WHERE client_id = ? AND entity_id = ? AND charge_type = ?
			AND method = 'online' AND COALESCE(document_id, 0) = ?`, clientID, entityID, chargeType, docID).Scan(&n, &last.id)
		if err != nil {
			return err
		}
		if last.id != 0 {
			if err := tx.queryRow(ctx, `SELECT amount_cents, status, at FROM payments WHERE id = ?`, last.id).
				Scan(&last.cents, &last.status, &last.at); err != nil {
				return err
			}
			if last.status == journey.PaymentPending && last.cents == owed && tx.now.Sub(fromUnix(last.at)) < cardAttemptAge {
				id = last.id
				return nil
			}
		}
		key := journey.CardPaymentKey(clientID, entityID, chargeType, docID, n+1)
		err = tx.queryRow(ctx, `INSERT INTO payments (client_id, entity_id, charge_type, amount_cents, currency, method, status,
			idempotency_key, document_id, at, updated_at) VALUES (?, ?, ?, ?, ?, 'online', 'pending', ?, ?, ?, ?)
			ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
			clientID, entityID, chargeType, owed, journey.Currency, key, nullID(docID), unix(tx.now), unix(tx.now)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			// A request at the same moment made this attempt: it is ours too.
			return tx.queryRow(ctx, `SELECT id FROM payments WHERE idempotency_key = ?`, key).Scan(&id)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return db.FindPayment(ctx, id)
}

func billsType(kind, chargeType string) bool {
	for _, t := range journey.EntityChargeTypes(kind) {
		if t == chargeType {
			return true
		}
	}
	return false
}

// balance returns what client owes entity for chargeType.
func (tx *Tx) balance(ctx context.Context, clientID, entityID int64, chargeType string) (int64, error) {
	var owed int64
	err := tx.queryRow(ctx, `SELECT COALESCE(SUM(amount_cents), 0) FROM postings WHERE client_id = ? AND entity_id = ? AND charge_type = ?`,
		clientID, entityID, chargeType).Scan(&owed)
	return owed, err
}

// HandleCardEvent acts once on the processor's event ev: the first time
// its id is seen it is recorded in processor_events and, in the same
// transaction, a payment event marks the online payment succeeded (with
// the processor's payment ref), posts it once and queues its receipt, and
// keeps card when the client agreed (card may be nil); or marks it
// failed. It returns the payment and whether this call handled the event
// (false: seen before, or about no payment of ours). A refund event is
// RecordCardRefund's. ENOTFOUND when the payment is not an online one.
func (db *DB) HandleCardEvent(ctx context.Context, ev *journey.ProcessorEvent, card *journey.PaymentCard) (*journey.Payment, bool, error) {
	handled := false
	err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
		handled = false
		first, err := tx.recordEvent(ctx, ev)
		if err != nil || !first || ev.Kind != journey.EventPayment {
			return err
		}
		pay, err := tx.lockedPayment(ctx, ev.PaymentID)
		if err != nil {
			return err
		}
		if pay.Method != journey.PayOnline {
			return journey.Errorf(journey.ENOTFOUND, "Payment %d is not an online payment.", pay.ID)
		}
		handled = true
		if ev.Status == journey.PaymentFailed {
			_, err := tx.exec(ctx, `UPDATE payments SET status = 'failed', updated_at = ? WHERE id = ? AND status = 'pending'`,
				unix(tx.now), pay.ID)
			return err
		}
		if err := tx.succeedCardPayment(ctx, pay, ev.PaymentRef); err != nil {
			return err
		}
		if card != nil && ev.SaveCard {
			return tx.saveCard(ctx, pay.ClientID, card)
		}
		return nil
	})
	if err != nil || !handled {
		return nil, false, err
	}
	pay, err := db.FindPayment(ctx, ev.PaymentID)
	return pay, true, err
}

// recordEvent notes that event ev was seen; false when it was before.
func (tx *Tx) recordEvent(ctx context.Context, ev *journey.ProcessorEvent) (bool, error) {
	var id string
	err := tx.queryRow(ctx, `INSERT INTO processor_events (id, type, received_at) VALUES (?, ?, ?)
		ON CONFLICT (id) DO NOTHING RETURNING id`, ev.ID, ev.Type, unix(tx.now)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// SucceedCardPayment marks online payment id succeeded with the
// processor's payment ref, as a saved card's charge answers at once,
// posts it once and queues its receipt; again changes nothing. It
// returns the payment; ENOTFOUND when it is not an online payment.
func (db *DB) SucceedCardPayment(ctx context.Context, id int64, ref string) (*journey.Payment, error) {
	err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
		pay, err := tx.lockedPayment(ctx, id)
		if err != nil {
			return err
		}
		if pay.Method != journey.PayOnline {
			return journey.Errorf(journey.ENOTFOUND, "Payment %d is not an online payment.", pay.ID)
		}
		return tx.succeedCardPayment(ctx, pay, ref)
	})
	if err != nil {
		return nil, err
	}
	return db.FindPayment(ctx, id)
}

// FailCardPayment marks pending online payment id failed (a declined
// saved card); a payment that succeeded stays so.
func (db *DB) FailCardPayment(ctx context.Context, id int64, ref string) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.exec(ctx, `UPDATE payments SET status = 'failed', processor_ref = COALESCE(processor_ref, ?), updated_at = ?
			WHERE id = ? AND method = 'online' AND status = 'pending'`, nullString0(ref), unix(tx.now), id)
		return err
	})
}

// succeedCardPayment marks pay succeeded and posts it, once. The money
// was taken, so even an attempt marked failed (its page expired while
// the bank answered late) succeeds when the processor says so.
func (tx *Tx) succeedCardPayment(ctx context.Context, pay *journey.Payment, ref string) error {
	if pay.Status == journey.PaymentSucceeded {
		return nil
	}
	if _, err := tx.exec(ctx, `UPDATE payments SET status = 'succeeded', processor_ref = COALESCE(processor_ref, ?), updated_at = ?
		WHERE id = ?`, nullString0(ref), unix(tx.now), pay.ID); err != nil {
		return err
	}
	return tx.postPayment(ctx, pay.ID)
}

// saveCard keeps client's card c, replacing the one kept before.
func (tx *Tx) saveCard(ctx context.Context, clientID int64, c *journey.PaymentCard) error {
	_, err := tx.exec(ctx, `INSERT INTO payment_cards (client_id, customer_ref, method_ref, brand, last4, consented_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (client_id) DO UPDATE SET customer_ref = excluded.customer_ref,
		method_ref = excluded.method_ref, brand = excluded.brand, last4 = excluded.last4, consented_at = excluded.consented_at,
		updated_at = excluded.updated_at`, clientID, c.CustomerRef, c.MethodRef, c.Brand, c.Last4, unix(tx.now), unix(tx.now))
	return err
}

// FindPaymentCard returns the card client agreed to keep; ENOTFOUND when
// there is none.
func (db *DB) FindPaymentCard(ctx context.Context, clientID int64) (*journey.PaymentCard, error) {
	c := journey.PaymentCard{ClientID: clientID}
	var at int64
	err := db.queryRow(ctx, `SELECT customer_ref, method_ref, brand, last4, consented_at FROM payment_cards WHERE client_id = ?`,
		clientID).Scan(&c.CustomerRef, &c.MethodRef, &c.Brand, &c.Last4, &at)
	if err != nil {
		return nil, notFound(err, "Saved card")
	}
	c.ConsentedAt = fromUnix(at)
	return &c, nil
}

// RemovePaymentCard forgets client's saved card (they withdrew their
// consent); nothing to forget is no error.
func (db *DB) RemovePaymentCard(ctx context.Context, clientID int64) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.exec(ctx, `DELETE FROM payment_cards WHERE client_id = ?`, clientID)
		return err
	})
}

// queueReceipt queues succeeded payment id's receipt to its client, in the
// transaction that posts it; a client without an email address gets none.
// The composer is required: a payment without its receipt is refused.
func (tx *Tx) queueReceipt(ctx context.Context, id int64) error {
	compose, ok := tx.db.Mail.(journey.ReceiptComposer)
	if !ok {
		return journey.Errorf(journey.EINTERNAL, "No mail composer for receipts.")
	}
	pay, err := tx.db.scanPayment(tx.queryRow(ctx, `SELECT `+paymentColumns+` FROM payments WHERE id = ?`, id))
	if err != nil {
		return notFound(err, "Payment")
	}
	c, err := tx.db.scanClient(tx.queryRow(ctx, `SELECT `+clientColumns+` FROM clients WHERE id = ?`, pay.ClientID))
	if err != nil {
		return notFound(err, "Client")
	}
	if c.Email == "" {
		return nil
	}
	e, err := scanBillingEntity(tx.queryRow(ctx, `SELECT `+billingEntityColumns+` FROM billing_entities WHERE id = ?`, pay.EntityID))
	if err != nil {
		return notFound(err, "Billing entity")
	}
	owed, err := tx.balance(ctx, pay.ClientID, pay.EntityID, pay.ChargeType)
	if err != nil {
		return err
	}
	p, err := tx.db.practice(ctx, tx)
	if err != nil {
		return err
	}
	msg, err := compose.ComposeReceipt(&journey.PaymentReceipt{Payment: pay, Entity: e, ClientName: c.Name, ClientEmail: c.Email,
		BalanceCents: owed}, p)
	if err != nil {
		return err
	}
	return tx.queueMessage(ctx, msg, 0)
}

// FindOwed returns what client owes each entity for each charge type,
// where it is more than nothing, the practice's first.
func (db *DB) FindOwed(ctx context.Context, clientID int64) ([]*journey.Owed, error) {
	rows, err := db.query(ctx, `SELECT p.entity_id, p.charge_type, SUM(p.amount_cents) FROM postings p WHERE p.client_id = ?
		GROUP BY p.entity_id, p.charge_type HAVING SUM(p.amount_cents) > 0 ORDER BY p.entity_id, p.charge_type`, clientID)
	if err != nil {
		return nil, err
	}
	var out []*journey.Owed
	var ids []int64
	for rows.Next() {
		o, id := &journey.Owed{}, int64(0)
		if err := rows.Scan(&id, &o.ChargeType, &o.Cents); err != nil {
			rows.Close()
			return nil, err
		}
		out, ids = append(out, o), append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i, o := range out {
		if o.Entity, err = db.FindBillingEntity(ctx, ids[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// cardRefundReason is a refund's reason when the processor's event
// confirms a refund staff asked for and it was pending when they did.
const cardRefundReason = "Card refund, confirmed by the card processor."

// RecordCardRefund posts the refund the processor's event ev confirms,
// once: the event is recorded in processor_events and the refund made
// under its idempotency key (the key staff's request sent), in one
// transaction, so a refund posted when staff asked is not posted again.
// It returns the refund and whether this call made it.
func (db *DB) RecordCardRefund(ctx context.Context, ev *journey.ProcessorEvent) (*journey.Refund, bool, error) {
	ph := db.phi()
	reason, memo := ph.seal(aadRefundReason, cardRefundReason), ph.seal(aadPostingMemo, cardRefundReason)
	if ph.err != nil {
		return nil, false, ph.err
	}
	var id int64
	made := false
	err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
		id, made = 0, false
		first, err := tx.recordEvent(ctx, ev)
		if err != nil || !first || ev.Kind != journey.EventRefund || ev.Status != journey.RefundSucceeded {
			return err
		}
		id, made, err = tx.refund(ctx, &journey.Refund{PaymentID: ev.PaymentID, AmountCents: ev.RefundCents, ProcessorRef: ev.RefundRef,
			By: ev.RefundedBy}, ev.RefundKey, reason, memo)
		return err
	})
	if err != nil || id == 0 {
		return nil, false, err
	}
	out, err := db.scanRefund(db.queryRow(ctx, `SELECT `+refundColumns+` FROM refunds WHERE id = ?`, id))
	return out, made, notFound(err, "Refund")
}

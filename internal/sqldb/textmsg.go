package sqldb

import (
	"context"
	"errors"
	"fmt"

	"github.com/journey-kap/journey"
)

// Text messages leave the machine through a provider, outside any
// transaction, so a text reminder is claimed (pending → sending) before it
// is sent and settled after: a text is sent at most once. A process that
// stops between the two leaves it "sending"; the job's next attempt marks
// it failed (class "interrupted") rather than risk a second text, and
// front desk sees it.

// textInterrupted is the class of a text whose sending was interrupted.
const textInterrupted = "interrupted"

// TextAttempts is how often a text is tried while the provider is
// unavailable before it is marked failed.
const TextAttempts = 5

// SendTextReminder sends text reminder id through sender, at most once:
// skipped when its session was cancelled or moved, or the client's newest
// answer does not agree to texts (then, class no_consent) or they have no
// number; failed at once when the provider refuses it, or after
// TextAttempts when it is unavailable. It returns an error (for the job to
// try again) only while the provider is unavailable and tries remain.
func (db *DB) SendTextReminder(ctx context.Context, id int64, sender journey.SMSSender) error {
	compose, err := db.reminderComposer()
	if err != nil {
		return err
	}
	var to, body string
	var attempts int
	err = db.write(ctx, func(ctx context.Context, tx *Tx) error {
		r, err := scanReminder(tx.queryRow(ctx, `SELECT `+reminderColumns+` FROM reminders WHERE id = ?`, id))
		if err != nil {
			return err
		}
		if r.Status == journey.ReminderSending {
			return tx.settleReminder(ctx, id, journey.ReminderSending, journey.ReminderFailed, 0, textInterrupted, "", "")
		}
		f, err := tx.owedReminder(ctx, id, journey.ChannelText)
		if err != nil || f == nil {
			return err
		}
		consent, err := tx.textConsent(ctx, f.client.ID)
		if err != nil {
			return err
		}
		switch {
		case !consent.Agreed:
			return tx.settleReminder(ctx, id, journey.ReminderPending, journey.ReminderSkipped, 0, journey.SMSNoConsent, "", "")
		case consent.Phone == "":
			return tx.settleReminder(ctx, id, journey.ReminderPending, journey.ReminderSkipped, 0, journey.SMSNoNumber, "", "")
		}
		common, err := tx.reminderCommon(ctx)
		if err != nil {
			return err
		}
		m, p, err := tx.reminderMail(ctx, f, common)
		if err != nil {
			return err
		}
		if body, err = compose.ComposeReminderText(m, p); err != nil {
			return err
		}
		to, attempts = consent.Phone, f.r.Attempts+1
		return tx.claimText(ctx, "reminders", id)
	})
	if errors.Is(err, errReminderDone) {
		return nil
	}
	if err != nil || to == "" { // settled without sending
		return err
	}
	sid, sendErr := sender.SendText(ctx, to, body)
	status, class, errText, retry := textOutcome(sendErr, attempts)
	err = db.write(ctx, func(ctx context.Context, tx *Tx) error {
		// attempts was counted by the claim; settle counts one more, so take it back.
		if _, err := tx.exec(ctx, `UPDATE reminders SET attempts = attempts - 1 WHERE id = ?`, id); err != nil {
			return err
		}
		return tx.settleReminder(ctx, id, journey.ReminderSending, status, 0, class, errText, sid)
	})
	if err != nil {
		return err
	}
	if retry {
		return sendErr
	}
	return nil
}

// claimText moves text id of table (reminders or monitor_messages) from
// pending to sending before it leaves the machine, counting the attempt;
// errReminderDone when another attempt moved it first.
func (tx *Tx) claimText(ctx context.Context, table string, id int64) error {
	res, err := tx.exec(ctx, `UPDATE `+table+` SET status = 'sending', attempts = attempts + 1 WHERE id = ? AND status = 'pending'`, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errReminderDone
	}
	return nil
}

// textOutcome returns how a text's attempt (its attempts-th) settles
// after the provider answered sendErr: sent; failed, with the error's
// class and text; or, while the provider is unavailable and tries remain,
// pending again with retry.
func textOutcome(sendErr error, attempts int) (status, class, errText string, retry bool) {
	if sendErr == nil {
		return journey.ReminderSent, "", "", false
	}
	class = journey.SMSErrorClass(sendErr)
	if class == journey.SMSUnavailable && attempts < TextAttempts {
		return journey.ReminderPending, class, sendErr.Error(), true
	}
	return journey.ReminderFailed, class, sendErr.Error(), false
}

// textConsent returns the client's newest answer about texts (not agreed
// when they never answered).
func (tx *Tx) textConsent(ctx context.Context, clientID int64) (*journey.TextConsent, error) {
	return tx.db.scanTextConsent(tx.queryRow(ctx, textConsentQuery, clientID), clientID)
}

const textConsentQuery = `SELECT agreed, phone, recorded_by, recorded_at FROM text_consents WHERE client_id = ? ORDER BY id DESC LIMIT 1`

func (db *DB) scanTextConsent(r row, clientID int64) (*journey.TextConsent, error) {
	c := &journey.TextConsent{ClientID: clientID}
	var at int64
	err := r.Scan(&c.Agreed, &c.Phone, &c.By, &at)
	if err != nil {
		if journey.ErrorCode(notFound(err, "")) == journey.ENOTFOUND {
			return c, nil
		}
		return nil, err
	}
	p := db.phi()
	p.open(aadTextConsentPhone, &c.Phone)
	c.At = fromUnix(at)
	return c, p.err
}

// FindTextConsent returns the client's newest answer about texts; not
// agreed, with no time, when they never answered.
func (db *DB) FindTextConsent(ctx context.Context, clientID int64) (*journey.TextConsent, error) {
	return db.scanTextConsent(db.queryRow(ctx, textConsentQuery, clientID), clientID)
}

// RecordTextConsent keeps c as the client's newest answer, with the time
// of the transaction; EINVALID (phone) when they agree without a mobile
// number, ENOTFOUND for an unknown client.
func (db *DB) RecordTextConsent(ctx context.Context, c *journey.TextConsent) error {
	if err := c.Validate(); err != nil {
		return err
	}
	p := db.phi()
	phone := p.seal(aadTextConsentPhone, c.Phone)
	if p.err != nil {
		return p.err
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM clients WHERE id = ?`, c.ClientID).Scan(&n); err != nil || n == 0 {
			if err == nil {
				err = journey.Errorf(journey.ENOTFOUND, "Client not found.")
			}
			return err
		}
		c.At = tx.now
		_, err := tx.exec(ctx, `INSERT INTO text_consents (client_id, agreed, phone, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?)`,
			c.ClientID, c.Agreed, phone, c.By, unix(tx.now))
		return err
	})
}

// FindFailedDeliveries returns the reminders, monitors' instructions and
// emails that could not be delivered, newest first, at most limit (1..500): for front desk, with
// the client's initials and the class of error, never a message's text or
// address.
func (db *DB) FindFailedDeliveries(ctx context.Context, limit int) ([]*journey.FailedDelivery, error) {
	if limit < 1 || limit > 500 {
		limit = 500
	}
	rows, err := db.query(ctx, `SELECT r.id, r.channel, r.kind, CASE WHEN r.sent_at > 0 THEN r.sent_at ELSE r.due_at END,
			CASE WHEN r.status = 'failed' THEN r.error_class ELSE 'smtp' END, COALESCE(o.id, 0), c.name, 0
		FROM reminders r JOIN clients c ON c.id = r.client_id LEFT JOIN outbox o ON o.id = r.message_id
		WHERE r.status = 'failed' OR o.status = 'failed'
		UNION ALL
		SELECT 0, m.channel, 'monitor', CASE WHEN m.sent_at > 0 THEN m.sent_at ELSE m.created_at END,
			CASE WHEN m.status = 'failed' THEN m.error_class ELSE 'smtp' END, COALESCE(o.id, 0), c.name, m.id
		FROM monitor_messages m JOIN care_sessions s ON s.id = m.session_id JOIN clients c ON c.id = s.client_id
			LEFT JOIN outbox o ON o.id = m.message_id
		WHERE m.status = 'failed' OR o.status = 'failed'
		UNION ALL
		SELECT 0, 'email', '', o.created_at, 'smtp', o.id, '', 0
		FROM outbox o WHERE o.status = 'failed' AND NOT EXISTS (SELECT 1 FROM reminders r WHERE r.message_id = o.id)
			AND NOT EXISTS (SELECT 1 FROM monitor_messages m WHERE m.message_id = o.id)
		ORDER BY 4 DESC, 1 DESC, 8 DESC, 6 DESC LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*journey.FailedDelivery
	for rows.Next() {
		var f journey.FailedDelivery
		var at int64
		var name string
		if err := rows.Scan(&f.ReminderID, &f.Channel, &f.Kind, &at, &f.ErrorClass, &f.MessageID, &name, &f.MonitorMessageID); err != nil {
			return nil, err
		}
		if name != "" {
			p := db.phi()
			p.open(aadClientName, &name)
			if p.err != nil {
				return nil, fmt.Errorf("reminder %d: %w", f.ReminderID, p.err)
			}
			f.ClientInitials = journey.Initials(name)
		}
		f.At = fromUnix(at)
		out = append(out, &f)
	}
	return out, rows.Err()
}

// DeliverReminders sends reminders ids, one job's batch, each by its
// channel: a batch of emails in one transaction (SendReminders); when that
// fails (a text among them, one that cannot be written, another process
// settling one first), each on its own (DeliverReminder), so one failure
// holds back only itself. It returns the errors of those not sent, joined,
// for the job to try again; a retry leaves those settled as they are.
func (db *DB) DeliverReminders(ctx context.Context, ids []int64, sender journey.SMSSender) error {
	if len(ids) > 1 && db.SendReminders(ctx, ids) == nil {
		return nil
	}
	var errs []error
	for _, id := range ids {
		if err := db.DeliverReminder(ctx, id, sender); err != nil {
			errs = append(errs, fmt.Errorf("reminder %d: %w", id, err))
		}
	}
	return errors.Join(errs...)
}

// DeliverReminder sends reminder id by its channel: an email through the
// outbox (SendReminder), a text through sender (SendTextReminder).
func (db *DB) DeliverReminder(ctx context.Context, id int64, sender journey.SMSSender) error {
	r, err := db.FindReminder(ctx, id)
	if err != nil {
		return err
	}
	if r.Channel == journey.ChannelText {
		if sender == nil || !sender.Configured() {
			return db.write(ctx, func(ctx context.Context, tx *Tx) error {
				err := tx.settleReminder(ctx, id, journey.ReminderPending, journey.ReminderFailed, 0, journey.SMSUnavailable, "no text provider configured", "")
				if errors.Is(err, errReminderDone) {
					return nil
				}
				return err
			})
		}
		return db.SendTextReminder(ctx, id, sender)
	}
	return db.SendReminder(ctx, id)
}

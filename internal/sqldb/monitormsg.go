package sqldb

import (
	"context"
	"errors"

	"github.com/journey-kap/journey"
)

// A remote medicine session's monitor is told the session's time and their
// duties once per time of the session (its sequence) and channel, keyed by
// (session, sequence, channel) in monitor_messages: an email, queued in the
// sweep's transaction, and a text, made pending there and sent by its own
// job through the SMS provider, claimed before it is sent and settled
// after as a text reminder is (textmsg.go), so at most once.

// Sealed monitor message columns.
const aadMonitorMessageError = "monitor_messages.last_error" // a provider's answer may quote the number

// SendMonitorInstructions queues, for each remote medicine session still
// booked that starts within the practice's first reminder window, the
// monitor's instructions for the session's current time (its sequence):
// an email when the client's monitor agreed to be contacted and gave an
// address; with texts (a provider is set up), a text when they agreed to
// texts too, handed to EnqueueMonitorTexts in the same transaction. The
// row made for each is what makes two processes send it once and a moved
// session get it again; a cancelled session gets none. It returns how many
// it queued.
func (db *DB) SendMonitorInstructions(ctx context.Context, texts bool) (int, error) {
	compose, ok := db.Mail.(journey.MonitorMailComposer)
	if !ok {
		return 0, journey.Errorf(journey.EINTERNAL, "No mail composer for the monitor's instructions.")
	}
	set, err := db.FindReminderSettings(ctx)
	if err != nil {
		return 0, err
	}
	missing := `NOT EXISTS (SELECT 1 FROM monitor_messages m WHERE m.session_id = s.id AND m.sequence = s.sequence AND m.channel = 'email')`
	if texts {
		missing = `(` + missing + ` OR NOT EXISTS (SELECT 1 FROM monitor_messages m WHERE m.session_id = s.id AND m.sequence = s.sequence AND m.channel = 'sms'))`
	}
	sent := 0
	err = db.write(ctx, func(ctx context.Context, tx *Tx) error {
		sent = 0
		now := unix(tx.now)
		rows, err := tx.query(ctx, `SELECT s.id FROM care_sessions s WHERE s.type = ? AND s.mode = ? AND s.status = 'booked'
			AND s.client_id IS NOT NULL AND s.start_at > ? AND s.start_at <= ? AND `+missing+`
			ORDER BY s.start_at, s.id LIMIT 500`, journey.TypeMedicine, journey.ModeRemote, now, now+int64(set.EarlyHours)*3600)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		var p *journey.Practice
		var textIDs []int64
		for _, id := range ids {
			n, textID, err := tx.sendMonitorInstructions(ctx, compose, &p, id, texts)
			if err != nil {
				return err
			}
			sent += n
			if textID != 0 {
				textIDs = append(textIDs, textID)
			}
		}
		if len(textIDs) > 0 && db.EnqueueMonitorTexts != nil {
			return db.EnqueueMonitorTexts(ctx, tx.Tx, textIDs)
		}
		return nil
	})
	return sent, err
}

// sendMonitorInstructions queues session id's instructions to its
// client's monitor: the email (n 1) unless the monitor gave no address,
// did not agree to be contacted, or another process sent it first; with
// texts, the text's row (textID) on the same terms when they agreed to
// texts.
func (tx *Tx) sendMonitorInstructions(ctx context.Context, compose journey.MonitorMailComposer, p **journey.Practice, id int64, texts bool) (n int, textID int64, err error) {
	s, err := tx.db.scanCareSession(tx.queryRow(ctx, `SELECT `+careSessionColumns+` FROM care_sessions s WHERE s.id = ?`, id))
	if err != nil {
		return 0, 0, notFound(err, "Session")
	}
	m, err := tx.db.FindMonitor(ctx, s.ClientID)
	if journey.ErrorCode(err) == journey.ENOTFOUND {
		return 0, 0, nil
	} else if err != nil {
		return 0, 0, err
	}
	if !m.Agreed {
		return 0, 0, nil
	}
	if texts && m.Texts && m.Phone != "" {
		if textID, err = tx.monitorMessageRow(ctx, s, journey.ChannelText, journey.ReminderPending); err != nil {
			return 0, 0, err
		}
	}
	if m.Email == "" {
		return 0, textID, nil
	}
	rowID, err := tx.monitorMessageRow(ctx, s, journey.ChannelEmail, journey.ReminderSent)
	if err != nil || rowID == 0 {
		return 0, textID, err
	}
	if *p == nil {
		if *p, err = tx.db.practice(ctx, tx); err != nil {
			return 0, 0, err
		}
	}
	mm, err := tx.monitorMail(ctx, s, m)
	if err != nil {
		return 0, 0, err
	}
	msg, err := compose.ComposeMonitorInstructions(mm, *p)
	if err != nil {
		return 0, 0, err
	}
	if err := tx.queueMessage(ctx, msg, 0); err != nil {
		return 0, 0, err
	}
	_, err = tx.exec(ctx, `UPDATE monitor_messages SET message_id = ?, sent_at = ? WHERE id = ?`, msg.ID, unix(tx.now), rowID)
	return 1, textID, err
}

// monitorMessageRow makes the row of session s's current time on channel
// with status; 0 when another process made it first.
func (tx *Tx) monitorMessageRow(ctx context.Context, s *journey.CareSession, channel, status string) (int64, error) {
	var rowID int64
	err := tx.queryRow(ctx, `INSERT INTO monitor_messages (session_id, sequence, channel, status, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (session_id, sequence, channel) DO NOTHING RETURNING id`, s.ID, s.Sequence, channel, status, unix(tx.now)).Scan(&rowID)
	if err != nil && journey.ErrorCode(notFound(err, "")) == journey.ENOTFOUND {
		return 0, nil
	}
	return rowID, err
}

// monitorMail reads what the monitor's instructions for s are written
// from: the client's first name and zone, the video link.
func (tx *Tx) monitorMail(ctx context.Context, s *journey.CareSession, m *journey.Monitor) (*journey.MonitorMail, error) {
	var zone string
	c, err := tx.db.scanClient(tx.queryRow(ctx, `SELECT `+clientColumns+`, `+clientZoneSQL+` FROM clients WHERE id = ?`,
		s.ID, s.ClientID, s.ClientID), &zone)
	if err != nil {
		return nil, notFound(err, "Client")
	}
	link, err := tx.db.telehealthLink(ctx, s)
	if err != nil {
		return nil, err
	}
	return &journey.MonitorMail{Session: s, Monitor: m, ClientFirst: c.Name, TimeZone: zoneOrUTC(zone).String(), Where: link}, nil
}

// DeliverMonitorText sends the monitor's text id through sender
// (SendMonitorText); with no provider set up, it is failed at once
// (class unavailable) for front desk to see.
func (db *DB) DeliverMonitorText(ctx context.Context, id int64, sender journey.SMSSender) error {
	if sender == nil || !sender.Configured() {
		return db.write(ctx, func(ctx context.Context, tx *Tx) error {
			err := tx.settleMonitorText(ctx, id, journey.ReminderPending, journey.ReminderFailed, journey.SMSUnavailable, "no text provider configured", "")
			if errors.Is(err, errReminderDone) {
				return nil
			}
			return err
		})
	}
	return db.SendMonitorText(ctx, id, sender)
}

// SendMonitorText sends the monitor's text id through sender, at most
// once: skipped when its session was cancelled, moved or has begun, or the
// monitor no longer agrees to texts (class no_consent); failed at once
// when the provider refuses it, or after TextAttempts when it is
// unavailable, and failed as interrupted when an earlier attempt stopped
// between claiming and settling it. It returns an error (for the job to
// try again) only while the provider is unavailable and tries remain.
func (db *DB) SendMonitorText(ctx context.Context, id int64, sender journey.SMSSender) error {
	compose, ok := db.Mail.(journey.MonitorMailComposer)
	if !ok {
		return journey.Errorf(journey.EINTERNAL, "No mail composer for the monitor's instructions.")
	}
	var to, body string
	var attempts int
	err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
		var sessionID int64
		var sequence int
		var status string
		if err := tx.queryRow(ctx, `SELECT session_id, sequence, status, attempts FROM monitor_messages WHERE id = ? AND channel = 'sms'`, id).
			Scan(&sessionID, &sequence, &status, &attempts); err != nil {
			return notFound(err, "Monitor message")
		}
		switch status {
		case journey.ReminderSending:
			return tx.settleMonitorText(ctx, id, journey.ReminderSending, journey.ReminderFailed, textInterrupted, "", "")
		case journey.ReminderPending:
		default:
			return nil
		}
		s, err := tx.db.scanCareSession(tx.queryRow(ctx, `SELECT `+careSessionColumns+` FROM care_sessions s WHERE s.id = ?`, sessionID))
		if err != nil {
			return notFound(err, "Session")
		}
		if s.Sequence != sequence || s.Status != journey.SessionBooked || !s.Start.After(tx.now) {
			return tx.settleMonitorText(ctx, id, journey.ReminderPending, journey.ReminderSkipped, "", "", "")
		}
		m, err := tx.db.FindMonitor(ctx, s.ClientID)
		switch {
		case journey.ErrorCode(err) == journey.ENOTFOUND || err == nil && (!m.Agreed || !m.Texts):
			return tx.settleMonitorText(ctx, id, journey.ReminderPending, journey.ReminderSkipped, journey.SMSNoConsent, "", "")
		case err != nil:
			return err
		case m.Phone == "":
			return tx.settleMonitorText(ctx, id, journey.ReminderPending, journey.ReminderSkipped, journey.SMSNoNumber, "", "")
		}
		p, err := tx.db.practice(ctx, tx)
		if err != nil {
			return err
		}
		mm, err := tx.monitorMail(ctx, s, m)
		if err != nil {
			return err
		}
		if body, err = compose.ComposeMonitorText(mm, p); err != nil {
			return err
		}
		to, attempts = m.Phone, attempts+1
		return tx.claimText(ctx, "monitor_messages", id)
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
		return tx.settleMonitorText(ctx, id, journey.ReminderSending, status, class, errText, sid)
	})
	if err != nil {
		return err
	}
	if retry {
		return sendErr
	}
	return nil
}

// settleMonitorText moves the monitor's text id from status from to
// status; errReminderDone when another attempt moved it first.
func (tx *Tx) settleMonitorText(ctx context.Context, id int64, from, status, class, lastErr, providerID string) error {
	sent := int64(0)
	if status == journey.ReminderSent {
		sent = unix(tx.now)
	}
	p := tx.db.phi()
	sealed := p.seal(aadMonitorMessageError, lastErr)
	if p.err != nil {
		return p.err
	}
	res, err := tx.exec(ctx, `UPDATE monitor_messages SET status = ?, error_class = ?, last_error = ?, provider_id = ?, sent_at = ?
		WHERE id = ? AND channel = 'sms' AND status = ?`, status, class, sealed, providerID, sent, id, from)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errReminderDone
	}
	return nil
}

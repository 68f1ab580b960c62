package sqldb

import (
	"context"

	"github.com/journey-kap/journey"
)

// SendMonitorInstructions queues, for each remote medicine session still
// booked that starts within the practice's first reminder window, the
// monitor's instructions for the session's current time (its sequence):
// an email when the client's monitor agreed to be contacted and gave an
// address. A row in monitor_messages keyed by (session, sequence, channel)
// is made in the transaction that queues the email, so two processes send
// it once and a moved session gets it again; a cancelled session none.
// It returns how many it queued.
func (db *DB) SendMonitorInstructions(ctx context.Context) (int, error) {
	compose, ok := db.Mail.(journey.MonitorMailComposer)
	if !ok {
		return 0, journey.Errorf(journey.EINTERNAL, "No mail composer for the monitor's instructions.")
	}
	set, err := db.FindReminderSettings(ctx)
	if err != nil {
		return 0, err
	}
	sent := 0
	err = db.write(ctx, func(ctx context.Context, tx *Tx) error {
		sent = 0
		now := unix(tx.now)
		rows, err := tx.query(ctx, `SELECT s.id FROM care_sessions s WHERE s.type = ? AND s.mode = ? AND s.status = 'booked'
			AND s.client_id IS NOT NULL AND s.start_at > ? AND s.start_at <= ?
			AND NOT EXISTS (SELECT 1 FROM monitor_messages m WHERE m.session_id = s.id AND m.sequence = s.sequence AND m.channel = 'email')
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
		for _, id := range ids {
			ok, err := tx.sendMonitorInstructions(ctx, compose, &p, id)
			if err != nil {
				return err
			}
			if ok {
				sent++
			}
		}
		return nil
	})
	return sent, err
}

// sendMonitorInstructions queues session id's instructions to its
// client's monitor; false when the monitor gave no address, did not agree
// to be contacted, or another process sent them first.
func (tx *Tx) sendMonitorInstructions(ctx context.Context, compose journey.MonitorMailComposer, p **journey.Practice, id int64) (bool, error) {
	s, err := tx.db.scanCareSession(tx.queryRow(ctx, `SELECT `+careSessionColumns+` FROM care_sessions s WHERE s.id = ?`, id))
	if err != nil {
		return false, notFound(err, "Session")
	}
	m, err := tx.db.FindMonitor(ctx, s.ClientID)
	if journey.ErrorCode(err) == journey.ENOTFOUND {
		return false, nil
	} else if err != nil {
		return false, err
	}
	if !m.Agreed || m.Email == "" {
		return false, nil
	}
	var zone string
	c, err := tx.db.scanClient(tx.queryRow(ctx, `SELECT `+clientColumns+`, `+clientZoneSQL+` FROM clients WHERE id = ?`,
		s.ID, s.ClientID, s.ClientID), &zone)
	if err != nil {
		return false, notFound(err, "Client")
	}
	var rowID int64
	err = tx.queryRow(ctx, `INSERT INTO monitor_messages (session_id, sequence, channel, created_at) VALUES (?, ?, 'email', ?)
		ON CONFLICT (session_id, sequence, channel) DO NOTHING RETURNING id`, s.ID, s.Sequence, unix(tx.now)).Scan(&rowID)
	if err != nil {
		if journey.ErrorCode(notFound(err, "")) == journey.ENOTFOUND {
			return false, nil // another process sent them
		}
		return false, err
	}
	if *p == nil {
		if *p, err = tx.db.practice(ctx, tx); err != nil {
			return false, err
		}
	}
	link, err := tx.db.telehealthLink(ctx, s)
	if err != nil {
		return false, err
	}
	msg, err := compose.ComposeMonitorInstructions(&journey.MonitorMail{Session: s, Monitor: m, ClientFirst: c.Name,
		TimeZone: zoneOrUTC(zone).String(), Where: link}, *p)
	if err != nil {
		return false, err
	}
	if err := tx.queueMessage(ctx, msg, 0); err != nil {
		return false, err
	}
	_, err = tx.exec(ctx, `UPDATE monitor_messages SET message_id = ? WHERE id = ?`, msg.ID, rowID)
	return err == nil, err
}

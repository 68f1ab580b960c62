package sqldb

import (
	"context"
	"fmt"

	"github.com/journey-kap/journey"
)

var _ journey.OutboxService = (*DB)(nil)

// queueMessage stores m in the outbox and, when a queue is wired in,
// schedules its delivery in the same transaction.
func (tx *Tx) queueMessage(ctx context.Context, m *journey.Message, consultID int64) error {
	var cid any
	if consultID != 0 {
		cid = consultID
	}
	p := tx.db.phi()
	to, subject, text, html, ics := p.seal(aadOutboxTo, m.To), p.seal(aadOutboxSubj, m.Subject), p.seal(aadOutboxText, m.Text),
		p.seal(aadOutboxHTML, m.HTML), p.seal(aadOutboxICS, m.ICS)
	if p.err != nil {
		return p.err
	}
	var err error
	m.Status, m.CreatedAt = journey.MailQueued, tx.now
	m.ID, err = tx.insert(ctx, `INSERT INTO outbox (consult_id, to_addr, subject, text_body, html_body, ics, ics_method, status, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?)`, cid, to, subject, text, html, ics, m.ICSMethod, unix(tx.now))
	if err != nil {
		return err
	}
	tx.mail = append(tx.mail, m.ID)
	return nil
}

// FindMessageByID returns ENOTFOUND when there is no such message.
func (db *DB) FindMessageByID(ctx context.Context, id int64) (*journey.Message, error) {
	var m journey.Message
	var created, sent int64
	err := db.queryRow(ctx, `SELECT id, to_addr, subject, text_body, html_body, ics, ics_method, status, attempts, last_error, created_at, sent_at
		FROM outbox WHERE id = ?`, id).Scan(&m.ID, &m.To, &m.Subject, &m.Text, &m.HTML, &m.ICS, &m.ICSMethod, &m.Status,
		&m.Attempts, &m.LastError, &created, &sent)
	if err != nil {
		return nil, notFound(err, "Message")
	}
	p := db.phi()
	p.open(aadOutboxTo, &m.To)
	p.open(aadOutboxSubj, &m.Subject)
	p.open(aadOutboxText, &m.Text)
	p.open(aadOutboxHTML, &m.HTML)
	p.open(aadOutboxICS, &m.ICS)
	p.open(aadOutboxError, &m.LastError)
	if p.err != nil {
		return nil, fmt.Errorf("message %d: %w", m.ID, p.err)
	}
	m.CreatedAt, m.SentAt = fromUnix(created), fromUnix(sent)
	return &m, nil
}

// FindMessages returns outbox messages, newest first, at most limit (≤ 1000).
func (db *DB) FindMessages(ctx context.Context, status string, limit int) ([]*journey.Message, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	rows, err := db.query(ctx, `SELECT id, to_addr, subject, status, attempts, created_at FROM outbox
		WHERE status = ? OR ? = '' ORDER BY id DESC LIMIT ?`, status, status, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*journey.Message
	for rows.Next() {
		var m journey.Message
		var created int64
		if err := rows.Scan(&m.ID, &m.To, &m.Subject, &m.Status, &m.Attempts, &created); err != nil {
			return nil, err
		}
		p := db.phi()
		p.open(aadOutboxTo, &m.To)
		p.open(aadOutboxSubj, &m.Subject)
		if p.err != nil {
			return nil, fmt.Errorf("message %d: %w", m.ID, p.err)
		}
		m.CreatedAt = fromUnix(created)
		out = append(out, &m)
	}
	return out, rows.Err()
}

// MarkMessage records a delivery attempt's outcome. The error is stored
// encrypted: SMTP servers quote the recipient in theirs.
func (db *DB) MarkMessage(ctx context.Context, id int64, status string, attempts int, lastErr string) error {
	p := db.phi()
	if lastErr = p.seal(aadOutboxError, lastErr); p.err != nil {
		return p.err
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		sent := int64(0)
		if status == journey.MailSent {
			sent = unix(tx.now)
		}
		res, err := tx.exec(ctx, `UPDATE outbox SET status = ?, attempts = ?, last_error = ?, sent_at = ? WHERE id = ?`,
			status, attempts, lastErr, sent, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return journey.Errorf(journey.ENOTFOUND, "Message not found.")
		}
		return nil
	})
}

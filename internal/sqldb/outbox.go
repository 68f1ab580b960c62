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
	sm, err := tx.db.sealMessage(m)
	if err != nil {
		return err
	}
	m.Status, m.CreatedAt = journey.MailQueued, tx.now
	m.ID, err = tx.insertMessage(ctx, sm, consultID)
	return err
}

// sealedMessage is a message's columns as the outbox stores them.
type sealedMessage struct {
	to, subject, text, html, ics, icsMethod string
}

// sealMessage encrypts m's PHI for the outbox, which may be done before
// the transaction that stores it.
func (db *DB) sealMessage(m *journey.Message) (sealedMessage, error) {
	p := db.phi()
	sm := sealedMessage{to: p.seal(aadOutboxTo, m.To), subject: p.seal(aadOutboxSubj, m.Subject), text: p.seal(aadOutboxText, m.Text),
		html: p.seal(aadOutboxHTML, m.HTML), ics: p.seal(aadOutboxICS, m.ICS), icsMethod: m.ICSMethod}
	return sm, p.err
}

// insertMessage stores sm in the outbox, queued, and schedules its
// delivery: on PostgreSQL with MailJobSQL set, in the same statement;
// otherwise through Enqueue before the commit (Tx.finish). It returns the
// message's id.
func (tx *Tx) insertMessage(ctx context.Context, sm sealedMessage, consultID int64) (int64, error) {
	var cid any
	if consultID != 0 {
		cid = consultID
	}
	const insert = `INSERT INTO outbox (consult_id, to_addr, subject, text_body, html_body, ics, ics_method, status, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?)`
	args := []any{cid, sm.to, sm.subject, sm.text, sm.html, sm.ics, sm.icsMethod, unix(tx.now)}
	var id int64
	if tx.db.Dialect == Postgres && tx.db.MailJobSQL != nil {
		err := tx.queryRow(ctx, `WITH m AS (`+insert+` RETURNING id), j AS (`+tx.db.MailJobSQL("m")+`) SELECT id FROM m`, args...).Scan(&id)
		return id, err
	}
	id, err := tx.insert(ctx, insert, args...)
	if err != nil {
		return 0, err
	}
	tx.mail = append(tx.mail, id)
	return id, nil
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

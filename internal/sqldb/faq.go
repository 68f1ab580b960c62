package sqldb

import (
	"context"
	"database/sql"

	"github.com/journey-kap/journey"
)

var _ journey.FAQService = (*DB)(nil)

// FindFAQ returns the FAQ entries by position.
func (db *DB) FindFAQ(ctx context.Context, onlyPublished bool) ([]*journey.FAQEntry, error) {
	rows, err := db.query(ctx, `SELECT id, position, question, answer, published FROM faq_entries
		WHERE published OR ? = 0 ORDER BY position, id LIMIT 500`, boolInt(onlyPublished))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*journey.FAQEntry
	for rows.Next() {
		var e journey.FAQEntry
		if err := rows.Scan(&e.ID, &e.Position, &e.Question, &e.Answer, &e.Published); err != nil {
			return nil, err
		}
		out = append(out, &e)
	}
	return out, rows.Err()
}

// CreateFAQEntry adds an entry at the end when its Position is 0.
func (db *DB) CreateFAQEntry(ctx context.Context, e *journey.FAQEntry) error {
	if err := e.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		if e.Position == 0 {
			if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(position), 0) + 1 FROM faq_entries`).Scan(&e.Position); err != nil {
				return err
			}
		}
		var err error
		e.ID, err = tx.insert(ctx, `INSERT INTO faq_entries (position, question, answer, published) VALUES (?, ?, ?, ?)`,
			e.Position, e.Question, e.Answer, e.Published)
		if err != nil {
			return err
		}
		return tx.bumpContent(ctx)
	})
}

// UpdateFAQEntry changes an entry's question, answer and publication.
func (db *DB) UpdateFAQEntry(ctx context.Context, e *journey.FAQEntry) error {
	if err := e.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE faq_entries SET question = ?, answer = ?, published = ? WHERE id = ?`,
			e.Question, e.Answer, e.Published, e.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return notFound(sql.ErrNoRows, "FAQ entry")
		}
		return tx.bumpContent(ctx)
	})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

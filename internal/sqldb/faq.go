package sqldb

import (
	"context"
	"database/sql"

	"github.com/journey-kap/journey"
)

var _ journey.FAQService = (*DB)(nil)

const faqQuery = `SELECT id, position, question, answer, published FROM faq_entries
	WHERE published OR ? = 0 ORDER BY position, id LIMIT 500`

// FindFAQ returns the FAQ entries by position.
func (db *DB) FindFAQ(ctx context.Context, onlyPublished bool) ([]*journey.FAQEntry, error) {
	rows, err := db.query(ctx, faqQuery, boolInt(onlyPublished))
	if err != nil {
		return nil, err
	}
	return scanFAQ(rows)
}

// faq reads every entry inside tx.
func (tx *Tx) faq(ctx context.Context) ([]*journey.FAQEntry, error) {
	rows, err := tx.query(ctx, faqQuery, 0)
	if err != nil {
		return nil, err
	}
	return scanFAQ(rows)
}

func scanFAQ(rows *rowSet) ([]*journey.FAQEntry, error) {
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

// CreateFAQEntry adds an entry at the end when its Position is 0. The
// FAQ it makes is kept as a new version, by e.ChangedBy (settings.go).
func (db *DB) CreateFAQEntry(ctx context.Context, e *journey.FAQEntry) error {
	if err := e.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		return tx.changeFAQ(ctx, e.ChangedBy, func() error { return tx.insertFAQ(ctx, e) })
	})
}

// CreateFAQEntries adds es in order in one transaction, kept as one new
// version of the FAQ by the first's ChangedBy; EINVALID naming the first
// entry that is not valid, and nothing added.
func (db *DB) CreateFAQEntries(ctx context.Context, es []*journey.FAQEntry) error {
	if len(es) == 0 {
		return nil
	}
	for _, e := range es {
		if err := e.Validate(); err != nil {
			return err
		}
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		return tx.changeFAQ(ctx, es[0].ChangedBy, func() error {
			for _, e := range es {
				if err := tx.insertFAQ(ctx, e); err != nil {
					return err
				}
			}
			return nil
		})
	})
}

// changeFAQ runs change and keeps the FAQ it leaves as a version by by.
func (tx *Tx) changeFAQ(ctx context.Context, by int64, change func() error) error {
	prev, err := tx.faq(ctx)
	if err != nil {
		return err
	}
	if err := change(); err != nil {
		return err
	}
	next, err := tx.faq(ctx)
	if err != nil {
		return err
	}
	if err := tx.recordVersion(ctx, journey.SettingsFAQ, faqData(prev), faqData(next), by); err != nil {
		return err
	}
	return tx.bumpContent(ctx)
}

// replaceFAQ puts es, in order, in place of every entry: a version restored.
func (tx *Tx) replaceFAQ(ctx context.Context, es []*journey.FAQEntry, by int64) error {
	return tx.changeFAQ(ctx, by, func() error {
		if _, err := tx.exec(ctx, `DELETE FROM faq_entries`); err != nil {
			return err
		}
		for i, e := range es {
			e.Position = i + 1
			if err := tx.insertFAQ(ctx, e); err != nil {
				return err
			}
		}
		return nil
	})
}

// insertFAQ adds e, at the end when its Position is 0.
func (tx *Tx) insertFAQ(ctx context.Context, e *journey.FAQEntry) error {
	if e.Position == 0 {
		if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(position), 0) + 1 FROM faq_entries`).Scan(&e.Position); err != nil {
			return err
		}
	}
	var err error
	e.ID, err = tx.insert(ctx, `INSERT INTO faq_entries (position, question, answer, published) VALUES (?, ?, ?, ?)`,
		e.Position, e.Question, e.Answer, e.Published)
	return err
}

// UpdateFAQEntry changes an entry's question, answer and publication,
// kept as a new version of the FAQ by e.ChangedBy.
func (db *DB) UpdateFAQEntry(ctx context.Context, e *journey.FAQEntry) error {
	if err := e.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		return tx.changeFAQ(ctx, e.ChangedBy, func() error { return tx.updateFAQ(ctx, e) })
	})
}

func (tx *Tx) updateFAQ(ctx context.Context, e *journey.FAQEntry) error {
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
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

package sqldb

import (
	"context"

	"github.com/journey-kap/journey"
)

var _ journey.EmailTemplateService = (*DB)(nil)

const emailColumns = `kind, version, subject, body, is_default, created_by, created_at`

func scanEmailTemplate(row scanner) (*journey.EmailTemplate, error) {
	var t journey.EmailTemplate
	var at int64
	if err := row.Scan(&t.Kind, &t.Version, &t.Subject, &t.Body, &t.Default, &t.UpdatedBy, &at); err != nil {
		return nil, err
	}
	t.UpdatedAt = fromUnix(at)
	return &t, nil
}

// emailTemplates returns the newest version of each kind saved, by kind;
// q is the pool or a transaction.
func (db *DB) emailTemplates(ctx context.Context, query func(ctx context.Context, q string, args ...any) (*rowSet, error)) (map[string]*journey.EmailTemplate, error) {
	rows, err := query(ctx, `SELECT `+emailColumns+` FROM email_templates t
		WHERE version = (SELECT MAX(version) FROM email_templates WHERE kind = t.kind)`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]*journey.EmailTemplate{}
	for rows.Next() {
		t, err := scanEmailTemplate(rows)
		if err != nil {
			return nil, err
		}
		out[t.Kind] = t
	}
	return out, rows.Err()
}

// FindEmailTemplates returns the current template of every kind, in the
// order of journey.EmailKinds: the practice's newest save, or Journey's text.
func (db *DB) FindEmailTemplates(ctx context.Context) ([]*journey.EmailTemplate, error) {
	saved, err := db.emailTemplates(ctx, db.query)
	if err != nil {
		return nil, err
	}
	out := make([]*journey.EmailTemplate, len(journey.EmailKinds))
	for i := range journey.EmailKinds {
		k := &journey.EmailKinds[i]
		out[i] = k.Default()
		if t := saved[k.Kind]; t != nil {
			if t.Default {
				t.Subject, t.Body = k.Subject, k.Body
			}
			out[i] = t
		}
	}
	return out, nil
}

// FindEmailTemplateHistory returns kind's saved versions, newest first.
func (db *DB) FindEmailTemplateHistory(ctx context.Context, kind string, limit int) ([]*journey.EmailTemplate, error) {
	if journey.FindEmailKind(kind) == nil {
		return nil, journey.Errorf(journey.ENOTFOUND, "There is no such email.")
	}
	rows, err := db.query(ctx, `SELECT `+emailColumns+` FROM email_templates WHERE kind = ? ORDER BY version DESC LIMIT ?`, kind, max(limit, 1))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*journey.EmailTemplate
	for rows.Next() {
		t, err := scanEmailTemplate(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// SaveEmailTemplate validates t and stores it as its kind's next version;
// with t.Default the version returns the kind to Journey's text. The mail
// composed from the next commit on uses it (the practice's cache moves).
func (db *DB) SaveEmailTemplate(ctx context.Context, t *journey.EmailTemplate) error {
	if t.Default {
		t.Subject, t.Body = "", ""
	} else {
		t.Normalize()
	}
	if err := t.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		if err := tx.lockKey(ctx, "email_template:"+t.Kind); err != nil {
			return err
		}
		if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(version), 0) + 1 FROM email_templates WHERE kind = ?`, t.Kind).Scan(&t.Version); err != nil {
			return err
		}
		t.UpdatedAt = tx.now
		if _, err := tx.exec(ctx, `INSERT INTO email_templates (`+emailColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			t.Kind, t.Version, t.Subject, t.Body, t.Default, t.UpdatedBy, unix(tx.now)); err != nil {
			return err
		}
		return tx.bumpContent(ctx)
	})
}

package sqldb

import (
	"context"

	"github.com/journey-kap/journey"
)

var _ journey.LogoService = (*DB)(nil)

// FindLogo returns the practice's logo; ENOTFOUND when it has none.
func (db *DB) FindLogo(ctx context.Context) (*journey.Logo, error) {
	var l journey.Logo
	var at int64
	err := db.queryRow(ctx, `SELECT data, content_type, width, height, sha256, updated_by, updated_at FROM practice_logo WHERE id = 1`).
		Scan(&l.Data, &l.ContentType, &l.Width, &l.Height, &l.SHA256, &l.UpdatedBy, &at)
	if err != nil {
		return nil, notFound(err, "Logo")
	}
	l.UpdatedAt = fromUnix(at)
	return &l, nil
}

// SetLogo replaces the practice's logo with l, which journey.NewLogo has
// checked; ECONFLICT before the practice's details are saved. The content
// counter moves: every page's header shows the new one.
func (db *DB) SetLogo(ctx context.Context, l *journey.Logo) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM practice`).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return journey.Errorf(journey.ECONFLICT, "Save the practice's details before its logo.")
		}
		l.UpdatedAt = tx.now
		if _, err := tx.exec(ctx, `INSERT INTO practice_logo (id, data, content_type, width, height, sha256, updated_by, updated_at)
			VALUES (1, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data, content_type = excluded.content_type,
			width = excluded.width, height = excluded.height, sha256 = excluded.sha256, updated_by = excluded.updated_by,
			updated_at = excluded.updated_at`, l.Data, l.ContentType, l.Width, l.Height, l.SHA256, l.UpdatedBy, unix(tx.now)); err != nil {
			return err
		}
		return tx.bumpContent(ctx)
	})
}

// RemoveLogo removes the practice's logo; ENOTFOUND when it has none.
func (db *DB) RemoveLogo(ctx context.Context) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.exec(ctx, `DELETE FROM practice_logo WHERE id = 1`)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return journey.Errorf(journey.ENOTFOUND, "The practice has no logo.")
		}
		return tx.bumpContent(ctx)
	})
}

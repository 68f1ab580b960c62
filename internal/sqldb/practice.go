package sqldb

import (
	"context"
	"crypto/rand"
	"encoding/hex"

	"github.com/journey-kap/journey"
)

var _ journey.PracticeService = (*DB)(nil)

// FindPractice returns the practice, or ENOTFOUND before one is set up.
func (db *DB) FindPractice(ctx context.Context) (*journey.Practice, error) {
	var p journey.Practice
	err := db.queryRow(ctx, `SELECT name, tagline, phone, email, address, time_zone, privacy_notice FROM practice WHERE id = 1`).
		Scan(&p.Name, &p.Tagline, &p.Phone, &p.Email, &p.Address, &p.TimeZone, &p.PrivacyNotice)
	if err != nil {
		return nil, notFound(err, "Practice")
	}
	return &p, nil
}

// UpdatePractice replaces the practice's description; EINVALID if p is not valid.
func (db *DB) UpdatePractice(ctx context.Context, p *journey.Practice) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.exec(ctx, `INSERT INTO practice (id, name, tagline, phone, email, address, time_zone, privacy_notice)
			VALUES (1, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET name = excluded.name, tagline = excluded.tagline, phone = excluded.phone,
				email = excluded.email, address = excluded.address, time_zone = excluded.time_zone,
				privacy_notice = excluded.privacy_notice`,
			p.Name, p.Tagline, p.Phone, p.Email, p.Address, p.TimeZone, p.PrivacyNotice)
		if err != nil {
			return err
		}
		return tx.bumpContent(ctx)
	})
}

// IsEmpty reports whether the database holds no practice yet: the demo
// fills only an empty database.
func (db *DB) IsEmpty(ctx context.Context) (bool, error) {
	var n int
	if err := db.queryRow(ctx, `SELECT (SELECT COUNT(*) FROM practice) + (SELECT COUNT(*) FROM staff)`).Scan(&n); err != nil {
		return false, err
	}
	return n == 0, nil
}

// Secret returns the shared secret called name, creating it from fresh
// random bytes on first use; every process sharing the database gets the same.
func (db *DB) Secret(ctx context.Context, name string) ([]byte, error) {
	fresh := make([]byte, 32)
	rand.Read(fresh)
	err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.exec(ctx, `INSERT INTO app_secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`,
			name, hex.EncodeToString(fresh))
		return err
	})
	if err != nil {
		return nil, err
	}
	var v string
	if err := db.queryRow(ctx, `SELECT value FROM app_secrets WHERE name = ?`, name).Scan(&v); err != nil {
		return nil, err
	}
	return hex.DecodeString(v)
}

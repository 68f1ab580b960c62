package sqldb

import (
	"context"
	"crypto/rand"
	"encoding/hex"

	"github.com/journey-kap/journey"
)

var _ journey.PracticeService = (*DB)(nil)

const practiceQuery = `SELECT p.name, p.tagline, p.phone, p.email, p.address, p.time_zone, p.privacy_notice, p.setup_pending,
	p.reminder_hours, p.cancel_notice_hours, p.landing, p.video_link, COALESCE(l.sha256, ''), COALESCE(l.content_type, '')
	FROM practice p LEFT JOIN practice_logo l ON l.id = 1 WHERE p.id = 1`

func scanPractice(row scanner) (*journey.Practice, error) {
	var p journey.Practice
	err := row.Scan(&p.Name, &p.Tagline, &p.Phone, &p.Email, &p.Address, &p.TimeZone, &p.PrivacyNotice, &p.SetupPending,
		&p.ReminderHours, &p.CancelNoticeHours, &p.Landing, &p.VideoLink, &p.LogoSHA256, &p.LogoType)
	if err != nil {
		return nil, notFound(err, "Practice")
	}
	return &p, nil
}

// FindPractice returns the practice, or ENOTFOUND before one is set up.
func (db *DB) FindPractice(ctx context.Context) (*journey.Practice, error) {
	return scanPractice(db.queryRow(ctx, practiceQuery))
}

// practice reads the practice inside tx; ENOTFOUND before one is set up.
func (tx *Tx) practice(ctx context.Context) (*journey.Practice, error) {
	return scanPractice(tx.queryRow(ctx, practiceQuery))
}

// UpdatePractice replaces the practice's description; EINVALID if p is
// not valid. A change to its details or landing text is kept as a new
// version of each, by p.ChangedBy (settings.go).
func (db *DB) UpdatePractice(ctx context.Context, p *journey.Practice) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error { return tx.savePractice(ctx, p) })
}

// savePractice writes p and keeps the versions its change makes.
func (tx *Tx) savePractice(ctx context.Context, p *journey.Practice) error {
	prev, err := tx.practice(ctx)
	if err != nil && journey.ErrorCode(err) != journey.ENOTFOUND {
		return err
	}
	_, err = tx.exec(ctx, `INSERT INTO practice (id, name, tagline, phone, email, address, time_zone, privacy_notice, setup_pending,
				reminder_hours, cancel_notice_hours, landing, video_link)
			VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET name = excluded.name, tagline = excluded.tagline, phone = excluded.phone,
				email = excluded.email, address = excluded.address, time_zone = excluded.time_zone,
				privacy_notice = excluded.privacy_notice, setup_pending = excluded.setup_pending,
				reminder_hours = excluded.reminder_hours, cancel_notice_hours = excluded.cancel_notice_hours, landing = excluded.landing,
				video_link = excluded.video_link`,
		p.Name, p.Tagline, p.Phone, p.Email, p.Address, p.TimeZone, p.PrivacyNotice, p.SetupPending,
		p.ReminderHours, p.CancelNoticeHours, p.Landing, p.VideoLink)
	if err != nil {
		return err
	}
	if err := tx.recordVersion(ctx, journey.SettingsPractice, practiceData(prev), practiceData(p), p.ChangedBy); err != nil {
		return err
	}
	if err := tx.recordVersion(ctx, journey.SettingsLanding, landingData(prev), landingData(p), p.ChangedBy); err != nil {
		return err
	}
	return tx.bumpContent(ctx)
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

// bookable returns ECONFLICT with journey.NotOpenMessage unless the
// practice takes bookings: before set-up there is nothing to book.
func (db *DB) bookable(ctx context.Context) error {
	_, p, err := db.catalog(ctx)
	if err != nil {
		return err
	}
	if !p.Open() {
		return journey.Errorf(journey.ECONFLICT, journey.NotOpenMessage)
	}
	return nil
}

// SetupProgress counts what a practice's first admin has done so far.
func (db *DB) SetupProgress(ctx context.Context) (journey.SetupProgress, error) {
	var sp journey.SetupProgress
	var details int
	err := db.queryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM practice),
		(SELECT COUNT(DISTINCT h.staff_id) FROM weekly_hours h JOIN users u ON u.id = h.staff_id WHERE u.active),
		(SELECT COUNT(*) FROM invitations WHERE used_at = 0 AND expires_at > ?),
		(SELECT COUNT(*) FROM faq_entries WHERE published),
		(SELECT COUNT(DISTINCT code) FROM consent_documents)`, db.Now().Unix()).
		Scan(&details, &sp.Therapists, &sp.Invited, &sp.FAQ, &sp.Consents)
	sp.Details = details > 0
	return sp, err
}

package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/journey-kap/journey"
)

var _ journey.SettingsVersionService = (*DB)(nil)

// The JSON each kind of settings version holds: what the admin edits,
// nothing the store keeps for itself (ids, set-up state).
type (
	practiceVersion struct {
		Name              string `json:"name"`
		Tagline           string `json:"tagline"`
		Phone             string `json:"phone"`
		Email             string `json:"email"`
		Address           string `json:"address"`
		TimeZone          string `json:"time_zone"`
		ReminderHours     int    `json:"reminder_hours"`
		CancelNoticeHours int    `json:"cancel_notice_hours"`
		VideoLink         string `json:"video_link,omitempty"`
	}
	landingVersion struct {
		Landing string `json:"landing"`
	}
	faqVersion struct {
		Question  string `json:"question"`
		Answer    string `json:"answer"`
		Published bool   `json:"published"`
	}
)

// practiceData and landingData return the JSON of p's details and of its
// landing text; "" for no practice.
func practiceData(p *journey.Practice) string {
	if p == nil {
		return ""
	}
	return mustJSON(practiceVersion{p.Name, p.Tagline, p.Phone, p.Email, p.Address, p.TimeZone, p.ReminderHours, p.CancelNoticeHours, p.VideoLink})
}

func landingData(p *journey.Practice) string {
	if p == nil {
		return ""
	}
	return mustJSON(landingVersion{p.Landing})
}

func faqData(es []*journey.FAQEntry) string {
	out := make([]faqVersion, len(es))
	for i, e := range es {
		out[i] = faqVersion{e.Question, e.Answer, e.Published}
	}
	return mustJSON(out)
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // plain structs of strings, ints and bools
	}
	return string(b)
}

// recordVersion keeps next, kind's state after a save by by, as kind's
// newest version, unless it is the newest already (a save that changed
// another part). While kind has no version yet, prev, the state before
// the save, is kept first as Journey's, so the first change can be undone
// too.
func (tx *Tx) recordVersion(ctx context.Context, kind, prev, next string, by int64) error {
	var n int
	var latest string
	err := tx.queryRow(ctx, `SELECT version, data FROM settings_versions WHERE kind = ? ORDER BY version DESC LIMIT 1`, kind).Scan(&n, &latest)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if prev != "" && prev != next {
			if err := tx.insertVersion(ctx, kind, 1, prev, 0); err != nil {
				return err
			}
			n = 1
		}
	case err != nil:
		return err
	case latest == next:
		return nil
	}
	return tx.insertVersion(ctx, kind, n+1, next, by)
}

func (tx *Tx) insertVersion(ctx context.Context, kind string, version int, data string, by int64) error {
	_, err := tx.exec(ctx, `INSERT INTO settings_versions (kind, version, data, created_by, created_at) VALUES (?, ?, ?, ?, ?)`,
		kind, version, data, by, unix(tx.now))
	return err
}

// FindSettingsVersions returns kind's versions, newest first, at most
// limit (50 when limit is 0 or more than 200).
func (db *DB) FindSettingsVersions(ctx context.Context, kind string, limit int) ([]*journey.SettingsVersion, error) {
	if !journey.IsSettingsKind(kind) {
		return nil, &journey.Error{Code: journey.EINVALID, Message: "Please correct the highlighted fields.",
			Fields: []journey.FieldError{{Field: "kind", Detail: "Choose practice, landing or faq."}}}
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	rows, err := db.query(ctx, `SELECT v.version, v.data, v.created_by, v.created_at, COALESCE(u.name, '') FROM settings_versions v
		LEFT JOIN users u ON u.id = v.created_by WHERE v.kind = ? ORDER BY v.version DESC LIMIT ?`, kind, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*journey.SettingsVersion
	for rows.Next() {
		v, err := db.scanVersion(rows, kind)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// scanVersion reads version, data, created_by, created_at and the sealed
// name of the author.
func (db *DB) scanVersion(row scanner, kind string) (*journey.SettingsVersion, error) {
	v := &journey.SettingsVersion{Kind: kind}
	var data, name string
	var at int64
	if err := row.Scan(&v.Version, &data, &v.By, &at, &name); err != nil {
		return nil, err
	}
	v.At = fromUnix(at)
	if name != "" {
		p := db.phi()
		p.open(aadUserName, &name)
		if p.err != nil {
			return nil, p.err
		}
		v.ByName = name
	}
	return v, decodeVersion(v, data)
}

// decodeVersion fills v's state of its kind from data.
func decodeVersion(v *journey.SettingsVersion, data string) error {
	switch v.Kind {
	case journey.SettingsPractice:
		var d practiceVersion
		if err := json.Unmarshal([]byte(data), &d); err != nil {
			return err
		}
		v.Practice = &journey.Practice{Name: d.Name, Tagline: d.Tagline, Phone: d.Phone, Email: d.Email, Address: d.Address,
			TimeZone: d.TimeZone, ReminderHours: d.ReminderHours, CancelNoticeHours: d.CancelNoticeHours, VideoLink: d.VideoLink}
	case journey.SettingsLanding:
		var d landingVersion
		if err := json.Unmarshal([]byte(data), &d); err != nil {
			return err
		}
		v.Landing = d.Landing
	case journey.SettingsFAQ:
		var d []faqVersion
		if err := json.Unmarshal([]byte(data), &d); err != nil {
			return err
		}
		for _, e := range d {
			v.FAQ = append(v.FAQ, journey.FAQEntry{Question: e.Question, Answer: e.Answer, Published: e.Published})
		}
	}
	return nil
}

// RestoreSettingsVersion saves version's state of kind again, by by, in
// one transaction: the details or the landing text onto the practice as
// it is (the rest of it untouched), or the FAQ in place of the current
// one. The restored state is the newest version.
func (db *DB) RestoreSettingsVersion(ctx context.Context, kind string, version int, by int64) (*journey.SettingsVersion, error) {
	if !journey.IsSettingsKind(kind) {
		return nil, journey.Errorf(journey.ENOTFOUND, "There is no such version.")
	}
	var restored *journey.SettingsVersion
	err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
		v, err := db.scanVersion(tx.queryRow(ctx, `SELECT version, data, created_by, created_at, '' FROM settings_versions
			WHERE kind = ? AND version = ?`, kind, version), kind)
		if err != nil {
			return notFound(err, "Version")
		}
		if kind == journey.SettingsFAQ {
			entries := make([]*journey.FAQEntry, len(v.FAQ))
			for i := range v.FAQ {
				entries[i] = &v.FAQ[i]
			}
			if err := tx.replaceFAQ(ctx, entries, by); err != nil {
				return err
			}
		} else {
			p, err := tx.practice(ctx)
			if err != nil {
				return err
			}
			if kind == journey.SettingsPractice {
				d := v.Practice
				p.Name, p.Tagline, p.Phone, p.Email, p.Address, p.TimeZone = d.Name, d.Tagline, d.Phone, d.Email, d.Address, d.TimeZone
				p.ReminderHours, p.CancelNoticeHours, p.VideoLink = d.ReminderHours, d.CancelNoticeHours, d.VideoLink
			} else {
				p.Landing = v.Landing
			}
			p.ChangedBy = by
			if err := tx.savePractice(ctx, p); err != nil {
				return err
			}
		}
		restored = v
		return nil
	})
	if err != nil {
		return nil, err
	}
	vs, err := db.FindSettingsVersions(ctx, kind, 1)
	if err != nil || len(vs) == 0 {
		return restored, err
	}
	return vs[0], nil
}

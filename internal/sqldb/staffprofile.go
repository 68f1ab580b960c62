package sqldb

import (
	"context"

	"github.com/journey-kap/journey"
)

var _ journey.StaffProfileService = (*DB)(nil)

// FindStaffProfile returns ENOTFOUND unless id is a member of staff.
func (db *DB) FindStaffProfile(ctx context.Context, id int64) (*journey.StaffProfile, error) {
	var p journey.StaffProfile
	err := db.queryRow(ctx, `SELECT u.id, u.name, s.credentials, s.pronouns, s.bio, s.licence_number, s.licence_state, s.npi, s.time_zone
		FROM users u JOIN staff s ON s.id = u.id WHERE u.id = ? AND u.kind = 'staff'`, id).
		Scan(&p.ID, &p.Name, &p.Credentials, &p.Pronouns, &p.Bio, &p.LicenceNumber, &p.LicenceState, &p.NPI, &p.TimeZone)
	if err != nil {
		return nil, notFound(err, "Staff member")
	}
	ph := db.phi()
	ph.open(aadUserName, &p.Name)
	return &p, ph.err
}

// UpdateStaffProfile validates and stores p: the name (sealed, with its
// blind indexes replaced) and the profile. The zone is the one the
// person's consult hours are read in, so one who offers consults must
// keep one (EINVALID on time_zone). The content and calendar counters
// move, so the public therapist list, the slots and their caches see the
// change.
func (db *DB) UpdateStaffProfile(ctx context.Context, p *journey.StaffProfile) error {
	p.Normalize()
	if err := p.Validate(); err != nil {
		return err
	}
	ph := db.phi()
	name, tokens := ph.seal(aadUserName, p.Name), db.Keys.NameIndex(p.Name)
	if ph.err != nil {
		return ph.err
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		if p.TimeZone == "" {
			var n int
			if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM consult_calendars WHERE staff_id = ?`, p.ID).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return &journey.Error{Code: journey.EINVALID, Message: "Please correct the highlighted fields.",
					Fields: []journey.FieldError{{Field: "time_zone", Detail: "Your consult hours are in this zone: choose one."}}}
			}
		}
		res, err := tx.exec(ctx, `UPDATE staff SET credentials = ?, pronouns = ?, bio = ?, licence_number = ?, licence_state = ?, npi = ?, time_zone = ?
			WHERE id = ?`, p.Credentials, p.Pronouns, p.Bio, p.LicenceNumber, p.LicenceState, p.NPI, p.TimeZone, p.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return journey.Errorf(journey.ENOTFOUND, "Staff member not found.")
		}
		if _, err := tx.exec(ctx, `UPDATE users SET name = ? WHERE id = ?`, name, p.ID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM name_index WHERE owner_type = ? AND owner_id = ?`, ownerUser, p.ID); err != nil {
			return err
		}
		if err := tx.indexName(ctx, ownerUser, p.ID, tokens); err != nil {
			return err
		}
		if err := tx.bumpContent(ctx); err != nil {
			return err
		}
		return tx.bumpCalendar(ctx)
	})
}

package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/journey-kap/journey"
)

var _ journey.RoomService = (*DB)(nil)
var _ journey.StaffHoursService = (*DB)(nil)

// FindLocations returns the practice's locations by name.
func (db *DB) FindLocations(ctx context.Context) ([]*journey.Location, error) {
	rows, err := db.query(ctx, `SELECT id, name, address, time_zone, active FROM locations ORDER BY name, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*journey.Location{}
	for rows.Next() {
		var l journey.Location
		if err := rows.Scan(&l.ID, &l.Name, &l.Address, &l.TimeZone, &l.Active); err != nil {
			return nil, err
		}
		out = append(out, &l)
	}
	return out, rows.Err()
}

// CreateLocation validates l, stores it active and sets its ID.
func (db *DB) CreateLocation(ctx context.Context, l *journey.Location) error {
	if err := l.Validate(); err != nil {
		return err
	}
	l.Active = true
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		var err error
		l.ID, err = tx.insert(ctx, `INSERT INTO locations (name, address, time_zone, active) VALUES (?, ?, ?, ?)`,
			l.Name, l.Address, l.TimeZone, true)
		if err == nil {
			err = tx.bumpCalendar(ctx)
		}
		return err
	})
}

// FindRooms returns every room, by location and name, with its hours and
// its location's zone.
func (db *DB) FindRooms(ctx context.Context) ([]*journey.Room, error) {
	return db.rooms(ctx, db.query, 0)
}

// FindRoom returns room id with its hours; ENOTFOUND when there is none.
func (db *DB) FindRoom(ctx context.Context, id int64) (*journey.Room, error) {
	rs, err := db.rooms(ctx, db.query, id)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, journey.Errorf(journey.ENOTFOUND, "Room not found.")
	}
	return rs[0], nil
}

// rooms returns room id, or every room when id is 0, with their hours,
// read through query (the pool, or one read transaction).
func (db *DB) rooms(ctx context.Context, query queryFunc, id int64) ([]*journey.Room, error) {
	rows, err := query(ctx, `SELECT r.id, r.location_id, r.name, r.active AND l.active, l.time_zone
		FROM rooms r JOIN locations l ON l.id = r.location_id
		WHERE r.id = ? OR ? = 0 ORDER BY l.name, r.location_id, r.name, r.id`, id, id)
	if err != nil {
		return nil, err
	}
	out := []*journey.Room{}
	byID := map[int64]*journey.Room{}
	for rows.Next() {
		var r journey.Room
		if err := rows.Scan(&r.ID, &r.LocationID, &r.Name, &r.Active, &r.TimeZone); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, &r)
		byID[r.ID] = &r
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	err = loadWindows(ctx, query, "room_hours", "room_exceptions", "room_id", id, func(id int64, w *journey.WeeklyHours, e *journey.ScheduleException) {
		if r := byID[id]; r != nil && w != nil {
			r.Weekly = append(r.Weekly, *w)
		} else if r != nil {
			r.Exceptions = append(r.Exceptions, *e)
		}
	})
	return out, err
}

// loadWindows reads the weekly hours and exceptions of one owner (or every
// owner when id is 0) from the tables named, calling add with each: a
// weekly window, or (w nil) an exception.
func loadWindows(ctx context.Context, query queryFunc, weeklyTable, exceptionTable, ownerCol string, id int64,
	add func(owner int64, w *journey.WeeklyHours, e *journey.ScheduleException)) error {
	rows, err := query(ctx, fmt.Sprintf(`SELECT %s, weekday, start_minute, end_minute FROM %s
		WHERE %[1]s = ? OR ? = 0 ORDER BY %[1]s, weekday, start_minute`, ownerCol, weeklyTable), id, id)
	if err != nil {
		return err
	}
	for rows.Next() {
		var owner int64
		var w journey.WeeklyHours
		if err := rows.Scan(&owner, &w.Weekday, &w.Start, &w.End); err != nil {
			rows.Close()
			return err
		}
		add(owner, &w, nil)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = query(ctx, fmt.Sprintf(`SELECT %s, day, kind, start_minute, end_minute FROM %s
		WHERE %[1]s = ? OR ? = 0 ORDER BY %[1]s, day, start_minute`, ownerCol, exceptionTable), id, id)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var owner int64
		var e journey.ScheduleException
		if err := rows.Scan(&owner, &e.Date, &e.Kind, &e.Start, &e.End); err != nil {
			return err
		}
		add(owner, nil, &e)
	}
	return rows.Err()
}

// replaceWindows replaces one owner's weekly hours and exceptions in the
// tables named, inside tx.
func (tx *Tx) replaceWindows(ctx context.Context, weeklyTable, exceptionTable, ownerCol string, id int64,
	weekly []journey.WeeklyHours, exceptions []journey.ScheduleException) error {
	for _, t := range []string{weeklyTable, exceptionTable} {
		if _, err := tx.exec(ctx, fmt.Sprintf(`DELETE FROM %s WHERE %s = ?`, t, ownerCol), id); err != nil {
			return err
		}
	}
	for _, w := range weekly {
		if _, err := tx.exec(ctx, fmt.Sprintf(`INSERT INTO %s (%s, weekday, start_minute, end_minute) VALUES (?, ?, ?, ?)`, weeklyTable, ownerCol),
			id, int(w.Weekday), int(w.Start), int(w.End)); err != nil {
			return err
		}
	}
	for _, e := range exceptions {
		if _, err := tx.exec(ctx, fmt.Sprintf(`INSERT INTO %s (%s, day, kind, start_minute, end_minute) VALUES (?, ?, ?, ?, ?)`, exceptionTable, ownerCol),
			id, e.Date, e.Kind, int(e.Start), int(e.End)); err != nil {
			return err
		}
	}
	// Hours change which sessions can be offered.
	return tx.bumpCalendar(ctx)
}

// CreateRoom validates r, stores it active with its hours and sets its
// ID; EINVALID on location_id when there is no such location, on name
// when the location has a room of that name.
func (db *DB) CreateRoom(ctx context.Context, r *journey.Room) error {
	if err := r.Validate(); err != nil {
		return err
	}
	r.Active = true
	err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
		if err := tx.queryRow(ctx, `SELECT time_zone FROM locations WHERE id = ?`, r.LocationID).Scan(&r.TimeZone); errors.Is(err, sql.ErrNoRows) {
			return invalidField("location_id", "Choose one of the practice's locations.")
		} else if err != nil {
			return err
		}
		var err error
		if r.ID, err = tx.insert(ctx, `INSERT INTO rooms (location_id, name, active) VALUES (?, ?, ?)`, r.LocationID, r.Name, true); err != nil {
			return err
		}
		return tx.replaceWindows(ctx, "room_hours", "room_exceptions", "room_id", r.ID, r.Weekly, r.Exceptions)
	})
	if journey.ErrorCode(err) == journey.ECONFLICT {
		return invalidField("name", "This location already has a room of that name.")
	}
	return err
}

// SetRoomHours replaces room id's weekly hours and exceptions; ENOTFOUND
// when there is no such room.
func (db *DB) SetRoomHours(ctx context.Context, id int64, weekly []journey.WeeklyHours, exceptions []journey.ScheduleException) error {
	r, err := db.FindRoom(ctx, id)
	if err != nil {
		return err
	}
	r.Weekly, r.Exceptions = weekly, exceptions
	if err := r.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		return tx.replaceWindows(ctx, "room_hours", "room_exceptions", "room_id", id, weekly, exceptions)
	})
}

// clinicalRoles are the roles that hold clinical hours.
var clinicalRoles = []string{journey.RoleTherapist, journey.RoleMedicalProvider, journey.RoleChaperone}

// FindStaffHours returns member of staff id's clinical hours in their
// zone, with their clinical roles; ENOTFOUND unless id is staff.
func (db *DB) FindStaffHours(ctx context.Context, id int64) (*journey.StaffHours, error) {
	hs, err := db.staffHours(ctx, db.query, id, false)
	if err != nil {
		return nil, err
	}
	if len(hs) == 0 {
		return nil, journey.Errorf(journey.ENOTFOUND, "Staff member not found.")
	}
	return hs[0], nil
}

// FindAllStaffHours returns the clinical hours of every active member of
// staff with a clinical role, by id.
func (db *DB) FindAllStaffHours(ctx context.Context) ([]*journey.StaffHours, error) {
	return db.staffHours(ctx, db.query, 0, true)
}

func (db *DB) staffHours(ctx context.Context, query queryFunc, id int64, clinicalOnly bool) ([]*journey.StaffHours, error) {
	rows, err := query(ctx, `SELECT s.id, s.time_zone, COALESCE(r.role, '') FROM staff s JOIN users u ON u.id = s.id
		LEFT JOIN user_roles r ON r.user_id = s.id AND r.role IN (?, ?, ?)
		WHERE (s.id = ? OR ? = 0) AND (u.active OR ? <> 0) ORDER BY s.id, r.role`,
		clinicalRoles[0], clinicalRoles[1], clinicalRoles[2], id, id, id)
	if err != nil {
		return nil, err
	}
	var out []*journey.StaffHours
	byID := map[int64]*journey.StaffHours{}
	for rows.Next() {
		var sid int64
		var zone, role string
		if err := rows.Scan(&sid, &zone, &role); err != nil {
			rows.Close()
			return nil, err
		}
		h := byID[sid]
		if h == nil {
			h = &journey.StaffHours{StaffID: sid, TimeZone: zone}
			byID[sid] = h
			out = append(out, h)
		}
		if role != "" {
			h.Roles = append(h.Roles, role)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if clinicalOnly {
		kept := out[:0]
		for _, h := range out {
			if len(h.Roles) > 0 {
				kept = append(kept, h)
			} else {
				delete(byID, h.StaffID)
			}
		}
		out = kept
	}
	err = loadWindows(ctx, query, "clinical_hours", "clinical_exceptions", "staff_id", id, func(id int64, w *journey.WeeklyHours, e *journey.ScheduleException) {
		if h := byID[id]; h != nil && w != nil {
			h.Weekly = append(h.Weekly, *w)
		} else if h != nil {
			h.Exceptions = append(h.Exceptions, *e)
		}
	})
	return out, err
}

// SetStaffHours replaces h.StaffID's clinical hours and exceptions and
// sets h's zone as their one zone (the profile's, which their consult
// hours are read in too); ENOTFOUND unless they are a member of staff.
func (db *DB) SetStaffHours(ctx context.Context, h *journey.StaffHours) error {
	if err := h.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE staff SET time_zone = ? WHERE id = ?`, h.TimeZone, h.StaffID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return journey.Errorf(journey.ENOTFOUND, "Staff member not found.")
		}
		if err := tx.bumpContent(ctx); err != nil {
			return err
		}
		return tx.replaceWindows(ctx, "clinical_hours", "clinical_exceptions", "staff_id", h.StaffID, h.Weekly, h.Exceptions)
	})
}

// invalidField returns EINVALID naming one field.
func invalidField(field, detail string) error {
	var v journey.Validation
	v.Add(field, detail)
	return v.Err()
}

package sqldb

import (
	"context"
	"time"

	"github.com/journey-kap/journey"
)

var _ journey.CalendarFeedService = (*DB)(nil)

const calendarFeedColumns = `id, user_id, created_at, revoked_at, last_read_at`

func scanCalendarFeed(r scanner) (*journey.CalendarFeed, error) {
	var f journey.CalendarFeed
	var created, revoked, read int64
	if err := r.Scan(&f.ID, &f.UserID, &created, &revoked, &read); err != nil {
		return nil, notFound(err, "Calendar feed")
	}
	f.CreatedAt, f.RevokedAt, f.LastRead = fromUnix(created), fromUnix(revoked), fromUnix(read)
	return &f, nil
}

// CreateCalendarFeed stores a new feed for userID under tokenHash;
// ECONFLICT when they hold MaxCalendarFeeds working feeds already.
func (db *DB) CreateCalendarFeed(ctx context.Context, userID int64, tokenHash string) (*journey.CalendarFeed, error) {
	f := &journey.CalendarFeed{UserID: userID}
	err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM calendar_feeds WHERE user_id = ? AND revoked_at = 0`, userID).Scan(&n); err != nil {
			return err
		}
		if n >= journey.MaxCalendarFeeds {
			return journey.Errorf(journey.ECONFLICT, "You have %d calendar links already: revoke one you no longer use first.", n)
		}
		f.CreatedAt = tx.now
		var err error
		f.ID, err = tx.insert(ctx, `INSERT INTO calendar_feeds (user_id, token_hash, created_at) VALUES (?, ?, ?)`, userID, tokenHash, unix(tx.now))
		return err
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// RevokeCalendarFeed revokes userID's working feed id; ENOTFOUND when there
// is none (another's, or revoked already).
func (db *DB) RevokeCalendarFeed(ctx context.Context, userID, id int64) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE calendar_feeds SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at = 0`, unix(tx.now), id, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return journey.Errorf(journey.ENOTFOUND, "Calendar link not found.")
		}
		return nil
	})
}

// FindCalendarFeedByToken returns the working feed whose token hashes to
// tokenHash, of an active user; ENOTFOUND otherwise.
func (db *DB) FindCalendarFeedByToken(ctx context.Context, tokenHash string) (*journey.CalendarFeed, error) {
	return scanCalendarFeed(db.queryRow(ctx, `SELECT f.id, f.user_id, f.created_at, f.revoked_at, f.last_read_at
		FROM calendar_feeds f JOIN users u ON u.id = f.user_id WHERE f.token_hash = ? AND f.revoked_at = 0 AND u.active`, tokenHash))
}

// FindCalendarFeeds returns userID's working feeds, newest first.
func (db *DB) FindCalendarFeeds(ctx context.Context, userID int64) ([]*journey.CalendarFeed, error) {
	rows, err := db.query(ctx, `SELECT `+calendarFeedColumns+` FROM calendar_feeds WHERE user_id = ? AND revoked_at = 0 ORDER BY id DESC`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*journey.CalendarFeed{}
	for rows.Next() {
		f, err := scanCalendarFeed(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// MarkCalendarFeedRead records that feed id was read now, at most once a
// minute (calendar programs poll).
func (db *DB) MarkCalendarFeedRead(ctx context.Context, id int64) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.exec(ctx, `UPDATE calendar_feeds SET last_read_at = ? WHERE id = ? AND last_read_at < ?`, unix(tx.now), id, unix(tx.now)-60)
		return err
	})
}

// CalendarFeedSessions returns what userID's feed is made of: for staff,
// the sessions they hold, in their profile's zone; for a client, their
// own, in the zone they booked their consult in (else the practice's).
// Sessions start in [from, to); a cancelled one is kept, to be shown
// cancelled. ENOTFOUND for a user who is neither.
func (db *DB) CalendarFeedSessions(ctx context.Context, userID int64, from, to time.Time) (*journey.FeedSource, error) {
	u, err := db.FindUserByID(ctx, userID)
	if err != nil {
		return nil, err
	}
	src := &journey.FeedSource{Staff: u.IsStaff()}
	f := journey.CareSessionFilter{From: from, To: to, Limit: journey.MaxSessionList}
	var zone string
	if src.Staff {
		f.StaffID = userID
		err = db.queryRow(ctx, `SELECT COALESCE((SELECT NULLIF(time_zone, '') FROM staff WHERE id = ?), (SELECT time_zone FROM practice WHERE id = 1), 'UTC')`, userID).Scan(&zone)
	} else {
		c, cerr := db.FindClientByUserID(ctx, userID)
		if cerr != nil {
			return nil, cerr
		}
		f.ClientID = c.ID
		err = db.queryRow(ctx, `SELECT COALESCE((SELECT s.time_zone FROM clients k JOIN consults s ON s.id = k.consult_id WHERE k.id = ?),
			(SELECT time_zone FROM practice WHERE id = 1), 'UTC')`, c.ID).Scan(&zone)
	}
	if err != nil {
		return nil, err
	}
	if _, zerr := journey.LoadZone(zone); zerr != nil {
		zone = "UTC"
	}
	src.TimeZone = zone
	sessions, err := db.FindCareSessions(ctx, f)
	if err != nil {
		return nil, err
	}
	names, err := db.feedNames(ctx)
	if err != nil {
		return nil, err
	}
	clients := map[int64]string{}
	for _, s := range sessions {
		fs := journey.FeedSession{Session: s, TypeName: names.types[s.Type], Where: names.rooms[s.RoomID]}
		if s.Mode == journey.ModeRemote && names.telehealth != "" {
			fs.Where = journey.TelehealthLink(names.telehealth, s.ID, s.RoomKey)
		}
		if src.Staff && s.ClientID != 0 {
			if _, ok := clients[s.ClientID]; !ok {
				c, err := db.FindClientByID(ctx, s.ClientID)
				if err != nil {
					return nil, err
				}
				clients[s.ClientID] = c.Name
			}
			fs.ClientName = clients[s.ClientID]
		}
		src.Sessions = append(src.Sessions, fs)
	}
	return src, nil
}

// feedNamesOf is what a feed names sessions by: type names, rooms with
// their place, the telehealth link template.
type feedNamesOf struct {
	types      map[string]string
	rooms      map[int64]string
	telehealth string
}

func (db *DB) feedNames(ctx context.Context) (*feedNamesOf, error) {
	n := &feedNamesOf{types: map[string]string{}, rooms: map[int64]string{}}
	types, err := db.FindSessionTypes(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range types {
		n.types[t.Code] = t.Name
	}
	rows, err := db.query(ctx, `SELECT m.id, m.name, l.name, l.address FROM rooms m JOIN locations l ON l.id = m.location_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var room, place, address string
		if err := rows.Scan(&id, &room, &place, &address); err != nil {
			return nil, err
		}
		n.rooms[id] = joinNonEmpty(", ", room, place, address)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	cs, err := db.FindCareSettings(ctx)
	if err != nil {
		return nil, err
	}
	n.telehealth = cs.TelehealthTemplate
	return n, nil
}

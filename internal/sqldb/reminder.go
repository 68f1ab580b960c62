package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/journey-kap/journey"
)

// Reminders are made when they fall due (ScheduleReminders, run by a
// periodic job) rather than when a session is booked: the session as it is
// then decides, so a cancelled session gets none and a moved one gets its
// own for its new time, whatever path booked, moved or cancelled it. A
// reminder is a row keyed by (session, client, kind, sequence, channel):
// two processes making the same one make it once. Sending is a job's:
// email reminders go in batches of reminderBatch, one transaction each
// (SendReminders), a text alone (SendTextReminder); the row's status,
// changed only from pending, is what makes each once even when a job runs
// twice or two jobs hold it.

// Sealed reminder columns.
const (
	aadReminderError    = "reminders.last_error" // a provider's answer may quote the number
	aadTextConsentPhone = "text_consents.phone"
)

var _ journey.ReminderService = (*DB)(nil)

// reminderBatch is how many email reminders one job sends, in one
// transaction. A job per reminder capped a queue at its workers per poll
// (4 each 50 ms was 160 a second for two processes, and River's own
// bookkeeping per job was most of the CPU); a hundred per transaction
// keeps one well under River's job timeout even on a slow disk.
const reminderBatch = 100

// morningAfterWindow is how long after its time a morning-after message is
// still worth sending (a queue that was down all day sends none late).
const morningAfterWindow = 12 * time.Hour

// FindReminderSettings returns the practice's reminder rules, Journey's
// defaults where it has none.
func (db *DB) FindReminderSettings(ctx context.Context) (journey.ReminderSettings, error) {
	return reminderSettings(db.queryRow(ctx, reminderSettingsQuery))
}

const reminderSettingsQuery = `SELECT early_hours, day_hours, fast_food_hours, fast_liquid_minutes, morning_hour FROM reminder_settings WHERE id = 1`

func reminderSettings(r row) (journey.ReminderSettings, error) {
	var s journey.ReminderSettings
	err := r.Scan(&s.EarlyHours, &s.DayHours, &s.FastFoodHours, &s.FastLiquidMinutes, &s.MorningHour)
	if err != nil && journey.ErrorCode(notFound(err, "")) == journey.ENOTFOUND {
		return journey.DefaultReminderSettings(), nil
	}
	return s.WithDefaults(), err
}

// SaveReminderSettings stores the practice's reminder rules; EINVALID
// naming each wrong field.
func (db *DB) SaveReminderSettings(ctx context.Context, s journey.ReminderSettings, by int64) error {
	if err := s.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.exec(ctx, `INSERT INTO reminder_settings (id, early_hours, day_hours, fast_food_hours, fast_liquid_minutes, morning_hour, updated_by, updated_at)
			VALUES (1, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET early_hours = excluded.early_hours, day_hours = excluded.day_hours,
			fast_food_hours = excluded.fast_food_hours, fast_liquid_minutes = excluded.fast_liquid_minutes, morning_hour = excluded.morning_hour,
			updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			s.EarlyHours, s.DayHours, s.FastFoodHours, s.FastLiquidMinutes, s.MorningHour, by, unix(tx.now))
		return err
	})
}

// dueReminder is a reminder a session is owed now.
type dueReminder struct {
	session, client int64
	kind            string
	sequence        int
	due             time.Time
	texts           bool // the client's newest answer agreed to texts
}

// sessionClients joins each session to its clients: its own, or a group's
// attendees still booked.
const sessionClients = `FROM care_sessions s LEFT JOIN session_attendees a ON a.session_id = s.id AND a.status = 'booked'`

// ScheduleReminders makes, in transactions of at most limit (1..1000), the
// reminders due now that do not exist yet, and hands them to the job queue
// (EnqueueReminders) in the transaction that made them: the emails in
// batches of reminderBatch, each text alone (it leaves the machine, so its
// retries and their backoff are its own). texts makes the text message too
// for clients who agreed to texts. It returns how many it made.
//
// A reminder is owed while it is useful: the first (early) from its time
// until the second falls due, the second until the session starts, the
// morning after for morningAfterWindow. So a session booked two days ahead
// gets the second only, and a queue that was down sends nothing stale.
func (db *DB) ScheduleReminders(ctx context.Context, texts bool, limit int) (int, error) {
	if limit < 1 || limit > 1000 {
		limit = 1000
	}
	set, err := db.FindReminderSettings(ctx)
	if err != nil {
		return 0, err
	}
	made := 0
	for {
		n := 0
		err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
			due, err := tx.dueReminders(ctx, set, limit)
			if err != nil {
				return err
			}
			emails, textIDs, err := tx.insertReminders(ctx, due, texts)
			if err != nil {
				return err
			}
			n = len(due)
			made += len(emails) + len(textIDs)
			batches := reminderBatches(emails, textIDs)
			if len(batches) > 0 && db.EnqueueReminders != nil {
				return db.EnqueueReminders(ctx, tx.Tx, batches)
			}
			return nil
		})
		if err != nil || n < limit {
			return made, err
		}
	}
}

// reminderBatches groups reminders for their jobs: emails by
// reminderBatch, each text alone.
func reminderBatches(emails, texts []int64) [][]int64 {
	var out [][]int64
	for len(emails) > 0 {
		n := min(len(emails), reminderBatch)
		out, emails = append(out, emails[:n:n]), emails[n:]
	}
	for _, id := range texts {
		out = append(out, []int64{id})
	}
	return out
}

// dueReminders returns up to limit reminders owed now and not yet made.
func (tx *Tx) dueReminders(ctx context.Context, set journey.ReminderSettings, limit int) ([]dueReminder, error) {
	now := unix(tx.now)
	early, day := int64(set.EarlyHours)*3600, int64(set.DayHours)*3600
	const cols = `SELECT s.id, COALESCE(s.client_id, a.client_id), s.sequence, s.start_at, s.end_at,
		COALESCE((SELECT t.agreed FROM text_consents t WHERE t.client_id = COALESCE(s.client_id, a.client_id) ORDER BY t.id DESC LIMIT 1), ` + "FALSE" + `) `
	const missing = ` AND COALESCE(s.client_id, a.client_id) IS NOT NULL AND NOT EXISTS (SELECT 1 FROM reminders r WHERE r.session_id = s.id
		AND r.client_id = COALESCE(s.client_id, a.client_id) AND r.kind = ? AND r.sequence = s.sequence AND r.channel = 'email')`
	var out []dueReminder
	for _, q := range []struct {
		kind  string
		where string
		args  []any
	}{
		{journey.ReminderDay, `s.status IN ('booked', 'checked_in') AND s.start_at > ? AND s.start_at <= ?`, []any{now, now + day}},
		{journey.ReminderEarly, `s.status = 'booked' AND s.start_at > ? AND s.start_at <= ?`, []any{now + day, now + early}},
		{journey.ReminderMorningAfter, `s.type = 'medicine' AND s.status IN ('booked', 'checked_in', 'in_progress', 'completed')
			AND s.end_at > ? AND s.end_at <= ?`, []any{now - 48*3600, now}},
	} {
		if len(out) >= limit {
			break
		}
		rows, err := tx.query(ctx, cols+sessionClients+` WHERE `+q.where+missing+` ORDER BY s.start_at, s.id LIMIT ?`,
			append(q.args, q.kind, limit-len(out))...)
		if err != nil {
			return nil, err
		}
		var found []dueReminder
		var ends []int64
		for rows.Next() {
			d := dueReminder{kind: q.kind}
			var start, end int64
			if err := rows.Scan(&d.session, &d.client, &d.sequence, &start, &end, &d.texts); err != nil {
				rows.Close()
				return nil, err
			}
			d.due, _ = set.Due(q.kind, fromUnix(start), fromUnix(end), time.UTC)
			found, ends = append(found, d), append(ends, end)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		for i, d := range found {
			if q.kind == journey.ReminderMorningAfter {
				// Its hour is the client's: read once the rows are closed
				// (PostgreSQL runs one query at a time on a transaction).
				loc, err := tx.clientZone(ctx, d.session, d.client)
				if err != nil {
					return nil, err
				}
				d.due, _ = set.Due(q.kind, time.Time{}, fromUnix(ends[i]), loc)
				if d.due.After(tx.now) || !tx.now.Before(d.due.Add(morningAfterWindow)) {
					continue
				}
			}
			out = append(out, d)
		}
	}
	return out, nil
}

// insertReminders stores due (and their texts, with texts on), leaving
// any that another process made first, and returns the ids it made of
// emails and of texts, in order.
func (tx *Tx) insertReminders(ctx context.Context, due []dueReminder, texts bool) (emails, textIDs []int64, err error) {
	type row struct {
		d       dueReminder
		channel string
	}
	var rows []row
	for _, d := range due {
		rows = append(rows, row{d, journey.ChannelEmail})
		if texts && d.texts {
			rows = append(rows, row{d, journey.ChannelText})
		}
	}
	for len(rows) > 0 {
		// A statement of 100 rows, else 10, else 1: a sweep's thousand
		// reminders are ten statements, not a thousand (each a fifth of a
		// millisecond on SQLite, many times that under the race detector),
		// and the statement caches hold three texts.
		n := 1
		if len(rows) >= 100 {
			n = 100
		} else if len(rows) >= 10 {
			n = 10
		}
		args := make([]any, 0, 7*n)
		for _, r := range rows[:n] {
			args = append(args, r.d.session, r.d.client, r.d.kind, r.channel, r.d.sequence, unix(r.d.due), unix(tx.now))
		}
		rows = rows[n:]
		set, err := tx.query(ctx, insertRemindersSQL(n), args...)
		if err != nil {
			return nil, nil, err
		}
		for set.Next() {
			var id int64
			var ch string
			if err := set.Scan(&id, &ch); err != nil {
				set.Close()
				return nil, nil, err
			}
			if ch == journey.ChannelText {
				textIDs = append(textIDs, id)
			} else {
				emails = append(emails, id)
			}
		}
		set.Close()
		if err := set.Err(); err != nil {
			return nil, nil, err
		}
	}
	// RETURNING promises no order; ids follow the order rows were made.
	slices.Sort(emails)
	slices.Sort(textIDs)
	return emails, textIDs, nil
}

// insertRemindersSQL is the INSERT of n reminders, pending, that leaves
// any already made.
func insertRemindersSQL(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO reminders (session_id, client_id, kind, channel, sequence, due_at, status, created_at) VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, ?, ?, ?, 'pending', ?)")
	}
	b.WriteString(` ON CONFLICT (session_id, client_id, kind, sequence, channel) DO NOTHING RETURNING id, channel`)
	return b.String()
}

// clientZone returns the zone a client reads a session's times in: the
// location's for a session in a room, else the zone they gave when they
// booked their consult, else the practice's.
func (tx *Tx) clientZone(ctx context.Context, sessionID, clientID int64) (*time.Location, error) {
	var zone string
	if err := tx.queryRow(ctx, `SELECT `+clientZoneSQL, sessionID, clientID).Scan(&zone); err != nil {
		return nil, err
	}
	return zoneOrUTC(zone), nil
}

// clientZoneSQL is clientZone's expression, of a session's id and a
// client's, in that order.
const clientZoneSQL = `COALESCE(
		(SELECT l.time_zone FROM session_resources r JOIN rooms m ON m.id = r.resource_id JOIN locations l ON l.id = m.location_id
			WHERE r.session_id = ? AND r.role = 'room' LIMIT 1),
		(SELECT c.time_zone FROM clients k JOIN consults c ON c.id = k.consult_id WHERE k.id = ?),
		(SELECT time_zone FROM practice WHERE id = 1), 'UTC')`

// zoneOrUTC returns the zone named, or UTC for a name Go does not know.
func zoneOrUTC(zone string) *time.Location {
	loc, err := journey.LoadZone(zone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// FindReminder returns reminder id; ENOTFOUND when there is none.
func (db *DB) FindReminder(ctx context.Context, id int64) (*journey.Reminder, error) {
	return scanReminder(db.queryRow(ctx, `SELECT `+reminderColumns+` FROM reminders WHERE id = ?`, id))
}

const reminderColumns = `id, session_id, client_id, kind, channel, sequence, due_at, status, COALESCE(message_id, 0), attempts, error_class, sent_at, created_at`

func scanReminder(r scanner) (*journey.Reminder, error) {
	var m journey.Reminder
	var due, sent, created int64
	if err := r.Scan(&m.ID, &m.SessionID, &m.ClientID, &m.Kind, &m.Channel, &m.Sequence, &due, &m.Status, &m.MessageID,
		&m.Attempts, &m.ErrorClass, &sent, &created); err != nil {
		return nil, notFound(err, "Reminder")
	}
	m.DueAt, m.SentAt, m.CreatedAt = fromUnix(due), fromUnix(sent), fromUnix(created)
	return &m, nil
}

// FindReminders returns the reminders of a session, by id.
func (db *DB) FindReminders(ctx context.Context, sessionID int64) ([]*journey.Reminder, error) {
	rows, err := db.query(ctx, `SELECT `+reminderColumns+` FROM reminders WHERE session_id = ? ORDER BY id`, sessionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*journey.Reminder
	for rows.Next() {
		m, err := scanReminder(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// CountReminders returns how many reminders are in each status, by
// channel and status ("email/sent").
func (db *DB) CountReminders(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	err := db.groupCount(ctx, `SELECT channel, status, COUNT(*) FROM reminders GROUP BY channel, status`,
		func(ch, st string, n int) { out[ch+"/"+st] = n })
	return out, err
}

// errReminderDone rolls back the sending of a reminder another attempt
// settled first.
var errReminderDone = errors.New("sqldb: reminder already settled")

// reminderFacts is what a reminder is written from, read in the
// transaction that sends it.
type reminderFacts struct {
	r       *journey.Reminder
	session *journey.CareSession
	client  *journey.Client
	current bool           // the session still owes this reminder
	zone    *time.Location // the client's for this session (clientZone)
}

// reminderFacts reads reminder id with its session and client; nil when
// it is no longer pending.
func (tx *Tx) reminderFacts(ctx context.Context, id int64) (*reminderFacts, error) {
	r, err := scanReminder(tx.queryRow(ctx, `SELECT `+reminderColumns+` FROM reminders WHERE id = ?`, id))
	if err != nil {
		return nil, err
	}
	if r.Status != journey.ReminderPending {
		return nil, nil
	}
	s, err := tx.db.scanCareSession(tx.queryRow(ctx, `SELECT `+careSessionColumns+` FROM care_sessions s WHERE s.id = ?`, r.SessionID))
	if err != nil {
		return nil, notFound(err, "Session")
	}
	// The client with whether they still attend and their zone, in one
	// statement: a reminder's statements are most of its cost.
	var attending bool
	var zone string
	c, err := tx.db.scanClient(tx.queryRow(ctx, `SELECT `+clientColumns+`,
		EXISTS (SELECT 1 FROM care_sessions WHERE id = ? AND client_id = ?)
		OR EXISTS (SELECT 1 FROM session_attendees WHERE session_id = ? AND client_id = ? AND status = 'booked'), `+clientZoneSQL+`
		FROM clients WHERE id = ?`, s.ID, r.ClientID, s.ID, r.ClientID, s.ID, r.ClientID, r.ClientID), &attending, &zone)
	if err != nil {
		return nil, notFound(err, "Client")
	}
	f := &reminderFacts{r: r, session: s, client: c, zone: zoneOrUTC(zone)}
	f.current = attending && s.Sequence == r.Sequence && s.Status != journey.SessionCancelled && s.Status != journey.SessionNoShow &&
		(r.Kind == journey.ReminderMorningAfter || s.Start.After(tx.now))
	return f, nil
}

// owedReminder reads pending reminder id of channel with what it is
// written from; nil when it is no longer pending, or is skipped now
// because its session was cancelled or moved.
func (tx *Tx) owedReminder(ctx context.Context, id int64, channel string) (*reminderFacts, error) {
	f, err := tx.reminderFacts(ctx, id)
	if err != nil || f == nil {
		return nil, err
	}
	if f.r.Channel != channel {
		return nil, fmt.Errorf("sqldb: reminder %d goes by %s, not %s", id, f.r.Channel, channel)
	}
	if !f.current {
		return nil, tx.settleReminder(ctx, id, journey.ReminderPending, journey.ReminderSkipped, 0, "", "", "")
	}
	return f, nil
}

// settle moves reminder id from pending (or sending) to status; it fails
// with errReminderDone when another attempt moved it first.
func (tx *Tx) settleReminder(ctx context.Context, id int64, from, status string, messageID int64, class, lastErr, providerID string) error {
	var mid any
	if messageID != 0 {
		mid = messageID
	}
	sent := int64(0)
	if status == journey.ReminderSent {
		sent = unix(tx.now)
	}
	p := tx.db.phi()
	sealed := p.seal(aadReminderError, lastErr)
	if p.err != nil {
		return p.err
	}
	res, err := tx.exec(ctx, `UPDATE reminders SET status = ?, message_id = COALESCE(?, message_id), attempts = attempts + 1, error_class = ?,
		last_error = ?, provider_id = ?, sent_at = ? WHERE id = ? AND status = ?`, status, mid, class, sealed, providerID, sent, id, from)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errReminderDone
	}
	return nil
}

// reminderCommon is what every reminder a transaction sends is written
// from alike: read once for a batch (the practice with its email
// templates, two queries, was a fifth of a reminder's statements).
type reminderCommon struct {
	practice  *journey.Practice
	settings  journey.ReminderSettings
	typeNames map[string]string // session type code -> name, as asked
}

// reminderCommon reads the practice and its reminder settings.
func (tx *Tx) reminderCommon(ctx context.Context) (*reminderCommon, error) {
	p, err := tx.db.practice(ctx, tx)
	if err != nil {
		return nil, err
	}
	set, err := reminderSettings(tx.queryRow(ctx, reminderSettingsQuery))
	if err != nil {
		return nil, err
	}
	return &reminderCommon{practice: p, settings: set, typeNames: map[string]string{}}, nil
}

// typeName returns the name of session type code.
func (c *reminderCommon) typeName(ctx context.Context, tx *Tx, code string) (string, error) {
	if name, ok := c.typeNames[code]; ok {
		return name, nil
	}
	var name string
	if err := tx.queryRow(ctx, `SELECT name FROM session_types WHERE code = ?`, code).Scan(&name); err != nil {
		return "", err
	}
	c.typeNames[code] = name
	return name, nil
}

// reminderMail gathers what the reminder of f is written from.
func (tx *Tx) reminderMail(ctx context.Context, f *reminderFacts, common *reminderCommon) (*journey.ReminderMail, *journey.Practice, error) {
	p, set := common.practice, common.settings
	loc := f.zone
	var where string
	typeName, err := common.typeName(ctx, tx, f.session.Type)
	if err != nil {
		return nil, nil, err
	}
	if f.session.Mode == journey.ModeInPerson {
		var room, place, address string
		err := tx.queryRow(ctx, `SELECT m.name, l.name, l.address FROM session_resources r JOIN rooms m ON m.id = r.resource_id
			JOIN locations l ON l.id = m.location_id WHERE r.session_id = ? AND r.role = 'room' LIMIT 1`, f.session.ID).Scan(&room, &place, &address)
		if err == nil {
			where = joinNonEmpty(", ", room, place, address)
		} else if !errors.Is(err, sql.ErrNoRows) {
			return nil, nil, err
		}
		if where == "" {
			where = p.Address
		}
	}
	monitor := ""
	if f.session.Mode == journey.ModeRemote {
		if where, err = tx.db.telehealthLink(ctx, f.session); err != nil {
			return nil, nil, err
		}
		m, err := tx.db.FindMonitor(ctx, f.client.ID)
		if err == nil {
			monitor = m.Name
		} else if journey.ErrorCode(err) != journey.ENOTFOUND {
			return nil, nil, err
		}
	}
	return &journey.ReminderMail{Reminder: f.r, Session: f.session, ClientName: f.client.Name, ClientEmail: f.client.Email,
		ClientPhone: f.client.Phone, TimeZone: loc.String(), TypeName: typeName, Where: where, MonitorName: monitor,
		Settings: set, Now: tx.now}, p, nil
}

// telehealthLink returns a remote session's video link from the practice's
// template; "" when the practice sends links by other means.
func (db *DB) telehealthLink(ctx context.Context, s *journey.CareSession) (string, error) {
	cs, err := db.FindCareSettings(ctx)
	if err != nil || cs.TelehealthTemplate == "" {
		return "", err
	}
	return journey.TelehealthLink(cs.TelehealthTemplate, s.ID, s.RoomKey), nil
}

func joinNonEmpty(sep string, parts ...string) string {
	out := ""
	for _, s := range parts {
		if s == "" {
			continue
		}
		if out != "" {
			out += sep
		}
		out += s
	}
	return out
}

func (db *DB) reminderComposer() (journey.ReminderMailComposer, error) {
	m, ok := db.Mail.(journey.ReminderMailComposer)
	if !ok {
		return nil, journey.Errorf(journey.EINTERNAL, "No mail composer for reminders.")
	}
	return m, nil
}

// SendReminder sends email reminder id: in one transaction, its message
// into the outbox (with the job that delivers it) and the reminder marked
// sent; or skipped when its session was cancelled or moved. A reminder no
// longer pending is left as it is, so a job run twice sends once. A text
// reminder is sent by SendTextReminder.
func (db *DB) SendReminder(ctx context.Context, id int64) error {
	return db.SendReminders(ctx, []int64{id})
}

// SendReminders sends email reminders ids as SendReminder does, all in one
// transaction: each is sent, skipped or left as it is, or, on the first
// error, none is (errReminderDone when another attempt settled one of
// several first; DeliverReminders then sends each alone).
func (db *DB) SendReminders(ctx context.Context, ids []int64) error {
	compose, err := db.reminderComposer()
	if err != nil {
		return err
	}
	err = db.write(ctx, func(ctx context.Context, tx *Tx) error {
		common, err := tx.reminderCommon(ctx)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if err := tx.sendReminder(ctx, compose, common, id); err != nil {
				return err
			}
		}
		return nil
	})
	if errors.Is(err, errReminderDone) && len(ids) == 1 {
		return nil
	}
	return err
}

// sendReminder sends email reminder id inside tx (SendReminder).
func (tx *Tx) sendReminder(ctx context.Context, compose journey.ReminderMailComposer, common *reminderCommon, id int64) error {
	f, err := tx.owedReminder(ctx, id, journey.ChannelEmail)
	if err != nil || f == nil {
		return err
	}
	m, p, err := tx.reminderMail(ctx, f, common)
	if err != nil {
		return err
	}
	m.Invite = f.r.Kind == journey.ReminderEarly || !tx.hadEarly(ctx, f.r)
	msg, err := compose.ComposeReminder(m, p)
	if err != nil {
		return err
	}
	if err := tx.queueMessage(ctx, msg, 0); err != nil {
		return err
	}
	return tx.settleReminder(ctx, id, journey.ReminderPending, journey.ReminderSent, msg.ID, "", "", "")
}

// hadEarly reports whether the client got the early reminder of this
// session's time: the day's reminder carries the invitation otherwise.
func (tx *Tx) hadEarly(ctx context.Context, r *journey.Reminder) bool {
	if r.Kind != journey.ReminderDay {
		return true
	}
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM reminders WHERE session_id = ? AND client_id = ? AND sequence = ? AND kind = 'early'
		AND channel = 'email' AND status = 'sent'`, r.SessionID, r.ClientID, r.Sequence).Scan(&n); err != nil {
		return true
	}
	return n > 0
}

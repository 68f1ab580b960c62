package sqldb

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/journey-kap/journey"
)

// Treatment plans, the practice's care settings, gate overrides, remote
// monitors and check-ins (migration 0025). A plan's steps are never stored:
// journey.WorkOutPlan works them out from the settings and the sessions.

const (
	aadPlanSettings       = "treatment_plans.settings"
	aadPlanChangeReason   = "plan_changes.reason"
	aadPlanChangeSettings = "plan_changes.settings"
	aadOverrideReason     = "gate_overrides.reason"
	aadMonitor            = "remote_monitors.monitor"
	aadCheckIn            = "session_checkins.checkin"
)

// FindCareSettings returns the practice's care settings, Journey's
// defaults where the practice kept them.
func (db *DB) FindCareSettings(ctx context.Context) (*journey.CareSettings, error) {
	return scanCareSettings(db.queryRow(ctx, careSettingsQuery))
}

const careSettingsQuery = `SELECT default_plan, rules, monitoring, telehealth_template, updated_by, updated_at FROM care_settings WHERE id = 1`

func scanCareSettings(row scanner) (*journey.CareSettings, error) {
	s := journey.DefaultCareSettings()
	var plan, rules, monitoring string
	var at int64
	if err := row.Scan(&plan, &rules, &monitoring, &s.TelehealthTemplate, &s.UpdatedBy, &at); err != nil {
		return nil, notFound(err, "Care settings")
	}
	if plan != "" {
		if err := json.Unmarshal([]byte(plan), &s.DefaultPlan); err != nil {
			return nil, err
		}
	}
	if rules != "" {
		if err := json.Unmarshal([]byte(rules), &s.Rules); err != nil {
			return nil, err
		}
	}
	if monitoring != "" {
		if err := json.Unmarshal([]byte(monitoring), &s.Monitoring); err != nil {
			return nil, err
		}
	}
	s.UpdatedAt = fromUnix(at)
	return s, nil
}

// UpdateCareSettings saves the practice's care settings (s.UpdatedBy is
// who); EINVALID naming the wrong fields.
func (db *DB) UpdateCareSettings(ctx context.Context, s *journey.CareSettings) error {
	if err := s.Validate(); err != nil {
		return err
	}
	plan, _ := json.Marshal(s.DefaultPlan) // plain structs cannot fail
	rules, _ := json.Marshal(s.Rules)
	monitoring, _ := json.Marshal(s.Monitoring)
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		s.UpdatedAt = tx.now
		_, err := tx.exec(ctx, `UPDATE care_settings SET default_plan = ?, rules = ?, monitoring = ?, telehealth_template = ?, updated_by = ?, updated_at = ?
			WHERE id = 1`, string(plan), string(rules), string(monitoring), s.TelehealthTemplate, s.UpdatedBy, unix(tx.now))
		return err
	})
}

// planReasonCleared is the reason kept with a plan made at clearance.
const planReasonCleared = "Made from the practice's default plan when the client was cleared."

// createPlan gives a client just cleared the practice's default plan, kept
// as a change by the provider who cleared them; a client cleared before
// (a renewed clearance) keeps the plan they have.
func (tx *Tx) createPlan(ctx context.Context, clientID, by int64) error {
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM treatment_plans WHERE client_id = ?`, clientID).Scan(&n); err != nil || n > 0 {
		return err
	}
	cs, err := scanCareSettings(tx.queryRow(ctx, careSettingsQuery))
	if err != nil {
		return err
	}
	p := tx.db.phi()
	settings := p.sealPadded(aadPlanSettings, cs.DefaultPlan, padFact*2)
	if p.err != nil {
		return p.err
	}
	if _, err := tx.exec(ctx, `INSERT INTO treatment_plans (client_id, settings, created_at, updated_at) VALUES (?, ?, ?, ?)`,
		clientID, settings, unix(tx.now), unix(tx.now)); err != nil {
		return err
	}
	return tx.planChange(ctx, clientID, by, planReasonCleared, cs.DefaultPlan)
}

func (tx *Tx) planChange(ctx context.Context, clientID, by int64, reason string, s journey.PlanSettings) error {
	p := tx.db.phi()
	r, st := p.sealPadded(aadPlanChangeReason, reason, padText), p.sealPadded(aadPlanChangeSettings, s, padFact*2)
	if p.err != nil {
		return p.err
	}
	_, err := tx.exec(ctx, `INSERT INTO plan_changes (client_id, changed_by, reason, settings, created_at) VALUES (?, ?, ?, ?, ?)`,
		clientID, by, r, st, unix(tx.now))
	return err
}

// FindPlan returns the client's plan settings with every change, newest
// first (Steps, Phase and Next are left for journey.WorkOutPlan);
// ENOTFOUND when the client has no plan (not cleared yet).
func (db *DB) FindPlan(ctx context.Context, clientID int64) (*journey.Plan, error) {
	var sealed string
	if err := db.queryRow(ctx, `SELECT settings FROM treatment_plans WHERE client_id = ?`, clientID).Scan(&sealed); err != nil {
		return nil, notFound(err, "Plan")
	}
	plan := &journey.Plan{ClientID: clientID}
	p := db.phi()
	p.openJSON(aadPlanSettings, sealed, &plan.Settings)
	if p.err != nil {
		return nil, p.err
	}
	rows, err := db.query(ctx, `SELECT pc.changed_by, u.name, pc.reason, pc.settings, pc.created_at FROM plan_changes pc
		JOIN users u ON u.id = pc.changed_by WHERE pc.client_id = ? ORDER BY pc.id DESC LIMIT 200`, clientID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var c journey.PlanChange
		var reason, settings string
		var at int64
		if err := rows.Scan(&c.By, &c.ByName, &reason, &settings, &at); err != nil {
			return nil, err
		}
		p.open(aadUserName, &c.ByName)
		p.openJSON(aadPlanChangeReason, reason, &c.Reason)
		p.openJSON(aadPlanChangeSettings, settings, &c.Settings)
		c.At = fromUnix(at)
		plan.Changes = append(plan.Changes, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return plan, p.err
}

// MaxPlanReason is the longest reason a plan change keeps.
const MaxPlanReason = 2000

// UpdatePlan changes the client's plan to s, keeping the change with who
// and why, in one transaction; EINVALID naming the wrong fields (reason
// among them), ENOTFOUND when the client has no plan.
func (db *DB) UpdatePlan(ctx context.Context, clientID int64, s journey.PlanSettings, by int64, reason string) error {
	reason = journey.Paragraphs(reason)
	var v journey.Validation
	v.AddErr(s.Validate())
	switch {
	case reason == "":
		v.Add("reason", "Say why the plan changes: it is kept with the change.")
	case len([]rune(reason)) > MaxPlanReason:
		v.Add("reason", "Keep the reason under 2000 characters.")
	}
	if err := v.Err(); err != nil {
		return err
	}
	p := db.phi()
	settings := p.sealPadded(aadPlanSettings, s, padFact*2)
	if p.err != nil {
		return p.err
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE treatment_plans SET settings = ?, updated_at = ? WHERE client_id = ?`, settings, unix(tx.now), clientID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return journey.Errorf(journey.ENOTFOUND, "Plan not found.")
		}
		return tx.planChange(ctx, clientID, by, reason, s)
	})
}

// FindPlanSessions returns the client's sessions as the plan and the gates
// read them, in time order: their own, and the groups they attend (with
// the group's status, or cancelled when they left it). At most 500.
func (db *DB) FindPlanSessions(ctx context.Context, clientID int64) ([]*journey.CareSession, error) {
	rows, err := db.query(ctx, `SELECT s.id, s.type, s.start_at, s.end_at, s.status, s.mode, s.route, COALESCE(a.status, '') FROM care_sessions s
		LEFT JOIN session_attendees a ON a.session_id = s.id AND a.client_id = ?
		WHERE s.client_id = ? OR a.client_id IS NOT NULL ORDER BY s.start_at, s.id LIMIT 500`, clientID, clientID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*journey.CareSession
	for rows.Next() {
		s := &journey.CareSession{ClientID: clientID}
		var start, end int64
		var attendance string
		if err := rows.Scan(&s.ID, &s.Type, &start, &end, &s.Status, &s.Mode, &s.Route, &attendance); err != nil {
			return nil, err
		}
		if attendance == journey.SessionCancelled {
			s.Status = journey.SessionCancelled
		}
		s.Start, s.End = fromUnix(start), fromUnix(end)
		out = append(out, s)
	}
	return out, rows.Err()
}

// FindPlansOf returns the plans of the clients ids that have one, each with
// its settings and the client's own sessions in time order (no changes):
// two queries for a whole list, where FindPlan and FindPlanSessions would
// be two a client; the sessions are those FindPlanSessions reads.
func (db *DB) FindPlansOf(ctx context.Context, ids []int64) (map[int64]*journey.Plan, map[int64][]*journey.CareSession, error) {
	plans, sessions := map[int64]*journey.Plan{}, map[int64][]*journey.CareSession{}
	if len(ids) == 0 {
		return plans, sessions, nil
	}
	list := make([]string, len(ids))
	for i, id := range ids {
		list[i] = strconv.FormatInt(id, 10)
	}
	in := `IN (SELECT CAST(value AS BIGINT) FROM ` + db.jsonValues() + `)`
	rows, err := db.query(ctx, `SELECT client_id, settings FROM treatment_plans WHERE client_id `+in, jsonList(list))
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	p := db.phi()
	for rows.Next() {
		plan := &journey.Plan{}
		var sealed string
		if err := rows.Scan(&plan.ClientID, &sealed); err != nil {
			return nil, nil, err
		}
		p.openJSON(aadPlanSettings, sealed, &plan.Settings)
		plans[plan.ClientID] = plan
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	if p.err != nil {
		return nil, nil, p.err
	}
	// A group's row is one per attendee of the list; a client who left the
	// group has it cancelled.
	srows, err := db.query(ctx, `SELECT s.id, COALESCE(a.client_id, s.client_id), s.type, s.start_at, s.end_at,
		CASE WHEN a.status = 'cancelled' THEN 'cancelled' ELSE s.status END, s.mode, s.route
		FROM care_sessions s LEFT JOIN session_attendees a ON a.session_id = s.id AND a.client_id `+in+`
		WHERE s.client_id `+in+` OR a.client_id IS NOT NULL ORDER BY 2, s.start_at, s.id LIMIT 20000`, jsonList(list), jsonList(list))
	if err != nil {
		return nil, nil, err
	}
	defer srows.Close()
	for srows.Next() {
		s := &journey.CareSession{}
		var start, end int64
		if err := srows.Scan(&s.ID, &s.ClientID, &s.Type, &start, &end, &s.Status, &s.Mode, &s.Route); err != nil {
			return nil, nil, err
		}
		s.Start, s.End = fromUnix(start), fromUnix(end)
		sessions[s.ClientID] = append(sessions[s.ClientID], s)
	}
	return plans, sessions, srows.Err()
}

// CreateGateOverride records a medical provider's override; EINVALID for a
// gate that may not be overridden or a missing reason. The caller checked
// the provider's role.
func (db *DB) CreateGateOverride(ctx context.Context, o *journey.GateOverride) error {
	if err := o.Validate(); err != nil {
		return err
	}
	p := db.phi()
	reason := p.sealPadded(aadOverrideReason, o.Reason, padText)
	if p.err != nil {
		return p.err
	}
	var session any
	if o.SessionID != 0 {
		session = o.SessionID
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		o.At = tx.now
		var err error
		o.ID, err = tx.insert(ctx, `INSERT INTO gate_overrides (client_id, session_id, code, overridden_by, reason, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, o.ClientID, session, o.Code, o.By, reason, unix(tx.now))
		return err
	})
}

// FindGateOverrides returns the overrides that hold for the client's
// medicine session sessionID (0: one not booked yet) at now: those for
// that session, and those for the client given in the last
// GateOverrideDays; newest first.
func (db *DB) FindGateOverrides(ctx context.Context, clientID, sessionID int64, now time.Time) ([]*journey.GateOverride, error) {
	from := now.AddDate(0, 0, -journey.GateOverrideDays)
	rows, err := db.query(ctx, `SELECT o.id, COALESCE(o.session_id, 0), o.code, o.overridden_by, u.name, o.reason, o.created_at
		FROM gate_overrides o JOIN users u ON u.id = o.overridden_by
		WHERE o.client_id = ? AND ((o.session_id IS NULL AND o.created_at >= ?) OR o.session_id = ?) ORDER BY o.id DESC LIMIT 50`,
		clientID, unix(from), sessionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*journey.GateOverride
	p := db.phi()
	for rows.Next() {
		o := &journey.GateOverride{ClientID: clientID}
		var at int64
		if err := rows.Scan(&o.ID, &o.SessionID, &o.Code, &o.By, &o.ByName, &o.Reason, &at); err != nil {
			return nil, err
		}
		p.open(aadUserName, &o.ByName)
		p.openJSON(aadOverrideReason, o.Reason, &o.Reason)
		o.At = fromUnix(at)
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, p.err
}

// SetMonitor names (or renames) the client's monitor for remote sessions;
// EINVALID naming the wrong fields.
func (db *DB) SetMonitor(ctx context.Context, m *journey.Monitor) error {
	if err := m.Validate(); err != nil {
		return err
	}
	p := db.phi()
	sealed := p.sealPadded(aadMonitor, m, padFact*2)
	if p.err != nil {
		return p.err
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		m.UpdatedAt = tx.now
		if err := tx.queryRow(ctx, `SELECT id FROM clients WHERE id = ?`, m.ClientID).Scan(new(int64)); err != nil {
			return notFound(err, "Client")
		}
		_, err := tx.exec(ctx, `INSERT INTO remote_monitors (client_id, monitor, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (client_id) DO UPDATE SET monitor = excluded.monitor, updated_at = excluded.updated_at`, m.ClientID, sealed, unix(tx.now))
		return err
	})
}

// FindMonitor returns the client's monitor; ENOTFOUND when none is named.
func (db *DB) FindMonitor(ctx context.Context, clientID int64) (*journey.Monitor, error) {
	var sealed string
	var at int64
	if err := db.queryRow(ctx, `SELECT monitor, updated_at FROM remote_monitors WHERE client_id = ?`, clientID).Scan(&sealed, &at); err != nil {
		return nil, notFound(err, "Monitor")
	}
	m := &journey.Monitor{}
	p := db.phi()
	p.openJSON(aadMonitor, sealed, m)
	m.ClientID, m.UpdatedAt = clientID, fromUnix(at)
	return m, p.err
}

// CreateCheckIn records the client's check-in at the start of a remote
// session and sets its result from the reading by the practice's limits
// (journey.CheckIn.Assess);
// ECONFLICT when an earlier check-in for the session stopped the dose.
func (db *DB) CreateCheckIn(ctx context.Context, c *journey.CheckIn) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		last, err := tx.db.scanCheckIn(tx.queryRow(ctx, checkInQuery, c.SessionID))
		switch {
		case err == nil && last.Result == journey.CheckInNoDose:
			return journey.Errorf(journey.ECONFLICT, "This session's check-in already stopped the dose today.")
		case err != nil && journey.ErrorCode(err) != journey.ENOTFOUND:
			return err
		}
		// Judged by the practice's limits as they stand in this transaction.
		cs, err := scanCareSettings(tx.queryRow(ctx, careSettingsQuery))
		if err != nil {
			return err
		}
		c.Assess(cs.Monitoring)
		c.CreatedAt = tx.now
		p := tx.db.phi()
		sealed := p.sealPadded(aadCheckIn, c, padFact*4)
		if p.err != nil {
			return p.err
		}
		c.ID, err = tx.insert(ctx, `INSERT INTO session_checkins (session_id, client_id, checkin, created_at) VALUES (?, ?, ?, ?)`,
			c.SessionID, c.ClientID, sealed, unix(tx.now))
		if err != nil || c.Result != journey.CheckInNoDose {
			return err
		}
		return tx.mailCheckInNoDose(ctx, c.ClientID)
	})
}

// mailCheckInNoDose tells each therapist on the client's care team at once
// that a check-in stopped the dose, in the check-in's transaction.
func (tx *Tx) mailCheckInNoDose(ctx context.Context, clientID int64) error {
	composer, ok := tx.db.Mail.(journey.CheckInMailComposer)
	if !ok {
		return journey.Errorf(journey.EINTERNAL, "No mail composer for check-ins.")
	}
	return tx.mailTherapists(ctx, clientID, func(u *journey.User, p *journey.Practice) (*journey.Message, error) {
		return composer.ComposeCheckInNoDose(u, p, clientID)
	})
}

// Time returns the store's now, to the second: what the processing layer
// works plans and gates out at, so tests fix it with the store's clock.
func (db *DB) Time() time.Time { return db.Now().UTC().Truncate(time.Second) }

const checkInQuery = `SELECT id, session_id, client_id, checkin, created_at FROM session_checkins WHERE session_id = ? ORDER BY id DESC LIMIT 1`

// FindCheckInsSince returns the check-ins made since since by the clients
// on member's care team (0: every client), newest first, at most 50.
func (db *DB) FindCheckInsSince(ctx context.Context, member int64, since time.Time) ([]*journey.CheckIn, error) {
	rows, err := db.query(ctx, `SELECT id, session_id, client_id, checkin, created_at FROM session_checkins
		WHERE created_at >= ? AND (? = 0 OR client_id IN (SELECT client_id FROM care_team WHERE user_id = ?)) ORDER BY id DESC LIMIT 50`,
		unix(since), member, member)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*journey.CheckIn
	for rows.Next() {
		c, err := db.scanCheckIn(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// FindCheckIn returns the latest check-in of a session; ENOTFOUND if none.
func (db *DB) FindCheckIn(ctx context.Context, sessionID int64) (*journey.CheckIn, error) {
	return db.scanCheckIn(db.queryRow(ctx, checkInQuery, sessionID))
}

func (db *DB) scanCheckIn(row scanner) (*journey.CheckIn, error) {
	var id, session, client, at int64
	var sealed string
	if err := row.Scan(&id, &session, &client, &sealed, &at); err != nil {
		return nil, notFound(err, "Check-in")
	}
	c := &journey.CheckIn{}
	p := db.phi()
	p.openJSON(aadCheckIn, sealed, c)
	c.ID, c.SessionID, c.ClientID, c.CreatedAt = id, session, client, fromUnix(at)
	return c, p.err
}

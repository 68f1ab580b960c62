package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/measure"
	"github.com/journey-kap/journey/internal/screening"
)

// Associated data of the clinical columns.
const (
	aadIntake           = "intakes.data"
	aadResponseAnswers  = "responses.answers"
	aadResponseResult   = "responses.result"
	aadScreeningFinding = "screenings.findings"
	aadScreeningMissing = "screenings.missing"
	aadResponseQuest    = "responses.questionnaire" // a questionnaireRef
	aadAlertKind        = "alerts.kind"             // an alertKind
	aadClearanceReason  = "clearances.reason"
	aadClearanceMessage = "clearances.message"
	aadClearanceOver    = "clearances.override_reason"
	aadClearanceFinding = "clearances.findings"
	aadClearanceReply   = "clearances.reply"
	aadSignatureName    = "consent_signatures.typed_name"
	aadSignatureAddr    = "consent_signatures.client_addr"
	aadAlertNote        = "alerts.note"
)

// questionnaireRef is what responses.questionnaire seals: which
// questionnaire, and its version. The plain questionnaire_key groups a
// client's responses by it (DB.questionnaireKey).
type questionnaireRef struct {
	Code    string `json:"code"`
	Version int    `json:"version"`
}

// alertKind is what alerts.kind seals. That an alert row exists at all is
// plain: only a safety flag raises one.
type alertKind struct {
	Kind string `json:"kind"`
	Flag string `json:"flag"`
}

// FindIntake returns the client's intake; an empty one before they start.
func (db *DB) FindIntake(ctx context.Context, clientID int64) (*journey.Intake, error) {
	return db.readIntake(ctx, db.queryRow(ctx, `SELECT data FROM intakes WHERE client_id = ?`, clientID), clientID)
}

func (db *DB) readIntake(_ context.Context, row scanner, clientID int64) (*journey.Intake, error) {
	in := &journey.Intake{ClientID: clientID}
	var data string
	switch err := row.Scan(&data); {
	case err == sql.ErrNoRows:
		return in, nil
	case err != nil:
		return nil, err
	}
	p := db.phi()
	p.openJSON(aadIntake, data, in)
	in.ClientID = clientID
	return in, p.err
}

// SaveIntakeStep validates step of from and saves it into the client's
// intake, marking it done, then screens the client again: one transaction.
// Other steps are untouched, so two devices saving different steps do not
// undo each other. Once the medical provider has cleared or declined the
// client it fails with ECONFLICT (journey.ErrIntakeClosed).
func (db *DB) SaveIntakeStep(ctx context.Context, clientID int64, step string, from *journey.Intake) (*journey.Intake, error) {
	return db.saveIntake(ctx, clientID, from, step)
}

// SaveIntake validates and saves every step of a complete intake at once
// (an import, or a paper intake typed in by staff), then screens the
// client; it fails as SaveIntakeStep does once the provider has decided.
func (db *DB) SaveIntake(ctx context.Context, clientID int64, from *journey.Intake) (*journey.Intake, error) {
	steps := make([]string, len(journey.IntakeSteps))
	for i, st := range journey.IntakeSteps {
		steps[i] = st.Code
	}
	return db.saveIntake(ctx, clientID, from, steps...)
}

func (db *DB) saveIntake(ctx context.Context, clientID int64, from *journey.Intake, steps ...string) (*journey.Intake, error) {
	// Closed before anything typed is checked: no field errors on answers
	// that cannot change. The transaction checks again.
	if err := db.intakeOpen(db.queryRow(ctx, intakeStateQuery, clientID), db.Now()); err != nil {
		return nil, err
	}
	from.Normalize()
	rs, err := db.CurrentRuleSet(ctx)
	if err != nil {
		return nil, err
	}
	for _, step := range steps {
		if err := from.ValidateStep(step, screening.MinAge(rs), db.Now()); err != nil {
			return nil, err
		}
	}
	var in *journey.Intake
	err = db.write(ctx, func(ctx context.Context, tx *Tx) error {
		if err := db.intakeOpen(tx.queryRow(ctx, intakeStateQuery, clientID), tx.now); err != nil {
			return err
		}
		var err error
		if in, err = db.readIntake(ctx, tx.queryRow(ctx, `SELECT data FROM intakes WHERE client_id = ?`, clientID), clientID); err != nil {
			return err
		}
		for _, step := range steps {
			in.CopyStep(from, step)
			in.MarkDone(step)
		}
		in.UpdatedAt = tx.now
		p := db.phi()
		data := p.sealPadded(aadIntake, in, padDoc)
		if p.err != nil {
			return p.err
		}
		if slices.Contains(steps, journey.StepAbout) && in.About.Phone != "" {
			if in.ContactUpdated, err = tx.updateClientPhone(ctx, clientID, in.About.Phone); err != nil {
				return err
			}
		}
		res, err := tx.exec(ctx, `UPDATE intakes SET data = ?, updated_at = ? WHERE client_id = ?`, data, unix(tx.now), clientID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if _, err := tx.exec(ctx, `INSERT INTO intakes (client_id, data, updated_at) VALUES (?, ?, ?)`, clientID, data, unix(tx.now)); err != nil {
				return notFound(err, "Client")
			}
		}
		return tx.rescreen(ctx, clientID)
	})
	return in, err
}

// intakeStateQuery reads what intakeOpen checks.
const intakeStateQuery = `SELECT screening FROM clients WHERE id = ?`

// intakeOpen fails with journey.ErrIntakeClosed when row, the client's
// sealed state (intakeStateQuery), says the medical provider has cleared
// or declined them (a clearance lapsed by now reopens it, as FindScreening
// reads it).
func (db *DB) intakeOpen(row scanner, now time.Time) error {
	var sealed string
	if err := row.Scan(&sealed); err != nil {
		return notFound(err, "Client")
	}
	if sealed == "" {
		return nil // never screened
	}
	p := db.phi()
	st := p.openState(sealed)
	if p.err != nil {
		return p.err
	}
	if st.Status == journey.ScreeningCleared && !fromUnix(st.ClearedUntil).After(now) {
		return nil // lapsed: back in review
	}
	if journey.IntakeClosed(st.Status) {
		return journey.ErrIntakeClosed()
	}
	return nil
}

// updateClientPhone makes phone the client's current number, reporting
// whether it changed: the intake's answer is the newest the person gave.
func (tx *Tx) updateClientPhone(ctx context.Context, clientID int64, phone string) (bool, error) {
	var sealed string
	if err := tx.queryRow(ctx, `SELECT phone FROM clients WHERE id = ?`, clientID).Scan(&sealed); err != nil {
		return false, notFound(err, "Client")
	}
	p := tx.db.phi()
	current := sealed
	p.open(aadClientPhone, &current)
	if p.err != nil {
		return false, p.err
	}
	if current == phone {
		return false, nil
	}
	next := p.seal(aadClientPhone, phone)
	if p.err != nil {
		return false, p.err
	}
	_, err := tx.exec(ctx, `UPDATE clients SET phone = ? WHERE id = ?`, next, clientID)
	return err == nil, err
}

// CreateResponse scores answers to questionnaire code for a client and
// stores the response; a safety flag raises an alert for the care team and
// emails each therapist on it. The client is screened again. All in one
// transaction.
func (db *DB) CreateResponse(ctx context.Context, clientID int64, code string, answers []int, by int64) (*journey.Response, []*journey.Alert, error) {
	q, ok := measure.Find(code)
	if !ok {
		return nil, nil, &journey.Error{Code: journey.EINVALID, Message: "Please correct the highlighted fields.",
			Fields: []journey.FieldError{{Field: "questionnaire", Detail: "No questionnaire has that code."}}}
	}
	score, err := measure.Score(q, answers)
	if err != nil {
		return nil, nil, err
	}
	composer, err := db.clientMail()
	if err != nil {
		return nil, nil, err
	}
	r := &journey.Response{ClientID: clientID, Questionnaire: q.Code, Version: q.Version, Answers: answers, Score: score, AdministeredBy: by}
	var alerts []*journey.Alert
	err = db.write(ctx, func(ctx context.Context, tx *Tx) error {
		p := db.phi()
		a, res := p.sealPadded(aadResponseAnswers, answers, padFact), p.sealPadded(aadResponseResult, score, padScore)
		quest := p.sealPadded(aadResponseQuest, questionnaireRef{Code: r.Questionnaire, Version: r.Version}, padFact)
		if p.err != nil {
			return p.err
		}
		r.CreatedAt = tx.now
		var err error
		r.ID, err = tx.insert(ctx, `INSERT INTO responses (client_id, questionnaire, questionnaire_key, answers, result, administered_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, clientID, quest, db.questionnaireKey(clientID, r.Questionnaire), a, res, by, unix(tx.now))
		if err != nil {
			return notFound(err, "Client")
		}
		for _, f := range score.Flags {
			if !isSafetyFlag(f) {
				continue
			}
			al := &journey.Alert{ClientID: clientID, Kind: journey.AlertSuicidality, Flag: f, ResponseID: r.ID, CreatedAt: tx.now}
			kind, note := p.sealPadded(aadAlertKind, alertKind{Kind: al.Kind, Flag: al.Flag}, padFact), p.seal(aadAlertNote, "")
			if p.err != nil {
				return p.err
			}
			if al.ID, err = tx.insert(ctx, `INSERT INTO alerts (client_id, kind, response_id, created_at, note) VALUES (?, ?, ?, ?, ?)`,
				clientID, kind, r.ID, unix(tx.now), note); err != nil {
				return err
			}
			alerts = append(alerts, al)
		}
		if len(alerts) > 0 {
			if err := tx.mailAlert(ctx, composer, clientID, alerts[0].ID); err != nil {
				return err
			}
		}
		return tx.rescreen(ctx, clientID)
	})
	if err != nil {
		return nil, nil, err
	}
	return r, alerts, nil
}

func isSafetyFlag(f string) bool {
	for _, s := range journey.SafetyFlags {
		if f == s {
			return true
		}
	}
	return false
}

// mailAlert emails every therapist on the client's care team.
func (tx *Tx) mailAlert(ctx context.Context, composer journey.ClientMailComposer, clientID, alertID int64) error {
	return tx.mailTherapists(ctx, clientID, func(u *journey.User, p *journey.Practice) (*journey.Message, error) {
		return composer.ComposeSafetyAlert(u, p, alertID)
	})
}

// mailTherapists queues, in tx, the email compose writes for each
// therapist on the client's care team.
func (tx *Tx) mailTherapists(ctx context.Context, clientID int64, compose func(*journey.User, *journey.Practice) (*journey.Message, error)) error {
	ids, err := tx.db.onCareTeam(ctx, tx, clientID, journey.RoleTherapist)
	if err != nil {
		return err
	}
	pr, err := tx.db.practice(ctx, tx)
	if err != nil {
		return err
	}
	for _, id := range ids {
		u, err := tx.db.scanUser(ctx, tx.queryRow(ctx, `SELECT `+userColumns+` FROM users u LEFT JOIN credentials c ON c.user_id = u.id WHERE u.id = ?`, id))
		if err != nil {
			return err
		}
		m, err := compose(u, pr)
		if err != nil {
			return err
		}
		if err := tx.queueMessage(ctx, m, 0); err != nil {
			return err
		}
	}
	return nil
}

// FindResponses returns a client's responses, newest first; code "" for all.
func (db *DB) FindResponses(ctx context.Context, clientID int64, code string, limit int) ([]*journey.Response, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	key := ""
	if code != "" {
		key = db.questionnaireKey(clientID, code)
	}
	rows, err := db.query(ctx, `SELECT `+responseColumns+` FROM responses
		WHERE client_id = ? AND (? = '' OR questionnaire_key = ?) ORDER BY id DESC LIMIT ?`, clientID, key, key, limit)
	if err != nil {
		return nil, err
	}
	return db.scanResponses(rows, clientID)
}

func (db *DB) scanResponses(rows *rowSet, clientID int64) ([]*journey.Response, error) {
	defer rows.Close()
	var out []*journey.Response
	p := db.phi()
	for rows.Next() {
		r := &journey.Response{ClientID: clientID}
		var quest, a, res string
		var created int64
		if err := rows.Scan(&r.ID, &quest, &a, &res, &r.AdministeredBy, &created); err != nil {
			return nil, err
		}
		var q questionnaireRef
		p.openJSON(aadResponseQuest, quest, &q)
		r.Questionnaire, r.Version = q.Code, q.Version
		p.openJSON(aadResponseAnswers, a, &r.Answers)
		p.openJSON(aadResponseResult, res, &r.Score)
		r.CreatedAt = fromUnix(created)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, p.err
}

const responseColumns = `id, questionnaire, answers, result, administered_by, created_at`

const latestResponsesQuery = `SELECT ` + responseColumns + ` FROM responses
	WHERE id IN (SELECT MAX(id) FROM responses WHERE client_id = ? GROUP BY questionnaire_key) ORDER BY id DESC`

// latestResponses returns the newest response to each questionnaire.
func (tx *Tx) latestResponses(ctx context.Context, clientID int64) ([]*journey.Response, error) {
	rows, err := tx.query(ctx, latestResponsesQuery, clientID)
	if err != nil {
		return nil, err
	}
	return tx.db.scanResponses(rows, clientID)
}

// LatestResponses returns the client's newest response to each
// questionnaire, however many they have answered over time, newest first.
func (db *DB) LatestResponses(ctx context.Context, clientID int64) ([]*journey.Response, error) {
	rows, err := db.query(ctx, latestResponsesQuery, clientID)
	if err != nil {
		return nil, err
	}
	return db.scanResponses(rows, clientID)
}

// CurrentRuleSet returns the screening rules in force: the defaults
// (version 1) until an admin changes them.
func (db *DB) CurrentRuleSet(ctx context.Context) (*journey.RuleSet, error) {
	return db.cachedRuleSet(db.queryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM screening_rule_sets`),
		func() scanner {
			return db.queryRow(ctx, `SELECT version, rules, note, created_by, created_at FROM screening_rule_sets ORDER BY version DESC LIMIT 1`)
		})
}

// cachedRuleSet reads the current version number from latest and returns
// that version from the cache, reading it with full only the first time:
// a version never changes once written, and parsing its rules is most of
// the cost of screening a client. Callers get their own copy.
func (db *DB) cachedRuleSet(latest scanner, full func() scanner) (*journey.RuleSet, error) {
	var v int
	if err := latest.Scan(&v); err != nil {
		return nil, err
	}
	if c, ok := db.rules.Load(v); ok && v > 0 {
		rs := *c.(*journey.RuleSet)
		rs.Rules = slices.Clone(rs.Rules)
		return &rs, nil
	}
	rs, err := readRuleSet(full())
	if err == nil && !rs.CreatedAt.IsZero() {
		c := *rs
		c.Rules = slices.Clone(rs.Rules)
		db.rules.Store(rs.Version, &c)
	}
	return rs, err
}

func readRuleSet(row scanner) (*journey.RuleSet, error) {
	var rs journey.RuleSet
	var rules string
	var created int64
	switch err := row.Scan(&rs.Version, &rules, &rs.Note, &rs.CreatedBy, &created); {
	case err == sql.ErrNoRows:
		return screening.Defaults(), nil
	case err != nil:
		return nil, err
	}
	rs.CreatedAt = fromUnix(created)
	return &rs, json.Unmarshal([]byte(rules), &rs.Rules)
}

// ruleSet returns the rules in force inside tx, storing the defaults as
// version 1 the first time.
func (tx *Tx) ruleSet(ctx context.Context) (*journey.RuleSet, error) {
	rs, err := tx.db.cachedRuleSet(tx.queryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM screening_rule_sets`),
		func() scanner {
			return tx.queryRow(ctx, `SELECT version, rules, note, created_by, created_at FROM screening_rule_sets ORDER BY version DESC LIMIT 1`)
		})
	if err != nil || !rs.CreatedAt.IsZero() {
		return rs, err
	}
	return rs, tx.insertRuleSet(ctx, rs)
}

func (tx *Tx) insertRuleSet(ctx context.Context, rs *journey.RuleSet) error {
	rules, err := json.Marshal(rs.Rules)
	if err != nil {
		return err
	}
	rs.CreatedAt = tx.now
	_, err = tx.exec(ctx, `INSERT INTO screening_rule_sets (version, rules, note, created_by, created_at) VALUES (?, ?, ?, ?, ?)`,
		rs.Version, string(rules), rs.Note, rs.CreatedBy, unix(tx.now))
	return err
}

// FindRuleSets returns every version of the rules, newest first.
func (db *DB) FindRuleSets(ctx context.Context) ([]*journey.RuleSet, error) {
	rows, err := db.query(ctx, `SELECT version, rules, note, created_by, created_at FROM screening_rule_sets ORDER BY version DESC LIMIT 100`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*journey.RuleSet
	for rows.Next() {
		var rs journey.RuleSet
		var rules string
		var created int64
		if err := rows.Scan(&rs.Version, &rules, &rs.Note, &rs.CreatedBy, &created); err != nil {
			return nil, err
		}
		rs.CreatedAt = fromUnix(created)
		if err := json.Unmarshal([]byte(rules), &rs.Rules); err != nil {
			return nil, err
		}
		out = append(out, &rs)
	}
	return out, rows.Err()
}

// UpdateRuleSet stores a new version of the rules with changes applied and
// screens every client again under it.
func (db *DB) UpdateRuleSet(ctx context.Context, changes []journey.Rule, note string, by int64) (*journey.RuleSet, error) {
	var next *journey.RuleSet
	err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
		cur, err := tx.ruleSet(ctx)
		if err != nil {
			return err
		}
		if next, err = screening.Merge(cur, changes); err != nil {
			return err
		}
		next.Note, next.CreatedBy = journey.Paragraphs(note), by
		if err := tx.insertRuleSet(ctx, next); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Every client is screened again under the new version, a batch per
	// transaction so bookings and saves are not held up behind thousands
	// of evaluations. Should the process stop half-way, the periodic
	// Rescreen job finishes the rest.
	if _, err := db.Rescreen(ctx); err != nil {
		return nil, err
	}
	return next, nil
}

// rescreen evaluates a client's intake and latest responses against the
// rules in force, records the evaluation with the rules' version, and
// updates the client's status and review priority.
func (tx *Tx) rescreen(ctx context.Context, clientID int64) error {
	rs, err := tx.ruleSet(ctx)
	if err != nil {
		return err
	}
	in, err := tx.db.readIntake(ctx, tx.queryRow(ctx, `SELECT data FROM intakes WHERE client_id = ?`, clientID), clientID)
	if err != nil {
		return err
	}
	resps, err := tx.latestResponses(ctx, clientID)
	if err != nil {
		return err
	}
	findings := screening.Evaluate(rs, in, resps, tx.now)
	if findings == nil {
		findings = []journey.Finding{}
	}
	missing := Missing(in, resps)
	last, err := tx.db.lastClearance(ctx, tx.queryRow(ctx, `SELECT `+clearanceColumns+` FROM clearances WHERE client_id = ? ORDER BY id DESC LIMIT 1`, clientID))
	if err != nil {
		return err
	}
	status := journey.ScreeningStatus(missing, findings, last, tx.now)
	s := journey.Screening{Findings: findings}
	priority := s.Worst()
	var open int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM alerts WHERE client_id = ? AND acknowledged_at = 0`, clientID).Scan(&open); err != nil {
		return err
	}
	if open > 0 {
		priority = 0
	}
	var prev string
	if err := tx.queryRow(ctx, `SELECT screening FROM clients WHERE id = ?`, clientID).Scan(&prev); err != nil {
		return notFound(err, "Client")
	}
	p := tx.db.phi()
	st := screeningState{Status: status, Priority: priority, IntakeDoneAt: p.openState(prev).IntakeDoneAt}
	if len(missing) == 0 && st.IntakeDoneAt == 0 {
		st.IntakeDoneAt = unix(tx.now)
	}
	if status == journey.ScreeningCleared {
		st.ClearedUntil = unix(last.ClearedUntil)
	}
	sealed, miss := p.sealPadded(aadScreeningFinding, findings, padDoc), p.sealPadded(aadScreeningMissing, missing, padList)
	state := p.sealPadded(aadClientScreening, st, padFact)
	if p.err != nil {
		return p.err
	}
	if _, err := tx.exec(ctx, `INSERT INTO screenings (client_id, rule_set_version, findings, missing, created_at) VALUES (?, ?, ?, ?, ?)`,
		clientID, rs.Version, sealed, miss, unix(tx.now)); err != nil {
		return err
	}
	reviewPriority, reviewSince := reviewColumns(st)
	_, err = tx.exec(ctx, `UPDATE clients SET screening = ?, review_priority = ?, review_since = ? WHERE id = ?`,
		state, reviewPriority, reviewSince, clientID)
	return err
}

// Missing lists, in words, what a client has still to do before review.
func Missing(in *journey.Intake, latest []*journey.Response) []string {
	missing := []string{}
	for _, st := range journey.IntakeSteps {
		if !in.HasDone(st.Code) {
			missing = append(missing, "Intake: "+st.Title)
		}
	}
	for _, code := range journey.RequiredQuestionnaires {
		found := false
		for _, r := range latest {
			found = found || r.Questionnaire == code
		}
		if !found {
			title := code
			if q, ok := measure.Find(code); ok {
				title = q.Title
			}
			missing = append(missing, "Questionnaire: "+title)
		}
	}
	return missing
}

// FindScreening returns the client's current screening.
func (db *DB) FindScreening(ctx context.Context, clientID int64) (*journey.Screening, error) {
	s := &journey.Screening{ClientID: clientID, Findings: []journey.Finding{}, Missing: []string{}}
	var state, findings, missing string
	var at int64
	err := db.queryRow(ctx, `SELECT c.screening, s.rule_set_version, s.findings, s.missing, s.created_at
		FROM clients c LEFT JOIN screenings s ON s.id = (SELECT MAX(id) FROM screenings WHERE client_id = c.id) WHERE c.id = ?`, clientID).
		Scan(&state, nullInt(&s.RuleSetVersion), nullString(&findings), nullString(&missing), nullInt64(&at))
	if err != nil {
		return nil, notFound(err, "Client")
	}
	p := db.phi()
	st := p.openState(state)
	if p.err != nil {
		return nil, p.err
	}
	s.Status = st.Status
	cleared := st.ClearedUntil
	if findings == "" {
		// Never evaluated: nothing has been saved yet.
		rs, err := db.CurrentRuleSet(ctx)
		if err != nil {
			return nil, err
		}
		s.RuleSetVersion = rs.Version
		s.Missing = Missing(&journey.Intake{}, nil)
		return s, nil
	}
	p.openJSON(aadScreeningFinding, findings, &s.Findings)
	p.openJSON(aadScreeningMissing, missing, &s.Missing)
	s.EvaluatedAt = fromUnix(at)
	if s.Status == journey.ScreeningCleared && !fromUnix(cleared).After(db.Now()) {
		// The clearance lapsed since the last evaluation.
		s.Status, cleared = journey.ScreeningAwaitingReview, 0
	}
	if cleared != 0 {
		t := fromUnix(cleared)
		s.ClearedUntil = &t
	}
	return s, p.err
}

// nullable scan targets for LEFT JOINs.
type nullScan struct{ set func(any) }

func (n nullScan) Scan(v any) error { n.set(v); return nil }

func nullString(s *string) sql.Scanner {
	return nullScan{func(v any) {
		switch x := v.(type) {
		case string:
			*s = x
		case []byte:
			*s = string(x)
		}
	}}
}

func nullInt64(i *int64) sql.Scanner {
	return nullScan{func(v any) {
		if x, ok := v.(int64); ok {
			*i = x
		}
	}}
}

func nullInt(i *int) sql.Scanner {
	return nullScan{func(v any) {
		if x, ok := v.(int64); ok {
			*i = int(x)
		}
	}}
}

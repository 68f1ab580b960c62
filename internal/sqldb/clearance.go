package sqldb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/journey-kap/journey"
)

// aadClearanceDecision seals a clearanceOutcome.
const aadClearanceDecision = "clearances.decision"

// clearanceOutcome is what clearances.decision seals: the decision and the
// facts that would tell it (a date only a clearance has, an override, a
// reply only a question gets). The free text beside it is sealed as padded
// JSON strings, so a blank field does not show either.
type clearanceOutcome struct {
	Decision     string `json:"decision"`
	ClearedUntil int64  `json:"cleared_until"`
	Override     bool   `json:"override"`
	RepliedAt    int64  `json:"replied_at"`
}

func outcomeOf(c *journey.Clearance) clearanceOutcome {
	return clearanceOutcome{Decision: c.Decision, ClearedUntil: since(c.ClearedUntil), Override: c.Override, RepliedAt: since(c.RepliedAt)}
}

const clearanceColumns = `id, client_id, decision, provider_id, reason, message, override_reason, rule_set_version, findings, reply, created_at`

func (db *DB) scanClearance(row scanner) (*journey.Clearance, error) {
	var c journey.Clearance
	var created int64
	var decision, findings string
	if err := row.Scan(&c.ID, &c.ClientID, &decision, &c.ProviderID, &c.Reason, &c.Message, &c.OverrideReason,
		&c.RuleSetVersion, &findings, &c.Reply, &created); err != nil {
		return nil, err
	}
	p := db.phi()
	var o clearanceOutcome
	p.openJSON(aadClearanceDecision, decision, &o)
	p.openJSON(aadClearanceReason, c.Reason, &c.Reason)
	p.openJSON(aadClearanceMessage, c.Message, &c.Message)
	p.openJSON(aadClearanceOver, c.OverrideReason, &c.OverrideReason)
	p.openJSON(aadClearanceReply, c.Reply, &c.Reply)
	p.openJSON(aadClearanceFinding, findings, &c.Findings)
	c.Decision, c.Override = o.Decision, o.Override
	for _, f := range c.Findings {
		if f.Acknowledged {
			c.Acknowledged = append(c.Acknowledged, f.Code)
		}
	}
	c.ClearedUntil, c.RepliedAt, c.CreatedAt = fromUnix(o.ClearedUntil), fromUnix(o.RepliedAt), fromUnix(created)
	return &c, p.err
}

// lastClearance scans the latest decision, nil when there is none.
func (db *DB) lastClearance(_ context.Context, row scanner) (*journey.Clearance, error) {
	c, err := db.scanClearance(row)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	return c, err
}

// FindClearances returns the client's clearance decisions, newest first.
func (db *DB) FindClearances(ctx context.Context, clientID int64) ([]*journey.Clearance, error) {
	rows, err := db.query(ctx, `SELECT `+clearanceColumns+` FROM clearances WHERE client_id = ? ORDER BY id DESC LIMIT 100`, clientID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*journey.Clearance
	for rows.Next() {
		c, err := db.scanClearance(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// DecideClearance records a medical provider's decision on the client's
// current screening: the provider joins the care team, the client's status
// changes and the client is told there is news in the portal (never what),
// in one transaction. The caller has checked the provider's role.
func (db *DB) DecideClearance(ctx context.Context, c *journey.Clearance) (*journey.Clearance, error) {
	composer, err := db.clientMail()
	if err != nil {
		return nil, err
	}
	err = db.write(ctx, func(ctx context.Context, tx *Tx) error {
		// The latest evaluation is current: every write that changes what
		// screening reads evaluates again. Should the rules have changed
		// since, the evaluation after the decision holds the new findings,
		// and any new one the provider did not see undoes a clearance.
		s, err := tx.screening(ctx, c.ClientID)
		if err != nil {
			return err
		}
		if err := c.Validate(s, tx.now); err != nil {
			return err
		}
		if c.Decision != journey.DecisionCleared {
			c.ClearedUntil = time.Time{}
		}
		c.RuleSetVersion, c.Findings, c.CreatedAt = s.RuleSetVersion, c.MarkAcknowledged(s.Findings), tx.now
		p := db.phi()
		decision := p.sealPadded(aadClearanceDecision, outcomeOf(c), padFact)
		reason, msg := p.sealPadded(aadClearanceReason, c.Reason, padText), p.sealPadded(aadClearanceMessage, c.Message, padText)
		over, reply := p.sealPadded(aadClearanceOver, c.OverrideReason, padText), p.sealPadded(aadClearanceReply, "", padText)
		findings := p.sealPadded(aadClearanceFinding, c.Findings, padDoc)
		if p.err != nil {
			return p.err
		}
		c.ID, err = tx.insert(ctx, `INSERT INTO clearances (client_id, decision, provider_id, reason, message, override_reason,
			rule_set_version, findings, reply, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ClientID, decision, c.ProviderID, reason, msg, over, c.RuleSetVersion, findings, reply, unix(tx.now))
		if err != nil {
			return err
		}
		if err := tx.addCareMember(ctx, c.ClientID, c.ProviderID, journey.RoleMedicalProvider); err != nil {
			return err
		}
		if c.Decision == journey.DecisionCleared {
			if err := tx.createPlan(ctx, c.ClientID, c.ProviderID); err != nil {
				return err
			}
		}
		if err := tx.rescreen(ctx, c.ClientID); err != nil {
			return err
		}
		return tx.mailClient(ctx, composer, c.ClientID)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// screening reads the current screening inside tx.
func (tx *Tx) screening(ctx context.Context, clientID int64) (*journey.Screening, error) {
	s := &journey.Screening{ClientID: clientID}
	var state, findings string
	err := tx.queryRow(ctx, `SELECT c.screening, s.rule_set_version, s.findings FROM clients c
		LEFT JOIN screenings s ON s.id = (SELECT MAX(id) FROM screenings WHERE client_id = c.id) WHERE c.id = ?`, clientID).
		Scan(&state, nullInt(&s.RuleSetVersion), nullString(&findings))
	if err != nil {
		return nil, notFound(err, "Client")
	}
	p := tx.db.phi()
	s.Status = p.openState(state).Status
	if findings == "" { // nothing saved yet: never evaluated
		s.Findings = []journey.Finding{}
		return s, p.err
	}
	p.openJSON(aadScreeningFinding, findings, &s.Findings)
	return s, p.err
}

func (tx *Tx) mailClient(ctx context.Context, composer journey.ClientMailComposer, clientID int64) error {
	c, err := tx.db.scanClient(tx.queryRow(ctx, `SELECT `+clientColumns+` FROM clients WHERE id = ?`, clientID))
	if err != nil {
		return err
	}
	pr, err := tx.db.practice(ctx, tx)
	if err != nil {
		return err
	}
	m, err := composer.ComposePortalUpdate(c, pr)
	if err != nil {
		return err
	}
	return tx.queueMessage(ctx, m, 0)
}

// ReplyToClearance records the client's answer to the open needs_info
// question and puts them back in the review queue.
func (db *DB) ReplyToClearance(ctx context.Context, clientID int64, reply string) error {
	reply = journey.Paragraphs(reply)
	var v journey.Validation
	if reply == "" {
		v.Add("reply", "Write your answer.")
	} else if len([]rune(reply)) > journey.MaxIntakeText {
		v.Add("reply", "Keep this under 4000 characters.")
	}
	if err := v.Err(); err != nil {
		return err
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		last, err := db.lastClearance(ctx, tx.queryRow(ctx, `SELECT `+clearanceColumns+` FROM clearances WHERE client_id = ? ORDER BY id DESC LIMIT 1`, clientID))
		if err != nil {
			return err
		}
		if last == nil || last.Decision != journey.DecisionNeedsInfo || !last.RepliedAt.IsZero() {
			return journey.Errorf(journey.ECONFLICT, "There is no open question to answer.")
		}
		p := db.phi()
		last.RepliedAt = tx.now
		sealed, decision := p.sealPadded(aadClearanceReply, reply, padText), p.sealPadded(aadClearanceDecision, outcomeOf(last), padFact)
		if p.err != nil {
			return p.err
		}
		if _, err := tx.exec(ctx, `UPDATE clearances SET reply = ?, decision = ? WHERE id = ?`, sealed, decision, last.ID); err != nil {
			return err
		}
		return tx.rescreen(ctx, clientID)
	})
}

// ReviewQueue returns clients awaiting a medical provider's review, most
// urgent first (an open safety alert or a hard stop, then prescriber
// review, then warnings), oldest first within each, with their findings.
func (db *DB) ReviewQueue(ctx context.Context, offset, limit int) ([]*journey.ClientSummary, int, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	var total int
	if err := db.queryRow(ctx, `SELECT COUNT(*) FROM clients WHERE review_priority IS NOT NULL`).Scan(&total); err != nil {
		return nil, 0, err
	}
	// A queued client's state is in its plain review columns: the sealed
	// one need not be opened.
	rows, err := db.query(ctx, `SELECT c.id, COALESCE(c.user_id, 0), COALESCE(c.consult_id, 0), c.name, c.email, c.phone, '',
		c.created_by, c.created_at, c.invited_at, c.review_priority, c.review_since, s.findings,
		EXISTS (SELECT 1 FROM alerts a WHERE a.client_id = c.id AND a.acknowledged_at = 0), d.decision FROM clients c
		LEFT JOIN screenings s ON s.id = (SELECT MAX(id) FROM screenings WHERE client_id = c.id)
		LEFT JOIN clearances d ON d.id = (SELECT MAX(id) FROM clearances WHERE client_id = c.id)
		WHERE c.review_priority IS NOT NULL ORDER BY c.review_priority, c.review_since, c.id LIMIT ? OFFSET ?`, limit, max(offset, 0))
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*journey.ClientSummary
	var cs []*journey.Client
	for rows.Next() {
		var findings, decision string
		var open bool
		var since int64
		var priority int
		c, err := db.scanClient(rows, &priority, &since, nullString(&findings), &open, nullString(&decision))
		if err != nil {
			return nil, 0, err
		}
		c.Screening, c.Priority, c.IntakeDone = journey.ScreeningAwaitingReview, priority, fromUnix(since)
		sum := &journey.ClientSummary{Client: c, Findings: []journey.Finding{}, OpenAlert: open}
		p := db.phi()
		if findings != "" {
			p.openJSON(aadScreeningFinding, findings, &sum.Findings)
		}
		if decision != "" {
			// The client is back in the queue because they answered the
			// provider's question: the queue says so.
			var o clearanceOutcome
			p.openJSON(aadClearanceDecision, decision, &o)
			sum.Replied = o.Decision == journey.DecisionNeedsInfo && o.RepliedAt != 0
		}
		if p.err != nil {
			return nil, 0, p.err
		}
		out = append(out, sum)
		cs = append(cs, c)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	return out, total, db.loadCareTeams(ctx, cs)
}

// Consent documents.

// CreateConsentDocument stores a new version of the document with d.Code
// (version 1 for a new code) and returns it with its version and hash.
func (db *DB) CreateConsentDocument(ctx context.Context, d *journey.ConsentDocument) error {
	if err := d.Validate(); err != nil {
		return err
	}
	sum := sha256.Sum256([]byte(d.Body))
	d.Hash = hex.EncodeToString(sum[:])
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(version), 0) + 1 FROM consent_documents WHERE code = ?`, d.Code).Scan(&d.Version); err != nil {
			return err
		}
		d.CreatedAt = tx.now
		var err error
		d.ID, err = tx.insert(ctx, `INSERT INTO consent_documents (code, version, title, body, hash, required, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, d.Code, d.Version, d.Title, d.Body, d.Hash, d.Required, d.CreatedBy, unix(tx.now))
		return err
	})
}

const consentColumns = `id, code, version, title, body, hash, required, created_by, created_at`

func scanConsent(row scanner) (*journey.ConsentDocument, error) {
	var d journey.ConsentDocument
	var created int64
	if err := row.Scan(&d.ID, &d.Code, &d.Version, &d.Title, &d.Body, &d.Hash, &d.Required, &d.CreatedBy, &created); err != nil {
		return nil, err
	}
	d.CreatedAt = fromUnix(created)
	return &d, nil
}

// FindConsentDocuments returns the current version of every document, in
// the order the documents were first written (the order a client meets them).
func (db *DB) FindConsentDocuments(ctx context.Context) ([]*journey.ConsentDocument, error) {
	rows, err := db.query(ctx, `SELECT `+consentColumns+` FROM consent_documents d
		WHERE version = (SELECT MAX(version) FROM consent_documents WHERE code = d.code)
		ORDER BY (SELECT MIN(id) FROM consent_documents WHERE code = d.code) LIMIT 100`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*journey.ConsentDocument
	for rows.Next() {
		d, err := scanConsent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// FindConsentDocument returns one document version by id.
func (db *DB) FindConsentDocument(ctx context.Context, id int64) (*journey.ConsentDocument, error) {
	d, err := scanConsent(db.queryRow(ctx, `SELECT `+consentColumns+` FROM consent_documents WHERE id = ?`, id))
	return d, notFound(err, "Document")
}

// SignConsent records the client's signature of the current version of
// the document with code. The typed name must match the client's legal
// name (or the name on file before intake), ignoring case and spacing.
func (db *DB) SignConsent(ctx context.Context, clientID int64, code, typedName, clientAddr string) (*journey.ConsentSignature, error) {
	typedName = strings.Join(strings.Fields(journey.CleanLine(typedName)), " ")
	c, err := db.FindClientByID(ctx, clientID)
	if err != nil {
		return nil, err
	}
	in, err := db.FindIntake(ctx, clientID)
	if err != nil {
		return nil, err
	}
	var v journey.Validation
	switch {
	case typedName == "":
		v.Add("typed_name", "Type your full name to sign.")
	case !sameName(typedName, in.About.LegalName) && !sameName(typedName, c.Name):
		v.Add("typed_name", "Type your full legal name as it appears in your intake.")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	s := &journey.ConsentSignature{ClientID: clientID, TypedName: typedName, ClientAddr: clientAddr}
	err = db.write(ctx, func(ctx context.Context, tx *Tx) error {
		d, err := scanConsent(tx.queryRow(ctx, `SELECT `+consentColumns+` FROM consent_documents WHERE code = ? ORDER BY version DESC LIMIT 1`, code))
		if err != nil {
			return notFound(err, "Document")
		}
		s.DocumentID, s.Code, s.Version, s.Title, s.Hash, s.SignedAt = d.ID, d.Code, d.Version, d.Title, d.Hash, tx.now
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM consent_signatures WHERE client_id = ? AND document_id = ?`, clientID, d.ID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return journey.Errorf(journey.ECONFLICT, "You have already signed this version.")
		}
		p := db.phi()
		name, addr := p.seal(aadSignatureName, typedName), p.seal(aadSignatureAddr, clientAddr)
		if p.err != nil {
			return p.err
		}
		s.ID, err = tx.insert(ctx, `INSERT INTO consent_signatures (client_id, document_id, typed_name, client_addr, signed_at) VALUES (?, ?, ?, ?, ?)`,
			clientID, d.ID, name, addr, unix(tx.now))
		return err
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

func sameName(a, b string) bool {
	norm := func(s string) string {
		return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }), " ")
	}
	return b != "" && norm(a) == norm(b)
}

// FindConsentSignatures returns the client's signatures, newest first.
func (db *DB) FindConsentSignatures(ctx context.Context, clientID int64) ([]*journey.ConsentSignature, error) {
	rows, err := db.query(ctx, `SELECT s.id, s.document_id, d.code, d.version, d.title, d.hash, s.typed_name, s.client_addr, s.signed_at
		FROM consent_signatures s JOIN consent_documents d ON d.id = s.document_id WHERE s.client_id = ? ORDER BY s.id DESC LIMIT 200`, clientID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*journey.ConsentSignature
	p := db.phi()
	for rows.Next() {
		s := &journey.ConsentSignature{ClientID: clientID}
		var signed int64
		if err := rows.Scan(&s.ID, &s.DocumentID, &s.Code, &s.Version, &s.Title, &s.Hash, &s.TypedName, &s.ClientAddr, &signed); err != nil {
			return nil, err
		}
		p.open(aadSignatureName, &s.TypedName)
		p.open(aadSignatureAddr, &s.ClientAddr)
		s.SignedAt = fromUnix(signed)
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, p.err
}

// Alerts.

// FindAlerts returns alerts, open ones first then newest: for the clients
// on forUser's care team, or all when forUser is 0.
func (db *DB) FindAlerts(ctx context.Context, forUser, clientID int64, openOnly bool, limit int) ([]*journey.Alert, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	rows, err := db.query(ctx, `SELECT a.id, a.client_id, c.name, a.kind, COALESCE(a.response_id, 0), a.created_at, a.acknowledged_by, a.acknowledged_at, a.note
		FROM alerts a JOIN clients c ON c.id = a.client_id
		WHERE (? = 0 OR a.client_id IN (SELECT client_id FROM care_team WHERE user_id = ?)) AND (? = 0 OR a.client_id = ?)
		AND (? = 0 OR a.acknowledged_at = 0)
		ORDER BY CASE WHEN a.acknowledged_at = 0 THEN 0 ELSE 1 END, a.id DESC LIMIT ?`,
		forUser, forUser, clientID, clientID, b2i(openOnly), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*journey.Alert
	p := db.phi()
	for rows.Next() {
		var a journey.Alert
		var created, acked int64
		var kind string
		if err := rows.Scan(&a.ID, &a.ClientID, &a.ClientName, &kind, &a.ResponseID, &created, &a.AcknowledgedBy, &acked, &a.Note); err != nil {
			return nil, err
		}
		p.open(aadClientName, &a.ClientName)
		p.openAlert(&a, kind)
		a.CreatedAt, a.AcknowledgedAt = fromUnix(created), fromUnix(acked)
		out = append(out, &a)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, p.err
}

// FindAlert returns one alert.
func (db *DB) FindAlert(ctx context.Context, id int64) (*journey.Alert, error) {
	var a journey.Alert
	var created, acked int64
	var kind string
	err := db.queryRow(ctx, `SELECT id, client_id, kind, COALESCE(response_id, 0), created_at, acknowledged_by, acknowledged_at, note FROM alerts WHERE id = ?`, id).
		Scan(&a.ID, &a.ClientID, &kind, &a.ResponseID, &created, &a.AcknowledgedBy, &acked, &a.Note)
	if err != nil {
		return nil, notFound(err, "Alert")
	}
	p := db.phi()
	p.openAlert(&a, kind)
	a.CreatedAt, a.AcknowledgedAt = fromUnix(created), fromUnix(acked)
	return &a, p.err
}

// AcknowledgeAlert records who acknowledged the alert, when, and what they
// did; ECONFLICT when it was already acknowledged.
func (db *DB) AcknowledgeAlert(ctx context.Context, id, by int64, note string) error {
	note = journey.Paragraphs(note)
	var v journey.Validation
	if note == "" {
		v.Add("note", "Say what you did: for example, called the client and made a safety plan.")
	} else if len([]rune(note)) > 2000 {
		v.Add("note", "Keep this under 2000 characters.")
	}
	if err := v.Err(); err != nil {
		return err
	}
	p := db.phi()
	sealed := p.seal(aadAlertNote, note)
	if p.err != nil {
		return p.err
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		var clientID int64
		if err := tx.queryRow(ctx, `SELECT client_id FROM alerts WHERE id = ?`, id).Scan(&clientID); err != nil {
			return notFound(err, "Alert")
		}
		res, err := tx.exec(ctx, `UPDATE alerts SET acknowledged_by = ?, acknowledged_at = ?, note = ? WHERE id = ? AND acknowledged_at = 0`,
			by, unix(tx.now), sealed, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return journey.Errorf(journey.ECONFLICT, "This alert was already acknowledged.")
		}
		return tx.rescreen(ctx, clientID)
	})
}

// openAlert opens an alert's sealed kind and flag, and its note, in place.
func (p *phi) openAlert(a *journey.Alert, kind string) {
	var k alertKind
	p.openJSON(aadAlertKind, kind, &k)
	a.Kind, a.Flag = k.Kind, k.Flag
	p.open(aadAlertNote, &a.Note)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// staleScreenings returns, in order, the ids of the clients whose
// clearance has lapsed or whose latest evaluation is under a rule set
// older than version. A clearance's date is sealed, so the states of the
// clients out of the review queue are opened to find them: a few thousand
// small decryptions, once an hour.
func (db *DB) staleScreenings(ctx context.Context, version int) ([]int64, error) {
	stale := map[int64]bool{}
	rows, err := db.query(ctx, `SELECT id, screening FROM clients WHERE review_priority IS NULL`)
	if err != nil {
		return nil, err
	}
	p, now := db.phi(), unix(db.Now())
	for rows.Next() {
		var id int64
		var state string
		if err := rows.Scan(&id, &state); err != nil {
			rows.Close()
			return nil, err
		}
		if st := p.openState(state); st.Status == journey.ScreeningCleared && st.ClearedUntil <= now {
			stale[id] = true
		}
	}
	rows.Close()
	if err := errors.Join(rows.Err(), p.err); err != nil {
		return nil, err
	}
	rows, err = db.query(ctx, `SELECT c.id FROM clients c JOIN screenings s ON s.id = (SELECT MAX(id) FROM screenings WHERE client_id = c.id)
		WHERE s.rule_set_version < ?`, version)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		stale[id] = true
	}
	return slices.Sorted(maps.Keys(stale)), rows.Err()
}

// rescreenBatch is how many clients one transaction screens again.
const rescreenBatch = 100

// Rescreen screens again every client whose screening is stale: a
// clearance whose date has passed (which returns them to the review
// queue), or an evaluation under an older version of the rules. It
// returns how many clients it screened. The jobs package runs it every
// hour; UpdateRuleSet runs it at once. Until it has run, a lapsed client's
// screening already reads awaiting_review (FindScreening).
func (db *DB) Rescreen(ctx context.Context) (int, error) {
	rs, err := db.CurrentRuleSet(ctx)
	if err != nil {
		return 0, err
	}
	ids, err := db.staleScreenings(ctx, rs.Version)
	if err != nil {
		return 0, err
	}
	for start := 0; start < len(ids); start += rescreenBatch {
		batch := ids[start:min(start+rescreenBatch, len(ids))]
		err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
			for _, id := range batch {
				if err := tx.rescreen(ctx, id); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return start, err
		}
	}
	return len(ids), nil
}

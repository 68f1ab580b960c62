package sqldb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"strings"
	"time"
	"unicode"

	"github.com/journey-kap/journey"
)

const clearanceColumns = `id, client_id, decision, provider_id, cleared_until, reason, message, override, override_reason,
	rule_set_version, findings, reply, replied_at, created_at`

func (db *DB) scanClearance(row scanner) (*journey.Clearance, error) {
	var c journey.Clearance
	var until, replied, created int64
	var findings string
	if err := row.Scan(&c.ID, &c.ClientID, &c.Decision, &c.ProviderID, &until, &c.Reason, &c.Message, &c.Override, &c.OverrideReason,
		&c.RuleSetVersion, &findings, &c.Reply, &replied, &created); err != nil {
		return nil, err
	}
	p := db.phi()
	p.open(aadClearanceReason, &c.Reason)
	p.open(aadClearanceMessage, &c.Message)
	p.open(aadClearanceOver, &c.OverrideReason)
	p.open(aadClearanceReply, &c.Reply)
	p.openJSON(aadClearanceFinding, findings, &c.Findings)
	c.ClearedUntil, c.RepliedAt, c.CreatedAt = fromUnix(until), fromUnix(replied), fromUnix(created)
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
		c.RuleSetVersion, c.Findings, c.CreatedAt = s.RuleSetVersion, s.Findings, tx.now
		p := db.phi()
		reason, msg, over := p.seal(aadClearanceReason, c.Reason), p.seal(aadClearanceMessage, c.Message), p.seal(aadClearanceOver, c.OverrideReason)
		findings, reply := p.sealJSON(aadClearanceFinding, c.Findings), p.seal(aadClearanceReply, "")
		if p.err != nil {
			return p.err
		}
		c.ID, err = tx.insert(ctx, `INSERT INTO clearances (client_id, decision, provider_id, cleared_until, reason, message, override,
			override_reason, rule_set_version, findings, reply, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ClientID, c.Decision, c.ProviderID, since(c.ClearedUntil), reason, msg, c.Override, over, c.RuleSetVersion, findings, reply, unix(tx.now))
		if err != nil {
			return err
		}
		if err := tx.addCareMember(ctx, c.ClientID, c.ProviderID, journey.RoleMedicalProvider); err != nil {
			return err
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
	var findings string
	err := tx.queryRow(ctx, `SELECT c.screening, s.rule_set_version, s.findings FROM clients c
		LEFT JOIN screenings s ON s.id = (SELECT MAX(id) FROM screenings WHERE client_id = c.id) WHERE c.id = ?`, clientID).
		Scan(&s.Status, nullInt(&s.RuleSetVersion), nullString(&findings))
	if err != nil {
		return nil, notFound(err, "Client")
	}
	if findings == "" { // nothing saved yet: never evaluated
		s.Findings = []journey.Finding{}
		return s, nil
	}
	p := tx.db.phi()
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
	reply = strings.TrimSpace(reply)
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
		sealed := p.seal(aadClearanceReply, reply)
		if p.err != nil {
			return p.err
		}
		if _, err := tx.exec(ctx, `UPDATE clearances SET reply = ?, replied_at = ? WHERE id = ?`, sealed, unix(tx.now), last.ID); err != nil {
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
	if err := db.queryRow(ctx, `SELECT COUNT(*) FROM clients WHERE screening = 'awaiting_review'`).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.query(ctx, `SELECT c.id, COALESCE(c.user_id, 0), COALESCE(c.consult_id, 0), c.name, c.email, c.phone, c.screening, c.priority,
		c.intake_done_at, c.cleared_until, c.created_by, c.created_at, c.invited_at, s.findings,
		EXISTS (SELECT 1 FROM alerts a WHERE a.client_id = c.id AND a.acknowledged_at = 0) FROM clients c
		LEFT JOIN screenings s ON s.id = (SELECT MAX(id) FROM screenings WHERE client_id = c.id)
		WHERE c.screening = 'awaiting_review' ORDER BY c.priority, c.intake_done_at, c.id LIMIT ? OFFSET ?`, limit, max(offset, 0))
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*journey.ClientSummary
	var cs []*journey.Client
	for rows.Next() {
		var findings string
		var c journey.Client
		var done, cleared, created, invited int64
		var open bool
		if err := rows.Scan(&c.ID, &c.UserID, &c.ConsultID, &c.Name, &c.Email, &c.Phone, &c.Screening, &c.Priority, &done, &cleared,
			&c.CreatedBy, &created, &invited, nullString(&findings), &open); err != nil {
			return nil, 0, err
		}
		p := db.phi()
		p.open(aadClientName, &c.Name)
		p.open(aadClientEmail, &c.Email)
		p.open(aadClientPhone, &c.Phone)
		sum := &journey.ClientSummary{Client: &c, Findings: []journey.Finding{}, OpenAlert: open}
		if findings != "" {
			p.openJSON(aadScreeningFinding, findings, &sum.Findings)
		}
		if p.err != nil {
			return nil, 0, p.err
		}
		c.IntakeDone, c.ClearedTill, c.CreatedAt, c.InvitedAt = fromUnix(done), fromUnix(cleared), fromUnix(created), fromUnix(invited)
		out = append(out, sum)
		cs = append(cs, &c)
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
	typedName = strings.Join(strings.Fields(typedName), " ")
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
	rows, err := db.query(ctx, `SELECT a.id, a.client_id, c.name, a.kind, a.flag, a.response_id, a.created_at, a.acknowledged_by, a.acknowledged_at, a.note
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
		if err := rows.Scan(&a.ID, &a.ClientID, &a.ClientName, &a.Kind, &a.Flag, &a.ResponseID, &created, &a.AcknowledgedBy, &acked, &a.Note); err != nil {
			return nil, err
		}
		p.open(aadClientName, &a.ClientName)
		p.open(aadAlertNote, &a.Note)
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
	err := db.queryRow(ctx, `SELECT id, client_id, kind, flag, response_id, created_at, acknowledged_by, acknowledged_at, note FROM alerts WHERE id = ?`, id).
		Scan(&a.ID, &a.ClientID, &a.Kind, &a.Flag, &a.ResponseID, &created, &a.AcknowledgedBy, &acked, &a.Note)
	if err != nil {
		return nil, notFound(err, "Alert")
	}
	p := db.phi()
	p.open(aadAlertNote, &a.Note)
	a.CreatedAt, a.AcknowledgedAt = fromUnix(created), fromUnix(acked)
	return &a, p.err
}

// AcknowledgeAlert records who acknowledged the alert, when, and what they
// did; ECONFLICT when it was already acknowledged.
func (db *DB) AcknowledgeAlert(ctx context.Context, id, by int64, note string) error {
	note = strings.TrimSpace(note)
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

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
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
	rows, err := db.query(ctx, `SELECT c.id FROM clients c
		LEFT JOIN screenings s ON s.id = (SELECT MAX(id) FROM screenings WHERE client_id = c.id)
		WHERE (c.screening = 'cleared' AND c.cleared_until <= ?) OR (s.id IS NOT NULL AND s.rule_set_version < ?)
		ORDER BY c.id`, unix(db.Now()), rs.Version)
	if err != nil {
		return 0, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
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

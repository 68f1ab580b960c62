package sqldb

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/journey-kap/journey"
)

// Billing setup: the entities that bill, who bills under each, the fee
// schedule (lines, price list, telehealth modifier), and per client the
// diagnoses a claim points at and how they pay each entity. The
// diagnosis codes and the coverage's insurer, member ID and group are
// sealed.

const (
	aadDiagnosisCode     = "client_diagnoses.code"
	aadCoverageInsurer   = "coverage.insurer"
	aadCoverageMemberID  = "coverage.member_id"
	aadCoverageGroupNumb = "coverage.group_number"
)

const billingEntityColumns = `id, kind, legal_name, address1, address2, city, state, postal, phone, tax_id, npi, active`

func scanBillingEntity(r scanner) (*journey.BillingEntity, error) {
	var e journey.BillingEntity
	err := r.Scan(&e.ID, &e.Kind, &e.LegalName, &e.Address1, &e.Address2, &e.City, &e.State, &e.Postal, &e.Phone, &e.TaxID, &e.NPI, &e.Active)
	return &e, err
}

// FindBillingEntities returns every billing entity, the practice's first,
// active or not.
func (db *DB) FindBillingEntities(ctx context.Context) ([]*journey.BillingEntity, error) {
	rows, err := db.query(ctx, `SELECT `+billingEntityColumns+` FROM billing_entities ORDER BY kind DESC, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*journey.BillingEntity{}
	for rows.Next() {
		e, err := scanBillingEntity(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// FindBillingEntity returns entity id, ENOTFOUND when there is none.
func (db *DB) FindBillingEntity(ctx context.Context, id int64) (*journey.BillingEntity, error) {
	e, err := scanBillingEntity(db.queryRow(ctx, `SELECT `+billingEntityColumns+` FROM billing_entities WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "Billing entity")
	}
	return e, nil
}

// CreateBillingEntity validates e (EINVALID naming each wrong field) and
// stores it, setting e.ID.
func (db *DB) CreateBillingEntity(ctx context.Context, e *journey.BillingEntity) error {
	if err := e.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		id, err := tx.insert(ctx, `INSERT INTO billing_entities (kind, legal_name, address1, address2, city, state, postal, phone, tax_id, npi, active, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.Kind, e.LegalName, e.Address1, e.Address2, e.City, e.State, e.Postal,
			e.Phone, e.TaxID, e.NPI, e.Active, unix(tx.now), unix(tx.now))
		e.ID = id
		return err
	})
}

// UpdateBillingEntity validates e and replaces the stored entity's fields:
// ENOTFOUND for an unknown id; EINVALID on kind when the entity already
// has fee lines or charges, whose charge types its kind decides.
func (db *DB) UpdateBillingEntity(ctx context.Context, e *journey.BillingEntity) error {
	if err := e.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		var kind string
		if err := tx.queryRow(ctx, `SELECT kind FROM billing_entities WHERE id = ?`, e.ID).Scan(&kind); err != nil {
			return notFound(err, "Billing entity")
		}
		if kind != e.Kind {
			var used int
			if err := tx.queryRow(ctx, `SELECT (SELECT COUNT(*) FROM fee_lines WHERE entity_id = ?) + (SELECT COUNT(*) FROM charges WHERE entity_id = ?)`,
				e.ID, e.ID).Scan(&used); err != nil {
				return err
			}
			if used > 0 {
				return invalidField("kind", "This entity already bills under its kind (fee lines or charges name it): add another entity instead.")
			}
		}
		_, err := tx.exec(ctx, `UPDATE billing_entities SET kind = ?, legal_name = ?, address1 = ?, address2 = ?, city = ?, state = ?, postal = ?,
			phone = ?, tax_id = ?, npi = ?, active = ?, updated_at = ? WHERE id = ?`, e.Kind, e.LegalName, e.Address1, e.Address2, e.City,
			e.State, e.Postal, e.Phone, e.TaxID, e.NPI, e.Active, unix(tx.now), e.ID)
		return err
	})
}

const billingClinicianSQL = `SELECT b.user_id, b.entity_id, u.name, s.npi, s.credentials, s.licence_number, s.licence_state
	FROM billing_clinicians b JOIN users u ON u.id = b.user_id JOIN staff s ON s.id = b.user_id`

// FindBillingClinicians returns who bills under each entity, with their
// staff profile's name, NPI, credentials and licence, by entity then name.
func (db *DB) FindBillingClinicians(ctx context.Context) ([]*journey.BillingClinician, error) {
	rows, err := db.query(ctx, billingClinicianSQL+` ORDER BY b.entity_id, b.user_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*journey.BillingClinician{}
	ph := db.phi()
	for rows.Next() {
		var c journey.BillingClinician
		if err := rows.Scan(&c.UserID, &c.EntityID, &c.Name, &c.NPI, &c.Credentials, &c.Licence, &c.LicenceState); err != nil {
			return nil, err
		}
		ph.open(aadUserName, &c.Name)
		out = append(out, &c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, func(a, b *journey.BillingClinician) int {
		if a.EntityID != b.EntityID {
			return int(a.EntityID - b.EntityID)
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out, ph.err
}

// FindBillingClinician returns userID as a clinician billing under
// entityID, with their profile; ENOTFOUND unless they bill under it.
func (db *DB) FindBillingClinician(ctx context.Context, userID, entityID int64) (*journey.BillingClinician, error) {
	var c journey.BillingClinician
	err := db.queryRow(ctx, billingClinicianSQL+` WHERE b.user_id = ? AND b.entity_id = ?`, userID, entityID).
		Scan(&c.UserID, &c.EntityID, &c.Name, &c.NPI, &c.Credentials, &c.Licence, &c.LicenceState)
	if err != nil {
		return nil, notFound(err, "Billing clinician")
	}
	ph := db.phi()
	ph.open(aadUserName, &c.Name)
	return &c, ph.err
}

// SetBillingClinicians replaces who bills under which entity with list
// (user and entity pairs; a pair given twice counts once). EINVALID on
// clinicians[i] when a user is not an active clinician (therapist or
// medical provider) or the entity does not exist.
func (db *DB) SetBillingClinicians(ctx context.Context, list []*journey.BillingClinician) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		var v journey.Validation
		seen := map[[2]int64]bool{}
		for i, c := range list {
			field := "clinicians[" + strconv.Itoa(i) + "]"
			var n int
			if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM users u JOIN user_roles r ON r.user_id = u.id
				WHERE u.id = ? AND u.kind = 'staff' AND u.active = ? AND r.role IN ('therapist', 'medical_provider')`, c.UserID, true).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				v.Add(field, "Choose an active therapist or medical provider.")
				continue
			}
			if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM billing_entities WHERE id = ?`, c.EntityID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				v.Add(field, "Choose the entity they bill under.")
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM billing_clinicians`); err != nil {
			return err
		}
		for _, c := range list {
			k := [2]int64{c.UserID, c.EntityID}
			if seen[k] {
				continue
			}
			seen[k] = true
			if _, err := tx.exec(ctx, `INSERT INTO billing_clinicians (user_id, entity_id, updated_at) VALUES (?, ?, ?)`,
				c.UserID, c.EntityID, unix(tx.now)); err != nil {
				return err
			}
		}
		return nil
	})
}

const feeLineColumns = `id, session_type, event, mode, route, charge_type, entity_id, rule, code, units, modifiers, fee_cents, description, position, active`

func scanFeeLine(r scanner) (*journey.FeeLine, error) {
	var l journey.FeeLine
	var mods string
	err := r.Scan(&l.ID, &l.SessionType, &l.Event, &l.Mode, &l.Route, &l.ChargeType, &l.EntityID, &l.Rule, &l.Code, &l.Units,
		&mods, &l.FeeCents, &l.Description, &l.Position, &l.Active)
	l.Modifiers = strings.Fields(mods)
	return &l, err
}

// FindFeeSchedule returns the fee schedule charges are made from: the
// active lines by position, the price list by code, and the telehealth
// modifier (journey.DefaultTelehealthModifier until one is set).
func (db *DB) FindFeeSchedule(ctx context.Context) (*journey.FeeSchedule, error) {
	return db.feeSchedule(ctx, false)
}

// FindFeeLines returns the fee schedule with its inactive lines as well,
// as the page that edits it shows them.
func (db *DB) FindFeeLines(ctx context.Context) (*journey.FeeSchedule, error) {
	return db.feeSchedule(ctx, true)
}

func (db *DB) feeSchedule(ctx context.Context, all bool) (*journey.FeeSchedule, error) {
	fs := &journey.FeeSchedule{Lines: []*journey.FeeLine{}, Prices: []*journey.CodePrice{}, TelehealthModifier: journey.DefaultTelehealthModifier}
	q := `SELECT ` + feeLineColumns + ` FROM fee_lines WHERE active = ? ORDER BY position, id`
	args := []any{true}
	if all {
		q, args = `SELECT `+feeLineColumns+` FROM fee_lines ORDER BY position, id`, nil
	}
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		l, err := scanFeeLine(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		fs.Lines = append(fs.Lines, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if rows, err = db.query(ctx, `SELECT code, description, cents FROM fee_prices ORDER BY code`); err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var p journey.CodePrice
		if err := rows.Scan(&p.Code, &p.Description, &p.Cents); err != nil {
			return nil, err
		}
		fs.Prices = append(fs.Prices, &p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	err = db.queryRow(ctx, `SELECT telehealth_modifier FROM fee_settings WHERE id = 1`).Scan(&fs.TelehealthModifier)
	if err != nil && journey.ErrorCode(notFound(err, "")) != journey.ENOTFOUND {
		return nil, err
	}
	return fs, nil
}

// entityKinds returns each entity's kind by id, for FeeLine.Validate.
func (tx *Tx) entityKinds(ctx context.Context) (map[int64]string, error) {
	rows, err := tx.query(ctx, `SELECT id, kind FROM billing_entities`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	kinds := map[int64]string{}
	for rows.Next() {
		var id int64
		var k string
		if err := rows.Scan(&id, &k); err != nil {
			return nil, err
		}
		kinds[id] = k
	}
	return kinds, rows.Err()
}

// SaveFeeLine validates l against the entities (EINVALID naming each
// wrong field) and stores it: a new line when l.ID is 0 (setting it),
// else the line l.ID (ENOTFOUND when there is none). Charges already made
// keep their own code and amount.
func (db *DB) SaveFeeLine(ctx context.Context, l *journey.FeeLine) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		kinds, err := tx.entityKinds(ctx)
		if err != nil {
			return err
		}
		if err := l.Validate(kinds); err != nil {
			return err
		}
		return tx.saveFeeLine(ctx, l)
	})
}

func (tx *Tx) saveFeeLine(ctx context.Context, l *journey.FeeLine) error {
	mods := strings.Join(l.Modifiers, " ")
	if l.Rule != journey.RuleFixed {
		l.Units = 1
	}
	if l.ID == 0 {
		id, err := tx.insert(ctx, `INSERT INTO fee_lines (session_type, event, mode, route, charge_type, entity_id, rule, code, units, modifiers,
			fee_cents, description, position, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			l.SessionType, l.Event, l.Mode, l.Route, l.ChargeType, l.EntityID, l.Rule, l.Code, l.Units, mods, l.FeeCents,
			l.Description, l.Position, l.Active, unix(tx.now), unix(tx.now))
		l.ID = id
		return err
	}
	res, err := tx.exec(ctx, `UPDATE fee_lines SET session_type = ?, event = ?, mode = ?, route = ?, charge_type = ?, entity_id = ?, rule = ?,
		code = ?, units = ?, modifiers = ?, fee_cents = ?, description = ?, position = ?, active = ?, updated_at = ? WHERE id = ?`,
		l.SessionType, l.Event, l.Mode, l.Route, l.ChargeType, l.EntityID, l.Rule, l.Code, l.Units, mods, l.FeeCents,
		l.Description, l.Position, l.Active, unix(tx.now), l.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return journey.Errorf(journey.ENOTFOUND, "Fee line not found.")
	}
	return nil
}

// SaveCodePrice validates p (EINVALID naming each wrong field) and sets
// the price list's fee for its code.
func (db *DB) SaveCodePrice(ctx context.Context, p *journey.CodePrice) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error { return tx.saveCodePrice(ctx, p) })
}

func (tx *Tx) saveCodePrice(ctx context.Context, p *journey.CodePrice) error {
	_, err := tx.exec(ctx, `INSERT INTO fee_prices (code, description, cents, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (code) DO UPDATE SET description = excluded.description, cents = excluded.cents, updated_at = excluded.updated_at`,
		p.Code, p.Description, p.Cents, unix(tx.now))
	return err
}

// SetTelehealthModifier sets the modifier added to a remote session's
// codes ("" for none); EINVALID on telehealth_modifier otherwise.
func (db *DB) SetTelehealthModifier(ctx context.Context, modifier string, by int64) error {
	modifier = strings.ToUpper(strings.TrimSpace(modifier))
	if err := journey.CheckTelehealthModifier(modifier); err != nil {
		return invalidField("telehealth_modifier", err.Error())
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error { return tx.setTelehealthModifier(ctx, modifier, by) })
}

func (tx *Tx) setTelehealthModifier(ctx context.Context, modifier string, by int64) error {
	_, err := tx.exec(ctx, `INSERT INTO fee_settings (id, telehealth_modifier, updated_by, updated_at) VALUES (1, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET telehealth_modifier = excluded.telehealth_modifier, updated_by = excluded.updated_by,
		updated_at = excluded.updated_at`, modifier, nullID(by), unix(tx.now))
	return err
}

// SaveFeeSchedule replaces the fee schedule with fs in one transaction:
// each line with an id is updated, each without one added (ids set), and
// a stored line fs leaves out is made inactive (charges may name it);
// the price list becomes fs's; the telehealth modifier fs's. EINVALID
// names each wrong field as lines[i].field, prices[i].field or
// telehealth_modifier; ENOTFOUND for a line id that does not exist.
func (db *DB) SaveFeeSchedule(ctx context.Context, fs *journey.FeeSchedule, by int64) error {
	fs.TelehealthModifier = strings.ToUpper(strings.TrimSpace(fs.TelehealthModifier))
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		kinds, err := tx.entityKinds(ctx)
		if err != nil {
			return err
		}
		var v journey.Validation
		for i, l := range fs.Lines {
			prefix(&v, "lines["+strconv.Itoa(i)+"].", l.Validate(kinds))
		}
		codes := map[string]bool{}
		for i, p := range fs.Prices {
			f := "prices[" + strconv.Itoa(i) + "]."
			prefix(&v, f, p.Validate())
			if codes[p.Code] {
				v.Add(f+"code", p.Code+" is priced twice.")
			}
			codes[p.Code] = true
		}
		if err := journey.CheckTelehealthModifier(fs.TelehealthModifier); err != nil {
			v.Add("telehealth_modifier", err.Error())
		}
		if err := v.Err(); err != nil {
			return err
		}
		keep := []int64{}
		for _, l := range fs.Lines {
			if err := tx.saveFeeLine(ctx, l); err != nil {
				return err
			}
			keep = append(keep, l.ID)
		}
		if err := tx.deactivateFeeLinesBut(ctx, keep); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM fee_prices`); err != nil {
			return err
		}
		for _, p := range fs.Prices {
			if err := tx.saveCodePrice(ctx, p); err != nil {
				return err
			}
		}
		return tx.setTelehealthModifier(ctx, fs.TelehealthModifier, by)
	})
}

func (tx *Tx) deactivateFeeLinesBut(ctx context.Context, keep []int64) error {
	rows, err := tx.query(ctx, `SELECT id FROM fee_lines WHERE active = ?`, true)
	if err != nil {
		return err
	}
	var drop []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		if !slices.Contains(keep, id) {
			drop = append(drop, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range drop {
		if _, err := tx.exec(ctx, `UPDATE fee_lines SET active = ?, updated_at = ? WHERE id = ?`, false, unix(tx.now), id); err != nil {
			return err
		}
	}
	return nil
}

// prefix adds err's field errors to v, each field named after p.
func prefix(v *journey.Validation, p string, err error) {
	for _, f := range journey.ErrorFields(err) {
		v.Add(p+f.Field, f.Detail)
	}
}

// clientExists returns ENOTFOUND unless client id exists.
func (tx *Tx) clientExists(ctx context.Context, id int64) error {
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM clients WHERE id = ?`, id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return journey.Errorf(journey.ENOTFOUND, "Client not found.")
	}
	return nil
}

// FindDiagnoses returns client's diagnosis codes in pointer order (A
// first); an empty list when none are chosen.
func (db *DB) FindDiagnoses(ctx context.Context, clientID int64) ([]string, error) {
	rows, err := db.query(ctx, `SELECT code FROM client_diagnoses WHERE client_id = ? ORDER BY position`, clientID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{}
	ph := db.phi()
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		ph.open(aadDiagnosisCode, &c)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, ph.err
}

// SetDiagnoses replaces client's diagnoses with codes, in pointer order,
// chosen by `by`. EINVALID names each wrong code (journey.NormalizeDiagnoses);
// ENOTFOUND for an unknown client. It returns the list as stored.
func (db *DB) SetDiagnoses(ctx context.Context, clientID int64, codes []string, by int64) ([]string, error) {
	codes, err := journey.NormalizeDiagnoses(codes)
	if err != nil {
		return nil, err
	}
	ph := db.phi()
	sealed := make([]string, len(codes))
	for i, c := range codes {
		sealed[i] = ph.seal(aadDiagnosisCode, c)
	}
	if ph.err != nil {
		return nil, ph.err
	}
	return codes, db.write(ctx, func(ctx context.Context, tx *Tx) error {
		if err := tx.clientExists(ctx, clientID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM client_diagnoses WHERE client_id = ?`, clientID); err != nil {
			return err
		}
		for i, c := range sealed {
			if _, err := tx.exec(ctx, `INSERT INTO client_diagnoses (client_id, position, code, by_id, at) VALUES (?, ?, ?, ?, ?)`,
				clientID, i+1, c, by, unix(tx.now)); err != nil {
				return err
			}
		}
		return nil
	})
}

// FindCoverage returns how client pays each entity, one per entity (the
// practice's first); an entity with nothing on file is self-pay.
func (db *DB) FindCoverage(ctx context.Context, clientID int64) ([]*journey.Coverage, error) {
	rows, err := db.query(ctx, `SELECT e.id, COALESCE(c.payer, ''), COALESCE(c.insurer, ''), COALESCE(c.member_id, ''), COALESCE(c.group_number, ''),
		COALESCE(c.updated_at, 0) FROM billing_entities e LEFT JOIN coverage c ON c.entity_id = e.id AND c.client_id = ?
		ORDER BY e.kind DESC, e.id`, clientID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*journey.Coverage{}
	ph := db.phi()
	for rows.Next() {
		c := journey.Coverage{ClientID: clientID}
		var at int64
		if err := rows.Scan(&c.EntityID, &c.Payer, &c.Insurer, &c.MemberID, &c.GroupNumber, &at); err != nil {
			return nil, err
		}
		if c.Payer == "" {
			c.Payer = journey.PayerSelfPay
		}
		ph.open(aadCoverageInsurer, &c.Insurer)
		ph.open(aadCoverageMemberID, &c.MemberID)
		ph.open(aadCoverageGroupNumb, &c.GroupNumber)
		c.UpdatedAt = fromUnix(at)
		out = append(out, &c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, ph.err
}

// FindClientCoverage returns how client pays entity (self-pay when
// nothing is on file); ENOTFOUND for an unknown entity.
func (db *DB) FindClientCoverage(ctx context.Context, clientID, entityID int64) (*journey.Coverage, error) {
	all, err := db.FindCoverage(ctx, clientID)
	if err != nil {
		return nil, err
	}
	for _, c := range all {
		if c.EntityID == entityID {
			return c, nil
		}
	}
	return nil, journey.Errorf(journey.ENOTFOUND, "Billing entity not found.")
}

// SetCoverage validates c (EINVALID naming each wrong field) and stores
// it as how its client pays its entity, set by `by`. ENOTFOUND for an
// unknown client; EINVALID on entity_id for an unknown entity.
func (db *DB) SetCoverage(ctx context.Context, c *journey.Coverage, by int64) error {
	if err := c.Validate(); err != nil {
		return err
	}
	ph := db.phi()
	insurer, member, group := ph.seal(aadCoverageInsurer, c.Insurer), ph.seal(aadCoverageMemberID, c.MemberID), ph.seal(aadCoverageGroupNumb, c.GroupNumber)
	if ph.err != nil {
		return ph.err
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		if err := tx.clientExists(ctx, c.ClientID); err != nil {
			return err
		}
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM billing_entities WHERE id = ?`, c.EntityID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return invalidField("entity_id", "Choose the entity they pay.")
		}
		c.UpdatedBy, c.UpdatedAt = by, tx.now
		_, err := tx.exec(ctx, `INSERT INTO coverage (client_id, entity_id, payer, insurer, member_id, group_number, updated_by, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (client_id, entity_id) DO UPDATE SET payer = excluded.payer, insurer = excluded.insurer,
			member_id = excluded.member_id, group_number = excluded.group_number, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			c.ClientID, c.EntityID, c.Payer, insurer, member, group, nullID(by), unix(tx.now))
		return err
	})
}

package sqldb

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/journey-kap/journey"
)

// Associated data of the clients' sealed columns.
const (
	aadClientName      = "clients.name"
	aadClientEmail     = "clients.email"
	aadClientPhone     = "clients.phone"
	aadClientScreening = "clients.screening" // a screeningState
)

// screeningState is what clients.screening seals: the client's screening
// status and the numbers that would tell it. While the client awaits
// review, the queue's plain copies sit beside it (reviewColumns).
type screeningState struct {
	Status       string `json:"status"`
	Priority     int    `json:"priority"`
	IntakeDoneAt int64  `json:"intake_done_at"`
	ClearedUntil int64  `json:"cleared_until"`
}

// reviewColumns returns the plain review_priority and review_since of a
// client in state st: set only while they await review, as the queue
// sorts on them, and NULL otherwise, so the table shows nothing of anyone
// else's screening.
func reviewColumns(st screeningState) (priority, since any) {
	if st.Status != journey.ScreeningAwaitingReview {
		return nil, nil
	}
	return st.Priority, st.IntakeDoneAt
}

func (db *DB) clientMail() (journey.ClientMailComposer, error) {
	m, ok := db.Mail.(journey.ClientMailComposer)
	if !ok {
		return nil, journey.Errorf(journey.EINTERNAL, "No mail composer for client emails.")
	}
	return m, nil
}

// CreateClient adds a client with their therapist on the care team and
// queues the portal invitation carrying token, in one transaction. From a
// consult, the consult must have been held and not already made a client.
func (db *DB) CreateClient(ctx context.Context, n *journey.NewClient, token string) (*journey.Client, error) {
	if err := n.Validate(); err != nil {
		return nil, err
	}
	t, err := db.FindUserByID(ctx, n.TherapistID)
	if err != nil && journey.ErrorCode(err) != journey.ENOTFOUND {
		return nil, err
	}
	if err != nil || !t.Active || !t.HasRole(journey.RoleTherapist) {
		return nil, &journey.Error{Code: journey.EINVALID, Message: "Please correct the highlighted fields.",
			Fields: []journey.FieldError{{Field: "therapist_id", Detail: "Choose an active therapist."}}}
	}
	composer, err := db.clientMail()
	if err != nil {
		return nil, err
	}
	p := db.phi()
	name, email, phone := p.seal(aadClientName, n.Name), p.seal(aadClientEmail, n.Email), p.seal(aadClientPhone, n.Phone)
	state := p.sealPadded(aadClientScreening, screeningState{Status: journey.ScreeningIncomplete, Priority: len(journey.FindingKinds)}, padFact)
	if p.err != nil {
		return nil, p.err
	}
	nameTokens := db.Keys.NameIndex(n.Name)
	c := &journey.Client{ConsultID: n.ConsultID, Name: n.Name, Email: n.Email, Phone: n.Phone, CreatedBy: n.CreatedBy,
		Screening: journey.ScreeningIncomplete, Priority: len(journey.FindingKinds),
		CareTeam: []journey.CareMember{{UserID: t.ID, Role: journey.RoleTherapist, Name: t.Name}}}
	err = db.write(ctx, func(ctx context.Context, tx *Tx) error {
		var consultID any
		if n.ConsultID != 0 {
			var status string
			if err := tx.queryRow(ctx, `SELECT status FROM consults WHERE id = ?`, n.ConsultID).Scan(&status); err != nil {
				return notFound(err, "Consult")
			}
			if status != journey.ConsultHeld {
				return journey.Errorf(journey.ECONFLICT, "Mark the consult held before inviting the person to begin.")
			}
			consultID = n.ConsultID
		}
		var dup int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM clients WHERE email_key = ? OR (consult_id IS NOT NULL AND consult_id = ?)`,
			db.emailKey(n.Email), n.ConsultID).Scan(&dup); err != nil {
			return err
		}
		if dup > 0 {
			return &journey.Error{Code: journey.ECONFLICT, Message: "This person is already a client.",
				Fields: []journey.FieldError{{Field: "email", Detail: "A client with this email address already exists."}}}
		}
		c.CreatedAt, c.InvitedAt = tx.now, tx.now
		var err error
		c.ID, err = tx.insert(ctx, `INSERT INTO clients (consult_id, name, email, email_key, phone, screening, created_by, created_at, invited_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, consultID, name, email, db.emailKey(n.Email), phone, state, n.CreatedBy, unix(tx.now), unix(tx.now))
		if err != nil {
			return err
		}
		if err := tx.indexName(ctx, ownerClient, c.ID, nameTokens); err != nil {
			return err
		}
		if err := tx.addCareMember(ctx, c.ID, t.ID, journey.RoleTherapist); err != nil {
			return err
		}
		return tx.inviteClient(ctx, composer, c, n.CreatedBy, token)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

func (tx *Tx) addCareMember(ctx context.Context, clientID, userID int64, role string) error {
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM care_team WHERE client_id = ? AND user_id = ?`, clientID, userID).Scan(&n); err != nil || n > 0 {
		return err
	}
	_, err := tx.exec(ctx, `INSERT INTO care_team (client_id, user_id, role, added_at) VALUES (?, ?, ?, ?)`, clientID, userID, role, unix(tx.now))
	return err
}

func (tx *Tx) inviteClient(ctx context.Context, composer journey.ClientMailComposer, c *journey.Client, by int64, token string) error {
	expires := tx.now.Add(journey.InvitationTTL)
	if _, err := tx.exec(ctx, `INSERT INTO client_invitations (client_id, token_hash, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
		c.ID, hashLinkToken(token), by, unix(tx.now), unix(expires)); err != nil {
		return err
	}
	pr, err := tx.db.practice(ctx, tx)
	if err != nil {
		return err
	}
	m, err := composer.ComposeClientInvitation(c, pr, token, expires)
	if err != nil {
		return err
	}
	return tx.queueMessage(ctx, m, 0)
}

// ReinviteClient sends a client who has not yet joined a new portal link;
// earlier links stop working.
func (db *DB) ReinviteClient(ctx context.Context, clientID, by int64, token string) error {
	c, err := db.FindClientByID(ctx, clientID)
	if err != nil {
		return err
	}
	if c.UserID != 0 {
		return journey.Errorf(journey.ECONFLICT, "This client has already set up their portal.")
	}
	composer, err := db.clientMail()
	if err != nil {
		return err
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		if _, err := tx.exec(ctx, `UPDATE client_invitations SET used_at = ? WHERE client_id = ? AND used_at = 0`, unix(tx.now), c.ID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE clients SET invited_at = ? WHERE id = ?`, unix(tx.now), c.ID); err != nil {
			return err
		}
		return tx.inviteClient(ctx, composer, c, by, token)
	})
}

// FindClientInvitation returns the client an open portal invitation is for.
func (db *DB) FindClientInvitation(ctx context.Context, token string) (*journey.Client, error) {
	var clientID, expires, used int64
	err := db.queryRow(ctx, `SELECT client_id, expires_at, used_at FROM client_invitations WHERE token_hash = ?`, hashLinkToken(token)).
		Scan(&clientID, &expires, &used)
	if err := db.checkLink(err, used, expires); err != nil {
		return nil, err
	}
	return db.FindClientByID(ctx, clientID)
}

// AcceptClientInvitation spends the invitation and creates the client's
// portal account with passwordHash, in one transaction.
func (db *DB) AcceptClientInvitation(ctx context.Context, token, passwordHash string) (*journey.User, error) {
	c, err := db.FindClientInvitation(ctx, token)
	if err != nil {
		return nil, err
	}
	if c.UserID != 0 {
		return nil, errLinkUsed
	}
	u := &journey.User{Kind: journey.UserClient, Name: c.Name, Email: c.Email, Roles: []string{journey.RoleClient}, Active: true}
	su, err := db.sealUser(u.Name, u.Email)
	if err != nil {
		return nil, err
	}
	err = db.write(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE client_invitations SET used_at = ? WHERE token_hash = ? AND used_at = 0 AND expires_at > ?`,
			unix(tx.now), hashLinkToken(token), unix(tx.now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errLinkUsed
		}
		var taken int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM users WHERE email_key = ?`, su.emailKey).Scan(&taken); err != nil {
			return err
		}
		if taken > 0 {
			return journey.Errorf(journey.ECONFLICT, "An account with this email address already exists. Ask the practice for help.")
		}
		if u.ID, err = tx.insertUser(ctx, u.Kind, su, true); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE clients SET user_id = ? WHERE id = ?`, u.ID, c.ID); err != nil {
			return err
		}
		u.CreatedAt, u.HasPassword = tx.now, true
		return tx.setRoles(ctx, u.ID, u.Roles, passwordHash)
	})
	return u, err
}

const clientColumns = `id, COALESCE(user_id, 0), COALESCE(consult_id, 0), name, email, phone, screening, created_by, created_at, invited_at`

// scanClient scans a row of clientColumns, then any extra columns into
// extra, and decrypts the client. A screening column selected empty is
// left for the caller, which has it in plain (ReviewQueue).
func (db *DB) scanClient(row scanner, extra ...any) (*journey.Client, error) {
	var c journey.Client
	var state string
	var created, invited int64
	dest := append([]any{&c.ID, &c.UserID, &c.ConsultID, &c.Name, &c.Email, &c.Phone, &state, &c.CreatedBy, &created, &invited}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	p := db.phi()
	p.open(aadClientName, &c.Name)
	p.open(aadClientEmail, &c.Email)
	p.open(aadClientPhone, &c.Phone)
	if state != "" {
		st := p.openState(state)
		c.Screening, c.Priority, c.IntakeDone, c.ClearedTill = st.Status, st.Priority, fromUnix(st.IntakeDoneAt), fromUnix(st.ClearedUntil)
	}
	c.CreatedAt, c.InvitedAt = fromUnix(created), fromUnix(invited)
	return &c, p.err
}

// openState opens a sealed clients.screening.
func (p *phi) openState(sealed string) screeningState {
	var st screeningState
	p.openJSON(aadClientScreening, sealed, &st)
	return st
}

// FindClientByID returns the client with their care team, or ENOTFOUND.
func (db *DB) FindClientByID(ctx context.Context, id int64) (*journey.Client, error) {
	c, err := db.scanClient(db.queryRow(ctx, `SELECT `+clientColumns+` FROM clients WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "Client")
	}
	return c, db.loadCareTeams(ctx, []*journey.Client{c})
}

// FindClientByUserID returns the client whose portal account is userID.
func (db *DB) FindClientByUserID(ctx context.Context, userID int64) (*journey.Client, error) {
	c, err := db.scanClient(db.queryRow(ctx, `SELECT `+clientColumns+` FROM clients WHERE user_id = ?`, userID))
	if err != nil {
		return nil, notFound(err, "Client")
	}
	return c, db.loadCareTeams(ctx, []*journey.Client{c})
}

func (db *DB) loadCareTeams(ctx context.Context, cs []*journey.Client) error {
	if len(cs) == 0 {
		return nil
	}
	ids := make([]string, len(cs))
	byID := make(map[int64]*journey.Client, len(cs))
	for i, c := range cs {
		ids[i] = fmt.Sprint(c.ID)
		byID[c.ID] = c
		c.CareTeam = nil
	}
	rows, err := db.query(ctx, `SELECT t.client_id, t.user_id, t.role, u.name FROM care_team t JOIN users u ON u.id = t.user_id
		WHERE t.client_id IN (SELECT CAST(value AS BIGINT) FROM `+db.jsonValues()+`) ORDER BY t.client_id, t.added_at, t.user_id`, jsonList(ids))
	if err != nil {
		return err
	}
	defer rows.Close()
	p := db.phi()
	for rows.Next() {
		var cid int64
		var m journey.CareMember
		if err := rows.Scan(&cid, &m.UserID, &m.Role, &m.Name); err != nil {
			return err
		}
		p.open(aadUserName, &m.Name)
		byID[cid].CareTeam = append(byID[cid].CareTeam, m)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return p.err
}

// FindClients returns a page of clients matching f in the order f.Sort
// names (newest first by default), and the number matching in all. It
// fails with EINVALID on a filter it cannot apply.
func (db *DB) FindClients(ctx context.Context, f journey.ClientFilter) ([]*journey.Client, int, error) {
	if err := f.Validate(); err != nil {
		return nil, 0, err
	}
	cond, args, ok := db.clientWhere(f)
	if !ok {
		return nil, 0, nil
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	if sealedFilter(f) {
		return db.findClientsSealed(ctx, f, cond, args, limit)
	}
	var total int
	if err := db.queryRow(ctx, `SELECT COUNT(*) FROM clients WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.query(ctx, `SELECT `+clientColumns+` FROM clients WHERE `+cond+` ORDER BY id DESC LIMIT ? OFFSET ?`,
		append(args, limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	cs, err := db.scanClients(rows)
	if err != nil {
		return nil, 0, err
	}
	return cs, total, db.loadCareTeams(ctx, cs)
}

// clientWhere returns the SQL condition and arguments of the parts of f
// that plain columns can answer, narrowing what findClientsSealed opens;
// ok is false when no client can match (a name search with no usable
// word).
func (db *DB) clientWhere(f journey.ClientFilter) (cond string, args []any, ok bool) {
	where := []string{"1 = 1"}
	if f.CareTeamMember != 0 {
		where = append(where, "id IN (SELECT client_id FROM care_team WHERE user_id = ?)")
		args = append(args, f.CareTeamMember)
	}
	if f.TherapistID != 0 {
		where = append(where, "id IN (SELECT client_id FROM care_team WHERE user_id = ? AND role = 'therapist')")
		args = append(args, f.TherapistID)
	}
	// Only a client awaiting review has a review priority.
	switch {
	case f.Replied:
		// Queued, and asked a question once (repliedOnly opens the latest
		// decision of these few).
		where = append(where, "review_priority IS NOT NULL AND id IN (SELECT client_id FROM clearances)")
	case f.Screening == journey.ScreeningAwaitingReview:
		where = append(where, "review_priority IS NOT NULL")
	case f.Screening != "" || f.Stage == journey.StageIntake || f.Stage == journey.StagePreparation || f.Stage == journey.StageDeclined:
		where = append(where, "review_priority IS NULL")
	}
	switch f.Stage {
	case journey.StageInvited:
		where = append(where, "user_id IS NULL")
	case journey.StageIntake:
		where = append(where, "user_id IS NOT NULL")
	}
	if strings.TrimSpace(f.Query) != "" {
		// Every word of the query must match a word of the name, or its
		// start, through the blind index (see FindUsersByName).
		tokens := db.Keys.NameQuery(f.Query)
		if len(tokens) == 0 {
			return "", nil, false
		}
		where = append(where, `id IN (SELECT n.owner_id FROM `+db.jsonValues()+` CROSS JOIN name_index n
			WHERE n.owner_type = '`+ownerClient+`' AND n.token = value GROUP BY n.owner_id HAVING COUNT(DISTINCT n.token) = ?)`)
		args = append(args, jsonList(tokens), len(tokens))
	}
	return strings.Join(where, " AND "), args, true
}

// sealedFilter reports whether f filters or sorts on what only sealed
// columns hold: a screening status other than awaiting review, a stage
// past the invitation, a reply to the prescriber, the name or the status
// order.
func sealedFilter(f journey.ClientFilter) bool {
	return (f.Screening != "" && f.Screening != journey.ScreeningAwaitingReview) || (f.Stage != "" && f.Stage != journey.StageInvited) ||
		f.Replied || f.Sort == journey.ClientSortName || f.Sort == journey.ClientSortStatus
}

// opensState reports whether f needs each client's sealed status: a
// status or stage the plain columns cannot answer, or the status order.
// A reply filter alone does not: the queue's plain column says its
// clients await review.
func opensState(f journey.ClientFilter) bool {
	return (f.Screening != "" && f.Screening != journey.ScreeningAwaitingReview) || (f.Stage != "" && f.Stage != journey.StageInvited) ||
		f.Sort == journey.ClientSortStatus
}

// maxSealedList is the most clients a list opens to filter or sort on a
// sealed fact; past it the list asks for a narrower filter. One state or
// name opens in about a microsecond, and a practice's clients number in
// the thousands.
const maxSealedList = 20_000

// statusRank orders screening statuses along the path.
var statusRank = map[string]int{journey.ScreeningIncomplete: 1, journey.ScreeningAwaitingReview: 2, journey.ScreeningNeedsInfo: 3,
	journey.ScreeningCleared: 4, journey.ScreeningDeclined: 5}

// listed is one client as findClientsSealed filters and sorts them.
type listed struct {
	id     int64
	joined bool
	name   string // lower case; opened only to sort by name
	state  screeningState
}

// findClientsSealed returns the page of clients matching cond and f's
// sealed filters, in f's order, and how many match: it opens what f needs
// of every client cond matches (the status, the name to sort by it, the
// latest decision of those queued after a question), then reads the
// page's rows only.
func (db *DB) findClientsSealed(ctx context.Context, f journey.ClientFilter, cond string, args []any, limit int) ([]*journey.Client, int, error) {
	var n int
	if err := db.queryRow(ctx, `SELECT COUNT(*) FROM clients WHERE `+cond, args...).Scan(&n); err != nil {
		return nil, 0, err
	}
	if n > maxSealedList {
		return nil, 0, &journey.Error{Code: journey.EINVALID, Message: "Please correct the highlighted fields.", Fields: []journey.FieldError{
			{Field: "sort", Detail: fmt.Sprintf("This works on up to %d clients at a time: filter by therapist or name first.", maxSealedList)}}}
	}
	byName, byState := f.Sort == journey.ClientSortName, opensState(f)
	nameCol, stateCol := "''", "''"
	if byName {
		nameCol = "name"
	}
	if byState {
		stateCol = "screening"
	}
	rows, err := db.query(ctx, `SELECT id, user_id IS NOT NULL, `+nameCol+`, `+stateCol+` FROM clients WHERE `+cond, args...)
	if err != nil {
		return nil, 0, err
	}
	var all []listed
	p := db.phi()
	for rows.Next() {
		var l listed
		var name, state string
		if err := rows.Scan(&l.id, &l.joined, &name, &state); err != nil {
			rows.Close()
			return nil, 0, err
		}
		if byName {
			p.open(aadClientName, &name)
			l.name = strings.ToLower(name)
		}
		if !byState {
			all = append(all, l)
			continue
		}
		if l.state = p.openState(state); stageMatches(f, l) {
			all = append(all, l)
		}
	}
	rows.Close()
	if err := errors.Join(rows.Err(), p.err); err != nil {
		return nil, 0, err
	}
	if f.Replied {
		if all, err = db.repliedOnly(ctx, all); err != nil {
			return nil, 0, err
		}
	}
	slices.SortFunc(all, func(a, b listed) int {
		switch f.Sort {
		case journey.ClientSortName:
			if c := strings.Compare(a.name, b.name); c != 0 {
				return c
			}
		case journey.ClientSortStatus:
			if c := cmp.Compare(statusRank[a.state.Status], statusRank[b.state.Status]); c != 0 {
				return c
			}
			if c := cmp.Compare(a.state.Priority, b.state.Priority); c != 0 {
				return c
			}
		}
		return cmp.Compare(b.id, a.id)
	})
	page := all[min(f.Offset, len(all)):min(f.Offset+limit, len(all))]
	if len(page) == 0 {
		return nil, len(all), nil
	}
	ids := make([]string, len(page))
	pos := make(map[int64]int, len(page))
	for i, l := range page {
		ids[i] = strconv.FormatInt(l.id, 10)
		pos[l.id] = i
	}
	rows, err = db.query(ctx, `SELECT `+clientColumns+` FROM clients WHERE id IN (SELECT CAST(value AS BIGINT) FROM `+db.jsonValues()+`)`,
		jsonList(ids))
	if err != nil {
		return nil, 0, err
	}
	cs, err := db.scanClients(rows)
	if err != nil {
		return nil, 0, err
	}
	slices.SortFunc(cs, func(a, b *journey.Client) int { return cmp.Compare(pos[a.ID], pos[b.ID]) })
	return cs, len(all), db.loadCareTeams(ctx, cs)
}

// stageMatches reports whether client l passes f's screening and stage
// filters, on their opened status.
func stageMatches(f journey.ClientFilter, l listed) bool {
	st := l.state.Status
	if f.Screening != "" && st != f.Screening {
		return false
	}
	switch f.Stage {
	case journey.StageIntake:
		return l.joined && st == journey.ScreeningIncomplete
	case journey.StageReview:
		return st == journey.ScreeningAwaitingReview || st == journey.ScreeningNeedsInfo
	case journey.StagePreparation:
		return st == journey.ScreeningCleared
	case journey.StageDeclined:
		return st == journey.ScreeningDeclined
	}
	return true
}

// repliedOnly keeps the clients whose latest clearance decision asked a
// question they have answered, reading each one's latest decision in one
// query.
func (db *DB) repliedOnly(ctx context.Context, ls []listed) ([]listed, error) {
	if len(ls) == 0 {
		return ls, nil
	}
	ids := make([]string, len(ls))
	for i, l := range ls {
		ids[i] = strconv.FormatInt(l.id, 10)
	}
	rows, err := db.query(ctx, `SELECT k.client_id, k.decision FROM clearances k WHERE k.id IN (SELECT MAX(id) FROM clearances
		WHERE client_id IN (SELECT CAST(value AS BIGINT) FROM `+db.jsonValues()+`) GROUP BY client_id)`, jsonList(ids))
	if err != nil {
		return nil, err
	}
	replied := map[int64]bool{}
	p := db.phi()
	for rows.Next() {
		var id int64
		var sealed string
		if err := rows.Scan(&id, &sealed); err != nil {
			rows.Close()
			return nil, err
		}
		var o clearanceOutcome
		p.openJSON(aadClearanceDecision, sealed, &o)
		replied[id] = o.Decision == journey.DecisionNeedsInfo && o.RepliedAt > 0
	}
	rows.Close()
	if err := errors.Join(rows.Err(), p.err); err != nil {
		return nil, err
	}
	return slices.DeleteFunc(ls, func(l listed) bool { return !replied[l.id] }), nil
}

func (db *DB) scanClients(rows *rowSet) ([]*journey.Client, error) {
	defer rows.Close()
	var cs []*journey.Client
	for rows.Next() {
		c, err := db.scanClient(rows)
		if err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	return cs, rows.Err()
}

// AddCareMember puts a member of staff on a client's care team.
func (db *DB) AddCareMember(ctx context.Context, clientID, userID int64) error {
	u, err := db.FindUserByID(ctx, userID)
	if err != nil {
		return err
	}
	role := ""
	for _, r := range []string{journey.RoleTherapist, journey.RoleMedicalProvider, journey.RoleChaperone} {
		if u.HasRole(r) {
			role = r
			break
		}
	}
	if role == "" || !u.Active {
		return &journey.Error{Code: journey.EINVALID, Message: "Please correct the highlighted fields.",
			Fields: []journey.FieldError{{Field: "user_id", Detail: "Choose an active therapist, medical provider or chaperone."}}}
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		if err := tx.queryRow(ctx, `SELECT id FROM clients WHERE id = ?`, clientID).Scan(&clientID); err != nil {
			return notFound(err, "Client")
		}
		return tx.addCareMember(ctx, clientID, userID, role)
	})
}

// RemoveCareMember takes a member of staff off a client's care team. The
// last therapist stays: a client always has one.
func (db *DB) RemoveCareMember(ctx context.Context, clientID, userID int64) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		var role string
		if err := tx.queryRow(ctx, `SELECT role FROM care_team WHERE client_id = ? AND user_id = ?`, clientID, userID).Scan(&role); err != nil {
			return notFound(err, "Care team member")
		}
		if role == journey.RoleTherapist {
			ids, err := tx.db.onCareTeam(ctx, tx, clientID, journey.RoleTherapist)
			if err != nil {
				return err
			}
			if len(ids) == 1 {
				return journey.Errorf(journey.ECONFLICT, "A client always has a therapist: add another before removing this one.")
			}
		}
		_, err := tx.exec(ctx, `DELETE FROM care_team WHERE client_id = ? AND user_id = ?`, clientID, userID)
		return err
	})
}

// onCareTeam returns the ids of the client's care team members with role.
func (db *DB) onCareTeam(ctx context.Context, tx *Tx, clientID int64, role string) ([]int64, error) {
	rows, err := tx.query(ctx, `SELECT user_id FROM care_team WHERE client_id = ? AND role = ?`, clientID, role)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// Sealed facts are padded with spaces after their JSON to a multiple of a
// width: GCM hides no length, and the length of a short value (a status,
// a decision, a questionnaire's code, whether a text is blank, how many
// answers) would tell the value. JSON ignores the trailing spaces.
const (
	padFact  = 128  // a status, decision, alert kind or questionnaire, with its numbers; a response's answers
	padText  = 64   // free text, as a JSON string: its length shows to the next 64 bytes
	padScore = 256  // a response's score, band, flags and clusters
	padList  = 512  // what a client has still to do
	padDoc   = 1024 // findings
)

// sealPadded marshals v and seals it for column aad, padded to a multiple
// of width bytes.
func (p *phi) sealPadded(aad string, v any, width int) string {
	if p.err != nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		p.err = err
		return ""
	}
	return p.sealPad(aad, string(b), width)
}

// sealPad seals JSON text s for column aad, padded with spaces to a
// multiple of width bytes.
func (p *phi) sealPad(aad, s string, width int) string {
	if n := len(s) % width; n != 0 || s == "" {
		s += strings.Repeat(" ", width-n)
	}
	return p.seal(aad, s)
}

// openJSON opens column aad's ciphertext s into v.
func (p *phi) openJSON(aad, s string, v any) {
	p.open(aad, &s)
	if p.err != nil {
		return
	}
	if err := json.Unmarshal([]byte(s), v); err != nil {
		p.err = fmt.Errorf("sqldb: %s: %w", aad, err)
	}
}

func since(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/journey-kap/journey"
)

// Good Faith Estimates (migrations 0036 and 0037): the requests that fell
// due (a booking, the client asking, a plan change), and each estimate
// issued, kept as its document (kind estimate, the PDF sealed) and its
// lines (sealed JSON). A client has one open request at a time; issuing
// marks it done in the transaction that stores the estimates and queues
// their email, so two processes issue it once.

const aadEstimateLines = "estimates.lines"

const estimateRequestColumns = `id, client_id, reason, COALESCE(session_id, 0), requested_at, due_by, done_at`

func scanEstimateRequest(row scanner) (*journey.EstimateRequest, error) {
	r := &journey.EstimateRequest{}
	var requested, due, done int64
	if err := row.Scan(&r.ID, &r.ClientID, &r.Reason, &r.SessionID, &requested, &due, &done); err != nil {
		return nil, err
	}
	r.RequestedAt, r.DueBy, r.DoneAt = fromUnix(requested), fromUnix(due), fromUnix(done)
	return r, nil
}

// OpenEstimateRequest opens r for its client, due by r.DueBy (RequestedAt
// is the transaction's time) and hands it to the job queue in the same
// transaction. When the client has an open request already, r joins it:
// its deadline becomes the earlier of the two and r takes its id and
// reason. EINVALID for an unknown reason.
func (db *DB) OpenEstimateRequest(ctx context.Context, r *journey.EstimateRequest) error {
	switch r.Reason {
	case journey.EstimateScheduled, journey.EstimateRequested, journey.EstimatePlanChange:
	default:
		return journey.Errorf(journey.EINVALID, "Unknown reason for an estimate.")
	}
	var err error
	for range 2 { // a request opened meanwhile by another process: join it
		if err = db.write(ctx, func(ctx context.Context, tx *Tx) error { return tx.openEstimateRequest(ctx, r) }); journey.ErrorCode(err) != journey.ECONFLICT {
			return err
		}
	}
	return err
}

func (tx *Tx) openEstimateRequest(ctx context.Context, r *journey.EstimateRequest) error {
	open, err := scanEstimateRequest(tx.queryRow(ctx, `SELECT `+estimateRequestColumns+` FROM estimate_requests
		WHERE client_id = ? AND done_at = 0`, r.ClientID))
	switch {
	case err == nil:
		if r.DueBy.Before(open.DueBy) {
			if _, err := tx.exec(ctx, `UPDATE estimate_requests SET due_by = ? WHERE id = ?`, unix(r.DueBy), open.ID); err != nil {
				return err
			}
			open.DueBy = fromUnix(unix(r.DueBy))
		}
		*r = *open
		return nil
	case !errors.Is(err, sql.ErrNoRows):
		return err
	}
	var session any
	if r.SessionID != 0 {
		session = r.SessionID
	}
	r.RequestedAt = tx.now
	if r.DueBy.Before(tx.now) {
		r.DueBy = tx.now
	}
	r.ID, err = tx.insert(ctx, `INSERT INTO estimate_requests (client_id, reason, session_id, requested_at, due_by) VALUES (?, ?, ?, ?, ?)`,
		r.ClientID, r.Reason, session, unix(r.RequestedAt), unix(r.DueBy))
	if err != nil {
		return err
	}
	r.RequestedAt, r.DueBy, r.DoneAt = fromUnix(unix(r.RequestedAt)), fromUnix(unix(r.DueBy)), time.Time{}
	if tx.db.EnqueueEstimateRequest != nil {
		return tx.db.EnqueueEstimateRequest(ctx, tx.Tx, r.ID)
	}
	return nil
}

// FindEstimateRequest returns request id; ENOTFOUND when there is none.
func (db *DB) FindEstimateRequest(ctx context.Context, id int64) (*journey.EstimateRequest, error) {
	r, err := scanEstimateRequest(db.queryRow(ctx, `SELECT `+estimateRequestColumns+` FROM estimate_requests WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "Estimate request")
	}
	return r, nil
}

// FindEstimateRequests returns client's requests, newest first, at most
// limit (1–200).
func (db *DB) FindEstimateRequests(ctx context.Context, clientID int64, limit int) ([]*journey.EstimateRequest, error) {
	return db.estimateRequests(ctx, `SELECT `+estimateRequestColumns+` FROM estimate_requests WHERE client_id = ?
		ORDER BY requested_at DESC, id DESC LIMIT ?`, clientID, min(max(limit, 1), 200))
}

// FindDueEstimateRequests returns the open requests due by before, the
// earliest deadline first, at most limit (1–500).
func (db *DB) FindDueEstimateRequests(ctx context.Context, before time.Time, limit int) ([]*journey.EstimateRequest, error) {
	return db.estimateRequests(ctx, `SELECT `+estimateRequestColumns+` FROM estimate_requests WHERE done_at = 0 AND due_by <= ?
		ORDER BY due_by, id LIMIT ?`, unix(before), min(max(limit, 1), 500))
}

func (db *DB) estimateRequests(ctx context.Context, q string, args ...any) ([]*journey.EstimateRequest, error) {
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*journey.EstimateRequest{}
	for rows.Next() {
		r, err := scanEstimateRequest(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// CreateEstimates issues request requestID with the estimates given (none
// when the client pays no one themselves): in one transaction each is
// stored as its document (kind estimate, its PDF sealed) and its estimate
// row, superseding the client's current estimate of the same entity and
// charge type; the request is marked done; and, when the client has an
// address and there is an estimate, their email is queued. Each estimate
// gets its id, document, times and the one it supersedes. ECONFLICT when
// the request was issued already (by another process: nothing is
// written), ENOTFOUND when there is no such request.
func (db *DB) CreateEstimates(ctx context.Context, requestID int64, issued []journey.IssuedEstimate, by int64) error {
	compose, _ := db.Mail.(journey.EstimateMailComposer)
	p := db.phi()
	type sealed struct{ lines, pdf string }
	seals := make([]sealed, len(issued))
	for i, is := range issued {
		seals[i] = sealed{p.sealPadded(aadEstimateLines, is.Estimate.Lines, padDoc), p.seal(aadDocumentPDF, string(is.PDF))}
	}
	if p.err != nil {
		return p.err
	}
	var creator any
	if by != 0 {
		creator = by
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		req, err := scanEstimateRequest(tx.queryRow(ctx, `SELECT `+estimateRequestColumns+` FROM estimate_requests WHERE id = ?`, requestID))
		if err != nil {
			return notFound(err, "Estimate request")
		}
		res, err := tx.exec(ctx, `UPDATE estimate_requests SET done_at = ? WHERE id = ? AND done_at = 0`, unix(tx.now), requestID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return journey.Errorf(journey.ECONFLICT, "This estimate was issued already.")
		}
		var ests []*journey.Estimate
		for i, is := range issued {
			e := is.Estimate
			if e.ClientID != req.ClientID {
				return journey.Errorf(journey.EINVALID, "An estimate is for the client who is owed it.")
			}
			if err := tx.insertEstimate(ctx, req, e, seals[i].lines, seals[i].pdf, creator); err != nil {
				return err
			}
			ests = append(ests, e)
		}
		if compose == nil || len(ests) == 0 {
			return nil
		}
		return tx.mailEstimates(ctx, compose, req.ClientID, ests)
	})
}

// insertEstimate stores e, issued for req, as its document and its row.
func (tx *Tx) insertEstimate(ctx context.Context, req *journey.EstimateRequest, e *journey.Estimate, lines, pdf string, creator any) error {
	var prev int64
	err := tx.queryRow(ctx, `SELECT id FROM estimates e WHERE client_id = ? AND entity_id = ? AND charge_type = ?
		AND NOT EXISTS (SELECT 1 FROM estimates s WHERE s.supersedes_id = e.id) ORDER BY id DESC LIMIT 1`,
		e.ClientID, e.EntityID, e.ChargeType).Scan(&prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	var supersedes any
	if prev != 0 {
		supersedes = prev
	}
	doc, err := tx.insert(ctx, `INSERT INTO documents (client_id, entity_id, charge_type, kind, period_from, period_to, total_cents, pdf,
		created_by, created_at) VALUES (?, ?, ?, 'estimate', ?, ?, ?, ?, ?, ?)`,
		e.ClientID, e.EntityID, e.ChargeType, e.ServiceFrom, e.ServiceTo, e.TotalCents, pdf, creator, unix(tx.now))
	if err != nil {
		return err
	}
	e.Reason, e.RequestedAt, e.DueBy, e.IssuedAt, e.SupersedesID, e.DocumentID = req.Reason, req.RequestedAt, req.DueBy, fromUnix(unix(tx.now)), prev, doc
	e.ID, err = tx.insert(ctx, `INSERT INTO estimates (request_id, client_id, entity_id, charge_type, reason, requested_at, due_by, issued_at,
		service_from, service_to, lines, total_cents, supersedes_id, document_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		req.ID, e.ClientID, e.EntityID, e.ChargeType, e.Reason, unix(e.RequestedAt), unix(e.DueBy), unix(tx.now),
		e.ServiceFrom, e.ServiceTo, lines, e.TotalCents, supersedes, doc)
	return err
}

// mailEstimates queues the client's email delivering ests, when they have
// an address, and records that it went.
func (tx *Tx) mailEstimates(ctx context.Context, compose journey.EstimateMailComposer, clientID int64, ests []*journey.Estimate) error {
	c, err := tx.db.scanClient(tx.queryRow(ctx, `SELECT `+clientColumns+` FROM clients WHERE id = ?`, clientID))
	if err != nil {
		return err
	}
	if c.Email == "" {
		return nil
	}
	pr, err := tx.db.practice(ctx, tx)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	for _, e := range ests {
		var name string
		if err := tx.queryRow(ctx, `SELECT legal_name FROM billing_entities WHERE id = ?`, e.EntityID).Scan(&name); err != nil {
			return err
		}
		names[e.EntityID] = name
	}
	m, err := compose.ComposeEstimate(&journey.EstimateMail{Client: c, Estimates: ests, EntityNames: names}, pr)
	if err != nil {
		return err
	}
	if err := tx.queueMessage(ctx, m, 0); err != nil {
		return err
	}
	for _, e := range ests {
		if _, err := tx.exec(ctx, `UPDATE estimates SET emailed_at = ? WHERE id = ?`, unix(tx.now), e.ID); err != nil {
			return err
		}
	}
	return nil
}

const estimateColumns = `id, client_id, entity_id, charge_type, reason, requested_at, due_by, issued_at, service_from, service_to,
	lines, total_cents, COALESCE(supersedes_id, 0), document_id`

// scanEstimate reads a row of estimateColumns, and extra after them.
func (db *DB) scanEstimate(row scanner, extra ...any) (*journey.Estimate, error) {
	e := &journey.Estimate{}
	var requested, due, issued int64
	var lines string
	if err := row.Scan(append([]any{&e.ID, &e.ClientID, &e.EntityID, &e.ChargeType, &e.Reason, &requested, &due, &issued, &e.ServiceFrom, &e.ServiceTo,
		&lines, &e.TotalCents, &e.SupersedesID, &e.DocumentID}, extra...)...); err != nil {
		return nil, err
	}
	e.RequestedAt, e.DueBy, e.IssuedAt = fromUnix(requested), fromUnix(due), fromUnix(issued)
	p := db.phi()
	p.openJSON(aadEstimateLines, lines, &e.Lines)
	return e, p.err
}

// MaxEstimates bounds the estimates a client's list shows.
const MaxEstimates = 200

// FindEstimates returns client's estimates, newest first (at most
// MaxEstimates), superseded ones too.
func (db *DB) FindEstimates(ctx context.Context, clientID int64) ([]*journey.Estimate, error) {
	rows, err := db.query(ctx, `SELECT `+estimateColumns+` FROM estimates WHERE client_id = ? ORDER BY issued_at DESC, id DESC LIMIT ?`,
		clientID, MaxEstimates)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*journey.Estimate{}
	for rows.Next() {
		e, err := db.scanEstimate(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// FindEstimate returns estimate id with its PDF; ENOTFOUND when there is
// none.
func (db *DB) FindEstimate(ctx context.Context, id int64) (*journey.Estimate, []byte, error) {
	var pdf string
	e, err := db.scanEstimate(db.queryRow(ctx, `SELECT `+estimateColumns+`, (SELECT d.pdf FROM documents d WHERE d.id = estimates.document_id)
		FROM estimates WHERE id = ?`, id), &pdf)
	if err != nil {
		return nil, nil, notFound(err, "Estimate")
	}
	p := db.phi()
	p.open(aadDocumentPDF, &pdf)
	if p.err != nil {
		return nil, nil, p.err
	}
	return e, []byte(pdf), nil
}

// EstimateBilled returns, for each of client's current estimates (those
// no later one supersedes), by estimate id, what the client has been
// billed for services of its entity and charge type within its period:
// the charges with their voids and adjustments.
func (db *DB) EstimateBilled(ctx context.Context, clientID int64) (map[int64]int64, error) {
	rows, err := db.query(ctx, `SELECT e.id, COALESCE(SUM(p.amount_cents), 0) FROM estimates e
		LEFT JOIN charges c ON c.client_id = e.client_id AND c.entity_id = e.entity_id AND c.charge_type = e.charge_type
			AND c.code <> '' AND c.service_date >= e.service_from AND c.service_date <= e.service_to
		LEFT JOIN postings p ON p.charge_id = c.id AND p.kind IN ('charge', 'void', 'adjustment')
		WHERE e.client_id = ? AND NOT EXISTS (SELECT 1 FROM estimates s WHERE s.supersedes_id = e.id)
		GROUP BY e.id`, clientID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]int64{}
	for rows.Next() {
		var id, billed int64
		if err := rows.Scan(&id, &billed); err != nil {
			return nil, err
		}
		out[id] = billed
	}
	return out, rows.Err()
}

// FindBookingsWithoutRequest returns the clients' places in booked
// sessions starting after now, for clients with no open estimate request,
// ordered by client, start and session, those after the keyset after
// (its zero value: from the first), at most limit (1–500): what the
// estimate sweep checks for an estimate a booking was owed.
func (db *DB) FindBookingsWithoutRequest(ctx context.Context, now time.Time, after journey.BookedSession, limit int) ([]journey.BookedSession, error) {
	rows, err := db.query(ctx, `SELECT r.resource_id, s.id, s.start_at FROM session_resources r JOIN care_sessions s ON s.id = r.session_id
		WHERE r.kind = 'client' AND r.active AND s.status = 'booked' AND s.start_at > ?
		  AND NOT EXISTS (SELECT 1 FROM estimate_requests q WHERE q.client_id = r.resource_id AND q.done_at = 0)
		  AND (r.resource_id > ? OR (r.resource_id = ? AND (s.start_at > ? OR (s.start_at = ? AND s.id > ?))))
		ORDER BY r.resource_id, s.start_at, s.id LIMIT ?`,
		unix(now), after.ClientID, after.ClientID, unix(after.Start), unix(after.Start), after.SessionID, min(max(limit, 1), 500))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []journey.BookedSession{}
	for rows.Next() {
		var b journey.BookedSession
		var start int64
		if err := rows.Scan(&b.ClientID, &b.SessionID, &start); err != nil {
			return nil, err
		}
		b.Start = fromUnix(start)
		out = append(out, b)
	}
	return out, rows.Err()
}

package sqldb

import (
	"context"
	"slices"
	"strconv"

	"github.com/journey-kap/journey"
)

// Documents (migration 0036): a statement, superbill, invoice or estimate
// as it was given to the client, its PDF sealed, and the charges it
// carries. The database holds the rule whatever code writes: a trigger
// refuses a charge of another client, entity or charge type, and on a
// superbill anything but a coded psychotherapy service; CreateDocument
// inserts the charges one by one so that refusal names the charge.

const aadDocumentPDF = "documents.pdf"

// MaxDocumentCharges bounds the charges one document carries: a year of
// weekly sessions several times over, and a bound on the transaction.
const MaxDocumentCharges = 1000

const documentColumns = `id, client_id, entity_id, charge_type, kind, period_from, period_to, total_cents, COALESCE(created_by, 0), created_at`

// CreateDocument stores d (its PDF sealed) and its charges d.ChargeIDs in
// one transaction and sets d.ID and d.CreatedAt. EINVALID naming the
// charge when the database refuses one (another client's, entity's or
// charge type's, or on a superbill a charge that is not a coded
// psychotherapy service), or when there are too many; ENOTFOUND when a
// charge does not exist.
func (db *DB) CreateDocument(ctx context.Context, d *journey.Document) error {
	ids := slices.Compact(slices.Sorted(slices.Values(d.ChargeIDs)))
	if len(ids) > MaxDocumentCharges {
		return journey.Errorf(journey.EINVALID, "A document carries at most %d charges: choose a shorter period.", MaxDocumentCharges)
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		var found int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM charges WHERE id IN (SELECT CAST(value AS BIGINT) FROM `+db.jsonValues()+`)`,
			jsonIDs(ids)).Scan(&found); err != nil {
			return err
		}
		if found != len(ids) {
			return journey.Errorf(journey.ENOTFOUND, "A charge chosen does not exist.")
		}
		p := db.phi()
		pdf := p.seal(aadDocumentPDF, string(d.PDF))
		if p.err != nil {
			return p.err
		}
		var by any
		if d.CreatedBy != 0 {
			by = d.CreatedBy
		}
		id, err := tx.insert(ctx, `INSERT INTO documents (client_id, entity_id, charge_type, kind, period_from, period_to, total_cents, pdf,
			created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			d.ClientID, d.EntityID, d.ChargeType, d.Kind, d.From, d.To, d.TotalCents, pdf, by, unix(tx.now))
		if isConflict(err) {
			return journey.Errorf(journey.EINVALID, "A superbill carries psychotherapy only.")
		}
		if err != nil {
			return err
		}
		for _, c := range ids {
			_, err := tx.exec(ctx, `INSERT INTO document_charges (document_id, charge_id) VALUES (?, ?)`, id, c)
			if isConflict(err) {
				return refusedCharge(d.Kind, c)
			}
			if err != nil {
				return err
			}
		}
		d.ID, d.ChargeIDs, d.CreatedAt = id, ids, tx.now
		return nil
	})
}

// refusedCharge is the database's refusal of charge id on a document of
// kind, in words.
func refusedCharge(kind string, id int64) error {
	if kind == journey.DocSuperbill {
		return journey.Errorf(journey.EINVALID, "%s", "Charge "+strconv.FormatInt(id, 10)+
			" cannot go on this superbill: a superbill carries only the client's coded psychotherapy services with one entity.")
	}
	return journey.Errorf(journey.EINVALID, "%s", "Charge "+strconv.FormatInt(id, 10)+
		" cannot go on this "+kind+": one document, one client, one entity, one charge type.")
}

func jsonIDs(ids []int64) string {
	ss := make([]string, len(ids))
	for i, id := range ids {
		ss[i] = strconv.FormatInt(id, 10)
	}
	return jsonList(ss)
}

func scanDocument(row scanner) (*journey.Document, error) {
	d := &journey.Document{}
	var at int64
	if err := row.Scan(&d.ID, &d.ClientID, &d.EntityID, &d.ChargeType, &d.Kind, &d.From, &d.To, &d.TotalCents, &d.CreatedBy, &at); err != nil {
		return nil, err
	}
	d.CreatedAt = fromUnix(at)
	return d, nil
}

// FindDocuments returns client's documents of kind ("" every kind),
// newest first, at most limit (1–500), each with its charges' ids and
// without its PDF.
func (db *DB) FindDocuments(ctx context.Context, clientID int64, kind string, limit int) ([]*journey.Document, error) {
	limit = min(max(limit, 1), 500)
	rows, err := db.query(ctx, `SELECT `+documentColumns+` FROM documents WHERE client_id = ? AND (kind = ? OR ? = '')
		ORDER BY created_at DESC, id DESC LIMIT ?`, clientID, kind, kind, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*journey.Document{}
	byID := map[int64]*journey.Document{}
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			return nil, err
		}
		d.ChargeIDs = []int64{}
		out, byID[d.ID] = append(out, d), d
	}
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	// One read of every listed document's charges.
	crows, err := db.query(ctx, `SELECT document_id, charge_id FROM document_charges WHERE document_id IN (
		SELECT id FROM documents WHERE client_id = ? AND (kind = ? OR ? = '') ORDER BY created_at DESC, id DESC LIMIT ?)
		ORDER BY document_id, charge_id`, clientID, kind, kind, limit)
	if err != nil {
		return nil, err
	}
	defer crows.Close()
	for crows.Next() {
		var doc, charge int64
		if err := crows.Scan(&doc, &charge); err != nil {
			return nil, err
		}
		if d := byID[doc]; d != nil {
			d.ChargeIDs = append(d.ChargeIDs, charge)
		}
	}
	return out, crows.Err()
}

// FindDocument returns document id with its charges' ids and its PDF;
// ENOTFOUND when there is none.
func (db *DB) FindDocument(ctx context.Context, id int64) (*journey.Document, error) {
	var sealed string
	row := db.queryRow(ctx, `SELECT `+documentColumns+`, pdf FROM documents WHERE id = ?`, id)
	d := &journey.Document{}
	var at int64
	if err := row.Scan(&d.ID, &d.ClientID, &d.EntityID, &d.ChargeType, &d.Kind, &d.From, &d.To, &d.TotalCents, &d.CreatedBy, &at, &sealed); err != nil {
		return nil, notFound(err, "Document")
	}
	d.CreatedAt = fromUnix(at)
	p := db.phi()
	p.open(aadDocumentPDF, &sealed)
	if p.err != nil {
		return nil, p.err
	}
	d.PDF, d.ChargeIDs = []byte(sealed), []int64{}
	err := eachRow(db, ctx, `SELECT charge_id FROM document_charges WHERE document_id = ? ORDER BY charge_id`, id, func(sc scanner) error {
		var c int64
		err := sc.Scan(&c)
		d.ChargeIDs = append(d.ChargeIDs, c)
		return err
	})
	return d, err
}

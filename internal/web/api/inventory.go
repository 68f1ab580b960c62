package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// InventoryProcessing is the part of processing the controlled-substance
// log's calls use (processing/inventory.go). Each change is signed by the
// token's owner; a call made with a session cookie signs with the
// "signature_code" of its body, a current second-factor code.
type InventoryProcessing interface {
	Inventory(ctx context.Context, a *journey.Actor, location int64, via string) (*journey.Inventory, error)
	ReceiveStock(ctx context.Context, a *journey.Actor, r *journey.Receipt, code, via string) (*journey.Lot, error)
	OpenContainer(ctx context.Context, a *journey.Actor, id int64, code, via string) (*journey.LogEntry, error)
	WasteStock(ctx context.Context, a *journey.Actor, w *journey.Waste, code, via string) (*journey.LogEntry, error)
	TransferContainer(ctx context.Context, a *journey.Actor, t *journey.Transfer, code, via string) ([]*journey.LogEntry, error)
	RecordCount(ctx context.Context, a *journey.Actor, c *journey.Count, code, via string) error
	ResolveDiscrepancy(ctx context.Context, a *journey.Actor, id int64, r *journey.Resolution, code, via string) (*journey.Discrepancy, error)
	InventoryLog(ctx context.Context, a *journey.Actor, f journey.LogFilter, via string) (*journey.LogReport, error)
	RecordAdministration(ctx context.Context, a *journey.Actor, d *journey.Administration, code, via string) error
	Administrations(ctx context.Context, a *journey.Actor, id int64, via string) ([]*journey.Administration, error)
}

// apiContainer and apiLot are the stock as the API answers it.
type apiContainer struct {
	ID       int64   `json:"id"`
	Number   int     `json:"number"`
	Location int64   `json:"location_id"`
	Received float64 `json:"received"`
	Balance  float64 `json:"balance"`
	Status   string  `json:"status"`
}

type apiLot struct {
	ID         int64          `json:"id"`
	NDC        string         `json:"ndc"`
	Product    string         `json:"product"`
	Strength   string         `json:"strength"`
	Lot        string         `json:"lot"`
	Expiry     string         `json:"expiry"`
	Unit       string         `json:"unit"`
	MgPerUnit  float64        `json:"mg_per_unit"`
	Balance    float64        `json:"balance"`
	BalanceMg  float64        `json:"balance_mg"`
	Containers []apiContainer `json:"containers"`
}

type apiDiscrepancy struct {
	ID          int64   `json:"id"`
	ContainerID int64   `json:"container_id"`
	LotID       int64   `json:"lot_id"`
	Expected    float64 `json:"expected"`
	Counted     float64 `json:"counted"`
	OpenedAt    string  `json:"opened_at"`
	Cause       string  `json:"cause,omitempty"`
	ResolvedAt  string  `json:"resolved_at,omitempty"`
	NotifyBy    string  `json:"notify_authorities_by,omitempty"`
}

func lotJSON(l *journey.Lot) apiLot {
	out := apiLot{ID: l.ID, NDC: l.NDC, Product: l.Product, Strength: l.Strength, Lot: l.Lot, Expiry: l.Expiry, Unit: l.Unit,
		MgPerUnit: l.MgPerUnit, Balance: l.Balance, BalanceMg: l.Balance * l.MgPerUnit, Containers: []apiContainer{}}
	for _, c := range l.Containers {
		out.Containers = append(out.Containers, apiContainer{ID: c.ID, Number: c.Number, Location: c.LocationID, Received: c.Received,
			Balance: c.Balance, Status: c.Status})
	}
	return out
}

// rfc3339OrEmpty is t in RFC 3339, "" when t is zero.
func rfc3339OrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return rfc3339(t)
}

func discrepancyJSON(d *journey.Discrepancy) apiDiscrepancy {
	return apiDiscrepancy{ID: d.ID, ContainerID: d.ContainerID, LotID: d.LotID, Expected: d.Expected, Counted: d.Counted,
		OpenedAt: rfc3339(d.OpenedAt), Cause: d.Cause, ResolvedAt: rfc3339OrEmpty(d.ResolvedAt), NotifyBy: rfc3339OrEmpty(d.NotifyBy)}
}

// queryID reads an optional id parameter of the query.
func queryID(v *journey.Validation, r *http.Request, name string) int64 {
	raw := r.URL.Query().Get(name)
	if raw == "" {
		return 0
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		v.Add(name, "Use a whole number id.")
	}
	return id
}

// HandleInventory answers the stock at ?location_id (default: every
// location), lots by expiry, with the open discrepancies.
func (s *Handler) HandleInventory(w http.ResponseWriter, r *http.Request) {
	var v journey.Validation
	loc := queryID(&v, r, "location_id")
	if err := v.Err(); err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	inv, err := s.proc.Inventory(r.Context(), s.kit.Who(r), loc, viaAPI)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	out := struct {
		Lots          []apiLot         `json:"lots"`
		Discrepancies []apiDiscrepancy `json:"open_discrepancies"`
	}{Lots: []apiLot{}, Discrepancies: []apiDiscrepancy{}}
	for _, l := range inv.Lots {
		out.Lots = append(out.Lots, lotJSON(l))
	}
	for _, d := range inv.Discrepancies {
		out.Discrepancies = append(out.Discrepancies, discrepancyJSON(d))
	}
	webkit.WriteJSON(w, http.StatusOK, out)
}

// receiptBody is what POST /api/v1/inventory/receipts reads.
type receiptBody struct {
	LocationID         int64   `json:"location_id"`
	NDC                string  `json:"ndc"`
	Product            string  `json:"product"`
	Strength           string  `json:"strength"`
	Unit               string  `json:"unit"`
	MgPerUnit          float64 `json:"mg_per_unit"`
	Lot                string  `json:"lot"`
	Expiry             string  `json:"expiry"`
	Containers         int     `json:"containers"`
	AmountPerContainer float64 `json:"amount_per_container"`
	Supplier           string  `json:"supplier"`
	Invoice            string  `json:"invoice"`
	SignatureCode      string  `json:"signature_code"`
}

// HandleReceipt receives a lot: 201 {"lot_id", "container_ids"}; 422 with
// field errors (an expired lot among them).
func (s *Handler) HandleReceipt(w http.ResponseWriter, r *http.Request) {
	var b receiptBody
	if !s.kit.DecodeJSON(w, r, &b) {
		return
	}
	rc := &journey.Receipt{LocationID: b.LocationID, NDC: b.NDC, Product: b.Product, Strength: b.Strength, Unit: b.Unit, MgPerUnit: b.MgPerUnit,
		Lot: b.Lot, Expiry: b.Expiry, Containers: b.Containers, AmountPerContainer: b.AmountPerContainer, Supplier: b.Supplier, Invoice: b.Invoice}
	lot, err := s.proc.ReceiveStock(r.Context(), s.kit.Who(r), rc, b.SignatureCode, viaAPI)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	ids := make([]int64, len(lot.Containers))
	for i, c := range lot.Containers {
		ids[i] = c.ID
	}
	webkit.WriteJSON(w, http.StatusCreated, map[string]any{"lot_id": lot.ID, "container_ids": ids})
}

// apiEntry is a log entry as the API answers it.
type apiEntry struct {
	ID          int64    `json:"id"`
	Kind        string   `json:"kind"`
	At          string   `json:"at"`
	LocationID  int64    `json:"location_id"`
	LotID       int64    `json:"lot_id"`
	ContainerID int64    `json:"container_id"`
	Container   int      `json:"container_number,omitempty"`
	Amount      float64  `json:"amount"`
	Mg          float64  `json:"mg"`
	Balance     float64  `json:"balance_after"`
	Counted     *float64 `json:"counted,omitempty"`
	SessionID   int64    `json:"session_id,omitempty"`
	ClientID    int64    `json:"client_id,omitempty"`
	WitnessID   int64    `json:"witness_id,omitempty"`
	Reason      string   `json:"reason,omitempty"`
	By          int64    `json:"by"`
	Signature   string   `json:"signature"`
}

func entryJSON(e *journey.LogEntry) apiEntry {
	return apiEntry{ID: e.ID, Kind: e.Kind, At: rfc3339(e.At), LocationID: e.LocationID, LotID: e.LotID, ContainerID: e.ContainerID,
		Container: e.ContainerNo, Amount: e.Amount, Mg: e.Mg, Balance: e.Balance, Counted: e.Counted, SessionID: e.SessionID,
		ClientID: e.ClientID, WitnessID: e.WitnessID, Reason: e.Reason, By: e.By, Signature: e.Signature}
}

// containerID returns the path's container {id}, or answers 404.
func (s *Handler) containerID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := webkit.RecordID(r, "Container")
	if err != nil {
		s.kit.APIError(w, r, err)
		return 0, false
	}
	return id, true
}

// HandleContainerOpen opens a sealed container into working stock: 201
// with the entry; 409 when it is not sealed or its lot expired.
func (s *Handler) HandleContainerOpen(w http.ResponseWriter, r *http.Request) {
	id, ok := s.containerID(w, r)
	if !ok {
		return
	}
	var b struct {
		SignatureCode string `json:"signature_code"`
	}
	if r.ContentLength != 0 && !s.kit.DecodeJSON(w, r, &b) {
		return
	}
	e, err := s.proc.OpenContainer(r.Context(), s.kit.Who(r), id, b.SignatureCode, viaAPI)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusCreated, entryJSON(e))
}

// HandleWaste wastes {"amount", "reason", "witness_id"} from a container:
// 201 with the entry; 422 without a second witness; 409 past the balance.
func (s *Handler) HandleWaste(w http.ResponseWriter, r *http.Request) {
	id, ok := s.containerID(w, r)
	if !ok {
		return
	}
	var b struct {
		Amount        float64 `json:"amount"`
		Reason        string  `json:"reason"`
		WitnessID     int64   `json:"witness_id"`
		SignatureCode string  `json:"signature_code"`
	}
	if !s.kit.DecodeJSON(w, r, &b) {
		return
	}
	e, err := s.proc.WasteStock(r.Context(), s.kit.Who(r), &journey.Waste{ContainerID: id, Amount: b.Amount, Reason: b.Reason, WitnessID: b.WitnessID},
		b.SignatureCode, viaAPI)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusCreated, entryJSON(e))
}

// HandleTransfer moves a container to {"to_location_id"}: 201 with the
// entries out and in.
func (s *Handler) HandleTransfer(w http.ResponseWriter, r *http.Request) {
	id, ok := s.containerID(w, r)
	if !ok {
		return
	}
	var b struct {
		ToLocationID  int64  `json:"to_location_id"`
		Reason        string `json:"reason"`
		SignatureCode string `json:"signature_code"`
	}
	if !s.kit.DecodeJSON(w, r, &b) {
		return
	}
	es, err := s.proc.TransferContainer(r.Context(), s.kit.Who(r), &journey.Transfer{ContainerID: id, ToLocationID: b.ToLocationID, Reason: b.Reason},
		b.SignatureCode, viaAPI)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	out := make([]apiEntry, len(es))
	for i, e := range es {
		out[i] = entryJSON(e)
	}
	webkit.WriteJSON(w, http.StatusCreated, map[string]any{"entries": out})
}

// HandleCount records a physical count {"location_id", "biennial",
// "counts": [{"container_id", "amount"}]}: 201 with the discrepancies it
// opened.
func (s *Handler) HandleCount(w http.ResponseWriter, r *http.Request) {
	var b struct {
		LocationID int64 `json:"location_id"`
		Biennial   bool  `json:"biennial"`
		Counts     []struct {
			ContainerID int64   `json:"container_id"`
			Amount      float64 `json:"amount"`
		} `json:"counts"`
		SignatureCode string `json:"signature_code"`
	}
	if !s.kit.DecodeJSON(w, r, &b) {
		return
	}
	c := &journey.Count{LocationID: b.LocationID, Biennial: b.Biennial}
	for _, l := range b.Counts {
		c.Lines = append(c.Lines, journey.CountLine{ContainerID: l.ContainerID, Amount: l.Amount})
	}
	if err := s.proc.RecordCount(r.Context(), s.kit.Who(r), c, b.SignatureCode, viaAPI); err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	ds := []apiDiscrepancy{}
	for _, d := range c.Discrepancies {
		ds = append(ds, discrepancyJSON(d))
	}
	webkit.WriteJSON(w, http.StatusCreated, map[string]any{"count_id": c.ID, "discrepancies": ds})
}

// HandleResolve resolves a discrepancy with {"cause", "note"} (admins):
// 200 with it, saying by when a loss or theft must be reported.
func (s *Handler) HandleResolve(w http.ResponseWriter, r *http.Request) {
	id, err := webkit.RecordID(r, "Discrepancy")
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	var b struct {
		Cause         string `json:"cause"`
		Note          string `json:"note"`
		SignatureCode string `json:"signature_code"`
	}
	if !s.kit.DecodeJSON(w, r, &b) {
		return
	}
	d, err := s.proc.ResolveDiscrepancy(r.Context(), s.kit.Who(r), id, &journey.Resolution{Cause: b.Cause, Note: b.Note}, b.SignatureCode, viaAPI)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusOK, discrepancyJSON(d))
}

// HandleInventoryLog answers the log for [?from, ?to] (dates, both
// included, in UTC, or RFC 3339 times) at ?location_id.
func (s *Handler) HandleInventoryLog(w http.ResponseWriter, r *http.Request) {
	var v journey.Validation
	f := journey.LogFilter{LocationID: queryID(&v, r, "location_id")}
	for _, p := range []struct {
		name string
		to   *time.Time
	}{{"from", &f.From}, {"to", &f.To}} {
		raw := r.URL.Query().Get(p.name)
		t, err := time.Parse(time.RFC3339, raw)
		if err != nil {
			if t, err = time.Parse(time.DateOnly, raw); err == nil && p.name == "to" {
				t = t.AddDate(0, 0, 1) // a date includes its whole day
			}
		}
		if err != nil {
			v.Add(p.name, "Give a date (YYYY-MM-DD) or an RFC 3339 time.")
		}
		*p.to = t
	}
	if err := v.Err(); err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	rep, err := s.proc.InventoryLog(r.Context(), s.kit.Who(r), f, viaAPI)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	es := make([]apiEntry, len(rep.Entries))
	for i, e := range rep.Entries {
		es[i] = entryJSON(e)
	}
	ds := []apiDiscrepancy{}
	for _, d := range rep.Discrepancies {
		ds = append(ds, discrepancyJSON(d))
	}
	webkit.WriteJSON(w, http.StatusOK, map[string]any{"from": rfc3339(rep.From), "to": rfc3339(rep.To), "entries": es, "discrepancies": ds})
}

// apiAdministration is a dose as the API answers it.
type apiAdministration struct {
	ID             int64   `json:"id"`
	SessionID      int64   `json:"session_id"`
	DoseMg         float64 `json:"dose_mg"`
	Route          string  `json:"route"`
	ContainerID    *int64  `json:"container_id"`
	Amount         float64 `json:"amount,omitempty"`
	Pharmacy       string  `json:"pharmacy,omitempty"`
	PrescriptionNo string  `json:"prescription_number,omitempty"`
	SelfAdmin      bool    `json:"self_administered"`
	Booster        bool    `json:"booster"`
	AdministeredAt string  `json:"administered_at"`
	By             int64   `json:"by"`
}

func administrationJSON(a *journey.Administration) apiAdministration {
	return apiAdministration{ID: a.ID, SessionID: a.SessionID, DoseMg: a.DoseMg, Route: a.Route, ContainerID: idOrNull(a.ContainerID),
		Amount: a.Amount, Pharmacy: a.Pharmacy, PrescriptionNo: a.PrescriptionNo, SelfAdmin: a.SelfAdmin, Booster: a.Booster,
		AdministeredAt: rfc3339(a.AdministeredAt), By: a.By}
}

// HandleAdministration records a dose in a session: 201 with it; 409 with
// the unmet preconditions (gates) or the container's refusal; 422 with
// field errors.
func (s *Handler) HandleAdministration(w http.ResponseWriter, r *http.Request) {
	id, ok := s.sessionID(w, r)
	if !ok {
		return
	}
	var b struct {
		DoseMg         float64 `json:"dose_mg"`
		Route          string  `json:"route"`
		ContainerID    int64   `json:"container_id"`
		Pharmacy       string  `json:"pharmacy"`
		PrescriptionNo string  `json:"prescription_number"`
		SelfAdmin      bool    `json:"self_administered"`
		AdministeredAt string  `json:"administered_at"`
		SignatureCode  string  `json:"signature_code"`
	}
	if !s.kit.DecodeJSON(w, r, &b) {
		return
	}
	d := &journey.Administration{SessionID: id, DoseMg: b.DoseMg, Route: b.Route, ContainerID: b.ContainerID, Pharmacy: b.Pharmacy,
		PrescriptionNo: b.PrescriptionNo, SelfAdmin: b.SelfAdmin}
	if b.AdministeredAt != "" {
		t, err := time.Parse(time.RFC3339, b.AdministeredAt)
		if err != nil {
			s.kit.APIError(w, r, webkit.Invalid("administered_at", "Give the time as RFC 3339, such as 2030-01-07T10:05:00-05:00."))
			return
		}
		d.AdministeredAt = t
	} else {
		d.AdministeredAt = s.now()
	}
	if err := s.proc.RecordAdministration(r.Context(), s.kit.Who(r), d, b.SignatureCode, viaAPI); err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusCreated, administrationJSON(d))
}

// HandleAdministrations lists a session's doses.
func (s *Handler) HandleAdministrations(w http.ResponseWriter, r *http.Request) {
	id, ok := s.sessionID(w, r)
	if !ok {
		return
	}
	as, err := s.proc.Administrations(r.Context(), s.kit.Who(r), id, viaAPI)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	out := make([]apiAdministration, len(as))
	for i, a := range as {
		out[i] = administrationJSON(a)
	}
	webkit.WriteJSON(w, http.StatusOK, map[string]any{"administrations": out})
}

package staff

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/pdf"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// InventoryProcessing is what the controlled-substance log's pages ask of
// processing (processing/inventory.go): each change signed with the
// second-factor code typed on its form.
type InventoryProcessing interface {
	Inventory(ctx context.Context, a *journey.Actor, location int64, via string) (*journey.Inventory, error)
	Container(ctx context.Context, a *journey.Actor, id int64) (*journey.Lot, error)
	ReceiveStock(ctx context.Context, a *journey.Actor, r *journey.Receipt, code, via string) (*journey.Lot, error)
	OpenContainer(ctx context.Context, a *journey.Actor, id int64, code, via string) (*journey.LogEntry, error)
	WasteStock(ctx context.Context, a *journey.Actor, w *journey.Waste, code, via string) (*journey.LogEntry, error)
	TransferContainer(ctx context.Context, a *journey.Actor, t *journey.Transfer, code, via string) ([]*journey.LogEntry, error)
	RecordCount(ctx context.Context, a *journey.Actor, c *journey.Count, code, via string) error
	ResolveDiscrepancy(ctx context.Context, a *journey.Actor, id int64, r *journey.Resolution, code, via string) (*journey.Discrepancy, error)
	InventoryLog(ctx context.Context, a *journey.Actor, f journey.LogFilter, via string) (*journey.LogReport, error)
	InventoryLogEach(ctx context.Context, a *journey.Actor, f journey.LogFilter, via string, parts int,
		fn func(part int, rep *journey.LogReport, e *journey.LogEntry) error) error
}

// inventoryForm is what every form of the log shares: what was typed,
// the errors beside each field, the summary.
type inventoryForm struct {
	Form      map[string]string
	Errors    map[string]string
	ErrorList []journey.FieldError
	Message   string
}

// Err is the error beside field name.
func (f *inventoryForm) Err(name string) string { return f.Errors[name] }

// Val is field name's value as typed.
func (f *inventoryForm) Val(name string) string { return f.Form[name] }

// Checked reports whether field name holds value.
func (f *inventoryForm) Checked(name, value string) bool { return f.Form[name] == value }

// refused fills f from err, a refusal of what was typed.
func (f *inventoryForm) refused(err error) {
	if f.Errors == nil {
		f.Errors = map[string]string{}
	}
	f.Message = webkit.ShowFieldErrors(err, f.Errors, &f.ErrorList)
	if journey.ErrorCode(err) != journey.EINVALID { // a conflict: the reason, at the top
		f.Message = journey.ErrorMessage(err)
	}
}

// typed reads fields of r's form into a map of what was typed.
func typed(r *http.Request, fields ...string) map[string]string {
	m := map[string]string{}
	for _, f := range fields {
		m[f] = r.PostFormValue(f)
	}
	return m
}

// parseNumber reads field as a number into *to, or adds a field error.
func parseNumber(v *journey.Validation, form map[string]string, field, msg string, to *float64) {
	n, err := strconv.ParseFloat(strings.TrimSpace(form[field]), 64)
	if err != nil {
		v.Add(field, msg)
	}
	*to = n
}

// parseID reads field as an id, 0 when empty or not a number.
func parseID(form map[string]string, field string) int64 {
	id, _ := strconv.ParseInt(strings.TrimSpace(form[field]), 10, 64)
	return id
}

// InventoryPage is the stock by location, lot and container, with the
// open discrepancies.
type InventoryPage struct {
	Inv        *journey.Inventory
	Locations  []*journey.Location
	LocationID int64
	CanFix     bool
	Done       string
	Loc        *time.Location
}

func (*InventoryPage) PageTitle() string { return "Controlled substances" }

// LocationName names location id.
func (p *InventoryPage) LocationName(id int64) string { return locationName(p.Locations, id) }

func locationName(ls []*journey.Location, id int64) string {
	for _, l := range ls {
		if l.ID == id {
			return l.Name
		}
	}
	return fmt.Sprintf("location %d", id)
}

// Mg is an amount of lot l in mg.
func (*InventoryPage) Mg(l *journey.Lot, amount float64) string { return num(amount * l.MgPerUnit) }

// Num writes a number without trailing zeros.
func (*InventoryPage) Num(f float64) string { return num(f) }

// doneWords say what a signed change did, after its redirect.
var doneWords = map[string]string{"receipt": "Received and signed.", "open": "Opened into working stock and signed.", "waste": "Waste recorded, witnessed and signed.",
	"transfer": "Transferred and signed.", "count": "Count recorded and signed.", "resolved": "Discrepancy resolved and signed."}

// HandleInventory shows the stock at ?location_id (every location when
// none).
func (s *Handler) HandleInventory(w http.ResponseWriter, r *http.Request) {
	a := s.kit.Who(r)
	loc, _ := strconv.ParseInt(r.URL.Query().Get("location_id"), 10, 64)
	inv, err := s.proc.Inventory(r.Context(), a, loc, "")
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	page := &InventoryPage{Inv: inv, LocationID: loc, CanFix: a.Can(journey.PermInventoryFix), Done: doneWords[r.URL.Query().Get("done")]}
	if page.Locations, err = s.store.FindLocations(r.Context()); err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	page.Loc, _ = webkit.PracticeZone(r.Context(), s.kit)
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusOK, "staff_inventory", page)
}

// ReceiptPage is the form for stock received.
type ReceiptPage struct {
	inventoryForm
	Locations []*journey.Location
}

func (*ReceiptPage) PageTitle() string { return "Receive controlled substances" }

var receiptFields = []string{"location_id", "ndc", "product", "strength", "unit", "mg_per_unit", "lot", "expiry", "containers", "amount_per_container", "supplier", "invoice"}

// HandleReceiptForm shows the receipt form.
func (s *Handler) HandleReceiptForm(w http.ResponseWriter, r *http.Request) {
	s.receiptPage(w, r, http.StatusOK, &ReceiptPage{inventoryForm: inventoryForm{Form: map[string]string{"unit": journey.UnitML}, Errors: map[string]string{}}})
}

func (s *Handler) receiptPage(w http.ResponseWriter, r *http.Request, status int, page *ReceiptPage) {
	var err error
	if page.Locations, err = s.store.FindLocations(r.Context()); err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	if page.Form["location_id"] == "" && len(page.Locations) > 0 {
		page.Form["location_id"] = strconv.FormatInt(page.Locations[0].ID, 10)
	}
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, status, "staff_inventory_receipt", page)
}

// HandleReceipt records the stock received, signed; a refusal shows the
// form again with what was typed and each error beside its field.
func (s *Handler) HandleReceipt(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return
	}
	form := typed(r, receiptFields...)
	var v journey.Validation
	rc := &journey.Receipt{LocationID: parseID(form, "location_id"), NDC: form["ndc"], Product: form["product"], Strength: form["strength"],
		Unit: form["unit"], Lot: form["lot"], Expiry: form["expiry"], Supplier: form["supplier"], Invoice: form["invoice"]}
	parseNumber(&v, form, "mg_per_unit", "Enter the mg in one unit, such as 50.", &rc.MgPerUnit)
	parseNumber(&v, form, "amount_per_container", "Enter the amount in each container, such as 10.", &rc.AmountPerContainer)
	var n float64
	parseNumber(&v, form, "containers", "Enter how many containers arrived.", &n)
	rc.Containers = int(n)
	err := v.Err()
	if err == nil {
		_, err = s.proc.ReceiveStock(r.Context(), s.kit.Who(r), rc, r.PostFormValue("code"), "")
	} else {
		loc, _ := webkit.PracticeZone(r.Context(), s.kit)
		v.AddErr(rc.Validate(s.now().In(loc).Format(time.DateOnly)))
		err = v.Err()
	}
	if err != nil {
		if !refusable(err) {
			s.kit.PageError(w, r, err)
			return
		}
		page := &ReceiptPage{inventoryForm: inventoryForm{Form: form}}
		page.refused(err)
		s.receiptPage(w, r, s.kit.Status(err), page)
		return
	}
	http.Redirect(w, r, "/staff/inventory?done=receipt", http.StatusSeeOther)
}

// refusable reports whether err is a refusal the form shows (a field or
// a conflict), not a failure.
func refusable(err error) bool {
	c := journey.ErrorCode(err)
	return c == journey.EINVALID || c == journey.ECONFLICT
}

// ContainerPage is one container with its forms: open, waste, transfer.
type ContainerPage struct {
	inventoryForm
	Lot       *journey.Lot
	C         *journey.Container
	Action    string // the form the errors belong to
	Staff     []*journey.User
	Locations []*journey.Location
	Me        int64
}

func (p *ContainerPage) PageTitle() string { return "Container" }

// LocationName names location id.
func (p *ContainerPage) LocationName(id int64) string { return locationName(p.Locations, id) }

// Num writes a number without trailing zeros.
func (*ContainerPage) Num(f float64) string { return num(f) }

// FormErr is field's error when the page's errors belong to action.
func (p *ContainerPage) FormErr(action, field string) string {
	if p.Action != action {
		return ""
	}
	return p.Errors[field]
}

// FormVal is field's value when the page's form is action.
func (p *ContainerPage) FormVal(action, field string) string {
	if p.Action != action {
		return ""
	}
	return p.Form[field]
}

// HandleContainer shows a container and its forms.
func (s *Handler) HandleContainer(w http.ResponseWriter, r *http.Request) {
	s.containerPage(w, r, http.StatusOK, &ContainerPage{inventoryForm: inventoryForm{Form: map[string]string{}, Errors: map[string]string{}}})
}

func (s *Handler) containerPage(w http.ResponseWriter, r *http.Request, status int, page *ContainerPage) {
	id, err := webkit.RecordID(r, "Container")
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	a := s.kit.Who(r)
	if page.Lot, err = s.proc.Container(r.Context(), a, id); err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	page.C, page.Me = page.Lot.Containers[0], a.ID()
	if page.Staff, err = s.store.FindUsers(r.Context(), journey.UserStaff); err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	if page.Locations, err = s.store.FindLocations(r.Context()); err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, status, "staff_inventory_container", page)
}

// HandleContainerAction opens, wastes from or transfers a container
// (the form's "action"), signed; a refusal shows the page again with the
// form as typed and its errors.
func (s *Handler) HandleContainerAction(w http.ResponseWriter, r *http.Request) {
	id, err := webkit.RecordID(r, "Container")
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return
	}
	action, a, code := r.PostFormValue("action"), s.kit.Who(r), r.PostFormValue("code")
	form := typed(r, "amount", "reason", "witness_id", "to_location_id")
	var v journey.Validation
	switch action {
	case "open":
		_, err = s.proc.OpenContainer(r.Context(), a, id, code, "")
	case "waste":
		wst := &journey.Waste{ContainerID: id, Reason: form["reason"], WitnessID: parseID(form, "witness_id")}
		if parseNumber(&v, form, "amount", "Enter the amount wasted, such as 0.5.", &wst.Amount); v.Err() != nil {
			v.AddErr(wst.Validate(a.ID()))
			err = v.Err()
		} else {
			_, err = s.proc.WasteStock(r.Context(), a, wst, code, "")
		}
	case "transfer":
		_, err = s.proc.TransferContainer(r.Context(), a, &journey.Transfer{ContainerID: id, ToLocationID: parseID(form, "to_location_id"),
			Reason: form["reason"]}, code, "")
	default:
		err = journey.Errorf(journey.ENOTFOUND, "Page not found.")
	}
	if err != nil {
		if !refusable(err) {
			s.kit.PageError(w, r, err)
			return
		}
		page := &ContainerPage{inventoryForm: inventoryForm{Form: form}, Action: action}
		page.refused(err)
		s.containerPage(w, r, s.kit.Status(err), page)
		return
	}
	http.Redirect(w, r, "/staff/inventory?done="+action, http.StatusSeeOther)
}

// CountPage is the form for a physical count of a location's stock.
type CountPage struct {
	inventoryForm
	Inv        *journey.Inventory
	Locations  []*journey.Location
	LocationID int64
}

func (*CountPage) PageTitle() string { return "Count controlled substances" }

// Num writes a number without trailing zeros.
func (*CountPage) Num(f float64) string { return num(f) }

// Field is the count's field for container id.
func (*CountPage) Field(id int64) string { return fmt.Sprintf("count_%d", id) }

// HandleCountForm shows the count form for ?location_id (the first
// location when none), each container's amount empty to be counted.
func (s *Handler) HandleCountForm(w http.ResponseWriter, r *http.Request) {
	loc, _ := strconv.ParseInt(r.URL.Query().Get("location_id"), 10, 64)
	s.countPage(w, r, http.StatusOK, &CountPage{inventoryForm: inventoryForm{Form: map[string]string{}, Errors: map[string]string{}}, LocationID: loc})
}

func (s *Handler) countPage(w http.ResponseWriter, r *http.Request, status int, page *CountPage) {
	var err error
	if page.Locations, err = s.store.FindLocations(r.Context()); err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	if page.LocationID == 0 && len(page.Locations) > 0 {
		page.LocationID = page.Locations[0].ID
	}
	if page.Inv, err = s.proc.Inventory(r.Context(), s.kit.Who(r), page.LocationID, ""); err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, status, "staff_inventory_count", page)
}

// HandleCount records the count, signed: a container left empty is not
// counted (a biennial count must count them all).
func (s *Handler) HandleCount(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return
	}
	c := &journey.Count{LocationID: parseID(typed(r, "location_id"), "location_id"), Biennial: r.PostFormValue("biennial") == "true"}
	form := map[string]string{"biennial": r.PostFormValue("biennial")}
	var v journey.Validation
	for key := range r.PostForm {
		id, ok := strings.CutPrefix(key, "count_")
		cid, err := strconv.ParseInt(id, 10, 64)
		if !ok || err != nil {
			continue
		}
		form[key] = r.PostFormValue(key)
		if strings.TrimSpace(form[key]) == "" {
			continue
		}
		var amount float64
		parseNumber(&v, form, key, "Enter what the container holds, such as 9.5, or leave it empty.", &amount)
		c.Lines = append(c.Lines, journey.CountLine{ContainerID: cid, Amount: amount})
	}
	err := v.Err()
	if err == nil {
		err = s.proc.RecordCount(r.Context(), s.kit.Who(r), c, r.PostFormValue("code"), "")
	}
	if err != nil {
		if !refusable(err) {
			s.kit.PageError(w, r, err)
			return
		}
		page := &CountPage{inventoryForm: inventoryForm{Form: form}, LocationID: c.LocationID}
		page.refused(countFieldErrors(err, c))
		s.countPage(w, r, s.kit.Status(err), page)
		return
	}
	http.Redirect(w, r, "/staff/inventory?done=count", http.StatusSeeOther)
}

// countFieldErrors names each line's error by its container's field, as
// the form does ("counts[2]" → "count_17").
func countFieldErrors(err error, c *journey.Count) error {
	fields := journey.ErrorFields(err)
	if len(fields) == 0 {
		return err
	}
	var v journey.Validation
	for _, f := range fields {
		var i int
		if _, e := fmt.Sscanf(f.Field, "counts[%d]", &i); e == nil && i < len(c.Lines) {
			f.Field = fmt.Sprintf("count_%d", c.Lines[i].ContainerID)
		}
		v.Add(f.Field, f.Detail)
	}
	return v.Err()
}

// DiscrepancyPage is an admin's form to resolve a discrepancy.
type DiscrepancyPage struct {
	inventoryForm
	ID     int64
	Causes []string
}

func (*DiscrepancyPage) PageTitle() string { return "Resolve a discrepancy" }

// CauseWords names a cause.
func (*DiscrepancyPage) CauseWords(c string) string { return causeWords[c] }

// HandleResolve resolves a discrepancy, signed; a refusal shows the form
// again.
func (s *Handler) HandleResolve(w http.ResponseWriter, r *http.Request) {
	id, err := webkit.RecordID(r, "Discrepancy")
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return
	}
	form := typed(r, "cause", "note")
	_, err = s.proc.ResolveDiscrepancy(r.Context(), s.kit.Who(r), id, &journey.Resolution{Cause: form["cause"], Note: form["note"]}, r.PostFormValue("code"), "")
	if err != nil {
		if !refusable(err) {
			s.kit.PageError(w, r, err)
			return
		}
		page := &DiscrepancyPage{inventoryForm: inventoryForm{Form: form}, ID: id, Causes: journey.DiscrepancyCauses}
		page.refused(err)
		s.kit.Render(w, r, s.kit.Status(err), "staff_inventory_resolve", page)
		return
	}
	http.Redirect(w, r, "/staff/inventory?done=resolved", http.StatusSeeOther)
}

// HandleResolveForm shows the form to resolve a discrepancy.
func (s *Handler) HandleResolveForm(w http.ResponseWriter, r *http.Request) {
	id, err := webkit.RecordID(r, "Discrepancy")
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	s.kit.Render(w, r, http.StatusOK, "staff_inventory_resolve", &DiscrepancyPage{inventoryForm: inventoryForm{Form: map[string]string{}, Errors: map[string]string{}},
		ID: id, Causes: journey.DiscrepancyCauses})
}

// maxLogRows bounds the log on screen; the CSV and PDF hold every row.
const maxLogRows = 500

// LogPage is the log for a range on screen.
type LogPage struct {
	inventoryForm
	Report    *journey.LogReport
	Rows      [][]string
	More      int
	Headers   []string
	Locations []*journey.Location
	Query     string // the range's query, for the CSV and PDF links
	Month     string // the range's first month, YYYY-MM, for its packet
}

func (*LogPage) PageTitle() string { return "Controlled-substance log" }

// logFilter reads the range of ?from and ?to (dates in loc, both
// included; this month by default) and ?location_id.
func logFilter(q map[string][]string, loc *time.Location, now time.Time) (journey.LogFilter, map[string]string, error) {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	form := map[string]string{"from": get("from"), "to": get("to"), "location_id": get("location_id")}
	n := now.In(loc)
	if form["from"] == "" && form["to"] == "" {
		first := time.Date(n.Year(), n.Month(), 1, 0, 0, 0, 0, loc)
		form["from"], form["to"] = first.Format(time.DateOnly), first.AddDate(0, 1, -1).Format(time.DateOnly)
	}
	var v journey.Validation
	f := journey.LogFilter{LocationID: parseID(form, "location_id")}
	from, err := time.ParseInLocation(time.DateOnly, form["from"], loc)
	if err != nil {
		v.Add("from", "Enter the first day as YYYY-MM-DD.")
	}
	to, err := time.ParseInLocation(time.DateOnly, form["to"], loc)
	if err != nil {
		v.Add("to", "Enter the last day as YYYY-MM-DD.")
	}
	f.From, f.To = from, to.AddDate(0, 0, 1)
	return f, form, v.Err()
}

// HandleInventoryLog shows the log for a range: ?format=csv or pdf sends
// it as a file.
func (s *Handler) HandleInventoryLog(w http.ResponseWriter, r *http.Request) {
	loc, _ := webkit.PracticeZone(r.Context(), s.kit)
	f, form, err := logFilter(r.URL.Query(), loc, s.now())
	format := r.URL.Query().Get("format")
	var rep *journey.LogReport
	switch {
	case err == nil && format == "csv":
		if err = s.sendLogCSV(w, r, f, loc, "controlled-substance-log-"+form["from"]); err == nil {
			return
		}
	case err == nil:
		if format != "pdf" {
			f.Limit = maxLogRows // the screen; the files hold every entry
		}
		rep, err = s.proc.InventoryLog(r.Context(), s.kit.Who(r), f, " "+format)
	}
	if err != nil && !refusable(err) {
		s.kit.PageError(w, r, err)
		return
	}
	if err == nil && format == "pdf" {
		s.writeReportPDF(w, r, rep, loc, "Controlled-substance log", "controlled-substance-log-"+form["from"],
			[]pdf.Section{logSection(rep, loc), discrepancySection(rep, loc)})
		return
	}
	page := &LogPage{inventoryForm: inventoryForm{Form: form, Errors: map[string]string{}}, Report: rep}
	if err != nil {
		page.refused(err)
	} else {
		page.Rows, page.More = logRows(rep, loc), rep.Total-len(rep.Entries)
	}
	for _, c := range logColumns {
		page.Headers = append(page.Headers, c.Header)
	}
	if len(form["from"]) >= 7 {
		page.Month = form["from"][:7]
	}
	page.Query = fmt.Sprintf("from=%s&to=%s&location_id=%s", form["from"], form["to"], form["location_id"])
	if page.Locations, err = s.store.FindLocations(r.Context()); err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	status := http.StatusOK
	if page.Report == nil {
		status = http.StatusUnprocessableEntity
	}
	s.kit.Render(w, r, status, "staff_inventory_log", page)
}

// sendLogCSV sends the log of f as CSV, every entry: the range is read in
// a span per processor at once, each span's rows written as they are read
// into a buffer of its own, and the buffers are sent in order once all are
// whole (with the read audited), so a read that fails part way is an
// error, never a log cut short.
func (s *Handler) sendLogCSV(w http.ResponseWriter, r *http.Request, f journey.LogFilter, loc *time.Location, name string) error {
	spans := make([]*logCSV, runtime.GOMAXPROCS(0))
	for i := range spans {
		spans[i] = newLogCSV(loc)
	}
	head := newLogCSV(loc)
	head.header()
	err := s.proc.InventoryLogEach(r.Context(), s.kit.Who(r), f, " csv", len(spans), func(part int, rep *journey.LogReport, e *journey.LogEntry) error {
		return spans[part].write(rep, e)
	})
	if err != nil {
		return err
	}
	n := 0
	for _, c := range append(spans, head) {
		if err := c.flush(); err != nil {
			return err
		}
		n += c.buf.n
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
	w.Header().Set("Content-Length", strconv.Itoa(n))
	w.Header().Set("Cache-Control", "no-store")
	for _, c := range append([]*logCSV{head}, spans...) {
		for _, b := range c.buf.bufs {
			if _, err := w.Write(b); err != nil {
				return nil // the client has gone; the read is audited
			}
		}
	}
	return nil
}

// HandlePacket sends a month's compliance packet (?month=YYYY-MM, this
// month by default): the summary by lot, every entry, the counts, the
// discrepancies with when to notify the authorities, the stock on hand.
func (s *Handler) HandlePacket(w http.ResponseWriter, r *http.Request) {
	loc, _ := webkit.PracticeZone(r.Context(), s.kit)
	month := r.URL.Query().Get("month")
	if month == "" {
		month = s.now().In(loc).Format("2006-01")
	}
	first, err := time.ParseInLocation("2006-01", month, loc)
	if err != nil {
		s.kit.PageError(w, r, journey.Errorf(journey.EINVALID, "Give the month as YYYY-MM."))
		return
	}
	f := journey.LogFilter{From: first, To: first.AddDate(0, 1, 0), LocationID: parseID(map[string]string{"l": r.URL.Query().Get("location_id")}, "l")}
	rep, err := s.proc.InventoryLog(r.Context(), s.kit.Who(r), f, " packet")
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	s.writeReportPDF(w, r, rep, loc, "Monthly compliance packet, "+first.Format("January 2006"), "compliance-packet-"+month,
		[]pdf.Section{summarySection(rep), discrepancySection(rep, loc), countsSection(rep, loc, false), logSection(rep, loc), stockSection(rep)})
}

// HandleBiennial sends the biennial inventory: the biennial counts taken
// in the two years to ?to (a date; today by default), each line signed by
// who counted, with the stock on hand.
func (s *Handler) HandleBiennial(w http.ResponseWriter, r *http.Request) {
	loc, _ := webkit.PracticeZone(r.Context(), s.kit)
	n := s.now().In(loc)
	end := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, loc).AddDate(0, 0, 1)
	f := journey.LogFilter{From: end.AddDate(-2, 0, 0), To: end}
	rep, err := s.proc.InventoryLog(r.Context(), s.kit.Who(r), f, " biennial")
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	s.writeReportPDF(w, r, rep, loc, "Biennial inventory", "biennial-inventory-"+n.Format(time.DateOnly),
		[]pdf.Section{countsSection(rep, loc, true), stockSection(rep)})
}

// writeReportPDF sends a report of rep as a PDF file.
func (s *Handler) writeReportPDF(w http.ResponseWriter, r *http.Request, rep *journey.LogReport, loc *time.Location, title, name string, sections []pdf.Section) {
	pr, err := s.store.FindPractice(r.Context())
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	var buf strings.Builder
	if err := pdf.WriteReport(&buf, pdf.Report{Practice: pr.Name, Title: title, Generated: s.now(), Zone: loc,
		Lines: reportLines(rep, loc), Sections: sections}); err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.pdf"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte(buf.String()))
}

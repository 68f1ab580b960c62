package staff

import (
	"context"
	"encoding/csv"
	"net/http"
	"strconv"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/processing"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// BillingReportsProcessing is what the billing reports ask of processing
// (processing/billing_reports.go).
type BillingReportsProcessing interface {
	BillingMonthReport(ctx context.Context, a *journey.Actor, from, to string, loc *time.Location, via string) (*processing.MonthReport, error)
	AgedBalances(ctx context.Context, a *journey.Actor, asOf time.Time, via string) (*processing.AgedReport, error)
}

// BillingReportsPage is the practice's billing by month, entity and
// charge type, and the aged balances.
type BillingReportsPage struct {
	formPage
	From, To string // YYYY-MM, as the form holds them
	Months   []MonthReportRow
	AsOf     string
	Aged     []AgedRow
	Buckets  [journey.AgeBuckets]string
	AgedSum  []AgedRow // per entity
}

// MonthReportRow is one row of the month report, in dollars.
type MonthReportRow struct {
	Month, Entity, ChargeType                                 string
	Count                                                     int
	Charges, Voids, Adjustments, Payments, Refunds, Net, Owed string
}

// AgedRow is one client's balance with one entity by age, in dollars.
type AgedRow struct {
	ClientID       int64
	Client, Entity string
	Buckets        [journey.AgeBuckets]string
	Balance        string
}

func (*BillingReportsPage) PageTitle() string { return "Billing reports" }

// monthRange reads ?from= and ?to= (YYYY-MM), by default the last three
// months to this one in loc.
func monthRange(r *http.Request, now time.Time) (string, string) {
	from, to := r.URL.Query().Get("from"), r.URL.Query().Get("to")
	if to == "" {
		to = now.Format("2006-01")
	}
	if from == "" {
		from = time.Date(now.Year(), now.Month()-2, 1, 0, 0, 0, 0, now.Location()).Format("2006-01")
	}
	return from, to
}

func entityNames(es []*journey.BillingEntity) map[int64]string {
	m := map[int64]string{}
	for _, e := range es {
		m[e.ID] = e.LegalName
	}
	return m
}

// HandleBillingReports shows the month report for ?from=&to= and the aged
// balances as of now.
func (s *Handler) HandleBillingReports(w http.ResponseWriter, r *http.Request) {
	loc := webkit.PracticeLoc(r.Context(), s.kit)
	now := s.now().In(loc)
	a := s.kit.Who(r)
	page := &BillingReportsPage{formPage: newFormPage(), AsOf: now.Format("January 2, 2006"), Buckets: journey.AgeBucketNames}
	page.From, page.To = monthRange(r, now)
	page.Form["from"], page.Form["to"] = page.From, page.To
	status := http.StatusOK
	rep, err := s.proc.BillingMonthReport(r.Context(), a, page.From, page.To, loc, "page")
	switch {
	case page.refuse(err, "", nil):
		status = http.StatusUnprocessableEntity
	case err != nil:
		s.kit.PageError(w, r, err)
		return
	default:
		names := entityNames(rep.Entities)
		for _, m := range rep.Rows {
			page.Months = append(page.Months, MonthReportRow{Month: m.Month, Entity: names[m.EntityID], ChargeType: journey.ChargeTypeName(m.ChargeType),
				Count: m.ChargeCount, Charges: journey.FormatCents(m.Charges), Voids: journey.FormatCents(m.Voids), Adjustments: journey.FormatCents(m.Adjustments),
				Payments: journey.FormatCents(m.Payments), Refunds: journey.FormatCents(m.Refunds), Net: journey.FormatCents(m.Net()), Owed: journey.FormatCents(m.BalanceCents)})
		}
	}
	aged, err := s.proc.AgedBalances(r.Context(), a, s.now(), "page")
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	page.Aged, page.AgedSum = agedRows(aged)
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, status, "staff_billing_reports", page)
}

// agedRows writes the aged balances in dollars, and their sums per entity.
func agedRows(rep *processing.AgedReport) (rows, sums []AgedRow) {
	names := entityNames(rep.Entities)
	total := map[int64]*[journey.AgeBuckets + 1]int64{}
	for _, a := range rep.Rows {
		row := AgedRow{ClientID: a.ClientID, Client: a.ClientName, Entity: names[a.EntityID], Balance: journey.FormatCents(a.BalanceCents)}
		if total[a.EntityID] == nil {
			total[a.EntityID] = &[journey.AgeBuckets + 1]int64{}
		}
		for i, c := range a.Buckets {
			row.Buckets[i] = journey.FormatCents(c)
			total[a.EntityID][i] += c
		}
		total[a.EntityID][journey.AgeBuckets] += a.BalanceCents
		rows = append(rows, row)
	}
	for _, e := range rep.Entities {
		t := total[e.ID]
		if t == nil {
			continue
		}
		row := AgedRow{Entity: e.LegalName, Balance: journey.FormatCents(t[journey.AgeBuckets])}
		for i := range journey.AgeBuckets {
			row.Buckets[i] = journey.FormatCents(t[i])
		}
		sums = append(sums, row)
	}
	return rows, sums
}

// csvDollars writes cents for a spreadsheet: 123456 → "1234.56".
func csvDollars(c int64) string {
	neg := c < 0
	if neg {
		c = -c
	}
	s := strconv.FormatInt(c/100, 10) + "." + strconv.FormatInt(100+c%100, 10)[1:]
	if neg {
		s = "-" + s
	}
	return s
}

// startCSV writes a CSV download's headers and its header row.
func startCSV(w http.ResponseWriter, name string, header []string) *csv.Writer {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	cw := csv.NewWriter(w)
	cw.Write(header)
	return cw
}

// HandleBillingMonthsCSV is the month report for the accountant: a row
// per month, entity and charge type, in US dollars.
func (s *Handler) HandleBillingMonthsCSV(w http.ResponseWriter, r *http.Request) {
	loc := webkit.PracticeLoc(r.Context(), s.kit)
	from, to := monthRange(r, s.now().In(loc))
	rep, err := s.proc.BillingMonthReport(r.Context(), s.kit.Who(r), from, to, loc, "csv")
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	names := entityNames(rep.Entities)
	cw := startCSV(w, "billing-"+from+"-to-"+to+".csv", []string{"month", "entity_id", "entity", "charge_type", "charges_count", "charges",
		"voids", "adjustments", "payments", "refunds", "net", "balance_at_month_end", "currency"})
	for _, m := range rep.Rows {
		cw.Write([]string{m.Month, strconv.FormatInt(m.EntityID, 10), csvSafe(names[m.EntityID]), m.ChargeType, strconv.Itoa(m.ChargeCount),
			csvDollars(m.Charges), csvDollars(m.Voids), csvDollars(m.Adjustments), csvDollars(m.Payments), csvDollars(m.Refunds), csvDollars(m.Net()),
			csvDollars(m.BalanceCents), journey.Currency})
	}
	cw.Flush()
}

// HandleAgedCSV is the aged balances as of now, a row per client and
// entity, in US dollars.
func (s *Handler) HandleAgedCSV(w http.ResponseWriter, r *http.Request) {
	rep, err := s.proc.AgedBalances(r.Context(), s.kit.Who(r), s.now(), "csv")
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	names := entityNames(rep.Entities)
	cw := startCSV(w, "aged-balances.csv", []string{"client_id", "client", "entity_id", "entity", "current", "days_31_60", "days_61_90",
		"over_90", "balance", "currency"})
	for _, a := range rep.Rows {
		cw.Write([]string{strconv.FormatInt(a.ClientID, 10), csvSafe(a.ClientName), strconv.FormatInt(a.EntityID, 10), csvSafe(names[a.EntityID]),
			csvDollars(a.Buckets[0]), csvDollars(a.Buckets[1]), csvDollars(a.Buckets[2]), csvDollars(a.Buckets[3]), csvDollars(a.BalanceCents), journey.Currency})
	}
	cw.Flush()
}

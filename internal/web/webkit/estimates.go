package webkit

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/processing"
)

// A client's Good Faith Estimates as the portal and the staff workspace
// show them: each estimate issued, in words, with its lines and its PDF;
// the requests still open with their deadlines; and, per entity, a bill
// $400 or more above its estimates, with the client's dispute right
// (templates/shared/estimates.html draws them).

// EstimatesView is a client's estimates, written out for a page.
type EstimatesView struct {
	Estimates []EstimateRow
	Open      []EstimateRequestRow
	Disputes  []DisputeRow // only those a bill made disputable
	Right     string       // the dispute right, in words
}

// EstimateRow is one estimate issued.
type EstimateRow struct {
	ID         int64
	Entity     string
	ChargeType string
	Reason     string
	Issued     string
	DueBy      string
	Period     string
	Total      string
	Current    bool // no later estimate replaces it
	OnTime     bool
	Lines      []EstimateLineRow
	PDF        string // the download's URL
}

// EstimateLineRow is one line of an estimate.
type EstimateLineRow struct {
	Service, Code, Quantity, Each, Total, Provider string
}

// EstimateRequestRow is an estimate that fell due and is not yet issued.
type EstimateRequestRow struct {
	ID                       int64
	Reason, Requested, DueBy string
	Overdue                  bool
}

// DisputeRow is one entity's bill far above its estimates.
type DisputeRow struct {
	Entity, Estimated, Billed, Over string
}

// estimateReasons says why an estimate was given.
var estimateReasons = map[string]string{journey.EstimateScheduled: "A session was booked",
	journey.EstimateRequested: "Asked for", journey.EstimatePlanChange: "The plan changed"}

// NewEstimatesView writes ce out in loc at now, each estimate's PDF at
// pdf(id).
func NewEstimatesView(ce *processing.ClientEstimates, loc *time.Location, now time.Time, pdf func(id int64) string) EstimatesView {
	long := func(t time.Time) string { return t.In(loc).Format("Monday 2 January 2006, 15:04 MST") }
	v := EstimatesView{Right: journey.DisputeRight}
	for _, e := range ce.Estimates {
		row := EstimateRow{ID: e.ID, ChargeType: journey.ChargeTypeName(e.ChargeType), Reason: estimateReasons[e.Reason], Issued: long(e.IssuedAt),
			DueBy: long(e.DueBy), Period: dateWords(e.ServiceFrom) + " to " + dateWords(e.ServiceTo), Total: journey.FormatCents(e.TotalCents),
			Current: ce.Current[e.ID], OnTime: !e.IssuedAt.After(e.DueBy), PDF: pdf(e.ID)}
		if ent := ce.Entities[e.EntityID]; ent != nil {
			row.Entity = ent.LegalName
		}
		for _, l := range e.Lines {
			code := l.Code
			if len(l.Modifiers) > 0 {
				code += " " + strings.Join(l.Modifiers, " ")
			}
			row.Lines = append(row.Lines, EstimateLineRow{Service: l.Service, Code: code, Quantity: fmt.Sprint(l.Quantity),
				Each: journey.FormatCents(l.UnitCents), Total: journey.FormatCents(l.TotalCents), Provider: l.ProviderName})
		}
		v.Estimates = append(v.Estimates, row)
	}
	for _, r := range ce.Open() {
		v.Open = append(v.Open, EstimateRequestRow{ID: r.ID, Reason: estimateReasons[r.Reason], Requested: long(r.RequestedAt),
			DueBy: long(r.DueBy), Overdue: r.Overdue(now)})
	}
	for _, d := range ce.Disputable() {
		v.Disputes = append(v.Disputes, DisputeRow{Entity: d.EntityName, Estimated: journey.FormatCents(d.EstimatedCents),
			Billed: journey.FormatCents(d.BilledCents), Over: journey.FormatCents(d.BilledCents - d.EstimatedCents)})
	}
	return v
}

// dateWords writes YYYY-MM-DD as "2 March 2026".
func dateWords(d string) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return d
	}
	return t.Format("2 January 2006")
}

// SendEstimatePDF answers with an estimate's PDF as it was issued, to
// download.
func SendEstimatePDF(w http.ResponseWriter, e *journey.Estimate, doc []byte) {
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="good-faith-estimate-%d-%s.pdf"`, e.ID, e.IssuedAt.UTC().Format(time.DateOnly)))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(doc)
}

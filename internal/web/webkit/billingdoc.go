package webkit

import (
	"context"
	"fmt"
	"net/http"

	"github.com/journey-kap/journey"
)

// BillingDocReader reads a billing document with its PDF
// (processing.Document: the client's own, or staff who see their
// billing; the download audited).
type BillingDocReader interface {
	Document(ctx context.Context, a *journey.Actor, id int64, via string) (*journey.Document, error)
}

// DocumentPDF sends document id's PDF as it was issued, or answers the
// refusal with onErr (a page's error or the API's problem+json).
func DocumentPDF(w http.ResponseWriter, r *http.Request, k Kit, proc BillingDocReader, id int64, via string,
	onErr func(http.ResponseWriter, *http.Request, error)) {
	d, err := proc.Document(r.Context(), k.Who(r), id, via)
	if err != nil {
		onErr(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%d.pdf"`, d.Kind, d.ID))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(d.PDF)
}

// DocumentKindName is a document kind in words.
func DocumentKindName(kind string) string {
	switch kind {
	case journey.DocStatement:
		return "Statement"
	case journey.DocSuperbill:
		return "Superbill"
	case journey.DocInvoice:
		return "Invoice"
	case journey.DocEstimate:
		return "Good Faith Estimate"
	}
	return kind
}

package webkit

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

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

// StatementFields puts a statement's field errors on the fields of a
// page's statement form: its dates are statement_from and statement_to
// (beside a superbill's from and to), the entity and charge type one
// choice, account.
func StatementFields(err error) error {
	return RenameFields(err, func(f string) string {
		if f == "from" || f == "to" {
			return "statement_" + f
		}
		return "account"
	})
}

// FormIDs reads a form's list of ids (each value one id or several
// separated by commas or spaces); bad when one is not an id.
func FormIDs(vals []string) (ids []int64, bad bool) {
	for _, v := range vals {
		for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' }) {
			id, err := strconv.ParseInt(f, 10, 64)
			if err != nil || id <= 0 {
				return nil, true
			}
			ids = append(ids, id)
		}
	}
	return ids, false
}

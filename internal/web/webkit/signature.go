package webkit

import (
	"bytes"
	"context"
	"fmt"
	"net/http"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/pdf"
)

// SignedCopier finds a signed consent with its document, under the record
// rule, and audits the download (processing.SignedCopy).
type SignedCopier interface {
	SignedCopy(ctx context.Context, a *journey.Actor, clientID, sigID int64) (*journey.ConsentSignature, *journey.ConsentDocument, error)
}

// SignaturePDF answers with signature sigID of client clientID as a PDF,
// the signed copy a client keeps and staff file: the same document for
// both, its times in the practice's zone.
func SignaturePDF(w http.ResponseWriter, r *http.Request, k Kit, proc SignedCopier, clientID, sigID int64) {
	sig, d, err := proc.SignedCopy(r.Context(), k.Who(r), clientID, sigID)
	if err != nil {
		k.PageError(w, r, err)
		return
	}
	pr, err := k.Practice(r.Context())
	if err != nil {
		k.PageError(w, r, err)
		return
	}
	loc := PracticeLoc(r.Context(), k)
	var buf bytes.Buffer
	err = pdf.Consent(&buf, pdf.Document{Practice: pr.Name, Title: d.Title, Version: d.Version, Hash: d.Hash, Markdown: d.Body,
		Signature: &pdf.Signature{TypedName: sig.TypedName, SignedAt: sig.SignedAt, Zone: loc, ClientAddr: sig.ClientAddr,
			ClientRef: fmt.Sprintf("client %d", clientID)}})
	if err != nil {
		k.PageError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-v%d-signed.pdf"`, d.Code, d.Version))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

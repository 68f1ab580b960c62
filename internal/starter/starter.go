// Package starter holds the texts a new practice starts from: consent
// documents written for a KAP practice in general ("the practice"), which
// its admin reviews, edits and publishes as their own, and the demo
// publishes as they are. Pure data; no SQL, no HTTP.
package starter

import (
	"embed"
	"strings"

	"github.com/journey-kap/journey"
)

//go:embed consents/*.md
var consentFS embed.FS

// ConsentOrder is the order a client meets the consent documents in.
var ConsentOrder = []string{journey.ConsentKAP, journey.ConsentTelehealth, journey.ConsentFinancial, journey.ConsentPrivacy}

// Consents returns the starter consent documents in ConsentOrder, each
// required, its title the Markdown's first heading. It panics if a file is
// missing: they are embedded at build time.
func Consents() []*journey.ConsentDocument {
	out := make([]*journey.ConsentDocument, 0, len(ConsentOrder))
	for _, code := range ConsentOrder {
		out = append(out, Consent(code))
	}
	return out
}

// Consent returns the starter text of the document code, or nil if there
// is none.
func Consent(code string) *journey.ConsentDocument {
	body, err := consentFS.ReadFile("consents/" + code + ".md")
	if err != nil {
		return nil
	}
	title, _, _ := strings.Cut(string(body), "\n")
	return &journey.ConsentDocument{Code: code, Title: strings.TrimSpace(strings.TrimPrefix(title, "# ")), Body: string(body), Required: true}
}

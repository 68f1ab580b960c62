package mail

import (
	"strings"

	"github.com/journey-kap/journey"
)

var _ journey.EstimateMailComposer = (*Composer)(nil)

// ComposeEstimate returns the email that delivers a client's Good Faith
// Estimates: each one's provider, services and total in the text, and the
// link to the portal page where the PDFs are.
func (c *Composer) ComposeEstimate(m *journey.EstimateMail, p *journey.Practice) (*journey.Message, error) {
	var parts []string
	for _, e := range m.Estimates {
		parts = append(parts, m.EntityNames[e.EntityID]+" ("+strings.ToLower(journey.ChargeTypeName(e.ChargeType))+"):\n"+journey.EstimateSummary(e))
	}
	return compose(journey.MailGoodFaithEstimate, p, map[string]string{"client_first_name": firstName(m.Client.Name),
		"client_name": m.Client.Name, "estimate_summary": strings.Join(parts, "\n\n"), "estimate_link": c.link("/portal/estimates")}, m.Client.Email)
}

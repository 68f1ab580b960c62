package staff

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/journey-kap/journey"
)

// What a session's page says of its billing: the minutes a clinician
// records when completing it, the charges its event made (to billing
// staff), and the fee schedule's lines it skipped and why (to everyone
// who sees the session in full).

// SessionBillingPart is the billing part of a session's page.
type SessionBillingPart struct {
	Shown       bool     // the session's event charges (completed, no-show, late cancellation)
	NotSetUp    bool     // the practice has no fee schedule: nothing was charged
	Skipped     []string // the lines not charged, each with why
	Charges     []string // "90837 × 1, modifiers 95: $210.00 (open)", to billing staff
	ClientHref  string   // the client's billing page, to billing staff
	CanCharge   bool     // billing staff may make the charges missing from the session's event
	AskMinutes  bool     // completing is among the actions: the minutes field is offered
	Minutes     string   // as typed, kept after a refusal
	MinutesHint string
}

// sessionMinutes reads the minutes typed for a completed session: 0 when
// none were (its scheduled length stands).
func sessionMinutes(f *sessionForm, raw string) (int, error) {
	f.minutes = strings.TrimSpace(raw)
	if f.minutes == "" || f.action != journey.ActionComplete {
		return 0, nil
	}
	n, err := strconv.Atoi(f.minutes)
	if err != nil || n < 1 || n > journey.MaxSessionMinutes {
		var v journey.Validation
		v.Add("minutes", "Enter the minutes as a whole number from 1 to 600, or leave it empty for the session's length.")
		return 0, v.Err()
	}
	return n, nil
}

// billing fills the page's billing part from b for the actor; chargeable:
// the session's event charges (journey.BillingEvent).
func (p *SessionPage) billing(b *journey.SessionBilling, a *journey.Actor, f sessionForm, chargeable bool) {
	part := &p.Billing
	part.Minutes = f.minutes
	for _, act := range p.Actions {
		part.AskMinutes = part.AskMinutes || act.Value == journey.ActionComplete
	}
	part.MinutesHint = "The minutes of psychotherapy or the visit, when they differ from the session's " + p.Length + ": they choose the service code."
	part.NotSetUp, part.Skipped = b.NotSetUp, b.Skipped
	// Billing set up after the session, or a line fixed, leaves it with
	// nothing charged: billing staff make the charges here.
	part.CanCharge = chargeable && a.Can(journey.PermBillingWrite)
	part.Shown = b.NotSetUp || len(b.Skipped) > 0 || len(b.Charges) > 0 || part.CanCharge
	for _, c := range b.Charges {
		part.Charges = append(part.Charges, chargeLine(c))
		if part.ClientHref == "" && a.Can(journey.PermBillingRead) {
			part.ClientHref = "/staff/clients/" + strconv.FormatInt(c.ClientID, 10) + "/billing"
		}
	}
}

// chargeLine describes charge c on one line.
func chargeLine(c *journey.Charge) string {
	s := c.Description + ": "
	if c.Code != "" {
		s += codesText(c) + ", "
	}
	s += journey.FormatCents(c.AmountCents)
	if c.AdjustedCents != 0 {
		s += " adjusted by " + journey.FormatCents(c.AdjustedCents)
	}
	if c.Status == journey.ChargeVoid {
		s += " (void)"
	}
	return s
}

// codesText writes charge c's service code: "90837 × 1, modifiers 95".
func codesText(c *journey.Charge) string {
	s := c.Code + " × " + strconv.Itoa(c.Units)
	if len(c.Modifiers) > 0 {
		s += ", modifiers " + strings.Join(c.Modifiers, " ")
	}
	return s
}

// HandleSessionCharges makes the charges missing from the session's
// event (billing set up after it, or a line of the fee schedule fixed);
// those made already stay as they are, so asking twice charges once.
func (s *Handler) HandleSessionCharges(w http.ResponseWriter, r *http.Request) {
	s.changeSession(w, r, "charged", func(a *journey.Actor, id int64, _ *sessionForm) error {
		_, err := s.proc.ChargeSession(r.Context(), a, id, viaSessionPage)
		return err
	})
}

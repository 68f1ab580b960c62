package mail

import (
	"strconv"
	"strings"
	"time"

	"github.com/journey-kap/journey"
)

var _ journey.ReceiptComposer = (*Composer)(nil)

// ComposeReceipt returns the receipt of r.Payment to the client in the
// practice's template: the amount, the day, how, to which entity for
// which charge type, and the balance after it; the portal holds the rest.
func (c *Composer) ComposeReceipt(r *journey.PaymentReceipt, p *journey.Practice) (*journey.Message, error) {
	pay := r.Payment
	loc, err := journey.LoadZone(p.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	values := map[string]string{
		"client_first_name": firstName(r.ClientName), "client_name": r.ClientName, "portal_link": c.link("/portal/billing"),
		"amount": journey.FormatCents(pay.AmountCents), "paid_on": pay.At.In(loc).Format("January 2, 2006"),
		"payment_method": journey.PayMethodName(pay.Method), "entity_name": r.Entity.LegalName,
		"charge_type":    strings.ToLower(journey.ChargeTypeName(pay.ChargeType)),
		"receipt_number": "P-" + strconv.FormatInt(pay.ID, 10), "balance": journey.FormatCents(r.BalanceCents),
	}
	return compose(journey.MailPaymentReceipt, p, values, r.ClientEmail)
}

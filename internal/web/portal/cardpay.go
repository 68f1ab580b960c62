package portal

import (
	"context"
	"net/http"
	"strconv"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/processing"
)

// CardPayProcessing is the part of processing the client's card payments
// call: what they owe, paying it on the processor's page or with their
// saved card, the payment's page, forgetting the card.
type CardPayProcessing interface {
	CardPaymentsOffered() bool
	CardPayPage(ctx context.Context, a *journey.Actor, id int64) (*processing.CardPayView, error)
	PayByCard(ctx context.Context, a *journey.Actor, r *processing.CardPayRequest) (*processing.CardPayStart, error)
	CardPayment(ctx context.Context, a *journey.Actor, id, pid int64) (*journey.Payment, error)
	ForgetCard(ctx context.Context, a *journey.Actor, id int64) error
}

// PayPage is the client's "Pay by card" page: one form per balance.
type PayPage struct {
	*processing.CardPayView
	DocumentID int64  // the statement the client came from, if any
	Error      string // why the last attempt did not start
	Forgot     bool   // the saved card was just forgotten
}

func (*PayPage) PageTitle() string { return "Pay by card" }

// PaymentPage is one online payment as the client sees it after the
// processor's page: processing until the processor confirms it.
type PaymentPage struct {
	Payment *journey.Payment
}

func (*PaymentPage) PageTitle() string { return "Your payment" }

// HandlePayView shows what the client owes and how to pay it by card; a
// practice that takes no card online says how else to pay.
func (s *Handler) HandlePayView(w http.ResponseWriter, r *http.Request) {
	doc, _ := strconv.ParseInt(r.URL.Query().Get("document"), 10, 64)
	s.renderPay(w, r, http.StatusOK, &PayPage{DocumentID: doc, Forgot: r.URL.Query().Get("card") == "forgotten"})
}

func (s *Handler) renderPay(w http.ResponseWriter, r *http.Request, status int, page *PayPage) {
	c, err := s.portalClient(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	if page.CardPayView, err = s.proc.CardPayPage(r.Context(), s.kit.Who(r), c.ID); err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, status, "portal_pay", page)
}

// HandlePay starts paying one balance by card: to the processor's page,
// or, with the saved card, straight to the payment's page. What went
// wrong is shown on the page again.
func (s *Handler) HandlePay(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return
	}
	c, err := s.portalClient(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	entity, _ := strconv.ParseInt(r.PostForm.Get("entity_id"), 10, 64)
	doc, _ := strconv.ParseInt(r.PostForm.Get("document_id"), 10, 64)
	base := s.kit.BaseURL()
	start, err := s.proc.PayByCard(r.Context(), s.kit.Who(r), &processing.CardPayRequest{ClientID: c.ID, EntityID: entity,
		ChargeType: r.PostForm.Get("charge_type"), DocumentID: doc, SaveCard: r.PostForm.Get("save_card") == "yes",
		UseSaved: r.PostForm.Get("use_saved") == "yes", ReturnURL: base + "/portal/billing/payments/{id}", CancelURL: base + "/portal/billing/pay"})
	switch code := journey.ErrorCode(err); {
	case code == journey.EINVALID || code == journey.EUNAVAILABLE:
		s.renderPay(w, r, s.kit.Status(err), &PayPage{DocumentID: doc, Error: journey.ErrorMessage(err)})
		return
	case err != nil:
		s.kit.PageError(w, r, err)
		return
	}
	to := start.RedirectURL
	if to == "" {
		to = "/portal/billing/payments/" + strconv.FormatInt(start.Payment.ID, 10)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// HandlePayment shows one of the client's online payments: processing,
// paid or not gone through.
func (s *Handler) HandlePayment(w http.ResponseWriter, r *http.Request) {
	c, err := s.portalClient(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	pid, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	pay, err := s.proc.CardPayment(r.Context(), s.kit.Who(r), c.ID, pid)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusOK, "portal_payment", &PaymentPage{Payment: pay})
}

// HandleForgetCard forgets the client's saved card.
func (s *Handler) HandleForgetCard(w http.ResponseWriter, r *http.Request) {
	c, err := s.portalClient(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	if err := s.proc.ForgetCard(r.Context(), s.kit.Who(r), c.ID); err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	http.Redirect(w, r, "/portal/billing/pay?card=forgotten", http.StatusSeeOther)
}

// Money writes cents as dollars for the page.
func (*PayPage) Money(c int64) string { return journey.FormatCents(c) }

// TypeName names a charge type for the page.
func (*PayPage) TypeName(t string) string { return journey.ChargeTypeName(t) }

// Money writes cents as dollars for the page.
func (*PaymentPage) Money(c int64) string { return journey.FormatCents(c) }

// TypeName names a charge type for the page.
func (*PaymentPage) TypeName(t string) string { return journey.ChargeTypeName(t) }

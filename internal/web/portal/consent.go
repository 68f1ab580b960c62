package portal

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// consentLabels names the signing form's fields.
var consentLabels = map[string]string{"agree": "Agreement", "typed_name": "Your signature"}

type ConsentPage struct {
	Doc        *journey.ConsentDocument
	Body       template.HTML
	Signed     *journey.ConsentSignature // this version, when signed
	Earlier    *journey.ConsentSignature // an earlier version, when only that is signed
	TypedName  string
	Agree      bool
	Errors     map[string]string
	Summary    []webkit.ErrorLine
	Message    string
	JustSigned bool   // arrived from signing: the banner at the top says so
	SignedOn   string // when this version was signed, in the client's zone, named
}

func (p *ConsentPage) PageTitle() string { return p.Doc.Title }

// currentDocument returns the current version of the document with code.
func (s *Handler) currentDocument(r *http.Request, code string) (*journey.ConsentDocument, error) {
	return webkit.CurrentDocument(r.Context(), s.store, code)
}

func (s *Handler) newConsentPage(r *http.Request, c *journey.Client, d *journey.ConsentDocument) (*ConsentPage, error) {
	sigs, err := s.store.FindConsentSignatures(r.Context(), c.ID)
	if err != nil {
		return nil, err
	}
	p := &ConsentPage{Doc: d, Body: webkit.Markdown(d.Body), Errors: map[string]string{}}
	for _, sg := range sigs {
		switch {
		case sg.DocumentID == d.ID:
			p.Signed = sg
			loc, zone := webkit.ClientZone(r.Context(), s.kit, s.store, c)
			p.SignedOn = sg.SignedAt.In(loc).Format("January 2, 2006 at 3:04 PM") + " (" + zone + ")"
		case sg.Code == d.Code && p.Earlier == nil:
			p.Earlier = sg
		}
	}
	return p, nil
}

// portalDocument returns the signed-in client and the current version of
// the path's document, or answers the request itself.
func (s *Handler) portalDocument(w http.ResponseWriter, r *http.Request) (*journey.Client, *journey.ConsentDocument, bool) {
	c, err := s.portalClient(r)
	if err == nil {
		var d *journey.ConsentDocument
		if d, err = s.currentDocument(r, r.PathValue("code")); err == nil {
			return c, d, true
		}
	}
	s.kit.PageError(w, r, err)
	return nil, nil, false
}

func (s *Handler) HandleConsentView(w http.ResponseWriter, r *http.Request) {
	c, d, ok := s.portalDocument(w, r)
	if !ok {
		return
	}
	p, err := s.newConsentPage(r, c, d)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	p.JustSigned = p.Signed != nil && r.URL.Query().Get("signed") == "1"
	s.audit(r, "consent.read", "client", c.ID, journey.AuditSuccess, fmt.Sprintf("%s v%d", d.Code, d.Version))
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusOK, "portal_consent", p)
}

func (s *Handler) HandleConsentSign(w http.ResponseWriter, r *http.Request) {
	c, d, ok := s.portalDocument(w, r)
	if !ok {
		return
	}
	typed, agree := r.PostFormValue("typed_name"), r.PostFormValue("agree") != ""
	var err error
	// The version read is the version signed: a document changed while the
	// client read it must be read again.
	if v := r.PostFormValue("version"); v != strconv.Itoa(d.Version) {
		err = journey.Errorf(journey.ECONFLICT, "This document changed while you were reading it. Please read the new version before signing.")
	} else if !agree {
		err = &journey.Error{Code: journey.EINVALID, Message: "Please correct the highlighted fields.",
			Fields: []journey.FieldError{{Field: "agree", Detail: "Tick the box to confirm you have read and agree to this document."}}}
	}
	_, err = s.proc.SignConsent(r.Context(), s.kit.Who(r), c.ID, d.Code, typed, s.kit.Who(r).ClientAddr, err, fmt.Sprintf("%s v%d", d.Code, d.Version))
	if err != nil {
		code := journey.ErrorCode(err)
		if code != journey.EINVALID && code != journey.ECONFLICT {
			s.kit.PageError(w, r, err)
			return
		}
		p, perr := s.newConsentPage(r, c, d)
		if perr != nil {
			s.kit.PageError(w, r, perr)
			return
		}
		p.TypedName, p.Agree, p.Message = typed, agree, journey.ErrorMessage(err)
		webkit.ShowLabelledErrors(err, p.Errors, &p.Summary, func(f string) string { return consentLabels[f] })
		w.Header().Set("Cache-Control", "no-store")
		s.kit.Render(w, r, s.kit.Status(err), "portal_consent", p)
		return
	}
	// The signed page opens on its confirmation, not the document's top.
	http.Redirect(w, r, "/portal/consents/"+d.Code+"?signed=1#signed", http.StatusSeeOther)
}

// HandlePortalSignaturePDF sends the client their signed copy.
func (s *Handler) HandlePortalSignaturePDF(w http.ResponseWriter, r *http.Request) {
	c, err := s.portalClient(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	webkit.SignaturePDF(w, r, s.kit, s.proc, c.ID, id)
}

package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"strconv"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/pdf"
	"github.com/journey-kap/journey/internal/web/webkit"
)

type consentPage struct {
	Doc        *journey.ConsentDocument
	Body       template.HTML
	Signed     *journey.ConsentSignature // this version, when signed
	Earlier    *journey.ConsentSignature // an earlier version, when only that is signed
	TypedName  string
	Agree      bool
	Errors     map[string]string
	Summary    []errorLine
	Message    string
	JustSigned bool   // arrived from signing: the banner at the top says so
	SignedOn   string // when this version was signed, in the client's zone, named
}

func (p *consentPage) PageTitle() string { return p.Doc.Title }

// currentDocument returns the current version of the document with code.
func (s *Server) currentDocument(r *http.Request, code string) (*journey.ConsentDocument, error) {
	return webkit.CurrentDocument(r.Context(), s.store, code)
}

func (s *Server) newConsentPage(r *http.Request, c *journey.Client, d *journey.ConsentDocument) (*consentPage, error) {
	sigs, err := s.store.FindConsentSignatures(r.Context(), c.ID)
	if err != nil {
		return nil, err
	}
	p := &consentPage{Doc: d, Body: md.render(d.Body), Errors: map[string]string{}}
	for _, sg := range sigs {
		switch {
		case sg.DocumentID == d.ID:
			p.Signed = sg
			loc, zone := webkit.ClientZone(r.Context(), kit{s}, s.store, c)
			p.SignedOn = sg.SignedAt.In(loc).Format("January 2, 2006 at 3:04 PM") + " (" + zone + ")"
		case sg.Code == d.Code && p.Earlier == nil:
			p.Earlier = sg
		}
	}
	return p, nil
}

// portalDocument returns the signed-in client and the current version of
// the path's document, or answers the request itself.
func (s *Server) portalDocument(w http.ResponseWriter, r *http.Request) (*journey.Client, *journey.ConsentDocument, bool) {
	c, err := s.portalClient(r)
	if err == nil {
		var d *journey.ConsentDocument
		if d, err = s.currentDocument(r, r.PathValue("code")); err == nil {
			return c, d, true
		}
	}
	s.pageError(w, r, err)
	return nil, nil, false
}

func (s *Server) handleConsentView(w http.ResponseWriter, r *http.Request) {
	c, d, ok := s.portalDocument(w, r)
	if !ok {
		return
	}
	p, err := s.newConsentPage(r, c, d)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	p.JustSigned = p.Signed != nil && r.URL.Query().Get("signed") == "1"
	s.audit(r, "consent.read", "client", c.ID, journey.AuditSuccess, fmt.Sprintf("%s v%d", d.Code, d.Version))
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "portal_consent", p)
}

func (s *Server) handleConsentSign(w http.ResponseWriter, r *http.Request) {
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
	_, err = s.proc.SignConsent(r.Context(), s.who(r), c.ID, d.Code, typed, s.clientAddr(r), err, fmt.Sprintf("%s v%d", d.Code, d.Version))
	if err != nil {
		code := journey.ErrorCode(err)
		if code != journey.EINVALID && code != journey.ECONFLICT {
			s.pageError(w, r, err)
			return
		}
		p, perr := s.newConsentPage(r, c, d)
		if perr != nil {
			s.pageError(w, r, perr)
			return
		}
		p.TypedName, p.Agree, p.Message = typed, agree, journey.ErrorMessage(err)
		showLabelledErrors(err, p.Errors, &p.Summary, func(f string) string { return consentLabels[f] })
		w.Header().Set("Cache-Control", "no-store")
		s.render(w, r, errorStatus(err), "portal_consent", p)
		return
	}
	// The signed page opens on its confirmation, not the document's top.
	http.Redirect(w, r, "/portal/consents/"+d.Code+"?signed=1#signed", http.StatusSeeOther)
}

// handlePortalSignaturePDF sends the client their signed copy.
func (s *Server) handlePortalSignaturePDF(w http.ResponseWriter, r *http.Request) {
	c, err := s.portalClient(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	s.signaturePDF(w, r, c.ID, id)
}

// handleStaffSignaturePDF sends staff a client's signed copy.
func (s *Server) handleStaffSignaturePDF(w http.ResponseWriter, r *http.Request) {
	id, err := clientID(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	sig, _ := strconv.ParseInt(r.PathValue("sig"), 10, 64)
	s.signaturePDF(w, r, id, sig)
}

// signaturePDF renders signature sigID of client clientID as a PDF
// (processing.SignedCopy: the record rule, and the download audited).
func (s *Server) signaturePDF(w http.ResponseWriter, r *http.Request, clientID, sigID int64) {
	sig, d, err := s.proc.SignedCopy(r.Context(), s.who(r), clientID, sigID)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	pr, err := s.store.FindPractice(r.Context())
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	loc, _ := s.practiceZone(r)
	var buf bytes.Buffer
	err = pdf.Consent(&buf, pdf.Document{Practice: pr.Name, Title: d.Title, Version: d.Version, Hash: d.Hash, Markdown: d.Body,
		Signature: &pdf.Signature{TypedName: sig.TypedName, SignedAt: sig.SignedAt, Zone: loc, ClientAddr: sig.ClientAddr,
			ClientRef: fmt.Sprintf("client %d", clientID)}})
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-v%d-signed.pdf"`, d.Code, d.Version))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

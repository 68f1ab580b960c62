package web

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/journey-kap/journey"
)

// The practice's logo: uploaded on the practice page or through the API,
// checked by journey.NewLogo, served at an address named by its content.

// logoURL returns where p's logo is served ("" when it has none): the
// first 16 hex digits of its SHA-256 name it, so a new logo has a new
// address and each can be cached for good.
func logoURL(p *journey.Practice) string {
	if p == nil || len(p.LogoSHA256) < 16 {
		return ""
	}
	return "/logo/" + p.LogoSHA256[:16] + logoExt(p.LogoType)
}

func logoExt(contentType string) string {
	if contentType == "image/jpeg" {
		return ".jpg"
	}
	return ".png"
}

// handleLogo serves the logo the path names; 404 for any other address,
// an old logo's included.
func (s *Server) handleLogo(w http.ResponseWriter, r *http.Request) {
	l, err := s.store.FindLogo(r.Context())
	if err != nil || r.PathValue("file") != l.SHA256[:16]+logoExt(l.ContentType) {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", l.ContentType)
	h.Set("Content-Length", strconv.Itoa(len(l.Data)))
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(l.Data)
}

// readLogo returns the uploaded file: the form's "logo" part of a
// multipart body, or (the API) the raw body. A body past the bound is
// read no further: NewLogo names the bound.
func readLogo(r *http.Request) ([]byte, error) {
	body := io.Reader(r.Body)
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); strings.HasPrefix(mt, "multipart/") {
		f, _, err := r.FormFile("logo")
		if errors.Is(err, http.ErrMissingFile) {
			return nil, nil
		}
		if err != nil {
			return nil, journey.Errorf(journey.EINVALID, "The upload could not be read: choose the file and send it again.")
		}
		defer f.Close()
		body = f
	}
	data, err := io.ReadAll(io.LimitReader(body, journey.LogoMaxBytes+1))
	if err != nil {
		return nil, journey.Errorf(journey.EINVALID, "The upload could not be read: choose the file and send it again.")
	}
	return data, nil
}

func (s *Server) handleLogoUpload(w http.ResponseWriter, r *http.Request) {
	data, err := readLogo(r)
	if err == nil {
		_, err = s.proc.SetLogo(r.Context(), s.who(r), data, "page")
	}
	if err != nil {
		if journey.ErrorCode(err) != journey.EINVALID {
			s.pageError(w, r, err)
			return
		}
		p, exists, perr := s.storedPractice(r.Context())
		page, perr2 := s.practicePage(r, p, exists)
		if perr = errors.Join(perr, perr2); perr != nil {
			s.pageError(w, r, perr)
			return
		}
		page.Message = showFieldErrors(err, page.Errors, &page.ErrorList)
		if len(page.ErrorList) == 0 { // the upload itself could not be read
			page.Errors["logo"] = page.Message
			page.ErrorList = []journey.FieldError{{Field: "logo", Detail: page.Message}}
		}
		w.Header().Set("Cache-Control", "no-store")
		s.render(w, r, http.StatusUnprocessableEntity, "admin_practice", page)
		return
	}
	http.Redirect(w, r, "/admin/practice?saved=logo", http.StatusSeeOther)
}

func (s *Server) handleLogoRemove(w http.ResponseWriter, r *http.Request) {
	if err := s.proc.RemoveLogo(r.Context(), s.who(r), "page"); err != nil {
		s.pageError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/practice?saved=logo-removed", http.StatusSeeOther)
}

// apiLogo is the logo in the API.
type apiLogo struct {
	URL         string `json:"url"`
	ContentType string `json:"content_type"`
	Width       int    `json:"width"`
	Height      int    `json:"height"`
	SHA256      string `json:"sha256"`
}

// handleAPILogoUpload takes the logo as the raw body (Content-Type
// image/png or image/jpeg; the bytes decide) or as a multipart form's
// "logo" part.
func (s *Server) handleAPILogoUpload(w http.ResponseWriter, r *http.Request) {
	data, err := readLogo(r)
	var l *journey.Logo
	if err == nil {
		l, err = s.proc.SetLogo(r.Context(), s.who(r), data, "api")
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, apiLogo{URL: logoURL(&journey.Practice{LogoSHA256: l.SHA256, LogoType: l.ContentType}),
		ContentType: l.ContentType, Width: l.Width, Height: l.Height, SHA256: l.SHA256})
}

func (s *Server) handleAPILogoRemove(w http.ResponseWriter, r *http.Request) {
	if err := s.proc.RemoveLogo(r.Context(), s.who(r), "api"); err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

package api

import (
	"net/http"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// apiLogo is the logo in the API.
type apiLogo struct {
	URL         string `json:"url"`
	ContentType string `json:"content_type"`
	Width       int    `json:"width"`
	Height      int    `json:"height"`
	SHA256      string `json:"sha256"`
}

// HandleLogoUpload takes the logo as the raw body (Content-Type
// image/png or image/jpeg; the bytes decide) or as a multipart form's
// "logo" part.
func (s *Handler) HandleLogoUpload(w http.ResponseWriter, r *http.Request) {
	data, err := webkit.ReadLogo(r)
	var l *journey.Logo
	if err == nil {
		l, err = s.proc.SetLogo(r.Context(), s.kit.Who(r), data, "api")
	}
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusOK, apiLogo{URL: webkit.LogoURL(&journey.Practice{LogoSHA256: l.SHA256, LogoType: l.ContentType}),
		ContentType: l.ContentType, Width: l.Width, Height: l.Height, SHA256: l.SHA256})
}

func (s *Handler) HandleLogoRemove(w http.ResponseWriter, r *http.Request) {
	if err := s.proc.RemoveLogo(r.Context(), s.kit.Who(r), "api"); err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

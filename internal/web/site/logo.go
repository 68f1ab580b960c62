package site

import (
	"net/http"
	"strconv"

	"github.com/journey-kap/journey/internal/web/webkit"
)

// The practice's logo: uploaded on the practice page or through the API,
// checked by journey.NewLogo, served at an address named by its content.

// HandleLogo serves the logo the path names; 404 for any other address,
// an old logo's included.
func (s *Site) HandleLogo(w http.ResponseWriter, r *http.Request) {
	l, err := s.store.FindLogo(r.Context())
	if err != nil || r.PathValue("file") != l.SHA256[:16]+webkit.LogoExt(l.ContentType) {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", l.ContentType)
	h.Set("Content-Length", strconv.Itoa(len(l.Data)))
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(l.Data)
}

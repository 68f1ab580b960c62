package staff

import (
	"net/http"
	"strconv"

	"github.com/journey-kap/journey/internal/web/webkit"
)

// HandleStaffSignaturePDF sends staff a client's signed copy.
func (s *Handler) HandleStaffSignaturePDF(w http.ResponseWriter, r *http.Request) {
	id, err := webkit.ClientID(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	sig, _ := strconv.ParseInt(r.PathValue("sig"), 10, 64)
	webkit.SignaturePDF(w, r, s.kit, s.proc, id, sig)
}

package staff

import (
	"errors"
	"net/http"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

func (s *Handler) HandleLogoUpload(w http.ResponseWriter, r *http.Request) {
	data, err := webkit.ReadLogo(r)
	if err == nil {
		_, err = s.proc.SetLogo(r.Context(), s.kit.Who(r), data, "page")
	}
	if err != nil {
		if journey.ErrorCode(err) != journey.EINVALID {
			s.kit.PageError(w, r, err)
			return
		}
		p, exists, perr := webkit.StoredPractice(r.Context(), s.store)
		page, perr2 := s.practicePage(r, p, exists)
		if perr = errors.Join(perr, perr2); perr != nil {
			s.kit.PageError(w, r, perr)
			return
		}
		page.Message = webkit.ShowFieldErrors(err, page.Errors, &page.ErrorList)
		if len(page.ErrorList) == 0 { // the upload itself could not be read
			page.Errors["logo"] = page.Message
			page.ErrorList = []journey.FieldError{{Field: "logo", Detail: page.Message}}
		}
		w.Header().Set("Cache-Control", "no-store")
		s.kit.Render(w, r, http.StatusUnprocessableEntity, "admin_practice", page)
		return
	}
	http.Redirect(w, r, "/admin/practice?saved=logo", http.StatusSeeOther)
}

func (s *Handler) HandleLogoRemove(w http.ResponseWriter, r *http.Request) {
	if err := s.proc.RemoveLogo(r.Context(), s.kit.Who(r), "page"); err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/practice?saved=logo-removed", http.StatusSeeOther)
}

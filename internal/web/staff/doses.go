package staff

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/processing"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// DoseProcessing is what the page for recording a dose asks of processing.
type DoseProcessing interface {
	DoseSheet(ctx context.Context, a *journey.Actor, id int64) (*processing.DoseSheet, error)
	RecordAdministration(ctx context.Context, a *journey.Actor, d *journey.Administration, code, via string) error
}

// DosePage is a medicine session's doses and the form to record one:
// drawn from a named open container, or the client's own prescription.
type DosePage struct {
	inventoryForm
	Sheet *processing.DoseSheet
	Loc   *time.Location
	Done  bool
}

func (*DosePage) PageTitle() string { return "Doses" }

// Num writes a number without trailing zeros.
func (*DosePage) Num(f float64) string { return num(f) }

// ContainerLabel names container k of lot l as a choice.
func (*DosePage) ContainerLabel(l *journey.Lot, k *journey.Container) string {
	return fmt.Sprintf("%s %s, lot %s (exp %s), #%d: %s %s left", l.Product, l.Strength, l.Lot, l.Expiry, k.Number, num(k.Balance), l.Unit)
}

// HandleDoses shows a session's doses and the form.
func (s *Handler) HandleDoses(w http.ResponseWriter, r *http.Request) {
	s.dosePage(w, r, http.StatusOK, &DosePage{inventoryForm: inventoryForm{Form: map[string]string{"source": "container"}, Errors: map[string]string{}},
		Done: r.URL.Query().Get("done") == "1"})
}

func (s *Handler) dosePage(w http.ResponseWriter, r *http.Request, status int, page *DosePage) {
	id, err := webkit.RecordID(r, "Session")
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	if page.Sheet, err = s.proc.DoseSheet(r.Context(), s.kit.Who(r), id); err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	page.Loc, _ = webkit.PracticeZone(r.Context(), s.kit)
	if page.Form["route"] == "" {
		page.Form["route"] = page.Sheet.Session.Route
	}
	if page.Form["administered_at"] == "" {
		page.Form["administered_at"] = s.now().In(page.Loc).Format("15:04")
	}
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, status, "staff_doses", page)
}

// HandleDose records a dose, signed with the second-factor code; a
// refusal (the run sheet's blockers among them) shows the form again with
// what was typed.
func (s *Handler) HandleDose(w http.ResponseWriter, r *http.Request) {
	id, err := webkit.RecordID(r, "Session")
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return
	}
	form := typed(r, "dose_mg", "route", "source", "container_id", "pharmacy", "prescription_number", "self_administered", "administered_at")
	d := &journey.Administration{SessionID: id, Route: form["route"], SelfAdmin: form["self_administered"] == "true"}
	if form["source"] == "own" {
		d.Pharmacy, d.PrescriptionNo = form["pharmacy"], form["prescription_number"]
	} else {
		d.ContainerID = parseID(form, "container_id")
	}
	var v journey.Validation
	parseNumber(&v, form, "dose_mg", "Enter the dose in mg, such as 200.", &d.DoseMg)
	loc, _ := webkit.PracticeZone(r.Context(), s.kit)
	now := s.now().In(loc)
	if t, err := time.ParseInLocation("15:04", form["administered_at"], loc); err != nil {
		v.Add("administered_at", "Enter the time it was given as HH:MM, such as 10:05.")
	} else {
		d.AdministeredAt = time.Date(now.Year(), now.Month(), now.Day(), t.Hour(), t.Minute(), 0, 0, loc)
	}
	err = v.Err()
	if err == nil {
		err = s.proc.RecordAdministration(r.Context(), s.kit.Who(r), d, r.PostFormValue("code"), "")
	}
	if err != nil {
		if !refusable(err) {
			s.kit.PageError(w, r, err)
			return
		}
		page := &DosePage{inventoryForm: inventoryForm{Form: form}}
		page.refused(err)
		s.dosePage(w, r, s.kit.Status(err), page)
		return
	}
	http.Redirect(w, r, "/staff/sessions/"+strconv.FormatInt(id, 10)+"/doses?done=1", http.StatusSeeOther)
}

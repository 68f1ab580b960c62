package staff

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/processing"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// DiagnosesPage is a client's diagnoses in pointer order, with the form
// that replaces them for one of their clinicians (dx1…dx12, A–L).
type DiagnosesPage struct {
	formPage
	ClientID   int64
	ClientName string
	Codes      []DiagnosisRow
	CanSet     bool
	Slots      []DiagnosisSlot
	Common     []journey.Diagnosis
}

// DiagnosisRow is one diagnosis with its claim letter.
type DiagnosisRow struct{ Pointer, Code, Description string }

// DiagnosisSlot is one place of the form: its field and its letter.
type DiagnosisSlot struct{ Name, Label string }

func (*DiagnosesPage) PageTitle() string { return "Diagnoses" }

func diagnosesPage(v *processing.DiagnosesView) *DiagnosesPage {
	p := &DiagnosesPage{formPage: newFormPage(), ClientID: v.Client.ID, ClientName: v.Client.Name, CanSet: v.CanSet, Common: journey.CommonDiagnoses}
	for i, c := range v.Codes {
		p.Codes = append(p.Codes, DiagnosisRow{Pointer: journey.DiagnosisPointer(i), Code: c, Description: journey.DiagnosisDescription(c)})
		p.Form["dx"+strconv.Itoa(i+1)] = c
	}
	for i := range journey.MaxDiagnoses {
		p.Slots = append(p.Slots, DiagnosisSlot{Name: "dx" + strconv.Itoa(i+1), Label: "Diagnosis " + journey.DiagnosisPointer(i)})
	}
	return p
}

// HandleDiagnoses shows a client's diagnoses, and the form to change
// them to their clinicians.
func (s *Handler) HandleDiagnoses(w http.ResponseWriter, r *http.Request) {
	id, err := webkit.ClientID(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	v, err := s.proc.ClientDiagnoses(r.Context(), s.kit.Who(r), id, "page")
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	page := diagnosesPage(v)
	page.Saved = r.URL.Query().Get("saved")
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusOK, "staff_diagnoses", page)
}

// HandleDiagnosesSave replaces a client's diagnoses with the places
// filled, in order; a wrong code is shown beside its place as typed.
func (s *Handler) HandleDiagnosesSave(w http.ResponseWriter, r *http.Request) {
	id, err := webkit.ClientID(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return
	}
	codes := make([]string, journey.MaxDiagnoses)
	for i := range codes {
		codes[i] = r.PostFormValue("dx" + strconv.Itoa(i+1))
	}
	a := s.kit.Who(r)
	_, err = s.proc.SetDiagnoses(r.Context(), a, id, codes, "page")
	if err == nil {
		http.Redirect(w, r, "/staff/clients/"+strconv.FormatInt(id, 10)+"/diagnoses?saved=1", http.StatusSeeOther)
		return
	}
	v, verr := s.proc.ClientDiagnoses(r.Context(), a, id, "page")
	if verr != nil || journey.ErrorCode(err) != journey.EINVALID {
		s.kit.PageError(w, r, err)
		return
	}
	page := diagnosesPage(v)
	for i, c := range codes {
		page.Form["dx"+strconv.Itoa(i+1)] = c
	}
	page.refuse(err, "", func(f string) string {
		if n, ok := strings.CutPrefix(f, "diagnoses["); ok {
			i, _ := strconv.Atoi(strings.TrimSuffix(n, "]"))
			return "dx" + strconv.Itoa(i+1)
		}
		return "dx1"
	})
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusUnprocessableEntity, "staff_diagnoses", page)
}

// CoveragePage is how a client pays each entity, a form per entity for
// billing staff (fields c{entity}_payer, …).
type CoveragePage struct {
	formPage
	ClientID   int64
	ClientName string
	Rows       []CoverageRow
	CanSet     bool
}

// CoverageRow is one entity's coverage.
type CoverageRow struct {
	EntityID        int64
	Entity, Kind    string
	Pre             string // the form's prefix
	Payer           string
	Insurer, Member string
	Group, Updated  string
}

func (*CoveragePage) PageTitle() string { return "Coverage" }

func coveragePage(v *processing.CoverageView) *CoveragePage {
	p := &CoveragePage{formPage: newFormPage(), ClientID: v.Client.ID, ClientName: v.Client.Name, CanSet: v.CanSet}
	names := map[int64]*journey.BillingEntity{}
	for _, e := range v.Entities {
		names[e.ID] = e
	}
	for _, c := range v.Coverage {
		e := names[c.EntityID]
		row := CoverageRow{EntityID: c.EntityID, Pre: "c" + strconv.FormatInt(c.EntityID, 10) + "_", Payer: c.Payer, Insurer: c.Insurer,
			Member: c.MemberID, Group: c.GroupNumber}
		if e != nil {
			row.Entity, row.Kind = e.LegalName, strings.ToLower(strings.Join(chargeTypeNames(journey.EntityChargeTypes(e.Kind)), " and "))
		}
		if !c.UpdatedAt.IsZero() {
			row.Updated = c.UpdatedAt.Format("January 2, 2006")
		}
		for f, val := range map[string]string{"payer": c.Payer, "insurer": c.Insurer, "member_id": c.MemberID, "group_number": c.GroupNumber} {
			p.Form[row.Pre+f] = val
		}
		p.Rows = append(p.Rows, row)
	}
	return p
}

func chargeTypeNames(ts []string) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = journey.ChargeTypeName(t)
	}
	return out
}

// HandleCoverage shows how a client pays each entity.
func (s *Handler) HandleCoverage(w http.ResponseWriter, r *http.Request) {
	id, err := webkit.ClientID(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	v, err := s.proc.ClientCoverage(r.Context(), s.kit.Who(r), id, "page")
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	page := coveragePage(v)
	page.Saved = r.URL.Query().Get("saved")
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusOK, "staff_coverage", page)
}

// HandleCoverageSave sets how a client pays the entity the form names.
func (s *Handler) HandleCoverageSave(w http.ResponseWriter, r *http.Request) {
	id, err := webkit.ClientID(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return
	}
	entity, _ := strconv.ParseInt(r.PostFormValue("entity_id"), 10, 64)
	pre := "c" + strconv.FormatInt(entity, 10) + "_"
	c := &journey.Coverage{ClientID: id, EntityID: entity, Payer: r.PostFormValue(pre + "payer"), Insurer: r.PostFormValue(pre + "insurer"),
		MemberID: r.PostFormValue(pre + "member_id"), GroupNumber: r.PostFormValue(pre + "group_number")}
	a := s.kit.Who(r)
	err = s.proc.SetCoverage(r.Context(), a, c, "page")
	if err == nil {
		http.Redirect(w, r, "/staff/clients/"+strconv.FormatInt(id, 10)+"/coverage?saved=1", http.StatusSeeOther)
		return
	}
	v, verr := s.proc.ClientCoverage(r.Context(), a, id, "page")
	if verr != nil || journey.ErrorCode(err) != journey.EINVALID {
		s.kit.PageError(w, r, err)
		return
	}
	page := coveragePage(v)
	page.keep(r, pre, "payer", "insurer", "member_id", "group_number")
	page.refuse(err, pre, nil)
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusUnprocessableEntity, "staff_coverage", page)
}

package portal

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/processing"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// The client's pages around the medicine sessions: the goals and the
// grounding and safety plan from their signed preparation note
// (/portal/preparation), the morning-after check-in the reminder's link
// opens (/portal/morning-after; a safety answer goes straight to the
// crisis lines, the care team alerted), and their private integration
// journal (/portal/journal), each entry shared with their therapist only
// if they choose.

// AftercareProcessing is what these pages ask of processing
// (processing/aftercare.go, notes.go).
type AftercareProcessing interface {
	ClientPlan(ctx context.Context, a *journey.Actor, clientID int64, via string) (*journey.ClientPlan, error)
	MorningCheckInForm(ctx context.Context, a *journey.Actor, id int64, now time.Time) (*processing.MorningForm, error)
	MorningCheckIn(ctx context.Context, a *journey.Actor, id int64, m *journey.MorningCheckIn, now time.Time) error
	Journal(ctx context.Context, a *journey.Actor, id int64, via string) ([]*journey.JournalEntry, error)
	AddJournalEntry(ctx context.Context, a *journey.Actor, id int64, e *journey.JournalEntry) error
	ShareJournalEntry(ctx context.Context, a *journey.Actor, entry int64, shared bool) error
}

// PreparationPage is the client's goals and grounding and safety plan.
type PreparationPage struct {
	Plan   *journey.ClientPlan // nil until the preparation note is signed
	Signed string
}

func (*PreparationPage) PageTitle() string { return "Your goals and safety plan" }

// HandlePreparation shows the goals and the grounding and safety plan of
// the client's signed preparation note.
func (s *Handler) HandlePreparation(w http.ResponseWriter, r *http.Request) {
	c, err := s.portalClient(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	page := &PreparationPage{}
	plan, err := s.proc.ClientPlan(r.Context(), s.kit.Who(r), c.ID, " in the portal")
	switch {
	case err == nil:
		loc, _ := webkit.ClientZone(r.Context(), s.kit, s.store, c)
		page.Plan, page.Signed = plan, plan.SignedAt.In(loc).Format("January 2, 2006")
	case journey.ErrorCode(err) != journey.ENOTFOUND:
		s.kit.PageError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusOK, "portal_preparation", page)
}

// MorningPage is the morning-after check-in: its questions, the answers
// given or typed, what was wrong beside each.
type MorningPage struct {
	Questions []journey.MorningQuestion
	Session   string // the session it is about, in words; "" when none waits
	Done      *journey.MorningCheckIn
	Vals      map[string]string
	Errors    map[string]string
	Summary   []webkit.ErrorLine
}

func (*MorningPage) PageTitle() string { return "Checking in after your session" }

// Checked reports whether field holds value.
func (p *MorningPage) Checked(field, value string) bool { return p.Vals[field] == value }

// AnswerWords says the answer of the check-in made to field.
func (p *MorningPage) AnswerWords(field string) string {
	if p.Done == nil {
		return ""
	}
	for _, q := range p.Questions {
		if q.Field == field {
			for _, c := range q.Choices {
				if c.Value == p.Done.Answer(field) {
					return c.Label
				}
			}
		}
	}
	return ""
}

// HandleMorning shows the morning-after check-in for the client's latest
// medicine session, or the answers given.
func (s *Handler) HandleMorning(w http.ResponseWriter, r *http.Request) {
	s.morningPage(w, r, http.StatusOK, &MorningPage{Vals: map[string]string{}, Errors: map[string]string{}})
}

func (s *Handler) morningPage(w http.ResponseWriter, r *http.Request, status int, page *MorningPage) {
	c, err := s.portalClient(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	f, err := s.proc.MorningCheckInForm(r.Context(), s.kit.Who(r), c.ID, s.now())
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	page.Questions, page.Done = journey.MorningChoices, f.Done
	if f.Session != nil {
		loc, _ := webkit.ClientZone(r.Context(), s.kit, s.store, c)
		page.Session = f.Session.Start.In(loc).Format("Monday, January 2")
	}
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, status, "portal_morning", page)
}

// morningLabels name the check-in's fields in the error summary.
var morningLabels = func() map[string]string {
	m := map[string]string{"note": "Anything else"}
	for _, q := range journey.MorningChoices {
		m[q.Field] = q.Label
	}
	return m
}()

// HandleMorningSave records the check-in; a safety answer goes to the
// crisis lines at once (the care team was alerted in the same step);
// what was wrong is shown beside each question, the answers kept.
func (s *Handler) HandleMorningSave(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return
	}
	vals := map[string]string{"note": r.PostFormValue("note")}
	for _, q := range journey.MorningChoices {
		vals[q.Field] = r.PostFormValue(q.Field)
	}
	m := &journey.MorningCheckIn{Slept: vals["slept"], Nausea: vals["nausea"], Headache: vals["headache"], Urinary: vals["urinary"],
		Distress: vals["distress"], Safety: vals["safety"], Note: vals["note"]}
	c, err := s.portalClient(r)
	if err == nil {
		err = s.proc.MorningCheckIn(r.Context(), s.kit.Who(r), c.ID, m, s.now())
	}
	switch {
	case err == nil && m.AlertID != 0:
		http.Redirect(w, r, "/portal/support?alerted=1", http.StatusSeeOther)
	case err == nil:
		http.Redirect(w, r, "/portal/morning-after", http.StatusSeeOther)
	case journey.ErrorCode(err) == journey.EINVALID:
		page := &MorningPage{Vals: vals, Errors: map[string]string{}}
		webkit.ShowLabelledErrors(err, page.Errors, &page.Summary, func(f string) string { return morningLabels[f] })
		s.morningPage(w, r, s.kit.Status(err), page)
	default:
		s.kit.PageError(w, r, err)
	}
}

// JournalPage is the client's integration journal.
type JournalPage struct {
	Entries []JournalView
	Text    string
	Shared  bool
	Errors  map[string]string
	Summary []webkit.ErrorLine
	Notice  string
}

// JournalView is an entry in words.
type JournalView struct {
	ID     int64
	Text   string
	At     string
	Shared bool
}

func (*JournalPage) PageTitle() string { return "Your integration journal" }

var journalNotices = map[string]string{"added": "Saved to your journal.", "shared": "Shared with your therapist.",
	"private": "Now private again: your therapist no longer sees it."}

// HandleJournal shows the journal and the form for a new entry.
func (s *Handler) HandleJournal(w http.ResponseWriter, r *http.Request) {
	s.journalPage(w, r, http.StatusOK, &JournalPage{Errors: map[string]string{}, Notice: journalNotices[r.URL.Query().Get("done")]})
}

func (s *Handler) journalPage(w http.ResponseWriter, r *http.Request, status int, page *JournalPage) {
	c, err := s.portalClient(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	es, err := s.proc.Journal(r.Context(), s.kit.Who(r), c.ID, " in the portal")
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	loc, _ := webkit.ClientZone(r.Context(), s.kit, s.store, c)
	for _, e := range es {
		page.Entries = append(page.Entries, JournalView{ID: e.ID, Text: e.Text, At: e.CreatedAt.In(loc).Format("Monday, January 2, 2006, 3:04 PM"), Shared: e.Shared})
	}
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, status, "portal_journal", page)
}

// HandleJournalAdd adds an entry; an empty one is refused beside the
// field.
func (s *Handler) HandleJournalAdd(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return
	}
	e := &journey.JournalEntry{Text: r.PostFormValue("text"), Shared: r.PostFormValue("shared") == "yes"}
	c, err := s.portalClient(r)
	if err == nil {
		err = s.proc.AddJournalEntry(r.Context(), s.kit.Who(r), c.ID, e)
	}
	switch {
	case err == nil:
		http.Redirect(w, r, "/portal/journal?done=added", http.StatusSeeOther)
	case journey.ErrorCode(err) == journey.EINVALID:
		page := &JournalPage{Text: r.PostFormValue("text"), Shared: e.Shared, Errors: map[string]string{}}
		webkit.ShowLabelledErrors(err, page.Errors, &page.Summary, func(string) string { return "Your entry" })
		s.journalPage(w, r, s.kit.Status(err), page)
	default:
		s.kit.PageError(w, r, err)
	}
}

// HandleJournalShare shares an entry with the therapist or takes it back.
func (s *Handler) HandleJournalShare(w http.ResponseWriter, r *http.Request) {
	id, err := webkit.RecordID(r, "Entry")
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	shared := r.PostFormValue("shared") == "yes"
	if err := s.proc.ShareJournalEntry(r.Context(), s.kit.Who(r), id, shared); err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	done := "private"
	if shared {
		done = "shared"
	}
	http.Redirect(w, r, fmt.Sprintf("/portal/journal?done=%s#entry-%d", done, id), http.StatusSeeOther)
}

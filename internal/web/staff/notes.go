package staff

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// The notes of a session (/staff/sessions/{id}/notes): its progress note
// from the session type's template and the viewer's own psychotherapy
// notes, each drafted, changed, signed and locked, then added to by
// addenda. Every action is a form that posts and comes back here; a
// refusal redraws the page with the message beside the field and what was
// typed kept.

// NoteProcessing is what the notes page asks of processing.
type NoteProcessing interface {
	SessionNotes(ctx context.Context, a *journey.Actor, id int64, via string) (*journey.CareSession, []*journey.Note, error)
	Note(ctx context.Context, a *journey.Actor, id int64, via string) (*journey.Note, error)
	CreateNote(ctx context.Context, a *journey.Actor, id int64, n *journey.Note, via string) error
	UpdateNote(ctx context.Context, a *journey.Actor, id int64, fields map[string]string, via string) (*journey.Note, error)
	SignNote(ctx context.Context, a *journey.Actor, id int64, via string) (*journey.Note, error)
	AddAddendum(ctx context.Context, a *journey.Actor, id int64, text, via string) (*journey.Addendum, error)
}

// NotesPage is a session's notes as the viewer may read them.
type NotesPage struct {
	Session   *journey.CareSession
	What      string // the session in words
	Zone      string
	Notes     []NoteView
	Progress  []journey.NoteField // the template of a new progress note, when the session has none
	Process   []journey.NoteField // a psychotherapy note's
	Notice    string
	Form      string // the form the errors and typed values belong to
	Vals      map[string]string
	Errors    map[string]string
	ErrorList []journey.FieldError
	Message   string
}

// NoteView is one note with its headings in words.
type NoteView struct {
	Note     *journey.Note
	Title    string
	Fields   []NoteFieldView
	Mine     bool // the viewer wrote it: they change and sign the draft
	Signed   string
	Addenda  []AddendumView
	FormName string // "note-ID"
}

// NoteFieldView is one heading of a note with its text.
type NoteFieldView struct {
	journey.NoteField
	Text string
}

// AddendumView is an addendum in words.
type AddendumView struct {
	Text, At string
	Mine     bool
}

func (*NotesPage) PageTitle() string { return "Session notes" }

// FormErr is the error beside field name when form was the one posted.
func (p *NotesPage) FormErr(form, name string) string {
	if p.Form != form {
		return ""
	}
	return p.Errors[name]
}

// FormVal is what was typed in form's field name, else def.
func (p *NotesPage) FormVal(form, name, def string) string {
	if p.Form != form {
		return def
	}
	return p.Vals[name]
}

var noteNotices = map[string]string{"created": "Draft saved.", "saved": "Draft saved.", "signed": "Signed: the note is locked; add an addendum for anything later.",
	"addendum": "Addendum added."}

// HandleNotes shows a session's notes.
func (s *Handler) HandleNotes(w http.ResponseWriter, r *http.Request) {
	s.renderNotes(w, r, http.StatusOK, &NotesPage{Notice: noteNotices[r.URL.Query().Get("done")]})
}

func (s *Handler) renderNotes(w http.ResponseWriter, r *http.Request, status int, page *NotesPage) {
	id, err := webkit.RecordID(r, "Session")
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	a := s.kit.Who(r)
	sess, notes, err := s.proc.SessionNotes(r.Context(), a, id, "")
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	loc, zone := webkit.PracticeZone(r.Context(), s.kit)
	page.Session, page.Zone = sess, zone
	page.What = journey.SessionTypeName(sess.Type) + ", " + sess.Start.In(loc).Format("Monday, January 2, 2006, 3:04 PM")
	hasProgress := false
	for _, n := range notes {
		hasProgress = hasProgress || n.Kind == journey.NoteProgress
		page.Notes = append(page.Notes, s.noteView(r.Context(), a, n, loc))
	}
	if !hasProgress {
		_, page.Progress = journey.NoteTemplate(journey.NoteProgress, sess.Type)
	}
	_, page.Process = journey.NoteTemplate(journey.NotePsychotherapy, sess.Type)
	if page.Errors == nil {
		page.Errors = map[string]string{}
	}
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, status, "staff_notes", page)
}

// noteView dresses note n; its addenda are read through processing (the
// list carries none), audited as the note's read.
func (s *Handler) noteView(ctx context.Context, a *journey.Actor, n *journey.Note, loc *time.Location) NoteView {
	v := NoteView{Note: n, Mine: n.AuthorID == a.ID(), FormName: fmt.Sprintf("note-%d", n.ID), Title: "Progress note"}
	if n.Kind == journey.NotePsychotherapy {
		v.Title = "Psychotherapy notes (yours alone)"
	}
	if full, err := s.proc.Note(ctx, a, n.ID, " on the session's notes"); err == nil {
		n = full
	}
	_, tmpl := journey.NoteTemplate(n.Kind, n.Template)
	for _, f := range tmpl {
		v.Fields = append(v.Fields, NoteFieldView{NoteField: f, Text: n.Fields[f.Key]})
	}
	if !n.SignedAt.IsZero() {
		v.Signed = n.SignedAt.In(loc).Format("Mon Jan 2, 2006, 3:04 PM")
	}
	for _, ad := range n.Addenda {
		v.Addenda = append(v.Addenda, AddendumView{Text: ad.Text, At: ad.At.In(loc).Format("Mon Jan 2, 3:04 PM"), Mine: ad.AuthorID == a.ID()})
	}
	return v
}

// notesPost reads the form, runs do, and goes back to the session's notes
// with done, or redraws them with what was wrong beside form's fields.
func (s *Handler) notesPost(w http.ResponseWriter, r *http.Request, form func(id int64) string, done string,
	do func(a *journey.Actor, id int64, vals map[string]string) (session int64, err error)) {
	if err := r.ParseForm(); err != nil {
		s.kit.FormReadError(w, r, err)
		return
	}
	id, err := webkit.RecordID(r, "Record")
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	vals := map[string]string{}
	for k := range r.PostForm {
		vals[k] = r.PostFormValue(k)
	}
	session, err := do(s.kit.Who(r), id, vals)
	if err == nil {
		http.Redirect(w, r, fmt.Sprintf("/staff/sessions/%d/notes?done=%s#%s", session, done, form(id)), http.StatusSeeOther)
		return
	}
	page := &NotesPage{Form: form(id), Vals: vals, Errors: map[string]string{}}
	switch journey.ErrorCode(err) {
	case journey.EINVALID:
		page.Message = webkit.ShowFieldErrors(err, page.Errors, &page.ErrorList)
		for i := range page.ErrorList { // the page holds several forms: each field's id names its form
			page.ErrorList[i].Field = page.Form + "-" + page.ErrorList[i].Field
		}
	case journey.ECONFLICT, journey.EFORBIDDEN:
		page.Message = journey.ErrorMessage(err)
	default:
		s.kit.PageError(w, r, err)
		return
	}
	if session == 0 {
		s.kit.PageError(w, r, err)
		return
	}
	r.SetPathValue("id", fmt.Sprint(session))
	s.renderNotes(w, r, s.kit.Status(err), page)
}

// fieldsOf reads the form's "fields.KEY" values.
func fieldsOf(vals map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range vals {
		if key, ok := strings.CutPrefix(k, "fields."); ok {
			out[key] = v
		}
	}
	return out
}

// HandleNoteCreate drafts a note of the kind posted on the session.
func (s *Handler) HandleNoteCreate(w http.ResponseWriter, r *http.Request) {
	kind := r.PostFormValue("kind")
	s.notesPost(w, r, func(int64) string { return "new-" + kind }, "created", func(a *journey.Actor, id int64, vals map[string]string) (int64, error) {
		return id, s.proc.CreateNote(r.Context(), a, id, &journey.Note{Kind: kind, Fields: fieldsOf(vals)}, "")
	})
}

// noteSessionOf returns the session of note id as the actor may read it,
// 0 when they may not (the refusal's page is then the error's own).
func (s *Handler) noteSessionOf(ctx context.Context, a *journey.Actor, id int64) int64 {
	n, err := s.proc.Note(ctx, a, id, " to change it")
	if err != nil {
		return 0
	}
	return n.SessionID
}

// HandleNoteSave saves a draft's headings, or signs it when the sign
// button was pressed (saved first, so nothing typed is lost).
func (s *Handler) HandleNoteSave(w http.ResponseWriter, r *http.Request) {
	done := "saved"
	if r.PostFormValue("sign") != "" {
		done = "signed"
	}
	s.notesPost(w, r, func(id int64) string { return fmt.Sprintf("note-%d", id) }, done, func(a *journey.Actor, id int64, vals map[string]string) (int64, error) {
		n, err := s.proc.UpdateNote(r.Context(), a, id, fieldsOf(vals), "")
		if err != nil {
			return s.noteSessionOf(r.Context(), a, id), err
		}
		if done == "signed" {
			_, err = s.proc.SignNote(r.Context(), a, id, "")
		}
		return n.SessionID, err
	})
}

// HandleNoteAddendum adds an addendum to a signed note.
func (s *Handler) HandleNoteAddendum(w http.ResponseWriter, r *http.Request) {
	s.notesPost(w, r, func(id int64) string { return fmt.Sprintf("addendum-%d", id) }, "addendum", func(a *journey.Actor, id int64, vals map[string]string) (int64, error) {
		_, err := s.proc.AddAddendum(r.Context(), a, id, vals["text"], "")
		return s.noteSessionOf(r.Context(), a, id), err
	})
}

package api

import (
	"context"
	"net/http"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// NoteProcessing is the part of processing the clinical notes' calls use
// (processing/notes.go). A note the caller may not read, a psychotherapy
// note above all, is 404 whoever asks.
type NoteProcessing interface {
	CreateNote(ctx context.Context, a *journey.Actor, id int64, n *journey.Note, via string) error
	Note(ctx context.Context, a *journey.Actor, id int64, via string) (*journey.Note, error)
	UpdateNote(ctx context.Context, a *journey.Actor, id int64, fields map[string]string, via string) (*journey.Note, error)
	SignNote(ctx context.Context, a *journey.Actor, id int64, via string) (*journey.Note, error)
	AddAddendum(ctx context.Context, a *journey.Actor, id int64, text, via string) (*journey.Addendum, error)
	SessionNotes(ctx context.Context, a *journey.Actor, id int64, via string) (*journey.CareSession, []*journey.Note, error)
}

// noteBody is what POST /api/v1/sessions/{id}/notes and PUT
// /api/v1/notes/{id} read; client_id names a group's attendee.
type noteBody struct {
	Kind     string            `json:"kind"`
	ClientID int64             `json:"client_id"`
	Fields   map[string]string `json:"fields"`
}

// apiAddendum is an addendum as the API answers it.
type apiAddendum struct {
	ID       int64  `json:"id"`
	Text     string `json:"text"`
	AuthorID int64  `json:"author_id"`
	At       string `json:"at"`
}

// apiNote is a note as the API answers it.
type apiNote struct {
	ID        int64             `json:"id"`
	SessionID int64             `json:"session_id"`
	ClientID  int64             `json:"client_id"`
	Kind      string            `json:"kind"`
	Template  string            `json:"template"`
	Status    string            `json:"status"`
	Fields    map[string]string `json:"fields"`
	AuthorID  int64             `json:"author_id"`
	CreatedAt string            `json:"created_at"`
	UpdatedAt string            `json:"updated_at"`
	SignedAt  string            `json:"signed_at"`
	Addenda   []apiAddendum     `json:"addenda"`
}

func noteJSON(n *journey.Note) apiNote {
	out := apiNote{ID: n.ID, SessionID: n.SessionID, ClientID: n.ClientID, Kind: n.Kind, Template: n.Template, Status: n.Status,
		Fields: n.Fields, AuthorID: n.AuthorID, CreatedAt: timeOrEmpty(n.CreatedAt), UpdatedAt: timeOrEmpty(n.UpdatedAt),
		SignedAt: timeOrEmpty(n.SignedAt), Addenda: []apiAddendum{}}
	if out.Fields == nil {
		out.Fields = map[string]string{}
	}
	for _, a := range n.Addenda {
		out.Addenda = append(out.Addenda, addendumJSON(&a))
	}
	return out
}

func addendumJSON(a *journey.Addendum) apiAddendum {
	return apiAddendum{ID: a.ID, Text: a.Text, AuthorID: a.AuthorID, At: timeOrEmpty(a.At)}
}

// noteID returns the path's note {id}, or answers 404 and returns false.
func (s *Handler) noteID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := webkit.RecordID(r, "Note")
	if err != nil {
		s.kit.APIError(w, r, err)
		return 0, false
	}
	return id, true
}

// HandleNoteCreate drafts a note on the session: 201 with its id and
// status; 422 naming the wrong fields; 409 when the session has its
// progress note; 403 for who may see the session but write no notes.
func (s *Handler) HandleNoteCreate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.sessionID(w, r)
	if !ok {
		return
	}
	var b noteBody
	if !s.kit.DecodeJSON(w, r, &b) {
		return
	}
	n := &journey.Note{Kind: b.Kind, ClientID: b.ClientID, Fields: b.Fields}
	if err := s.proc.CreateNote(r.Context(), s.kit.Who(r), id, n, viaAPI); err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusCreated, noteJSON(n))
}

// HandleSessionNotes lists the session's notes the caller may read.
func (s *Handler) HandleSessionNotes(w http.ResponseWriter, r *http.Request) {
	id, ok := s.sessionID(w, r)
	if !ok {
		return
	}
	_, ns, err := s.proc.SessionNotes(r.Context(), s.kit.Who(r), id, viaAPI)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	out := make([]apiNote, len(ns))
	for i, n := range ns {
		out[i] = noteJSON(n)
	}
	webkit.WriteJSON(w, http.StatusOK, map[string]any{"notes": out})
}

// HandleNote answers one note with its addenda; 404 to anyone who may not
// read it.
func (s *Handler) HandleNote(w http.ResponseWriter, r *http.Request) {
	s.answerNote(w, r, http.StatusOK, func(a *journey.Actor, id int64) (*journey.Note, error) {
		return s.proc.Note(r.Context(), a, id, viaAPI)
	})
}

// HandleNoteUpdate replaces a draft's fields (its author); 409 once it is
// signed.
func (s *Handler) HandleNoteUpdate(w http.ResponseWriter, r *http.Request) {
	var b noteBody
	s.answerNote(w, r, http.StatusOK, func(a *journey.Actor, id int64) (*journey.Note, error) {
		if !s.kit.DecodeJSON(w, r, &b) {
			return nil, nil
		}
		return s.proc.UpdateNote(r.Context(), a, id, b.Fields, viaAPI)
	})
}

// HandleNoteSign signs and locks a draft (its author); 409 once signed,
// 422 naming the headings still empty.
func (s *Handler) HandleNoteSign(w http.ResponseWriter, r *http.Request) {
	s.answerNote(w, r, http.StatusOK, func(a *journey.Actor, id int64) (*journey.Note, error) {
		return s.proc.SignNote(r.Context(), a, id, viaAPI)
	})
}

// answerNote runs do on the path's note and answers the note with status;
// do returns (nil, nil) when it has answered itself.
func (s *Handler) answerNote(w http.ResponseWriter, r *http.Request, status int, do func(*journey.Actor, int64) (*journey.Note, error)) {
	id, ok := s.noteID(w, r)
	if !ok {
		return
	}
	n, err := do(s.kit.Who(r), id)
	switch {
	case err != nil:
		s.kit.APIError(w, r, err)
	case n != nil:
		webkit.WriteJSON(w, status, noteJSON(n))
	}
}

// HandleNoteAddendum adds an addendum to a signed note: 201; 409 on a
// draft.
func (s *Handler) HandleNoteAddendum(w http.ResponseWriter, r *http.Request) {
	id, ok := s.noteID(w, r)
	if !ok {
		return
	}
	var b struct {
		Text string `json:"text"`
	}
	if !s.kit.DecodeJSON(w, r, &b) {
		return
	}
	ad, err := s.proc.AddAddendum(r.Context(), s.kit.Who(r), id, b.Text, viaAPI)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusCreated, addendumJSON(ad))
}

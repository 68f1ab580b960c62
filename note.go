package journey

import (
	"context"
	"time"
)

// Clinical notes: one per session from its type's template, drafted, then
// signed and locked; a correction is an addendum. Psychotherapy notes (the
// therapist's own process notes) are kept apart: their author alone reads
// them, and they never reach the chart, an export, a bill or the API for
// anyone else.

// Note kinds and statuses.
const (
	NoteProgress      = "progress"
	NotePsychotherapy = "psychotherapy"

	NoteDraft  = "draft"
	NoteSigned = "signed"
)

// Note is a clinical note on a session.
type Note struct {
	ID        int64             `json:"id"`
	SessionID int64             `json:"session_id"`
	ClientID  int64             `json:"client_id"`
	Kind      string            `json:"kind"`
	Template  string            `json:"template"` // the session type whose template it follows; "psychotherapy" for process notes
	Fields    map[string]string `json:"fields"`   // sealed
	Status    string            `json:"status"`
	AuthorID  int64             `json:"author_id"`
	CreatedAt time.Time         `json:"created_at"`
	UpdatedAt time.Time         `json:"updated_at"`
	SignedAt  time.Time         `json:"signed_at,omitzero"`
	Addenda   []Addendum        `json:"addenda,omitempty"`
	// SessionType and SessionStart are the session's, filled on a read for
	// the page that lists notes.
	SessionType  string    `json:"-"`
	SessionStart time.Time `json:"-"`
}

// Addendum is a correction or addition to a signed note.
type Addendum struct {
	ID       int64     `json:"id"`
	Text     string    `json:"text"` // sealed
	AuthorID int64     `json:"author_id"`
	At       time.Time `json:"at"`
}

// NoteField is one heading of a note's template.
type NoteField struct {
	Key   string
	Label string
	Hint  string
	// ClientSees marks what the client reads in their portal once the note
	// is signed (B4: the preparation's goals and grounding and safety plan).
	ClientSees bool
}

// TemplatePsychotherapy is the template of a psychotherapy note, whatever
// the session.
const TemplatePsychotherapy = "psychotherapy"

// noteTemplates are the headings of each session type's note (B4, B6, B7).
var noteTemplates = map[string][]NoteField{
	TypePreparation: {
		{Key: "goals", Label: "Goals", Hint: "What the client hopes to work on in the medicine sessions.", ClientSees: true},
		{Key: "grounding", Label: "Grounding and safety practices", Hint: "The practices and the safety plan agreed for the sessions.", ClientSees: true},
		{Key: "expectations", Label: "What to expect", Hint: "What was explained about the medicine session."},
	},
	TypeMedicine: {
		{Key: "intention", Label: "Intention", Hint: "The client's intention for the session."},
		{Key: "course", Label: "Course of the session", Hint: "How the session went, from dose to discharge."},
		{Key: "interventions", Label: "Interventions", Hint: "What the team did and why."},
		{Key: "discharge_state", Label: "State at discharge", Hint: "How the client was when they left."},
	},
	TypeIntegration: {
		{Key: "insights", Label: "Insights", Hint: "What came up from the medicine session."},
		{Key: "meaning", Label: "Meaning", Hint: "What it means to the client."},
		{Key: "daily_life", Label: "Applying them to daily life", Hint: "The changes the client will try."},
	},
	TypePrescriberFollow: {
		{Key: "response", Label: "Response", Hint: "The response to treatment so far."},
		{Key: "side_effects", Label: "Side effects", Hint: "Any side effects, or none."},
		{Key: "dose_decision", Label: "Dose decision", Hint: "The dose for the rest of the series and why."},
	},
	TemplatePsychotherapy: {
		{Key: "process", Label: "Process notes", Hint: "Your own notes on the therapy: only you will ever read them."},
	},
}

// NoteTemplate returns the headings of a note of kind on a session of
// type sessionType: a group's note follows integration's; a psychotherapy
// note has its own single heading whatever the session.
func NoteTemplate(kind, sessionType string) (string, []NoteField) {
	if kind == NotePsychotherapy {
		return TemplatePsychotherapy, noteTemplates[TemplatePsychotherapy]
	}
	if sessionType == TypeIntegrationGroup {
		sessionType = TypeIntegration
	}
	return sessionType, noteTemplates[sessionType]
}

// MaxNoteField is the longest heading of a note, in characters.
const MaxNoteField = 8000

// CheckFields cleans n's fields and checks them against its template:
// every field known, none longer than MaxNoteField; EINVALID naming the
// wrong fields ("fields.goals") otherwise. Signing asks more (CheckSign).
func (n *Note) CheckFields() error {
	_, tmpl := NoteTemplate(n.Kind, n.Template)
	var v Validation
	if n.Kind != NoteProgress && n.Kind != NotePsychotherapy {
		v.Add("kind", "Choose progress or psychotherapy.")
		return v.Err()
	}
	clean := make(map[string]string, len(tmpl))
	for k, s := range n.Fields {
		if !hasNoteField(tmpl, k) {
			v.Add("fields."+k, "This note has no such heading.")
			continue
		}
		s = Paragraphs(s)
		checkText(&v, "fields."+k, s, 0, MaxNoteField)
		clean[k] = s
	}
	n.Fields = clean
	return v.Err()
}

// CheckSign reports what a note needs before it is signed: every heading
// of its template written; EINVALID naming each empty one.
func (n *Note) CheckSign() error {
	_, tmpl := NoteTemplate(n.Kind, n.Template)
	var v Validation
	for _, f := range tmpl {
		if n.Fields[f.Key] == "" {
			v.Add("fields."+f.Key, "Write "+f.Label+" before signing.")
		}
	}
	return v.Err()
}

func hasNoteField(tmpl []NoteField, key string) bool {
	for _, f := range tmpl {
		if f.Key == key {
			return true
		}
	}
	return false
}

// CheckAddendum returns an addendum's text as stored, or EINVALID on text
// empty or longer than MaxAddendum.
func CheckAddendum(text string) (string, error) {
	text = Paragraphs(text)
	var v Validation
	checkText(&v, "text", text, 1, MaxAddendum)
	return text, v.Err()
}

// NoteAuthorOf returns who is expected to write session s's note: its
// therapist, or its medical provider when it has no therapist (a
// prescriber follow-up).
func NoteAuthorOf(s *CareSession) int64 {
	if s.TherapistID != 0 {
		return s.TherapistID
	}
	return s.MedicalProviderID
}

// UnsignedAfter is how long after a session ends its note may wait
// unsigned before it shows on its author's Today.
const UnsignedAfter = 72 * time.Hour

// ClientPlan is what the client reads of their preparation in the portal:
// the goals and the grounding and safety plan of their latest signed
// preparation note (B4), by heading.
type ClientPlan struct {
	NoteID   int64
	SignedAt time.Time
	Fields   []ClientPlanField
}

// ClientPlanField is one heading the client reads.
type ClientPlanField struct {
	Label string
	Text  string
}

// NoteService is the store of notes. Every change runs in one
// transaction; a signed note never changes (ECONFLICT), only gains
// addenda.
type NoteService interface {
	// CreateNote stores n as a draft; ENOTFOUND when its session is gone,
	// ECONFLICT when the session already has a progress note for the
	// client, EINVALID naming the wrong fields.
	CreateNote(ctx context.Context, n *Note) error
	// FindNote returns note id with its addenda; ENOTFOUND when there is none.
	FindNote(ctx context.Context, id int64) (*Note, error)
	// FindSessionNotes returns session id's notes, progress notes and those
	// psychotherapy notes written by author (0: none), oldest first.
	FindSessionNotes(ctx context.Context, sessionID, author int64) ([]*Note, error)
	// UpdateNote replaces a draft's fields; ECONFLICT once it is signed.
	UpdateNote(ctx context.Context, id int64, fields map[string]string) (*Note, error)
	// SignNote signs and locks a draft; ECONFLICT once signed, EINVALID
	// naming the headings still empty.
	SignNote(ctx context.Context, id int64) (*Note, error)
	// CreateAddendum adds a to signed note noteID; ECONFLICT on a draft.
	CreateAddendum(ctx context.Context, noteID int64, a *Addendum) error
	// FindUnsignedSessions returns up to limit sessions of author's that
	// ended before `before` with no signed progress note, oldest first, and
	// how many there are.
	FindUnsignedSessions(ctx context.Context, author int64, before time.Time, limit int) ([]*CareSession, int, error)
	// FindClientPlan returns client id's latest signed preparation note;
	// ENOTFOUND when there is none.
	FindClientPlan(ctx context.Context, clientID int64) (*Note, error)
}

// SessionTypeName returns the default name of session type code ("Medicine
// session"), the code itself when it names none.
func SessionTypeName(code string) string {
	for _, t := range DefaultSessionTypes() {
		if t.Code == code {
			return t.Name
		}
	}
	return code
}

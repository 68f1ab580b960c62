package journey

import "time"

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
	Template  string            `json:"template"` // the session type whose template it follows
	Fields    map[string]string `json:"fields"`   // sealed
	Status    string            `json:"status"`
	AuthorID  int64             `json:"author_id"`
	CreatedAt time.Time         `json:"created_at"`
	UpdatedAt time.Time         `json:"updated_at"`
	SignedAt  time.Time         `json:"signed_at,omitzero"`
	Addenda   []Addendum        `json:"addenda,omitempty"`
}

// Addendum is a correction or addition to a signed note.
type Addendum struct {
	ID       int64     `json:"id"`
	Text     string    `json:"text"` // sealed
	AuthorID int64     `json:"author_id"`
	At       time.Time `json:"at"`
}

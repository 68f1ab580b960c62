package journey

import (
	"context"
	"time"
)

// After a medicine session: the morning-after check-in the client fills in
// their portal (the reminder's link opens it) and their private
// integration journal, each entry shared with their therapist only if
// they choose.

// FlagMorningSafety is the flag of a safety alert raised by a morning-after
// check-in whose safety answer was yes, as PHQ-9 item 9 raises one.
const FlagMorningSafety = "morning-after-safety"

// MorningCheckIn is the client's answers the morning after a medicine
// session. Answers are PHI, sealed.
type MorningCheckIn struct {
	ID        int64
	SessionID int64
	ClientID  int64
	Slept     string // well, some, poorly
	Nausea    string // none, mild, severe
	Headache  string // none, mild, severe
	Urinary   string // none, some: pain, urgency or blood passing water
	Distress  string // none, some, a lot
	Safety    string // yes, no: thoughts of harming themselves or of being better off dead
	Note      string
	AlertID   int64 // the safety alert it raised, 0 for none
	CreatedAt time.Time
}

// MorningChoices are each question's answers in order, with their words.
var MorningChoices = []MorningQuestion{
	{Field: "slept", Label: "How did you sleep last night?", Choices: []Choice{{"well", "Well"}, {"some", "Some, on and off"}, {"poorly", "Poorly or not at all"}}},
	{Field: "nausea", Label: "Any nausea or vomiting?", Choices: []Choice{{"none", "None"}, {"mild", "A little"}, {"severe", "A lot, or vomiting"}}},
	{Field: "headache", Label: "Any headache?", Choices: []Choice{{"none", "None"}, {"mild", "A little"}, {"severe", "A bad headache"}}},
	{Field: "urinary", Label: "Any pain, urgency or blood when passing water?", Choices: []Choice{{"none", "No"}, {"some", "Yes"}}},
	{Field: "distress", Label: "How distressed do you feel this morning?", Choices: []Choice{{"none", "Not at all"}, {"some", "Somewhat"}, {"a_lot", "Very"}}},
	{Field: "safety", Label: "Since the session, have you had thoughts of harming yourself, or that you would be better off dead?",
		Choices: []Choice{{"no", "No"}, {"yes", "Yes"}}},
}

// MorningQuestion is one question of the morning-after check-in.
type MorningQuestion struct {
	Field   string
	Label   string
	Choices []Choice
}

// Choice is one answer to a question: its value and words.
type Choice struct {
	Value string
	Label string
}

// MaxMorningNote is the longest note on a check-in, in characters.
const MaxMorningNote = 2000

// Answer returns the check-in's answer to field.
func (m *MorningCheckIn) Answer(field string) string {
	switch field {
	case "slept":
		return m.Slept
	case "nausea":
		return m.Nausea
	case "headache":
		return m.Headache
	case "urinary":
		return m.Urinary
	case "distress":
		return m.Distress
	case "safety":
		return m.Safety
	}
	return ""
}

// Validate cleans the note and checks every question is answered with one
// of its choices; EINVALID naming each one not.
func (m *MorningCheckIn) Validate() error {
	var v Validation
	for _, q := range MorningChoices {
		a := m.Answer(q.Field)
		ok := false
		for _, c := range q.Choices {
			ok = ok || c.Value == a
		}
		if !ok {
			v.Add(q.Field, "Choose one answer.")
		}
	}
	m.Note = Paragraphs(m.Note)
	checkText(&v, "note", m.Note, 0, MaxMorningNote)
	return v.Err()
}

// SafetyConcern reports whether the check-in's safety answer calls for
// the crisis resources and a safety alert.
func (m *MorningCheckIn) SafetyConcern() bool { return m.Safety == "yes" }

// MorningWindow is how long after a medicine session ends its
// morning-after check-in is open.
const MorningWindow = 72 * time.Hour

// JournalEntry is one entry of a client's integration journal: theirs
// alone unless they share it with their therapist.
type JournalEntry struct {
	ID        int64
	ClientID  int64
	Text      string // sealed
	Shared    bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// MaxJournalEntry is the longest entry, in characters.
const MaxJournalEntry = 20000

// CheckJournal returns an entry's text as stored, or EINVALID on text
// empty or too long.
func CheckJournal(text string) (string, error) {
	text = Paragraphs(text)
	var v Validation
	checkText(&v, "text", text, 1, MaxJournalEntry)
	return text, v.Err()
}

// AftercareService is the store of check-ins and journals.
type AftercareService interface {
	// CreateMorningCheckIn stores m for its session and, when its safety
	// answer calls for it, a safety alert with the care team's email, in
	// one transaction; ECONFLICT when the session has its check-in.
	CreateMorningCheckIn(ctx context.Context, m *MorningCheckIn) error
	// FindMorningCheckIns returns client id's check-ins, newest first.
	FindMorningCheckIns(ctx context.Context, clientID int64, limit int) ([]*MorningCheckIn, error)
	// FindMorningSession returns the client's latest medicine session
	// that ended in (after, before] and was not cancelled or missed;
	// ENOTFOUND when there is none.
	FindMorningSession(ctx context.Context, clientID int64, after, before time.Time) (*CareSession, error)
	// CreateJournalEntry stores e.
	CreateJournalEntry(ctx context.Context, e *JournalEntry) error
	// FindJournalEntry returns entry id; ENOTFOUND when there is none.
	FindJournalEntry(ctx context.Context, id int64) (*JournalEntry, error)
	// SetJournalShared shares entry id with the therapist or takes it back.
	SetJournalShared(ctx context.Context, id int64, shared bool) error
	// FindJournal returns client id's entries, newest first, only the
	// shared ones when sharedOnly.
	FindJournal(ctx context.Context, clientID int64, sharedOnly bool, limit int) ([]*JournalEntry, error)
}

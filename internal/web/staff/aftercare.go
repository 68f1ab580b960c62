package staff

import (
	"context"
	"net/http"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// After the medicine sessions (/staff/clients/{id}/aftercare): the
// client's morning-after check-ins, for their clinicians, and the journal
// entries they chose to share, for the therapists on their care team
// (anyone else sees that none are theirs to read).

// AftercareProcessing is what the page asks of processing.
type AftercareProcessing interface {
	MorningCheckIns(ctx context.Context, a *journey.Actor, id int64, via string) ([]*journey.MorningCheckIn, error)
	Journal(ctx context.Context, a *journey.Actor, id int64, via string) ([]*journey.JournalEntry, error)
}

// AftercarePage is a client's check-ins and shared journal entries.
type AftercarePage struct {
	ClientID    int64
	CheckIns    []MorningView
	Questions   []journey.MorningQuestion
	JournalOpen bool // the viewer may read what the client shares
	Journal     []JournalEntryView
}

// MorningView is one morning-after check-in in words.
type MorningView struct {
	At      string
	Answers []string // in the order of Questions
	Note    string
	Alert   bool
}

// JournalEntryView is one shared entry in words.
type JournalEntryView struct {
	At, Text string
}

func (*AftercarePage) PageTitle() string { return "After the sessions" }

// HandleAftercare shows a client's check-ins and shared journal entries.
func (s *Handler) HandleAftercare(w http.ResponseWriter, r *http.Request) {
	id, err := webkit.ClientID(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	a := s.kit.Who(r)
	ms, err := s.proc.MorningCheckIns(r.Context(), a, id, "")
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	loc, _ := webkit.PracticeZone(r.Context(), s.kit)
	page := &AftercarePage{ClientID: id, Questions: journey.MorningChoices}
	for _, m := range ms {
		v := MorningView{At: m.CreatedAt.In(loc).Format("Mon Jan 2, 3:04 PM"), Note: m.Note, Alert: m.AlertID != 0}
		for _, q := range journey.MorningChoices {
			v.Answers = append(v.Answers, choiceWords(q, m.Answer(q.Field)))
		}
		page.CheckIns = append(page.CheckIns, v)
	}
	es, err := s.proc.Journal(r.Context(), a, id, " on the aftercare page")
	switch {
	case err == nil:
		page.JournalOpen = true
		for _, e := range es {
			page.Journal = append(page.Journal, JournalEntryView{At: e.CreatedAt.In(loc).Format("Mon Jan 2, 2006"), Text: e.Text})
		}
	case journey.ErrorCode(err) != journey.ENOTFOUND:
		s.kit.PageError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusOK, "staff_aftercare", page)
}

func choiceWords(q journey.MorningQuestion, value string) string {
	for _, c := range q.Choices {
		if c.Value == value {
			return c.Label
		}
	}
	return value
}

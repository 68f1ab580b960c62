package processing

import (
	"context"
	"fmt"
	"time"

	"github.com/journey-kap/journey"
)

// After a medicine session: the morning-after check-in (the client fills
// it; a safety answer raises a safety alert as a PHQ-9 item 9 does and
// the page shows the crisis lines) and the client's integration journal
// (theirs; an entry they share, their care team's therapists read). Each
// method checks policy.go, calls the store and audits by id, never the
// answers or the text.

// AftercareStore is what the check-in and the journal read and change
// (sqldb's aftercare.go).
type AftercareStore interface {
	journey.AftercareService
}

// MorningForm is what the check-in page shows: the session it is about
// (nil when none ended in the last journey.MorningWindow) and the
// check-in already made for it, if any.
type MorningForm struct {
	Client  *journey.Client
	Session *journey.CareSession
	Done    *journey.MorningCheckIn
}

// aftercareClient returns client id when allowed says the actor may act on them;
// "not found" (audited as action) otherwise.
func (p *Processor) aftercareClient(ctx context.Context, a *journey.Actor, id int64, action string, allowed func(*journey.Client) bool) (*journey.Client, error) {
	c, err := p.store.FindClientByID(ctx, id)
	if err != nil && journey.ErrorCode(err) != journey.ENOTFOUND {
		return nil, err
	}
	if c == nil || !allowed(c) {
		return nil, p.denied(ctx, a, action, "client", id, "not theirs", "Client not found.")
	}
	return c, nil
}

// MorningCheckInForm returns client id's morning-after form as at now
// (policy.go CanCheckInMorning).
func (p *Processor) MorningCheckInForm(ctx context.Context, a *journey.Actor, id int64, now time.Time) (*MorningForm, error) {
	c, err := p.aftercareClient(ctx, a, id, "checkin.morning", a.CanCheckInMorning)
	if err != nil {
		return nil, err
	}
	f := &MorningForm{Client: c}
	s, err := p.store.FindMorningSession(ctx, c.ID, now.Add(-journey.MorningWindow), now)
	if journey.ErrorCode(err) == journey.ENOTFOUND {
		return f, nil
	}
	if err != nil {
		return nil, err
	}
	f.Session = s
	ms, err := p.store.FindMorningCheckIns(ctx, c.ID, 5)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		if m.SessionID == s.ID {
			f.Done = m
		}
	}
	return f, nil
}

// MorningCheckIn records the client's answers m about their latest
// medicine session (ended within journey.MorningWindow of now); a safety
// answer raises a safety alert, audited by its id. EINVALID naming the
// unanswered questions; ENOTFOUND when no session waits for a check-in;
// ECONFLICT when it was made.
func (p *Processor) MorningCheckIn(ctx context.Context, a *journey.Actor, id int64, m *journey.MorningCheckIn, now time.Time) error {
	f, err := p.MorningCheckInForm(ctx, a, id, now)
	if err != nil {
		return err
	}
	if f.Session == nil {
		return journey.Errorf(journey.ENOTFOUND, "There is no medicine session to check in about: the check-in opens after one.")
	}
	m.SessionID, m.ClientID = f.Session.ID, f.Client.ID
	err = p.store.CreateMorningCheckIn(ctx, m)
	detail := fmt.Sprintf("check-in %d", m.ID)
	if m.AlertID != 0 {
		detail += fmt.Sprintf(", safety alert %d", m.AlertID)
	}
	p.Audit(ctx, a, Entry{Action: "checkin.morning", SubjectType: "session", SubjectID: f.Session.ID, Outcome: outcome(err), Detail: detail + refusalOf(err)})
	return err
}

// MorningCheckIns returns client id's check-ins, newest first, for the
// client and their clinicians (policy.go CanReadMorningCheckIns), audited
// by their ids.
func (p *Processor) MorningCheckIns(ctx context.Context, a *journey.Actor, id int64, via string) ([]*journey.MorningCheckIn, error) {
	c, err := p.aftercareClient(ctx, a, id, "checkin.read", a.CanReadMorningCheckIns)
	if err != nil {
		return nil, err
	}
	ms, err := p.store.FindMorningCheckIns(ctx, c.ID, 20)
	if err != nil {
		return nil, err
	}
	p.Audit(ctx, a, Entry{Action: "checkin.read", SubjectType: "client", SubjectID: c.ID, Outcome: journey.AuditSuccess,
		Detail: IDList("morning check-ins", ms, func(m *journey.MorningCheckIn) int64 { return m.ID }) + via})
	return ms, nil
}

// AddJournalEntry adds an entry to client id's journal (the client only),
// shared with their therapist when they chose; EINVALID on text.
func (p *Processor) AddJournalEntry(ctx context.Context, a *journey.Actor, id int64, e *journey.JournalEntry) error {
	c, err := p.aftercareClient(ctx, a, id, "journal.add", a.CanWriteJournal)
	if err != nil {
		return err
	}
	e.ClientID = c.ID
	err = p.store.CreateJournalEntry(ctx, e)
	p.Audit(ctx, a, Entry{Action: "journal.add", SubjectType: "client", SubjectID: c.ID, Outcome: outcome(err),
		Detail: fmt.Sprintf("entry %d shared %t%s", e.ID, e.Shared, refusalOf(err))})
	return err
}

// ShareJournalEntry shares entry with the client's therapist, or takes it
// back (the client only; anyone else "not found").
func (p *Processor) ShareJournalEntry(ctx context.Context, a *journey.Actor, entry int64, shared bool) error {
	e, err := p.store.FindJournalEntry(ctx, entry)
	if journey.ErrorCode(err) == journey.ENOTFOUND {
		return p.denied(ctx, a, "journal.share", "journal", entry, "no such entry", "Entry not found.")
	}
	if err != nil {
		return err
	}
	if _, err := p.aftercareClient(ctx, a, e.ClientID, "journal.share", a.CanWriteJournal); err != nil {
		return journey.Errorf(journey.ENOTFOUND, "Entry not found.")
	}
	err = p.store.SetJournalShared(ctx, entry, shared)
	p.Audit(ctx, a, Entry{Action: "journal.share", SubjectType: "journal", SubjectID: entry, Outcome: outcome(err), Detail: fmt.Sprintf("shared %t", shared)})
	return err
}

// Journal returns client id's journal as the actor may read it: every
// entry for the client, the shared ones for a therapist on their care
// team (policy.go CanReadSharedJournal); "not found" for anyone else.
// Audited by the entries' ids.
func (p *Processor) Journal(ctx context.Context, a *journey.Actor, id int64, via string) ([]*journey.JournalEntry, error) {
	c, err := p.aftercareClient(ctx, a, id, "journal.read", func(c *journey.Client) bool { return a.IsClient(c) || a.CanReadSharedJournal(c) })
	if err != nil {
		return nil, err
	}
	es, err := p.store.FindJournal(ctx, c.ID, !a.IsClient(c), 200)
	if err != nil {
		return nil, err
	}
	out := es[:0]
	for _, e := range es {
		if a.CanReadJournalEntry(e, c) {
			out = append(out, e)
		}
	}
	p.Audit(ctx, a, Entry{Action: "journal.read", SubjectType: "client", SubjectID: c.ID, Outcome: journey.AuditSuccess,
		Detail: IDList("entries", out, func(e *journey.JournalEntry) int64 { return e.ID }) + via})
	return out, nil
}

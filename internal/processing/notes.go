package processing

import (
	"context"
	"fmt"
	"time"

	"github.com/journey-kap/journey"
)

// Clinical notes: write a note on a session from its template, change the
// draft, sign it, add an addendum, read it, list a session's; the
// sessions whose note waits unsigned; the client's plan from their signed
// preparation note. Each method checks policy.go's note rules: a note the
// actor may not read is "not found" (a psychotherapy note to everyone but
// its author, whoever asks and through whichever route), a note they read
// but may not change is EFORBIDDEN; every read, change and refusal is
// audited by the note's id, never its text.

// NoteStore is what the notes read and change (sqldb's note.go).
type NoteStore interface {
	journey.NoteService
}

// errNoNote is what anyone who may not read a note is told, so ids cannot
// be probed.
const errNoNote = "Note not found."

// noteSession returns session id and the client clientID of it (0: the
// session's own client) when the actor may write notes on it (policy.go
// CanWriteNote); a session they may not see, or a client not in it, is
// "not found", a session they see but may not write on EFORBIDDEN; each
// refusal audited as action.
func (p *Processor) noteSession(ctx context.Context, a *journey.Actor, id, clientID int64, action string) (*journey.CareSession, *journey.Client, error) {
	s, err := p.store.FindCareSession(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if clientID == 0 {
		clientID = s.ClientID
	}
	var c *journey.Client
	if clientID != 0 {
		if c, err = p.store.FindClientByID(ctx, clientID); err != nil && journey.ErrorCode(err) != journey.ENOTFOUND {
			return nil, nil, err
		}
	}
	if c == nil || !inSession(s, c.ID) || (!a.CanSeeSession(s, c) && !a.CanWriteNote(s, c)) {
		return nil, nil, p.denied(ctx, a, action, "session", id, "no session of theirs", "Session not found.")
	}
	if !a.CanWriteNote(s, c) {
		p.Audit(ctx, a, Entry{Action: action, SubjectType: "session", SubjectID: s.ID, Outcome: journey.AuditDenied, Detail: "clinical"})
		return nil, nil, journey.Errorf(journey.EFORBIDDEN, "Notes are the session's clinical record: only its clinicians write and read them.")
	}
	return s, c, nil
}

func inSession(s *journey.CareSession, clientID int64) bool {
	for _, id := range journey.SessionClients(s) {
		if id == clientID {
			return true
		}
	}
	return false
}

// CreateNote writes n (its Kind and Fields) as a draft on session id for
// the client n.ClientID (0: the session's client), authored by the actor;
// n comes back with its id, template and status. EINVALID naming the
// wrong fields; ECONFLICT when the session has a progress note for the
// client.
func (p *Processor) CreateNote(ctx context.Context, a *journey.Actor, id int64, n *journey.Note, via string) error {
	s, c, err := p.noteSession(ctx, a, id, n.ClientID, "note.create")
	if err != nil {
		return err
	}
	n.ID, n.SessionID, n.ClientID, n.AuthorID = 0, s.ID, c.ID, a.ID()
	err = p.store.CreateNote(ctx, n)
	p.Audit(ctx, a, Entry{Action: "note.create", SubjectType: "session", SubjectID: s.ID, Outcome: outcome(err),
		Detail: fmt.Sprintf("%s note %d%s%s", n.Kind, n.ID, refusalOf(err), via)})
	return err
}

// note returns note id and its session and client when the actor may read
// it; "not found" (audited as action) otherwise.
func (p *Processor) note(ctx context.Context, a *journey.Actor, id int64, action string) (*journey.Note, *journey.CareSession, *journey.Client, error) {
	n, err := p.store.FindNote(ctx, id)
	if journey.ErrorCode(err) == journey.ENOTFOUND {
		return nil, nil, nil, p.denied(ctx, a, action, "note", id, "no such note", errNoNote)
	}
	if err != nil {
		return nil, nil, nil, err
	}
	s, err := p.store.FindCareSession(ctx, n.SessionID)
	if err != nil {
		return nil, nil, nil, err
	}
	c, err := p.store.FindClientByID(ctx, n.ClientID)
	if err != nil {
		return nil, nil, nil, err
	}
	if !a.CanReadNote(n, s, c) {
		return nil, nil, nil, p.denied(ctx, a, action, "note", id, "not theirs to read", errNoNote)
	}
	return n, s, c, nil
}

// Note returns note id with its addenda as the actor may read it
// (policy.go CanReadNote), audited with via; "not found" otherwise.
func (p *Processor) Note(ctx context.Context, a *journey.Actor, id int64, via string) (*journey.Note, error) {
	n, _, _, err := p.note(ctx, a, id, "note.read")
	if err != nil {
		return nil, err
	}
	p.Audit(ctx, a, Entry{Action: "note.read", SubjectType: "note", SubjectID: n.ID, Outcome: journey.AuditSuccess, Detail: n.Kind + via})
	return n, nil
}

// editableNote returns note id when the actor may change it (policy.go
// CanEditNote): "not found" when they may not read it, EFORBIDDEN when
// they read it but did not write it; each refusal audited as action.
func (p *Processor) editableNote(ctx context.Context, a *journey.Actor, id int64, action string) (*journey.Note, error) {
	n, s, c, err := p.note(ctx, a, id, action)
	if err != nil {
		return nil, err
	}
	if !a.CanEditNote(n, s, c) {
		p.Audit(ctx, a, Entry{Action: action, SubjectType: "note", SubjectID: n.ID, Outcome: journey.AuditDenied, Detail: "not the author"})
		return nil, journey.Errorf(journey.EFORBIDDEN, "Only the note's author changes or signs it; add an addendum once it is signed.")
	}
	return n, nil
}

// UpdateNote replaces the fields of draft id (its author only) and
// returns it; ECONFLICT once it is signed, EINVALID naming the wrong
// fields.
func (p *Processor) UpdateNote(ctx context.Context, a *journey.Actor, id int64, fields map[string]string, via string) (*journey.Note, error) {
	if _, err := p.editableNote(ctx, a, id, "note.update"); err != nil {
		return nil, err
	}
	n, err := p.store.UpdateNote(ctx, id, fields)
	p.Audit(ctx, a, Entry{Action: "note.update", SubjectType: "note", SubjectID: id, Outcome: outcome(err), Detail: "draft" + refusalOf(err) + via})
	return n, err
}

// SignNote signs and locks draft id (its author only); ECONFLICT once
// signed, EINVALID naming the headings still empty.
func (p *Processor) SignNote(ctx context.Context, a *journey.Actor, id int64, via string) (*journey.Note, error) {
	if _, err := p.editableNote(ctx, a, id, "note.sign"); err != nil {
		return nil, err
	}
	n, err := p.store.SignNote(ctx, id)
	p.Audit(ctx, a, Entry{Action: "note.sign", SubjectType: "note", SubjectID: id, Outcome: outcome(err), Detail: "signed" + refusalOf(err) + via})
	return n, err
}

// AddAddendum adds text to signed note id (policy.go CanAddAddendum) under
// the actor's name; ECONFLICT on a draft, EINVALID on text.
func (p *Processor) AddAddendum(ctx context.Context, a *journey.Actor, id int64, text, via string) (*journey.Addendum, error) {
	n, s, c, err := p.note(ctx, a, id, "note.addendum")
	if err != nil {
		return nil, err
	}
	if !a.CanAddAddendum(n, s, c) {
		p.Audit(ctx, a, Entry{Action: "note.addendum", SubjectType: "note", SubjectID: id, Outcome: journey.AuditDenied, Detail: "role"})
		return nil, journey.Errorf(journey.EFORBIDDEN, "Only the session's clinicians add to its notes.")
	}
	ad := &journey.Addendum{Text: text, AuthorID: a.ID()}
	err = p.store.CreateAddendum(ctx, id, ad)
	p.Audit(ctx, a, Entry{Action: "note.addendum", SubjectType: "note", SubjectID: id, Outcome: outcome(err),
		Detail: fmt.Sprintf("addendum %d%s%s", ad.ID, refusalOf(err), via)})
	if err != nil {
		return nil, err
	}
	return ad, nil
}

// SessionNotes returns session id and the notes on it the actor may
// read: its progress notes and their own psychotherapy notes (never
// another's), for the session's clinicians (policy.go CanWriteNote); the
// list is audited by the notes' ids.
func (p *Processor) SessionNotes(ctx context.Context, a *journey.Actor, id int64, via string) (*journey.CareSession, []*journey.Note, error) {
	s, c, err := p.noteSession(ctx, a, id, 0, "note.list")
	if err != nil {
		return nil, nil, err
	}
	ns, err := p.store.FindSessionNotes(ctx, s.ID, a.ID())
	if err != nil {
		return nil, nil, err
	}
	out := ns[:0]
	for _, n := range ns { // the store's author filter, checked again by the rule
		if a.CanReadNote(n, s, c) {
			out = append(out, n)
		}
	}
	p.Audit(ctx, a, Entry{Action: "note.list", SubjectType: "session", SubjectID: s.ID, Outcome: journey.AuditSuccess,
		Detail: IDList("notes", out, func(n *journey.Note) int64 { return n.ID }) + via})
	return s, out, nil
}

// UnsignedNotes returns the actor's sessions that ended more than
// journey.UnsignedAfter before now with no signed progress note (up to
// limit, oldest first) and how many there are; none for a role that
// writes no notes.
func (p *Processor) UnsignedNotes(ctx context.Context, a *journey.Actor, now time.Time, limit int) ([]*journey.CareSession, int, error) {
	if (!a.Has(journey.RoleTherapist) && !a.Has(journey.RoleMedicalProvider)) || !a.Can(journey.PermSessionsWrite) {
		return nil, 0, nil
	}
	return p.store.FindUnsignedSessions(ctx, a.ID(), now.Add(-journey.UnsignedAfter), limit)
}

// ClientPlan returns what client id reads of their latest signed
// preparation note: the headings the template shows the client (the goals
// and the grounding and safety plan), for the client themselves and those
// who may read their record (policy.go CanSeeClientPlan); "not found"
// otherwise or when there is none. Audited by the note's id.
func (p *Processor) ClientPlan(ctx context.Context, a *journey.Actor, clientID int64, via string) (*journey.ClientPlan, error) {
	c, err := p.store.FindClientByID(ctx, clientID)
	if err != nil && journey.ErrorCode(err) != journey.ENOTFOUND {
		return nil, err
	}
	if c == nil || !a.CanSeeClientPlan(c) {
		return nil, p.denied(ctx, a, "note.plan", "client", clientID, "not theirs", "Client not found.")
	}
	n, err := p.store.FindClientPlan(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	plan := &journey.ClientPlan{NoteID: n.ID, SignedAt: n.SignedAt}
	_, tmpl := journey.NoteTemplate(n.Kind, n.Template)
	for _, f := range tmpl {
		if f.ClientSees {
			plan.Fields = append(plan.Fields, journey.ClientPlanField{Label: f.Label, Text: n.Fields[f.Key]})
		}
	}
	p.Audit(ctx, a, Entry{Action: "note.plan", SubjectType: "client", SubjectID: c.ID, Outcome: journey.AuditSuccess,
		Detail: fmt.Sprintf("preparation note %d%s", n.ID, via)})
	return plan, nil
}

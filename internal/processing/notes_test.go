package processing_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// Every way into a note, for every role: a psychotherapy note is its
// author's alone (everyone else, the medical provider and an admin
// included, is told "not found" on every read and change, and the
// session's list and the client's plan never carry it); a progress note
// is its session's clinicians' (chaperone, front desk, admin, the client
// and a therapist off the care team: not found), changed and signed by
// its author only, and once signed changed by no one; every refusal is
// audited.
func TestNoteRoleMatrix(t *testing.T) {
	p, db, c, client, now := sessionFixture(t)
	ctx := context.Background()
	author := actor(c.Therapist.ID, journey.RoleTherapist)
	doc := actor(c.Provider, journey.RoleMedicalProvider)
	others := map[string]*journey.Actor{
		"medical provider": doc,
		"other therapist":  actor(c.OtherTherapist.ID, journey.RoleTherapist),
		"chaperone":        actor(c.Chaperone, journey.RoleChaperone),
		"front desk":       actor(sqldbtest.Staff(t, db, "Dee Desk", journey.RoleFrontDesk), journey.RoleFrontDesk),
		"admin":            actor(sqldbtest.Staff(t, db, "Ada Admin", journey.RoleAdmin), journey.RoleAdmin),
		"client":           client,
	}
	r := &journey.SessionRequest{ClientID: c.Client.ID, Type: journey.TypePreparation, Start: ny(2027, 3, 8, 9, 0), Mode: journey.ModeRemote,
		TherapistID: c.Therapist.ID}
	s, err := p.BookSession(ctx, author, r, "")
	if err != nil {
		t.Fatal(err)
	}
	sqldbtest.SetTime(now, s.End.Add(time.Hour))
	pn := &journey.Note{Kind: journey.NotePsychotherapy, Fields: map[string]string{"process": "My own reactions."}}
	if err := p.CreateNote(ctx, author, s.ID, pn, ""); err != nil {
		t.Fatal(err)
	}
	prog := &journey.Note{Kind: journey.NoteProgress, Fields: map[string]string{"goals": "Sleep.", "grounding": "Breathing.", "expectations": "Two hours."}}
	if err := p.CreateNote(ctx, author, s.ID, prog, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := p.SignNote(ctx, author, prog.ID, ""); err != nil {
		t.Fatal(err)
	}
	// The author reads, changes, signs and adds to their own.
	if n, err := p.Note(ctx, author, pn.ID, ""); err != nil || n.Fields["process"] != "My own reactions." {
		t.Fatalf("author reads: %v", err)
	}
	if _, err := p.UpdateNote(ctx, author, pn.ID, map[string]string{"process": "Revised."}, ""); err != nil {
		t.Fatalf("author changes: %v", err)
	}
	for name, a := range others {
		for what, call := range map[string]func() error{
			"read":     func() error { _, err := p.Note(ctx, a, pn.ID, ""); return err },
			"update":   func() error { _, err := p.UpdateNote(ctx, a, pn.ID, map[string]string{"process": "x"}, ""); return err },
			"sign":     func() error { _, err := p.SignNote(ctx, a, pn.ID, ""); return err },
			"addendum": func() error { _, err := p.AddAddendum(ctx, a, pn.ID, "x", ""); return err },
		} {
			if err := call(); journey.ErrorCode(err) != journey.ENOTFOUND || journey.ErrorMessage(err) != "Note not found." {
				t.Errorf("%s: %s a psychotherapy note: %v", name, what, err)
			}
		}
		_, ns, err := p.SessionNotes(ctx, a, s.ID, "")
		for _, n := range ns {
			if n.Kind == journey.NotePsychotherapy {
				t.Errorf("%s lists the author's psychotherapy note", name)
			}
		}
		_, readErr := p.Note(ctx, a, prog.ID, "")
		switch name {
		case "medical provider":
			if err != nil || len(ns) != 1 || readErr != nil {
				t.Errorf("%s: list %v %d, read %v", name, err, len(ns), readErr)
			}
			if _, err := p.UpdateNote(ctx, a, prog.ID, map[string]string{"goals": "x"}, ""); journey.ErrorCode(err) != journey.EFORBIDDEN {
				t.Errorf("%s changes the author's note: %v", name, err)
			}
		default:
			if err == nil || journey.ErrorCode(readErr) != journey.ENOTFOUND {
				t.Errorf("%s: list %v, read %v", name, err, readErr)
			}
		}
		if name != "client" && name != "medical provider" {
			if _, err := p.ClientPlan(ctx, a, c.Client.ID, ""); err == nil {
				t.Errorf("%s reads the client's plan", name)
			}
		}
	}
	// The client reads the goals and the grounding plan, never the rest.
	plan, err := p.ClientPlan(ctx, client, c.Client.ID, "")
	if err != nil || len(plan.Fields) != 2 || plan.Fields[0].Text != "Sleep." || plan.Fields[1].Text != "Breathing." {
		t.Fatalf("client's plan: %v %+v", err, plan)
	}
	// Signed: no one changes it, an addendum carries its own author.
	if _, err := p.UpdateNote(ctx, author, prog.ID, map[string]string{"goals": "x"}, ""); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Errorf("update a signed note: %v", err)
	}
	if ad, err := p.AddAddendum(ctx, doc, prog.ID, "Reviewed.", ""); err != nil || ad.AuthorID != c.Provider {
		t.Errorf("addendum by the medical provider: %v", err)
	}
	denied := 0
	for _, e := range entries(t, db, "") {
		if strings.HasPrefix(e.Action, "note.") && e.Outcome == journey.AuditDenied {
			denied++
			if e.SubjectType == "note" && strings.Contains(e.Detail, "reactions") {
				t.Errorf("an audit entry carries the note's text: %+v", e)
			}
		}
	}
	if denied < len(others)*4 {
		t.Errorf("%d refusals audited, want at least %d", denied, len(others)*4)
	}
}

// The sessions whose note waits unsigned 72 hours after they end show on
// their therapist's Today list, never on a chaperone's.
func TestUnsignedNotesByRole(t *testing.T) {
	p, _, c, _, now := sessionFixture(t)
	ctx := context.Background()
	author := actor(c.Therapist.ID, journey.RoleTherapist)
	s, err := p.BookSession(ctx, author, &journey.SessionRequest{ClientID: c.Client.ID, Type: journey.TypeIntegration, Start: ny(2027, 3, 8, 9, 0),
		Mode: journey.ModeRemote, TherapistID: c.Therapist.ID}, "")
	if err != nil {
		t.Fatal(err)
	}
	sqldbtest.SetTime(now, s.Start.Add(5*time.Minute))
	if _, err := p.RunSession(ctx, author, s.ID, journey.ActionStart, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := p.RunSession(ctx, author, s.ID, journey.ActionComplete, ""); err != nil {
		t.Fatal(err)
	}
	later := s.End.Add(journey.UnsignedAfter + time.Minute)
	if ss, n, err := p.UnsignedNotes(ctx, author, later, 5); err != nil || n != 1 || ss[0].ID != s.ID {
		t.Errorf("therapist: %v %d", err, n)
	}
	if _, n, err := p.UnsignedNotes(ctx, actor(c.Chaperone, journey.RoleChaperone), later, 5); err != nil || n != 0 {
		t.Errorf("chaperone: %v %d", err, n)
	}
}

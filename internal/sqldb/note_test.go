package sqldb_test

import (
	"context"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// heldSession writes a completed session of type typ for c's client with
// c's therapist, ended at end.
func heldSession(t *testing.T, db *sqldb.DB, c *sqldbtest.Care, typ string, end time.Time) int64 {
	t.Helper()
	start := end.Add(-time.Hour)
	id := sqldbtest.RawSessions(t, db, c.Therapist.ID, []sqldbtest.RawSession{{ClientID: c.Client.ID, Type: typ, Mode: journey.ModeInPerson,
		Start: start, Minutes: 60, TherapistID: c.Therapist.ID}})[0]
	sqldbtest.SetSession(t, db, id, journey.SessionCompleted, 0, start)
	return id
}

func prepNote(c *sqldbtest.Care, session int64) *journey.Note {
	return &journey.Note{SessionID: session, ClientID: c.Client.ID, Kind: journey.NoteProgress, AuthorID: c.Therapist.ID,
		Fields: map[string]string{"goals": "Less rumination.", "grounding": "Box breathing; call Sam."}}
}

// A note is drafted from its session's template, changed, then signed and
// locked: no route through the store changes it afterwards (the update and
// the sign are refused, and the database's trigger refuses a plain UPDATE
// on both engines); a correction is an addendum, which a draft never
// takes.
func TestNoteSignedIsLocked(t *testing.T) {
	db, c, now := careFixture(t)
	ctx := context.Background()
	s := heldSession(t, db, c, journey.TypePreparation, *now)
	n := prepNote(c, s)
	n.Fields["mood"] = "x"
	if err := db.CreateNote(ctx, n); journey.ErrorCode(err) != journey.EINVALID || !hasField(err, "fields.mood") {
		t.Fatalf("a heading not in the template: %v %v", err, journey.ErrorFields(err))
	}
	n = prepNote(c, s)
	if err := db.CreateNote(ctx, n); err != nil || n.Template != journey.TypePreparation || n.Status != journey.NoteDraft {
		t.Fatalf("create: %v %+v", err, n)
	}
	if err := db.CreateNote(ctx, prepNote(c, s)); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Fatalf("a second progress note on the session: %v", err)
	}
	if err := db.CreateAddendum(ctx, n.ID, &journey.Addendum{Text: "Later.", AuthorID: c.Therapist.ID}); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Fatalf("an addendum on a draft: %v", err)
	}
	if _, err := db.SignNote(ctx, n.ID); journey.ErrorCode(err) != journey.EINVALID || !hasField(err, "fields.expectations") {
		t.Fatalf("sign with a heading empty: %v %v", err, journey.ErrorFields(err))
	}
	fields := map[string]string{"goals": "Less rumination.", "grounding": "Box breathing.", "expectations": "Lozenge, two hours."}
	if _, err := db.UpdateNote(ctx, n.ID, fields); err != nil {
		t.Fatal(err)
	}
	signed, err := db.SignNote(ctx, n.ID)
	if err != nil || signed.Status != journey.NoteSigned || signed.SignedAt.IsZero() {
		t.Fatalf("sign: %v %+v", err, signed)
	}
	if _, err := db.UpdateNote(ctx, n.ID, map[string]string{"goals": "Changed."}); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Errorf("update a signed note: %v", err)
	}
	if _, err := db.SignNote(ctx, n.ID); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Errorf("sign twice: %v", err)
	}
	if _, err := db.Write.ExecContext(ctx, db.Rebind(`UPDATE notes SET status = 'draft' WHERE id = ?`), n.ID); err == nil {
		t.Errorf("the database let a signed note's row change")
	}
	ad := &journey.Addendum{Text: "  The client called: the ride is Sam's sister.  ", AuthorID: c.Provider}
	if err := db.CreateAddendum(ctx, n.ID, ad); err != nil || ad.ID == 0 {
		t.Fatalf("addendum: %v", err)
	}
	got, err := db.FindNote(ctx, n.ID)
	if err != nil || got.Fields["goals"] != "Less rumination." || got.Status != journey.NoteSigned || len(got.Addenda) != 1 ||
		got.Addenda[0].Text != "The client called: the ride is Sam's sister." || got.Addenda[0].AuthorID != c.Provider {
		t.Fatalf("read back: %v %+v", err, got)
	}
	plan, err := db.FindClientPlan(ctx, c.Client.ID)
	if err != nil || plan.ID != n.ID {
		t.Errorf("client plan: %v %+v", err, plan)
	}
}

// A session's list holds its progress notes and only the asker's own
// psychotherapy notes.
func TestSessionNotesKeepPsychotherapyApart(t *testing.T) {
	db, c, now := careFixture(t)
	ctx := context.Background()
	s := heldSession(t, db, c, journey.TypeIntegration, *now)
	own := &journey.Note{SessionID: s, ClientID: c.Client.ID, Kind: journey.NotePsychotherapy, AuthorID: c.Therapist.ID,
		Fields: map[string]string{"process": "Countertransference."}}
	prog := &journey.Note{SessionID: s, ClientID: c.Client.ID, Kind: journey.NoteProgress, AuthorID: c.Therapist.ID,
		Fields: map[string]string{"insights": "Grief."}}
	for _, n := range []*journey.Note{own, prog} {
		if err := db.CreateNote(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	if own.Template != journey.TemplatePsychotherapy || prog.Template != journey.TypeIntegration {
		t.Errorf("templates %q %q", own.Template, prog.Template)
	}
	for _, tc := range []struct {
		author int64
		want   int
	}{{c.Therapist.ID, 2}, {c.Provider, 1}, {0, 1}} {
		ns, err := db.FindSessionNotes(ctx, s, tc.author)
		if err != nil || len(ns) != tc.want {
			t.Errorf("notes for %d: %v %d, want %d", tc.author, err, len(ns), tc.want)
		}
		for _, n := range ns {
			if n.Kind == journey.NotePsychotherapy && n.AuthorID != tc.author {
				t.Errorf("%d got another's psychotherapy note", tc.author)
			}
		}
	}
}

// A session with no signed progress note shows for its author once it
// ended more than 72 hours ago: not at 72 hours less a second, yes a
// second after; a signed note (not a draft, not a psychotherapy note)
// takes it off.
func TestUnsignedSessionsAfter72Hours(t *testing.T) {
	db, c, now := careFixture(t)
	ctx := context.Background()
	end := now.Add(-30 * 24 * time.Hour)
	s := heldSession(t, db, c, journey.TypeIntegration, end)
	count := func(at time.Time, who int64) int {
		t.Helper()
		ss, n, err := db.FindUnsignedSessions(ctx, who, at.Add(-journey.UnsignedAfter), 5)
		if err != nil || len(ss) != n {
			t.Fatalf("unsigned: %v %d %d", err, len(ss), n)
		}
		return n
	}
	if got := count(end.Add(journey.UnsignedAfter-time.Second), c.Therapist.ID); got != 0 {
		t.Errorf("before 72 h: %d", got)
	}
	if got := count(end.Add(journey.UnsignedAfter), c.Therapist.ID); got != 0 {
		t.Errorf("at 72 h: %d", got)
	}
	if got := count(end.Add(journey.UnsignedAfter+time.Second), c.Therapist.ID); got != 1 {
		t.Errorf("after 72 h: %d", got)
	}
	if got := count(*now, c.OtherTherapist.ID); got != 0 {
		t.Errorf("another therapist's Today: %d", got)
	}
	pn := &journey.Note{SessionID: s, ClientID: c.Client.ID, Kind: journey.NotePsychotherapy, AuthorID: c.Therapist.ID,
		Fields: map[string]string{"process": "x"}}
	n := &journey.Note{SessionID: s, ClientID: c.Client.ID, Kind: journey.NoteProgress, AuthorID: c.Therapist.ID,
		Fields: map[string]string{"insights": "a", "meaning": "b", "daily_life": "c"}}
	for _, x := range []*journey.Note{pn, n} {
		if err := db.CreateNote(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.SignNote(ctx, pn.ID); err != nil {
		t.Fatal(err)
	}
	if got := count(*now, c.Therapist.ID); got != 1 {
		t.Errorf("with a draft and a signed psychotherapy note: %d", got)
	}
	if _, err := db.SignNote(ctx, n.ID); err != nil {
		t.Fatal(err)
	}
	if got := count(*now, c.Therapist.ID); got != 0 {
		t.Errorf("signed: %d", got)
	}
}

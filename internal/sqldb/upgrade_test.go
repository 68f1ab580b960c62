package sqldb_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/measure"
	"github.com/journey-kap/journey/internal/screening"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// oldDB writes rows as releases before schema 0007 did: PHI sealed, clinical facts plain.
type oldDB struct {
	t  *testing.T
	db *sqldb.DB
}

func (o oldDB) seal(aad, s string) string {
	out, err := o.db.Keys.EncryptString(s, aad)
	if err != nil {
		o.t.Fatal(err)
	}
	return out
}

func (o oldDB) sealJSON(aad string, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		o.t.Fatal(err)
	}
	return o.seal(aad, string(b))
}

func (o oldDB) insert(query string, args ...any) int64 {
	o.t.Helper()
	var id int64
	if err := o.db.Write.QueryRow(o.db.Rebind(query+" RETURNING id"), args...).Scan(&id); err != nil {
		o.t.Fatalf("%s: %v", query, err)
	}
	return id
}

func (o oldDB) exec(query string, args ...any) {
	o.t.Helper()
	if _, err := o.db.Write.Exec(o.db.Rebind(query), args...); err != nil {
		o.t.Fatalf("%s: %v", query, err)
	}
}

func (o oldDB) client(name, email, status string, priority int, done, until int64, by int64) int64 {
	return o.insert(`INSERT INTO clients (name, email, email_key, phone, screening, priority, intake_done_at, cleared_until, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, o.seal("clients.name", name), o.seal("clients.email", email), o.db.Keys.Index("email", email),
		"", status, priority, done, until, by, time.Now().Unix())
}

func (o oldDB) response(clientID int64, code string, answers []int, by int64) int64 {
	q, _ := measure.Find(code)
	score, err := measure.Score(q, answers)
	if err != nil {
		o.t.Fatal(err)
	}
	return o.insert(`INSERT INTO responses (client_id, questionnaire, version, answers, result, administered_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		clientID, code, q.Version, o.sealJSON("responses.answers", answers), o.sealJSON("responses.result", score), by, time.Now().Unix())
}

func (o oldDB) clearance(clientID int64, decision string, by, until int64, message, reply string, replied int64) {
	o.insert(`INSERT INTO clearances (client_id, decision, provider_id, cleared_until, reason, message, override, override_reason,
		rule_set_version, findings, reply, replied_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)`,
		clientID, decision, by, until, o.seal("clearances.reason", ""), o.seal("clearances.message", message), false,
		o.seal("clearances.override_reason", ""), o.sealJSON("clearances.findings", []journey.Finding{}), o.seal("clearances.reply", reply),
		replied, time.Now().Unix())
}

// A database written before schema 0007, its clinical facts in plain columns,
// is sealed on upgrade, even when a first upgrade stopped half-way: every
// fact is gone from the raw tables, and reads back unchanged.
func TestUpgradeSealsPlainFacts(t *testing.T) {
	ctx := context.Background()
	dsn, mk := sqldbtest.DSN(t), sqldbtest.MasterKeys(t)
	db, err := sqldb.OpenAtVersion(ctx, dsn, 6, mk)
	if err != nil {
		t.Fatal(err)
	}
	o := oldDB{t, db}
	o.exec(`INSERT INTO practice (id, name, time_zone) VALUES (1, 'Old Practice', 'America/New_York')`)
	// The therapist as a member of staff (today's CreateTherapist writes
	// columns this old schema does not have).
	ny := &journey.User{Kind: journey.UserStaff, Name: "Nora York", Email: "nora@practice.test", Roles: []string{journey.RoleTherapist}, Active: true}
	if err := db.CreateUser(ctx, ny, ""); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	done, until, replied := now.Add(-48*time.Hour), now.AddDate(0, 3, 0), now.Add(-24*time.Hour)
	rules, _ := json.Marshal(screening.Defaults().Rules)
	o.exec(`INSERT INTO screening_rule_sets (version, rules, created_at) VALUES (1, ?, ?)`, string(rules), now.Unix())

	// Ann awaits review with a hard stop, an open safety alert and an
	// answered question; Bob is cleared; Cy has only begun.
	ann := o.client("Ann Waiting", "ann@example.test", "awaiting_review", 0, done.Unix(), 0, ny.ID)
	bob := o.client("Bob Cleared", "bob@example.test", "cleared", 2, done.Unix(), until.Unix(), ny.ID)
	cy := o.client("Cy Begun", "cy@example.test", "incomplete", 3, 0, 0, ny.ID)
	in := sqldbtest.Intake("Ann Waiting", now)
	in.ClientID = ann
	for _, st := range journey.IntakeSteps {
		in.MarkDone(st.Code)
	}
	o.exec(`INSERT INTO intakes (client_id, data, steps, updated_at) VALUES (?, ?, ?, ?)`, ann, o.sealJSON("intakes.data", in),
		strings.Join(in.Done, ","), now.Unix())
	phq := o.response(ann, journey.QuestionnairePHQ9, []int{0, 0, 0, 0, 0, 0, 0, 0, 2}, ny.ID)
	o.response(ann, journey.QuestionnaireGAD7, sqldbtest.CleanAnswers[journey.QuestionnaireGAD7], ny.ID)
	hardStop := []journey.Finding{{Code: "pregnancy", Kind: journey.FindingHardStop, Detail: "Pregnant.", Source: "Label"}}
	missing := []string{"Intake: About you", "Questionnaire: PHQ-9"}
	o.exec(`INSERT INTO screenings (client_id, rule_set_version, findings, missing, created_at) VALUES (?, 1, ?, '[]', ?)`,
		ann, o.sealJSON("screenings.findings", hardStop), now.Unix())
	o.exec(`INSERT INTO screenings (client_id, rule_set_version, findings, missing, created_at) VALUES (?, 1, ?, ?, ?)`,
		cy, o.sealJSON("screenings.findings", []journey.Finding{}), jsonText(t, missing), now.Unix())
	o.exec(`INSERT INTO screenings (client_id, rule_set_version, findings, missing, created_at) VALUES (?, 1, ?, '[]', ?)`,
		bob, o.sealJSON("screenings.findings", []journey.Finding{}), now.Unix())
	o.clearance(ann, journey.DecisionNeedsInfo, ny.ID, 0, "Which week?", "Twelve.", replied.Unix())
	o.clearance(bob, journey.DecisionCleared, ny.ID, until.Unix(), "See you soon.", "", 0)
	o.insert(`INSERT INTO alerts (client_id, kind, flag, response_id, created_at, note) VALUES (?, 'suicidality', 'phq9-item9', ?, ?, '')`,
		ann, phq, now.Unix())
	if hits := rawHits(t, db, clinicalFacts); len(hits) < 10 {
		t.Fatalf("the old rows hold too few plain facts to test: %v", hits)
	}
	db.Close()

	// A first upgrade stops half-way through the data step.
	db, err = sqldb.OpenAtVersion(ctx, dsn, 7, mk)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SealSomeClinicalFacts(ctx); err != nil {
		t.Fatal(err)
	}
	db.Close()

	db = sqldbtest.OpenDSN(t, dsn, mk)
	if hits := rawHits(t, db, clinicalFacts); len(hits) > 0 {
		t.Errorf("plain clinical facts after the upgrade:\n%s", strings.Join(hits, "\n"))
	}
	assertSameLengths(t, db)
	if _, err := db.Read.Exec(`SELECT priority FROM clients`); err == nil {
		t.Error("clients.priority is still there")
	}

	clients := map[int64]journey.Client{
		ann: {Screening: journey.ScreeningAwaitingReview, Priority: 0, IntakeDone: done},
		bob: {Screening: journey.ScreeningCleared, Priority: 2, IntakeDone: done, ClearedTill: until},
		cy:  {Screening: journey.ScreeningIncomplete, Priority: 3},
	}
	for id, want := range clients {
		c, err := db.FindClientByID(ctx, id)
		if err != nil || c.Screening != want.Screening || c.Priority != want.Priority || !c.IntakeDone.Equal(want.IntakeDone) ||
			!c.ClearedTill.Equal(want.ClearedTill) {
			t.Errorf("client %d: %+v %v, want %+v", id, c, err, want)
		}
	}
	q, total, err := db.ReviewQueue(ctx, 0, 10)
	if err != nil || total != 1 || q[0].Client.ID != ann || !q[0].OpenAlert || len(q[0].Findings) != 1 || q[0].Findings[0].Code != "pregnancy" ||
		q[0].Client.Screening != journey.ScreeningAwaitingReview || q[0].Client.Priority != 0 || !q[0].Client.IntakeDone.Equal(done) ||
		q[0].Client.Name != "Ann Waiting" {
		t.Fatalf("queue: %d %+v %v", total, q, err)
	}
	if s, err := db.FindScreening(ctx, cy); err != nil || s.Status != journey.ScreeningIncomplete || !slices.Equal(s.Missing, missing) {
		t.Errorf("Cy's screening: %+v %v", s, err)
	}
	if cs, err := db.FindClearances(ctx, ann); err != nil || len(cs) != 1 || cs[0].Decision != journey.DecisionNeedsInfo ||
		cs[0].Message != "Which week?" || cs[0].Reply != "Twelve." || !cs[0].RepliedAt.Equal(replied) || cs[0].Reason != "" {
		t.Errorf("Ann's decisions: %+v %v", cs, err)
	}
	if cs, err := db.FindClearances(ctx, bob); err != nil || len(cs) != 1 || cs[0].Decision != journey.DecisionCleared ||
		!cs[0].ClearedUntil.Equal(until) || cs[0].Override || cs[0].Message != "See you soon." {
		t.Errorf("Bob's decisions: %+v %v", cs, err)
	}
	if as, err := db.FindAlerts(ctx, 0, ann, true, 10); err != nil || len(as) != 1 || as[0].Kind != journey.AlertSuicidality ||
		as[0].Flag != journey.FlagPHQ9Item9 || as[0].ResponseID != phq {
		t.Errorf("alerts: %+v %v", as, err)
	}
	if got, err := db.FindIntake(ctx, ann); err != nil || len(got.Done) != len(journey.IntakeSteps) || got.About.LegalName != "Ann Waiting" {
		t.Errorf("intake: %+v %v", got, err)
	}
	rs, err := db.LatestResponses(ctx, ann)
	if err != nil || len(rs) != 2 || rs[0].Questionnaire != journey.QuestionnaireGAD7 || rs[1].Questionnaire != journey.QuestionnairePHQ9 ||
		rs[1].Version != 1 || !slices.Equal(rs[1].Answers, []int{0, 0, 0, 0, 0, 0, 0, 0, 2}) || !slices.Contains(rs[1].Score.Flags, journey.FlagPHQ9Item9) {
		t.Fatalf("responses: %+v %v", rs, err)
	}
	// New responses group with the upgraded ones.
	r, _, err := db.CreateResponse(ctx, ann, journey.QuestionnairePHQ9, sqldbtest.CleanAnswers[journey.QuestionnairePHQ9], ny.ID)
	if err != nil {
		t.Fatal(err)
	}
	if rs, _ := db.LatestResponses(ctx, ann); len(rs) != 2 || rs[0].ID != r.ID {
		t.Errorf("latest after a new PHQ-9: %+v", rs)
	}
	if rs, _ := db.FindResponses(ctx, ann, journey.QuestionnairePHQ9, 10); len(rs) != 2 {
		t.Errorf("PHQ-9 responses: %d", len(rs))
	}
	// Bob's clearance, a sealed date now, still lapses.
	later := until.Add(time.Hour)
	db.Now = sqldbtest.FixedClock(&later)
	if n, err := db.Rescreen(ctx); err != nil || n != 1 {
		t.Fatalf("rescreen after Bob's clearance lapsed: %d %v", n, err)
	}
	// (Bob's made-up record has no intake: screened again, he is back at it.)
	if c, _ := db.FindClientByID(ctx, bob); c.Screening != journey.ScreeningIncomplete || !c.ClearedTill.IsZero() {
		t.Errorf("Bob after the lapse: %s until %v", c.Screening, c.ClearedTill)
	}
}

func jsonText(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

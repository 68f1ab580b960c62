package sqldb_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// clinicalFacts are the plain forms of the clinical facts the database
// must not show: questionnaire codes, safety flags and alert kinds,
// screening statuses and decisions, intake steps and what is missing.
var clinicalFacts = []string{
	journey.QuestionnairePHQ9, journey.QuestionnaireGAD7, journey.QuestionnairePCL5, journey.QuestionnaireCSSRS,
	journey.FlagPHQ9Item9, journey.FlagCSSRSHighRisk, "item9", journey.AlertSuicidality,
	journey.ScreeningIncomplete, journey.ScreeningAwaitingReview, journey.ScreeningCleared, journey.ScreeningDeclined, journey.ScreeningNeedsInfo,
	"Intake: ", "Questionnaire: ",
	// Every step but "medical", which the role medical_provider holds.
	journey.StepAbout, journey.StepEmergency, journey.StepGoals, journey.StepMentalHealth, journey.StepMedications,
	journey.StepSubstances, journey.StepPregnancy, journey.StepExperience,
}

// practiceTables hold the practice's own words (its profile, FAQ, staff
// bios, screening rules, consent documents), which name steps and
// questionnaires without saying anything about a client.
var practiceTables = []string{"practice", "faq_entries", "staff", "screening_rule_sets", "consent_documents"}

// rawHits reads every column of every table but practiceTables, as text,
// and searches each value, case-sensitively, for each of needles; it
// returns "table.column holds needle" for each hit.
func rawHits(t *testing.T, db *sqldb.DB, needles []string) []string {
	t.Helper()
	tablesQ := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	columnsQ := `SELECT name FROM pragma_table_info(?)`
	if db.Dialect == sqldb.Postgres {
		tablesQ = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
		columnsQ = `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`
	}
	values := func(q string, args ...any) []string {
		rows, err := db.Read.Query(q, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s *string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			if s != nil {
				out = append(out, *s)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	var hits []string
	searched := 0
	for _, tbl := range values(tablesQ) {
		if slices.Contains(practiceTables, tbl) {
			continue
		}
		for _, col := range values(columnsQ, tbl) {
			searched++
			vals := values(fmt.Sprintf(`SELECT CAST(%q AS TEXT) FROM %q`, col, tbl))
			for _, n := range needles {
				if k := len(slices.DeleteFunc(slices.Clone(vals), func(v string) bool { return !strings.Contains(v, n) })); k > 0 {
					hits = append(hits, fmt.Sprintf("%s.%s holds %q in %d row(s)", tbl, col, n, k))
				}
			}
		}
	}
	if searched < 100 {
		t.Fatalf("searched only %d columns", searched)
	}
	return hits
}

// paddedColumns hold sealed facts whose length would tell them (a status,
// a decision, a questionnaire, an alert's flag, whether a text is blank):
// every value of each must be as long as every other.
var paddedColumns = [][2]string{{"clients", "screening"}, {"responses", "questionnaire"}, {"responses", "answers"},
	{"clearances", "decision"}, {"clearances", "reason"}, {"clearances", "override_reason"}, {"clearances", "reply"}, {"alerts", "kind"}}

func assertSameLengths(t *testing.T, db *sqldb.DB) {
	t.Helper()
	for _, tc := range paddedColumns {
		var n, rows int
		q := fmt.Sprintf(`SELECT COUNT(DISTINCT LENGTH(%s)), COUNT(*) FROM %s`, tc[1], tc[0])
		if err := db.Read.QueryRow(q).Scan(&n, &rows); err != nil {
			t.Fatal(err)
		}
		if n != 1 || rows == 0 {
			t.Errorf("%s.%s: %d lengths among %d rows, want 1 among 1 or more", tc[0], tc[1], n, rows)
		}
	}
}

// The longest list of what is missing, everything, fits one padded width,
// so its length tells nothing of how far a client has got.
func TestMissingFitsItsPadding(t *testing.T) {
	b, _ := json.Marshal(sqldb.Missing(&journey.Intake{}, nil))
	if len(b) >= sqldb.PadList {
		t.Fatalf("everything missing is %d bytes of JSON, padded to %d", len(b), sqldb.PadList)
	}
}

// After a client's whole path (intake, every questionnaire with a PHQ-9
// item 9 answer, the safety alert and its acknowledgement, a question and
// its answer, a clearance with an override), beside a declined client and
// one still at intake, no raw column shows a clinical fact in plain text.
func TestClinicalFactsSealed(t *testing.T) {
	db, ny, _, now := fixture(t)
	ctx := context.Background()
	doc := &journey.User{Kind: journey.UserStaff, Name: "Dr Med", Email: "med@practice.test", Roles: []string{journey.RoleMedicalProvider}, Active: true}
	if err := db.CreateUser(ctx, doc, ""); err != nil {
		t.Fatal(err)
	}
	in := sqldbtest.Intake("Pat Path", *now)
	in.Pregnancy.Pregnant = journey.Yes // a hard stop
	cl, u := sqldbtest.Client(t, db, ny.ID, "Pat Path", "pat@example.test", in)
	_, alerts, err := db.CreateResponse(ctx, cl.ID, journey.QuestionnairePHQ9, []int{0, 0, 0, 0, 0, 0, 0, 0, 2}, u.ID)
	if err != nil || len(alerts) != 1 {
		t.Fatalf("alert: %v %v", alerts, err)
	}
	if q, _, _ := db.ReviewQueue(ctx, 0, 10); len(q) != 1 || q[0].Client.Priority != 0 || !q[0].OpenAlert {
		t.Fatalf("queue: %+v", q)
	}
	if err := db.AcknowledgeAlert(ctx, alerts[0].ID, ny.ID, "Called; safety plan made."); err != nil {
		t.Fatal(err)
	}
	if _, err := db.DecideClearance(ctx, &journey.Clearance{ClientID: cl.ID, Decision: journey.DecisionNeedsInfo, ProviderID: doc.ID,
		Message: "How far along?"}); err != nil {
		t.Fatal(err)
	}
	if err := db.ReplyToClearance(ctx, cl.ID, "Twelve weeks."); err != nil {
		t.Fatal(err)
	}
	until := now.AddDate(0, 6, 0)
	if _, err := db.DecideClearance(ctx, &journey.Clearance{ClientID: cl.ID, Decision: journey.DecisionCleared, ProviderID: doc.ID,
		ClearedUntil: until, Override: true, OverrideReason: "Obstetrician's letter on file.", Acknowledged: []string{"phq9_item9"}}); err != nil {
		t.Fatal(err)
	}
	other, _ := sqldbtest.Client(t, db, ny.ID, "Dee Clined", "dee@example.test", sqldbtest.Intake("Dee Clined", *now))
	if _, err := db.DecideClearance(ctx, &journey.Clearance{ClientID: other.ID, Decision: journey.DecisionDeclined, ProviderID: doc.ID,
		Reason: "Not suitable.", Message: "We cannot offer this."}); err != nil {
		t.Fatal(err)
	}
	fresh, fu := sqldbtest.Client(t, db, ny.ID, "Ina Take", "ina@example.test", nil)
	if _, err := db.SaveIntakeStep(ctx, fresh.ID, journey.StepAbout, sqldbtest.Intake("Ina Take", *now)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.CreateResponse(ctx, fresh.ID, journey.QuestionnaireCSSRS, []int{1, 1, 0, 0, 1, 0}, fu.ID); err != nil {
		t.Fatal(err)
	}

	// The service reads every fact back.
	for id, want := range map[int64]string{cl.ID: journey.ScreeningCleared, other.ID: journey.ScreeningDeclined, fresh.ID: journey.ScreeningIncomplete} {
		if s, err := db.FindScreening(ctx, id); err != nil || s.Status != want {
			t.Fatalf("client %d: %+v %v, want %s", id, s, err, want)
		}
	}
	if s, _ := db.FindScreening(ctx, fresh.ID); !slices.Contains(s.Missing, "Intake: Emergency contact") {
		t.Fatalf("missing: %v", s.Missing)
	}
	if as, err := db.FindAlerts(ctx, 0, 0, false, 10); err != nil || len(as) != 2 ||
		as[1].Kind != journey.AlertSuicidality || as[1].Flag != journey.FlagPHQ9Item9 || as[0].Flag != journey.FlagCSSRSHighRisk {
		t.Fatalf("alerts: %+v %v", as, err)
	}
	if cs, err := db.FindClearances(ctx, cl.ID); err != nil || len(cs) != 2 || cs[0].Decision != journey.DecisionCleared || !cs[0].Override ||
		!slices.Equal(cs[0].Acknowledged, []string{"phq9_item9"}) ||
		!cs[0].ClearedUntil.Equal(until) || cs[1].Reply != "Twelve weeks." || cs[1].RepliedAt.IsZero() || cs[1].Reason != "" {
		t.Fatalf("clearances: %+v %v", cs, err)
	}
	if rs, err := db.FindResponses(ctx, cl.ID, journey.QuestionnairePHQ9, 10); err != nil || len(rs) != 2 || rs[0].Questionnaire != journey.QuestionnairePHQ9 ||
		rs[0].Version != 1 || rs[0].Answers[8] != 2 {
		t.Fatalf("responses: %+v %v", rs, err)
	}

	if hits := rawHits(t, db, clinicalFacts); len(hits) > 0 {
		t.Errorf("plain clinical facts in the raw tables:\n%s", strings.Join(hits, "\n"))
	}
	assertSameLengths(t, db)
}

// The client list filters by screening status, sealed as it is: the
// queue's statuses through the plain review columns, the others by
// opening each state; totals and pages count only the matches.
func TestFindClientsByScreening(t *testing.T) {
	db, ny, la, now := fixture(t)
	ctx := context.Background()
	var waiting []int64
	for i := range 3 {
		name := fmt.Sprintf("Wai Ting%d", i)
		c, _ := sqldbtest.Client(t, db, ny.ID, name, fmt.Sprintf("w%d@example.test", i), sqldbtest.Intake(name, *now))
		waiting = append(waiting, c.ID)
	}
	var fresh []int64
	for i := range 3 {
		c, _ := sqldbtest.Client(t, db, la.ID, fmt.Sprintf("Fre Sh%d", i), fmt.Sprintf("f%d@example.test", i), nil)
		fresh = append(fresh, c.ID)
	}
	ids := func(f journey.ClientFilter) ([]int64, int) {
		cs, total, err := db.FindClients(ctx, f)
		if err != nil {
			t.Fatalf("%+v: %v", f, err)
		}
		var out []int64
		for _, c := range cs {
			if c.Screening != f.Screening {
				t.Errorf("%+v: client %d is %s", f, c.ID, c.Screening)
			}
			out = append(out, c.ID)
		}
		return out, total
	}
	rev := func(s []int64) []int64 { s = slices.Clone(s); slices.Reverse(s); return s }
	for _, tc := range []struct {
		f     journey.ClientFilter
		want  []int64
		total int
	}{
		{journey.ClientFilter{Screening: journey.ScreeningAwaitingReview}, rev(waiting), 3},
		{journey.ClientFilter{Screening: journey.ScreeningIncomplete}, rev(fresh), 3},
		{journey.ClientFilter{Screening: journey.ScreeningIncomplete, Offset: 1, Limit: 1}, []int64{fresh[1]}, 3},
		{journey.ClientFilter{Screening: journey.ScreeningIncomplete, Offset: 5}, nil, 3},
		{journey.ClientFilter{Screening: journey.ScreeningIncomplete, CareTeamMember: ny.ID}, nil, 0},
		{journey.ClientFilter{Screening: journey.ScreeningCleared}, nil, 0},
	} {
		if got, total := ids(tc.f); !slices.Equal(got, tc.want) || total != tc.total {
			t.Errorf("%+v: %v of %d, want %v of %d", tc.f, got, total, tc.want, tc.total)
		}
	}
}

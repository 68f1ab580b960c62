package sqldb_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

func findingCodes(s *journey.Screening) []string {
	var codes []string
	for _, f := range s.Findings {
		codes = append(codes, f.Code)
	}
	return codes
}

// A client comes from a held consult only, once; the invitation email
// carries a link that works once and makes a portal account.
func TestClientFromConsult(t *testing.T) {
	db, ny, _, now := fixture(t)
	ctx := context.Background()
	c, err := db.CreateConsult(ctx, booking(monday9, ny.ID, "ada@example.test"))
	if err != nil {
		t.Fatal(err)
	}
	n := &journey.NewClient{ConsultID: c.ID, Name: c.Name, Email: c.Email, TherapistID: ny.ID, CreatedBy: ny.ID}
	if _, err := db.CreateClient(ctx, n, "jy_inv_a"); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Fatalf("client from a booked consult: %v, want conflict", err)
	}
	sqldbtest.SetTime(now, monday9.Add(time.Hour))
	if _, err := db.SetConsultStatus(ctx, c.ID, journey.ConsultHeld); err != nil {
		t.Fatal(err)
	}
	cl, err := db.CreateClient(ctx, n, "jy_inv_a")
	if err != nil {
		t.Fatal(err)
	}
	if cl.TherapistID() != ny.ID || cl.Screening != journey.ScreeningIncomplete {
		t.Fatalf("client: %+v", cl)
	}
	if _, err := db.CreateClient(ctx, n, "jy_inv_b"); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Fatalf("second client from one consult: %v, want conflict", err)
	}
	msgs := outbox(t, db)
	if last := msgs[0]; last.To != c.Email || !strings.Contains(last.Text, "/portal/join/jy_inv_a") {
		t.Fatalf("invitation: to %s, %q", last.To, last.Text)
	}
	u, err := db.AcceptClientInvitation(ctx, "jy_inv_a", "hash")
	if err != nil || u.Kind != journey.UserClient || !u.HasRole(journey.RoleClient) {
		t.Fatalf("accept: %+v %v", u, err)
	}
	if _, err := db.AcceptClientInvitation(ctx, "jy_inv_a", "hash"); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Fatalf("second use: %v", err)
	}
	if got, err := db.FindClientByUserID(ctx, u.ID); err != nil || got.ID != cl.ID {
		t.Fatalf("client by user: %+v %v", got, err)
	}
}

// Saving steps moves the client from incomplete to awaiting review; each
// step keeps the others; the findings follow the answers and name the
// rule set's version.
func TestIntakeAndScreening(t *testing.T) {
	db, ny, _, now := fixture(t)
	ctx := context.Background()
	cl, u := sqldbtest.Client(t, db, ny.ID, "Ada Client", "ada.client@example.test", nil)
	in := sqldbtest.Intake("Ada Client", *now)
	if _, err := db.SaveIntakeStep(ctx, cl.ID, journey.StepAbout, in); err != nil {
		t.Fatal(err)
	}
	s, err := db.FindScreening(ctx, cl.ID)
	if err != nil || s.Status != journey.ScreeningIncomplete || len(s.Missing) != len(journey.IntakeSteps)-1+4 || s.RuleSetVersion != 1 {
		t.Fatalf("after one step: %+v %v", s, err)
	}
	// A bad value in one step is refused with the range, and saves nothing.
	bad := sqldbtest.Intake("Ada Client", *now)
	bad.Medical.WeightKG, bad.Medical.BPSystolic, bad.Medical.BPDiastolic = 5, 400, 20
	_, err = db.SaveIntakeStep(ctx, cl.ID, journey.StepMedical, bad)
	fields := map[string]string{}
	for _, f := range journey.ErrorFields(err) {
		fields[f.Field] = f.Detail
	}
	if !strings.Contains(fields["weight"], "30") || !strings.Contains(fields["bp_systolic"], "250") {
		t.Fatalf("impossible values: %v", fields)
	}
	young := sqldbtest.Intake("Ada Client", *now)
	young.About.DateOfBirth = now.AddDate(-17, 0, 0).Format(time.DateOnly)
	if _, err := db.SaveIntakeStep(ctx, cl.ID, journey.StepAbout, young); !strings.Contains(errText(err), "18") {
		t.Fatalf("age 17: %v", errText(err))
	}
	// The rest of the intake, with a pregnancy (hard stop) and alprazolam
	// 1 mg twice a day (40 mg diazepam-equivalent: review).
	in.Pregnancy.Pregnant = journey.Yes
	in.Medications.List = append(in.Medications.List, journey.Medication{Name: "Xanax", DoseMG: 1, PerDay: 2})
	for _, st := range journey.IntakeSteps[1:] {
		if _, err := db.SaveIntakeStep(ctx, cl.ID, st.Code, in); err != nil {
			t.Fatalf("%s: %v %v", st.Code, err, journey.ErrorFields(err))
		}
	}
	got, err := db.FindIntake(ctx, cl.ID)
	if err != nil || got.About.LegalName != "Ada Client" || !got.Complete() || len(got.Medications.List) != 2 {
		t.Fatalf("intake read back: %+v %v", got, err)
	}
	for code, answers := range sqldbtest.CleanAnswers {
		if _, _, err := db.CreateResponse(ctx, cl.ID, code, answers, u.ID); err != nil {
			t.Fatal(err)
		}
	}
	s, err = db.FindScreening(ctx, cl.ID)
	if err != nil || s.Status != journey.ScreeningAwaitingReview || len(s.Missing) != 0 {
		t.Fatalf("complete: %+v %v", s, err)
	}
	codes := findingCodes(s)
	if !slices.Contains(codes, "pregnancy") || !slices.Contains(codes, "benzodiazepine_high_dose") || s.Findings[0].Kind != journey.FindingHardStop {
		t.Fatalf("findings: %+v", s.Findings)
	}
	// An admin raises the benzodiazepine limit above 40: the finding goes,
	// and the evaluation names version 2.
	limit := 50.0
	rs, err := db.UpdateRuleSet(ctx, []journey.Rule{{Code: "benzodiazepine_high_dose", Kind: journey.FindingReview, Enabled: true, Threshold: &limit}}, "test", 0)
	if err != nil || rs.Version != 2 {
		t.Fatalf("update rules: %+v %v", rs, err)
	}
	s, _ = db.FindScreening(ctx, cl.ID)
	if slices.Contains(findingCodes(s), "benzodiazepine_high_dose") || s.RuleSetVersion != 2 {
		t.Fatalf("after the change: v%d %v", s.RuleSetVersion, findingCodes(s))
	}
	if sets, err := db.FindRuleSets(ctx); err != nil || len(sets) != 2 || sets[0].Note != "test" {
		t.Fatalf("rule sets: %v", err)
	}
}

func errText(err error) string {
	var b strings.Builder
	b.WriteString(journey.ErrorMessage(err))
	for _, f := range journey.ErrorFields(err) {
		b.WriteString(" " + f.Field + ": " + f.Detail)
	}
	return b.String()
}

// A PHQ-9 item 9 above 0 raises an alert in the same transaction, emails
// the therapist (without the client's name) and puts the client at the
// top of the queue until someone acknowledges it.
func TestSafetyAlert(t *testing.T) {
	db, ny, _, now := fixture(t)
	ctx := context.Background()
	first, _ := sqldbtest.Client(t, db, ny.ID, "First Client", "first@example.test", sqldbtest.Intake("First Client", *now))
	cl, u := sqldbtest.Client(t, db, ny.ID, "Bea Client", "bea@example.test", sqldbtest.Intake("Bea Client", *now))
	r, alerts, err := db.CreateResponse(ctx, cl.ID, journey.QuestionnairePHQ9, []int{0, 0, 0, 0, 0, 0, 0, 0, 1}, u.ID)
	if err != nil || len(alerts) != 1 || !r.HasSafetyFlag() || r.Score.Band != "minimal" {
		t.Fatalf("response: %+v %v %v", r, alerts, err)
	}
	m := outbox(t, db)[0]
	if m.To != ny.Email || !strings.Contains(m.Subject, "Urgent") || strings.Contains(m.Text, "Bea") {
		t.Fatalf("alert mail to %s: %q", m.To, m.Text)
	}
	queue, total, err := db.ReviewQueue(ctx, 0, 10)
	if err != nil || total != 2 || queue[0].Client.ID != cl.ID || queue[1].Client.ID != first.ID || !queue[0].OpenAlert || queue[1].OpenAlert {
		t.Fatalf("queue: %d %v", total, err)
	}
	open, err := db.FindAlerts(ctx, ny.ID, 0, true, 10)
	if err != nil || len(open) != 1 || open[0].ClientName != "Bea Client" {
		t.Fatalf("open alerts: %+v %v", open, err)
	}
	if err := db.AcknowledgeAlert(ctx, open[0].ID, ny.ID, ""); journey.ErrorCode(err) != journey.EINVALID {
		t.Fatalf("ack without a note: %v", err)
	}
	if err := db.AcknowledgeAlert(ctx, open[0].ID, ny.ID, "Called; safety plan made."); err != nil {
		t.Fatal(err)
	}
	if err := db.AcknowledgeAlert(ctx, open[0].ID, ny.ID, "again"); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Fatalf("second ack: %v", err)
	}
	a, err := db.FindAlert(ctx, open[0].ID)
	if err != nil || a.AcknowledgedBy != ny.ID || a.AcknowledgedAt.IsZero() || a.Note != "Called; safety plan made." {
		t.Fatalf("acknowledged: %+v %v", a, err)
	}
	// The phq9_item9 finding stays for the prescriber; the alert no longer
	// lifts the client above the first.
	queue, _, _ = db.ReviewQueue(ctx, 0, 10)
	if queue[0].OpenAlert || queue[1].OpenAlert {
		t.Fatal("an acknowledged alert still marks the queue")
	}
	if queue[0].Client.ID != first.ID && queue[0].Client.Priority == 0 {
		t.Fatalf("after acknowledging, priority %d", queue[0].Client.Priority)
	}
}

// Clearance: a hard stop needs an override; needs_info waits on the
// client's reply; the prescriber's reason never reaches the client's email.
func TestClearance(t *testing.T) {
	db, ny, _, now := fixture(t)
	ctx := context.Background()
	in := sqldbtest.Intake("Cal Client", *now)
	in.Medical.Conditions["stroke"] = journey.Yes
	cl, _ := sqldbtest.Client(t, db, ny.ID, "Cal Client", "cal@example.test", in)
	doc := &journey.User{Kind: journey.UserStaff, Name: "Dr Med", Email: "med@practice.test", Roles: []string{journey.RoleMedicalProvider}, Active: true}
	if err := db.CreateUser(ctx, doc, ""); err != nil {
		t.Fatal(err)
	}
	// A client who has saved nothing yet cannot be decided on.
	fresh, _ := sqldbtest.Client(t, db, ny.ID, "New Client", "new@example.test", nil)
	_, err := db.DecideClearance(ctx, &journey.Clearance{ClientID: fresh.ID, Decision: journey.DecisionCleared, ProviderID: doc.ID,
		ClearedUntil: now.AddDate(1, 0, 0)})
	if !strings.Contains(errText(err), "not finished intake") {
		t.Fatalf("deciding on a client with no intake: %v", errText(err))
	}
	until := now.AddDate(1, 0, 0)
	_, err = db.DecideClearance(ctx, &journey.Clearance{ClientID: cl.ID, Decision: journey.DecisionCleared, ProviderID: doc.ID, ClearedUntil: until})
	if !slices.ContainsFunc(journey.ErrorFields(err), func(f journey.FieldError) bool { return f.Field == "override" }) {
		t.Fatalf("clearing a hard stop without override: %v", errText(err))
	}
	ask, err := db.DecideClearance(ctx, &journey.Clearance{ClientID: cl.ID, Decision: journey.DecisionNeedsInfo, ProviderID: doc.ID,
		Message: "When was the stroke?", Reason: "SECRET-REASON"})
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := db.FindScreening(ctx, cl.ID); s.Status != journey.ScreeningNeedsInfo {
		t.Fatalf("status %s", s.Status)
	}
	if m := outbox(t, db)[0]; m.To != "cal@example.test" || strings.Contains(m.Text, "SECRET") || strings.Contains(m.Text, "stroke") {
		t.Fatalf("client email: %q", m.Text)
	}
	if err := db.ReplyToClearance(ctx, cl.ID, "In 2015, a minor one."); err != nil {
		t.Fatal(err)
	}
	if s, _ := db.FindScreening(ctx, cl.ID); s.Status != journey.ScreeningAwaitingReview {
		t.Fatalf("after the reply: %s", s.Status)
	}
	if err := db.ReplyToClearance(ctx, cl.ID, "again"); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Fatalf("reply with no open question: %v", err)
	}
	c, err := db.DecideClearance(ctx, &journey.Clearance{ClientID: cl.ID, Decision: journey.DecisionCleared, ProviderID: doc.ID,
		ClearedUntil: until, Override: true, OverrideReason: "Remote minor stroke; neurology letter on file."})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := db.FindScreening(ctx, cl.ID)
	if s.Status != journey.ScreeningCleared || s.ClearedUntil == nil || !s.ClearedUntil.Equal(until.Truncate(time.Second)) {
		t.Fatalf("cleared: %+v", s)
	}
	all, err := db.FindClearances(ctx, cl.ID)
	if err != nil || len(all) != 2 || all[0].ID != c.ID || all[1].ID != ask.ID || all[1].Reply != "In 2015, a minor one." ||
		all[1].Reason != "SECRET-REASON" || !all[0].Override || len(all[0].Findings) == 0 {
		t.Fatalf("decisions: %+v %v", all, err)
	}
	got, _ := db.FindClientByID(ctx, cl.ID)
	if !got.OnCareTeam(doc.ID) {
		t.Fatal("the deciding provider is not on the care team")
	}
	// The clearance lapses: the client is back in the queue.
	if _, total, _ := db.ReviewQueue(ctx, 0, 10); total != 0 {
		t.Fatalf("a cleared client in the queue: %d", total)
	}
	// The clearance rests on these answers: they are closed to changes
	// (TestIntakeClosedOnceDecided); a new finding the prescriber never saw
	// comes from a questionnaire or a rule change (journey.NewFindings).
	in.Pregnancy.Pregnant = journey.Yes
	if _, err := db.SaveIntakeStep(ctx, cl.ID, journey.StepPregnancy, in); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Fatalf("a cleared intake changed: %v", err)
	}
	sqldbtest.SetTime(now, until.Add(time.Hour))
	if s, _ := db.FindScreening(ctx, cl.ID); s.Status != journey.ScreeningAwaitingReview || s.ClearedUntil != nil {
		t.Fatalf("lapsed: %+v", s)
	}
	if n, err := db.Rescreen(ctx); err != nil || n != 1 {
		t.Fatalf("lapse: %d %v", n, err)
	}
	if q, total, err := db.ReviewQueue(ctx, 0, 10); err != nil || total != 1 || q[0].Client.ID != cl.ID {
		t.Fatalf("lapsed clearance not in the queue: %d %v", total, err)
	}
	if n, _ := db.Rescreen(ctx); n != 0 {
		t.Fatalf("second lapse: %d", n)
	}
}

// Consent: the typed name must match; a new version asks for a new
// signature; the signature keeps the version and hash signed.
func TestConsentSignatures(t *testing.T) {
	db, ny, _, now := fixture(t)
	ctx := context.Background()
	cl, _ := sqldbtest.Client(t, db, ny.ID, "Dee Client", "dee@example.test", sqldbtest.Intake("Dee Q. Client", *now))
	d := &journey.ConsentDocument{Code: journey.ConsentKAP, Title: "KAP consent", Body: "# KAP\n\nRisks.", Required: true}
	if err := db.CreateConsentDocument(ctx, d); err != nil || d.Version != 1 || len(d.Hash) != 64 {
		t.Fatalf("document: %+v %v", d, err)
	}
	if _, err := db.SignConsent(ctx, cl.ID, d.Code, "Someone Else", "203.0.113.5"); journey.ErrorCode(err) != journey.EINVALID {
		t.Fatalf("wrong name: %v", err)
	}
	s, err := db.SignConsent(ctx, cl.ID, d.Code, "  dee q.  client ", "203.0.113.5")
	if err != nil || s.Version != 1 || s.Hash != d.Hash {
		t.Fatalf("sign: %+v %v", s, err)
	}
	if _, err := db.SignConsent(ctx, cl.ID, d.Code, "Dee Q. Client", "203.0.113.5"); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Fatalf("sign twice: %v", err)
	}
	d2 := &journey.ConsentDocument{Code: journey.ConsentKAP, Title: "KAP consent", Body: "# KAP\n\nRisks, revised.", Required: true}
	if err := db.CreateConsentDocument(ctx, d2); err != nil || d2.Version != 2 || d2.Hash == d.Hash {
		t.Fatalf("version 2: %+v %v", d2, err)
	}
	// The documents keep the order they were first written in, whatever
	// their codes or later versions.
	if err := db.CreateConsentDocument(ctx, &journey.ConsentDocument{Code: "a-later-document", Title: "Later", Body: "x"}); err != nil {
		t.Fatal(err)
	}
	docs, _ := db.FindConsentDocuments(ctx)
	if len(docs) != 2 || docs[0].Version != 2 || docs[0].Code != journey.ConsentKAP || docs[1].Code != "a-later-document" {
		t.Fatalf("current documents: %+v", docs)
	}
	s2, err := db.SignConsent(ctx, cl.ID, d.Code, "Dee Q. Client", "203.0.113.6")
	if err != nil || s2.Version != 2 {
		t.Fatalf("sign v2: %+v %v", s2, err)
	}
	sigs, err := db.FindConsentSignatures(ctx, cl.ID)
	if err != nil || len(sigs) != 2 || sigs[1].ClientAddr != "203.0.113.5" || sigs[0].TypedName != "Dee Q. Client" {
		t.Fatalf("signatures: %+v %v", sigs, err)
	}
}

// Clinical records are encrypted like the rest: a marked client, intake,
// answers, decision, signature and alert note leave no trace in the raw
// database.
func TestClinicalRecordsEncrypted(t *testing.T) {
	db, ny, _, now := fixture(t)
	ctx := context.Background()
	name := "Eve " + phiMarker
	in := sqldbtest.Intake(name, *now)
	in.Goals.Story, in.Medications.List[0].Notes = "Story "+phiMarker, "note "+phiMarker
	cl, u := sqldbtest.Client(t, db, ny.ID, name, strings.ToLower(phiMarker)+"@example.test", in)
	_, alerts, err := db.CreateResponse(ctx, cl.ID, journey.QuestionnairePHQ9, []int{0, 0, 0, 0, 0, 0, 0, 0, 2}, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.AcknowledgeAlert(ctx, alerts[0].ID, ny.ID, "Called "+phiMarker); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateConsentDocument(ctx, &journey.ConsentDocument{Code: "kap", Title: "KAP", Body: "Body"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SignConsent(ctx, cl.ID, "kap", name, "198.51.100.7"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.DecideClearance(ctx, &journey.Clearance{ClientID: cl.ID, Decision: journey.DecisionNeedsInfo, ProviderID: ny.ID,
		Message: "Question " + phiMarker, Reason: "Reason " + phiMarker}); err != nil {
		t.Fatal(err)
	}
	if err := db.ReplyToClearance(ctx, cl.ID, "Reply "+phiMarker); err != nil {
		t.Fatal(err)
	}
	needles := []string{phiMarker, strings.ToLower(phiMarker), strings.ToUpper(phiMarker), "198.51.100.7"}
	if db.Dialect == sqldb.Postgres {
		assertNoPHIInTables(t, db, needles)
		return
	}
	if _, err := db.Write.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	assertNoPHIInFiles(t, strings.TrimSuffix(db.Path, "/"+lastPart(db.Path)), needles)
}

func lastPart(p string) string {
	i := strings.LastIndexByte(p, '/')
	return p[i+1:]
}

// Staff find clients by the words of their names, or their starts,
// through the blind index; the filter combines with the care team.
func TestFindClientsByName(t *testing.T) {
	db, ny, la, _ := fixture(t)
	ctx := context.Background()
	sqldbtest.Client(t, db, ny.ID, "Garcia Lopez", "gl@example.test", nil)
	sqldbtest.Client(t, db, ny.ID, "Maria Garcia", "mg@example.test", nil)
	sqldbtest.Client(t, db, la.ID, "Gareth Ng", "gn@example.test", nil)
	names := func(f journey.ClientFilter) []string {
		cs, total, err := db.FindClients(ctx, f)
		if err != nil || total != len(cs) {
			t.Fatalf("find %+v: %d of %d, %v", f, len(cs), total, err)
		}
		var out []string
		for _, c := range cs {
			out = append(out, c.Name)
		}
		slices.Sort(out)
		return out
	}
	for _, tc := range []struct {
		f    journey.ClientFilter
		want []string
	}{
		{journey.ClientFilter{Query: "garcia"}, []string{"Garcia Lopez", "Maria Garcia"}},
		{journey.ClientFilter{Query: "GAR"}, []string{"Garcia Lopez", "Gareth Ng", "Maria Garcia"}},
		{journey.ClientFilter{Query: "maria gar"}, []string{"Maria Garcia"}},
		{journey.ClientFilter{Query: "gar", CareTeamMember: la.ID}, []string{"Gareth Ng"}},
		{journey.ClientFilter{Query: "nobody"}, nil},
		{journey.ClientFilter{Query: "!!"}, nil},
	} {
		if got := names(tc.f); !slices.Equal(got, tc.want) {
			t.Errorf("%+v: %v, want %v", tc.f, got, tc.want)
		}
	}
}

// The latest response to each questionnaire is found however many of one
// kind came since.
func TestLatestResponses(t *testing.T) {
	db, ny, _, _ := fixture(t)
	ctx := context.Background()
	cl, u := sqldbtest.Client(t, db, ny.ID, "Vic Client", "vic@example.test", nil)
	if _, _, err := db.CreateResponse(ctx, cl.ID, journey.QuestionnairePCL5, sqldbtest.CleanAnswers[journey.QuestionnairePCL5], u.ID); err != nil {
		t.Fatal(err)
	}
	for i := range 120 {
		answers := []int{0, 0, 0, 0, 0, 0, 0, 0, 0}
		answers[i%8] = 1
		if _, _, err := db.CreateResponse(ctx, cl.ID, journey.QuestionnairePHQ9, answers, u.ID); err != nil {
			t.Fatal(err)
		}
	}
	rs, err := db.LatestResponses(ctx, cl.ID)
	if err != nil || len(rs) != 2 || rs[0].Questionnaire != journey.QuestionnairePHQ9 || rs[1].Questionnaire != journey.QuestionnairePCL5 {
		t.Fatalf("latest: %d %v", len(rs), err)
	}
	if s, _ := db.FindScreening(ctx, cl.ID); slices.Contains(s.Missing, "Questionnaire: PCL-5") {
		t.Fatal("an old PCL-5 counted as missing")
	}
}

// The store keeps a decided intake closed whoever asks (the portal, the
// API, an import): cleared or declined refuses a change with a conflict;
// a question from the provider, or a clearance that has lapsed, opens it.
func TestIntakeClosedOnceDecided(t *testing.T) {
	db, ny, _, now := fixture(t)
	ctx := context.Background()
	doc := &journey.User{Kind: journey.UserStaff, Name: "Dr Med", Email: "med@practice.test", Roles: []string{journey.RoleMedicalProvider}, Active: true}
	if err := db.CreateUser(ctx, doc, ""); err != nil {
		t.Fatal(err)
	}
	c, _ := sqldbtest.Client(t, db, ny.ID, "Kay Client", "kay@example.test", sqldbtest.Intake("Kay Client", *now))
	change := sqldbtest.Intake("Kay Client", *now)
	change.Emergency.Name = "Someone Else"
	save := func() error {
		_, err := db.SaveIntakeStep(ctx, c.ID, journey.StepEmergency, change)
		return err
	}
	decide := func(k journey.Clearance) {
		t.Helper()
		k.ClientID, k.ProviderID = c.ID, doc.ID
		if _, err := db.DecideClearance(ctx, &k); err != nil {
			t.Fatalf("%s: %v %v", k.Decision, err, journey.ErrorFields(err))
		}
	}
	decide(journey.Clearance{Decision: journey.DecisionNeedsInfo, Message: "Who else?"})
	if err := save(); err != nil {
		t.Fatalf("asked for more: %v", err)
	}
	decide(journey.Clearance{Decision: journey.DecisionCleared, ClearedUntil: now.AddDate(0, 1, 0)})
	if err := save(); journey.ErrorCode(err) != journey.ECONFLICT || !strings.Contains(journey.ErrorMessage(err), "contact the practice") {
		t.Fatalf("cleared: %v", err)
	}
	if _, err := db.SaveIntake(ctx, c.ID, change); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Fatalf("cleared, whole intake: %v", err)
	}
	sqldbtest.SetTime(now, now.AddDate(0, 2, 0)) // the clearance lapses: back in review
	if err := save(); err != nil {
		t.Fatalf("lapsed: %v", err)
	}
	decide(journey.Clearance{Decision: journey.DecisionDeclined, Reason: "x", Message: "Sorry."})
	if err := save(); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Fatalf("declined: %v", err)
	}
}

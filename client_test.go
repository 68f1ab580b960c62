package journey_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
)

// Record rules for clients: who may open a record, who may read the
// clinical part, who may submit a questionnaire for the client.
func TestClientRecordRules(t *testing.T) {
	c := &journey.Client{ID: 1, UserID: 50, CareTeam: []journey.CareMember{{UserID: 10, Role: journey.RoleTherapist}, {UserID: 12, Role: journey.RoleChaperone}}}
	mk := func(id int64, kind string, roles ...string) *journey.Actor {
		return &journey.Actor{User: &journey.User{ID: id, Kind: kind, Roles: roles, Active: true}, Verified: true}
	}
	self := mk(50, journey.UserClient, journey.RoleClient)
	other := mk(51, journey.UserClient, journey.RoleClient)
	team := mk(10, journey.UserStaff, journey.RoleTherapist)
	notTeam := mk(11, journey.UserStaff, journey.RoleTherapist)
	chaperone := mk(12, journey.UserStaff, journey.RoleChaperone)
	doc := mk(13, journey.UserStaff, journey.RoleMedicalProvider)
	desk := mk(14, journey.UserStaff, journey.RoleFrontDesk)
	admin := mk(15, journey.UserStaff, journey.RoleAdmin)
	cases := []struct {
		name                   string
		a                      *journey.Actor
		see, clinical, measure bool
	}{
		{"the client", self, true, false, true},
		{"another client", other, false, false, false},
		{"their therapist", team, true, true, true},
		{"another therapist", notTeam, false, false, false},
		{"a chaperone, even on the team", chaperone, false, false, false},
		{"a medical provider", doc, true, true, true},
		{"front desk", desk, true, false, false},
		{"an admin", admin, true, false, false},
		{"anonymous", nil, false, false, false},
	}
	for _, tc := range cases {
		if got := tc.a.CanSeeClient(c); got != tc.see {
			t.Errorf("%s sees the record: %v, want %v", tc.name, got, tc.see)
		}
		if got := tc.a.CanSeeClinical(c); got != tc.clinical {
			t.Errorf("%s reads clinical: %v, want %v", tc.name, got, tc.clinical)
		}
		if got := tc.a.CanAdminister(c); got != tc.measure {
			t.Errorf("%s submits a questionnaire: %v, want %v", tc.name, got, tc.measure)
		}
	}
	if notTeam.ClientScope() != 11 || desk.ClientScope() != 0 || doc.ClientScope() != 0 || self.ClientScope() != -1 {
		t.Error("client scopes")
	}
	if !doc.Can(journey.PermClearance) || team.Can(journey.PermClearance) || admin.Can(journey.PermClearance) {
		t.Error("only medical providers decide clearance")
	}
}

func TestIntakeValidation(t *testing.T) {
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	fields := func(in *journey.Intake, step string) map[string]string {
		m := map[string]string{}
		for _, f := range journey.ErrorFields(in.ValidateStep(step, 18, now)) {
			m[f.Field] = f.Detail
		}
		return m
	}
	about := &journey.Intake{About: journey.About{LegalName: "A B", DateOfBirth: "2008-11-30", Phone: "+15035550100", Address: "1", City: "P",
		State: "OR", PostalCode: "97205"}}
	if f := fields(about, journey.StepAbout); !strings.Contains(f["date_of_birth"], "18") {
		t.Errorf("a day short of 18: %v", f)
	}
	about.About.DateOfBirth = "2008-11-29"
	if f := fields(about, journey.StepAbout); len(f) != 0 {
		t.Errorf("18 today: %v", f)
	}
	for dob, want := range map[string]string{"2030-01-01": "in the past", "29/11/1990": "like 1985", "1880-01-01": "120", "": "Enter your date"} {
		about.About.DateOfBirth = dob
		if f := fields(about, journey.StepAbout); !strings.Contains(f["date_of_birth"], want) {
			t.Errorf("dob %q: %v, want %q", dob, f, want)
		}
	}
	no := journey.AnswerAll(journey.MedicalConditions, journey.No)
	med := &journey.Intake{Medical: journey.Medical{Conditions: no, Liver: "none", HeightCM: 170, WeightKG: 70}}
	cases := []struct {
		mutate func(m *journey.Medical)
		field  string
		want   string
	}{
		{func(m *journey.Medical) { m.WeightKG = 5 }, "weight", "between 30 and 350"},
		{func(m *journey.Medical) { m.WeightKG = 29.9 }, "weight", "between 30"},
		{func(m *journey.Medical) { m.HeightCM = 99 }, "height", "between 100 and 250"},
		{func(m *journey.Medical) { m.BPSystolic, m.BPDiastolic = 400, 20 }, "bp_systolic", "between 70 and 250"},
		{func(m *journey.Medical) { m.BPSystolic, m.BPDiastolic = 120, 20 }, "bp_diastolic", "between 40 and 150"},
		{func(m *journey.Medical) { m.BPSystolic, m.BPDiastolic = 90, 95 }, "bp_diastolic", "lower than the top"},
		{func(m *journey.Medical) { m.BPSystolic, m.BPDiastolic, m.BPDate = 120, 80, "2030-01-01" }, "bp_date", "within the last year"},
		{func(m *journey.Medical) { m.Liver = "" }, "liver", "Choose"},
		{func(m *journey.Medical) { delete(m.Conditions, "stroke") }, "cond_stroke", "Choose an answer"},
		{func(m *journey.Medical) { m.Conditions["stroke"] = "maybe" }, "cond_stroke", "yes, no or not sure"},
		{func(m *journey.Medical) { m.Conditions["made_up"] = journey.No }, "cond_made_up", "not a question"},
	}
	for _, tc := range cases {
		in := *med
		in.Medical.Conditions = map[string]string{}
		for k, v := range no {
			in.Medical.Conditions[k] = v
		}
		tc.mutate(&in.Medical)
		if f := fields(&in, journey.StepMedical); !strings.Contains(f[tc.field], tc.want) {
			t.Errorf("%s: %v, want %q", tc.field, f, tc.want)
		}
	}
	if f := fields(med, journey.StepMedical); len(f) != 0 {
		t.Errorf("valid medical step: %v", f)
	}
	meds := &journey.Intake{Medications: journey.Medications{List: []journey.Medication{{Name: "x", DoseMG: 0, PerDay: 1}}}}
	if f := fields(meds, journey.StepMedications); f["med_0_dose"] == "" {
		t.Errorf("zero dose: %v", f)
	}
	if f := fields(&journey.Intake{}, journey.StepMedications); f["none"] == "" {
		t.Errorf("no answer on medications: %v", f)
	}
}

// Every step has its section, and copying a step copies that section only.
func TestIntakeSections(t *testing.T) {
	from := &journey.Intake{About: journey.About{LegalName: "From"}, Goals: journey.Goals{Story: "From"}}
	for _, st := range journey.IntakeSteps {
		if (&journey.Intake{}).Section(st.Code) == nil {
			t.Errorf("step %s has no section", st.Code)
		}
	}
	if (&journey.Intake{}).Section("nope") != nil {
		t.Error("an unknown step has a section")
	}
	to := &journey.Intake{About: journey.About{LegalName: "To"}, Goals: journey.Goals{Story: "To"}}
	to.CopyStep(from, journey.StepAbout)
	if to.About.LegalName != "From" || to.Goals.Story != "To" {
		t.Errorf("copy about: %+v %+v", to.About, to.Goals)
	}
	if a, ok := to.Section(journey.StepAbout).(*journey.About); !ok || a != &to.About {
		t.Error("the about section is not in.About")
	}
}

func TestScreeningStatus(t *testing.T) {
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	missing := []string{"Questionnaire: PHQ-9"}
	cases := []struct {
		name    string
		missing []string
		last    *journey.Clearance
		want    string
	}{
		{"nothing done", missing, nil, journey.ScreeningIncomplete},
		{"all done", nil, nil, journey.ScreeningAwaitingReview},
		{"cleared", nil, &journey.Clearance{Decision: journey.DecisionCleared, ClearedUntil: now.AddDate(1, 0, 0)}, journey.ScreeningCleared},
		{"clearance lapsed", nil, &journey.Clearance{Decision: journey.DecisionCleared, ClearedUntil: now}, journey.ScreeningAwaitingReview},
		{"declined", nil, &journey.Clearance{Decision: journey.DecisionDeclined}, journey.ScreeningDeclined},
		{"question open", nil, &journey.Clearance{Decision: journey.DecisionNeedsInfo}, journey.ScreeningNeedsInfo},
		{"question answered", nil, &journey.Clearance{Decision: journey.DecisionNeedsInfo, RepliedAt: now}, journey.ScreeningAwaitingReview},
	}
	for _, tc := range cases {
		if got := journey.ScreeningStatus(tc.missing, nil, tc.last, now); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
	// A clearance stands for the findings the prescriber saw; a new hard
	// stop or review finding sends the client back; a new warning does not.
	seen := []journey.Finding{{Code: "benzodiazepine", Kind: journey.FindingWarn}, {Code: "stroke", Kind: journey.FindingHardStop}}
	cleared := &journey.Clearance{Decision: journey.DecisionCleared, ClearedUntil: now.AddDate(1, 0, 0), Findings: seen}
	for _, tc := range []struct {
		name     string
		findings []journey.Finding
		want     string
	}{
		{"same findings", seen, journey.ScreeningCleared},
		{"fewer findings", seen[:1], journey.ScreeningCleared},
		{"a new warning", append(slices.Clone(seen), journey.Finding{Code: "bladder", Kind: journey.FindingWarn}), journey.ScreeningCleared},
		{"a new hard stop", append(slices.Clone(seen), journey.Finding{Code: "pregnancy", Kind: journey.FindingHardStop}), journey.ScreeningAwaitingReview},
		{"a warning became a review", []journey.Finding{{Code: "benzodiazepine", Kind: journey.FindingReview}}, journey.ScreeningAwaitingReview},
	} {
		if got := journey.ScreeningStatus(nil, tc.findings, cleared, now); got != tc.want {
			t.Errorf("cleared, then %s: %s, want %s", tc.name, got, tc.want)
		}
	}
	// Clearing a hard stop needs an override and its reason.
	s := &journey.Screening{Status: journey.ScreeningAwaitingReview, Findings: []journey.Finding{{Code: "pregnancy", Kind: journey.FindingHardStop}}}
	c := &journey.Clearance{Decision: journey.DecisionCleared, ClearedUntil: now.AddDate(1, 0, 0)}
	if err := c.Validate(s, now); !strings.Contains(errFields(err), "override") {
		t.Errorf("hard stop without override: %v", errFields(err))
	}
	c.Override, c.OverrideReason = true, "short"
	if err := c.Validate(s, now); !strings.Contains(errFields(err), "override_reason") {
		t.Errorf("override without a real reason: %v", errFields(err))
	}
	c.OverrideReason = "Discussed with the obstetrician; not pregnant, test was wrong."
	if err := c.Validate(s, now); err != nil {
		t.Errorf("override with reason: %v", errFields(err))
	}
	if err := (&journey.Clearance{Decision: journey.DecisionDeclined, Reason: "x"}).Validate(s, now); !strings.Contains(errFields(err), "message") {
		t.Errorf("decline without a message to the client: %v", errFields(err))
	}
}

func errFields(err error) string {
	var b strings.Builder
	for _, f := range journey.ErrorFields(err) {
		b.WriteString(f.Field + ": " + f.Detail + "; ")
	}
	return b.String()
}

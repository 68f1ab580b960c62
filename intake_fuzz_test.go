package journey_test

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
)

// fuzzNow is the "now" intake dates are checked against.
var fuzzNow = time.Date(2030, 1, 2, 12, 0, 0, 0, time.UTC)

// validIntake answers every step acceptably.
func validIntake() *journey.Intake {
	return &journey.Intake{
		About: journey.About{LegalName: "Ada Client", DateOfBirth: "1985-04-23", Phone: "+12125550142",
			Address: "1 Test Street", City: "Portland", State: "OR", PostalCode: "97205"},
		Emergency:    journey.Emergency{Name: "Bea Sibling", Relationship: "sister", Phone: "+12125550143"},
		Goals:        journey.Goals{Reasons: []string{"depression", "other"}, Other: "sleep", Story: "Low mood."},
		MentalHealth: journey.MentalHealth{Conditions: journey.AnswerAll(journey.PsychiatricConditions, journey.No)},
		Medical: journey.Medical{Conditions: journey.AnswerAll(journey.MedicalConditions, journey.No), Liver: "none",
			HeightCM: 170, WeightKG: 70, BPSystolic: 120, BPDiastolic: 80, BPDate: "2029-12-20"},
		Medications: journey.Medications{List: []journey.Medication{{Name: "sertraline", DoseMG: 50, PerDay: 1}}},
		Substances:  journey.Substances{Cannabis: "none", SUDHistory: journey.Yes, AbstinentMonths: 14, NonMedicalKetamine: journey.No},
		Pregnancy:   journey.Pregnancy{Pregnant: journey.NotApplicable, Breastfeeding: journey.No, Planning: journey.No},
		Experience:  journey.Experience{PriorKetamine: journey.Yes, BadReaction: journey.No, Reactions: "none"},
	}
}

// FuzzIntakeStep: a step's JSON (as the API takes it) decodes, normalises
// and validates without a panic; normalising twice changes nothing; and a
// step that validates comes back equal from the JSON the database stores,
// with every number inside its range.
func FuzzIntakeStep(f *testing.F) {
	valid := validIntake()
	for i, st := range journey.IntakeSteps {
		b, err := json.Marshal(valid.Section(st.Code))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(i), b)
		f.Add(uint8(i), []byte(`{}`))
	}
	for _, s := range []struct {
		step uint8
		json string
	}{
		{0, `{"legal_name": "  <script>alert(1)</script>  ", "date_of_birth": "2029-13-40", "phone": "555"}`},
		{0, `{"legal_name": "Ada\u0000", "date_of_birth": "1900-01-01", "phone": "+12125550142", "address": "x", "city": "y", "state": "z", "postal_code": "1"}`},
		{1, `{"emergency_name": "Me", "emergency_relationship": "self", "emergency_phone": "+12125550142"}`},
		{2, `{"reasons": ["other", "depression", "depression"], "reason_other": "", "story": "` + strings.Repeat("é", 4001) + `"}`},
		{3, `{"conditions": {"psychosis": "yes", "not_asked": "no"}}`},
		{4, `{"conditions": {}, "liver": "none", "height_cm": 1e308, "weight_kg": -0, "bp_systolic": 120, "bp_diastolic": 121, "bp_date": "2031-01-01"}`},
		{4, `{"height_cm": 99.99999999, "weight_kg": 350.0000001, "bp_systolic": 9223372036854775807}`},
		{5, `{"none": true, "list": [{"name": "x", "dose_mg": 0.0001, "per_day": 0.5}]}`},
		{5, `{"list": [` + strings.TrimSuffix(strings.Repeat(`{"name": "a", "dose_mg": 1, "per_day": 1},`, 31), ",") + `]}`},
		{6, `{"drinks_per_week": -1, "cannabis": "daily", "sud_history": "yes", "abstinent_months": 1201}`},
		{7, `{"pregnant": "not-applicable", "breastfeeding": "", "planning": "maybe"}`},
		{8, `{"prior_ketamine": "no", "bad_reaction": "garbage"}`},
		{9, `{}`},
	} {
		f.Add(s.step, []byte(s.json))
	}
	f.Fuzz(func(t *testing.T, stepIndex uint8, data []byte) {
		step := "no-such-step"
		if int(stepIndex) < len(journey.IntakeSteps) {
			step = journey.IntakeSteps[stepIndex].Code
		}
		in := &journey.Intake{}
		if target := in.Section(step); target != nil {
			if json.Unmarshal(data, target) != nil {
				return
			}
		}
		in.Normalize()
		once, _ := json.Marshal(in)
		in.Normalize()
		if twice, _ := json.Marshal(in); string(once) != string(twice) {
			t.Fatalf("Normalize changed a normalised step %s:\n%s\n%s", step, once, twice)
		}
		err := in.ValidateStep(step, 18, fuzzNow)
		if err != nil {
			if journey.ErrorCode(err) != journey.EINVALID || len(journey.ErrorFields(err)) == 0 {
				t.Fatalf("ValidateStep(%s) = %v, want EINVALID naming fields", step, err)
			}
			for _, fe := range journey.ErrorFields(err) {
				if fe.Field == "" || fe.Detail == "" {
					t.Fatalf("ValidateStep(%s): a field error without field or detail: %+v", step, fe)
				}
			}
			return
		}
		if step == "no-such-step" {
			t.Fatal("an unknown step validated")
		}
		stored, err := json.Marshal(in)
		if err != nil {
			t.Fatalf("an accepted step %s cannot be stored: %v", step, err)
		}
		back := &journey.Intake{}
		if err := json.Unmarshal(stored, back); err != nil {
			t.Fatalf("an accepted step %s cannot be read back: %v", step, err)
		}
		if !reflect.DeepEqual(back.Section(step), in.Section(step)) {
			t.Fatalf("step %s read back differs:\nsaved %+v\nread  %+v", step, in.Section(step), back.Section(step))
		}
		checkRanges(t, in)
	})
}

// checkRanges fails when an accepted intake holds a number outside the
// ranges the intake promises.
func checkRanges(t *testing.T, in *journey.Intake) {
	t.Helper()
	out := func(x, lo, hi float64) bool { return math.IsNaN(x) || x < lo || x > hi }
	m := in.Medical
	if m.HeightCM != 0 && out(m.HeightCM, journey.MinHeightCM, journey.MaxHeightCM) ||
		m.WeightKG != 0 && out(m.WeightKG, journey.MinWeightKG, journey.MaxWeightKG) ||
		m.BPSystolic != 0 && out(float64(m.BPSystolic), journey.MinSystolic, journey.MaxSystolic) ||
		m.BPSystolic != 0 && out(float64(m.BPDiastolic), journey.MinDiastolic, float64(m.BPSystolic-1)) {
		t.Fatalf("accepted medical step out of range: %+v", m)
	}
	for _, md := range in.Medications.List {
		if out(md.DoseMG, 0, journey.MaxDoseMG) || md.DoseMG == 0 || out(md.PerDay, 0, journey.MaxDosesPerDay) || md.PerDay == 0 {
			t.Fatalf("accepted medication out of range: %+v", md)
		}
	}
	if s := in.Substances; out(float64(s.DrinksPerWeek), 0, journey.MaxDrinksPerWeek) {
		t.Fatalf("accepted substances out of range: %+v", s)
	}
}

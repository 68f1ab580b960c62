package journey_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
)

// opmHolidays are the US federal holidays as OPM publishes them for each
// year (opm.gov, "Federal Holidays"), written out by hand: a holiday on a
// Saturday is observed the Friday before, on a Sunday the Monday after.
// OPM lists New Year's Day 2028 (a Saturday) under 2028, observed Friday
// 31 December 2027.
var opmHolidays = map[int][]string{
	2025: {"2025-01-01", "2025-01-20", "2025-02-17", "2025-05-26", "2025-06-19", "2025-07-04",
		"2025-09-01", "2025-10-13", "2025-11-11", "2025-11-27", "2025-12-25"},
	2026: {"2026-01-01", "2026-01-19", "2026-02-16", "2026-05-25", "2026-06-19", "2026-07-03",
		"2026-09-07", "2026-10-12", "2026-11-11", "2026-11-26", "2026-12-25"},
	2027: {"2027-01-01", "2027-01-18", "2027-02-15", "2027-05-31", "2027-06-18", "2027-07-05",
		"2027-09-06", "2027-10-11", "2027-11-11", "2027-11-25", "2027-12-24"},
	2028: {"2027-12-31", "2028-01-17", "2028-02-21", "2028-05-29", "2028-06-19", "2028-07-04",
		"2028-09-04", "2028-10-09", "2028-11-10", "2028-11-23", "2028-12-25"},
}

func TestUSFederalHolidays(t *testing.T) {
	for year, want := range opmHolidays {
		got := journey.USFederalHolidays(year)
		if len(got) != len(want) {
			t.Fatalf("%d: %d holidays, want %d", year, len(got), len(want))
		}
		for i, h := range got {
			if d := h.Format(time.DateOnly); d != want[i] {
				t.Errorf("%d holiday %d: %s, want %s", year, i+1, d, want[i])
			}
			if h.Location() != time.UTC || h.Hour() != 0 {
				t.Errorf("%d holiday %d: %v, want midnight UTC", year, i+1, h)
			}
		}
	}
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestIsBusinessDay(t *testing.T) {
	for year, hs := range opmHolidays {
		for _, h := range hs {
			if journey.IsBusinessDay(day(h)) {
				t.Errorf("%d: %s is a holiday, IsBusinessDay says a business day", year, h)
			}
		}
	}
	la, _ := time.LoadLocation("America/Los_Angeles")
	for _, c := range []struct {
		at   time.Time
		want bool
	}{
		{day("2026-07-03"), false}, // 4 July on a Saturday, observed Friday
		{day("2026-07-04"), false}, // Saturday
		{day("2026-07-06"), true},
		{day("2027-12-24"), false}, // Christmas on a Saturday, observed Friday
		{day("2027-12-31"), false}, // New Year 2028 on a Saturday, observed Friday 31 December 2027
		{day("2027-12-30"), true},
		{day("2028-01-03"), true},
		{day("2027-06-18"), false}, // Juneteenth on a Saturday
		{day("2027-07-05"), false}, // 4 July on a Sunday, observed Monday
		{day("2026-03-02"), true},
		// The date is read in the time's own zone: 2 a.m. UTC on Friday
		// 4 July 2025 is still Thursday 3 July in Los Angeles.
		{time.Date(2025, 7, 4, 2, 0, 0, 0, time.UTC).In(la), true},
		{time.Date(2025, 7, 4, 2, 0, 0, 0, time.UTC), false},
	} {
		if got := journey.IsBusinessDay(c.at); got != c.want {
			t.Errorf("IsBusinessDay(%v) = %v, want %v", c.at, got, c.want)
		}
	}
}

func TestBusinessDays(t *testing.T) {
	if got := journey.AddBusinessDays(day("2027-12-23"), 1); got.Format(time.DateOnly) != "2027-12-27" {
		t.Errorf("a business day after Thursday 23 December 2027: %s, want Monday 27 (24 and 31 observed)", got.Format(time.DateOnly))
	}
	if got := journey.AddBusinessDays(day("2027-12-30"), 1); got.Format(time.DateOnly) != "2028-01-03" {
		t.Errorf("a business day after Thursday 30 December 2027: %s, want Monday 3 January 2028", got.Format(time.DateOnly))
	}
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"2026-03-02", "2026-03-05", 3}, // Monday to Thursday
		{"2026-03-05", "2026-03-02", 0},
		{"2026-03-02", "2026-03-02", 0},
		{"2027-01-15", "2027-01-21", 3}, // Friday over Martin Luther King Day
		{"2027-12-23", "2028-01-04", 6}, // 27–30 December and 3, 4 January: not 24 or 31
	} {
		if got := journey.BusinessDaysBetween(day(c.a), day(c.b)); got != c.want {
			t.Errorf("BusinessDaysBetween(%s, %s) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestEstimateDueBy(t *testing.T) {
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Fatal(err)
	}
	ny, _ := time.LoadLocation("America/New_York")
	at := func(loc *time.Location, s string) time.Time {
		t, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			panic(err)
		}
		return t
	}
	for _, c := range []struct {
		name            string
		loc             *time.Location
		booked, service time.Time
		due             string // "" no deadline; else the last day, in loc
	}{
		{"three business days ahead: by the end of the next", la, at(la, "2026-03-02 10:00"), at(la, "2026-03-05 09:00"), "2026-03-03"},
		{"two business days ahead: no deadline", la, at(la, "2026-03-02 10:00"), at(la, "2026-03-04 09:00"), ""},
		{"the same day: no deadline", la, at(la, "2026-03-02 10:00"), at(la, "2026-03-02 16:00"), ""},
		{"a service in the past: no deadline", la, at(la, "2026-03-02 10:00"), at(la, "2026-02-20 16:00"), ""},
		{"nine business days ahead: within one", la, at(la, "2027-03-01 10:00"), at(la, "2027-03-12 09:00"), "2027-03-02"},
		{"exactly ten business days ahead: within three", la, at(la, "2027-03-01 10:00"), at(la, "2027-03-15 09:00"), "2027-03-04"},
		{"months ahead: within three", la, at(la, "2027-03-01 10:00"), at(la, "2027-06-01 09:00"), "2027-03-04"},
		// Friday 15 January 2027, Monday 18 is Martin Luther King Day.
		{"Friday before a Monday holiday, 3 ahead", ny, at(ny, "2027-01-15 16:00"), at(ny, "2027-01-21 10:00"), "2027-01-19"},
		{"Friday before a Monday holiday, 2 ahead", ny, at(ny, "2027-01-15 16:00"), at(ny, "2027-01-20 10:00"), ""},
		{"Friday before a Monday holiday, 10 ahead", ny, at(ny, "2027-01-15 16:00"), at(ny, "2027-02-01 10:00"), "2027-01-21"},
		// Booked on a holiday or a weekend: the next business day is the first.
		{"booked on Christmas observed", ny, at(ny, "2027-12-24 11:00"), at(ny, "2027-12-30 10:00"), "2027-12-27"},
		{"booked on Saturday, 3 ahead", ny, at(ny, "2026-03-07 11:00"), at(ny, "2026-03-11 10:00"), "2026-03-09"},
		{"booked over New Year 2028 observed in 2027", ny, at(ny, "2027-12-30 09:00"), at(ny, "2028-01-14 09:00"), "2028-01-05"},
		{"booked the day before 4 July observed", ny, at(ny, "2026-07-02 09:00"), at(ny, "2026-07-08 09:00"), "2026-07-06"},
		// The practice's zone decides the day: 19:00 on Sunday 1 March in
		// Los Angeles is Monday 2 March in UTC.
		{"a Sunday evening in the practice's zone", la, at(la, "2026-03-01 19:00"), at(la, "2026-03-04 10:00"), "2026-03-02"},
		{"the same instants read in UTC", time.UTC, at(la, "2026-03-01 19:00"), at(la, "2026-03-04 10:00"), ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			due, ok := journey.EstimateDueBy(c.booked, c.service, c.loc)
			if c.due == "" {
				if ok {
					t.Fatalf("due %v, want no deadline", due)
				}
				return
			}
			if !ok {
				t.Fatalf("no deadline, want the end of %s", c.due)
			}
			want := at(c.loc, c.due+" 00:00").Add(24*time.Hour - time.Second)
			if !due.Equal(want) || due.Location() != c.loc {
				t.Errorf("due %v, want %v (the end of %s in %s)", due, want, c.due, c.loc)
			}
			if !due.After(c.booked) {
				t.Errorf("due %v is not after the booking %v", due, c.booked)
			}
		})
	}
}

func TestEstimateRequestDue(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	for _, c := range []struct {
		asked time.Time
		want  string
	}{
		{time.Date(2026, 3, 2, 9, 0, 0, 0, ny), "2026-03-05"},        // Monday → Thursday
		{time.Date(2026, 3, 5, 9, 0, 0, 0, ny), "2026-03-10"},        // Thursday → Tuesday
		{time.Date(2027, 12, 24, 9, 0, 0, 0, ny), "2027-12-29"},      // on Christmas observed
		{time.Date(2027, 12, 30, 9, 0, 0, 0, ny), "2028-01-05"},      // over New Year observed on the 31st
		{time.Date(2026, 3, 6, 3, 30, 0, 0, time.UTC), "2026-03-10"}, // Thursday evening in New York
	} {
		got := journey.EstimateRequestDue(c.asked, ny)
		want := time.Date(day(c.want).Year(), day(c.want).Month(), day(c.want).Day(), 23, 59, 59, 0, ny)
		if !got.Equal(want) {
			t.Errorf("asked %v: due %v, want %v", c.asked, got, want)
		}
	}
}

func TestDisputable(t *testing.T) {
	for _, c := range []struct {
		billed, estimated int64
		want              bool
	}{
		{139_999, 100_000, false},
		{140_000, 100_000, true},
		{140_001, 100_000, true},
		{39_999, 0, false},
		{40_000, 0, true},
		{50_000, 100_000, false},
	} {
		if got := journey.Disputable(c.billed, c.estimated); got != c.want {
			t.Errorf("Disputable(%d, %d) = %v, want %v", c.billed, c.estimated, got, c.want)
		}
	}
}

// gfeSchedule is a small fee schedule: the practice (1) bills
// psychotherapy and the medicine-session fee, the medical entity (2)
// prescriber visits and the medication.
func gfeSchedule() *journey.FeeSchedule {
	line := func(id int64, typ, ct string, entity int64, rule, code, desc string) *journey.FeeLine {
		return &journey.FeeLine{ID: id, SessionType: typ, Event: journey.EventCompleted, ChargeType: ct, EntityID: entity, Rule: rule,
			Code: code, Units: 1, Description: desc, Active: true}
	}
	return &journey.FeeSchedule{TelehealthModifier: "95", Lines: []*journey.FeeLine{
		line(1, journey.TypePreparation, journey.ChargePsychotherapy, 1, journey.RuleEvaluationThenTime, "", "Preparation"),
		line(2, journey.TypeMedicine, journey.ChargeMedicineSession, 1, journey.RulePerHour, "0820T", "Medicine session monitoring"),
		line(3, journey.TypeMedicine, journey.ChargeMedication, 2, journey.RuleFixed, "J3490", "Ketamine"),
		line(4, journey.TypeIntegration, journey.ChargePsychotherapy, 1, journey.RulePsychotherapyTime, "", "Integration"),
		line(5, journey.TypePrescriberFollow, journey.ChargePrescriber, 2, journey.RuleEMTime, "", "Prescriber visit"),
	}, Prices: []*journey.CodePrice{{Code: "90791", Cents: 250_00}, {Code: "90837", Cents: 210_00}, {Code: "0820T", Cents: 300_00},
		{Code: "J3490", Cents: 90_00}, {Code: "99203", Cents: 180_00}, {Code: "99213", Cents: 135_00}}}
}

func TestWorkOutEstimates(t *testing.T) {
	client := &journey.Client{ID: 7, CareTeam: []journey.CareMember{{UserID: 10, Role: journey.RoleTherapist}, {UserID: 20, Role: journey.RoleMedicalProvider}}}
	entities := []*journey.BillingEntity{{ID: 1, Kind: journey.EntityPractice, LegalName: "Practice LLC", TaxID: "12-3456789"},
		{ID: 2, Kind: journey.EntityMedical, LegalName: "Medical PC", TaxID: "98-7654321", NPI: "1234567893"}}
	clinicians := []*journey.BillingClinician{{UserID: 10, EntityID: 1, Name: "Tess Therapist", Credentials: "LCSW", NPI: "1245319599"},
		{UserID: 20, EntityID: 2, Name: "Max Medic", Credentials: "MD", NPI: "1679576722"}}
	// One preparation held: one more to go, then two initial doses, the
	// follow-up and four more doses, each dose with its integration.
	held := &journey.CareSession{ID: 1, ClientID: 7, Type: journey.TypePreparation, Status: journey.SessionCompleted, Start: planNow.AddDate(0, 0, -7)}
	plan := journey.WorkOutPlan(7, journey.DefaultPlan(), []*journey.CareSession{held}, journey.DefaultCareRules(), planNow, time.UTC)
	facts := journey.EstimateFacts{Client: client, Plan: plan, Sessions: []*journey.CareSession{held}, Types: journey.DefaultSessionTypes(),
		Schedule: gfeSchedule(), Entities: entities, Clinicians: clinicians, Diagnoses: []string{"F33.1"},
		FirstPsychotherapy: false, NewPatient: true, Now: planNow, Loc: time.UTC}

	summary := func(ests []*journey.Estimate) []string {
		var out []string
		for _, e := range ests {
			s := fmt.Sprintf("%d %s %d:", e.EntityID, e.ChargeType, e.TotalCents)
			for _, l := range e.Lines {
				s += fmt.Sprintf(" %s×%d=%d(%s %s)", l.Code, l.Quantity, l.TotalCents, l.ProviderName, l.ProviderNPI)
			}
			out = append(out, s)
		}
		return out
	}
	// Insured with the practice: its psychotherapy is not estimated, but
	// the medicine-session fee, never claimed, is; the medical entity has
	// no coverage on file, so it is self-pay.
	facts.Coverage = []*journey.Coverage{{ClientID: 7, EntityID: 1, Payer: journey.PayerInsurance}}
	got := summary(journey.WorkOutEstimates(facts))
	want := []string{
		"1 medicine-session 540000: 0820T×6=540000(Tess Therapist, LCSW 1245319599)",
		"2 prescriber 18000: 99203×1=18000(Max Medic, MD 1679576722)",
		"2 medication 54000: J3490×6=54000(Max Medic, MD 1679576722)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("insured with the practice:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Self-pay everywhere, no psychotherapy charged yet: the next
	// preparation is the evaluation, then six integrations of an hour.
	facts.Coverage, facts.FirstPsychotherapy = []*journey.Coverage{{ClientID: 7, EntityID: 1, Payer: journey.PayerSelfPay}}, true
	ests := journey.WorkOutEstimates(facts)
	got = summary(ests)
	if len(got) != 4 || got[0] != "1 psychotherapy 151000: 90791×1=25000(Tess Therapist, LCSW 1245319599) 90837×6=126000(Tess Therapist, LCSW 1245319599)" {
		t.Errorf("self-pay:\n%s", strings.Join(got, "\n"))
	}
	e := ests[0]
	if e.ServiceFrom != "2026-03-20" || e.ServiceTo != "2027-03-19" || e.Lines[0].FacilityName != "Practice LLC" || e.Lines[0].FacilityTIN != "12-3456789" ||
		strings.Join(e.Lines[0].Diagnoses, " ") != "F33.1" {
		t.Errorf("period %s–%s, line %+v", e.ServiceFrom, e.ServiceTo, e.Lines[0])
	}
	// Every step held: nothing is expected, so no estimate.
	var all []*journey.CareSession
	for _, st := range plan.Steps {
		all = append(all, &journey.CareSession{ID: int64(len(all) + 2), ClientID: 7, Type: st.Type, Status: journey.SessionCompleted, Start: planNow.AddDate(0, 0, -100+len(all))})
	}
	facts.Plan = journey.WorkOutPlan(7, journey.DefaultPlan(), all, journey.DefaultCareRules(), planNow, time.UTC)
	if got := journey.WorkOutEstimates(facts); len(got) != 0 {
		t.Errorf("every step held: %s", summary(got))
	}
}

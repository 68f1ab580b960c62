package journey_test

import (
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
)

// readyFacts are the facts of a client ready for their third dose, in a
// remote session at its start: every gate holds.
func readyFacts() journey.GateFacts {
	return journey.GateFacts{
		Now: planNow, Start: planNow.Add(time.Hour), Mode: journey.ModeRemote, Route: journey.RouteLozenge, AtStart: true,
		Screening: journey.ScreeningCleared, ClearedUntil: planNow.AddDate(0, 6, 0),
		Plan: journey.DefaultPlan(),
		Sessions: []*journey.CareSession{
			sess(1, journey.TypePreparation, -60, held), sess(2, journey.TypePreparation, -55, held),
			sess(3, journey.TypeMedicine, -30, held), sess(4, journey.TypeIntegration, -28, held),
		},
		LastPHQ9:     planNow.AddDate(0, 0, -2),
		Needs:        []string{journey.NeedTherapist, journey.NeedMedicalProvider, journey.NeedChaperone},
		Team:         map[string]int64{journey.NeedTherapist: 10, journey.NeedMedicalProvider: 11, journey.NeedChaperone: 12},
		MonitorNamed: true,
		CheckIn:      &journey.CheckIn{Systolic: 120, Diastolic: 80, Result: journey.CheckInOK},
		Rules:        journey.DefaultCareRules(),
	}
}

func gate(gates []journey.Gate, code string) *journey.Gate {
	for i := range gates {
		if gates[i].Code == code {
			return &gates[i]
		}
	}
	return nil
}

func TestGatesAllMet(t *testing.T) {
	gates := journey.EvaluateGates(readyFacts())
	if !journey.GatesReady(gates) {
		t.Fatalf("not ready: %+v", journey.Unmet(gates))
	}
	want := []string{"clearance", "consent", "preparation", "integration", "measures", "safety-alert", "recheck", "team", "remote-route", "monitor", "check-in"}
	if len(gates) != len(want) {
		t.Fatalf("%d gates, want %d", len(gates), len(want))
	}
	for i, g := range gates {
		if g.Code != want[i] || g.Detail == "" {
			t.Errorf("gate %d = %+v, want %s with a detail", i, g, want[i])
		}
	}
}

func TestGatesEachUnmet(t *testing.T) {
	tests := []struct {
		gate   string
		change func(*journey.GateFacts)
		detail string // a part of the unmet gate's detail
	}{
		{"clearance", func(f *journey.GateFacts) { f.Screening = journey.ScreeningAwaitingReview }, "not medically cleared"},
		{"clearance", func(f *journey.GateFacts) { f.Screening = journey.ScreeningIncomplete }, "intake and screening come first"},
		{"clearance", func(f *journey.GateFacts) { f.Screening = journey.ScreeningDeclined }, "declined"},
		{"clearance", func(f *journey.GateFacts) { f.ClearedUntil = planNow.Add(30 * time.Minute) }, "ran out on 20 Mar 2026"},
		{"consent", func(f *journey.GateFacts) {
			f.UnsignedConsents = []string{"KAP informed consent (version 2)", "Financial policy"}
		}, "not signed the current KAP informed consent (version 2) and the Financial policy"},
		{"preparation", func(f *journey.GateFacts) { f.Plan.Preparations = 3 }, "2 of the plan's 3 preparation sessions held: hold 1 more"},
		{"preparation", func(f *journey.GateFacts) { f.Sessions[1].Status = booked; f.Sessions = f.Sessions[:2] }, "1 of the plan's 2"},
		{"integration", func(f *journey.GateFacts) { f.Sessions = f.Sessions[:3] }, "No integration session after the medicine session of 18 Feb 2026"},
		{"integration", func(f *journey.GateFacts) { f.Sessions[3].Status = booked }, "booked but not yet held"},
		{"integration", func(f *journey.GateFacts) { f.Sessions[3].Status = noShow }, "No integration session"},
		{"measures", func(f *journey.GateFacts) { f.LastPHQ9 = time.Time{} }, "No PHQ-9 in the last 7 days"},
		{"measures", func(f *journey.GateFacts) { f.LastPHQ9 = planNow.AddDate(0, 0, -8) }, "No PHQ-9 in the last 7 days"},
		{"safety-alert", func(f *journey.GateFacts) { f.OpenAlert = true }, "safety alert is open"},
		{"recheck", func(f *journey.GateFacts) {
			f.Sessions[2].Start = planNow.AddDate(0, 0, -100)
			f.Sessions[3].Start = planNow.AddDate(0, 0, -98)
		}, "More than 90 days since the last dose"},
		{"team", func(f *journey.GateFacts) { delete(f.Team, journey.NeedChaperone) }, "No chaperone assigned"},
		{"team", func(f *journey.GateFacts) {
			f.Busy = []journey.Conflict{{Resource: journey.NeedMedicalProvider, ID: 11}}
		}, "The medical provider is booked elsewhere at that time."},
		{"team", func(f *journey.GateFacts) {
			f.Busy = []journey.Conflict{{Resource: journey.NeedTherapist, ID: 10}, {Resource: journey.NeedChaperone, ID: 12}}
		}, "The therapist and the chaperone are booked elsewhere at that time."},
		{"team", func(f *journey.GateFacts) {
			f.Busy = []journey.Conflict{{Resource: journey.NeedTherapist, ID: 10}, {Resource: journey.NeedMedicalProvider, ID: 11},
				{Resource: journey.NeedChaperone, ID: 12}}
		}, "The therapist, the medical provider and the chaperone are booked elsewhere at that time."},
		{"remote-route", func(f *journey.GateFacts) { f.Route = journey.RouteIM }, "lozenge only"},
		{"monitor", func(f *journey.GateFacts) { f.MonitorNamed = false }, "no monitor, no remote session"},
		{"check-in", func(f *journey.GateFacts) { f.CheckIn = nil }, "not checked in"},
		{"check-in", func(f *journey.GateFacts) {
			f.CheckIn = &journey.CheckIn{Systolic: 182, Diastolic: 95, Result: journey.CheckInNoDose}
		}, "182/95 is at or above 180/100: no dose today"},
	}
	for _, tt := range tests {
		t.Run(tt.gate+"/"+tt.detail, func(t *testing.T) {
			f := readyFacts()
			f.Sessions = cloneSessions(f.Sessions)
			tt.change(&f)
			gates := journey.EvaluateGates(f)
			if journey.GatesReady(gates) {
				t.Fatal("ready, want not")
			}
			unmet := journey.Unmet(gates)
			if len(unmet) != 1 || unmet[0].Code != tt.gate {
				t.Fatalf("unmet %+v, want only %s", unmet, tt.gate)
			}
			if !strings.Contains(unmet[0].Detail, tt.detail) {
				t.Errorf("detail %q, want it to say %q", unmet[0].Detail, tt.detail)
			}
		})
	}
}

func cloneSessions(in []*journey.CareSession) []*journey.CareSession {
	out := make([]*journey.CareSession, len(in))
	for i, s := range in {
		c := *s
		out[i] = &c
	}
	return out
}

func TestGatesMetVariants(t *testing.T) {
	tests := []struct {
		name   string
		gate   string
		change func(*journey.GateFacts)
		detail string
	}{
		{"no earlier dose", "integration", func(f *journey.GateFacts) { f.Sessions = f.Sessions[:2] }, "No earlier medicine session"},
		{"integration booked counts by setting", "integration", func(f *journey.GateFacts) {
			f.Sessions[3].Status = booked
			f.Rules.IntegrationBookedOK = true
		}, "is booked"},
		{"a follow-up after the gap", "recheck", func(f *journey.GateFacts) {
			f.Sessions[2].Start = planNow.AddDate(0, 0, -100)
			f.Sessions[3].Start = planNow.AddDate(0, 0, -98)
			f.Sessions = append(f.Sessions, sess(9, journey.TypePrescriberFollow, -3, held))
		}, "The medical provider saw the client on 17 Mar 2026"},
		{"a raised reading the medical provider reviewed", "check-in", func(f *journey.GateFacts) {
			f.CheckIn = &journey.CheckIn{Systolic: 150, Diastolic: 85, Result: journey.CheckInReview}
			f.CheckInReviewed = true
		}, "reviewed by the medical provider"},
		{"in person has no remote gates", "team", func(f *journey.GateFacts) {
			f.Mode, f.Route, f.MonitorNamed, f.CheckIn = journey.ModeInPerson, journey.RouteIM, false, nil
		}, "assigned and free"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := readyFacts()
			f.Sessions = cloneSessions(f.Sessions)
			tt.change(&f)
			gates := journey.EvaluateGates(f)
			if !journey.GatesReady(gates) {
				t.Fatalf("unmet %+v", journey.Unmet(gates))
			}
			if g := gate(gates, tt.gate); g == nil || !strings.Contains(g.Detail, tt.detail) {
				t.Errorf("gate %+v, want it to say %q", g, tt.detail)
			}
		})
	}
	f := readyFacts()
	f.Mode, f.Route = journey.ModeInPerson, journey.RouteIM
	if n := len(journey.EvaluateGates(f)); n != 8 {
		t.Errorf("in person: %d gates, want 8", n)
	}
	f = readyFacts()
	f.AtStart = false
	if gate(journey.EvaluateGates(f), journey.GateCheckIn) != nil {
		t.Error("check-in asked at booking")
	}
}

func TestGateOverrides(t *testing.T) {
	tests := []struct {
		name     string
		change   func(*journey.GateFacts)
		override string
		ready    bool
	}{
		{"an expired clearance may be overridden", func(f *journey.GateFacts) { f.ClearedUntil = planNow.AddDate(0, 0, -1) }, journey.GateClearance, true},
		{"no clearance may not", func(f *journey.GateFacts) { f.Screening = journey.ScreeningAwaitingReview }, journey.GateClearance, false},
		{"the re-check may be", func(f *journey.GateFacts) {
			f.Sessions[2].Start = planNow.AddDate(0, 0, -100)
			f.Sessions[3].Start = planNow.AddDate(0, 0, -98)
		}, journey.GateRecheck, true},
		{"consent may not", func(f *journey.GateFacts) { f.UnsignedConsents = []string{"Financial policy"} }, journey.GateConsent, false},
		{"a safety alert may not", func(f *journey.GateFacts) { f.OpenAlert = true }, journey.GateSafetyAlert, false},
		{"the team may not", func(f *journey.GateFacts) { f.Team = nil }, journey.GateTeam, false},
		{"the monitor may not", func(f *journey.GateFacts) { f.MonitorNamed = false }, journey.GateMonitor, false},
		{"an override of another gate does nothing", func(f *journey.GateFacts) { f.ClearedUntil = planNow.AddDate(0, 0, -1) }, journey.GateRecheck, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := readyFacts()
			f.Sessions = cloneSessions(f.Sessions)
			tt.change(&f)
			f.Overridden = []string{tt.override}
			gates := journey.EvaluateGates(f)
			if journey.GatesReady(gates) != tt.ready {
				t.Fatalf("ready %v, want %v: %+v", !tt.ready, tt.ready, journey.Unmet(gates))
			}
			if g := gate(gates, tt.override); tt.ready && (!g.Overridden || !strings.Contains(g.Detail, "overrode")) {
				t.Errorf("gate %+v, want it marked overridden", g)
			}
		})
	}
}

func TestBPResult(t *testing.T) {
	for _, tt := range []struct {
		sys, dia int
		want     string
	}{
		{120, 80, journey.CheckInOK}, {140, 90, journey.CheckInOK}, {141, 80, journey.CheckInReview}, {130, 91, journey.CheckInReview},
		{179, 99, journey.CheckInReview}, {180, 80, journey.CheckInNoDose}, {150, 100, journey.CheckInNoDose},
	} {
		if got := journey.BPResult(journey.DefaultMonitoringRules(), tt.sys, tt.dia); got != tt.want {
			t.Errorf("BPResult(%d, %d) = %s, want %s", tt.sys, tt.dia, got, tt.want)
		}
	}
}

func TestCheckInAndMonitorValidate(t *testing.T) {
	c := journey.CheckIn{Address: "  12 Elm St\n", Callback: "+15035550142", EmergencyConfirmed: true, Systolic: 185, Diastolic: 101}
	err := c.Validate()
	if c.Assess(journey.DefaultMonitoringRules()); err != nil || c.Result != journey.CheckInNoDose || c.Address != "12 Elm St" {
		t.Errorf("valid check-in: %v %+v", err, c)
	}
	bad := journey.CheckIn{Systolic: 80, Diastolic: 90}
	fields := map[string]bool{}
	for _, f := range journey.ErrorFields(bad.Validate()) {
		fields[f.Field] = true
	}
	for _, f := range []string{"address", "callback", "emergency", "diastolic"} {
		if !fields[f] {
			t.Errorf("no error on %s: %v", f, fields)
		}
	}
	m := journey.Monitor{Name: "Sam", Phone: "+15035550142", Relationship: "Partner"}
	if fe := journey.ErrorFields(m.Validate()); len(fe) != 1 || fe[0].Field != "adult" {
		t.Errorf("monitor not confirmed adult: %+v", fe)
	}
	m.Adult = true
	if err := m.Validate(); err != nil {
		t.Errorf("valid monitor: %v", err)
	}
	o := journey.GateOverride{Code: journey.GateConsent, Reason: "short"}
	if fe := journey.ErrorFields(o.Validate()); len(fe) != 2 {
		t.Errorf("override of consent with a short reason: %+v", fe)
	}
}

func TestTelehealthLink(t *testing.T) {
	if got := journey.TelehealthLink("https://video.example/room/{session_id}", 42, "k"); got != "https://video.example/room/42" {
		t.Errorf("link %q", got)
	}
	if got := journey.TelehealthLink("https://video.example/room/{room}", 42, "Zq3_x-9"); got != "https://video.example/room/Zq3_x-9" {
		t.Errorf("link by room %q", got)
	}
	// A session with no key yet gets no link rather than a guessable one.
	if got := journey.TelehealthLink("https://video.example/room/{room}", 42, ""); got != "" {
		t.Errorf("link with no room key %q", got)
	}
	for tmpl, ok := range map[string]bool{
		"https://video.example/room/{session_id}": true,
		"https://video.example/room/{room}":       true,
		"https://video.example/room":              false,
		"http://video.example/{session_id}":       false,
		"javascript:{session_id}":                 false,
		"javascript:{room}":                       false,
	} {
		if journey.ValidTelehealthTemplate(tmpl) != ok {
			t.Errorf("ValidTelehealthTemplate(%q) = %v", tmpl, !ok)
		}
	}
}

// TestNewRoomKey: a session's video room key is at least 96 random bits,
// safe in a URL's path without escaping, and differs each time.
func TestNewRoomKey(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		k := journey.NewRoomKey()
		if len(k)*6 < 96 {
			t.Fatalf("key %q carries fewer than 96 bits", k)
		}
		for _, r := range k {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				t.Fatalf("key %q is not URL-safe", k)
			}
		}
		if seen[k] {
			t.Fatalf("key %q made twice", k)
		}
		seen[k] = true
	}
}

// TestCheckInGateWaitsForTheReview: a home reading above the review level
// holds the session's start until the medical provider reviewed it.
func TestCheckInGateWaitsForTheReview(t *testing.T) {
	f := readyFacts()
	f.CheckIn = &journey.CheckIn{Systolic: 150, Diastolic: 85, Result: journey.CheckInReview}
	g := gate(journey.EvaluateGates(f), journey.GateCheckIn)
	if g == nil || g.Met || !strings.Contains(g.Detail, "waits for the medical provider's review") {
		t.Fatalf("unreviewed raised reading: %+v", g)
	}
	at := time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC)
	f.CheckIn.CreatedAt = at
	before := []*journey.HoldReview{{At: at.Add(-time.Minute)}}
	if !journey.CheckInAwaitsReview(f.CheckIn, before) {
		t.Error("a review before the check-in counted for it")
	}
	if journey.CheckInAwaitsReview(f.CheckIn, append(before, &journey.HoldReview{At: at})) {
		t.Error("a review at the check-in's time did not count")
	}
	if journey.CheckInAwaitsReview(&journey.CheckIn{Result: journey.CheckInOK}, nil) {
		t.Error("a normal reading waits for review")
	}
}

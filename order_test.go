package journey_test

import (
	"strings"
	"testing"

	"github.com/journey-kap/journey"
)

// The order's bounds at their edges: a lozenge dose one below, at and one
// above 50 mg and a total around 400 mg; IM around the 1.0 mg/kg warning
// and the 2.0 mg/kg hard cap at 70 kg. Past a bound needs an override;
// past the cap is refused whatever the reason.
func TestOrderBoundsAtTheirEdges(t *testing.T) {
	r := journey.DefaultMonitoringRules()
	for _, tc := range []struct {
		route    string
		dose     float64
		warnings int
		refused  string // the field refused without an override ("" none)
	}{
		{journey.RouteLozenge, 49, 1, "override"}, {journey.RouteLozenge, 50, 0, ""}, {journey.RouteLozenge, 51, 0, ""},
		{journey.RouteLozenge, 399, 0, ""}, {journey.RouteLozenge, 400, 0, ""}, {journey.RouteLozenge, 401, 1, "override"},
		{journey.RouteIM, 69, 0, ""}, {journey.RouteIM, 70, 0, ""}, {journey.RouteIM, 71, 1, "override"},
		{journey.RouteIM, 140, 1, "override"}, {journey.RouteIM, 141, 1, "dose_mg"},
	} {
		o := &journey.Order{Route: tc.route, Formulation: "ketamine", StrengthMg: 100, DoseMg: tc.dose, WeightKg: 70}
		err := o.Check(tc.route, r)
		fe := journey.ErrorFields(err)
		switch {
		case tc.refused == "" && err != nil:
			t.Errorf("%s %v mg: %v %+v", tc.route, tc.dose, err, fe)
		case tc.refused != "" && (len(fe) == 0 || fe[0].Field != tc.refused):
			t.Errorf("%s %v mg: %+v, want %s refused", tc.route, tc.dose, fe, tc.refused)
		case len(o.Warnings) != tc.warnings:
			t.Errorf("%s %v mg: warnings %v", tc.route, tc.dose, o.Warnings)
		}
		if tc.refused == "override" {
			o.Override = "Tolerated well at this dose before."
			if err := o.Check(tc.route, r); err != nil {
				t.Errorf("%s %v mg with an override: %v", tc.route, tc.dose, err)
			}
		}
	}
	o := &journey.Order{Route: journey.RouteIM, Formulation: "ketamine", StrengthMg: 50, DoseMg: 141, WeightKg: 70, Override: "Because I say so, really."}
	if fe := journey.ErrorFields(o.Check(journey.RouteIM, r)); len(fe) != 1 || fe[0].Field != "dose_mg" || !strings.Contains(fe[0].Detail, "hard cap of 2 mg/kg") {
		t.Errorf("past the cap with a reason: %+v", fe)
	}
	o = &journey.Order{Route: journey.RouteLozenge, Formulation: "x", StrengthMg: 100, DoseMg: 200}
	if fe := journey.ErrorFields(o.Check(journey.RouteIM, r)); len(fe) != 2 || fe[0].Field != "route" || fe[1].Field != "weight_kg" {
		t.Errorf("wrong route, no weight: %+v", fe)
	}
	o = &journey.Order{Route: journey.RouteLozenge, Formulation: "x", StrengthMg: 100, DoseMg: 300, BoosterMg: 150, BoosterAfter: 9, WeightKg: 70}
	if fe := journey.ErrorFields(o.Check(journey.RouteLozenge, r)); len(fe) != 1 || fe[0].Field != "booster_after_minutes" {
		t.Errorf("booster at 9 minutes: %+v", fe)
	}
	o.BoosterAfter = 10
	if fe := journey.ErrorFields(o.Check(journey.RouteLozenge, r)); len(fe) != 1 || fe[0].Field != "override" || o.MaxTotalMg != 450 {
		t.Errorf("a 450 mg lozenge session: %+v %v", fe, o.MaxTotalMg)
	}
	if err := journey.DefaultMonitoringRules(); err.Validate() != nil {
		t.Errorf("the defaults: %v", err.Validate())
	}
}

package journey

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// The prescriber's order is checked here against the practice's bounds
// (MonitoringRules, DOMAIN §4): a lozenge dose outside its range, or an
// IM dose above the warning in mg/kg, needs an override with its reason;
// an IM dose above the medical director's hard cap is refused outright.

// Weight is one measured weight of a client: the order's mg/kg is worked
// out from the latest.
type Weight struct {
	ClientID int64     `json:"client_id"`
	Kg       float64   `json:"weight_kg"`
	By       int64     `json:"by"`
	At       time.Time `json:"at"`
}

// ValidateWeight returns EINVALID on field when kg is not a possible
// weight (the intake's range).
func ValidateWeight(field string, kg float64) error {
	var v Validation
	if kg < MinWeightKG || kg > MaxWeightKG || math.IsNaN(kg) {
		v.Add(field, fmt.Sprintf("Enter a weight between %d and %d kg.", MinWeightKG, MaxWeightKG))
	}
	return v.Err()
}

// Limits of an order's values: what is possible at all, not advice.
const (
	MaxOrderMg        = 2000 // no single session's dose is ever this large
	MaxStrengthMg     = 1000
	MinBoosterMinutes = 10
	MaxBoosterMinutes = 180
	MaxOrderText      = 2000
)

// Check validates o for a session by route (the session's), against rules,
// works out MgPerKg and MaxTotalMg (the dose plus the booster when left 0)
// and sets Warnings, one for each bound it goes past. EINVALID naming each
// wrong field: route, formulation, strength_mg, dose_mg, weight_kg,
// booster_mg, booster_after_minutes, max_total_mg, titration, and override
// when a bound is passed without a reason (or a reason is too short); an
// IM dose above the hard cap is EINVALID on dose_mg whatever the reason.
func (o *Order) Check(route string, r MonitoringRules) error {
	o.Formulation, o.Titration, o.Override = Line(o.Formulation), Paragraphs(o.Titration), Paragraphs(o.Override)
	var v Validation
	switch {
	case o.Route != RouteLozenge && o.Route != RouteIM:
		v.Add("route", "Choose lozenge or im.")
	case route != "" && o.Route != route:
		v.Add("route", fmt.Sprintf("This session is booked by %s: order that route, or rebook the session.", RouteWords(route)))
	}
	checkText(&v, "formulation", o.Formulation, 1, 200)
	if o.StrengthMg <= 0 || o.StrengthMg > MaxStrengthMg {
		v.Add("strength_mg", fmt.Sprintf("Strength must be between 1 and %d mg per unit.", MaxStrengthMg))
	}
	if o.DoseMg <= 0 || o.DoseMg > MaxOrderMg {
		v.Add("dose_mg", fmt.Sprintf("The dose must be between 1 and %d mg.", MaxOrderMg))
	}
	if o.WeightKg <= 0 {
		v.Add("weight_kg", "Record the client's weight first: the dose is shown in mg/kg.")
	} else {
		v.AddErr(ValidateWeight("weight_kg", o.WeightKg))
	}
	switch {
	case o.BoosterMg < 0 || o.BoosterMg > MaxOrderMg:
		v.Add("booster_mg", fmt.Sprintf("A booster is between 0 and %d mg.", MaxOrderMg))
	case o.BoosterMg > 0 && (o.BoosterAfter < MinBoosterMinutes || o.BoosterAfter > MaxBoosterMinutes):
		v.Add("booster_after_minutes", fmt.Sprintf("A booster comes between %d and %d minutes after the dose.", MinBoosterMinutes, MaxBoosterMinutes))
	case o.BoosterMg == 0:
		o.BoosterAfter = 0
	}
	if o.MaxTotalMg == 0 {
		o.MaxTotalMg = o.DoseMg + o.BoosterMg
	}
	if o.MaxTotalMg < o.DoseMg+o.BoosterMg || o.MaxTotalMg > MaxOrderMg {
		v.Add("max_total_mg", fmt.Sprintf("The session's total must be at least the dose and booster (%s mg) and at most %d mg.", Mg(o.DoseMg+o.BoosterMg), MaxOrderMg))
	}
	checkText(&v, "titration", o.Titration, 0, MaxOrderText)
	if err := v.Err(); err != nil {
		return err
	}
	o.MgPerKg = math.Round(o.DoseMg/o.WeightKg*100) / 100
	o.Warnings = o.bounds(r)
	total := o.MaxTotalMg / o.WeightKg
	if o.Route == RouteIM && total > r.IMCapMgPerKg {
		v.Add("dose_mg", fmt.Sprintf("%s mg/kg in all is above the medical director's hard cap of %s mg/kg for IM (%s mg at %s kg).",
			Mg(total), Mg(r.IMCapMgPerKg), Mg(r.IMCapMgPerKg*o.WeightKg), Mg(o.WeightKg)))
	}
	switch {
	case len(o.Warnings) > 0 && o.Override == "":
		v.Add("override", "This order goes past the practice's bounds ("+strings.Join(o.Warnings, " ")+"): give the reason for the override.")
	case len(o.Warnings) > 0 && len([]rune(o.Override)) < 10:
		v.Add("override", "Give the reason for the override in a sentence.")
	case len(o.Warnings) == 0:
		o.Override = ""
	}
	checkText(&v, "override", o.Override, 0, MaxOrderText)
	return v.Err()
}

// bounds returns a sentence for each of the practice's bounds o passes.
func (o *Order) bounds(r MonitoringRules) []string {
	var w []string
	switch o.Route {
	case RouteLozenge:
		if o.DoseMg < r.LozengeMinMg {
			w = append(w, fmt.Sprintf("A lozenge dose of %s mg is below the practice's %s mg.", Mg(o.DoseMg), Mg(r.LozengeMinMg)))
		}
		if o.MaxTotalMg > r.LozengeMaxMg {
			w = append(w, fmt.Sprintf("A lozenge session's total of %s mg is above the practice's %s mg.", Mg(o.MaxTotalMg), Mg(r.LozengeMaxMg)))
		}
	case RouteIM:
		if total := o.MaxTotalMg / o.WeightKg; total > r.IMWarnMgPerKg {
			w = append(w, fmt.Sprintf("%s mg/kg IM in all is above the practice's %s mg/kg.", Mg(math.Round(total*100)/100), Mg(r.IMWarnMgPerKg)))
		}
	}
	return w
}

// Mg formats an amount in mg (or mg/kg, kg) without trailing zeros.
func Mg(f float64) string {
	s := fmt.Sprintf("%.2f", f)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}

// RouteWords names a route in a sentence.
func RouteWords(route string) string {
	switch route {
	case RouteLozenge:
		return "lozenge"
	case RouteIM:
		return "intramuscular injection"
	}
	return route
}

package journey

import "strings"

// DefaultTelehealthModifier is added to the codes of a remote session
// unless the practice chooses another (GT for some payers) or none.
const DefaultTelehealthModifier = "95"

// DefaultFeeSchedule returns the fee schedule a practice starts from:
// practiceID bills psychotherapy and the medicine-session fee, medicalID
// prescriber care and medication. Every session type has a line for its
// completion and a fixed fee, without a code, for a late cancellation
// and a no-show under the type's own charge type; the price list has a
// fee for every code the lines may choose. The fees are plausible
// figures for a US outpatient practice, for the practice to change.
func DefaultFeeSchedule(practiceID, medicalID int64) *FeeSchedule {
	var lines []*FeeLine
	add := func(l FeeLine) {
		l.Position, l.Active = len(lines)+1, true
		if l.Units == 0 {
			l.Units = 1
		}
		lines = append(lines, &l)
	}
	// Completed sessions.
	add(FeeLine{SessionType: TypePreparation, Event: EventCompleted, ChargeType: ChargePsychotherapy, EntityID: practiceID,
		Rule: RuleEvaluationThenTime, Description: "Preparation session (psychotherapy)"})
	add(FeeLine{SessionType: TypeMedicine, Event: EventCompleted, ChargeType: ChargeMedicineSession, EntityID: practiceID,
		Rule: RulePerHour, Code: "0820T", Description: "Medicine session: monitoring, per hour"})
	add(FeeLine{SessionType: TypeMedicine, Event: EventCompleted, ChargeType: ChargeMedication, EntityID: medicalID,
		Rule: RuleFixed, Code: "J3490", Units: 1, Description: "Ketamine (medication)"})
	add(FeeLine{SessionType: TypeMedicine, Event: EventCompleted, Route: RouteIM, ChargeType: ChargePrescriber, EntityID: medicalID,
		Rule: RuleFixed, Code: "96372", Units: 1, Description: "Intramuscular injection"})
	add(FeeLine{SessionType: TypeIntegration, Event: EventCompleted, ChargeType: ChargePsychotherapy, EntityID: practiceID,
		Rule: RulePsychotherapyTime, Description: "Integration session (psychotherapy)"})
	add(FeeLine{SessionType: TypeIntegrationGroup, Event: EventCompleted, ChargeType: ChargePsychotherapy, EntityID: practiceID,
		Rule: RuleFixed, Code: "90853", Units: 1, Description: "Integration group (group psychotherapy)"})
	add(FeeLine{SessionType: TypePrescriberFollow, Event: EventCompleted, ChargeType: ChargePrescriber, EntityID: medicalID,
		Rule: RuleEMTime, Description: "Prescriber visit"})
	// Missed appointments: the practice's cancellation policy.
	for _, m := range []struct {
		typ, chargeType, name string
		entity                int64
		late, noShow          int64
	}{
		{TypePreparation, ChargePsychotherapy, "preparation session", practiceID, 100_00, 150_00},
		{TypeMedicine, ChargeMedicineSession, "medicine session", practiceID, 250_00, 350_00},
		{TypeIntegration, ChargePsychotherapy, "integration session", practiceID, 100_00, 150_00},
		{TypeIntegrationGroup, ChargePsychotherapy, "integration group", practiceID, 40_00, 60_00},
		{TypePrescriberFollow, ChargePrescriber, "prescriber visit", medicalID, 75_00, 100_00},
	} {
		add(FeeLine{SessionType: m.typ, Event: EventLateCancel, ChargeType: m.chargeType, EntityID: m.entity,
			Rule: RuleFixed, FeeCents: m.late, Description: "Late cancellation fee: " + m.name})
		add(FeeLine{SessionType: m.typ, Event: EventNoShow, ChargeType: m.chargeType, EntityID: m.entity,
			Rule: RuleFixed, FeeCents: m.noShow, Description: "Missed appointment fee: " + m.name})
	}
	prices := []*CodePrice{}
	for _, p := range []struct {
		code  string
		cents int64
	}{
		{"90791", 250_00}, {"90832", 120_00}, {"90834", 165_00}, {"90837", 210_00}, {"90853", 75_00},
		{"99202", 120_00}, {"99203", 180_00}, {"99204", 260_00}, {"99205", 330_00},
		{"99212", 90_00}, {"99213", 135_00}, {"99214", 195_00}, {"99215", 260_00},
		{"0820T", 300_00}, {"96372", 40_00}, {"J3490", 90_00},
	} {
		prices = append(prices, &CodePrice{Code: p.code, Description: CodeDescription(p.code), Cents: p.cents})
	}
	return &FeeSchedule{Lines: lines, Prices: prices, TelehealthModifier: DefaultTelehealthModifier}
}

// Validate trims p and returns EINVALID naming each wrong field.
func (p *CodePrice) Validate() error {
	var v Validation
	p.Code, p.Description = strings.ToUpper(Line(p.Code)), Line(p.Description)
	if err := CheckServiceCode(p.Code); err != nil {
		v.Add("code", err.Error())
	}
	if p.Description == "" {
		p.Description = CodeDescription(p.Code)
	}
	checkText(&v, "description", p.Description, 1, 120)
	if p.Cents < 0 || p.Cents > MaxFeeCents {
		v.Add("cents", "Enter a fee from $0.00 to $100,000.00.")
	}
	return v.Err()
}

// CheckTelehealthModifier returns nil when m may be the schedule's
// telehealth modifier: empty (none) or a modifier.
func CheckTelehealthModifier(m string) error {
	if m == "" {
		return nil
	}
	return CheckModifier(m)
}

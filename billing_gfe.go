package journey

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// Good Faith Estimates, worked out. billing.go holds the estimate, its
// lines and the deadlines; this file says who needs one, what goes on it
// (the client's plan priced by the fee schedule) and when a bill may be
// disputed against it.

// EstimateRequest is a Good Faith Estimate that fell due for a client: a
// service was booked, they asked, or their plan changed. Journey issues it
// at once, well before DueBy; DoneAt is when it was issued.
type EstimateRequest struct {
	ID          int64     `json:"id"`
	ClientID    int64     `json:"client_id"`
	Reason      string    `json:"reason"` // EstimateScheduled, EstimateRequested, EstimatePlanChange
	SessionID   int64     `json:"session_id,omitempty"`
	RequestedAt time.Time `json:"requested_at"`
	DueBy       time.Time `json:"due_by"`
	DoneAt      time.Time `json:"done_at,omitzero"`
}

// Overdue reports whether r is still open after its deadline.
func (r *EstimateRequest) Overdue(now time.Time) bool {
	return r.DoneAt.IsZero() && now.After(r.DueBy)
}

// EstimateMonths is how far ahead an estimate looks: the rule lets one
// estimate cover recurring services for up to twelve months.
const EstimateMonths = 12

// NeedsEstimate reports whether a client with coverage (nil: none on
// file, which bills as self-pay) pays chargeType themselves, so is owed
// a Good Faith Estimate of it: self-pay, or the medicine-session fee,
// which never goes on a claim whatever the client's insurance.
func NeedsEstimate(chargeType string, coverage *Coverage) bool {
	return chargeType == ChargeMedicineSession || coverage == nil || coverage.Payer != PayerInsurance
}

// EstimateFacts is what a client's estimates are worked out from.
type EstimateFacts struct {
	Client   *Client
	Plan     *Plan          // worked out now
	Sessions []*CareSession // the client's, for the booked steps' own mode, route and team
	Types    []*SessionType // the practice's: each type's length
	Schedule *FeeSchedule
	Entities []*BillingEntity
	Coverage []*Coverage // the client's, one per entity at most
	// Clinicians are the billing clinicians (their NPI from the staff
	// profile); Names names any member of staff by user id, for a
	// provider who is not yet a billing clinician.
	Clinicians []*BillingClinician
	Names      map[int64]string
	Diagnoses  []string // the client's, in pointer order
	// FirstPsychotherapy: no psychotherapy charged yet (the first session
	// is an evaluation); NewPatient: no prescriber visit charged yet.
	FirstPsychotherapy bool
	NewPatient         bool
	Now                time.Time
	Loc                *time.Location // the practice's zone
}

// WorkOutEstimates returns the estimates the client is owed now, unsaved:
// one per entity and charge type the client pays themselves
// (NeedsEstimate) with expected charges, each line a service of the plan
// still to come (every step not yet held) priced as ChargesFor prices it
// for a session of the step's type, of the type's length, in the step's
// mode (the plan's for a medicine session not yet booked, in person
// otherwise). Equal lines are one line with their quantity. The period is
// from today for EstimateMonths.
func WorkOutEstimates(f EstimateFacts) []*Estimate {
	loc := f.Loc
	if loc == nil {
		loc = time.UTC
	}
	from := f.Now.In(loc)
	to := from.AddDate(0, EstimateMonths, -1)
	entities := map[int64]*BillingEntity{}
	for _, e := range f.Entities {
		entities[e.ID] = e
	}
	coverage := map[int64]*Coverage{}
	for _, c := range f.Coverage {
		coverage[c.EntityID] = c
	}
	type key struct {
		entity int64
		typ    string
	}
	out := map[key]*Estimate{}
	first, newPatient := f.FirstPsychotherapy, f.NewPatient
	for _, st := range f.Plan.Steps {
		if st.Status == StepHeld {
			continue
		}
		s := f.stepSession(st)
		facts := ChargeFacts{Session: s, Event: EventCompleted, ClientID: f.Client.ID, Date: from.Format(time.DateOnly),
			Minutes: int(s.End.Sub(s.Start) / time.Minute), FirstPsychotherapy: first, NewPatient: newPatient, AtHome: true, Diagnoses: f.Diagnoses}
		charges, _ := f.Schedule.ChargesFor(facts)
		for _, c := range charges {
			if c.ChargeType == ChargePsychotherapy && c.Code != "" {
				first = false
			}
			if c.ChargeType == ChargePrescriber && c.Code != "" {
				newPatient = false
			}
			e := entities[c.EntityID]
			if e == nil || !NeedsEstimate(c.ChargeType, coverage[c.EntityID]) {
				continue
			}
			k := key{c.EntityID, c.ChargeType}
			est := out[k]
			if est == nil {
				est = &Estimate{ClientID: f.Client.ID, EntityID: e.ID, ChargeType: c.ChargeType,
					ServiceFrom: from.Format(time.DateOnly), ServiceTo: to.Format(time.DateOnly), Lines: []EstimateLine{}}
				out[k] = est
			}
			est.add(f.line(st, c, e))
		}
	}
	ests := make([]*Estimate, 0, len(out))
	for _, e := range out {
		for _, l := range e.Lines {
			e.TotalCents += l.TotalCents
		}
		ests = append(ests, e)
	}
	slices.SortFunc(ests, func(a, b *Estimate) int {
		return cmp.Or(cmp.Compare(a.EntityID, b.EntityID),
			cmp.Compare(slices.Index(ChargeTypes, a.ChargeType), slices.Index(ChargeTypes, b.ChargeType)))
	})
	return ests
}

// stepSession returns the session a plan step stands for: the booked one
// itself, or one of the step's type as the plan expects it.
func (f *EstimateFacts) stepSession(st PlanStep) *CareSession {
	for _, s := range f.Sessions {
		if st.SessionID != 0 && s.ID == st.SessionID && s.Active() {
			b := *s // the plan's read may leave the team out: the care team's then
			if b.TherapistID == 0 {
				b.TherapistID = careTeamMember(f.Client, RoleTherapist)
			}
			if b.MedicalProviderID == 0 {
				b.MedicalProviderID = careTeamMember(f.Client, RoleMedicalProvider)
			}
			return &b
		}
	}
	length := time.Hour
	for _, t := range f.Types {
		if t.Code == st.Type {
			length = time.Duration(t.Minutes) * time.Minute
		}
	}
	s := &CareSession{Type: st.Type, Mode: ModeInPerson, Start: f.Now, End: f.Now.Add(length),
		TherapistID: careTeamMember(f.Client, RoleTherapist), MedicalProviderID: careTeamMember(f.Client, RoleMedicalProvider)}
	if st.Type == TypeMedicine {
		s.Mode, s.Route = f.Plan.Settings.Mode, f.Plan.Settings.Route
	}
	return s
}

// careTeamMember returns the client's (first) care team member of role,
// 0 if none.
func careTeamMember(c *Client, role string) int64 {
	for _, m := range c.CareTeam {
		if m.Role == role {
			return m.UserID
		}
	}
	return 0
}

// line returns the estimate's line for charge c of plan step st.
func (f *EstimateFacts) line(st PlanStep, c *Charge, e *BillingEntity) EstimateLine {
	l := EstimateLine{Service: c.Description, SessionType: st.Type, Code: c.Code, Modifiers: c.Modifiers,
		Diagnoses: c.Diagnoses, Quantity: 1, UnitCents: c.AmountCents, TotalCents: c.AmountCents,
		FacilityName: e.LegalName, FacilityNPI: e.NPI, FacilityTIN: e.TaxID}
	if l.Diagnoses == nil {
		l.Diagnoses = []string{}
	}
	if c.Units > 1 {
		l.Service += " (" + itoa(c.Units) + " units)"
	}
	l.ProviderName = f.Names[c.ClinicianID]
	for _, bc := range f.Clinicians {
		if bc.UserID == c.ClinicianID && (bc.EntityID == e.ID || l.ProviderNPI == "") {
			l.ProviderName, l.ProviderNPI = bc.Name, bc.NPI
			if bc.Credentials != "" {
				l.ProviderName += ", " + bc.Credentials
			}
		}
	}
	return l
}

// add puts l on e, counting it into an equal line already there.
func (e *Estimate) add(l EstimateLine) {
	for i := range e.Lines {
		m := &e.Lines[i]
		if m.Service == l.Service && m.Code == l.Code && slices.Equal(m.Modifiers, l.Modifiers) &&
			m.UnitCents == l.UnitCents && m.ProviderName == l.ProviderName {
			m.Quantity++
			m.TotalCents += l.UnitCents
			return
		}
	}
	e.Lines = append(e.Lines, l)
}

// EstimateDispute is what a client has been billed by one entity against
// its current estimates over the periods they cover.
type EstimateDispute struct {
	EntityID       int64  `json:"entity_id"`
	EntityName     string `json:"entity_name"`
	EstimatedCents int64  `json:"estimated_cents"`
	BilledCents    int64  `json:"billed_cents"`
	// Disputable: billed at least DisputeThresholdCents above the
	// estimate, so the client may start the federal dispute process.
	Disputable bool `json:"disputable"`
}

// DisputeRight is the client's right against a bill far above its
// estimate, in words for the page and the PDF.
const DisputeRight = "If you are billed $400 or more above this estimate by one provider or facility, " +
	"you have the right to dispute the bill through the federal patient-provider dispute resolution process. " +
	"You must start the dispute within 120 calendar days of the date on the bill. " +
	"For help, visit www.cms.gov/nosurprises or call 1-800-985-3059."

// MailGoodFaithEstimate is the email that delivers a client's estimates.
const MailGoodFaithEstimate = "good_faith_estimate"

// EstimateMail is what the email that delivers estimates is written from.
type EstimateMail struct {
	Client      *Client
	Estimates   []*Estimate
	EntityNames map[int64]string // each estimate's entity's legal name
}

// EstimateMailComposer writes the email that delivers a client's
// estimates.
type EstimateMailComposer interface {
	// ComposeEstimate returns the email to m.Client.Email; it fails only
	// on an unknown template.
	ComposeEstimate(m *EstimateMail, p *Practice) (*Message, error)
}

// EstimateSummary returns an estimate's lines in a few words each, for an
// email: the service, how many, and the expected amount.
func EstimateSummary(e *Estimate) string {
	var b strings.Builder
	for _, l := range e.Lines {
		b.WriteString("- " + l.Service)
		if l.Quantity > 1 {
			b.WriteString(" × " + itoa(l.Quantity))
		}
		b.WriteString(": " + FormatCents(l.TotalCents) + "\n")
	}
	b.WriteString("Expected total: " + FormatCents(e.TotalCents))
	return b.String()
}

// IssuedEstimate is an estimate with the PDF given to the client.
type IssuedEstimate struct {
	Estimate *Estimate
	PDF      []byte
}

// EstimateDocument is everything an estimate's PDF prints.
type EstimateDocument struct {
	Estimate    *Estimate
	RequestID   int64 // printed as the estimate's number: its own id is given when it is stored
	ClientName  string
	DateOfBirth string // YYYY-MM-DD, "" when the client has not given it
	Entity      *BillingEntity
	Practice    *Practice
	Zone        *time.Location // the practice's, for the dates printed
}

// EstimateDisclaimers are what a Good Faith Estimate must tell the
// client (45 CFR 149.610), in Journey's words.
var EstimateDisclaimers = []string{
	"This Good Faith Estimate shows the costs of items and services that are reasonably expected for your health care needs. " +
		"The estimate is based on information known at the time it was created.",
	"It is an estimate, not a contract, and it does not oblige you to receive any of these items or services. " +
		"The actual items, services or charges may differ from it.",
	"It does not include unknown or unexpected costs that may arise during treatment. " +
		"Items or services that are scheduled or billed separately (for example by another entity of the practice) have their own estimate.",
	DisputeRight,
	"Keep a copy of this Good Faith Estimate in a safe place, or take a picture of it: you may need it if you are billed a higher amount.",
	"For questions or more information about your right to a Good Faith Estimate, visit www.cms.gov/nosurprises or call 1-800-985-3059.",
}

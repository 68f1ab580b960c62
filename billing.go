package journey

import (
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Billing follows the KAP practice's split of services into four charge
// types that never share a document: psychotherapy (preparation and
// integration, which insurance may cover, so they go on superbills), the
// medicine-session fee (private pay, never on a superbill or claim),
// prescriber care and medication (billed by the medical entity). Each
// charge belongs to one billing entity; each document (statement,
// invoice, superbill, estimate) to one entity and one charge type, which
// the database enforces as well as this package. Amounts are integer
// cents in an explicit currency; every change to what a client owes is an
// appended posting, never an edit.

// Charge types.
const (
	ChargePsychotherapy   = "psychotherapy"
	ChargeMedicineSession = "medicine-session"
	ChargePrescriber      = "prescriber"
	ChargeMedication      = "medication"
)

// ChargeTypes lists the charge types in the order pages show them.
var ChargeTypes = []string{ChargePsychotherapy, ChargeMedicineSession, ChargePrescriber, ChargeMedication}

// ChargeTypeName returns a charge type's name for people.
func ChargeTypeName(t string) string {
	switch t {
	case ChargePsychotherapy:
		return "Psychotherapy"
	case ChargeMedicineSession:
		return "Medicine session"
	case ChargePrescriber:
		return "Prescriber care"
	case ChargeMedication:
		return "Medication"
	}
	return t
}

// Currency is the one currency Journey bills in; it is stored with every
// amount so a later second currency is a change of data, not of meaning.
const Currency = "USD"

// Billing entity kinds: the practice bills psychotherapy and the
// medicine-session fee; the medical entity bills prescriber care and
// medication. A practice that is one legal entity for both still keeps
// two records (they may share a tax ID).
const (
	EntityPractice = "practice"
	EntityMedical  = "medical"
)

// EntityChargeTypes returns the charge types an entity kind may bill.
func EntityChargeTypes(kind string) []string {
	switch kind {
	case EntityPractice:
		return []string{ChargePsychotherapy, ChargeMedicineSession}
	case EntityMedical:
		return []string{ChargePrescriber, ChargeMedication}
	}
	return nil
}

// BillingEntity is a legal entity that bills clients.
type BillingEntity struct {
	ID        int64  `json:"id"`
	Kind      string `json:"kind"` // EntityPractice or EntityMedical
	LegalName string `json:"legal_name"`
	Address1  string `json:"address1"`
	Address2  string `json:"address2,omitempty"`
	City      string `json:"city"`
	State     string `json:"state"`  // two-letter US state
	Postal    string `json:"postal"` // 12345 or 12345-6789
	Phone     string `json:"phone,omitempty"`
	TaxID     string `json:"tax_id"`        // EIN, 12-3456789
	NPI       string `json:"npi,omitempty"` // the organisation's (type 2), if it has one
	Active    bool   `json:"active"`
}

// Validate trims e and returns EINVALID naming each wrong field.
func (e *BillingEntity) Validate() error {
	var v Validation
	e.LegalName, e.Address1, e.Address2, e.City = Line(e.LegalName), Line(e.Address1), Line(e.Address2), Line(e.City)
	e.State, e.Postal, e.Phone = strings.ToUpper(Line(e.State)), Line(e.Postal), Line(e.Phone)
	e.TaxID, e.NPI = Line(e.TaxID), Line(e.NPI)
	if e.Kind != EntityPractice && e.Kind != EntityMedical {
		v.Add("kind", "Choose the practice (psychotherapy and the medicine-session fee) or the medical entity (prescriber care and medication).")
	}
	checkText(&v, "legal_name", e.LegalName, 1, 160)
	checkText(&v, "address1", e.Address1, 1, 160)
	checkText(&v, "address2", e.Address2, 0, 160)
	checkText(&v, "city", e.City, 1, 80)
	if !IsUSState(e.State) {
		v.Add("state", "Enter the two-letter state, such as OR.")
	}
	if !postalRE.MatchString(e.Postal) {
		v.Add("postal", "Enter the ZIP code as 5 digits, or 5+4 (97201-1234).")
	}
	checkText(&v, "phone", e.Phone, 0, 40)
	if err := CheckTaxID(e.TaxID); err != nil {
		v.Add("tax_id", err.Error())
	}
	if e.NPI != "" {
		if err := CheckNPI(e.NPI); err != nil {
			v.Add("npi", err.Error())
		}
	}
	return v.Err()
}

// Address returns e's address on one line.
func (e *BillingEntity) Address() string {
	s := e.Address1
	if e.Address2 != "" {
		s += ", " + e.Address2
	}
	return s + ", " + e.City + ", " + e.State + " " + e.Postal
}

var postalRE = regexp.MustCompile(`^[0-9]{5}(-[0-9]{4})?$`)

// BillingClinician is a member of staff who renders billed care and the
// entity they bill under. Their NPI, credentials and licence are their
// staff profile's (StaffProfile), filled by the store: a bill names what
// is missing there rather than printing it blank.
type BillingClinician struct {
	UserID       int64  `json:"user_id"`
	EntityID     int64  `json:"entity_id"`
	Name         string `json:"name"`
	NPI          string `json:"npi"`
	Credentials  string `json:"credentials"`
	Licence      string `json:"licence"`
	LicenceState string `json:"licence_state"`
}

// Missing returns the names of what a bill needs of c that is empty.
func (c *BillingClinician) Missing() []string {
	var m []string
	for _, f := range []struct{ v, name string }{{c.NPI, "NPI"}, {c.Credentials, "credentials"}, {c.Licence, "licence number"}, {c.LicenceState, "licence state"}} {
		if f.v == "" {
			m = append(m, f.name)
		}
	}
	return m
}

// CheckNPI returns nil when s is a National Provider Identifier: 10 digits
// whose last is the Luhn check digit computed with the prefix 80840
// (the card-issuer prefix the NPI standard assigns), else an error whose
// message says what is wrong.
func CheckNPI(s string) error {
	if len(s) != 10 || strings.Trim(s, "0123456789") != "" {
		return Errorf(EINVALID, "An NPI is 10 digits.")
	}
	if s[0] != '1' && s[0] != '2' {
		return Errorf(EINVALID, "An NPI starts with 1 (a person) or 2 (an organisation).")
	}
	if !ValidNPI(s) {
		return Errorf(EINVALID, "This is not a valid NPI: its check digit does not match (a digit may be mistyped).")
	}
	return nil
}

// CheckTaxID returns nil when s is an Employer Identification Number
// written 12-3456789 with a prefix the IRS assigns.
func CheckTaxID(s string) error {
	if !einRE.MatchString(s) {
		return Errorf(EINVALID, "Enter the tax ID (EIN) as 9 digits written 12-3456789.")
	}
	switch s[:2] {
	case "00", "07", "08", "09", "17", "18", "19", "28", "29", "49", "69", "70", "78", "79", "89", "96", "97":
		return Errorf(EINVALID, "%s", "No EIN starts with "+s[:2]+": check the tax ID.")
	}
	return nil
}

var einRE = regexp.MustCompile(`^[0-9]{2}-[0-9]{7}$`)

// IsUSState reports whether s is a two-letter code of a US state, DC or
// territory.
func IsUSState(s string) bool { return contains(usStates, s) }

// Service codes.

// Code rules: how a fee line picks its service code.
const (
	RuleFixed = "fixed" // the line's Code and Units
	// RulePsychotherapyTime picks 90832, 90834 or 90837 from the minutes
	// of psychotherapy; under 16 minutes there is no psychotherapy code.
	RulePsychotherapyTime = "psychotherapy-time"
	// RuleEvaluationThenTime is 90791 for the client's first
	// psychotherapy service, then RulePsychotherapyTime.
	RuleEvaluationThenTime = "evaluation-then-time"
	// RuleEMTime picks an office visit code by the clinician's minutes:
	// 99202–99205 for a new patient, 99212–99215 for an established one.
	RuleEMTime = "em-time"
	// RulePerHour is the line's Code with one unit per started hour of
	// the session beyond its first 30 minutes (0820T for monitoring).
	RulePerHour = "per-hour"
)

// CodeRules lists the rules in the order a form offers them.
var CodeRules = []string{RuleFixed, RulePsychotherapyTime, RuleEvaluationThenTime, RuleEMTime, RulePerHour}

// ServiceCode is a CPT or HCPCS code with its units and modifiers.
type ServiceCode struct {
	Code      string   `json:"code"`
	Units     int      `json:"units"`
	Modifiers []string `json:"modifiers"`
}

var (
	cptRE      = regexp.MustCompile(`^[0-9]{5}$|^[0-9]{4}[FTU]$`) // Category I, II (F), III (T), PLA (U)
	hcpcsRE    = regexp.MustCompile(`^[A-V][0-9]{4}$`)
	modifierRE = regexp.MustCompile(`^[0-9A-Z]{2}$`)
	icd10RE    = regexp.MustCompile(`^[A-TV-Z][0-9][0-9AB](\.[0-9A-TV-Z]{1,4})?$`)
)

// CheckServiceCode returns nil when s is written as a CPT (five digits,
// or four and F, T or U) or HCPCS Level II code (a letter and four
// digits), else an error saying so.
func CheckServiceCode(s string) error {
	if cptRE.MatchString(s) || hcpcsRE.MatchString(s) {
		return nil
	}
	return Errorf(EINVALID, "Enter a CPT code (five digits, such as 90834, or four and a letter, such as 0820T) or an HCPCS code (a letter and four digits, such as J3490).")
}

// CheckModifier returns nil when s is a two-character modifier (95, GT, HO).
func CheckModifier(s string) error {
	if modifierRE.MatchString(s) {
		return nil
	}
	return Errorf(EINVALID, "A modifier is two letters or digits, such as 95.")
}

// CheckDiagnosis returns nil when s is an ICD-10-CM code written with its
// dot (F33.1) and specific enough to bill: a category Journey knows has
// subcodes (F32, F33, F41, F43, F43.1, F43.2) is refused naming them.
func CheckDiagnosis(s string) error {
	if !icd10RE.MatchString(s) {
		return Errorf(EINVALID, "Enter an ICD-10 code with its dot, such as F33.1.")
	}
	if sub, ok := diagnosisHeaders[s]; ok {
		return Errorf(EINVALID, "%s", s+" is a category, not a billable code: choose one of "+sub+".")
	}
	return nil
}

var diagnosisHeaders = map[string]string{
	"F32":   "F32.0–F32.5, F32.9 or F32.A",
	"F33":   "F33.0–F33.3, F33.8 or F33.9",
	"F41":   "F41.0, F41.1, F41.8 or F41.9",
	"F43":   "F43.0, F43.10–F43.12, F43.20–F43.25, F43.29, F43.8 or F43.9",
	"F43.1": "F43.10, F43.11 or F43.12",
	"F43.2": "F43.20–F43.25 or F43.29",
}

// Diagnosis is an ICD-10-CM code with its description.
type Diagnosis struct {
	Code        string `json:"code"`
	Description string `json:"description"`
}

// CommonDiagnoses are the codes a diagnosis list offers first: those a
// KAP practice most often treats. Any other billable code may be typed.
var CommonDiagnoses = []Diagnosis{
	{"F32.0", "Major depressive disorder, single episode, mild"},
	{"F32.1", "Major depressive disorder, single episode, moderate"},
	{"F32.2", "Major depressive disorder, single episode, severe without psychotic features"},
	{"F32.3", "Major depressive disorder, single episode, severe with psychotic features"},
	{"F32.4", "Major depressive disorder, single episode, in partial remission"},
	{"F32.5", "Major depressive disorder, single episode, in full remission"},
	{"F32.9", "Major depressive disorder, single episode, unspecified"},
	{"F32.A", "Depression, unspecified"},
	{"F33.0", "Major depressive disorder, recurrent, mild"},
	{"F33.1", "Major depressive disorder, recurrent, moderate"},
	{"F33.2", "Major depressive disorder, recurrent, severe without psychotic features"},
	{"F33.3", "Major depressive disorder, recurrent, severe with psychotic symptoms"},
	{"F33.40", "Major depressive disorder, recurrent, in remission, unspecified"},
	{"F33.41", "Major depressive disorder, recurrent, in partial remission"},
	{"F33.42", "Major depressive disorder, recurrent, in full remission"},
	{"F33.8", "Other recurrent depressive disorders"},
	{"F33.9", "Major depressive disorder, recurrent, unspecified"},
	{"F41.1", "Generalized anxiety disorder"},
	{"F43.10", "Post-traumatic stress disorder, unspecified"},
	{"F43.11", "Post-traumatic stress disorder, acute"},
	{"F43.12", "Post-traumatic stress disorder, chronic"},
	{"F43.21", "Adjustment disorder with depressed mood"},
}

// DiagnosisDescription returns a known code's description, "" otherwise.
func DiagnosisDescription(code string) string {
	for _, d := range CommonDiagnoses {
		if d.Code == code {
			return d.Description
		}
	}
	return ""
}

// MaxDiagnoses bounds a client's diagnosis list: a claim form has twelve
// places (A–L), and each line points at up to four of them.
const (
	MaxDiagnoses     = 12
	MaxLinePointers  = 4
	MaxLineModifiers = 4
)

// KnownCode is a service code Journey describes in its own words.
type KnownCode struct {
	Code        string
	Description string
}

// KnownCodes are the service codes a KAP practice uses (DOMAIN: the
// psychotherapy, office visit, monitoring and administration codes).
var KnownCodes = []KnownCode{
	{"90791", "Psychiatric diagnostic evaluation"},
	{"90792", "Psychiatric diagnostic evaluation with medical services"},
	{"90832", "Psychotherapy, 30 minutes (16–37)"},
	{"90834", "Psychotherapy, 45 minutes (38–52)"},
	{"90837", "Psychotherapy, 60 minutes (53 or more)"},
	{"90833", "Psychotherapy add-on with an E/M visit, 30 minutes"},
	{"90836", "Psychotherapy add-on with an E/M visit, 45 minutes"},
	{"90838", "Psychotherapy add-on with an E/M visit, 60 minutes"},
	{"90853", "Group psychotherapy"},
	{"99202", "Office visit, new patient, 15 minutes or more"},
	{"99203", "Office visit, new patient, 30 minutes or more"},
	{"99204", "Office visit, new patient, 45 minutes or more"},
	{"99205", "Office visit, new patient, 60 minutes or more"},
	{"99212", "Office visit, established patient, 10 minutes or more"},
	{"99213", "Office visit, established patient, 20 minutes or more"},
	{"99214", "Office visit, established patient, 30 minutes or more"},
	{"99215", "Office visit, established patient, 40 minutes or more"},
	{"0820T", "Monitoring during psychedelic medication therapy, first clinician, per hour"},
	{"0821T", "Monitoring during psychedelic medication therapy, second clinician, per hour"},
	{"0822T", "Monitoring during psychedelic medication therapy, clinical staff, per hour"},
	{"96372", "Therapeutic injection, intramuscular"},
	{"J3490", "Unclassified drug (ketamine), with its NDC"},
}

// CodeDescription returns a known code's description, "" otherwise.
func CodeDescription(code string) string {
	for _, k := range KnownCodes {
		if k.Code == code {
			return k.Description
		}
	}
	return ""
}

// PsychotherapyCode returns the psychotherapy code for minutes of
// psychotherapy (90832 16–37, 90834 38–52, 90837 53 and more), "" under 16.
func PsychotherapyCode(minutes int) string {
	switch {
	case minutes >= 53:
		return "90837"
	case minutes >= 38:
		return "90834"
	case minutes >= 16:
		return "90832"
	}
	return ""
}

// EMCode returns the office visit code for a clinician's total minutes on
// the day, for a new or an established patient; "" below the least.
func EMCode(minutes int, newPatient bool) string {
	if newPatient {
		switch {
		case minutes >= 60:
			return "99205"
		case minutes >= 45:
			return "99204"
		case minutes >= 30:
			return "99203"
		case minutes >= 15:
			return "99202"
		}
		return ""
	}
	switch {
	case minutes >= 40:
		return "99215"
	case minutes >= 30:
		return "99214"
	case minutes >= 20:
		return "99213"
	case minutes >= 10:
		return "99212"
	}
	return ""
}

// Places of service (the claim form's codes).
const (
	POSTelehealthOther = "02" // telehealth, the client not at home
	POSTelehealthHome  = "10" // telehealth in the client's home
	POSOffice          = "11"
	POSHome            = "12"
)

// PlaceOfService returns the place of service for a session's mode: an
// in-person session at the office is 11; a remote one is telehealth in
// the client's home (10) unless atHome is false (02).
func PlaceOfService(mode string, atHome bool) string {
	if mode != ModeRemote {
		return POSOffice
	}
	if atHome {
		return POSTelehealthHome
	}
	return POSTelehealthOther
}

// Session events a fee line charges for.
const (
	EventCompleted  = "completed"
	EventLateCancel = "late_cancel"
	EventNoShow     = "no_show"
)

// FeeLine is one line of the fee schedule: what a session of a type (in a
// mode and by a route, when given) is charged on an event, under which
// charge type and entity, with which code. A missed-appointment fee
// (late cancel, no-show) has no service code: it is not a service and
// can never reach a superbill or claim.
type FeeLine struct {
	ID          int64    `json:"id"`
	SessionType string   `json:"session_type"`
	Event       string   `json:"event"`
	Mode        string   `json:"mode,omitempty"`  // "" any, else ModeInPerson or ModeRemote
	Route       string   `json:"route,omitempty"` // "" any, else RouteLozenge or RouteIM (medicine only)
	ChargeType  string   `json:"charge_type"`
	EntityID    int64    `json:"entity_id"`
	Rule        string   `json:"rule"`
	Code        string   `json:"code,omitempty"` // RuleFixed and RulePerHour
	Units       int      `json:"units"`          // RuleFixed
	Modifiers   []string `json:"modifiers,omitempty"`
	FeeCents    int64    `json:"fee_cents"` // per unit; 0 takes the price list's fee for the code
	Description string   `json:"description"`
	Position    int      `json:"position"`
	Active      bool     `json:"active"`
}

// MaxFeeCents bounds one fee (and one payment): $100,000.00.
const MaxFeeCents = 10_000_000

// Validate trims l and returns EINVALID naming each wrong field; kinds
// maps an entity id to its kind, so a line never bills a charge type its
// entity may not.
func (l *FeeLine) Validate(kinds map[int64]string) error {
	var v Validation
	l.Code, l.Description = strings.ToUpper(Line(l.Code)), Line(l.Description)
	if !IsSessionType(l.SessionType) {
		v.Add("session_type", "Choose a session type.")
	}
	if l.Event != EventCompleted && l.Event != EventLateCancel && l.Event != EventNoShow {
		v.Add("event", "Choose completed, late cancellation or no-show.")
	}
	if l.Mode != "" && l.Mode != ModeInPerson && l.Mode != ModeRemote {
		v.Add("mode", "Choose any, in person or remote.")
	}
	if l.Route != "" && (l.SessionType != TypeMedicine || (l.Route != RouteLozenge && l.Route != RouteIM)) {
		v.Add("route", "A route applies to medicine sessions only: lozenge or intramuscular.")
	}
	if !slices.Contains(ChargeTypes, l.ChargeType) {
		v.Add("charge_type", "Choose psychotherapy, medicine session, prescriber care or medication.")
	} else if kind, ok := kinds[l.EntityID]; !ok {
		v.Add("entity_id", "Choose the entity that bills it.")
	} else if !slices.Contains(EntityChargeTypes(kind), l.ChargeType) {
		v.Add("entity_id", "The "+kind+" entity does not bill "+strings.ToLower(ChargeTypeName(l.ChargeType))+".")
	}
	if l.ChargeType == ChargeMedicineSession && l.SessionType != TypeMedicine {
		v.Add("charge_type", "Only a medicine session carries the medicine-session fee.")
	}
	fee := l.Event != EventCompleted
	switch {
	case fee && l.Rule != RuleFixed:
		v.Add("rule", "A missed-appointment fee is a fixed amount.")
	case !slices.Contains(CodeRules, l.Rule):
		v.Add("rule", "Choose how the code is chosen.")
	}
	switch {
	case fee && l.Code != "":
		v.Add("code", "A missed-appointment fee is not a service: leave the code empty.")
	case (l.Rule == RuleFixed && !fee) || l.Rule == RulePerHour:
		if err := CheckServiceCode(l.Code); err != nil {
			v.Add("code", err.Error())
		}
	case l.Rule != RuleFixed && l.Code != "":
		v.Add("code", "This rule chooses the code: leave it empty.")
	}
	if l.Rule == RuleFixed && (l.Units < 1 || l.Units > 99) {
		v.Add("units", "Enter the units, from 1 to 99.")
	}
	if len(l.Modifiers) > MaxLineModifiers {
		v.Add("modifiers", "A line carries at most 4 modifiers.")
	}
	for i, m := range l.Modifiers {
		l.Modifiers[i] = strings.ToUpper(strings.TrimSpace(m))
		if err := CheckModifier(l.Modifiers[i]); err != nil {
			v.Add("modifiers", err.Error())
			break
		}
	}
	if l.FeeCents < 0 || l.FeeCents > MaxFeeCents {
		v.Add("fee_cents", "Enter a fee from $0.00 to $100,000.00 (0 takes the price list's fee).")
	}
	if fee && l.FeeCents == 0 {
		v.Add("fee_cents", "Enter the fee.")
	}
	checkText(&v, "description", l.Description, 1, 120)
	return v.Err()
}

// Matches reports whether l applies to session s on event.
func (l *FeeLine) Matches(s *CareSession, event string) bool {
	return l.Active && l.SessionType == s.Type && l.Event == event &&
		(l.Mode == "" || l.Mode == s.Mode) && (l.Route == "" || l.Route == s.Route)
}

// CodePrice is the practice's fee for one unit of a service code.
type CodePrice struct {
	Code        string `json:"code"`
	Description string `json:"description"`
	Cents       int64  `json:"cents"`
}

// FeeSchedule is the practice's fee schedule: its lines and its price list.
type FeeSchedule struct {
	Lines  []*FeeLine   `json:"lines"`
	Prices []*CodePrice `json:"prices"`
	// TelehealthModifier is added to every service code of a remote
	// session, not to a drug's HCPCS code (default "95"; empty adds none).
	TelehealthModifier string `json:"telehealth_modifier"`
}

// Price returns the price list's fee for code, and whether it has one.
func (fs *FeeSchedule) Price(code string) (int64, bool) {
	for _, p := range fs.Prices {
		if p.Code == code {
			return p.Cents, true
		}
	}
	return 0, false
}

// ChargeFacts is what the fee schedule needs to know of a session event.
type ChargeFacts struct {
	Session  *CareSession
	Event    string
	ClientID int64  // the client charged (a group's attendee)
	Date     string // the date of service, YYYY-MM-DD in the practice's zone
	// Minutes is the length of the service as the clinician recorded it
	// (the session's own length when they did not).
	Minutes int
	// FirstPsychotherapy: the client has no earlier psychotherapy charge
	// (RuleEvaluationThenTime); NewPatient: no earlier prescriber charge
	// at the entity within three years (RuleEMTime).
	FirstPsychotherapy bool
	NewPatient         bool
	AtHome             bool     // a remote client is at home (POS 10, else 02)
	Diagnoses          []string // the client's list, in pointer order
	NDC                string   // medication: the container's NDC, when known
}

// ChargesFor returns the charges the schedule makes for facts, one per
// matching line, unsaved. A line whose rule finds no code (a 12-minute
// psychotherapy session) or no price is returned in skipped with the
// reason, so staff see why nothing was charged.
func (fs *FeeSchedule) ChargesFor(f ChargeFacts) (charges []*Charge, skipped []string) {
	s := f.Session
	for _, l := range fs.Lines {
		if !l.Matches(s, f.Event) {
			continue
		}
		c := &Charge{
			ClientID: f.ClientID, SessionID: s.ID, FeeLineID: l.ID, ChargeType: l.ChargeType,
			EntityID: l.EntityID, Event: f.Event, Date: f.Date, Minutes: f.Minutes,
			Description: l.Description, Currency: Currency, Status: ChargeOpen,
			POS: PlaceOfService(s.Mode, f.AtHome),
		}
		switch l.ChargeType {
		case ChargePsychotherapy, ChargeMedicineSession:
			c.ClinicianID = s.TherapistID
		default:
			c.ClinicianID = s.MedicalProviderID
		}
		units := 1
		switch l.Rule {
		case RuleFixed:
			c.Code, units = l.Code, l.Units
		case RulePsychotherapyTime:
			c.Code = PsychotherapyCode(f.Minutes)
		case RuleEvaluationThenTime:
			if c.Code = PsychotherapyCode(f.Minutes); f.FirstPsychotherapy && c.Code != "" {
				c.Code = "90791"
			}
		case RuleEMTime:
			c.Code = EMCode(f.Minutes, f.NewPatient)
		case RulePerHour:
			c.Code, units = l.Code, max(1, int(math.Ceil(float64(f.Minutes-30)/60)))
		}
		if f.Event == EventCompleted && c.Code == "" {
			skipped = append(skipped, l.Description+": "+itoa(f.Minutes)+" minutes is too short for a billable code")
			continue
		}
		c.Units = units
		if c.Code != "" {
			c.Modifiers = slices.Clone(l.Modifiers)
			// The telehealth modifier marks a service given by video, not
			// a drug or supply (an HCPCS Level II code such as J3490).
			if s.Mode == ModeRemote && fs.TelehealthModifier != "" && !hcpcsRE.MatchString(c.Code) && !slices.Contains(c.Modifiers, fs.TelehealthModifier) {
				c.Modifiers = append(c.Modifiers, fs.TelehealthModifier)
			}
			if len(f.Diagnoses) > 0 {
				c.Diagnoses = slices.Clone(f.Diagnoses[:min(len(f.Diagnoses), MaxLinePointers)])
			}
		}
		if l.ChargeType == ChargeMedication {
			c.NDC = f.NDC
		}
		per := l.FeeCents
		if per == 0 {
			p, ok := fs.Price(c.Code)
			if !ok {
				skipped = append(skipped, l.Description+": no fee for "+c.Code+" in the price list")
				continue
			}
			per = p
		}
		c.AmountCents = per * int64(units)
		charges = append(charges, c)
	}
	return charges, skipped
}

// Charge statuses: a charge is never edited; it is voided, or adjusted by
// postings.
const (
	ChargeOpen = "open"
	ChargeVoid = "void"
)

// Charge is one billed line: a service (or a missed-appointment fee) of a
// charge type, billed by one entity.
type Charge struct {
	ID          int64    `json:"id"`
	ClientID    int64    `json:"client_id"`
	SessionID   int64    `json:"session_id,omitempty"`
	FeeLineID   int64    `json:"fee_line_id,omitempty"`
	ChargeType  string   `json:"charge_type"`
	EntityID    int64    `json:"entity_id"`
	ClinicianID int64    `json:"clinician_id,omitempty"` // the rendering clinician
	Event       string   `json:"event"`
	Date        string   `json:"date"` // YYYY-MM-DD
	Code        string   `json:"-"`    // see Codes
	Units       int      `json:"-"`
	Modifiers   []string `json:"-"`
	POS         string   `json:"place_of_service"`
	Minutes     int      `json:"minutes,omitempty"`
	NDC         string   `json:"ndc,omitempty"`
	Description string   `json:"description"`
	Diagnoses   []string `json:"diagnoses"` // ICD-10, the line's pointers in order
	AmountCents int64    `json:"amount_cents"`
	Currency    string   `json:"currency"`
	Status      string   `json:"status"`
	VoidReason  string   `json:"void_reason,omitempty"`
	// AdjustedCents is the sum of the adjustments posted against the
	// charge (negative for a discount), filled by the store.
	AdjustedCents int64     `json:"adjusted_cents"`
	CreatedBy     int64     `json:"-"`
	CreatedAt     time.Time `json:"created_at"`
}

// Codes returns the charge's service code as the API lists it (none for a
// missed-appointment fee).
func (c *Charge) Codes() []ServiceCode {
	if c.Code == "" {
		return []ServiceCode{}
	}
	return []ServiceCode{{Code: c.Code, Units: c.Units, Modifiers: append([]string{}, c.Modifiers...)}}
}

// Document kinds. Each document holds charges of one entity and one
// charge type.
const (
	DocStatement = "statement"
	DocInvoice   = "invoice"
	DocSuperbill = "superbill"
	DocEstimate  = "estimate"
)

// Superbillable returns nil when c may go on a superbill (or a claim):
// a psychotherapy service, not voided, with a service code. Otherwise an
// EINVALID error naming the charge and why, in words for the client.
func Superbillable(c *Charge) error {
	switch {
	case c.ChargeType != ChargePsychotherapy:
		return Errorf(EINVALID, "%s", "Charge "+i64s(c.ID)+" is "+strings.ToLower(ChargeTypeName(c.ChargeType))+": only psychotherapy goes on a superbill.")
	case c.Status == ChargeVoid:
		return Errorf(EINVALID, "%s", "Charge "+i64s(c.ID)+" was voided.")
	case c.Code == "":
		return Errorf(EINVALID, "%s", "Charge "+i64s(c.ID)+" is a missed-appointment fee, not a service: it cannot go on a superbill.")
	}
	return nil
}

// CheckDocument returns nil when charges may share one document of kind:
// one client, one entity, one charge type, and for a superbill each
// Superbillable; else EINVALID saying which charge breaks which rule.
func CheckDocument(kind string, charges []*Charge) error {
	if len(charges) == 0 {
		return Errorf(EINVALID, "There is nothing to put on it: no charges were chosen.")
	}
	first := charges[0]
	for _, c := range charges {
		if kind == DocSuperbill {
			if err := Superbillable(c); err != nil {
				return err
			}
		}
		switch {
		case c.ClientID != first.ClientID:
			return Errorf(EINVALID, "%s", "Charge "+i64s(c.ID)+" is another client's.")
		case c.EntityID != first.EntityID:
			return Errorf(EINVALID, "%s", "Charge "+i64s(c.ID)+" is billed by another entity: one document, one entity.")
		case c.ChargeType != first.ChargeType:
			return Errorf(EINVALID, "%s", "Charge "+i64s(c.ID)+" is "+strings.ToLower(ChargeTypeName(c.ChargeType))+", not "+strings.ToLower(ChargeTypeName(first.ChargeType))+": one document, one charge type.")
		}
	}
	return nil
}

// Document is a statement, invoice, superbill or estimate as issued: the
// PDF is kept as it was given to the client.
type Document struct {
	ID         int64     `json:"id"`
	ClientID   int64     `json:"client_id"`
	EntityID   int64     `json:"entity_id"`
	ChargeType string    `json:"charge_type"`
	Kind       string    `json:"kind"`
	From       string    `json:"from,omitempty"` // YYYY-MM-DD, a period's first day
	To         string    `json:"to,omitempty"`
	ChargeIDs  []int64   `json:"charge_ids"`
	TotalCents int64     `json:"total_cents"`
	PDF        []byte    `json:"-"` // sealed at rest
	CreatedBy  int64     `json:"-"`
	CreatedAt  time.Time `json:"created_at"`
}

// Postings: every change to what a client owes an entity. AmountCents is
// signed: positive raises the balance (a charge, a refund), negative
// lowers it (a payment, a void, a discount).
const (
	PostCharge     = "charge"
	PostVoid       = "void"
	PostAdjustment = "adjustment"
	PostPayment    = "payment"
	PostRefund     = "refund"
)

// Posting is one appended line of a client's ledger with an entity.
type Posting struct {
	ID          int64     `json:"id"`
	ClientID    int64     `json:"client_id"`
	EntityID    int64     `json:"entity_id"`
	ChargeType  string    `json:"charge_type"`
	Kind        string    `json:"kind"`
	ChargeID    int64     `json:"charge_id,omitempty"`
	PaymentID   int64     `json:"payment_id,omitempty"`
	AmountCents int64     `json:"amount_cents"`
	Currency    string    `json:"currency"`
	Memo        string    `json:"memo"` // the reason for a void or adjustment; sealed
	By          int64     `json:"by"`
	At          time.Time `json:"at"`
}

// Ledger is a client's postings with one entity (or every entity) and
// the balance they come to.
type Ledger struct {
	ClientID     int64            `json:"client_id"`
	EntityID     int64            `json:"entity_id,omitempty"`
	Postings     []*Posting       `json:"postings"`
	BalanceCents int64            `json:"balance_cents"`
	ByType       map[string]int64 `json:"balance_by_charge_type"`
}

// Balance returns the sum of postings, and the sum per charge type.
func Balance(postings []*Posting) (int64, map[string]int64) {
	var total int64
	by := map[string]int64{}
	for _, p := range postings {
		total += p.AmountCents
		by[p.ChargeType] += p.AmountCents
	}
	return total, by
}

// Payment methods: recorded by staff (cash, a check, a card at the
// practice's own terminal) or paid by the client online (card through
// the payment processor).
const (
	PayCash   = "cash"
	PayCheck  = "check"
	PayCard   = "card"
	PayOnline = "online"
)

// Payment statuses. A card paid online is pending until the processor
// confirms it (its webhook); only a succeeded payment is posted.
const (
	PaymentPending   = "pending"
	PaymentSucceeded = "succeeded"
	PaymentFailed    = "failed"
)

// Payment is money received from a client for one entity and one charge
// type. IdempotencyKey makes a retried request the same payment.
type Payment struct {
	ID             int64     `json:"id"`
	ClientID       int64     `json:"client_id"`
	EntityID       int64     `json:"entity_id"`
	ChargeType     string    `json:"charge_type"`
	AmountCents    int64     `json:"amount_cents"`
	Currency       string    `json:"currency"`
	Method         string    `json:"method"`
	Reference      string    `json:"reference,omitempty"` // a check's number, a terminal's receipt
	Status         string    `json:"status"`
	ProcessorRef   string    `json:"-"` // the processor's payment id
	IdempotencyKey string    `json:"idempotency_key"`
	RefundedCents  int64     `json:"refunded_cents"`
	DocumentID     int64     `json:"document_id,omitempty"` // the statement it paid, if any
	By             int64     `json:"-"`                     // 0: the client online
	At             time.Time `json:"at"`
}

// Refund is money returned against a payment.
type Refund struct {
	ID           int64     `json:"id"`
	PaymentID    int64     `json:"payment_id"`
	AmountCents  int64     `json:"amount_cents"`
	Reason       string    `json:"reason"`
	ProcessorRef string    `json:"-"`
	By           int64     `json:"-"`
	At           time.Time `json:"at"`
}

// Payers: how a client pays an entity.
const (
	PayerInsurance = "insurance"
	PayerSelfPay   = "self-pay"
)

// Coverage is how a client pays one entity: through insurance (with the
// plan's names and the member ID a superbill needs) or by themselves.
type Coverage struct {
	ClientID    int64     `json:"client_id"`
	EntityID    int64     `json:"entity_id"`
	Payer       string    `json:"payer"`
	Insurer     string    `json:"insurer,omitempty"`
	MemberID    string    `json:"member_id,omitempty"` // sealed
	GroupNumber string    `json:"group_number,omitempty"`
	UpdatedBy   int64     `json:"-"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Validate trims c and returns EINVALID naming each wrong field.
func (c *Coverage) Validate() error {
	var v Validation
	c.Insurer, c.MemberID, c.GroupNumber = Line(c.Insurer), Line(c.MemberID), Line(c.GroupNumber)
	switch c.Payer {
	case PayerSelfPay:
		c.Insurer, c.MemberID, c.GroupNumber = "", "", ""
	case PayerInsurance:
		checkText(&v, "insurer", c.Insurer, 1, 120)
		checkText(&v, "member_id", c.MemberID, 1, 40)
		checkText(&v, "group_number", c.GroupNumber, 0, 40)
	default:
		v.Add("payer", "Choose insurance or self-pay.")
	}
	return v.Err()
}

// Good Faith Estimates (the No Surprises Act).

// Estimate reasons.
const (
	EstimateScheduled  = "scheduled"   // a service was booked
	EstimateRequested  = "requested"   // the client asked
	EstimatePlanChange = "plan-change" // the plan changed: re-issued
)

// DisputeThresholdCents is how far a bill may come above its estimate
// for one provider before the client may dispute it: $400.
const DisputeThresholdCents = 40_000

// Disputable reports whether billed is at least the threshold above
// estimated.
func Disputable(billedCents, estimatedCents int64) bool {
	return billedCents-estimatedCents >= DisputeThresholdCents
}

// EstimateLine is one expected item of a Good Faith Estimate.
type EstimateLine struct {
	Service      string   `json:"service"` // the session type's name
	SessionType  string   `json:"session_type"`
	Code         string   `json:"code,omitempty"`
	Modifiers    []string `json:"modifiers,omitempty"`
	Diagnoses    []string `json:"diagnoses"`
	Quantity     int      `json:"quantity"`
	UnitCents    int64    `json:"unit_cents"`
	TotalCents   int64    `json:"total_cents"`
	ProviderName string   `json:"provider_name"`
	ProviderNPI  string   `json:"provider_npi"`
	FacilityName string   `json:"facility_name"`
	FacilityNPI  string   `json:"facility_npi,omitempty"`
	FacilityTIN  string   `json:"facility_tin"`
}

// Estimate is a Good Faith Estimate issued to a client by one entity for
// one charge type: the expected charges of their plan.
type Estimate struct {
	ID           int64          `json:"id"`
	ClientID     int64          `json:"client_id"`
	EntityID     int64          `json:"entity_id"`
	ChargeType   string         `json:"charge_type"`
	Reason       string         `json:"reason"`
	RequestedAt  time.Time      `json:"requested_at"` // when it became due: the booking or the request
	DueBy        time.Time      `json:"due_by"`
	IssuedAt     time.Time      `json:"issued_at"`
	ServiceFrom  string         `json:"service_from"` // YYYY-MM-DD
	ServiceTo    string         `json:"service_to"`
	Lines        []EstimateLine `json:"lines"`
	TotalCents   int64          `json:"total_cents"`
	SupersedesID int64          `json:"supersedes_id,omitempty"`
	DocumentID   int64          `json:"document_id"`
}

// Business days and the estimate's deadlines.

// USFederalHolidays returns the dates (midnight UTC) of the US federal
// holidays observed in year: a holiday on a Saturday is observed the
// Friday before, one on a Sunday the Monday after (5 U.S.C. 6103).
func USFederalHolidays(year int) []time.Time {
	d := func(m time.Month, day int) time.Time { return time.Date(year, m, day, 0, 0, 0, 0, time.UTC) }
	nth := func(m time.Month, wd time.Weekday, n int) time.Time {
		t := d(m, 1)
		for t.Weekday() != wd {
			t = t.AddDate(0, 0, 1)
		}
		return t.AddDate(0, 0, 7*(n-1))
	}
	last := func(m time.Month, wd time.Weekday) time.Time {
		t := d(m+1, 1).AddDate(0, 0, -1)
		for t.Weekday() != wd {
			t = t.AddDate(0, 0, -1)
		}
		return t
	}
	observed := func(t time.Time) time.Time {
		switch t.Weekday() {
		case time.Saturday:
			return t.AddDate(0, 0, -1)
		case time.Sunday:
			return t.AddDate(0, 0, 1)
		}
		return t
	}
	return []time.Time{
		observed(d(time.January, 1)),
		nth(time.January, time.Monday, 3),  // Birthday of Martin Luther King, Jr.
		nth(time.February, time.Monday, 3), // Washington's Birthday
		last(time.May, time.Monday),        // Memorial Day
		observed(d(time.June, 19)),         // Juneteenth
		observed(d(time.July, 4)),
		nth(time.September, time.Monday, 1),  // Labor Day
		nth(time.October, time.Monday, 2),    // Columbus Day
		observed(d(time.November, 11)),       // Veterans Day
		nth(time.November, time.Thursday, 4), // Thanksgiving Day
		observed(d(time.December, 25)),
	}
}

// IsBusinessDay reports whether the calendar date of t (its own zone) is
// a weekday that is not a US federal holiday. (New Year's Day of the next
// year observed on 31 December is found through that year's list.)
func IsBusinessDay(t time.Time) bool {
	if t.Weekday() == time.Saturday || t.Weekday() == time.Sunday {
		return false
	}
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	for _, y := range []int{t.Year(), t.Year() + 1} {
		for _, h := range USFederalHolidays(y) {
			if h.Equal(day) {
				return false
			}
		}
	}
	return true
}

// AddBusinessDays returns the calendar date n business days after t's
// date (same clock, same zone).
func AddBusinessDays(t time.Time, n int) time.Time {
	for n > 0 {
		t = t.AddDate(0, 0, 1)
		if IsBusinessDay(t) {
			n--
		}
	}
	return t
}

// BusinessDaysBetween counts the business days after a's date up to and
// including b's date (so Monday to Thursday is 3), 0 when b is not after a.
func BusinessDaysBetween(a, b time.Time) int {
	n := 0
	a = time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, a.Location())
	b = time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, a.Location())
	for t := a.AddDate(0, 0, 1); !t.After(b); t = t.AddDate(0, 0, 1) {
		if IsBusinessDay(t) {
			n++
		}
	}
	return n
}

// EstimateDueBy returns when a Good Faith Estimate must reach a client
// for a service booked at `booked` to be given at `service`, both read in
// loc (the practice's zone): booked 10 or more business days ahead, by
// the end of the third business day after booking; 3 or more, by the end
// of the first; fewer, no deadline applies (ok false), though Journey
// still issues one at once. On a client's request use EstimateRequestDue.
func EstimateDueBy(booked, service time.Time, loc *time.Location) (due time.Time, ok bool) {
	b, s := booked.In(loc), service.In(loc)
	switch n := BusinessDaysBetween(b, s); {
	case n >= 10:
		return endOfDay(AddBusinessDays(b, 3)), true
	case n >= 3:
		return endOfDay(AddBusinessDays(b, 1)), true
	}
	return time.Time{}, false
}

// EstimateRequestDue returns when an estimate the client asked for at
// `asked` is due: the end of the third business day after, in loc.
func EstimateRequestDue(asked time.Time, loc *time.Location) time.Time {
	return endOfDay(AddBusinessDays(asked.In(loc), 3))
}

func endOfDay(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 23, 59, 59, 0, t.Location())
}

// FormatCents writes cents as dollars: 123456 → "$1,234.56", -500 →
// "-$5.00".
func FormatCents(c int64) string {
	neg := c < 0
	if neg {
		c = -c
	}
	d := i64s(c / 100)
	for i := len(d) - 3; i > 0; i -= 3 {
		d = d[:i] + "," + d[i:]
	}
	cents := i64s(c % 100)
	if len(cents) == 1 {
		cents = "0" + cents
	}
	s := "$" + d + "." + cents
	if neg {
		s = "-" + s
	}
	return s
}

// ParseCents reads a dollar amount typed by a person ("1,234.5", "$80",
// "80.00") into cents; ok false when it is not one, has more than two
// decimals, or is negative.
func ParseCents(s string) (int64, bool) {
	s = strings.ReplaceAll(strings.TrimPrefix(strings.TrimSpace(s), "$"), ",", "")
	if s == "" {
		return 0, false
	}
	whole, frac, dot := strings.Cut(s, ".")
	if (whole == "" && frac == "") || len(frac) > 2 || (dot && frac == "") || len(whole) > 9 {
		return 0, false
	}
	if strings.Trim(whole, "0123456789") != "" || strings.Trim(frac, "0123456789") != "" {
		return 0, false
	}
	for len(frac) < 2 {
		frac += "0"
	}
	var n int64
	for _, r := range whole + frac {
		n = n*10 + int64(r-'0')
	}
	return n, true
}

func i64s(n int64) string { return strconv.FormatInt(n, 10) }

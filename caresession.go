package journey

import (
	"context"
	"fmt"
	"time"
)

// A care session is one appointment on a client's path after clearance:
// preparation, a medicine session, integration, a follow-up with the
// prescriber, or an integration group. (Session, in this package, is a
// signed-in browser; the clinical appointment is a CareSession.)

// Session type codes: the practice's defaults. A practice may change each
// type's length, buffer, lead time and whether clients book it themselves;
// the codes and what each needs are Journey's.
const (
	TypePreparation      = "preparation"
	TypeMedicine         = "medicine"
	TypeIntegration      = "integration"
	TypePrescriberFollow = "prescriber-follow-up"
	TypeIntegrationGroup = "integration-group"
)

// Resource roles a session may need. A room is a resource too.
const (
	NeedTherapist       = "therapist"
	NeedMedicalProvider = "medical_provider"
	NeedChaperone       = "chaperone"
	NeedRoom            = "room"
	// NeedClient is the client a session is for: not a need of its type,
	// but held like one, so a client is never in two sessions at once.
	NeedClient = "client"
)

// Resource kinds: what the no-overlap rule compares. Every person of
// staff, whatever their role in a session, is one kind, so a therapist
// who is also a chaperone is never in two sessions at once.
const (
	KindStaff  = "staff"
	KindRoom   = "room"
	KindClient = "client"
)

// ResourceKind returns the kind of resource a role is held as.
func ResourceKind(role string) string {
	switch role {
	case NeedRoom:
		return KindRoom
	case NeedClient:
		return KindClient
	}
	return KindStaff
}

// SessionType is one kind of session with the rules the scheduler keeps.
type SessionType struct {
	Code          string        `json:"code"`
	Name          string        `json:"name"`
	Minutes       int           `json:"minutes"`
	BufferMinutes int           `json:"buffer_minutes"` // kept free after it, for every resource it holds
	Needs         []string      `json:"needs"`          // Need… values, in order
	RoomInPerson  bool          `json:"-"`              // the room is needed only when the session is in person
	Capacity      int           `json:"capacity"`       // clients at once; 1 except for a group
	LeadHours     int           `json:"lead_hours"`     // the least notice a booking needs
	ClientBooks   bool          `json:"client_bookable"`
	Position      int           `json:"-"`
	Length        time.Duration `json:"-"` // Minutes as a duration, filled by the store
}

// DefaultSessionTypes returns the types a new practice starts with.
func DefaultSessionTypes() []*SessionType {
	return []*SessionType{
		{Code: TypePreparation, Name: "Preparation", Minutes: 60, Needs: []string{NeedTherapist}, Capacity: 1, LeadHours: 24, ClientBooks: true, Position: 1},
		{Code: TypeMedicine, Name: "Medicine session", Minutes: 180, BufferMinutes: 30, Needs: []string{NeedTherapist, NeedMedicalProvider, NeedChaperone, NeedRoom}, RoomInPerson: true, Capacity: 1, LeadHours: 72, Position: 2},
		{Code: TypeIntegration, Name: "Integration", Minutes: 60, Needs: []string{NeedTherapist}, Capacity: 1, LeadHours: 24, ClientBooks: true, Position: 3},
		{Code: TypePrescriberFollow, Name: "Prescriber follow-up", Minutes: 30, Needs: []string{NeedMedicalProvider}, Capacity: 1, LeadHours: 24, Position: 4},
		{Code: TypeIntegrationGroup, Name: "Integration group", Minutes: 90, Needs: []string{NeedTherapist, NeedRoom}, Capacity: 8, LeadHours: 24, Position: 5},
	}
}

// IsSessionType reports whether code names one of Journey's session types.
func IsSessionType(code string) bool {
	for _, t := range DefaultSessionTypes() {
		if t.Code == code {
			return true
		}
	}
	return false
}

// Validate returns EINVALID naming each wrong field of a practice's change
// to a type: minutes, buffer_minutes, lead_hours, capacity.
func (t *SessionType) Validate() error {
	var v Validation
	if !IsSessionType(t.Code) {
		v.Add("code", "Choose one of the practice's session types.")
	}
	if t.Minutes < 15 || t.Minutes > 480 {
		v.Add("minutes", "A session lasts between 15 and 480 minutes.")
	}
	if t.BufferMinutes < 0 || t.BufferMinutes > 240 {
		v.Add("buffer_minutes", "The buffer after a session is between 0 and 240 minutes.")
	}
	if t.LeadHours < 0 || t.LeadHours > 24*30 {
		v.Add("lead_hours", "The least notice is between 0 and 720 hours (30 days).")
	}
	if t.Capacity < 1 || t.Capacity > 50 || (t.Code != TypeIntegrationGroup && t.Capacity != 1) {
		v.Add("capacity", "Only a group holds more than one client; a group holds up to 50.")
	}
	return v.Err()
}

// Needs reports whether the type needs resource role need in mode.
func (t *SessionType) NeedsIn(need, mode string) bool {
	for _, n := range t.Needs {
		if n == need {
			return need != NeedRoom || !t.RoomInPerson || mode == ModeInPerson
		}
	}
	return false
}

// Session modes and medicine routes.
const (
	ModeInPerson = "in_person"
	ModeRemote   = "remote"

	RouteLozenge = "lozenge" // sublingual lozenge or troche
	RouteIM      = "im"      // intramuscular injection
)

// Session statuses. A booked session moves to checked_in, in_progress and
// completed, or to no_show or cancelled; a reschedule keeps the session and
// raises its Sequence.
const (
	SessionBooked     = "booked"
	SessionCheckedIn  = "checked_in"
	SessionInProgress = "in_progress"
	SessionCompleted  = "completed"
	SessionNoShow     = "no_show"
	SessionCancelled  = "cancelled"
)

// Location is a place the practice sees clients, with its zone.
type Location struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Address  string `json:"address"`
	TimeZone string `json:"time_zone"`
	Active   bool   `json:"active"`
}

// Validate trims and returns EINVALID naming each wrong field: name,
// address, time_zone.
func (l *Location) Validate() error {
	l.Name, l.Address = Line(l.Name), Line(l.Address)
	var v Validation
	checkText(&v, "name", l.Name, 1, 120)
	checkText(&v, "address", l.Address, 0, 300)
	if _, err := LoadZone(l.TimeZone); err != nil {
		v.Add("time_zone", "Choose a known time zone, such as America/Chicago.")
	}
	return v.Err()
}

// Room is a room at a location, with its weekly hours in the location's
// zone and dated exceptions (closed, extra hours).
type Room struct {
	ID         int64               `json:"id"`
	LocationID int64               `json:"location_id"`
	Name       string              `json:"name"`
	Active     bool                `json:"active"`
	TimeZone   string              `json:"time_zone"` // the location's, filled by the store
	Weekly     []WeeklyHours       `json:"-"`
	Exceptions []ScheduleException `json:"-"`
}

// Validate trims and returns EINVALID naming each wrong field: name,
// location_id, and the hours (validateHours).
func (r *Room) Validate() error {
	r.Name = Line(r.Name)
	var v Validation
	checkText(&v, "name", r.Name, 1, 80)
	if r.LocationID <= 0 {
		v.Add("location_id", "Choose the room's location.")
	}
	validateHours(&v, r.Weekly, r.Exceptions)
	return v.Err()
}

// validateHours adds a field error for each weekly window (hours_N, N the
// weekday, 0 for Sunday) and dated exception (exceptions[i].date|kind, or
// exceptions[i]) that is wrong: the consult calendar's rules.
func validateHours(v *Validation, weekly []WeeklyHours, exceptions []ScheduleException) {
	for _, w := range weekly {
		if w.Weekday < time.Sunday || w.Weekday > time.Saturday || w.Start < 0 || w.End > 1440 || w.Start >= w.End {
			v.Add(fmt.Sprintf("hours_%d", w.Weekday), "The start must come before the end.")
		}
	}
	for i, e := range exceptions {
		if _, err := time.Parse(time.DateOnly, e.Date); err != nil {
			v.Add(fmt.Sprintf("exceptions[%d].date", i), "Use a date as YYYY-MM-DD.")
		}
		if e.Kind != ExceptionOff && e.Kind != ExceptionExtra {
			v.Add(fmt.Sprintf("exceptions[%d].kind", i), `Kind is "off" or "extra".`)
		}
		if !(e.Kind == ExceptionOff && e.WholeDay()) && (e.Start < 0 || e.End > 1440 || e.Start >= e.End) {
			v.Add(fmt.Sprintf("exceptions[%d]", i), "The start must come before the end.")
		}
	}
}

// StaffHours are the clinical working hours of a member of staff, in
// their own zone (the profile's), with dated exceptions. They are apart
// from a therapist's free-consult hours, which the public site offers.
type StaffHours struct {
	StaffID    int64
	TimeZone   string
	Roles      []string // the person's clinical roles (Role…), filled by the store
	Weekly     []WeeklyHours
	Exceptions []ScheduleException
}

// Validate returns EINVALID naming each wrong field: time_zone and the
// hours (validateHours).
func (h *StaffHours) Validate() error {
	var v Validation
	if _, err := LoadZone(h.TimeZone); err != nil {
		v.Add("time_zone", "Choose a known time zone, such as America/Chicago.")
	}
	validateHours(&v, h.Weekly, h.Exceptions)
	return v.Err()
}

// ResourceHold is one stretch of time a session holds a person or room:
// [Start, End), End the end of the buffer (a client's, the session's end).
type ResourceHold struct {
	Kind      string // Kind…
	ID        int64
	Role      string // Need…
	SessionID int64
	Start     time.Time
	End       time.Time
}

// CareSession is one booked session of care.
type CareSession struct {
	ID                int64     `json:"id"`
	ClientID          int64     `json:"client_id"` // 0 for a group: see Attendees
	Type              string    `json:"type"`
	Start             time.Time `json:"start"`
	End               time.Time `json:"end"`
	BlockEnd          time.Time `json:"-"` // End plus the type's buffer: every resource is held until then
	Status            string    `json:"status"`
	Mode              string    `json:"mode"`
	Route             string    `json:"route,omitempty"` // medicine sessions only
	TherapistID       int64     `json:"therapist_id,omitempty"`
	MedicalProviderID int64     `json:"medical_provider_id,omitempty"`
	ChaperoneID       int64     `json:"chaperone_id,omitempty"`
	RoomID            int64     `json:"room_id,omitempty"`
	// OnCallID is the medical provider the client calls if they feel
	// unwell during a remote session (the practice's rule); booking a
	// remote medicine session defaults it to its medical provider.
	OnCallID int64 `json:"on_call_id,omitempty"`
	// OnCallName is the on-call contact's name, filled by processing
	// when the session is read: a chaperone's limited view has it
	// without the id, since they need whom to call.
	OnCallName   string  `json:"-"`
	Attendees    []int64 `json:"attendees,omitempty"` // a group's clients
	LateCancel   bool    `json:"late_cancel,omitempty"`
	CancelReason string  `json:"-"` // sealed; staff see it on the session
	// FirstName is the client's first name, filled by processing in a
	// chaperone's limited view (journey.Actor.SessionInFull), which names
	// the client by nothing else.
	FirstName string `json:"-"`
	// RoomKey names the session's video room in its telehealth link
	// (NewRoomKey, made at booking); never in the API's JSON, which gives
	// the link itself to those who may join.
	RoomKey   string    `json:"-"`
	Sequence  int       `json:"sequence"`
	CreatedBy int64     `json:"-"`
	CreatedAt time.Time `json:"-"`
	UpdatedAt time.Time `json:"-"`
}

// Resources returns the (role, id) pairs the session holds.
func (s *CareSession) Resources() []SessionResource {
	var out []SessionResource
	for _, r := range []SessionResource{
		{NeedTherapist, s.TherapistID}, {NeedMedicalProvider, s.MedicalProviderID},
		{NeedChaperone, s.ChaperoneID}, {NeedRoom, s.RoomID},
	} {
		if r.ID != 0 {
			out = append(out, r)
		}
	}
	return out
}

// Hold sets the id the session holds in role (a Need…, not the client).
func (s *CareSession) Hold(role string, id int64) {
	switch role {
	case NeedTherapist:
		s.TherapistID = id
	case NeedMedicalProvider:
		s.MedicalProviderID = id
	case NeedChaperone:
		s.ChaperoneID = id
	case NeedRoom:
		s.RoomID = id
	}
}

// Active reports whether the session still holds its resources.
func (s *CareSession) Active() bool {
	return s.Status != SessionCancelled && s.Status != SessionNoShow
}

// SessionResource is one person or room a session holds.
type SessionResource struct {
	Role string `json:"resource"` // Need…
	ID   int64  `json:"id"`
}

// Conflict names a resource a booking wanted that is taken.
type Conflict struct {
	Resource string `json:"resource"` // Need…
	ID       int64  `json:"id"`
	Detail   string `json:"detail"`
}

// SessionRequest is what staff or a client submit to book a session; ids
// left 0 are chosen from the first slot that has them all free.
type SessionRequest struct {
	ClientID          int64     `json:"client_id"`
	Type              string    `json:"type"`
	Start             time.Time `json:"start"`
	Mode              string    `json:"mode"`
	Route             string    `json:"route"`
	TherapistID       int64     `json:"therapist_id"`
	MedicalProviderID int64     `json:"medical_provider_id"`
	ChaperoneID       int64     `json:"chaperone_id"`
	RoomID            int64     `json:"room_id"`
	OnCallID          int64     `json:"on_call_id"` // 0: the medical provider, for a remote medicine session
}

// Validate returns EINVALID naming each wrong field: the request alone,
// before the store sees whether the time and the people are free.
func (r *SessionRequest) Validate(now time.Time) error {
	var v Validation
	if r.ClientID <= 0 {
		v.Add("client_id", "Choose the client.")
	}
	if !IsSessionType(r.Type) {
		v.Add("type", "Choose a session type.")
	}
	switch {
	case r.Start.IsZero():
		v.Add("start", "Choose a time.")
	case !r.Start.After(now):
		v.Add("start", "Choose a time in the future.")
	}
	if r.Mode != ModeInPerson && r.Mode != ModeRemote {
		v.Add("mode", "Choose in person or remote.")
	}
	switch {
	case r.Type == TypeMedicine && r.Route != RouteLozenge && r.Route != RouteIM:
		v.Add("route", "Choose lozenge or intramuscular.")
	case r.Type == TypeMedicine && r.Mode == ModeRemote && r.Route != RouteLozenge:
		v.Add("route", "A remote medicine session is by lozenge only.")
	case r.Type != TypeMedicine && r.Route != "":
		v.Add("route", "Only a medicine session has a route.")
	}
	return v.Err()
}

// Gate codes: what must hold before a medicine session is booked and again
// when it starts.
const (
	GateClearance    = "clearance"
	GateConsent      = "consent"
	GatePreparation  = "preparation"
	GateIntegration  = "integration"
	GateMeasures     = "measures"
	GateSafetyAlert  = "safety-alert"
	GateRecheck      = "recheck"
	GateTeam         = "team"
	GateRemoteRoute  = "remote-route"
	GateMonitor      = "monitor"
	GateCheckIn      = "check-in"
	gateOverridable1 = GateClearance
	gateOverridable2 = GateRecheck
)

// GateOverridable reports whether a medical provider may override gate code
// with a reason: only the clearance's age and the re-check after a gap.
func GateOverridable(code string) bool {
	return code == gateOverridable1 || code == gateOverridable2
}

// Gate is one condition and whether it holds, in plain words.
type Gate struct {
	Code       string `json:"code"`
	Met        bool   `json:"met"`
	Detail     string `json:"detail"`
	Overridden bool   `json:"overridden,omitempty"` // met by a prescriber's override
}

// Plan phases.
const (
	PhasePreparation  = "preparation"
	PhaseInitial      = "initial"
	PhaseFollowUp     = "follow-up"
	PhaseContinuation = "continuation"
	PhaseMaintenance  = "maintenance"
	PhaseComplete     = "complete"
)

// Plan step statuses.
const (
	StepPlanned   = "planned"
	StepBooked    = "booked"
	StepHeld      = "held"
	StepMissed    = "missed"
	StepCancelled = "cancelled"
)

// PlanSettings is a client's treatment plan as the care team set it; the
// steps follow from it and from the client's sessions.
type PlanSettings struct {
	Preparations       int    `json:"preparations"`         // at least 1; default 2
	InitialDoses       int    `json:"initial_doses"`        // default 2
	IntegrationMinDays int    `json:"integration_min_days"` // after each dose; default 1
	IntegrationMaxDays int    `json:"integration_max_days"` // default 7
	Continuation       int    `json:"continuation"`         // further doses after follow-up; default 4
	Mode               string `json:"mode"`                 // in_person or remote
	Route              string `json:"route"`                // lozenge or im
	Maintenance        bool   `json:"maintenance"`          // maintenance after the series, else complete
}

// DefaultPlan returns the practice's default plan.
func DefaultPlan() PlanSettings {
	return PlanSettings{Preparations: 2, InitialDoses: 2, IntegrationMinDays: 1, IntegrationMaxDays: 7,
		Continuation: 4, Mode: ModeInPerson, Route: RouteLozenge}
}

// Validate returns EINVALID naming each wrong field.
func (p *PlanSettings) Validate() error {
	var v Validation
	if p.Preparations < 1 || p.Preparations > 10 {
		v.Add("preparations", "Plan between 1 and 10 preparation sessions.")
	}
	if p.InitialDoses < 1 || p.InitialDoses > 4 {
		v.Add("initial_doses", "The initial phase has between 1 and 4 medicine sessions.")
	}
	if p.IntegrationMinDays < 0 || p.IntegrationMinDays > 14 {
		v.Add("integration_min_days", "Integration comes between 0 and 14 days after a dose.")
	}
	if p.IntegrationMaxDays < p.IntegrationMinDays || p.IntegrationMaxDays > 30 {
		v.Add("integration_max_days", fmt.Sprintf("Integration is due by a day from %d to 30 after a dose.", p.IntegrationMinDays))
	}
	if p.Continuation < 0 || p.Continuation > 12 {
		v.Add("continuation", "The continuation series has between 0 and 12 more medicine sessions.")
	}
	if p.Mode != ModeInPerson && p.Mode != ModeRemote {
		v.Add("mode", "Choose in person or remote.")
	}
	if p.Route != RouteLozenge && p.Route != RouteIM {
		v.Add("route", "Choose lozenge or intramuscular.")
	} else if p.Mode == ModeRemote && p.Route != RouteLozenge {
		v.Add("route", "A remote plan is by lozenge only.")
	}
	return v.Err()
}

// Plan is a client's plan with its steps worked out from their sessions.
type Plan struct {
	ClientID int64        `json:"client_id"`
	Settings PlanSettings `json:"settings"`
	Phase    string       `json:"phase"`
	Steps    []PlanStep   `json:"steps"`
	Next     *PlanNext    `json:"next"`
	Changes  []PlanChange `json:"-"`
}

// PlanStep is one session the plan expects. Phase, Number (the n-th of
// its type in the plan) and Start (the session's, once booked) let a
// timeline say "medicine session 2 of the initial phase, Tue 3 Mar".
type PlanStep struct {
	Type      string    `json:"type"`
	Phase     string    `json:"phase"`
	Number    int       `json:"number"`
	Status    string    `json:"status"`
	SessionID int64     `json:"session_id,omitempty"`
	RoomKey   string    `json:"-"` // the session's, for its video link
	Start     time.Time `json:"start,omitzero"`
	Mode      string    `json:"mode,omitempty"` // the session's, once booked
	DueFrom   time.Time `json:"due_from,omitzero"`
	DueBy     time.Time `json:"due_by,omitzero"`
	Overdue   bool      `json:"overdue,omitempty"`
}

// PlanNext is what comes next, in a line.
type PlanNext struct {
	Type   string `json:"type"`
	Detail string `json:"detail"`
}

// PlanChange is one change to a plan: who, when, why, and what it became.
type PlanChange struct {
	By       int64
	ByName   string
	At       time.Time
	Reason   string
	Settings PlanSettings
}

// CareSessionFilter narrows a list of sessions; Limit is required.
type CareSessionFilter struct {
	From, To time.Time
	ClientID int64
	StaffID  int64
	RoomID   int64
	Limit    int
}

// MaxSessionList is the most sessions one list returns.
const MaxSessionList = 2000

// CareSessionService is the store of sessions and what they hold. Every
// method is a single transaction; a booking that would overlap any
// resource's booking or buffer is refused by the database (ECONFLICT with
// the Conflicts), whatever process made the other one.
type CareSessionService interface {
	FindSessionTypes(ctx context.Context) ([]*SessionType, error)
	// FindCareSession returns ENOTFOUND when there is no such session.
	FindCareSession(ctx context.Context, id int64) (*CareSession, error)
	// FindCareSessions returns the sessions that start in [f.From, f.To)
	// by start, EINVALID when f.Limit is not 1..MaxSessionList.
	FindCareSessions(ctx context.Context, f CareSessionFilter) ([]*CareSession, error)
	// FindResourceHolds returns what active sessions hold in [from, to),
	// by kind, id and start: the slot engine's busy times.
	FindResourceHolds(ctx context.Context, from, to time.Time) ([]ResourceHold, error)
}

// RoomService reads and changes the practice's locations and rooms.
type RoomService interface {
	FindLocations(ctx context.Context) ([]*Location, error)
	// CreateLocation validates l, stores it and sets its ID.
	CreateLocation(ctx context.Context, l *Location) error
	// FindRooms returns every room with its hours and its location's zone.
	FindRooms(ctx context.Context) ([]*Room, error)
	// FindRoom returns ENOTFOUND when there is no such room.
	FindRoom(ctx context.Context, id int64) (*Room, error)
	// CreateRoom validates r, stores it with its hours and sets its ID;
	// EINVALID on location_id when there is no such location.
	CreateRoom(ctx context.Context, r *Room) error
	// SetRoomHours replaces a room's weekly hours and exceptions.
	SetRoomHours(ctx context.Context, id int64, weekly []WeeklyHours, exceptions []ScheduleException) error
}

// StaffHoursService reads and changes staff clinical hours.
type StaffHoursService interface {
	// FindStaffHours returns ENOTFOUND unless id is a member of staff.
	FindStaffHours(ctx context.Context, id int64) (*StaffHours, error)
	// FindAllStaffHours returns the hours of every active member of staff
	// with a clinical role (therapist, medical provider, chaperone).
	FindAllStaffHours(ctx context.Context) ([]*StaffHours, error)
	// SetStaffHours replaces h.StaffID's weekly hours and exceptions and
	// sets h's zone as their one zone (the profile's); ENOTFOUND unless
	// they are a member of staff.
	SetStaffHours(ctx context.Context, h *StaffHours) error
}

// Status changes of a session, as the API names them.
const (
	ActionCheckIn  = "check-in"
	ActionStart    = "start"
	ActionComplete = "complete"
	ActionNoShow   = "no-show"
)

// sessionMoves is every allowed status change: action → from → to.
var sessionMoves = map[string]map[string]string{
	ActionCheckIn:  {SessionBooked: SessionCheckedIn},
	ActionStart:    {SessionBooked: SessionInProgress, SessionCheckedIn: SessionInProgress},
	ActionComplete: {SessionInProgress: SessionCompleted},
	ActionNoShow:   {SessionBooked: SessionNoShow, SessionCheckedIn: SessionNoShow},
}

// IsSessionAction reports whether action is one of the Action… values.
func IsSessionAction(action string) bool { _, ok := sessionMoves[action]; return ok }

// SessionMove returns the status action takes a session in status from
// to, and false when the action is not allowed from there.
func SessionMove(from, action string) (string, bool) {
	to, ok := sessionMoves[action][from]
	return to, ok
}

// SessionActionWindow returns when, around a session [start, end), action
// may be taken: check-in from a day before its start until its end, start
// from an hour before until its end, completion at any time once started,
// no-show once its start has passed.
func SessionActionWindow(action string, start, end time.Time) (from, to time.Time) {
	switch action {
	case ActionCheckIn:
		return start.Add(-24 * time.Hour), end
	case ActionStart:
		return start.Add(-time.Hour), end
	case ActionNoShow:
		return start, time.Time{}
	}
	return time.Time{}, time.Time{}
}

// statusWords says a session's status in a sentence.
var statusWords = map[string]string{SessionBooked: "booked", SessionCheckedIn: "checked in", SessionInProgress: "in progress",
	SessionCompleted: "completed", SessionNoShow: "marked as a no-show", SessionCancelled: "cancelled"}

// SessionStatusWords returns status in words ("checked in").
func SessionStatusWords(status string) string { return statusWords[status] }

// MaxCancelReason is the longest reason a cancellation keeps, in runes.
const MaxCancelReason = 500

// ValidateCancelReason trims reason and returns EINVALID on reason when
// it is empty or too long.
func ValidateCancelReason(reason *string) error {
	*reason = Paragraphs(*reason)
	var v Validation
	checkText(&v, "reason", *reason, 1, MaxCancelReason)
	return v.Err()
}

package staff

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/processing"
)

// sessionForm is what the session page was asked or sent, kept as typed.
type sessionForm struct {
	find     bool   // list the free times to move to
	date     string // the first day searched, YYYY-MM-DD
	start    string // a chosen free time (RFC 3339)
	reason   string // a cancellation's reason
	action   string // a status change
	attendee string // a client to add to a group
	provider string // the medical provider to move it to
	onCall   string // the on-call contact chosen
	minutes  string // the minutes recorded when completing it
	notice   string
}

// SessionPage is one care session as its page draws it, every value in
// words and the practice's zone.
type SessionPage struct {
	ID           int64
	Zone         string
	Title        string
	When         string // "Monday 7 January 2030, 09:00–12:00"
	Length       string // "180 minutes (and 30 minutes kept free after)"
	Type         string
	Mode         string
	Where        string // the room and location, or "Remote"
	Address      string
	Link         string // the telehealth link of a remote session
	Route        string // a medicine session's route (clinical: not for a chaperone)
	Team         []SessionPerson
	Client       string // the client's name, initials or (a chaperone) first name
	ClientHref   string
	Limited      bool // a chaperone's view: nothing clinical
	Status       string
	Late         bool   // cancelled inside the practice's notice
	Reason       string // the cancellation's reason
	Notice       string
	CalendarHref string

	Actions  []SessionAction // the status changes the viewer may take now
	RunSheet string          // the run sheet's link, when there is a page for it
	Notes    string          // the session's notes, for its clinicians

	CanChange   bool
	CancelLate  bool // cancelling now would be late
	NoticeHours int
	Reason0     string // the reason typed, kept after a refusal

	// OnCalls are the active medical providers to name on call (a remote
	// medicine session), the one on call selected; none when the viewer
	// may not change it.
	OnCalls []Option
	// Providers are the medical providers to move it to (a session
	// that has one), its own selected.
	Providers    []Option
	MoveProvider int64 // the medical provider the free times are for, when not its own

	// Moving it: the week searched from FindDate and its free times.
	FindDate string
	Searched bool
	SlotDays []SlotDay
	Later    string

	CanAttend     bool
	Capacity      int
	Attendees     []SessionPerson
	ClientOptions []Option

	History []string

	Billing SessionBillingPart // session_billing.go

	Errors   map[string]string
	Message  string
	Problems []string
	Chosen   string // the time a refused move asked for
}

func (p *SessionPage) PageTitle() string { return p.Title }

// SessionPerson is a member of the team or a group's client.
type SessionPerson struct {
	ID         int64
	Name, Role string
	Href       string
}

// SessionAction is a status change: the form's value and its button.
type SessionAction struct{ Value, Label string }

var sessionActions = []SessionAction{{journey.ActionCheckIn, "Check in"}, {journey.ActionStart, "Start"},
	{journey.ActionComplete, "Complete"}, {journey.ActionNoShow, "Mark as a no-show"}}

// sessionPage lays out v for the actor.
func (s *Handler) sessionPage(ctx context.Context, a *journey.Actor, v *processing.SessionView, f sessionForm, loc *time.Location, zone string) (*SessionPage, error) {
	n, err := s.names(ctx)
	if err != nil {
		return nil, err
	}
	ss, now := v.Session, s.now()
	p := &SessionPage{ID: ss.ID, Zone: zone, Type: v.Type.Name, Limited: !v.InFull, Status: capitalise(journey.SessionStatusWords(ss.Status)),
		Late: ss.LateCancel, Reason: ss.CancelReason, Notice: f.notice, CanChange: v.CanChange, CanAttend: v.CanAttend,
		NoticeHours: v.CancelHours, CancelLate: v.LateIfCancelled(now), Reason0: f.reason, Capacity: v.Type.Capacity,
		Link: v.Link, Errors: map[string]string{}}
	start, end := ss.Start.In(loc), ss.End.In(loc)
	p.Title = fmt.Sprintf("%s, %s", v.Type.Name, start.Format("Monday 2 January 2006"))
	p.When = start.Format("Monday 2 January 2006, 15:04") + "–" + end.Format("15:04")
	p.Length = fmt.Sprintf("%d minutes", int(ss.End.Sub(ss.Start).Minutes()))
	if v.Type.BufferMinutes > 0 {
		p.Length += fmt.Sprintf(" (and %d minutes kept free after)", v.Type.BufferMinutes)
	}
	p.CalendarHref = "/staff/calendar?view=day&date=" + start.Format(time.DateOnly)
	p.Mode = "In person"
	if ss.Mode == journey.ModeRemote {
		p.Mode, p.Where = "Remote (by video)", "Remote"
	}
	if ss.RoomID != 0 {
		p.Where = "Room " + n.room(ss.RoomID)
		if err := s.roomLocation(ctx, n, ss.RoomID, p); err != nil {
			return nil, err
		}
	}
	if v.InFull && ss.Route != "" {
		p.Route = map[string]string{journey.RouteLozenge: "Lozenge (sublingual)", journey.RouteIM: "Intramuscular injection"}[ss.Route]
	}
	for _, m := range []struct {
		id   int64
		role string
	}{{ss.TherapistID, "Therapist"}, {ss.MedicalProviderID, "Medical provider"}, {ss.ChaperoneID, "Chaperone"}} {
		if m.id != 0 {
			p.Team = append(p.Team, SessionPerson{ID: m.id, Name: n.person(m.id), Role: m.role})
		}
	}
	// The on-call medical contact, by name in a chaperone's view too:
	// they need whom to call (processing fills the name).
	if ss.OnCallName != "" {
		p.Team = append(p.Team, SessionPerson{ID: ss.OnCallID, Name: ss.OnCallName, Role: "On call (medical)"})
	}
	p.client(v)
	// The run sheet as the calendar links it: for those who may see the
	// client's record, and a chaperone's limited view.
	if v.CanNote {
		p.Notes = fmt.Sprintf("/staff/sessions/%d/notes", ss.ID)
	}
	if ss.Type == journey.TypeMedicine && ss.Active() && (p.ClientHref != "" || !v.InFull) {
		p.RunSheet = fmt.Sprintf("/staff/sessions/%d/run-sheet", ss.ID)
	}
	if v.CanRun {
		for _, act := range sessionActions {
			if _, ok := journey.SessionMove(ss.Status, act.Value); ok {
				p.Actions = append(p.Actions, act)
			}
		}
	}
	if v.CanAttend {
		if err := s.attendeeOptions(ctx, a, v, p); err != nil {
			return nil, err
		}
	}
	if v.InFull {
		p.History = sessionHistory(ss, n, loc)
	}
	if v.CanChange {
		if ss.Type == journey.TypeMedicine && ss.Mode == journey.ModeRemote {
			p.OnCalls = onCallOptions(n, chosenID(f.onCall, ss.OnCallID), "")
		}
		if ss.MedicalProviderID != 0 {
			p.Providers = onCallOptions(n, chosenID(f.provider, ss.MedicalProviderID), "")
		}
		if err := s.moveSlots(ctx, a, v, f, p, n, loc); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// chosenID returns the id typed, or else def.
func chosenID(typed string, def int64) int64 {
	if id, err := strconv.ParseInt(typed, 10, 64); err == nil && id > 0 {
		return id
	}
	return def
}

// client names the session's client (or a group's clients) as the viewer
// may see them.
func (p *SessionPage) client(v *processing.SessionView) {
	ss := v.Session
	switch {
	case ss.ClientID != 0:
		c := v.Clients[ss.ClientID]
		p.Client = c.Label
		if c.Chart {
			p.ClientHref = fmt.Sprintf("/staff/clients/%d", ss.ClientID)
		}
	case ss.FirstName != "":
		p.Client = ss.FirstName
	}
	for _, id := range ss.Attendees {
		c := v.Clients[id]
		sp := SessionPerson{ID: id, Name: c.Label}
		if c.Chart {
			sp.Href = fmt.Sprintf("/staff/clients/%d", id)
		}
		p.Attendees = append(p.Attendees, sp)
	}
}

// roomLocation sets the room's location and its address.
func (s *Handler) roomLocation(ctx context.Context, n names, roomID int64, p *SessionPage) error {
	room := n.rooms[roomID]
	if room == nil {
		return nil
	}
	ls, err := s.store.FindLocations(ctx)
	if err != nil {
		return err
	}
	for _, l := range ls {
		if l.ID == room.LocationID {
			p.Where += ", " + l.Name
			p.Address = l.Address
		}
	}
	return nil
}

// attendeeOptions lists the clients the actor may add to the group.
func (s *Handler) attendeeOptions(ctx context.Context, a *journey.Actor, v *processing.SessionView, p *SessionPage) error {
	cs, _, err := s.proc.Clients(ctx, a, journey.ClientFilter{Sort: journey.ClientSortName, Limit: journey.MaxClientPage}, " for a group's clients")
	if err != nil {
		return err
	}
	in := map[int64]bool{}
	for _, id := range v.Session.Attendees {
		in[id] = true
	}
	for _, c := range cs {
		if !in[c.ID] {
			p.ClientOptions = append(p.ClientOptions, Option{Value: fmt.Sprint(c.ID), Label: c.Name})
		}
	}
	return nil
}

// moveSlots fills the free times to move the session to, with the same
// people and room, in the week from the date asked for (today by default).
func (s *Handler) moveSlots(ctx context.Context, a *journey.Actor, v *processing.SessionView, f sessionForm, p *SessionPage, n names, loc *time.Location) error {
	now := s.now().In(loc)
	from := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	if d, err := time.ParseInLocation(time.DateOnly, f.date, loc); err == nil {
		from = d
	}
	p.FindDate = from.Format(time.DateOnly)
	if !f.find {
		return nil
	}
	ss := v.Session
	client := ss.ClientID
	if client == 0 && len(ss.Attendees) > 0 {
		client = ss.Attendees[0]
	}
	provider := ss.MedicalProviderID
	if provider != 0 {
		provider = chosenID(f.provider, provider)
	}
	slots, err := s.proc.SessionSlots(ctx, a, journey.SessionSlotQuery{ClientID: client, Type: ss.Type, Mode: ss.Mode, From: from, To: from.AddDate(0, 0, 7),
		TherapistID: ss.TherapistID, MedicalProviderID: provider, ChaperoneID: ss.ChaperoneID, RoomID: ss.RoomID})
	switch journey.ErrorCode(err) {
	case "":
	case journey.EINVALID, journey.ENOTFOUND, journey.EFORBIDDEN:
		p.Problems = append(p.Problems, journey.ErrorMessage(err))
		return nil
	default:
		return err
	}
	p.Searched = true
	p.Later = fmt.Sprintf("/staff/sessions/%d?find=1&date=%s", ss.ID, from.AddDate(0, 0, 7).Format(time.DateOnly))
	if provider != ss.MedicalProviderID {
		p.Later += fmt.Sprintf("&medical_provider_id=%d", provider)
		p.MoveProvider = provider
	}
	p.Later += "#move"
	for _, sl := range slots {
		start := sl.Start.In(loc)
		label := start.Format("Monday 2 January")
		if len(p.SlotDays) == 0 || p.SlotDays[len(p.SlotDays)-1].Label != label {
			p.SlotDays = append(p.SlotDays, SlotDay{Label: label})
		}
		day := &p.SlotDays[len(p.SlotDays)-1]
		day.Slots = append(day.Slots, SlotView{Start: start.Format(time.RFC3339), Label: start.Format("15:04") + "–" + sl.End.In(loc).Format("15:04"), Who: slotWho(sl, n)})
	}
	return nil
}

// sessionHistory says from the session's own fields when it was booked
// and by whom, whether it was moved, and its last change of status.
func sessionHistory(ss *journey.CareSession, n names, loc *time.Location) []string {
	at := func(t time.Time) string { return t.In(loc).Format("Monday 2 January 2006 at 15:04") }
	by := "the client, in the portal"
	if u := n.staff[ss.CreatedBy]; u != nil {
		by = u.Name
	}
	out := []string{fmt.Sprintf("Booked on %s by %s.", at(ss.CreatedAt), by)}
	if ss.Sequence > 0 {
		times := "once"
		if ss.Sequence > 1 {
			times = fmt.Sprintf("%d times", ss.Sequence)
		}
		out = append(out, "Moved "+times+".")
	}
	switch ss.Status {
	case journey.SessionBooked:
	case journey.SessionCancelled:
		late := "with notice"
		if ss.LateCancel {
			late = "late, inside the practice's notice"
		}
		out = append(out, fmt.Sprintf("Cancelled on %s, %s.", at(ss.UpdatedAt), late))
	default:
		out = append(out, fmt.Sprintf("%s (last change %s).", capitalise(journey.SessionStatusWords(ss.Status)), at(ss.UpdatedAt)))
	}
	return out
}

// refused shows why a change was refused, keeping what was typed: field
// errors beside their fields, conflicts and unmet gates in words.
func (p *SessionPage) refused(err error, f sessionForm, loc *time.Location) {
	p.Message = journey.ErrorMessage(err)
	for _, fe := range journey.ErrorFields(err) {
		switch fe.Field {
		case "reason", "client_id", "start", "minutes", "on_call_id", "medical_provider_id":
			p.Errors[fe.Field] = fe.Detail
		default:
			p.Problems = append(p.Problems, fe.Detail)
		}
	}
	if je, ok := err.(*journey.Error); ok {
		for _, c := range je.Conflicts {
			p.Problems = append(p.Problems, c.Detail)
		}
		for _, g := range je.Gates {
			if !g.Met {
				p.Problems = append(p.Problems, g.Detail)
			}
		}
	}
	if t, perr := time.Parse(time.RFC3339, f.start); perr == nil {
		p.Chosen = t.In(loc).Format("Monday 2 January, 15:04")
	}
	if len(p.Problems) == 0 && len(p.Errors) == 0 {
		p.Problems = append(p.Problems, strings.TrimSpace(p.Message))
	}
}

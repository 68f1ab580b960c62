package staff

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/processing"
)

// BookingPanel is the calendar's form to book a session: the client, the
// type, in person or remote, the route of a medicine session, the gates
// such a session must pass, and the free times with who and which room
// each would hold.
type BookingPanel struct {
	Open     bool   // the form is shown; otherwise a link opens it
	OpenHref string // that link
	// Hidden fields that keep the calendar's place.
	Cal, View, Date string

	FixedClient string // the client, when the calendar is theirs
	ClientID    int64
	Clients     []Option
	Types       []Option
	Modes       []Option
	Routes      []Option
	Type, Mode  string
	Route       string
	// OnCalls are the active medical providers to be on call for a remote
	// medicine session; the first, value "", is the session's own.
	OnCalls []Option
	OnCall  int64
	Gates   []GateView

	Searched bool
	SlotDays []SlotDay
	Range    string // the days searched, in words
	Later    Link   // the same search over the next days

	Errors   map[string]string
	Message  string
	Problems []string // a refusal's conflicts and unmet gates, in words
	Chosen   string   // the time that was refused
}

// GateView is one gate of a medicine session and whether it holds.
type GateView struct {
	Met    bool
	Detail string
}

// SlotDay is one day's free times.
type SlotDay struct {
	Label string
	Slots []SlotView
}

// SlotView is a free time with what booking it would hold.
type SlotView struct {
	Start     string // RFC 3339, the form's value
	Label     string // "09:00–12:00"
	Who       string // "Nora York (therapist), …, room Cedar"
	Therapist int64
	Provider  int64
	Chaperone int64
	Room      int64
}

// bookingPanel builds the booking form for q: closed unless asked for or
// the calendar is a client's; with the gates of a medicine session for a
// chosen client (for those who may see them) and, when asked (find), the
// free times in the days shown.
func (s *Handler) bookingPanel(ctx context.Context, a *journey.Actor, q calendarQuery, loc *time.Location, n names, cal *processing.Calendar, clientID int64) (*BookingPanel, error) {
	f := q.book
	b := &BookingPanel{Cal: q.cal, View: q.view, Date: q.day.Format(time.DateOnly), Errors: map[string]string{},
		Type: f.Type, Mode: f.Mode, Route: f.Route, ClientID: f.ClientID}
	b.Open = clientID != 0 || f.Open || f.Find || f.ClientID != 0 || f.Start != ""
	if !b.Open {
		b.OpenHref = q.href("book", "1") + "#book"
		return b, nil
	}
	if clientID != 0 {
		b.ClientID, b.FixedClient = clientID, "this client"
		if c, ok := cal.Clients[clientID]; ok {
			b.FixedClient = c.Label
		}
	} else if err := s.clientOptions(ctx, a, b); err != nil {
		return nil, err
	}
	if f.clientField != "" {
		b.Errors["client_id"] = "Choose the client."
	}
	for _, t := range n.types {
		b.Types = append(b.Types, Option{Value: t.Code, Label: t.Name, Selected: t.Code == f.Type})
	}
	b.Modes = []Option{{journey.ModeInPerson, "In person", f.Mode == journey.ModeInPerson}, {journey.ModeRemote, "Remote", f.Mode == journey.ModeRemote}}
	b.Routes = []Option{{journey.RouteLozenge, "Lozenge (sublingual)", f.Route == journey.RouteLozenge}, {journey.RouteIM, "Intramuscular injection", f.Route == journey.RouteIM}}
	b.OnCall, b.OnCalls = f.OnCall, onCallOptions(n, f.OnCall, "The session's medical provider")
	if f.Type == journey.TypeMedicine && b.ClientID != 0 && a.Can(journey.PermClinicalRead) {
		gates, err := s.proc.Gates(ctx, a, b.ClientID, processing.GateQuery{Mode: f.Mode, Route: f.Route}, " via calendar")
		if err == nil {
			for _, g := range gates {
				// The team is the free time's: checked when one is booked.
				if g.Code != journey.GateTeam {
					b.Gates = append(b.Gates, GateView{Met: g.Met, Detail: g.Detail})
				}
			}
		}
	}
	if f.Find {
		if err := s.findSlots(ctx, a, q, b, loc, n); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// onCallOptions lists the active medical providers by name, chosen
// selected, after a first option (value "") named first when it is not "".
func onCallOptions(n names, chosen int64, first string) []Option {
	var out []Option
	if first != "" {
		out = append(out, Option{Value: "", Label: first, Selected: chosen == 0})
	}
	var ps []*journey.User
	for _, u := range n.staff {
		if u.Active && u.HasRole(journey.RoleMedicalProvider) {
			ps = append(ps, u)
		}
	}
	slices.SortFunc(ps, func(a, b *journey.User) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) })
	for _, u := range ps {
		out = append(out, Option{Value: fmt.Sprint(u.ID), Label: u.Name, Selected: u.ID == chosen})
	}
	return out
}

// clientOptions fills the client select with the clients the actor may
// see, by name.
func (s *Handler) clientOptions(ctx context.Context, a *journey.Actor, b *BookingPanel) error {
	cs, _, err := s.proc.Clients(ctx, a, journey.ClientFilter{Sort: journey.ClientSortName, Limit: journey.MaxClientPage}, " for the calendar's booking form")
	if err != nil {
		return err
	}
	for _, c := range cs {
		b.Clients = append(b.Clients, Option{Value: fmt.Sprint(c.ID), Label: c.Name, Selected: c.ID == b.ClientID})
	}
	return nil
}

// findSlots fills the free times of the days shown; a query processing
// refuses becomes field errors beside the form.
func (s *Handler) findSlots(ctx context.Context, a *journey.Actor, q calendarQuery, b *BookingPanel, loc *time.Location, n names) error {
	slots, err := s.proc.SessionSlots(ctx, a, journey.SessionSlotQuery{ClientID: b.ClientID, Type: b.Type, Mode: b.Mode, From: q.from, To: q.to})
	switch journey.ErrorCode(err) {
	case "":
	case journey.EINVALID, journey.ENOTFOUND, journey.EFORBIDDEN:
		b.Message = b.fieldErrors(err)
		return nil
	default:
		return err
	}
	b.Searched = true
	step, unit := 7, "week"
	if q.view == "day" {
		step, unit = 1, "day"
	}
	b.Later = Link{q.href("date", q.day.AddDate(0, 0, step).Format(time.DateOnly), "find", "1", "client_id", fmt.Sprint(b.ClientID),
		"type", b.Type, "mode", b.Mode, "route", b.Route, "on_call_id", fmt.Sprint(b.OnCall)) + "#book", "Look in the next " + unit}
	b.Range = q.from.Format("Monday 2 January")
	if q.view == "week" {
		b.Range += " to " + q.to.AddDate(0, 0, -1).Format("Sunday 2 January")
	}
	for _, sl := range slots {
		start := sl.Start.In(loc)
		label := start.Format("Monday 2 January")
		if len(b.SlotDays) == 0 || b.SlotDays[len(b.SlotDays)-1].Label != label {
			b.SlotDays = append(b.SlotDays, SlotDay{Label: label})
		}
		day := &b.SlotDays[len(b.SlotDays)-1]
		day.Slots = append(day.Slots, SlotView{Start: start.Format(time.RFC3339), Label: start.Format("15:04") + "–" + sl.End.In(loc).Format("15:04"),
			Who: slotWho(sl, n), Therapist: sl.TherapistID, Provider: sl.MedicalProviderID, Chaperone: sl.ChaperoneID, Room: sl.RoomID})
	}
	return nil
}

// slotWho says who and which room a slot would hold.
func slotWho(sl journey.SessionSlot, n names) string {
	var parts []string
	for _, p := range []struct {
		id   int64
		role string
	}{{sl.TherapistID, "therapist"}, {sl.MedicalProviderID, "medical provider"}, {sl.ChaperoneID, "chaperone"}} {
		if p.id != 0 {
			parts = append(parts, fmt.Sprintf("%s (%s)", n.person(p.id), p.role))
		}
	}
	if sl.RoomID != 0 {
		parts = append(parts, "room "+n.room(sl.RoomID))
	}
	return joinWords(parts)
}

func joinWords(parts []string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	out := ""
	for i, p := range parts {
		switch {
		case i == 0:
			out = p
		case i == len(parts)-1:
			out += " and " + p
		default:
			out += ", " + p
		}
	}
	return out
}

// formFields are the fields the booking form shows errors beside; any
// other field's error is listed with the refusal.
var formFields = map[string]bool{"client_id": true, "type": true, "mode": true, "route": true, "on_call_id": true}

// fieldErrors puts err's field errors beside the form's fields (the rest
// into Problems) and returns the summary's message.
func (b *BookingPanel) fieldErrors(err error) string {
	for _, f := range journey.ErrorFields(err) {
		if formFields[f.Field] {
			if b.Errors[f.Field] == "" {
				b.Errors[f.Field] = f.Detail
			}
			continue
		}
		b.Problems = append(b.Problems, f.Detail)
	}
	return journey.ErrorMessage(err)
}

// refused shows why the booking of r was refused, keeping what was
// chosen: field errors beside the fields, each resource taken and each
// gate unmet in words.
func (b *BookingPanel) refused(err error, r *journey.SessionRequest, loc *time.Location, n names) {
	b.Message = b.fieldErrors(err)
	var je *journey.Error
	if e, ok := err.(*journey.Error); ok {
		je = e
	}
	if je != nil {
		for _, c := range je.Conflicts {
			who := ""
			switch {
			case c.Resource == journey.NeedRoom && c.ID != 0:
				who = "Room " + n.room(c.ID) + ": "
			case c.ID != 0 && c.Resource != journey.NeedClient:
				who = n.person(c.ID) + ": "
			}
			b.Problems = append(b.Problems, who+c.Detail)
		}
		for _, g := range je.Gates {
			if !g.Met {
				b.Problems = append(b.Problems, g.Detail)
			}
		}
	}
	if !r.Start.IsZero() {
		b.Chosen = r.Start.In(loc).Format("Monday 2 January, 15:04")
	}
	b.Open = true
}

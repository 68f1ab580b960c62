package processing

import (
	"context"
	"time"

	"github.com/journey-kap/journey"
)

// TodayListLen is how many items each part of Today lists before "and N
// more" links to the full screen.
const TodayListLen = 5

// Today is what needs one member of staff now, each part asked of the
// store as a count and a short list, scoped by the same record rules as
// the full screens it links to. A part is nil (its Show… false) when the
// person's role has no such work.
type Today struct {
	ShowAlerts bool
	Alerts     []*journey.Alert // open safety alerts of the person's clients

	ShowReview   bool
	ReviewCount  int               // clients waiting in the review queue
	Replied      []*journey.Client // clients who answered the prescriber's question
	RepliedCount int

	ShowConsults   bool
	Consults       []*journey.Consult // today's consults, cancelled ones left out
	ShowUnmarked   bool
	Unmarked       []*journey.Consult // started, still marked booked
	UnmarkedCount  int
	ShowInvite     bool
	Uninvited      []*journey.Consult // held, no client invited from them yet
	UninvitedCount int

	ShowPreparation bool
	Cleared         []*journey.Client // the therapist's clients cleared and waiting for preparation
	ClearedCount    int

	ShowOverdue bool
	Overdue     []OverdueStep // the therapist's clients' overdue steps: an integration not booked after a dose (plan.go)

	Stopped []StoppedDose // today's remote check-ins that stopped a dose, of the clients whose alerts the person sees (remote.go)

	ShowUnsigned  bool
	Unsigned      []*journey.CareSession // the person's sessions with no signed note 72 h after they ended (notes.go)
	UnsignedCount int
}

// Today gathers what needs the actor now, as their permissions allow, with
// today the day holding now in loc (the practice's zone), and audits the
// records it names.
func (p *Processor) Today(ctx context.Context, a *journey.Actor, now time.Time, loc *time.Location) (*Today, error) {
	t := &Today{}
	if a.Can(journey.PermAlerts) {
		t.ShowAlerts = true
		var err error
		if t.Alerts, err = p.Alerts(ctx, a, true, 50, " on the dashboard", false); err != nil {
			return nil, err
		}
		y, m, d := now.In(loc).Date()
		if t.Stopped, err = p.stoppedDoses(ctx, a, time.Date(y, m, d, 0, 0, 0, 0, loc)); err != nil {
			return nil, err
		}
	}
	if a.Can(journey.PermClearance) {
		if err := p.todayReview(ctx, t); err != nil {
			return nil, err
		}
	}
	if f, ok := ConsultScope(a, journey.ConsultFilter{}); ok {
		if err := p.todayConsults(ctx, a, t, f.TherapistID, now, loc); err != nil {
			return nil, err
		}
	}
	if a.Has(journey.RoleTherapist) && a.Can(journey.PermClientsRead) {
		t.ShowPreparation = true
		var err error
		t.Cleared, t.ClearedCount, err = p.store.FindClients(ctx, journey.ClientFilter{CareTeamMember: a.ID(), Stage: journey.StagePreparation, Limit: TodayListLen})
		if err != nil {
			return nil, err
		}
		t.ShowOverdue = true
		if t.Overdue, err = p.overdueSteps(ctx, a, loc); err != nil {
			return nil, err
		}
	}
	if a.Has(journey.RoleTherapist) || a.Has(journey.RoleMedicalProvider) {
		t.ShowUnsigned = true
		var err error
		if t.Unsigned, t.UnsignedCount, err = p.UnsignedNotes(ctx, a, now, TodayListLen); err != nil {
			return nil, err
		}
	}
	p.auditToday(ctx, a, t)
	return t, nil
}

// todayReview counts the review queue and lists the clients whose answer
// to the prescriber's question came in.
func (p *Processor) todayReview(ctx context.Context, t *Today) error {
	t.ShowReview = true
	_, total, err := p.store.ReviewQueue(ctx, 0, 1)
	if err != nil {
		return err
	}
	cs, n, err := p.store.FindClients(ctx, journey.ClientFilter{Replied: true, Limit: TodayListLen})
	if err != nil {
		return err
	}
	t.ReviewCount, t.Replied, t.RepliedCount = total, cs, n
	return nil
}

// todayConsults lists today's consults (in loc), those that started but
// are still marked booked, and held ones whose person has not been
// invited, of therapist (nil: all).
func (p *Processor) todayConsults(ctx context.Context, a *journey.Actor, t *Today, therapist *int64, now time.Time, loc *time.Location) error {
	local := now.In(loc)
	dayStart := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)
	dayEnd := dayStart.AddDate(0, 0, 1)
	t.ShowConsults = true
	cs, _, err := p.store.FindConsults(ctx, journey.ConsultFilter{TherapistID: therapist, From: &dayStart, To: &dayEnd, Limit: 100})
	if err != nil {
		return err
	}
	for _, c := range cs {
		if c.Status != journey.ConsultCancelled {
			t.Consults = append(t.Consults, c)
		}
	}
	if a.Can(journey.PermConsultsWrite) {
		t.ShowUnmarked = true
		booked, monthAgo := journey.ConsultBooked, now.AddDate(0, 0, -30)
		if t.Unmarked, t.UnmarkedCount, err = p.store.FindConsults(ctx, journey.ConsultFilter{TherapistID: therapist, Status: &booked,
			From: &monthAgo, To: &now, Limit: TodayListLen}); err != nil {
			return err
		}
	}
	if a.Can(journey.PermClientsWrite) {
		t.ShowInvite = true
		held := journey.ConsultHeld
		if t.Uninvited, t.UninvitedCount, err = p.store.FindConsults(ctx, journey.ConsultFilter{TherapistID: therapist, Status: &held,
			NoClient: true, Limit: TodayListLen}); err != nil {
			return err
		}
	}
	return nil
}

// auditToday records the consults and clients Today named.
func (p *Processor) auditToday(ctx context.Context, a *journey.Actor, t *Today) {
	var consults []*journey.Consult
	for _, list := range [][]*journey.Consult{t.Consults, t.Unmarked, t.Uninvited} {
		consults = append(consults, list...)
	}
	if len(consults) > 0 {
		p.Audit(ctx, a, Entry{Action: "consult.list", SubjectType: "consult", Outcome: journey.AuditSuccess,
			Detail: IDList("consults", consults, func(c *journey.Consult) int64 { return c.ID }) + " on the dashboard"})
	}
	if len(t.Unsigned) > 0 {
		p.Audit(ctx, a, Entry{Action: "session.list", SubjectType: "session", Outcome: journey.AuditSuccess,
			Detail: IDList("sessions", t.Unsigned, func(s *journey.CareSession) int64 { return s.ID }) + " unsigned, on the dashboard"})
	}
	clients := append(append([]*journey.Client{}, t.Replied...), t.Cleared...)
	if len(t.Stopped) > 0 {
		p.Audit(ctx, a, Entry{Action: "checkin.read", SubjectType: "session", Outcome: journey.AuditSuccess,
			Detail: IDList("check-ins", t.Stopped, func(s StoppedDose) int64 { return s.CheckIn.ID }) + " on the dashboard"})
	}
	if len(clients) > 0 {
		p.Audit(ctx, a, Entry{Action: "client.list", SubjectType: "client", Outcome: journey.AuditSuccess,
			Detail: IDList("clients", clients, func(c *journey.Client) int64 { return c.ID }) + " on the dashboard"})
	}
}

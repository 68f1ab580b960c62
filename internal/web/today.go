package web

import (
	"context"
	"net/http"
	"time"

	"github.com/journey-kap/journey"
)

// Today (GET /staff) is the staff home: for the person signed in, what
// needs them now, most urgent first. Each part is asked of the store as a
// count and a short list, scoped by the same record rules as the full
// screens it links to.

// todayListLen is how many items each part of Today lists before "and N
// more" links to the full screen.
const todayListLen = 5

type todayPage struct {
	Actor *journey.Actor
	Date  string // today, in the practice's zone
	Zone  string

	ShowAlerts bool
	Alerts     []alertView // open safety alerts of the person's clients

	ShowReview   bool
	ReviewCount  int         // clients waiting in the review queue
	Replied      []clientRow // clients who answered the prescriber's question
	RepliedCount int

	ShowConsults   bool
	Consults       []staffConsult // today's consults, cancelled ones left out
	Unmarked       []staffConsult // started, still marked booked
	UnmarkedCount  int
	ShowInvite     bool
	Uninvited      []staffConsult // held, no client invited from them yet
	UninvitedCount int

	ShowPreparation bool
	Cleared         []clientRow // the therapist's clients cleared and waiting for preparation
	ClearedCount    int

	ShowSessions bool // clinicians and chaperones: today's medicine sessions (none exist yet)
}

func (*todayPage) PageTitle() string { return "Today" }

// handleStaffHome renders Today.
func (s *Server) handleStaffHome(w http.ResponseWriter, r *http.Request) {
	page, err := s.today(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "staff_home", page)
}

// today gathers what needs the actor now, as their permissions allow.
func (s *Server) today(r *http.Request) (*todayPage, error) {
	ctx, a, now := r.Context(), actorFrom(r), s.cfg.Now()
	loc, zone := s.practiceZone(r)
	local := now.In(loc)
	page := &todayPage{Actor: a, Date: local.Format("Monday, January 2"), Zone: zone,
		ShowSessions: a.Has(journey.RoleTherapist) || a.Has(journey.RoleMedicalProvider) || a.Has(journey.RoleChaperone)}
	if a.Can(journey.PermAlerts) {
		page.ShowAlerts = true
		als, err := s.proc.Alerts(ctx, a, true, 50, " on the dashboard", false)
		if err != nil {
			return nil, err
		}
		for _, al := range als {
			page.Alerts = append(page.Alerts, toAlertView(al, nil, loc))
		}
	}
	if a.Can(journey.PermClearance) {
		if err := s.todayReview(ctx, page, loc); err != nil {
			return nil, err
		}
	}
	if scope := a.ConsultScope(); scope >= 0 {
		if err := s.todayConsults(r, page, scope, loc); err != nil {
			return nil, err
		}
	}
	if a.Has(journey.RoleTherapist) && a.Can(journey.PermClientsRead) {
		page.ShowPreparation = true
		cs, n, err := s.store.FindClients(ctx, journey.ClientFilter{CareTeamMember: a.ID(), Stage: journey.StagePreparation, Limit: todayListLen})
		if err != nil {
			return nil, err
		}
		page.Cleared, page.ClearedCount = clientRows(cs, loc), n
	}
	s.auditToday(r, page)
	return page, nil
}

// todayReview counts the review queue and lists the clients whose answer
// to the prescriber's question came in.
func (s *Server) todayReview(ctx context.Context, page *todayPage, loc *time.Location) error {
	page.ShowReview = true
	_, total, err := s.store.ReviewQueue(ctx, 0, 1)
	if err != nil {
		return err
	}
	cs, n, err := s.store.FindClients(ctx, journey.ClientFilter{Replied: true, Limit: todayListLen})
	if err != nil {
		return err
	}
	page.ReviewCount, page.Replied, page.RepliedCount = total, clientRows(cs, loc), n
	return nil
}

// todayConsults lists today's consults (in the practice's zone), those
// that started but are still marked booked, and held ones whose person
// has not been invited, within the actor's consult scope (0: all).
func (s *Server) todayConsults(r *http.Request, page *todayPage, scope int64, loc *time.Location) error {
	ctx, a, now := r.Context(), actorFrom(r), s.cfg.Now()
	names, err := s.therapistNames(r)
	if err != nil {
		return err
	}
	var therapist *int64
	if scope > 0 {
		therapist = &scope
	}
	local := now.In(loc)
	dayStart := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)
	dayEnd := dayStart.AddDate(0, 0, 1)
	page.ShowConsults = true
	cs, _, err := s.store.FindConsults(ctx, journey.ConsultFilter{TherapistID: therapist, From: &dayStart, To: &dayEnd, Limit: 100})
	if err != nil {
		return err
	}
	for _, c := range cs {
		if c.Status != journey.ConsultCancelled {
			page.Consults = append(page.Consults, s.staffView(r, a, c, names, loc))
		}
	}
	if a.Can(journey.PermConsultsWrite) {
		booked, monthAgo := journey.ConsultBooked, now.AddDate(0, 0, -30)
		cs, n, err := s.store.FindConsults(ctx, journey.ConsultFilter{TherapistID: therapist, Status: &booked, From: &monthAgo, To: &now, Limit: todayListLen})
		if err != nil {
			return err
		}
		page.UnmarkedCount = n
		for _, c := range cs {
			page.Unmarked = append(page.Unmarked, s.staffView(r, a, c, names, loc))
		}
	}
	if a.Can(journey.PermClientsWrite) {
		page.ShowInvite = true
		held := journey.ConsultHeld
		cs, n, err := s.store.FindConsults(ctx, journey.ConsultFilter{TherapistID: therapist, Status: &held, NoClient: true, Limit: todayListLen})
		if err != nil {
			return err
		}
		page.UninvitedCount = n
		for _, c := range cs {
			page.Uninvited = append(page.Uninvited, s.staffView(r, a, c, names, loc))
		}
	}
	return nil
}

// auditToday records the consults and clients Today named.
func (s *Server) auditToday(r *http.Request, page *todayPage) {
	var consults []int64
	for _, list := range [][]staffConsult{page.Consults, page.Unmarked, page.Uninvited} {
		for _, c := range list {
			consults = append(consults, c.ID)
		}
	}
	if len(consults) > 0 {
		s.audit(r, "consult.list", "consult", "", journey.AuditSuccess, idList("consults", consults, func(id int64) int64 { return id })+" on the dashboard")
	}
	clients := append(append([]clientRow{}, page.Replied...), page.Cleared...)
	if len(clients) > 0 {
		s.audit(r, "client.list", "client", "", journey.AuditSuccess, idList("clients", clients, func(c clientRow) int64 { return c.ID })+" on the dashboard")
	}
}

// clientRows dresses clients for a list.
func clientRows(cs []*journey.Client, loc *time.Location) []clientRow {
	rows := make([]clientRow, len(cs))
	for i, c := range cs {
		rows[i] = toClientRow(c, loc)
	}
	return rows
}

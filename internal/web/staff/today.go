package staff

import (
	"fmt"
	"net/http"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/processing"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// Today (GET /staff) is the staff home: for the person signed in, what
// needs them now, most urgent first. Each part is asked of the store as a
// count and a short list, scoped by the same record rules as the full
// screens it links to.

// TodayPage is what needs the signed-in person now.
type TodayPage struct {
	Actor *journey.Actor
	Date  string // today, in the practice's zone
	Zone  string

	ShowAlerts bool
	Alerts     []AlertView // open safety alerts of the person's clients

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

	ShowOverdue bool
	Overdue     []overdueView // the therapist's clients' overdue integrations
	Stopped     []stoppedView // today's remote check-ins that stopped a dose

	ShowUnsigned  bool
	Unsigned      []unsignedView // the person's sessions with no signed note 72 h after they ended
	UnsignedCount int

	ShowSessions bool // clinicians and chaperones: today's medicine sessions (none exist yet)

	Backup *backupView // admins, when scheduled backups are on
}

// backupView is the state of the scheduled backups, for an admin.
type backupView struct {
	Off      bool   // scheduled backups are not configured (no --backup-dir)
	Overdue  bool   // the last one failed, or none good for twice the interval
	Every    string // "6h0m0s"
	LastOK   string // when the newest good one finished, in the practice's zone; "" for none
	Failed   string // when the newest attempt failed; "" when it did not
	Err      string
	Failures int
}

func (*TodayPage) PageTitle() string { return "Today" }

// HandleHome renders Today.
func (s *Handler) HandleHome(w http.ResponseWriter, r *http.Request) {
	page, err := s.today(r)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, http.StatusOK, "staff_home", page)
}

// today dresses what processing.Today gathered for the actor.
func (s *Handler) today(r *http.Request) (*TodayPage, error) {
	a, now := webkit.ActorFrom(r), s.now()
	loc, zone := webkit.PracticeZone(r.Context(), s.kit)
	t, err := s.proc.Today(r.Context(), a, now, loc)
	if err != nil {
		return nil, err
	}
	page := &TodayPage{Actor: a, Date: now.In(loc).Format("Monday, January 2"), Zone: zone,
		ShowSessions: a.Has(journey.RoleTherapist) || a.Has(journey.RoleMedicalProvider) || a.Has(journey.RoleChaperone),
		ShowAlerts:   t.ShowAlerts, ShowReview: t.ShowReview, ReviewCount: t.ReviewCount, Replied: clientRows(t.Replied, loc),
		RepliedCount: t.RepliedCount, ShowConsults: t.ShowConsults, UnmarkedCount: t.UnmarkedCount, ShowInvite: t.ShowInvite,
		UninvitedCount: t.UninvitedCount, ShowPreparation: t.ShowPreparation, Cleared: clientRows(t.Cleared, loc), ClearedCount: t.ClearedCount,
		ShowOverdue: t.ShowOverdue, Overdue: overdueViews(t.Overdue, loc), Stopped: stoppedViews(t.Stopped, loc),
		ShowUnsigned: t.ShowUnsigned, Unsigned: unsignedViews(t.Unsigned, loc), UnsignedCount: t.UnsignedCount}
	for _, al := range t.Alerts {
		page.Alerts = append(page.Alerts, ToAlertView(al, nil, loc))
	}
	if t.ShowConsults {
		names, err := s.therapistNames(r)
		if err != nil {
			return nil, err
		}
		view := func(cs []*journey.Consult) (out []staffConsult) {
			for _, c := range cs {
				out = append(out, s.staffView(r, a, c, names, loc))
			}
			return out
		}
		page.Consults, page.Unmarked, page.Uninvited = view(t.Consults), view(t.Unmarked), view(t.Uninvited)
	}
	// The backups' state is the practice's, not a record: an admin's
	// notice, as the audit trail's is (ready.go).
	if a.Has(journey.RoleAdmin) && s.cfg.BackupEvery <= 0 {
		page.Backup = &backupView{Off: true}
	}
	if a.Has(journey.RoleAdmin) && s.cfg.BackupEvery > 0 {
		st, err := s.store.BackupStatus(r.Context())
		if err != nil {
			return nil, err
		}
		page.Backup = toBackupView(st, now, s.cfg.BackupEvery, loc)
	}
	return page, nil
}

func toBackupView(st journey.BackupStatus, now time.Time, every time.Duration, loc *time.Location) *backupView {
	v := &backupView{Overdue: st.Overdue(now, every), Every: every.String(), Failures: st.Failures}
	const when = "Mon Jan 2, 3:04 PM MST"
	if !st.LastOK.IsZero() {
		v.LastOK = st.LastOK.In(loc).Format(when)
	}
	if st.Last != nil && st.Last.Err != "" {
		v.Failed, v.Err = st.Last.Finished.In(loc).Format(when), st.Last.Err
	}
	return v
}

// clientRows dresses clients for a list.
func clientRows(cs []*journey.Client, loc *time.Location) []clientRow {
	rows := make([]clientRow, len(cs))
	for i, c := range cs {
		rows[i] = toClientRow(c, loc)
	}
	return rows
}

// overdueView is an overdue step of a client's plan, in words.
type overdueView struct {
	ClientID int64
	Name     string
	What     string
}

func overdueViews(steps []processing.OverdueStep, loc *time.Location) []overdueView {
	var out []overdueView
	for _, o := range steps {
		out = append(out, overdueView{ClientID: o.Client.ID, Name: o.Client.Name,
			What: fmt.Sprintf("integration %d, due by %s", o.Step.Number, o.Step.DueBy.In(loc).Format("Mon Jan 2"))})
	}
	return out
}

// stoppedView is a check-in that stopped a dose, as Today lists it.
type stoppedView struct {
	ClientID                    int64
	Name, At, Reading, Callback string
}

func stoppedViews(ss []processing.StoppedDose, loc *time.Location) []stoppedView {
	var out []stoppedView
	for _, s := range ss {
		out = append(out, stoppedView{ClientID: s.Client.ID, Name: s.Client.Name, At: s.CheckIn.CreatedAt.In(loc).Format("3:04 PM MST"),
			Reading: fmt.Sprintf("%d/%d", s.CheckIn.Systolic, s.CheckIn.Diastolic), Callback: s.CheckIn.Callback})
	}
	return out
}

// unsignedView is a session whose note waits unsigned, as Today lists it:
// its kind and when, never the client's name (the notes page names them).
type unsignedView struct {
	SessionID int64
	What      string
}

func unsignedViews(ss []*journey.CareSession, loc *time.Location) []unsignedView {
	var out []unsignedView
	for _, s := range ss {
		out = append(out, unsignedView{SessionID: s.ID, What: journey.SessionTypeName(s.Type) + ", " + s.Start.In(loc).Format("Mon Jan 2, 3:04 PM")})
	}
	return out
}

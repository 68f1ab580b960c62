package processing

import (
	"context"
	"time"

	"github.com/journey-kap/journey"
)

// A remote session's monitor, named by the client, and their check-in at
// its start.

// Monitor returns client id's monitor for remote sessions: for the client
// themselves and their clinicians (CanSeeClinical); ENOTFOUND when none is
// named. The read is audited.
func (p *Processor) Monitor(ctx context.Context, a *journey.Actor, id int64) (*journey.Monitor, error) {
	return readClient(ctx, p, a, id, "monitor.read", (*journey.Actor).CanSeeScreening,
		func(id int64) (*journey.Monitor, error) { return p.store.FindMonitor(ctx, id) }, via[*journey.Monitor]("monitor"))
}

// SetMonitor names the client's own monitor (only the client themselves:
// others "not found"), audited; EINVALID naming the wrong fields.
func (p *Processor) SetMonitor(ctx context.Context, a *journey.Actor, m *journey.Monitor) error {
	c, err := p.Client(ctx, a, m.ClientID, "monitor.set", (*journey.Actor).IsClient)
	if err != nil {
		return err
	}
	m.ClientID = c.ID
	err = p.store.SetMonitor(ctx, m)
	p.Audit(ctx, a, Entry{Action: "monitor.set", SubjectType: "client", SubjectID: c.ID, Outcome: outcome(err), Detail: journey.ErrorCode(err)})
	return err
}

// CheckIn records the client's own check-in at the start of their remote
// medicine session: from an hour before it starts until it ends, once it
// is booked or checked in (else ECONFLICT saying why). A reading at or
// above the no-dose limit is refused with journey.CheckInRefusal as an
// ECONFLICT after it is stored and the therapist told at once; one above
// the review limit is kept for the medical provider's review. Audited.
func (p *Processor) CheckIn(ctx context.Context, a *journey.Actor, ci *journey.CheckIn) (*journey.CheckIn, error) {
	s, err := p.store.FindCareSession(ctx, ci.SessionID)
	if err != nil {
		return nil, err
	}
	c, err := p.Client(ctx, a, s.ClientID, "checkin.create", (*journey.Actor).IsClient)
	if err != nil || s.ClientID == 0 {
		return nil, journey.Errorf(journey.ENOTFOUND, "Session not found.")
	}
	now := p.store.Time()
	switch {
	case s.Type != journey.TypeMedicine || s.Mode != journey.ModeRemote:
		err = journey.Errorf(journey.ECONFLICT, "Only a remote medicine session starts with a check-in.")
	case s.Status != journey.SessionBooked && s.Status != journey.SessionCheckedIn:
		err = journey.Errorf(journey.ECONFLICT, "This session has already started, ended or been cancelled: there is nothing to check in to.")
	case now.Before(s.Start.Add(-time.Hour)) || !now.Before(s.End):
		err = journey.Errorf(journey.ECONFLICT, "Check in during the hour before your session starts.")
	}
	if err == nil {
		ci.ClientID = c.ID
		err = p.store.CreateCheckIn(ctx, ci)
	}
	p.Audit(ctx, a, Entry{Action: "checkin.create", SubjectType: "session", SubjectID: s.ID, Outcome: outcome(err),
		Detail: journey.ErrorCode(err) + " " + ci.Result})
	if err != nil {
		return nil, err
	}
	if ci.Result == journey.CheckInNoDose {
		return ci, journey.Errorf(journey.ECONFLICT, "%s", journey.CheckInRefusal(ci))
	}
	return ci, nil
}

// checkIns returns the latest check-in of each of the plan's remote
// medicine sessions still to be held (booked or under way).
func (p *Processor) checkIns(ctx context.Context, plan *journey.Plan) ([]*journey.CheckIn, error) {
	var out []*journey.CheckIn
	for _, st := range plan.Steps {
		if st.Type != journey.TypeMedicine || st.Mode != journey.ModeRemote || st.Status != journey.StepBooked {
			continue
		}
		ci, err := optional(p.store.FindCheckIn(ctx, st.SessionID))
		if err != nil {
			return nil, err
		}
		if ci != nil {
			out = append(out, ci)
		}
	}
	return out, nil
}

// StoppedDose is a check-in that stopped a remote session's dose.
type StoppedDose struct {
	Client  *journey.Client
	CheckIn *journey.CheckIn
}

// stoppedDoses returns the check-ins since since that stopped a dose, of
// the clients whose alerts the actor sees (policy.go AlertScope).
func (p *Processor) stoppedDoses(ctx context.Context, a *journey.Actor, since time.Time) ([]StoppedDose, error) {
	cis, err := p.store.FindCheckInsSince(ctx, a.AlertScope(), since)
	if err != nil {
		return nil, err
	}
	var out []StoppedDose
	for _, ci := range cis {
		if ci.Result != journey.CheckInNoDose {
			continue
		}
		c, err := p.store.FindClientByID(ctx, ci.ClientID)
		if err != nil {
			return nil, err
		}
		if a.CanSeeClinical(c) {
			out = append(out, StoppedDose{Client: c, CheckIn: ci})
		}
	}
	return out, nil
}

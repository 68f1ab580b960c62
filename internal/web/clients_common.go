package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/journey-kap/journey"
)

// clientFor returns the client named by the path's {id} when the actor
// passes allowed (a record rule from policy.go). A client the actor may
// not see is "not found", so ids cannot be probed; the refusal is audited
// with action (e.g. "client.read").
func (s *Server) clientFor(r *http.Request, action string, allowed func(*journey.Actor, *journey.Client) bool) (*journey.Client, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, journey.Errorf(journey.ENOTFOUND, "Client not found.")
	}
	c, err := s.store.FindClientByID(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !allowed(actorFrom(r), c) {
		s.audit(r, action, "client", c.ID, journey.AuditDenied, "not theirs to see")
		return nil, journey.Errorf(journey.ENOTFOUND, "Client not found.")
	}
	return c, nil
}

// Record rules as method values, for clientFor.
var (
	seeClient    = (*journey.Actor).CanSeeClient
	seeClinical  = (*journey.Actor).CanSeeClinical
	administerTo = (*journey.Actor).CanAdminister
)

// clinicalRecord is the clinical part of a client's record, as the chart,
// the review screen and the API read it.
type clinicalRecord struct {
	Screening  *journey.Screening
	Latest     []*journey.Response  // newest response to each questionnaire, newest first
	Clearances []*journey.Clearance // newest first
	Alerts     []*journey.Alert     // open first
}

// loadClinicalRecord reads c's clinical record; openAlerts keeps only the
// alerts not yet acknowledged.
func (s *Server) loadClinicalRecord(ctx context.Context, c *journey.Client, openAlerts bool) (*clinicalRecord, error) {
	var rec clinicalRecord
	var err error
	if rec.Screening, err = s.store.FindScreening(ctx, c.ID); err != nil {
		return nil, err
	}
	if rec.Latest, err = s.store.LatestResponses(ctx, c.ID); err != nil {
		return nil, err
	}
	if rec.Clearances, err = s.store.FindClearances(ctx, c.ID); err != nil {
		return nil, err
	}
	if rec.Alerts, err = s.store.FindAlerts(ctx, 0, c.ID, openAlerts, 50); err != nil {
		return nil, err
	}
	return &rec, nil
}

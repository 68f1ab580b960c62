package webkit

import (
	"context"
	"time"

	"github.com/journey-kap/journey"
)

// ConsultReader reads a consult by its id.
type ConsultReader interface {
	FindConsultByID(ctx context.Context, id int64) (*journey.Consult, error)
}

// ClientZone returns the zone the portal shows c's times in, and its
// name: the one c chose when booking their consult, or the practice's
// when staff added them directly. The consult is c's own (no id from the
// URL) and nothing of it is shown but its zone.
func ClientZone(ctx context.Context, k Kit, store ConsultReader, c *journey.Client) (*time.Location, string) {
	if c.ConsultID != 0 {
		if con, err := store.FindConsultByID(ctx, c.ConsultID); err == nil {
			if loc, err := journey.LoadZone(con.TimeZone); err == nil {
				return loc, con.TimeZone
			}
		}
	}
	return PracticeZone(ctx, k)
}

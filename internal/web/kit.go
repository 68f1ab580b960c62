package web

import (
	"context"
	"net/http"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// kit is the Server as the audience packages see it (webkit.Kit): the one
// renderer, error table, caches and form tokens stay here.
type kit struct{ s *Server }

var _ webkit.Kit = kit{}

func (k kit) Render(w http.ResponseWriter, r *http.Request, status int, name string, page any) {
	k.s.render(w, r, status, name, page)
}

func (k kit) ServePage(w http.ResponseWriter, r *http.Request, key string, usesCalendar bool, build func() (string, any, error)) {
	k.s.servePage(w, r, key, usesCalendar, build)
}

func (k kit) PageError(w http.ResponseWriter, r *http.Request, err error) { k.s.pageError(w, r, err) }

func (k kit) FormReadError(w http.ResponseWriter, r *http.Request, err error) {
	k.s.formReadError(w, r, err)
}

func (kit) Status(err error) int                                      { return errorStatus(err) }
func (k kit) FormToken() string                                       { return k.s.formToken() }
func (k kit) CheckFormToken(tok string) bool                          { return k.s.checkFormToken(tok) }
func (k kit) Who(r *http.Request) *journey.Actor                      { return k.s.who(r) }
func (k kit) Practice(ctx context.Context) (*journey.Practice, error) { return k.s.practice(ctx) }

func (k kit) LoadWeek(r *http.Request, path, tz string, therapistID int64, from, selected string) (webkit.WeekView, error) {
	return k.s.loadWeek(r, path, tz, therapistID, from, selected)
}

func (k kit) APIError(w http.ResponseWriter, r *http.Request, err error) { k.s.apiError(w, r, err) }
func (k kit) DecodeJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	return k.s.decodeJSON(w, r, v)
}
func (k kit) BaseURL() string { return k.s.cfg.BaseURL }

// The week of slots and phone numbers are the shared kit's (webkit).
type WeekView = webkit.WeekView

var normalizePhone = webkit.NormalizePhone

// unsetPractice stands in for the practice before its first admin has
// saved its details: the public site names Journey, shows times in UTC
// and takes no booking.
func unsetPractice() *journey.Practice {
	return &journey.Practice{Name: "Journey", TimeZone: "UTC", SetupPending: true}
}

// practice returns the practice, or unsetPractice before one is set up;
// any other error (an outage) is returned.
func (s *Server) practice(ctx context.Context) (*journey.Practice, error) {
	p, err := s.store.FindPractice(ctx)
	if journey.ErrorCode(err) == journey.ENOTFOUND {
		return unsetPractice(), nil
	}
	return p, err
}

// practiceZone returns the zone staff read times in, and its name: the
// practice's, or UTC before it is set (webkit.PracticeZone).
func (s *Server) practiceZone(r *http.Request) (*time.Location, string) {
	return webkit.PracticeZone(r.Context(), kit{s})
}

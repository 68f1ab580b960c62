// Package webkit is what every audience's handlers share (the public site
// in internal/web/site, and the portal, staff workspace and API as they
// move out of internal/web): the Kit that renders pages and answers errors,
// the booking form and its reader, field errors and the error summary's
// lines, phone numbers, Markdown, the zone list and the week of slots, JSON
// and problem+json answers, and the actor in the request's context. It
// imports no audience and not internal/web; internal/web implements Kit,
// so the one renderer, error table and caches stay where they are.
package webkit

import (
	"context"
	"net/http"

	"github.com/journey-kap/journey"
)

// TokenPlaceholder stands where a fresh form token goes in a cached page.
// It is made of characters that HTML escaping leaves alone.
const TokenPlaceholder = "FORM-TOKEN-PLACEHOLDER-5b1c9e"

// Kit is what an audience's handler asks of the web layer around it.
type Kit interface {
	// Render draws page with template name in the layout the route's
	// audience has, with status.
	Render(w http.ResponseWriter, r *http.Request, status int, name string, page any)
	// ServePage answers a GET from the page cache, or builds, renders and
	// keeps the page. usesCalendar says whether it shows open slots.
	ServePage(w http.ResponseWriter, r *http.Request, key string, usesCalendar bool, build func() (name string, page any, err error))
	// PageError answers err as a page: the status from the one error
	// table, an outage as 503.
	PageError(w http.ResponseWriter, r *http.Request, err error)
	// FormReadError answers a form that could not be parsed (413 or 400).
	FormReadError(w http.ResponseWriter, r *http.Request, err error)
	// Status is err's HTTP status by the one error table.
	Status(err error) int
	// FormToken returns a fresh signed form token; CheckFormToken says
	// whether tok is one, old enough to be a person's.
	FormToken() string
	CheckFormToken(tok string) bool
	// Who is the request's actor: the signed-in person, or an anonymous
	// one with the client's address.
	Who(r *http.Request) *journey.Actor
	// Practice is the practice, or a stand-in before it is set up.
	Practice(ctx context.Context) (*journey.Practice, error)
	// LoadWeek fills the week of slots for the page at path: the visitor's
	// zone (tz, else the practice's), therapist (0 for any), week from
	// (YYYY-MM-DD) and the selected slot, from the slot cache.
	LoadWeek(r *http.Request, path, tz string, therapistID int64, from, selected string) (WeekView, error)
	// APIError answers err as RFC 9457 problem+json: the status from the
	// one error table, an internal error logged and shown as "Internal
	// error." only.
	APIError(w http.ResponseWriter, r *http.Request, err error)
	// DecodeJSON reads one JSON object, within the route's body limit,
	// into v; it answers a malformed body (400) or a larger one (413)
	// itself and returns false.
	DecodeJSON(w http.ResponseWriter, r *http.Request, v any) bool
	// BaseURL is the site's absolute address, no trailing slash: links in
	// pages, emails and the API.
	BaseURL() string
}

// Package journey holds the domain of Journey, a platform that runs a
// Ketamine-Assisted Psychotherapy practice: its types, their validation and
// the service interfaces that the adapters in internal/ implement. It imports
// only the standard library.
package journey

import (
	"context"
	"time"
)

// Clock returns the current time. Services take one so tests can fix "now".
type Clock func() time.Time

// Practice describes the practice itself: what the public site shows.
type Practice struct {
	Name          string
	Tagline       string
	Phone         string
	Email         string
	Address       string
	TimeZone      string // the zone the site defaults to before the visitor picks one
	PrivacyNotice string // Markdown
}

// PracticeService reads and changes the practice's description.
type PracticeService interface {
	// FindPractice returns the practice, or ENOTFOUND before one is set up.
	FindPractice(ctx context.Context) (*Practice, error)
	// UpdatePractice replaces the practice's description.
	UpdatePractice(ctx context.Context, p *Practice) error
}

// Validate returns EINVALID naming every field that is wrong.
func (p *Practice) Validate() error {
	p.Name = Line(p.Name)
	var v Validation
	if p.Name == "" {
		v.Add("name", "Enter the practice's name.")
	}
	if _, err := time.LoadLocation(p.TimeZone); err != nil || p.TimeZone == "" {
		v.Add("time_zone", "Choose a known time zone.")
	}
	return v.Err()
}

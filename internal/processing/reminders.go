package processing

import (
	"context"
	"fmt"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/auth"
)

// ReminderStore is what reminders, text consent, failed deliveries and
// calendar feeds read and change (sqldb's reminder.go, textmsg.go and
// calendarfeed.go).
type ReminderStore interface {
	journey.CalendarFeedService
	MarkCalendarFeedRead(ctx context.Context, id int64) error
	CalendarFeedSessions(ctx context.Context, userID int64, from, to time.Time) (*journey.FeedSource, error)
	FindFailedDeliveries(ctx context.Context, limit int) ([]*journey.FailedDelivery, error)
	RecordTextConsent(ctx context.Context, c *journey.TextConsent) error
	FindTextConsent(ctx context.Context, clientID int64) (*journey.TextConsent, error)
	FindReminderSettings(ctx context.Context) (journey.ReminderSettings, error)
	SaveReminderSettings(ctx context.Context, s journey.ReminderSettings, by int64) error
}

// PrefixCalendarFeed starts every calendar feed token: a leaked one is
// recognised for what it is.
const PrefixCalendarFeed = "jy_cal_"

// Feed window: a feed shows sessions from a month back to a year ahead.
const (
	FeedPast   = 31 * 24 * time.Hour
	FeedFuture = 366 * 24 * time.Hour
)

// CreateCalendarFeed gives the signed-in actor (staff or client) a new
// private calendar feed of their own sessions and returns its token: the
// only time it is shown, as the store keeps its hash. ECONFLICT when they
// hold journey.MaxCalendarFeeds already. Audited by the feed's id.
func (p *Processor) CreateCalendarFeed(ctx context.Context, a *journey.Actor, via string) (*journey.CalendarFeed, string, error) {
	if a == nil || a.User == nil {
		return nil, "", journey.Errorf(journey.EUNAUTHORIZED, "Sign in first.")
	}
	token, hash, err := auth.NewToken(PrefixCalendarFeed)
	if err != nil {
		return nil, "", err
	}
	f, err := p.store.CreateCalendarFeed(ctx, a.ID(), hash)
	if err != nil {
		p.Audit(ctx, a, Entry{Action: "calendar_feed.create", SubjectType: "user", SubjectID: a.ID(), Outcome: outcome(err), Detail: "refused" + via})
		return nil, "", err
	}
	p.Audit(ctx, a, Entry{Action: "calendar_feed.create", SubjectType: "calendar_feed", SubjectID: f.ID, Outcome: journey.AuditSuccess, Detail: "created" + via})
	return f, token, nil
}

// RevokeCalendarFeed revokes one of the actor's own feeds; another's, or
// one revoked already, is "not found", audited as denied.
func (p *Processor) RevokeCalendarFeed(ctx context.Context, a *journey.Actor, id int64) error {
	return p.ownChange(ctx, a, "calendar_feed.revoke", "calendar_feed", id, p.store.RevokeCalendarFeed(ctx, a.ID(), id))
}

// CalendarFeeds returns the actor's own working feeds (ids and dates
// only: their tokens are never kept).
func (p *Processor) CalendarFeeds(ctx context.Context, a *journey.Actor) ([]*journey.CalendarFeed, error) {
	return p.store.FindCalendarFeeds(ctx, a.ID())
}

// CalendarFeed returns the feed token opens, as calendar entries in the
// owner's zone: ENOTFOUND for a token of no working feed. The token is the
// credential, so a is whoever asks (an address); each read is audited by
// the feed's id.
func (p *Processor) CalendarFeed(ctx context.Context, a *journey.Actor, token string, now time.Time) (*journey.FeedSource, *journey.CalendarFeed, error) {
	if len(token) < len(PrefixCalendarFeed)+20 || len(token) > 100 {
		return nil, nil, journey.Errorf(journey.ENOTFOUND, "Calendar not found.")
	}
	f, err := p.store.FindCalendarFeedByToken(ctx, auth.HashToken(token))
	if err != nil {
		if journey.ErrorCode(err) == journey.ENOTFOUND {
			p.Audit(ctx, a, Entry{Action: "calendar_feed.read", SubjectType: "calendar_feed", Outcome: journey.AuditDenied, Detail: "no working feed for the token"})
		}
		return nil, nil, err
	}
	src, err := p.store.CalendarFeedSessions(ctx, f.UserID, now.Add(-FeedPast), now.Add(FeedFuture))
	if err != nil {
		return nil, nil, err
	}
	if err := p.store.MarkCalendarFeedRead(ctx, f.ID); err != nil {
		return nil, nil, err
	}
	p.Audit(ctx, a, Entry{Action: "calendar_feed.read", SubjectType: "calendar_feed", SubjectID: f.ID, Outcome: journey.AuditSuccess,
		Detail: fmt.Sprintf("feed of user %d: %s", f.UserID, IDList("sessions", src.Sessions, func(s journey.FeedSession) int64 { return s.Session.ID }))})
	return src, f, nil
}

// FailedDeliveries returns the emails and texts that could not be
// delivered (PermDeliveries: front desk and admins), audited as a read
// of each.
func (p *Processor) FailedDeliveries(ctx context.Context, a *journey.Actor, limit int, via string) ([]*journey.FailedDelivery, error) {
	if !a.Can(journey.PermDeliveries) {
		p.Audit(ctx, a, Entry{Action: "deliveries.read", Outcome: journey.AuditDenied, Detail: "no permission" + via})
		return nil, journey.Errorf(journey.EFORBIDDEN, "Only front desk and admins see failed deliveries.")
	}
	ds, err := p.store.FindFailedDeliveries(ctx, limit)
	if err != nil {
		return nil, err
	}
	var reminders, monitors, emails []*journey.FailedDelivery
	for _, d := range ds {
		switch {
		case d.ReminderID != 0:
			reminders = append(reminders, d)
		case d.MonitorMessageID != 0:
			monitors = append(monitors, d)
		default:
			emails = append(emails, d)
		}
	}
	p.Audit(ctx, a, Entry{Action: "deliveries.read", Outcome: journey.AuditSuccess, Detail: IDList("reminders", reminders,
		func(d *journey.FailedDelivery) int64 { return d.ReminderID }) + "; " + IDList("monitor messages", monitors,
		func(d *journey.FailedDelivery) int64 { return d.MonitorMessageID }) + "; " + IDList("other emails", emails,
		func(d *journey.FailedDelivery) int64 { return d.MessageID }) + via})
	return ds, nil
}

// TextConsent returns client id's newest answer about texts to those who
// may record it (CanRecordTextConsent); a client they may not see is "not
// found", audited.
func (p *Processor) TextConsent(ctx context.Context, a *journey.Actor, id int64) (*journey.TextConsent, error) {
	return readClient(ctx, p, a, id, "text_consent.read", (*journey.Actor).CanRecordTextConsent,
		func(cid int64) (*journey.TextConsent, error) { return p.store.FindTextConsent(ctx, cid) },
		func(c *journey.TextConsent) string { return fmt.Sprintf("agreed %v", c.Agreed) })
}

// RecordTextConsent keeps the client's answer about texts (agreed, and
// the mobile number to text), by the client or staff on their word;
// EINVALID (phone) when they agree without a valid number. Audited with
// the answer, never the number.
func (p *Processor) RecordTextConsent(ctx context.Context, a *journey.Actor, id int64, agreed bool, phone string) (*journey.TextConsent, error) {
	c, err := p.Client(ctx, a, id, "text_consent.record", (*journey.Actor).CanRecordTextConsent)
	if err != nil {
		return nil, err
	}
	tc := &journey.TextConsent{ClientID: c.ID, Agreed: agreed, Phone: phone, By: a.ID()}
	if !agreed {
		tc.Phone = ""
	}
	err = p.store.RecordTextConsent(ctx, tc)
	p.Audit(ctx, a, Entry{Action: "text_consent.record", SubjectType: "client", SubjectID: c.ID, Outcome: outcome(err),
		Detail: fmt.Sprintf("agreed %v", agreed)})
	if err != nil {
		return nil, err
	}
	return tc, nil
}

// ReminderSettings returns the practice's reminder rules.
func (p *Processor) ReminderSettings(ctx context.Context) (journey.ReminderSettings, error) {
	return p.store.FindReminderSettings(ctx)
}

// SaveReminderSettings changes the practice's reminder rules (PermSettings);
// EINVALID naming each wrong field. Audited either way.
func (p *Processor) SaveReminderSettings(ctx context.Context, a *journey.Actor, s journey.ReminderSettings) error {
	if !a.Can(journey.PermSettings) {
		p.Audit(ctx, a, Entry{Action: "settings.reminders", Outcome: journey.AuditDenied, Detail: "no permission"})
		return journey.Errorf(journey.EFORBIDDEN, "Only an admin changes the reminders.")
	}
	err := p.store.SaveReminderSettings(ctx, s, a.ID())
	p.Audit(ctx, a, Entry{Action: "settings.reminders", Outcome: outcome(err),
		Detail: fmt.Sprintf("%d h and %d h before; no food %d h, no liquids %d min", s.EarlyHours, s.DayHours, s.FastFoodHours, s.FastLiquidMinutes)})
	return err
}

package processing

import (
	"context"
	"fmt"

	"github.com/journey-kap/journey"
)

// The practice's settings: consent documents, screening rules, booking
// settings, the practice's details and public texts, the FAQ. Each change
// needs PermSettings and is audited either way; invalid, where a method
// takes it, is the caller's refusal of what was typed (a number that is no
// number), audited as a failed change.

// settings refuses an actor without PermSettings.
func settings(a *journey.Actor) error {
	if !a.Can(journey.PermSettings) {
		return journey.Errorf(journey.EFORBIDDEN, "You do not have access to the practice's settings.")
	}
	return nil
}

// failed records a refused settings change: the error's code as detail.
func (p *Processor) failed(ctx context.Context, a *journey.Actor, action, kind string, id any, err error, via string) error {
	p.Audit(ctx, a, Entry{Action: action, SubjectType: kind, SubjectID: id, Outcome: journey.AuditFailure, Detail: journey.ErrorCode(err) + via})
	return err
}

// CreateConsentDocument stores d as the next version of its document, by
// the actor.
func (p *Processor) CreateConsentDocument(ctx context.Context, a *journey.Actor, d *journey.ConsentDocument, via string) error {
	if err := settings(a); err != nil {
		return err
	}
	d.CreatedBy = a.ID()
	if err := p.store.CreateConsentDocument(ctx, d); err != nil {
		return p.failed(ctx, a, "consent.document.create", "consent_document", "", err, via)
	}
	p.Audit(ctx, a, Entry{Action: "consent.document.create", SubjectType: "consent_document", SubjectID: d.ID, Outcome: journey.AuditSuccess,
		Detail: fmt.Sprintf("%s v%d%s", d.Code, d.Version, via)})
	return nil
}

// StaleRules refuses a change to the screening rules made on version
// posted when current is the newest (ECONFLICT), audited.
func (p *Processor) StaleRules(ctx context.Context, a *journey.Actor, current int, posted string) error {
	p.Audit(ctx, a, Entry{Action: "rules.update", SubjectType: "rule_set", SubjectID: current, Outcome: journey.AuditFailure, Detail: "stale version " + posted})
	return journey.Errorf(journey.ECONFLICT, "Someone saved version %d of the rules while you were editing. The table now shows it: make your change again.", current)
}

// UpdateRuleSet makes the next version of the screening rules from
// changes with the actor's note; every client is screened again under it
// (sqldb).
func (p *Processor) UpdateRuleSet(ctx context.Context, a *journey.Actor, changes []journey.Rule, note string, invalid error, via string) (*journey.RuleSet, error) {
	if err := settings(a); err != nil {
		return nil, err
	}
	var rs *journey.RuleSet
	if err := attempt(invalid, func() (err error) {
		rs, err = p.store.UpdateRuleSet(ctx, changes, note, a.ID())
		return err
	}); err != nil {
		return nil, p.failed(ctx, a, "rules.update", "rule_set", "", err, via)
	}
	p.Audit(ctx, a, Entry{Action: "rules.update", SubjectType: "rule_set", SubjectID: rs.Version, Outcome: journey.AuditSuccess,
		Detail: fmt.Sprintf("version %d%s", rs.Version, via)})
	return rs, nil
}

// UpdateBookingSettings saves instant or private booking and the hold.
func (p *Processor) UpdateBookingSettings(ctx context.Context, a *journey.Actor, st *journey.BookingSettings, invalid error) error {
	if err := settings(a); err != nil {
		return err
	}
	if err := attempt(invalid, func() error { return p.store.UpdateBookingSettings(ctx, st) }); err != nil {
		return p.failed(ctx, a, "settings.booking.update", "practice", "", err, "")
	}
	p.Audit(ctx, a, Entry{Action: "settings.booking.update", SubjectType: "practice", Outcome: journey.AuditSuccess,
		Detail: fmt.Sprintf("private=%t hold=%d", st.Private, st.HoldMinutes)})
	return nil
}

// UpdatePractice saves the practice's details as pr, audited as action
// (settings.practice.update, .open or .landing) with detail.
func (p *Processor) UpdatePractice(ctx context.Context, a *journey.Actor, pr *journey.Practice, invalid error, action, detail string) error {
	if err := settings(a); err != nil {
		return err
	}
	if err := attempt(invalid, func() error {
		pr.ChangedBy = a.ID() // kept with the version the change makes
		return p.store.UpdatePractice(ctx, pr)
	}); err != nil {
		return p.failed(ctx, a, action, "practice", "", err, "")
	}
	p.Audit(ctx, a, Entry{Action: action, SubjectType: "practice", Outcome: journey.AuditSuccess, Detail: detail})
	return nil
}

// AddStarterFAQ adds entries (Journey's starter questions, unpublished) to
// an empty FAQ; invalid says why not (the FAQ already has questions).
func (p *Processor) AddStarterFAQ(ctx context.Context, a *journey.Actor, entries []*journey.FAQEntry, invalid error) error {
	if err := settings(a); err != nil {
		return err
	}
	if err := attempt(invalid, func() error {
		for _, e := range entries {
			e.ChangedBy = a.ID()
		}
		return p.store.CreateFAQEntries(ctx, entries) // one change: one version of the FAQ
	}); err != nil {
		return p.failed(ctx, a, "settings.faq.starter", "practice", "", err, "")
	}
	p.Audit(ctx, a, Entry{Action: "settings.faq.starter", SubjectType: "practice", Outcome: journey.AuditSuccess})
	return nil
}

// UpdateFAQEntry saves one FAQ entry, published or not.
func (p *Processor) UpdateFAQEntry(ctx context.Context, a *journey.Actor, e *journey.FAQEntry) error {
	if err := settings(a); err != nil {
		return err
	}
	e.ChangedBy = a.ID()
	if err := p.store.UpdateFAQEntry(ctx, e); err != nil {
		return p.failed(ctx, a, "settings.faq.update", "faq", e.ID, err, "")
	}
	p.Audit(ctx, a, Entry{Action: "settings.faq.update", SubjectType: "faq", SubjectID: e.ID, Outcome: journey.AuditSuccess,
		Detail: fmt.Sprintf("published=%t", e.Published)})
	return nil
}

// SettingsVersions returns kind's versions (practice, landing or faq),
// newest first, at most limit, to whoever may change the settings.
func (p *Processor) SettingsVersions(ctx context.Context, a *journey.Actor, kind string, limit int) ([]*journey.SettingsVersion, error) {
	if err := settings(a); err != nil {
		return nil, err
	}
	return p.store.FindSettingsVersions(ctx, kind, limit)
}

// RestoreSettingsVersion saves version of kind again as the newest,
// audited as settings.<kind>.restore.
func (p *Processor) RestoreSettingsVersion(ctx context.Context, a *journey.Actor, kind string, version int) (*journey.SettingsVersion, error) {
	if err := settings(a); err != nil {
		return nil, err
	}
	v, err := p.store.RestoreSettingsVersion(ctx, kind, version, a.ID())
	action, detail := "settings."+kind+".restore", fmt.Sprintf("version %d", version)
	if err != nil {
		return nil, p.failed(ctx, a, action, "practice", "", err, " "+detail)
	}
	p.Audit(ctx, a, Entry{Action: action, SubjectType: "practice", Outcome: journey.AuditSuccess, Detail: detail})
	return v, nil
}

// SetLogo makes data, once journey.NewLogo has checked it, the practice's
// logo; audited as settings.practice.logo either way.
func (p *Processor) SetLogo(ctx context.Context, a *journey.Actor, data []byte, via string) (*journey.Logo, error) {
	if err := settings(a); err != nil {
		return nil, err
	}
	l, err := journey.NewLogo(data)
	if err == nil {
		l.UpdatedBy = a.ID()
		err = p.store.SetLogo(ctx, l)
	}
	if err != nil {
		return nil, p.failed(ctx, a, "settings.practice.logo", "practice", "", err, " "+via)
	}
	p.Audit(ctx, a, Entry{Action: "settings.practice.logo", SubjectType: "practice", Outcome: journey.AuditSuccess,
		Detail: fmt.Sprintf("%s %dx%d %s %s", l.ContentType, l.Width, l.Height, l.SHA256[:16], via)})
	return l, nil
}

// RemoveLogo removes the practice's logo, audited as settings.practice.logo.
func (p *Processor) RemoveLogo(ctx context.Context, a *journey.Actor, via string) error {
	if err := settings(a); err != nil {
		return err
	}
	if err := p.store.RemoveLogo(ctx); err != nil {
		return p.failed(ctx, a, "settings.practice.logo", "practice", "", err, " removed "+via)
	}
	p.Audit(ctx, a, Entry{Action: "settings.practice.logo", SubjectType: "practice", Outcome: journey.AuditSuccess, Detail: "removed " + via})
	return nil
}

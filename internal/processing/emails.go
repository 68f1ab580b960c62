package processing

import (
	"context"
	"fmt"

	"github.com/journey-kap/journey"
)

// SaveEmailTemplate saves t as its kind's next version by the actor, or
// with t.Default returns the kind to Journey's text; audited as
// settings.email.update or settings.email.reset, refused ones too. The
// store validates (journey.EmailTemplate.Validate).
func (p *Processor) SaveEmailTemplate(ctx context.Context, a *journey.Actor, t *journey.EmailTemplate, via string) error {
	if err := settings(a); err != nil {
		return err
	}
	action := "settings.email.update"
	if t.Default {
		action = "settings.email.reset"
	}
	t.UpdatedBy = a.ID()
	if err := p.store.SaveEmailTemplate(ctx, t); err != nil {
		if journey.ErrorCode(err) == journey.ENOTFOUND {
			return err // no such email: nothing was changed
		}
		return p.failed(ctx, a, action, "email_template", t.Kind, err, via)
	}
	p.Audit(ctx, a, Entry{Action: action, SubjectType: "email_template", SubjectID: t.Kind, Outcome: journey.AuditSuccess,
		Detail: fmt.Sprintf("version %d%s", t.Version, via)})
	return nil
}

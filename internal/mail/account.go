package mail

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/journey-kap/journey"
)

var _ journey.AccountMailComposer = (*Composer)(nil)

// ComposeInvitation returns the email that invites a member of staff.
func (c *Composer) ComposeInvitation(inv *journey.Invitation, p *journey.Practice, token string) (*journey.Message, error) {
	roles := make([]string, len(inv.Roles))
	for i, r := range inv.Roles {
		roles[i] = journey.RoleLabel(r)
	}
	link := strings.TrimRight(c.BaseURL, "/") + "/invite/" + url.PathEscape(token)
	text := fmt.Sprintf(`Hello %s,

You have been invited to join %s on Journey as: %s.

Set your password and two-step sign-in here (the link works once and
expires on %s UTC):
%s

If you did not expect this, ignore this email.

%s
`, inv.Name, p.Name, strings.Join(roles, ", "), inv.ExpiresAt.UTC().Format("January 2 at 3:04 PM"), link, p.Name)
	return &journey.Message{To: inv.Email, Subject: "You are invited to " + p.Name + " on Journey", Text: text}, nil
}

// ComposePasswordReset returns the email with a password reset link.
func (c *Composer) ComposePasswordReset(u *journey.User, p *journey.Practice, token string) (*journey.Message, error) {
	link := strings.TrimRight(c.BaseURL, "/") + "/reset/" + url.PathEscape(token)
	text := fmt.Sprintf(`Hello %s,

Someone asked to reset the password of your %s account. To choose a new
one, use this link within the hour (it works once):
%s

If it was not you, ignore this email: your password has not changed.

%s
`, u.Name, p.Name, link, p.Name)
	return &journey.Message{To: u.Email, Subject: "Reset your " + p.Name + " password", Text: text}, nil
}

var _ journey.ClientMailComposer = (*Composer)(nil)

func (c *Composer) link(path string) string { return strings.TrimRight(c.BaseURL, "/") + path }

// ComposeClientInvitation returns the email inviting a client to the portal.
func (c *Composer) ComposeClientInvitation(cl *journey.Client, p *journey.Practice, token string, expires time.Time) (*journey.Message, error) {
	text := fmt.Sprintf(`Hello %s,

Thank you for meeting us. Your next step with %s is to set up your
private client portal, where you will fill in your intake, answer a few
short questionnaires and read and sign your consent forms.

Set up your portal here (the link works once and expires on %s UTC):
%s

If you did not expect this, ignore this email.

%s
`, cl.Name, p.Name, expires.UTC().Format("January 2 at 3:04 PM"), c.link("/portal/join/"+url.PathEscape(token)), p.Name)
	return &journey.Message{To: cl.Email, Subject: "Your next step with " + p.Name, Text: text}, nil
}

// ComposeSafetyAlert tells a clinician to sign in to see an urgent alert.
func (c *Composer) ComposeSafetyAlert(to *journey.User, p *journey.Practice, alertID int64) (*journey.Message, error) {
	text := fmt.Sprintf(`Hello %s,

URGENT: one of your clients answered a safety question in a way that
needs follow-up today. For their privacy this email does not say who or
what; sign in to see the alert and acknowledge it:
%s

%s
`, to.Name, c.link(fmt.Sprintf("/staff/alerts#alert-%d", alertID)), p.Name)
	return &journey.Message{To: to.Email, Subject: "Urgent safety alert - " + p.Name, Text: text}, nil
}

// ComposePortalUpdate tells a client there is news in their portal.
func (c *Composer) ComposePortalUpdate(cl *journey.Client, p *journey.Practice) (*journey.Message, error) {
	text := fmt.Sprintf(`Hello %s,

There is an update for you in your %s portal. Sign in to read it:
%s

%s
`, cl.Name, p.Name, c.link("/portal"), p.Name)
	return &journey.Message{To: cl.Email, Subject: "An update in your " + p.Name + " portal", Text: text}, nil
}

package mail

import (
	"fmt"
	"net/url"
	"strings"

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

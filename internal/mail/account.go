package mail

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/journey-kap/journey"
)

var _ journey.AccountMailComposer = (*Composer)(nil)

// expiry is how an invitation's expiry reads in its email.
func expiry(t time.Time) string { return t.UTC().Format("January 2 at 3:04 PM") + " UTC" }

// ComposeInvitation returns the email that invites a member of staff.
func (c *Composer) ComposeInvitation(inv *journey.Invitation, p *journey.Practice, token string) (*journey.Message, error) {
	roles := make([]string, len(inv.Roles))
	for i, r := range inv.Roles {
		roles[i] = journey.RoleLabel(r)
	}
	return compose(journey.MailStaffInvitation, p, map[string]string{"staff_name": inv.Name, "roles": strings.Join(roles, ", "),
		"invite_expires": expiry(inv.ExpiresAt), "invite_link": c.link("/invite/" + url.PathEscape(token))}, inv.Email)
}

// ComposePasswordReset returns the email with a password reset link.
func (c *Composer) ComposePasswordReset(u *journey.User, p *journey.Practice, token string) (*journey.Message, error) {
	return compose(journey.MailPasswordReset, p, map[string]string{"user_name": u.Name,
		"reset_link": c.link("/reset/" + url.PathEscape(token))}, u.Email)
}

var _ journey.ClientMailComposer = (*Composer)(nil)

func (c *Composer) link(path string) string { return strings.TrimRight(c.BaseURL, "/") + path }

// ComposeClientInvitation returns the email inviting a client to the portal.
func (c *Composer) ComposeClientInvitation(cl *journey.Client, p *journey.Practice, token string, expires time.Time) (*journey.Message, error) {
	return compose(journey.MailClientInvitation, p, map[string]string{"client_first_name": firstName(cl.Name), "client_name": cl.Name,
		"invite_expires": expiry(expires), "invite_link": c.link("/portal/join/" + url.PathEscape(token))}, cl.Email)
}

// ComposeSafetyAlert tells a clinician to sign in to see an urgent alert.
// Its template offers no placeholder that names the client or the answer
// (journey.EmailKind.NoPHI), so no practice can add them.
func (c *Composer) ComposeSafetyAlert(to *journey.User, p *journey.Practice, alertID int64) (*journey.Message, error) {
	return compose(journey.MailSafetyAlert, p, map[string]string{"staff_name": to.Name,
		"alert_link": c.link(fmt.Sprintf("/staff/alerts#alert-%d", alertID))}, to.Email)
}

var _ journey.CheckInMailComposer = (*Composer)(nil)

// ComposeCheckInNoDose tells a therapist at once that a remote session's
// check-in stopped the dose, with a link to the client's plan and gates
// (an id, never a name; journey.EmailKind.NoPHI).
func (c *Composer) ComposeCheckInNoDose(to *journey.User, p *journey.Practice, clientID int64) (*journey.Message, error) {
	return compose(journey.MailCheckInNoDose, p, map[string]string{"staff_name": to.Name,
		"checkin_link": c.link(fmt.Sprintf("/staff/clients/%d/plan", clientID))}, to.Email)
}

var _ journey.MedicineMailComposer = (*Composer)(nil)

// ComposeMedicineAlert tells a clinician at once that event (one of
// journey's Event… words) happened on a medicine session, with a link to
// its run sheet (an id, never a name; journey.EmailKind.NoPHI).
func (c *Composer) ComposeMedicineAlert(to *journey.User, p *journey.Practice, sessionID int64, event string) (*journey.Message, error) {
	return compose(journey.MailMedicineAlert, p, map[string]string{"staff_name": to.Name, "event": event,
		"runsheet_link": c.link(fmt.Sprintf("/staff/sessions/%d/run-sheet", sessionID))}, to.Email)
}

// ComposePortalUpdate tells a client there is news in their portal.
func (c *Composer) ComposePortalUpdate(cl *journey.Client, p *journey.Practice) (*journey.Message, error) {
	return compose(journey.MailPortalUpdate, p, map[string]string{"client_first_name": firstName(cl.Name), "client_name": cl.Name,
		"portal_link": c.link("/portal")}, cl.Email)
}

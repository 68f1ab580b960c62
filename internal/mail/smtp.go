package mail

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/journey-kap/journey"
)

// Sender delivers messages to the SMTP server named by an smtp:// or
// smtps:// URL. An empty URL makes a Sender that is not Configured.
type Sender struct {
	host     string
	opts     []gomail.Option
	from     string
	fromName string
}

var _ journey.MailSender = (*Sender)(nil)

// NewSender parses rawURL (smtp://user:pass@host:port, or smtps:// for TLS
// from the first byte) and the From address; EINVALID when either is wrong.
func NewSender(rawURL, from, fromName string) (*Sender, error) {
	s := &Sender{from: from, fromName: fromName}
	if rawURL == "" {
		return s, nil
	}
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
		return nil, journey.Errorf(journey.EINVALID, "JOURNEY_SMTP_URL must look like smtp://user:pass@host:port")
	}
	if !journey.ValidEmail(from) {
		return nil, journey.Errorf(journey.EINVALID, "JOURNEY_MAIL_FROM must be an email address")
	}
	s.host = u.Hostname()
	port := 587
	if u.Scheme == "smtps" {
		port = 465
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return nil, journey.Errorf(journey.EINVALID, "JOURNEY_SMTP_URL has a bad port")
		}
	}
	s.opts = []gomail.Option{gomail.WithPort(port), gomail.WithTimeout(20 * time.Second)}
	if u.Scheme == "smtps" {
		s.opts = append(s.opts, gomail.WithSSL())
	} else {
		// Use STARTTLS when the server offers it; a local relay may not.
		s.opts = append(s.opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if u.User != nil {
		pass, _ := u.User.Password()
		s.opts = append(s.opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(u.User.Username()), gomail.WithPassword(pass))
	}
	return s, nil
}

// Configured reports whether an SMTP server was given.
func (s *Sender) Configured() bool { return s.host != "" }

// Send delivers m; any error means the attempt should be retried.
func (s *Sender) Send(ctx context.Context, m *journey.Message) error {
	if !s.Configured() {
		return fmt.Errorf("mail: no SMTP server configured")
	}
	msg := gomail.NewMsg()
	if err := msg.FromFormat(s.fromName, s.from); err != nil {
		return fmt.Errorf("mail: from: %w", err)
	}
	if err := msg.To(m.To); err != nil {
		return fmt.Errorf("mail: to: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetMessageID()
	msg.SetDate()
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.ICS != "" {
		ct := gomail.ContentType(`text/calendar; charset=utf-8; method=` + strings.ToUpper(m.ICSMethod))
		if err := msg.AttachReader("invite.ics", strings.NewReader(m.ICS), gomail.WithFileContentType(ct)); err != nil {
			return fmt.Errorf("mail: attach: %w", err)
		}
	}
	client, err := gomail.NewClient(s.host, s.opts...)
	if err != nil {
		return fmt.Errorf("mail: client: %w", err)
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("mail: send: %w", err)
	}
	return nil
}

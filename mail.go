package journey

import (
	"context"
	"time"
)

// Outbox statuses.
const (
	MailQueued = "queued" // waiting for the worker
	MailSent   = "sent"   // accepted by the SMTP server
	MailHeld   = "held"   // no SMTP server configured: kept in the outbox
	MailFailed = "failed" // gave up after every retry
)

// Message is one outgoing email, kept in the outbox until delivered.
type Message struct {
	ID        int64
	To        string
	Subject   string
	Text      string
	HTML      string
	ICS       string // an iCalendar attachment, or ""
	ICSMethod string // REQUEST or CANCEL
	Status    string
	Attempts  int
	LastError string
	CreatedAt time.Time
	SentAt    time.Time
}

// MailSender delivers a message to an SMTP server.
type MailSender interface {
	// Send delivers m; an error means it should be retried.
	Send(ctx context.Context, m *Message) error
	// Configured reports whether a server is set up; if not, mail is held.
	Configured() bool
}

// OutboxService reads and settles queued messages.
type OutboxService interface {
	// FindMessageByID returns ENOTFOUND when there is no such message.
	FindMessageByID(ctx context.Context, id int64) (*Message, error)
	// MarkMessage records the outcome of a delivery attempt.
	MarkMessage(ctx context.Context, id int64, status string, attempts int, lastErr string) error
}

// Consult mail kinds.
const (
	MailConsultBooked      = "consult_booked"
	MailConsultRescheduled = "consult_rescheduled"
	MailConsultCancelled   = "consult_cancelled"
	MailConsultManageLink  = "consult_manage_link"
	// MailConsultHold asks the visitor to confirm a time held under private
	// booking; its token is the confirm token, and c.HoldUntil is set.
	MailConsultHold = "consult_hold"
)

// ConsultMailComposer writes the email a visitor gets about their consult.
type ConsultMailComposer interface {
	// ComposeConsultMail returns the message of the given kind; token is the
	// manage token when the message carries the manage link (the confirm
	// token for MailConsultHold).
	ComposeConsultMail(kind string, c *Consult, t *Therapist, p *Practice, token string) (*Message, error)
}

package journey

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// The text of each email the practice sends is a template the admin may
// change: plain text with named placeholders such as {{client_first_name}}.
// The placeholders are filled by a small explicit substitution, never a
// template language: what a person typed (a name) is inserted as it is and
// never read as a placeholder, and nothing but the listed names can be
// reached. Each kind lists the placeholders it allows and those it must
// keep: the link the email exists to carry.

// Email kinds other than the consult kinds of mail.go.
const (
	MailStaffInvitation  = "staff_invitation"
	MailPasswordReset    = "password_reset"
	MailClientInvitation = "client_invitation"
	MailSafetyAlert      = "safety_alert"
	MailPortalUpdate     = "portal_update"
)

// Limits on an email template.
const (
	MaxEmailSubjectLen = 200
	MaxEmailBodyLen    = 5000
)

// Placeholder is a name a template may use, what it stands for, and the
// value the preview shows.
type Placeholder struct {
	Name        string
	Description string
	Sample      string
}

// EmailKind is one kind of email: when it is sent, its default text, the
// placeholders it allows and those it requires.
type EmailKind struct {
	Kind         string
	Label        string
	When         string // when the practice sends it
	Subject      string // the default subject
	Body         string // the default body
	Placeholders []Placeholder
	Required     []string
	// NoPHI: the email goes to staff about a client, so it may say
	// nothing about who or what; none of its placeholders names a client.
	NoPHI bool
	// Footer: the practice's contact details and the crisis lines follow
	// the body, whatever the template says.
	Footer bool
}

// EmailTemplate is the current text of one kind of email.
type EmailTemplate struct {
	Kind    string
	Subject string
	Body    string
	// Default is true for Journey's own text: never changed, or reset.
	Default bool
	// Version counts the saves of this kind (0: never saved).
	Version   int
	UpdatedBy int64
	// UpdatedByName is who saved it, for the history; "" for Journey's text.
	UpdatedByName string
	UpdatedAt     time.Time
}

// EmailTemplateService keeps the practice's email templates, each save a
// new version.
type EmailTemplateService interface {
	// FindEmailTemplates returns the current template of every kind, in
	// the order of EmailKinds (Journey's default where none was saved).
	FindEmailTemplates(ctx context.Context) ([]*EmailTemplate, error)
	// FindEmailTemplateHistory returns the saved versions of kind, newest
	// first, at most limit; ENOTFOUND for an unknown kind.
	FindEmailTemplateHistory(ctx context.Context, kind string, limit int) ([]*EmailTemplate, error)
	// SaveEmailTemplate saves t as kind's next version (UpdatedBy saving
	// it): EINVALID naming subject or body when it is not valid, ENOTFOUND
	// for an unknown kind. With t.Default set it returns the kind to
	// Journey's text, as a version of its own.
	SaveEmailTemplate(ctx context.Context, t *EmailTemplate) error
}

var placeholderRE = regexp.MustCompile(`\{\{\s*([^{}]*?)\s*\}\}`)

// FindEmailKind returns the kind called kind, or nil.
func FindEmailKind(kind string) *EmailKind {
	for i := range EmailKinds {
		if EmailKinds[i].Kind == kind {
			return &EmailKinds[i]
		}
	}
	return nil
}

// Allows reports whether the kind allows the placeholder name.
func (k *EmailKind) Allows(name string) bool {
	return slices.ContainsFunc(k.Placeholders, func(p Placeholder) bool { return p.Name == name })
}

// Default returns the kind's own text as a template.
func (k *EmailKind) Default() *EmailTemplate {
	return &EmailTemplate{Kind: k.Kind, Subject: k.Subject, Body: k.Body, Default: true}
}

// Samples returns the preview's value of each placeholder.
func (k *EmailKind) Samples() map[string]string {
	out := make(map[string]string, len(k.Placeholders))
	for _, p := range k.Placeholders {
		out[p.Name] = p.Sample
	}
	return out
}

// Normalize trims the subject and cleans both fields (CleanText), keeping
// any line break in the subject for Validate to refuse.
func (t *EmailTemplate) Normalize() {
	t.Subject = strings.TrimSpace(CleanText(t.Subject))
	t.Body = strings.TrimSpace(CleanText(strings.ReplaceAll(t.Body, "\r\n", "\n")))
}

// Validate returns EINVALID naming subject and body: empty, too long, a
// line break in the subject (it would end the header), a placeholder the
// kind does not know or a lone "{{", or a required placeholder missing.
// ENOTFOUND for an unknown kind. A template set to Default is valid.
func (t *EmailTemplate) Validate() error {
	k := FindEmailKind(t.Kind)
	if k == nil {
		return Errorf(ENOTFOUND, "There is no such email.")
	}
	if t.Default {
		return nil
	}
	var v Validation
	switch {
	case t.Subject == "":
		v.Add("subject", "Enter a subject.")
	case strings.ContainsAny(t.Subject, "\r\n"):
		v.Add("subject", "Keep the subject on one line: a line break would end the email's header.")
	case utf8.RuneCountInString(t.Subject) > MaxEmailSubjectLen:
		v.Add("subject", "Keep the subject under "+itoa(MaxEmailSubjectLen)+" characters.")
	default:
		checkPlaceholders(&v, k, "subject", t.Subject)
	}
	switch {
	case t.Body == "":
		v.Add("body", "Enter the email's text.")
	case utf8.RuneCountInString(t.Body) > MaxEmailBodyLen:
		v.Add("body", "Keep the text under "+itoa(MaxEmailBodyLen)+" characters.")
	default:
		if !checkPlaceholders(&v, k, "body", t.Body) {
			break
		}
		var missing []string
		for _, name := range k.Required {
			if !slices.Contains(placeholdersIn(t.Body), name) {
				missing = append(missing, "{{"+name+"}}")
			}
		}
		if len(missing) > 0 {
			v.Add("body", "Keep "+strings.Join(missing, " and ")+" in the text: it is what this email exists to carry.")
		}
	}
	return v.Err()
}

// checkPlaceholders adds a field error for the first placeholder in s the
// kind does not allow, or a "{{" that opens none; it reports whether s is
// clean.
func checkPlaceholders(v *Validation, k *EmailKind, field, s string) bool {
	for _, name := range placeholdersIn(s) {
		if !k.Allows(name) {
			v.Add(field, "{{"+name+"}} is not a placeholder of this email. Use only those listed.")
			return false
		}
	}
	if strings.Contains(placeholderRE.ReplaceAllString(s, ""), "{{") {
		v.Add(field, "A {{ opens no placeholder: write placeholders as {{name}}, with a name from the list.")
		return false
	}
	return true
}

func placeholdersIn(s string) []string {
	var out []string
	for _, m := range placeholderRE.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}

// RenderEmail fills the placeholders of t with values: each placeholder
// is replaced once, and what a value holds is never read as a placeholder.
// A name without a value becomes empty. The subject comes back on one line
// whatever the values hold, so no value can add a header.
func RenderEmail(t *EmailTemplate, values map[string]string) (subject, body string) {
	fill := func(s string) string {
		return placeholderRE.ReplaceAllStringFunc(s, func(m string) string {
			return values[placeholderRE.FindStringSubmatch(m)[1]]
		})
	}
	subject = strings.Join(strings.FieldsFunc(fill(t.Subject), func(r rune) bool { return r == '\r' || r == '\n' }), " ")
	return CleanLine(subject), fill(t.Body)
}

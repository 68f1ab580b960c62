package journey_test

import (
	"strings"
	"testing"

	"github.com/journey-kap/journey"
)

// Journey's own text of every email is valid under its own rules, uses
// every required placeholder, and an alert email offers no placeholder
// that names a client.
func TestEmailKindDefaults(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range journey.EmailKinds {
		if seen[k.Kind] {
			t.Errorf("%s listed twice", k.Kind)
		}
		seen[k.Kind] = true
		d := k.Default()
		d.Default = false
		if err := d.Validate(); err != nil {
			t.Errorf("%s: the default text is refused: %v %v", k.Kind, err, journey.ErrorFields(err))
		}
		for _, name := range k.Required {
			if !k.Allows(name) {
				t.Errorf("%s requires {{%s}} but does not allow it", k.Kind, name)
			}
		}
		if k.NoPHI {
			for _, p := range k.Placeholders {
				if strings.HasPrefix(p.Name, "client_") || strings.Contains(p.Name, "answer") || strings.Contains(p.Name, "reason") {
					t.Errorf("%s carries no PHI, but offers {{%s}}", k.Kind, p.Name)
				}
			}
		}
	}
	for _, kind := range []string{journey.MailConsultBooked, journey.MailConsultRescheduled, journey.MailConsultCancelled, journey.MailConsultManageLink,
		journey.MailConsultHold, journey.MailStaffInvitation, journey.MailPasswordReset, journey.MailClientInvitation, journey.MailSafetyAlert, journey.MailPortalUpdate,
		journey.MailSessionReminder, journey.MailMedicineReminder, journey.MailMedicineReminderRemote, journey.MailMorningAfter} {
		if !seen[kind] {
			t.Errorf("no template for %s", kind)
		}
	}
	if k := journey.FindEmailKind(journey.MailSafetyAlert); k.Allows("client_name") || k.Allows("client_first_name") {
		t.Error("the safety alert may name the client")
	}
}

func TestEmailTemplateValidate(t *testing.T) {
	good := func() *journey.EmailTemplate {
		return &journey.EmailTemplate{Kind: journey.MailPasswordReset, Subject: "Reset for {{ user_name }}", Body: "Here: {{reset_link}}\nBye"}
	}
	cases := []struct {
		name   string
		change func(*journey.EmailTemplate)
		field  string
		detail string
	}{
		{"valid", func(*journey.EmailTemplate) {}, "", ""},
		{"no subject", func(e *journey.EmailTemplate) { e.Subject = "" }, "subject", "Enter a subject."},
		{"CR LF in the subject", func(e *journey.EmailTemplate) { e.Subject = "Hi\r\nBcc: all@example.com" }, "subject", "Keep the subject on one line"},
		{"LF in the subject", func(e *journey.EmailTemplate) { e.Subject = "Hi\nthere" }, "subject", "Keep the subject on one line"},
		{"long subject", func(e *journey.EmailTemplate) { e.Subject = strings.Repeat("a", journey.MaxEmailSubjectLen+1) }, "subject", "under 200"},
		{"unknown placeholder in the subject", func(e *journey.EmailTemplate) { e.Subject = "{{client_name}}" }, "subject", "{{client_name}} is not a placeholder"},
		{"no body", func(e *journey.EmailTemplate) { e.Body = "" }, "body", "Enter the email's text."},
		{"long body", func(e *journey.EmailTemplate) {
			e.Body = "{{reset_link}}" + strings.Repeat("é", journey.MaxEmailBodyLen)
		}, "body", "under 5000"},
		{"the link dropped", func(e *journey.EmailTemplate) { e.Body = "Ask us for a new password." }, "body", "Keep {{reset_link}} in the text"},
		{"unknown placeholder", func(e *journey.EmailTemplate) { e.Body = "{{reset_link}} {{ssn}}" }, "body", "{{ssn}} is not a placeholder"},
		{"a Go template", func(e *journey.EmailTemplate) { e.Body = "{{reset_link}} {{.User.Password}}" }, "body", "is not a placeholder"},
		{"a lone opening", func(e *journey.EmailTemplate) { e.Body = "{{reset_link}} {{ oops" }, "body", "A {{ opens no placeholder"},
		{"unknown kind", func(e *journey.EmailTemplate) { e.Kind = "nope" }, "", "no such email"},
	}
	for _, c := range cases {
		e := good()
		c.change(e)
		e.Normalize()
		err := e.Validate()
		fields := journey.ErrorFields(err)
		switch {
		case c.field == "" && c.detail == "":
			if err != nil {
				t.Errorf("%s: %v %v", c.name, err, fields)
			}
		case c.field == "":
			if journey.ErrorCode(err) != journey.ENOTFOUND {
				t.Errorf("%s: %v", c.name, err)
			}
		case len(fields) != 1 || fields[0].Field != c.field || !strings.Contains(fields[0].Detail, c.detail):
			t.Errorf("%s: fields %v, want %s: %q", c.name, fields, c.field, c.detail)
		}
	}
	reset := &journey.EmailTemplate{Kind: journey.MailSafetyAlert, Default: true}
	if err := reset.Validate(); err != nil {
		t.Errorf("a reset to the default: %v", err)
	}
}

// RenderEmail fills each placeholder once: a value that looks like a
// placeholder stays as it is, and nothing in a value puts a line break in
// the subject.
func TestRenderEmail(t *testing.T) {
	tmpl := &journey.EmailTemplate{Subject: "For {{user_name}}", Body: "Hi {{user_name}}, {{ reset_link }} {{unknown}}."}
	s, b := journey.RenderEmail(tmpl, map[string]string{"user_name": "{{reset_link}}\r\nBcc: x@example.com", "reset_link": "https://r.example/t"})
	if s != "For {{reset_link}} Bcc: x@example.com" {
		t.Errorf("subject %q", s)
	}
	if b != "Hi {{reset_link}}\r\nBcc: x@example.com, https://r.example/t ." {
		t.Errorf("body %q", b)
	}
}

// FuzzRenderEmailSubject: whatever the template and the values, the
// subject that comes out holds no CR or LF, so it cannot add a header.
func FuzzRenderEmailSubject(f *testing.F) {
	f.Add("Hello {{client_name}}", "Ada\r\nBcc: x@example.com")
	f.Add("{{client_name}}\n{{client_name}}", "\u2028\r")
	f.Fuzz(func(t *testing.T, subject, value string) {
		s, _ := journey.RenderEmail(&journey.EmailTemplate{Subject: subject}, map[string]string{"client_name": value, "practice_name": value})
		if strings.ContainsAny(s, "\r\n") {
			t.Fatalf("subject %q holds a line break", s)
		}
	})
}

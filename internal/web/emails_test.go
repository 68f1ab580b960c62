package web

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
)

// An admin edits the text of an email: a mistake (the link it must carry
// dropped, a line break in the subject, a placeholder it does not know)
// is shown beside its field with what was typed kept and escaped; the
// preview fills sample details, escaped; a save is a version, audited, and
// the next email uses it; going back to Journey's text is a version too.
func TestEmailTemplatePages(t *testing.T) {
	e := newEnv(t)
	admin, cookie := e.staffCookie(journey.RoleAdmin)
	_, therapist := e.staffCookie(journey.RoleTherapist)
	p, _ := e.db.FindPractice(context.Background())
	p.Name = "Calm <b>&</b> Harbor"
	if err := e.db.UpdatePractice(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	if st, _, _ := e.as(therapist, "GET", "/admin/emails", nil); st != 403 {
		t.Fatalf("a therapist opens the emails: %d", st)
	}
	st, _, body := e.as(cookie, "GET", "/admin/emails", nil)
	for _, k := range journey.EmailKinds {
		if !strings.Contains(body, `href="/admin/emails/`+k.Kind+`"`) {
			t.Errorf("the list lacks %s", k.Kind)
		}
	}
	if st != 200 {
		t.Fatalf("list: %d", st)
	}
	if st, _, _ := e.as(cookie, "GET", "/admin/emails/nope", nil); st != 404 {
		t.Fatalf("an unknown email: %d", st)
	}
	const path = "/admin/emails/consult_booked"
	st, _, body = e.as(cookie, "GET", path, nil)
	if st != 200 || !strings.Contains(body, `value="Your free consult is booked: {{consult_time_short}}"`) || !strings.Contains(body, "{{manage_link}}</code> (required)") ||
		!strings.Contains(body, "at Calm &lt;b&gt;&amp;&lt;/b&gt; Harbor is booked.") || strings.Contains(body, "<b>&</b>") {
		t.Fatalf("the page of an email:\n%s", trim(body))
	}

	dropped := url.Values{"action": {"save"}, "subject": {"Booked <b>now</b>"}, "body": {"<script>x</script> {{how_to_join}}"}}
	st, _, body = e.as(cookie, "POST", path, dropped)
	if st != 422 || !strings.Contains(body, `id="body-error">Keep {{manage_link}} in the text`) || !strings.Contains(body, `href="#body"`) ||
		!strings.Contains(body, "&lt;script&gt;x&lt;/script&gt; {{how_to_join}}</textarea>") || !strings.Contains(body, `value="Booked &lt;b&gt;now&lt;/b&gt;"`) ||
		strings.Contains(body, "<script>x") {
		t.Fatalf("the link dropped: %d\n%s", st, trim(body))
	}
	header := url.Values{"action": {"save"}, "subject": {"Hi\r\nBcc: everyone@example.com"}, "body": {"{{manage_link}} {{how_to_join}} {{ssn}}"}}
	st, _, body = e.as(cookie, "POST", path, header)
	if st != 422 || !strings.Contains(body, `id="subject-error">Keep the subject on one line`) || !strings.Contains(body, `id="body-error">{{ssn}} is not a placeholder`) {
		t.Fatalf("a line break in the subject and an unknown placeholder: %d\n%s", st, trim(body))
	}
	preview := url.Values{"action": {"preview"}, "subject": {"For {{client_first_name}}"}, "body": {"<b>{{client_name}}</b> at {{practice_name}}: {{how_to_join}} {{manage_link}}"}}
	st, _, body = e.as(cookie, "POST", path, preview)
	if st != 200 || !strings.Contains(body, "Preview of your changes") || !strings.Contains(body, "&lt;b&gt;Ada Visitor&lt;/b&gt; at Calm &lt;b&gt;&amp;&lt;/b&gt; Harbor") ||
		strings.Contains(body, "<b>Ada") || !strings.Contains(body, "For Ada") {
		t.Fatalf("preview: %d\n%s", st, trim(body))
	}
	if all, _ := e.db.FindEmailTemplates(context.Background()); !all[0].Default {
		t.Fatal("a preview saved the template")
	}

	save := url.Values{"action": {"save"}, "subject": {"Booked, {{client_first_name}}"}, "body": {"Our own words. {{how_to_join}}\nManage: {{manage_link}}"}}
	if st, h, body := e.as(cookie, "POST", path, save); st != 303 || h.Get("Location") != path+"?saved=1" {
		t.Fatalf("save: %d %q\n%s", st, h.Get("Location"), trim(body))
	}
	if _, _, body := e.as(cookie, "GET", path+"?saved=1", nil); !strings.Contains(body, "Saved as version 1") || !strings.Contains(body, "saved by <bdi>") {
		t.Fatalf("after saving:\n%s", trim(body))
	}
	e.book(e.ny, mondayNY, "Bea Visitor", "")
	if m := e.mailsTo("bea.visitor@example.com"); len(m) != 1 || !strings.Contains(m[0], "Our own words. This is a video consult.") || !strings.Contains(m[0], "Manage: http://journey.test/c/") {
		t.Fatalf("the booking's email: %q", m)
	}
	if st, h, _ := e.as(cookie, "POST", path, url.Values{"action": {"reset"}}); st != 303 || h.Get("Location") != path+"?saved=reset" {
		t.Fatalf("reset: %d %q", st, h.Get("Location"))
	}
	_, _, body = e.as(cookie, "GET", path, nil)
	if !strings.Contains(body, "Version 2: back to Journey's text") || !strings.Contains(body, "Version 1: saved") ||
		!strings.Contains(body, `value="Your free consult is booked: {{consult_time_short}}"`) {
		i := strings.Index(body, "preview-title")
		t.Fatalf("after the reset:\n%s", body[i:])
	}
	if n := len(e.staffAudits(admin.ID, "settings.email.update")); n != 3 { // two refused, one saved
		t.Errorf("%d settings.email.update entries, want 3", n)
	}
	if n := len(e.staffAudits(admin.ID, "settings.email.reset")); n != 1 {
		t.Errorf("%d settings.email.reset entries, want 1", n)
	}
}

// The API reads every email with its placeholders and changes one, with
// the same checks as the page; an alert email cannot name the client.
func TestEmailTemplateAPI(t *testing.T) {
	e := newEnv(t)
	_, cookie := e.staffCookie(journey.RoleAdmin)
	_, desk := e.staffCookie(journey.RoleFrontDesk)
	if st, _, _ := e.api(desk, "GET", "/api/v1/practice/emails", ""); st != 403 {
		t.Fatalf("front desk reads the emails: %d", st)
	}
	st, _, body := e.api(cookie, "GET", "/api/v1/practice/emails", "")
	if st != 200 || strings.Count(body, `"kind":`) != len(journey.EmailKinds) || !strings.Contains(body, `"required":["reset_link"]`) {
		t.Fatalf("GET: %d %s", st, body)
	}
	for _, c := range []struct{ name, kind, body, field, detail string }{
		{"alert naming the client", "safety_alert", `{"subject":"Alert","body":"{{client_name}} needs you: {{alert_link}}"}`, "body", "{{client_name}} is not a placeholder"},
		{"reset without its link", "password_reset", `{"subject":"Reset","body":"Call us."}`, "body", "Keep {{reset_link}}"},
		{"header injection", "password_reset", `{"subject":"Reset\r\nBcc: x@example.com","body":"{{reset_link}}"}`, "subject", "one line"},
		{"too long", "password_reset", `{"subject":"Reset","body":"{{reset_link}}` + strings.Repeat("x", journey.MaxEmailBodyLen) + `"}`, "body", "under 5000"},
	} {
		st, h, body := e.api(cookie, "PUT", "/api/v1/practice/emails/"+c.kind, c.body)
		if st != 422 || h.Get("Content-Type") != "application/problem+json" || !strings.Contains(body, `"field":"`+c.field+`"`) || !strings.Contains(body, c.detail) {
			t.Errorf("%s: %d %s", c.name, st, body)
		}
	}
	if st, _, body := e.api(cookie, "PUT", "/api/v1/practice/emails/nope", `{"subject":"x","body":"y"}`); st != 404 {
		t.Errorf("unknown kind: %d %s", st, body)
	}
	st, _, body = e.api(cookie, "PUT", "/api/v1/practice/emails/password_reset", `{"subject":"New password for {{user_name}}","body":"Here: {{reset_link}}"}`)
	if st != 200 || !strings.Contains(body, `"version":1`) || !strings.Contains(body, `"default":false`) || !strings.Contains(body, `"subject":"New password for {{user_name}}"`) {
		t.Fatalf("PUT: %d %s", st, body)
	}
	st, _, body = e.api(cookie, "PUT", "/api/v1/practice/emails/password_reset", `{"default":true}`)
	if st != 200 || !strings.Contains(body, `"version":2`) || !strings.Contains(body, `"default":true`) || !strings.Contains(body, `"subject":"Reset your {{practice_name}} password"`) {
		t.Fatalf("reset: %d %s", st, body)
	}
}

// FuzzEmailTemplateForm: whatever an admin types into an email's subject
// and text, previewing or saving it answers a page (never a 5xx) that
// shows what was typed, and the preview's filled text, only escaped.
func FuzzEmailTemplateForm(f *testing.F) {
	f.Add("Booked {{client_name}}", "<b>{{client_name}}</b> {{how_to_join}} {{manage_link}}", true)
	f.Add("\"><script>", "{{ manage_link }}{{how_to_join}}<i>{{practice_name}}", false)
	f.Add("a\r\nBcc: b", "{{", true)
	base := newEnv(f)
	_, cookie := base.staffCookie(journey.RoleAdmin)
	f.Fuzz(func(t *testing.T, subject, text string, preview bool) {
		e := base.fuzzEnv(t)
		subject, text = marked(subject), marked(text)
		action := map[bool]string{true: "preview", false: "save"}[preview]
		form := url.Values{"action": {action}, "subject": {subject}, "body": {text}}.Encode()
		st, _, page := e.serve("POST", "/admin/emails/consult_booked", "application/x-www-form-urlencoded", form, cookie)
		if st >= 500 {
			t.Fatalf("status %d:\n%s", st, trim(page))
		}
		checkEscaped(t, "the email page", page, subject, text)
		if st == 303 {
			if err := e.db.SaveEmailTemplate(context.Background(), &journey.EmailTemplate{Kind: journey.MailConsultBooked, Default: true}); err != nil {
				t.Fatal(err)
			}
		}
	})
	_ = time.Second
}

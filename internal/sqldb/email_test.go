package sqldb_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
)

// A saved template is the next version of its kind and the mail sent from
// then on uses it; a reset returns to Journey's text as a version of its
// own; a template that drops its link is refused and nothing is saved.
func TestEmailTemplates(t *testing.T) {
	db, ny, _, _ := fixture(t)
	ctx := context.Background()
	all, err := db.FindEmailTemplates(ctx)
	if err != nil || len(all) != len(journey.EmailKinds) || !all[0].Default || all[0].Subject != journey.EmailKinds[0].Subject {
		t.Fatalf("defaults: %v %+v", err, all)
	}
	bad := &journey.EmailTemplate{Kind: journey.MailConsultBooked, Subject: "Booked", Body: "See you {{how_to_join}}", UpdatedBy: 1}
	if f := journey.ErrorFields(db.SaveEmailTemplate(ctx, bad)); len(f) != 1 || f[0].Field != "body" || !strings.Contains(f[0].Detail, "{{manage_link}}") {
		t.Fatalf("a booked email without its manage link: %v", f)
	}
	if h, _ := db.FindEmailTemplateHistory(ctx, journey.MailConsultBooked, 10); len(h) != 0 {
		t.Fatalf("a refused template was saved: %+v", h)
	}
	own := &journey.EmailTemplate{Kind: journey.MailConsultBooked, Subject: "Booked with us, {{client_first_name}}: {{consult_time_short}}",
		Body: "Dear {{client_first_name}},\r\n\r\nSee you then. {{how_to_join}}\nYour link: {{manage_link}}", UpdatedBy: 7}
	if err := db.SaveEmailTemplate(ctx, own); err != nil || own.Version != 1 {
		t.Fatalf("save: %v %+v", err, own)
	}
	c, err := db.CreateConsult(ctx, booking(monday9, ny.ID, "ada@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	m := outbox(t, db)[0]
	if !strings.HasPrefix(m.Subject, "Booked with us, Ada: ") || !strings.HasPrefix(m.Text, "Dear Ada,\n\nSee you then. This is a video consult.") ||
		!strings.Contains(m.Text, "Your link: http://journey.test/c/"+c.ManageToken) || !strings.Contains(m.Text, "988") {
		t.Fatalf("the mail does not use the saved template:\n%s\n%s", m.Subject, m.Text)
	}
	if err := db.SaveEmailTemplate(ctx, &journey.EmailTemplate{Kind: journey.MailConsultBooked, Default: true, UpdatedBy: 7}); err != nil {
		t.Fatal(err)
	}
	h, err := db.FindEmailTemplateHistory(ctx, journey.MailConsultBooked, 10)
	if err != nil || len(h) != 2 || h[0].Version != 2 || !h[0].Default || h[1].Version != 1 || h[1].UpdatedBy != 7 || h[1].UpdatedAt.IsZero() {
		t.Fatalf("history: %v %+v", err, h)
	}
	if _, err := db.CancelConsult(ctx, c.ManageToken, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateConsult(ctx, booking(monday9.Add(time.Hour), ny.ID, "bo@example.com")); err != nil {
		t.Fatal(err)
	}
	for _, m := range outbox(t, db) {
		if m.To == "bo@example.com" && !strings.HasPrefix(m.Subject, "Your free consult is booked") {
			t.Fatalf("after the reset: %q", m.Subject)
		}
	}
	if _, err := db.FindEmailTemplateHistory(ctx, "nope", 10); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Fatalf("unknown kind: %v", err)
	}
	// Account mail composed in a transaction uses the saved template too.
	reset := &journey.EmailTemplate{Kind: journey.MailStaffInvitation, Subject: "Join {{practice_name}}", Body: "Welcome, {{staff_name}}: {{invite_link}}", UpdatedBy: 7}
	if err := db.SaveEmailTemplate(ctx, reset); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateInvitation(ctx, &journey.Invitation{Name: "Sam Rivera", Email: "sam@practice.test", Roles: []string{journey.RoleFrontDesk}, InvitedBy: 1}, "tok-sam-0123456789abcdef"); err != nil {
		t.Fatal(err)
	}
	for _, m := range outbox(t, db) {
		if m.To == "sam@practice.test" && (!strings.HasPrefix(m.Text, "Welcome, Sam Rivera: http://journey.test/invite/") || m.Subject != "Join Test Practice") {
			t.Fatalf("invitation: %q %q", m.Subject, m.Text)
		}
	}
}

package mail_test

import (
	"context"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/mail"
	"github.com/journey-kap/journey/internal/testenv"
)

var (
	start     = time.Date(2030, 3, 11, 14, 0, 0, 0, time.UTC)
	practice  = &journey.Practice{Name: "Test Practice", Email: "desk@practice.test", Phone: "+15035550100"}
	therapist = &journey.Therapist{ID: 3, Name: "Nora York", Credentials: "LCSW"}
)

func consult(email string) *journey.Consult {
	return &journey.Consult{ID: 42, TherapistID: 3, Start: start, End: start.Add(30 * time.Minute), Status: journey.ConsultBooked,
		Name: "Ada Visitor", Email: email, ContactMethod: "phone", Phone: "+15035550142", TimeZone: "Europe/London",
		CreatedAt: start.Add(-72 * time.Hour), UpdatedAt: start.Add(-72 * time.Hour)}
}

func parseEvent(t *testing.T, raw string) (*ics.Calendar, *ics.VEvent) {
	t.Helper()
	cal, err := ics.ParseCalendar(strings.NewReader(raw))
	if err != nil {
		t.Fatalf("invalid iCalendar: %v\n%s", err, raw)
	}
	if evs := cal.Events(); len(evs) == 1 {
		return cal, evs[0]
	}
	t.Fatalf("want one VEVENT:\n%s", raw)
	return nil, nil
}

func prop(cb *ics.ComponentBase, p ics.ComponentProperty) string {
	if v := cb.GetProperty(p); v != nil {
		return v.Value
	}
	return ""
}

func TestComposeConsultMail(t *testing.T) {
	comp := &mail.Composer{BaseURL: "https://book.practice.test"}
	c := consult("ada@example.com")
	m, err := comp.ComposeConsultMail(journey.MailConsultBooked, c, therapist, practice, "tok123")
	if err != nil {
		t.Fatal(err)
	}
	// 14:00 UTC in March 2030 is 14:00 GMT in London (summer time starts 31 March).
	for _, want := range []string{"Ada Visitor", "Nora York, LCSW", "Monday, March 11, 2030 at 2:00 PM", "Europe/London", "phone",
		"https://book.practice.test/c/tok123", "988"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("body lacks %q:\n%s", want, m.Text)
		}
	}
	if m.To != "ada@example.com" || !strings.Contains(m.Subject, "booked") || m.ICSMethod != "REQUEST" {
		t.Fatalf("message = %+v", m)
	}
	_, ev := parseEvent(t, m.ICS)
	if !strings.Contains(m.ICS, "METHOD:REQUEST") || ev.Id() != "consult-42@book.practice.test" {
		t.Fatalf("ics:\n%s", m.ICS)
	}
	got, err := ev.GetStartAt()
	if err != nil || !got.Equal(start) {
		t.Fatalf("DTSTART %v %v", got, err)
	}
	end, _ := ev.GetEndAt()
	if !end.Equal(start.Add(30 * time.Minute)) {
		t.Fatalf("DTEND %v", end)
	}
	if !strings.Contains(m.ICS, "ORGANIZER;CN=Test Practice:mailto:desk@practice.test") || !strings.Contains(m.ICS, "mailto:ada@example.com") {
		t.Fatalf("organizer/attendee:\n%s", m.ICS)
	}

	c.Status, c.Sequence = journey.ConsultCancelled, 2
	m, err = comp.ComposeConsultMail(journey.MailConsultCancelled, c, therapist, practice, "")
	if err != nil {
		t.Fatal(err)
	}
	_, ev = parseEvent(t, m.ICS)
	if m.ICSMethod != "CANCEL" || !strings.Contains(m.ICS, "METHOD:CANCEL") || prop(&ev.ComponentBase, ics.ComponentPropertyStatus) != "CANCELLED" ||
		prop(&ev.ComponentBase, ics.ComponentPropertySequence) != "2" || ev.Id() != "consult-42@book.practice.test" {
		t.Fatalf("cancel ics:\n%s", m.ICS)
	}
	if strings.Contains(m.Text, "/c/") {
		t.Error("a cancellation carries no manage link")
	}
	if _, err := comp.ComposeConsultMail("nonsense", c, therapist, practice, ""); err == nil {
		t.Error("unknown kind accepted")
	}
}

// A consult booked with a CalendarUID is named by it in every invitation,
// whatever its id: its email is written before the id is known.
func TestInviteNamedByCalendarUID(t *testing.T) {
	comp := &mail.Composer{BaseURL: "https://book.practice.test"}
	c := consult("ada@example.com")
	c.ID, c.CalendarUID = 0, "5f0c6e2a9d1b4c7e8a3f6b2d1e9c4a70"
	want := "consult-5f0c6e2a9d1b4c7e8a3f6b2d1e9c4a70@book.practice.test"
	for _, kind := range []string{journey.MailConsultBooked, journey.MailConsultRescheduled, journey.MailConsultCancelled} {
		m, err := comp.ComposeConsultMail(kind, c, therapist, practice, "tok123")
		if err != nil {
			t.Fatal(err)
		}
		if _, ev := parseEvent(t, m.ICS); ev.Id() != want {
			t.Errorf("%s: UID %q, want %q", kind, ev.Id(), want)
		}
		c.ID = 42 // the same event once stored
	}
}

func TestNewSender(t *testing.T) {
	s, err := mail.NewSender("", "", "")
	if err != nil || s.Configured() {
		t.Fatalf("empty URL: %v", err)
	}
	if err := s.Send(context.Background(), &journey.Message{}); err == nil {
		t.Fatal("an unconfigured sender must refuse to send")
	}
	for _, bad := range [][2]string{{"http://mail.test", "a@b.test"}, {"smtp://", "a@b.test"}, {"smtp://mail.test:x", "a@b.test"}, {"smtp://mail.test", "nobody"}} {
		if _, err := mail.NewSender(bad[0], bad[1], "P"); journey.ErrorCode(err) != journey.EINVALID {
			t.Errorf("%v accepted", bad)
		}
	}
}

// Delivery through a real SMTP server (mailpit), attachment included.
func TestSendThroughSMTP(t *testing.T) {
	api := testenv.MailpitURL(t)
	s, err := mail.NewSender(testenv.SMTPURL(t), "desk@practice.test", "Test Practice")
	if err != nil {
		t.Fatal(err)
	}
	to := testenv.UniqueAddress(t)
	m, err := (&mail.Composer{BaseURL: "http://journey.test"}).ComposeConsultMail(journey.MailConsultBooked, consult(to), therapist, practice, "tok")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := testenv.WaitForMail(t, api, to, 10*time.Second)
	atts := testenv.MailAttachments(t, api, got[0].ID)
	if len(atts) != 1 || !strings.HasPrefix(atts[0].ContentType, "text/calendar") || !strings.HasSuffix(atts[0].FileName, ".ics") {
		t.Fatalf("attachments = %+v", atts)
	}
	body := testenv.MailPart(t, api, got[0].ID, atts[0].PartID)
	if _, ev := parseEvent(t, string(body)); ev.Id() != "consult-42@journey.test" {
		t.Fatalf("attached event: %s", body)
	}
	if !strings.Contains(testenv.MailText(t, api, got[0].ID), "http://journey.test/c/tok") {
		t.Fatal("text body lacks the manage link")
	}
}

// The footer of every consult email names the crisis lines of
// journey.Crisis, never numbers of its own.
func TestMailCrisisLinesFromOneSource(t *testing.T) {
	old := journey.Crisis
	t.Cleanup(func() { journey.Crisis = old })
	journey.Crisis.Lifeline.Number, journey.Crisis.Emergency.Number = "5550199", "5550112"
	c := &mail.Composer{BaseURL: "http://journey.test"}
	for _, kind := range []string{journey.MailConsultBooked, journey.MailConsultRescheduled, journey.MailConsultCancelled, journey.MailConsultManageLink} {
		m, err := c.ComposeConsultMail(kind, consult("ada@example.com"), therapist, practice, "tok")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(m.Text, "call or text 5550199") || !strings.Contains(m.Text, "5550112") || strings.Contains(m.Text, "988") || strings.Contains(m.Text, " 911") {
			t.Errorf("%s footer:\n%s", kind, m.Text)
		}
	}
}

// A video consult's confirmation carries the practice's video link, in
// the text and as the invitation's LOCATION and URL, or says the link will
// follow when the practice has none; a phone consult's names the number
// the therapist calls.
func TestConsultMailSaysHowItTakesPlace(t *testing.T) {
	comp := &mail.Composer{BaseURL: "https://book.practice.test"}
	withLink := *practice
	withLink.VideoLink = "https://video.example/room/42"
	cases := []struct {
		name, mode string
		p          *journey.Practice
		text       []string
		location   string
		url        string
	}{
		{"phone", journey.ModePhone, &withLink, []string{"phone consult", "will call you at +15035550142"}, "+15035550142", "https://book.practice.test/c/tok"},
		{"video", journey.ModeVideo, &withLink, []string{"video consult", "https://video.example/room/42"}, "https://video.example/room/42", "https://video.example/room/42"},
		{"video, no link yet", journey.ModeVideo, practice, []string{"video consult", "send you the link to join it before the consult"}, "Video", "https://book.practice.test/c/tok"},
	}
	for _, tc := range cases {
		c := consult("ada@example.com")
		c.Mode = tc.mode
		for _, kind := range []string{journey.MailConsultBooked, journey.MailConsultRescheduled} {
			m, err := comp.ComposeConsultMail(kind, c, therapist, tc.p, "tok")
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range tc.text {
				if !strings.Contains(m.Text, want) {
					t.Errorf("%s, %s: text lacks %q:\n%s", tc.name, kind, want, m.Text)
				}
			}
			if tc.mode == journey.ModePhone && strings.Contains(m.Text, "video.example") {
				t.Errorf("%s: a phone consult's email carries the video link", tc.name)
			}
			_, ev := parseEvent(t, m.ICS)
			if loc := prop(&ev.ComponentBase, ics.ComponentPropertyLocation); !strings.Contains(loc, tc.location) {
				t.Errorf("%s, %s: LOCATION %q, want %q", tc.name, kind, loc, tc.location)
			}
			if kind == journey.MailConsultBooked {
				if u := prop(&ev.ComponentBase, ics.ComponentPropertyUrl); u != tc.url {
					t.Errorf("%s: URL %q, want %q", tc.name, u, tc.url)
				}
			}
			if desc := prop(&ev.ComponentBase, ics.ComponentPropertyDescription); !strings.Contains(desc, tc.text[0]) {
				t.Errorf("%s: DESCRIPTION %q", tc.name, desc)
			}
		}
	}
}

// FuzzMailSubjectOneLine: whatever a person typed as their name and
// whatever subject the practice wrote, every email's subject reaches the
// SMTP header on one line.
func FuzzMailSubjectOneLine(f *testing.F) {
	f.Add("Ada\r\nBcc: all@example.com", "Booked, {{client_name}}")
	f.Add("Ada\u2028Visitor", "{{client_first_name}}\n{{therapist_name}}")
	comp := &mail.Composer{BaseURL: "http://journey.test"}
	f.Fuzz(func(t *testing.T, name, subject string) {
		p := *practice
		p.Emails = map[string]*journey.EmailTemplate{journey.MailConsultBooked: {Kind: journey.MailConsultBooked, Subject: subject,
			Body: "{{manage_link}} {{how_to_join}}"}}
		c := consult("ada@example.com")
		c.Name = name
		m, err := comp.ComposeConsultMail(journey.MailConsultBooked, c, therapist, &p, "tok")
		if err != nil {
			t.Fatal(err)
		}
		if strings.ContainsAny(m.Subject, "\r\n") {
			t.Fatalf("subject %q", m.Subject)
		}
		inv, err := comp.ComposeClientInvitation(&journey.Client{Name: name, Email: "ada@example.com"}, &p, "tok", start)
		if err != nil || strings.ContainsAny(inv.Subject, "\r\n") {
			t.Fatalf("invitation subject %q %v", inv.Subject, err)
		}
	})
}

// A practice's own template is used, filled with the consult's details,
// and the footer with the crisis lines follows it whatever it says.
func TestConsultMailUsesPracticeTemplate(t *testing.T) {
	p := *practice
	p.Emails = map[string]*journey.EmailTemplate{journey.MailConsultBooked: {Kind: journey.MailConsultBooked,
		Subject: "See you {{consult_time_short}}, {{client_first_name}}", Body: "{{client_name}} & {{therapist_name}}: {{how_to_join}} {{manage_link}}"}}
	m, err := (&mail.Composer{BaseURL: "http://journey.test"}).ComposeConsultMail(journey.MailConsultBooked, consult("ada@example.com"), therapist, &p, "tok")
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "See you Mon Mar 11, 2:00 PM GMT, Ada" || !strings.HasPrefix(m.Text, "Ada Visitor & Nora York, LCSW: This is a phone consult") ||
		!strings.Contains(m.Text, "http://journey.test/c/tok") || !strings.Contains(m.Text, "988") || m.ICS == "" {
		t.Fatalf("%q\n%s", m.Subject, m.Text)
	}
}

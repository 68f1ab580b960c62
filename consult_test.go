package journey_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
)

func validRequest() journey.BookingRequest {
	return journey.BookingRequest{Start: time.Date(2030, 1, 7, 14, 0, 0, 0, time.UTC), Name: "Ada", Email: "ada@example.com",
		ContactMethod: "email", Mode: journey.ModeVideo, TimeZone: "Europe/London", PrivacyConsent: true}
}

func TestBookingRequestValidate(t *testing.T) {
	cases := []struct {
		name   string
		change func(r *journey.BookingRequest)
		fields []string
	}{
		{"valid", func(*journey.BookingRequest) {}, nil},
		{"no time", func(r *journey.BookingRequest) { r.Start = time.Time{} }, []string{"start"}},
		{"blank name", func(r *journey.BookingRequest) { r.Name = "   " }, []string{"name"}},
		{"long name", func(r *journey.BookingRequest) { r.Name = strings.Repeat("a", journey.MaxNameLen+1) }, []string{"name"}},
		{"only control and bidi characters", func(r *journey.BookingRequest) { r.Name = "\x00\u202e\u200b" }, []string{"name"}}, // stripped (CleanText), then blank
		{"bad email", func(r *journey.BookingRequest) { r.Email = "ada at example" }, []string{"email"}},
		{"display-name email", func(r *journey.BookingRequest) { r.Email = "Ada <ada@example.com>" }, []string{"email"}},
		{"phone not E.164", func(r *journey.BookingRequest) { r.Phone = "555-0142" }, []string{"phone"}},
		{"text without phone", func(r *journey.BookingRequest) { r.ContactMethod = "text" }, []string{"phone"}},
		{"text with phone", func(r *journey.BookingRequest) { r.ContactMethod, r.Phone = "text", "+12125550142" }, nil},
		{"unknown method", func(r *journey.BookingRequest) { r.ContactMethod = "fax" }, []string{"contact_method"}},
		{"no mode", func(r *journey.BookingRequest) { r.Mode = "" }, []string{"mode"}},
		{"unknown mode", func(r *journey.BookingRequest) { r.Mode = "carrier pigeon" }, []string{"mode"}},
		{"phone consult without a number", func(r *journey.BookingRequest) { r.Mode = journey.ModePhone }, []string{"phone"}},
		{"phone consult with a number", func(r *journey.BookingRequest) { r.Mode, r.Phone = journey.ModePhone, "+12125550142" }, nil},
		{"text and phone consult without a number: one message", func(r *journey.BookingRequest) { r.Mode, r.ContactMethod = journey.ModePhone, "text" }, []string{"phone"}},
		{"unknown zone", func(r *journey.BookingRequest) { r.TimeZone = "Mars/Olympus" }, []string{"time_zone"}},
		{"Local zone", func(r *journey.BookingRequest) { r.TimeZone = "Local" }, []string{"time_zone"}},
		{"long reason", func(r *journey.BookingRequest) { r.Reason = strings.Repeat("é", journey.MaxReasonLen+1) }, []string{"reason"}},
		{"reason with newlines", func(r *journey.BookingRequest) { r.Reason = "line one\nline two" }, nil},
		{"no consent", func(r *journey.BookingRequest) { r.PrivacyConsent = false }, []string{"privacy_consent"}},
	}
	for _, c := range cases {
		r := validRequest()
		c.change(&r)
		r.Normalize()
		err := r.Validate()
		var got []string
		for _, f := range journey.ErrorFields(err) {
			got = append(got, f.Field)
		}
		if fmt.Sprint(got) != fmt.Sprint(c.fields) {
			t.Errorf("%s: fields %v, want %v", c.name, got, c.fields)
		}
		if (err != nil) != (c.fields != nil) || (err != nil && journey.ErrorCode(err) != journey.EINVALID) {
			t.Errorf("%s: err = %v", c.name, err)
		}
	}
}

func TestErrorHelpers(t *testing.T) {
	inner := journey.Errorf(journey.ECONFLICT, "Taken.")
	wrapped := fmt.Errorf("context: %w", inner)
	if journey.ErrorCode(wrapped) != journey.ECONFLICT || journey.ErrorMessage(wrapped) != "Taken." {
		t.Fatal("codes and messages must survive wrapping")
	}
	plain := errors.New("driver said something with a patient's name")
	if journey.ErrorCode(plain) != journey.EINTERNAL || journey.ErrorMessage(plain) != "Internal error." {
		t.Fatal("foreign errors must be internal and never shown")
	}
	if journey.ErrorCode(nil) != "" {
		t.Fatal("nil has no code")
	}
}

func TestClockTimeAndZones(t *testing.T) {
	for in, want := range map[string]journey.ClockTime{"00:00": 0, "09:30": 570, "23:59": 1439, "24:00": 1440} {
		if got, err := journey.ParseClockTime(in); err != nil || got != want {
			t.Errorf("%s → %d %v", in, got, err)
		}
	}
	for _, bad := range []string{"9", "25:00", "12:60", ""} {
		if _, err := journey.ParseClockTime(bad); journey.ErrorCode(err) != journey.EINVALID {
			t.Errorf("%q accepted", bad)
		}
	}
	if journey.ClockTime(570).String() != "09:30" {
		t.Error(journey.ClockTime(570).String())
	}
	if _, err := journey.LoadZone("America/New_York"); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"", "Local", "Nowhere/Land", strings.Repeat("x", 80)} {
		if _, err := journey.LoadZone(bad); err == nil {
			t.Errorf("zone %q accepted", bad)
		}
	}
}

func TestTherapistValidate(t *testing.T) {
	ok := journey.Therapist{Name: "N", Email: "n@practice.test", TimeZone: "UTC", ConsultLength: 30 * time.Minute, MinNotice: time.Hour, HorizonDays: 60,
		Weekly: []journey.WeeklyHours{{Weekday: time.Monday, Start: 540, End: 720}}}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := ok
	bad.ConsultLength, bad.HorizonDays, bad.Buffer, bad.Email = 5*time.Minute, 0, -time.Minute, "n@"
	bad.Weekly = []journey.WeeklyHours{{Weekday: 9, Start: 700, End: 600}}
	bad.Exceptions = []journey.ScheduleException{{Date: "2030-02-30", Kind: "maybe", Start: 10, End: 5}}
	if n := len(journey.ErrorFields(bad.Validate())); n != 8 {
		t.Fatalf("want 8 field errors, got %d: %v", n, journey.ErrorFields(bad.Validate()))
	}
}

func TestValidVideoLink(t *testing.T) {
	for _, s := range []string{"https://video.example/room/ada", "https://meet.example.com:8443/j/123?pwd=abc"} {
		if !journey.ValidVideoLink(s) {
			t.Errorf("%q refused", s)
		}
	}
	for _, s := range []string{"", "http://video.example/room", "javascript:alert(1)", "https://", "https:///room", "https://user:pw@video.example/",
		"https://video.example/a b", "https://video.example/\r\nBcc: x@y", "https://video.example/\u202e", "video.example/room", "mailto:a@b.example",
		"https://video.example/" + strings.Repeat("a", journey.MaxVideoLinkLen)} {
		if journey.ValidVideoLink(s) {
			t.Errorf("%q accepted", s)
		}
	}
	p := &journey.Practice{Name: "P", TimeZone: "UTC", VideoLink: " http://video.example/room "}
	if f := journey.ErrorFields(p.Validate()); len(f) != 1 || f[0].Field != "video_link" {
		t.Fatalf("an http video link: %v", f)
	}
	p.VideoLink = " https://video.example/room "
	if err := p.Validate(); err != nil || p.VideoLink != "https://video.example/room" {
		t.Fatalf("a good link: %v %q", err, p.VideoLink)
	}
}

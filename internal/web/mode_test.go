package web

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/journey-kap/journey"
)

// The person booking chooses phone or video (no default), and is told
// beside the field when they did not; a phone consult needs a number. The
// confirmation, the manage page, the staff list and consult page and the
// API say which; a video consult with no practice video link says the
// link will follow, and staff are warned until the practice sets one.
func TestBookByPhoneOrVideo(t *testing.T) {
	e := newEnv(t)
	const ctype = "application/x-www-form-urlencoded"
	_, _, body := e.do("GET", "/book", "", "")
	if !strings.Contains(body, `id="mode-video" value="video" required>`) || !strings.Contains(body, `id="mode-phone" value="phone" required>`) {
		t.Fatalf("the booking page offers no unchosen phone/video choice:\n%s", trim(body))
	}
	none := validForm(e)
	none.Del("mode")
	none.Set("name", "Ada <i>Visitor</i>")
	st, _, body := e.do("POST", "/book", ctype, e.form(none))
	if st != 422 || !strings.Contains(body, `id="mode-error">Choose whether you would like the consult by phone or by video.`) ||
		!strings.Contains(body, `href="#mode"`) || !strings.Contains(body, `value="Ada &lt;i&gt;Visitor&lt;/i&gt;"`) {
		t.Fatalf("no mode: %d\n%s", st, trim(body))
	}
	phone := validForm(e)
	phone.Set("mode", "phone")
	st, _, body = e.do("POST", "/book", ctype, e.form(phone))
	if st != 422 || !strings.Contains(body, `id="phone-error">Enter a phone number so the therapist can call you.`) ||
		!strings.Contains(body, `id="mode-phone" value="phone" required checked>`) {
		t.Fatalf("phone consult, no number: %d\n%s", st, trim(body))
	}

	st, h, _ := e.do("POST", "/book", ctype, e.form(validForm(e)))
	if st != 303 {
		t.Fatalf("video booking: %d", st)
	}
	loc := h.Get("Location")
	token, _ := url.PathUnescape(strings.TrimSuffix(strings.TrimPrefix(loc, "/c/"), "?booked=1"))
	if _, _, body := e.do("GET", loc, "", ""); !strings.Contains(body, "By video: we will email you the link to join before the consult.") {
		t.Fatalf("confirmation of a video consult with no practice link:\n%s", trim(body))
	}
	if m := e.mailsTo("ada@example.com"); len(m) != 1 || !strings.Contains(m[0], "We will send you the link to join it before the consult.") {
		t.Fatalf("confirmation email: %q", m)
	}
	c, err := e.db.FindConsultByToken(context.Background(), token)
	if err != nil || c.Mode != journey.ModeVideo {
		t.Fatalf("stored: %+v %v", c, err)
	}
	nora := e.session(staffUser(e.ny), true)
	page := fmt.Sprintf("/staff/consults/%d", c.ID)
	if _, _, body := e.as(nora, "GET", page, nil); !strings.Contains(body, `id="no-video-link"`) || !strings.Contains(body, "<dt>How</dt><dd>Video</dd>") {
		t.Fatalf("staff consult page of a video consult without a link:\n%s", trim(body))
	}
	if _, _, body := e.as(nora, "GET", "/staff/consults", nil); !strings.Contains(body, "<td>Video</td>") {
		t.Fatalf("staff list lacks the mode:\n%s", trim(body))
	}
	if _, _, body := e.do("GET", "/api/v1/manage/"+token, "", ""); !strings.Contains(body, `"mode":"video"`) {
		t.Fatalf("manage API: %s", body)
	}
	if _, _, body := e.api(nora, "GET", fmt.Sprintf("/api/v1/consults/%d", c.ID), ""); !strings.Contains(body, `"mode":"video"`) {
		t.Fatalf("staff API: %s", body)
	}

	// The practice sets its video room: the page and the manage page carry it.
	p, _ := e.db.FindPractice(context.Background())
	p.VideoLink = "https://video.example/room"
	if err := e.db.UpdatePractice(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	if _, _, body := e.as(nora, "GET", page, nil); strings.Contains(body, `id="no-video-link"`) {
		t.Fatal("still warned once the practice has a video link")
	}
	if _, _, body := e.do("GET", "/c/"+url.PathEscape(token), "", ""); !strings.Contains(body, `href="https://video.example/room"`) {
		t.Fatalf("manage page lacks the video link:\n%s", trim(body))
	}
	// A phone consult booked through the API names the number called.
	st, _, body = e.do("POST", "/api/v1/consults", "application/json", bookingJSON(mondayNY.Add(60*60*1e9), e.ny.ID, "bo@example.com", ""))
	if st != 201 || !strings.Contains(body, `"mode":"phone"`) {
		t.Fatalf("API phone booking: %d %s", st, body)
	}
	if m := e.mailsTo("bo@example.com"); len(m) != 1 || !strings.Contains(m[0], "will call you at +12125550142") || strings.Contains(m[0], "video.example") {
		t.Fatalf("phone confirmation: %q", m)
	}
}

// The practice's video link is edited on the practice page and in the
// API: anything but an https address is refused beside its field, with
// what was typed kept and escaped.
func TestPracticeVideoLink(t *testing.T) {
	e := newEnv(t)
	_, cookie := e.staffCookie(journey.RoleAdmin)
	p, _ := e.db.FindPractice(context.Background())
	form := url.Values{"name": {p.Name}, "time_zone": {p.TimeZone}, "phone": {""}, "email": {p.Email},
		"video_link": {`http://video.example/"><b>room`}}
	st, _, body := e.as(cookie, "POST", "/admin/practice", form)
	if st != 422 || !strings.Contains(body, `id="video_link-error">Enter the video room&#39;s address starting with https://`) ||
		!strings.Contains(body, `value="http://video.example/&#34;&gt;&lt;b&gt;room"`) {
		t.Fatalf("bad link: %d\n%s", st, trim(body))
	}
	form.Set("video_link", "https://video.example/our-room")
	if st, _, body := e.as(cookie, "POST", "/admin/practice", form); st != 303 {
		t.Fatalf("good link: %d\n%s", st, trim(body))
	}
	if _, _, body := e.as(cookie, "GET", "/admin/practice", nil); !strings.Contains(body, `value="https://video.example/our-room"`) {
		t.Fatalf("the page does not show the saved link:\n%s", trim(body))
	}
	st, _, body = e.api(cookie, "PUT", "/api/v1/practice", `{"name":"P","time_zone":"UTC","video_link":"ftp://video.example/x","bookings_open":true}`)
	if st != 422 || !strings.Contains(body, `"field":"video_link"`) {
		t.Fatalf("API bad link: %d %s", st, body)
	}
	if _, _, body := e.api(cookie, "GET", "/api/v1/practice", ""); !strings.Contains(body, `"video_link":"https://video.example/our-room"`) {
		t.Fatalf("API GET: %s", body)
	}
}

// The practice page shows the reminder and cancellation windows saved,
// so saving the details again keeps them rather than resetting them to 24.
func TestPracticePageKeepsWindows(t *testing.T) {
	e := newEnv(t)
	_, cookie := e.staffCookie(journey.RoleAdmin)
	p, _ := e.db.FindPractice(context.Background())
	p.ReminderHours, p.CancelNoticeHours = 72, 48
	if err := e.db.UpdatePractice(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	_, _, body := e.as(cookie, "GET", "/admin/practice", nil)
	if !strings.Contains(body, `id="reminder_hours" name="reminder_hours" value="72"`) || !strings.Contains(body, `id="cancel_notice_hours" name="cancel_notice_hours" value="48"`) {
		t.Fatalf("the page does not show the saved windows:\n%s", trim(body))
	}
}

package web

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/journey-kap/journey"
)

// Cancelling asks first: a page names the consult and takes an optional
// reason (kept sealed, shown to staff); a reason too long is refused
// beside the field with the text kept. The API takes the same reason.
func TestCancelAsksFirstWithReason(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c, err := e.db.CreateConsult(ctx, &journey.BookingRequest{Start: mondayNY, TherapistID: e.ny.ID, Name: "Ada",
		Email: "ada@example.com", ContactMethod: "email", Mode: journey.ModeVideo, TimeZone: "America/Chicago", PrivacyConsent: true})
	if err != nil {
		t.Fatal(err)
	}
	path := "/c/" + c.ManageToken
	_, _, body := e.do("GET", path, "", "")
	if !strings.Contains(body, `href="`+path+`/cancel"`) || strings.Contains(body, `action="`+path+`/cancel"`) {
		t.Fatalf("the manage page cancels in one tap:\n%s", trim(body))
	}
	st, _, body := e.do("GET", path+"/cancel", "", "")
	if st != 200 || !strings.Contains(body, "Cancel your consult on Monday") || !strings.Contains(body, `name="reason"`) {
		t.Fatalf("confirmation page: %d\n%s", st, trim(body))
	}
	long := strings.Repeat("a", journey.MaxCancelReasonLen) + "<b>"
	st, _, body = e.as("", "POST", path+"/cancel", url.Values{"reason": {long}})
	if st != 422 || !strings.Contains(body, `id="reason-error"`) || !strings.Contains(body, "&lt;b&gt;</textarea>") {
		t.Fatalf("long reason: %d\n%s", st, trim(body))
	}
	if got, _ := e.db.FindConsultByID(ctx, c.ID); got.Status != journey.ConsultBooked {
		t.Fatal("a refused cancel cancelled")
	}
	st, h, _ := e.as("", "POST", path+"/cancel", url.Values{"reason": {"Found a <b>closer</b> practice."}})
	if st != 303 || !strings.HasSuffix(h.Get("Location"), "?cancelled=1") {
		t.Fatalf("cancel: %d", st)
	}
	got, _ := e.db.FindConsultByID(ctx, c.ID)
	if got.Status != journey.ConsultCancelled || got.CancelReason != "Found a <b>closer</b> practice." {
		t.Fatalf("stored: %s %q", got.Status, got.CancelReason)
	}
	front := e.session(staffUser(e.ny), true)
	_, _, body = e.as(front, "GET", fmt.Sprintf("/staff/consults/%d", c.ID), nil)
	if !strings.Contains(body, "Found a &lt;b&gt;closer&lt;/b&gt; practice.") {
		t.Errorf("staff do not see the reason:\n%s", trim(body))
	}
	if _, b := e.asJSON(front, "GET", fmt.Sprintf("/api/v1/consults/%d", c.ID), ""); !strings.Contains(b, `"cancel_reason":"Found a \u003cb\u003ecloser`) {
		t.Errorf("staff API lacks the reason: %s", b)
	}

	// The API: the same reason, the same limit.
	c2, err := e.db.CreateConsult(ctx, &journey.BookingRequest{Start: mondayNY, TherapistID: e.ny.ID, Name: "Bo",
		Email: "bo@example.com", ContactMethod: "email", Mode: journey.ModeVideo, TimeZone: "America/Chicago", PrivacyConsent: true})
	if err != nil {
		t.Fatal(err)
	}
	api := "/api/v1/manage/" + c2.ManageToken + "/cancel"
	if st, b := e.asJSON("", "POST", api, fmt.Sprintf(`{"reason": %q}`, long)); st != 422 || !strings.Contains(b, `"field":"reason"`) {
		t.Fatalf("api long reason: %d %s", st, b)
	}
	if st, b := e.asJSON("", "POST", api, `{"reason": "Feeling better."}`); st != 200 || !strings.Contains(b, `"status":"cancelled"`) {
		t.Fatalf("api cancel: %d %s", st, b)
	}
	if got, _ := e.db.FindConsultByID(ctx, c2.ID); got.CancelReason != "Feeling better." {
		t.Fatalf("api reason: %q", got.CancelReason)
	}
}

// The booking's confirmation says what happens next: what the consult
// is, who gets in touch and how, how to move or cancel, what to prepare.
func TestBookedSaysWhatHappensNext(t *testing.T) {
	e := newEnv(t)
	c, err := e.db.CreateConsult(context.Background(), &journey.BookingRequest{Start: mondayNY, TherapistID: e.ny.ID, Name: "Ada",
		Email: "ada@example.com", Phone: "+15035550199", ContactMethod: "phone", Mode: journey.ModePhone, TimeZone: "America/Chicago", PrivacyConsent: true})
	if err != nil {
		t.Fatal(err)
	}
	_, _, body := e.do("GET", "/c/"+c.ManageToken+"?booked=1", "", "")
	for _, want := range []string{"What happens next", e.ny.Name + " will call you at &#43;15035550199", "30-minute", "no medicine",
		"move or cancel", "To prepare"} {
		if !strings.Contains(body, want) {
			t.Errorf("confirmation lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(trim(body))
	}
}

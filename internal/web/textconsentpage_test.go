package web

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/journey-kap/journey"
)

// TestStaffTextConsentPage: front desk and the care team record a client's
// answer about texts on a page of the chart; a wrong number is shown
// beside the field as typed (escaped); the chaperone may not.
func TestStaffTextConsentPage(t *testing.T) {
	e := newCareEnv(t)
	path := fmt.Sprintf("/staff/clients/%d/texts", e.c.ID)
	if _, _, body := e.as(e.nora, "GET", fmt.Sprintf("/staff/clients/%d", e.c.ID), nil); !strings.Contains(body, `href="`+path+`"`) {
		t.Errorf("the chart does not link the text consent form")
	}
	st, _, body := e.as(e.desk, "GET", path, nil)
	if st != 200 || !strings.Contains(body, "No answer recorded yet") || !strings.Contains(body, `action="`+path+`"`) {
		t.Fatalf("front desk's page: %d\n%s", st, trim(body))
	}
	st, _, body = e.as(e.desk, "POST", path, url.Values{"agreed": {"yes"}, "phone": {`<b>555</b>`}})
	if st != 422 || !strings.Contains(body, `id="phone-error"`) || !strings.Contains(body, `value="&lt;b&gt;555&lt;/b&gt;"`) || !strings.Contains(body, `id="error-summary"`) {
		t.Fatalf("a wrong number: %d\n%s", st, trim(body))
	}
	if st, h, body := e.as(e.desk, "POST", path, url.Values{"agreed": {"yes"}, "phone": {"+1 503 555 0142"}}); st != 303 || h.Get("Location") != path+"?saved=1" {
		t.Fatalf("saved: %d %s\n%s", st, h.Get("Location"), trim(body))
	}
	tc, err := e.db.FindTextConsent(context.Background(), e.c.ID)
	if err != nil || !tc.Agreed || tc.Phone != "+15035550142" {
		t.Fatalf("stored: %+v %v", tc, err)
	}
	if _, _, body := e.as(e.nora, "GET", path+"?saved=1", nil); !strings.Contains(body, "is saved") || !strings.Contains(body, "agrees to texts") {
		t.Errorf("the therapist's page after the save:\n%s", trim(body))
	}
	if st, _, _ := e.as(e.nora, "POST", path, url.Values{"phone": {""}}); st != 303 {
		t.Errorf("the therapist records no texts: %d", st)
	}
	if tc, _ := e.db.FindTextConsent(context.Background(), e.c.ID); tc.Agreed {
		t.Error("the newest answer (no texts) does not hold")
	}
	chap := e.session(&journey.User{ID: e.chap}, true)
	if st, _, _ := e.as(chap, "GET", path, nil); st != 403 && st != 404 {
		t.Errorf("the chaperone opens the form: %d", st)
	}
}

package web

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// TestCheckInReviewOnTheRunSheet: a remote check-in's home reading above
// the review level is reviewed by the medical provider on the run sheet,
// as a hold is (one review, with a note); until then the page says it
// waits and the session may not start.
func TestCheckInReviewOnTheRunSheet(t *testing.T) {
	e := newCareEnv(t)
	id := sqldbtest.MedicineSession(t, e.db, e.c.ID, e.now.Add(30*time.Minute), journey.SessionBooked, journey.ModeRemote, journey.RouteLozenge,
		map[string]int64{journey.NeedTherapist: e.ny.ID, journey.NeedMedicalProvider: e.mp, journey.NeedChaperone: e.chap})
	ci := &journey.CheckIn{SessionID: id, ClientID: e.c.ID, Address: "4 Home Road", Callback: "+15035550143", EmergencyConfirmed: true, Systolic: 150, Diastolic: 92}
	if err := e.db.CreateCheckIn(context.Background(), ci); err != nil || ci.Result != journey.CheckInReview {
		t.Fatalf("check-in: %+v %v", ci, err)
	}
	doc := e.session(&journey.User{ID: e.mp}, true)
	path := fmt.Sprintf("/staff/sessions/%d/run-sheet", id)
	st, _, body := e.as(doc, "GET", path, nil)
	for _, want := range []string{"150/92", "waits for the medical provider", `action="` + path + `/review"`} {
		if st != 200 || !strings.Contains(body, want) {
			t.Errorf("before the review, the page lacks %q (%d)\n%s", want, st, trim(body))
		}
	}
	if _, _, body := e.as(e.nora, "GET", path, nil); strings.Contains(body, `action="`+path+`/review"`) {
		t.Error("the therapist is offered the review")
	}
	if st, _, body := e.as(doc, "POST", path+"/review", url.Values{"note": {""}}); st != 422 || !strings.Contains(body, `note-error"`) {
		t.Errorf("an empty review: %d\n%s", st, trim(body))
	}
	if st, _, body := e.as(doc, "POST", path+"/review", url.Values{"note": {"Spoke with the client: their usual reading; proceed."}}); st != 303 {
		t.Fatalf("the review: %d\n%s", st, trim(body))
	}
	_, _, body = e.as(doc, "GET", path, nil)
	if strings.Contains(body, "waits for the medical provider") || !strings.Contains(body, "reviewed by the medical provider") ||
		!strings.Contains(body, "their usual reading; proceed.") {
		t.Errorf("after the review:\n%s", trim(body))
	}
}

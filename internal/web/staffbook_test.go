package web

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
)

// staffAudits returns the entries of action by actor.
func (e *env) staffAudits(actor int64, action string) []*journey.AuditEntry {
	e.t.Helper()
	ctx := context.Background()
	e.db.FlushAudit(ctx)
	es, err := e.db.FindAudit(ctx, journey.AuditFilter{ActorID: actor, Action: action})
	if err != nil {
		e.t.Fatal(err)
	}
	return es
}

func callerForm(slot, name, email string) url.Values {
	return url.Values{"slot": {slot}, "name": {name}, "email": {email}, "phone": {"(212) 555-0142"},
		"contact_method": {"phone"}, "mode": {"phone"}, "tz": {"America/Chicago"}, "reason": {"called about KAP"}, "privacy_consent": {"yes"}}
}

// Front desk books a consult for a caller, moves it and cancels it with a
// reason, through the pages; the caller gets each email; each step is
// audited with the actor; a time just taken is a 409, never a double booking.
func TestFrontDeskBooksMovesCancelsForCaller(t *testing.T) {
	e := newEnv(t)
	desk, cookie := e.staffCookie(journey.RoleFrontDesk)
	slot := slotValue(e.ny.ID, mondayNY)

	st, _, body := e.as(cookie, "GET", "/staff/consults/new", nil)
	if st != 200 || !strings.Contains(body, `value="`+slotValue(0, mondayNY)+`"`) || !strings.Contains(body, "Why they called") {
		t.Fatalf("booking page: %d %s", st, trim(body))
	}
	// Mistakes are named beside their fields and what was typed comes back, escaped.
	bad := callerForm(slot, "", "<b>not-an-address")
	bad.Del("privacy_consent")
	st, _, body = e.as(cookie, "POST", "/staff/consults", bad)
	if st != 422 || !strings.Contains(body, `id="name-error"`) || !strings.Contains(body, `id="email-error"`) ||
		!strings.Contains(body, `id="privacy_consent-error"`) || !strings.Contains(body, "&lt;b&gt;not-an-address") || strings.Contains(body, "<b>not-an") {
		t.Fatalf("bad booking: %d %s", st, trim(body))
	}

	st, h, _ := e.as(cookie, "POST", "/staff/consults", callerForm(slot, "Cal Caller", "cal@example.com"))
	if st != 303 || !strings.HasSuffix(h.Get("Location"), "?booked=1") {
		t.Fatalf("book: %d %q", st, h.Get("Location"))
	}
	cs, _, _ := e.db.FindConsults(context.Background(), journey.ConsultFilter{})
	if len(cs) != 1 || cs[0].Name != "Cal Caller" || !cs[0].Start.Equal(mondayNY) || cs[0].TimeZone != "America/Chicago" || cs[0].Reason != "called about KAP" {
		t.Fatalf("booked: %+v", cs)
	}
	c := cs[0]
	if m := e.mailsTo("cal@example.com"); len(m) != 1 || !strings.Contains(m[0], "is booked") {
		t.Fatalf("confirmation: %q", m)
	}
	if st, _, body := e.as(cookie, "GET", h.Get("Location"), nil); st != 200 || !strings.Contains(body, "Booked.") || !strings.Contains(body, "Move this consult") {
		t.Fatalf("consult page: %d", st)
	}
	// The same time for another caller: taken.
	st, _, body = e.as(cookie, "POST", "/staff/consults", callerForm(slot, "Second Caller", "second@example.com"))
	if st != 409 || !strings.Contains(body, "just taken") {
		t.Fatalf("taken slot: %d %s", st, trim(body))
	}

	// Move it; a time another caller holds is a 409.
	other := e.book(e.ny, mondayNY.Add(2*time.Hour), "Other Visitor", "")
	path := fmt.Sprintf("/staff/consults/%d", c.ID)
	st, _, body = e.as(cookie, "POST", path+"/reschedule", url.Values{"slot": {slotValue(e.ny.ID, other.Start)}})
	if st != 409 || !strings.Contains(body, "just taken") {
		t.Fatalf("move onto a taken time: %d %s", st, trim(body))
	}
	if st, _, _ := e.as(cookie, "POST", path+"/reschedule", url.Values{"slot": {""}}); st != 422 {
		t.Fatalf("move without a time: %d", st)
	}
	st, h, _ = e.as(cookie, "POST", path+"/reschedule", url.Values{"slot": {slotValue(e.ny.ID, mondayNY.Add(time.Hour))}})
	if st != 303 || !strings.HasSuffix(h.Get("Location"), "?moved=1") {
		t.Fatalf("move: %d %q", st, h.Get("Location"))
	}
	if moved, _ := e.db.FindConsultByID(context.Background(), c.ID); !moved.Start.Equal(mondayNY.Add(time.Hour)) {
		t.Fatalf("moved to %v", moved.Start)
	}
	if m := e.mailsTo("cal@example.com"); len(m) != 2 || !strings.Contains(m[1], "has moved") {
		t.Fatalf("moved mail: %q", m)
	}

	// Cancel: staff must say why.
	st, _, body = e.as(cookie, "POST", path+"/cancel", url.Values{"reason": {"  "}})
	if st != 422 || !strings.Contains(body, `id="reason-error"`) {
		t.Fatalf("cancel without a reason: %d %s", st, trim(body))
	}
	st, h, _ = e.as(cookie, "POST", path+"/cancel", url.Values{"reason": {"caller asked"}})
	if st != 303 || !strings.HasSuffix(h.Get("Location"), "?cancelled=1") {
		t.Fatalf("cancel: %d %q", st, h.Get("Location"))
	}
	if gone, _ := e.db.FindConsultByID(context.Background(), c.ID); gone.Status != journey.ConsultCancelled || gone.CancelReason != "caller asked" {
		t.Fatalf("status %s, reason %q", gone.Status, gone.CancelReason)
	}
	if m := e.mailsTo("cal@example.com"); len(m) != 3 || !strings.Contains(m[2], "is cancelled") {
		t.Fatalf("cancelled mail: %q", m)
	}
	if st, _, _ := e.as(cookie, "POST", path+"/cancel", url.Values{"reason": {"again"}}); st != 409 {
		t.Fatalf("cancel twice: %d", st)
	}
	for _, action := range []string{"consult.create", "consult.update", "consult.cancel"} {
		found := false
		for _, a := range e.staffAudits(desk.ID, action) {
			if a.Outcome == journey.AuditSuccess && a.SubjectID == fmt.Sprint(c.ID) && (action != "consult.cancel" || a.Reason == "caller asked") {
				found = true
			}
		}
		if !found {
			t.Errorf("no successful %s by the front desk", action)
		}
	}
}

// A therapist books and moves only with themselves, and cannot touch
// another therapist's consult; a chaperone cannot book at all.
func TestTherapistBooksOnlyForThemselves(t *testing.T) {
	e := newEnv(t)
	la := e.session(staffUser(e.la), true)
	// Luis (LA, 9-17 Pacific) asks for Nora's slot: it is booked with him
	// only if he offers the time, which he does not (6 AM Pacific).
	st, _, _ := e.as(la, "POST", "/staff/consults", callerForm(slotValue(e.ny.ID, mondayNY), "Cal Caller", "cal@example.com"))
	if st != 422 {
		t.Fatalf("a therapist booking another's time: %d", st)
	}
	laSlot := mondayNY.Add(3 * time.Hour) // 9:00 Pacific, his first slot
	if st, _, body := e.as(la, "POST", "/staff/consults", callerForm(slotValue(e.ny.ID, laSlot), "Cal Caller", "cal@example.com")); st != 303 {
		t.Log(body)
		t.Fatalf("a therapist booking their own time: %d", st)
	}
	cs, _, _ := e.db.FindConsults(context.Background(), journey.ConsultFilter{})
	if len(cs) != 1 || cs[0].TherapistID != e.la.ID {
		t.Fatalf("booked with %+v", cs)
	}
	nora := e.book(e.ny, mondayNY, "Nora Visitor", "")
	for _, p := range []string{"/reschedule", "/cancel"} {
		if st, _, _ := e.as(la, "POST", fmt.Sprintf("/staff/consults/%d%s", nora.ID, p), url.Values{"reason": {"x"}, "slot": {slotValue(e.la.ID, laSlot.Add(time.Hour))}}); st != 404 {
			t.Fatalf("another therapist's consult %s: %d", p, st)
		}
	}
	_, chap := e.staffCookie(journey.RoleChaperone)
	if st, _, _ := e.as(chap, "POST", "/staff/consults", callerForm(slotValue(e.ny.ID, mondayNY), "X", "x@example.com")); st != 403 {
		t.Fatalf("chaperone books: %d", st)
	}
}

// The same through the API: book for a caller, 409 when the time was just
// taken, move, cancel with a reason (problem+json when it is missing).
func TestAPIStaffBooksMovesCancels(t *testing.T) {
	e := newEnv(t)
	desk, cookie := e.staffCookie(journey.RoleFrontDesk)
	st, h, body := e.api(cookie, "POST", "/api/v1/staff/consults", bookingJSON(mondayNY, e.ny.ID, "cal@example.com", ""))
	if st != 201 || !strings.Contains(body, `"status":"booked"`) || !strings.HasPrefix(h.Get("Location"), "/api/v1/consults/") {
		t.Fatalf("book: %d %s", st, body)
	}
	cs, _, _ := e.db.FindConsults(context.Background(), journey.ConsultFilter{})
	if len(cs) != 1 {
		t.Fatalf("%d consults", len(cs))
	}
	id := cs[0].ID
	st, h, body = e.api(cookie, "POST", "/api/v1/staff/consults", bookingJSON(mondayNY, e.ny.ID, "second@example.com", ""))
	if st != 409 || !strings.HasPrefix(h.Get("Content-Type"), "application/problem+json") {
		t.Fatalf("taken: %d %s", st, body)
	}
	st, _, body = e.api(cookie, "POST", "/api/v1/staff/consults", `{"start":"tomorrow","name":"","email":"x","contact_method":"email","time_zone":"UTC","privacy_consent":true}`)
	if st != 422 || !strings.Contains(body, `"field":"start"`) || !strings.Contains(body, `"field":"name"`) {
		t.Fatalf("bad booking: %d %s", st, body)
	}
	newStart := mondayNY.Add(time.Hour).Format(time.RFC3339)
	st, _, body = e.api(cookie, "POST", fmt.Sprintf("/api/v1/consults/%d/reschedule", id), fmt.Sprintf(`{"start":%q}`, newStart))
	if st != 200 {
		t.Fatalf("move: %d %s", st, body)
	}
	if c, _ := e.db.FindConsultByID(context.Background(), id); !c.Start.Equal(mondayNY.Add(time.Hour)) {
		t.Fatalf("moved to %v", c.Start)
	}
	st, _, body = e.api(cookie, "POST", fmt.Sprintf("/api/v1/consults/%d/cancel", id), `{}`)
	if st != 422 || !strings.Contains(body, `"field":"reason"`) {
		t.Fatalf("cancel without reason: %d %s", st, body)
	}
	st, _, body = e.api(cookie, "POST", fmt.Sprintf("/api/v1/consults/%d/cancel", id), `{"reason":"caller asked"}`)
	if st != 200 || !strings.Contains(body, `"status":"cancelled"`) {
		t.Fatalf("cancel: %d %s", st, body)
	}
	if m := e.mailsTo("cal@example.com"); len(m) != 3 {
		t.Fatalf("%d mails", len(m))
	}
	if st, _, _ := e.api(cookie, "POST", "/api/v1/consults/999/cancel", `{"reason":"caller asked"}`); st != 404 {
		t.Fatalf("unknown consult: %d", st)
	}
	var reasons []string
	for _, a := range e.staffAudits(desk.ID, "consult.cancel") {
		reasons = append(reasons, a.Reason)
	}
	if len(reasons) != 1 || reasons[0] != "caller asked" || len(e.staffAudits(desk.ID, "consult.create")) != 1 || len(e.staffAudits(desk.ID, "consult.update")) != 1 {
		t.Fatalf("audit: cancel reasons %q", reasons)
	}
}

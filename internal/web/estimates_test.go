package web

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/processing"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// Good Faith Estimates through HTTP: the client asks in the portal, reads
// and downloads theirs, and nobody else's; billing staff see them with the
// open requests (overdue in red) and issue one now; a bill $400 above an
// estimate shows the dispute right on both pages; the API lists them and
// takes a request; the notice of the right is on the public site, in
// booking and in the portal.
func TestEstimatePages(t *testing.T) {
	e := newCareEnv(t)
	ctx := context.Background()
	b := sqldbtest.SeedBilling(t, e.db, e.ny.ID, e.mp)
	sal, su := sqldbtest.Client(t, e.db, e.ny.ID, "Sal Selfpay", "sal@client.test", sqldbtest.Intake("Sal Selfpay", *e.now))
	if _, err := e.db.DecideClearance(ctx, &journey.Clearance{ClientID: sal.ID, Decision: journey.DecisionCleared, ProviderID: e.mp,
		ClearedUntil: e.now.AddDate(1, 0, 0)}); err != nil {
		t.Fatal(err)
	}
	client := e.session(su, true)
	_, ou := sqldbtest.Client(t, e.db, e.ny.ID, "Olga Other", "olga@client.test", nil)
	var olga string // signed in once the clock has moved (below)
	p := processing.New(e.db)
	back := func(path string) string { return path[:strings.Index(path, "/estimates")+len("/estimates")] }
	staffPage := fmt.Sprintf("/staff/clients/%d/estimates", sal.ID)
	api := fmt.Sprintf("/api/v1/clients/%d/estimates", sal.ID)

	e.runRedirecting(t, []cookieScenario{
		{"nothing yet", client, "GET", "/portal/estimates", "", 200,
			[]string{"No Good Faith Estimate has been issued yet", "Ask for a Good Faith Estimate", "Your right to a Good Faith Estimate"}, nil},
		{"the client asks", client, "POST", "/portal/estimates", "", 303, nil, nil},
		{"being prepared", client, "GET", "/portal/estimates?requested=1", "", 200,
			[]string{"we are preparing your estimate", "Being prepared", "Asked for"}, nil},
		{"staff see the open request", e.desk, "GET", staffPage, "", 200, []string{"Open requests", "Issue now", "Asked for"}, []string{"Overdue"}},
		{"a therapist has no billing", e.nora, "GET", staffPage, "", 403, nil, nil},
	}, back)
	sqldbtest.SetTime(e.now, e.now.AddDate(0, 0, 7)) // past its deadline: everyone signs in again
	e.desk = e.session(e.addUser(journey.UserStaff, "desk-later@practice.test", journey.RoleFrontDesk), true)
	e.nora, client, olga = e.session(staffUser(e.ny), true), e.session(su, true), e.session(ou, true)
	e.runRedirecting(t, []cookieScenario{
		{"overdue in red", e.desk, "GET", staffPage, "", 200, []string{`<span class="overdue">Overdue: was due by`}, nil},
	}, back)
	reqs, err := e.db.FindEstimateRequests(ctx, sal.ID, 10)
	if err != nil || len(reqs) != 1 {
		t.Fatalf("requests: %v %v", reqs, err)
	}
	issue := fmt.Sprintf("%s/requests/%d/issue", staffPage, reqs[0].ID)
	e.runRedirecting(t, []cookieScenario{
		{"a therapist may not issue", e.nora, "POST", issue, "", 403, nil, nil},
		{"the front desk issues it now", e.desk, "POST", issue, "", 303, nil, nil},
		{"issued twice is the same", e.desk, "POST", issue, "", 303, nil, nil},
		{"issued", e.desk, "GET", staffPage + "?done=issued", "", 200,
			[]string{"The estimate was issued", "Harbor KAP Therapy PLLC", "Harbor Medical PC", "Medicine session", "0820T", "No estimate is waiting"}, []string{"Issue now"}},
	}, back)
	ests, err := e.db.FindEstimates(ctx, sal.ID)
	if err != nil || len(ests) == 0 {
		t.Fatalf("estimates: %v %v", ests, err)
	}
	var med *journey.Estimate
	var practiceCents int64 // the practice's estimates: what a bill from it is held against
	for _, x := range ests {
		if x.ChargeType == journey.ChargeMedicineSession {
			med = x
		}
		if x.EntityID == b.Practice.ID {
			practiceCents += x.TotalCents
		}
	}
	pdfURL := fmt.Sprintf("/portal/estimates/%d/pdf", med.ID)
	e.runRedirecting(t, []cookieScenario{
		{"the client's list", client, "GET", "/portal/estimates", "", 200,
			[]string{"Harbor KAP Therapy PLLC", "Medicine session", pdfURL, "Download the PDF"}, []string{"A bill is $400"}},
		{"their PDF", client, "GET", pdfURL, "", 200, []string{"%PDF"}, nil},
		{"not another client's", olga, "GET", pdfURL, "", 404, nil, []string{"%PDF"}},
		{"staff download it", e.desk, "GET", fmt.Sprintf("/staff/estimates/%d/pdf", med.ID), "", 200, []string{"%PDF"}, nil},
		{"the API lists them", e.desk, "GET", api, "", 200,
			[]string{`"estimates":[{"id":`, `"issued_at":"`, `"due_by":"`, `"total_cents":`, `"lines":[{"service":`, fmt.Sprintf(`"url":"http://journey.test/api/v1/estimates/%d/pdf"`, ests[0].ID),
				`"facility_tin":"12-3456789"`, `"open_requests":[]`, `"disputable":false`}, nil},
		{"the client through the API", client, "GET", api, "", 200, []string{`"estimates":[{`}, nil},
		{"not another client", olga, "GET", api, "", 404, []string{"Client not found."}, []string{`"estimates"`}},
		{"nor a therapist", e.nora, "GET", api, "", 404, nil, []string{`"estimates"`}},
		{"the API takes a request", client, "POST", api, "", 202, []string{`"reason":"requested"`, `"due_by":"`, `"overdue":false`}, nil},
		{"its PDF through the API", client, "GET", fmt.Sprintf("/api/v1/estimates/%d/pdf", med.ID), "", 200, []string{"%PDF"}, nil},
		{"no such estimate", client, "GET", "/api/v1/estimates/x/pdf", "", 404, nil, nil},
	}, back)

	// A bill $400 or more above the practice's estimates for the period:
	// $1 less is not.
	if _, err := e.db.CreateCharges(ctx, []*journey.Charge{{ClientID: sal.ID, ChargeType: journey.ChargeMedicineSession, EntityID: b.Practice.ID,
		Event: journey.EventCompleted, Date: e.now.Format(time.DateOnly), Code: "0820T", Units: 1, Description: "Medicine session",
		AmountCents: practiceCents + 39_999, Status: journey.ChargeOpen}}, 0); err != nil {
		t.Fatal(err)
	}
	e.runRedirecting(t, []cookieScenario{
		{"$399.99 above is no dispute", client, "GET", "/portal/estimates", "", 200, nil, []string{"A bill is $400"}},
		{"nor on the billing page", client, "GET", "/portal/billing", "", 200, []string{`id="gfe-notice-title"`}, []string{"A bill is $400"}},
	}, back)
	if _, err := e.db.CreateCharges(ctx, []*journey.Charge{{ClientID: sal.ID, ChargeType: journey.ChargePsychotherapy, EntityID: b.Practice.ID,
		Event: journey.EventCompleted, Date: e.now.Format(time.DateOnly), Code: "90837", Units: 1, Description: "Integration",
		AmountCents: 1, Status: journey.ChargeOpen}}, 0); err != nil {
		t.Fatal(err)
	}
	right := "you have the right to dispute the bill"
	e.runRedirecting(t, []cookieScenario{
		{"the client sees the dispute right", client, "GET", "/portal/estimates", "", 200,
			[]string{"A bill is $400 or more above its Good Faith Estimate", "Harbor KAP Therapy PLLC</strong>: billed", right, "120 calendar days"}, nil},
		{"so do staff", e.desk, "GET", staffPage, "", 200, []string{"A bill is $400 or more above its Good Faith Estimate", right}, nil},
		{"and the API", e.desk, "GET", api, "", 200, []string{`"disputable":true`}, nil},
		{"on the client's billing page", client, "GET", "/portal/billing", "", 200, []string{"A bill is $400 or more above its Good Faith Estimate", right, `href="/portal/estimates"`}, nil},
		{"and the staff's", e.desk, "GET", fmt.Sprintf("/staff/clients/%d/billing", sal.ID), "", 200,
			[]string{"A bill is $400 or more above its Good Faith Estimate", right, `href="` + staffPage + `"`}, nil},
	}, back)

	// The notice of the right, where the law asks for it.
	e.runRedirecting(t, []cookieScenario{
		{"the public page", "", "GET", "/good-faith-estimate", "", 200, []string{"Your right to a Good Faith Estimate", "$400 or more", "120 calendar days", "www.cms.gov/nosurprises"}, nil},
		{"every page's footer", "", "GET", "/", "", 200, []string{`<a href="/good-faith-estimate">Your right to a Good Faith Estimate</a>`}, nil},
		{"booking a consult", "", "GET", "/book", "", 200, []string{`id="gfe-notice-title"`, `href="/good-faith-estimate"`}, nil},
		{"booking in the portal", client, "GET", "/portal/book", "", 200, []string{`id="gfe-notice-title"`}, nil},
		{"the portal's home", client, "GET", "/portal", "", 200, []string{`id="gfe-notice-title"`, `href="/portal/estimates"`}, nil},
	}, func(path string) string { return path })
	if n, err := p.IssueOpenEstimates(ctx, 10); err != nil || n != 1 {
		t.Errorf("the API's request issued %d: %v", n, err)
	}
}

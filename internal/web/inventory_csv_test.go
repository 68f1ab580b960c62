package web

import (
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// TestInventoryLogCSVMonth: a month's CSV holds that month's entries in
// the practice's zone and no others, every cell as the log recorded it:
// a dose entered seconds before the month's first midnight (already the
// next day in UTC) stays in the month before, with the running balance as it was written; a
// reason that would read as a formula is kept from being one; a count
// that differs from the book says what was counted; an entry just after
// the month is left out.
func TestInventoryLogCSVMonth(t *testing.T) {
	e := newCareEnv(t)
	ctx := context.Background()
	ny, _ := time.LoadLocation("America/New_York")
	at := func(mo time.Month, d, h, m int) time.Time { return time.Date(2030, mo, d, h, m, 0, 0, ny) }
	client, _ := e.db.FindClientByID(ctx, e.c.ID)
	care := &sqldbtest.Care{Therapist: e.ny, Provider: e.mp, Chaperone: e.chap, Location: &journey.Location{ID: 1}, Client: client}
	sig := journey.Signature{By: e.mp, Kind: journey.SignSecondFactor}
	sqldbtest.SetTime(e.now, at(time.January, 30, 10, 0))
	lot := sqldbtest.Stock(t, e.db, care, journey.UnitML, 2, 10, "2031-06-30")
	c1, c2 := lot.Containers[0].ID, lot.Containers[1].ID
	sqldbtest.SetTime(e.now, at(time.January, 30, 10, 5))
	if _, err := e.db.OpenContainer(ctx, c1, sig); err != nil {
		t.Fatal(err)
	}
	var sessions []int64
	for _, given := range []time.Time{at(time.January, 31, 23, 50), at(time.February, 1, 0, 5)} {
		// Entered 9½ minutes after it was given: the log's time is the
		// entry's, the first seconds before midnight in New York.
		sqldbtest.SetTime(e.now, given.Add(9*time.Minute+30*time.Second))
		s := sqldbtest.DosingSession(t, e.db, care, given.Add(-20*time.Minute), journey.RouteIM)
		if err := e.db.RecordAdministration(ctx, &journey.Administration{SessionID: s, DoseMg: 25, Route: journey.RouteIM, ContainerID: c1,
			AdministeredAt: given}, journey.Signature{By: e.mp, Kind: journey.SignAPIToken}); err != nil {
			t.Fatal(err)
		}
		sessions = append(sessions, s)
	}
	sqldbtest.SetTime(e.now, at(time.February, 2, 9, 30))
	if _, err := e.db.WasteStock(ctx, &journey.Waste{ContainerID: c1, Amount: 1.5, Reason: "=SUM(A1) spilled", WitnessID: e.chap}, sig); err != nil {
		t.Fatal(err)
	}
	sqldbtest.SetTime(e.now, at(time.February, 28, 23, 59))
	if err := e.db.RecordCount(ctx, &journey.Count{LocationID: 1, Lines: []journey.CountLine{{ContainerID: c1, Amount: 8.5},
		{ContainerID: c2, Amount: 10}}}, sig); err != nil {
		t.Fatal(err)
	}
	sqldbtest.SetTime(e.now, at(time.March, 1, 0, 0))
	if _, err := e.db.WasteStock(ctx, &journey.Waste{ContainerID: c1, Amount: 0.25, Reason: "Drawn up, not given", WitnessID: e.chap}, sig); err != nil {
		t.Fatal(err)
	}
	mp := e.newSigner(e.mp)
	product := "Ketamine HCl injection 50 mg/mL, NDC 0409-2051-05, lot KX2031-06-30 (exp 2031-06-30)"
	signed, token := "Mia Provider (second factor)", "Mia Provider (API token)"
	for _, tc := range []struct {
		month string
		want  [][]string
	}{
		{"2030-01", [][]string{
			{"2030-01-30 10:00", "Receipt", product, "#1", "10 mL", "500", "10", "", "", "Invoice INV-1001", signed},
			{"2030-01-30 10:00", "Receipt", product, "#2", "10 mL", "500", "10", "", "", "Invoice INV-1001", signed},
			{"2030-01-30 10:05", "Opened", product, "#1", "0 mL", "0", "10", "", "", "", signed},
			{"2030-01-31 23:59", "Administered", product, "#1", "-0.5 mL", "-25", "9.5", fmt.Sprintf("Casey Client (session %d)", sessions[0]), "", "", token},
		}},
		{"2030-02", [][]string{
			{"2030-02-01 00:14", "Administered", product, "#1", "-0.5 mL", "-25", "9", fmt.Sprintf("Casey Client (session %d)", sessions[1]), "", "", token},
			{"2030-02-02 09:30", "Wasted", product, "#1", "-1.5 mL", "-75", "7.5", "", "Cal Chaperone", "'=SUM(A1) spilled", signed},
			{"2030-02-28 23:59", "Count", product, "#1", "0 mL", "0", "7.5", "", "", "Counted 8.5 mL", signed},
			{"2030-02-28 23:59", "Count", product, "#2", "0 mL", "0", "10", "", "", "Counted 10 mL", signed},
		}},
	} {
		first, _ := time.Parse("2006-01", tc.month)
		path := fmt.Sprintf("/staff/inventory/log?from=%s&to=%s&format=csv", first.Format(time.DateOnly), first.AddDate(0, 1, -1).Format(time.DateOnly))
		st, h, body := e.as(mp.cookie, "GET", path, nil)
		if st != 200 || h.Get("Content-Type") != "text/csv; charset=utf-8" {
			t.Fatalf("%s: %d %s", tc.month, st, h.Get("Content-Type"))
		}
		rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil || len(rows) == 0 || strings.Join(rows[0], "|") != "When|Entry|Product, NDC, lot (expiry)|Container|Amount|mg|Balance after|Client (session)|Witness|Note|Signed by" {
			t.Fatalf("%s: %q, %v", tc.month, rows, err)
		}
		if got, want := fmt.Sprintf("%q", rows[1:]), fmt.Sprintf("%q", tc.want); got != want {
			t.Errorf("%s's rows:\n%s\nwant\n%s", tc.month, strings.ReplaceAll(got, "] [", "]\n["), strings.ReplaceAll(want, "] [", "]\n["))
		}
	}
}

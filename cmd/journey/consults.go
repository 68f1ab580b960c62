package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb"
)

// printConsults prints booked consults from the day from (YYYY-MM-DD in
// the practice's zone, default today) onwards, as a table.
func printConsults(ctx context.Context, db *sqldb.DB, from string, out io.Writer) error {
	p, err := db.FindPractice(ctx)
	if err != nil {
		return err
	}
	loc, err := journey.LoadZone(p.TimeZone)
	if err != nil {
		return err
	}
	now := db.Now().In(loc)
	start := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	if from != "" {
		if start, err = time.ParseInLocation(time.DateOnly, from, loc); err != nil {
			return fmt.Errorf("--from: want a date as YYYY-MM-DD")
		}
	}
	status := journey.ConsultBooked
	cs, total, err := db.FindConsults(ctx, journey.ConsultFilter{From: &start, Status: &status, Limit: 1000})
	if err != nil {
		return err
	}
	ts, err := db.FindTherapists(ctx, false)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	for _, t := range ts {
		names[t.ID] = t.Name
	}
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintf(w, "TIME (%s)\tTHERAPIST\tVISITOR\tBY\tCONTACT\tEMAIL\tPHONE\n", p.TimeZone)
	for _, c := range cs {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.Start.In(loc).Format("2006-01-02 15:04 MST"), names[c.TherapistID],
			c.Name, c.Mode, c.ContactMethod, c.Email, c.Phone)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if total > len(cs) {
		fmt.Fprintf(out, "… and %d more; use --from to page on.\n", total-len(cs))
	}
	fmt.Fprintf(out, "%d upcoming consult(s).\n", total)
	return nil
}

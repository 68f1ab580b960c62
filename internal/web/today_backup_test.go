package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
)

// With scheduled backups on, an admin's Today says when the last good
// backup was, and raises it as urgent when the last attempt failed or
// none succeeded for twice the interval; with backups off it says so,
// and how to turn them on, without alarm; other roles are not told.
func TestTodayShowsBackups(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.BackupEvery = 6 * time.Hour })
	ctx := context.Background()
	_, admin := e.staffCookie(journey.RoleAdmin)
	_, therapist := e.staffCookie(journey.RoleTherapist)
	section := func() string {
		t.Helper()
		st, _, body := e.as(admin, "GET", "/staff", nil)
		if st != 200 {
			t.Fatalf("Today: %d", st)
		}
		i := strings.Index(body, `aria-labelledby="backup-title"`)
		if i < 0 {
			return ""
		}
		return body[i : i+strings.Index(body[i:], "</section>")]
	}
	if s := section(); !strings.Contains(s, "No backup has been written yet") || !strings.Contains(s, `role="alert"`) {
		t.Errorf("no backup yet:\n%s", s)
	}
	now := *e.now
	record := func(ago time.Duration, err string) {
		t.Helper()
		at := now.Add(-ago)
		if rerr := e.db.RecordBackup(ctx, &journey.BackupRun{Started: at.Add(-time.Minute), Finished: at, File: "journey-x.tar", Err: err}); rerr != nil {
			t.Fatal(rerr)
		}
	}
	record(time.Hour, "")
	if s := section(); !strings.Contains(s, "Last good backup") || strings.Contains(s, `role="alert"`) || strings.Contains(s, "failed") {
		t.Errorf("a good backup an hour ago:\n%s", s)
	}
	record(30*time.Minute, "backup: open /backups: permission denied <b>")
	record(20*time.Minute, "backup: open /backups: permission denied <b>")
	s := section()
	if !strings.Contains(s, "The last backup failed") || !strings.Contains(s, "permission denied &lt;b&gt;") || !strings.Contains(s, "2 failed in a row") ||
		!strings.Contains(s, `role="alert"`) {
		t.Errorf("two failures after a good backup:\n%s", s)
	}
	record(0, "")
	if s := section(); strings.Contains(s, `role="alert"`) {
		t.Errorf("a good backup just now:\n%s", s)
	}
	if _, _, body := e.as(therapist, "GET", "/staff", nil); strings.Contains(body, "backup-title") {
		t.Error("a therapist's Today shows the backups")
	}

	off := newEnv(t)
	_, offAdmin := off.staffCookie(journey.RoleAdmin)
	_, _, offBody := off.as(offAdmin, "GET", "/staff", nil)
	i := strings.Index(offBody, `aria-labelledby="backup-title"`)
	if i < 0 || !strings.Contains(offBody[i:], "Scheduled backups are off") || !strings.Contains(offBody[i:], "--backup-dir") ||
		strings.Contains(offBody[i:i+strings.Index(offBody[i:], "</section>")], `role="alert"`) {
		t.Error("an admin's Today does not say, quietly, that scheduled backups are off")
	}
	_, offTherapist := off.staffCookie(journey.RoleTherapist)
	if _, _, body := off.as(offTherapist, "GET", "/staff", nil); strings.Contains(body, "backup-title") {
		t.Error("a therapist's Today shows the backups while they are off")
	}
}

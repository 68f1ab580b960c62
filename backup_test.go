package journey

import (
	"testing"
	"time"
)

// A missed backup: the last good one is older than twice the interval.
func TestBackupStatusOverdue(t *testing.T) {
	now := time.Now()
	for _, tc := range []struct {
		st   BackupStatus
		want bool
	}{
		{BackupStatus{}, true},
		{BackupStatus{LastOK: now.Add(-11 * time.Hour), Last: &BackupRun{}}, false},
		{BackupStatus{LastOK: now.Add(-13 * time.Hour), Last: &BackupRun{}}, true},
		{BackupStatus{LastOK: now.Add(-time.Hour), Last: &BackupRun{Err: "x"}}, true},
	} {
		if got := tc.st.Overdue(now, 6*time.Hour); got != tc.want {
			t.Errorf("%+v: overdue %v, want %v", tc.st, got, tc.want)
		}
	}
}

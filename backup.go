package journey

import (
	"context"
	"time"
)

// BackupRun is one attempt at a backup, by the scheduler or by
// `journey backup`.
type BackupRun struct {
	Started  time.Time
	Finished time.Time
	File     string // the file's name (not its folder)
	Size     int64
	Err      string // "" when the backup was written and verified
}

// BackupStatus sums up the backups recorded.
type BackupStatus struct {
	LastOK   time.Time  // when the newest good backup finished; zero when there is none
	Last     *BackupRun // the newest attempt; nil when there is none
	Failures int        // attempts that failed since the newest good one
}

// Overdue reports whether backups taken every every need attention at
// now: the newest attempt failed, or there has been no good backup for
// twice the interval (a missed run, or none yet).
func (s BackupStatus) Overdue(now time.Time, every time.Duration) bool {
	if s.Last != nil && s.Last.Err != "" {
		return true
	}
	return s.LastOK.IsZero() || now.Sub(s.LastOK) > 2*every
}

// BackupService records backups and sums them up.
type BackupService interface {
	// RecordBackup stores one attempt.
	RecordBackup(ctx context.Context, r *BackupRun) error
	// BackupStatus sums up the attempts stored.
	BackupStatus(ctx context.Context) (BackupStatus, error)
}

package sqldb

import (
	"context"
	"time"

	"github.com/journey-kap/journey"
)

var _ journey.BackupService = (*DB)(nil)

// RecordBackup stores one backup attempt.
func (db *DB) RecordBackup(ctx context.Context, r *journey.BackupRun) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.exec(ctx, `INSERT INTO backups (started_at, finished_at, file, size, error) VALUES (?, ?, ?, ?, ?)`,
			r.Started.Unix(), r.Finished.Unix(), r.File, r.Size, r.Err)
		return err
	})
}

// BackupStatus sums up the backups stored: the newest good one, the
// newest attempt, and how many failed since the good one.
func (db *DB) BackupStatus(ctx context.Context) (journey.BackupStatus, error) {
	var s journey.BackupStatus
	var lastOK, okID int64
	if err := db.queryRow(ctx, `SELECT COALESCE(MAX(finished_at), 0), COALESCE(MAX(id), 0) FROM backups WHERE error = ''`).Scan(&lastOK, &okID); err != nil {
		return s, err
	}
	if lastOK > 0 {
		s.LastOK = time.Unix(lastOK, 0)
	}
	if err := db.queryRow(ctx, `SELECT COUNT(*) FROM backups WHERE id > ? AND error <> ''`, okID).Scan(&s.Failures); err != nil {
		return s, err
	}
	var r journey.BackupRun
	var started, finished int64
	err := db.queryRow(ctx, `SELECT started_at, finished_at, file, size, error FROM backups ORDER BY id DESC LIMIT 1`).
		Scan(&started, &finished, &r.File, &r.Size, &r.Err)
	if journey.ErrorCode(notFound(err, "")) == journey.ENOTFOUND {
		return s, nil
	}
	if err != nil {
		return s, err
	}
	r.Started, r.Finished = time.Unix(started, 0), time.Unix(finished, 0)
	s.Last = &r
	return s, nil
}

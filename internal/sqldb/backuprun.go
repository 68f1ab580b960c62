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

// BackupStatus sums up the backups stored: the newest attempt, the newest
// good one, and how many failed since. The counts are taken up to the
// newest attempt read first, so an attempt recorded meanwhile never makes
// them disagree.
func (db *DB) BackupStatus(ctx context.Context) (journey.BackupStatus, error) {
	var s journey.BackupStatus
	var r journey.BackupRun
	var id, started, finished int64
	err := db.queryRow(ctx, `SELECT id, started_at, finished_at, file, size, error FROM backups ORDER BY id DESC LIMIT 1`).
		Scan(&id, &started, &finished, &r.File, &r.Size, &r.Err)
	if journey.ErrorCode(notFound(err, "")) == journey.ENOTFOUND {
		return s, nil
	}
	if err != nil {
		return s, err
	}
	r.Started, r.Finished = time.Unix(started, 0), time.Unix(finished, 0)
	s.Last = &r
	var lastOK, okID int64
	if err := db.queryRow(ctx, `SELECT COALESCE(MAX(finished_at), 0), COALESCE(MAX(id), 0) FROM backups WHERE error = '' AND id <= ?`, id).
		Scan(&lastOK, &okID); err != nil {
		return s, err
	}
	if lastOK > 0 {
		s.LastOK = time.Unix(lastOK, 0)
	}
	err = db.queryRow(ctx, `SELECT COUNT(*) FROM backups WHERE id > ? AND id <= ? AND error <> ''`, okID, id).Scan(&s.Failures)
	return s, err
}

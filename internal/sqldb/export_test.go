package sqldb

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/journey-kap/journey/internal/crypt"
)

// OpenAtVersion opens dsn with the migrations up to version applied, its
// data keys loaded and no data step run: a database as an older release
// left it, for upgrade tests.
func OpenAtVersion(ctx context.Context, dsn string, version int, mk *crypt.MasterKeys) (*DB, error) {
	db := &DB{Now: time.Now, Log: slog.New(slog.DiscardHandler)}
	var err error
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		err = db.openPostgres(dsn)
	} else {
		err = db.openSQLite(dsn)
	}
	if err == nil {
		err = db.migrate(ctx, version)
	}
	if err == nil {
		err = db.loadKeys(ctx, mk)
	}
	if err != nil {
		if db.Write != nil {
			db.Close()
		}
		return nil, err
	}
	return db, nil
}

// SealSomeClinicalFacts runs one batch of the clients and one of the
// alerts of the data step after migration 7, and nothing else: what a
// process that stopped half-way through the step leaves.
func (db *DB) SealSomeClinicalFacts(ctx context.Context) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		if _, err := tx.sealClientsBatch(ctx); err != nil {
			return err
		}
		_, err := tx.sealAlertsBatch(ctx)
		return err
	})
}

// PadList is the width what is missing is padded to.
const PadList = padList

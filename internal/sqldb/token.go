package sqldb

import (
	"context"
	"time"

	"github.com/journey-kap/journey"
)

// CreateAPIToken stores a personal access token's hash for userID, valid
// until expires, and returns its id. The token itself is never stored.
func (db *DB) CreateAPIToken(ctx context.Context, userID int64, name, hash string, expires time.Time) (int64, error) {
	var id int64
	name = journey.Line(name)
	err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
		var err error
		id, err = tx.insert(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			userID, name, hash, unix(tx.now), unix(expires))
		return err
	})
	return id, err
}

// FindAPIToken returns the token id and user of a live token by its hash:
// not revoked, not expired, its user active. ENOTFOUND otherwise.
func (db *DB) FindAPIToken(ctx context.Context, hash string) (tokenID, userID int64, err error) {
	var lastUsed int64
	err = db.queryRow(ctx, `SELECT t.id, t.user_id, t.last_used_at FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = ? AND t.revoked_at = 0 AND t.expires_at > ? AND u.active`, hash, unix(db.Now())).Scan(&tokenID, &userID, &lastUsed)
	if err != nil {
		return 0, 0, notFound(err, "Token")
	}
	if db.Now().Sub(fromUnix(lastUsed)) >= touchEvery {
		err = db.write(ctx, func(ctx context.Context, tx *Tx) error {
			_, err := tx.exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, unix(tx.now), tokenID)
			return err
		})
	}
	return tokenID, userID, err
}

// FindAPITokens returns a user's tokens, newest first.
func (db *DB) FindAPITokens(ctx context.Context, userID int64) ([]journey.APIToken, error) {
	rows, err := db.query(ctx, `SELECT id, name, created_at, expires_at, last_used_at, revoked_at FROM api_tokens
		WHERE user_id = ? ORDER BY id DESC LIMIT 200`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []journey.APIToken
	for rows.Next() {
		var t journey.APIToken
		var created, expires, used, revoked int64
		if err := rows.Scan(&t.ID, &t.Name, &created, &expires, &used, &revoked); err != nil {
			return nil, err
		}
		t.CreatedAt, t.ExpiresAt, t.LastUsed, t.Revoked = fromUnix(created), fromUnix(expires), fromUnix(used), revoked != 0
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeAPIToken revokes one of userID's tokens; ENOTFOUND if it is not theirs.
func (db *DB) RevokeAPIToken(ctx context.Context, userID, tokenID int64) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at = 0`, unix(tx.now), tokenID, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return journey.Errorf(journey.ENOTFOUND, "Token not found.")
		}
		return nil
	})
}

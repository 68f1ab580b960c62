package sqldb

import (
	"context"

	"github.com/journey-kap/journey"
)

// DeactivateUser turns an account off and, in the same transaction, ends
// every session and revokes every API token it has: a person who leaves
// the practice loses access at once, not at their next time-out.
func (db *DB) DeactivateUser(ctx context.Context, userID int64) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE users SET active = ? WHERE id = ?`, false, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return journey.Errorf(journey.ENOTFOUND, "User not found.")
		}
		if _, err := tx.exec(ctx, `UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at = 0`, unix(tx.now), userID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at = 0`, unix(tx.now), userID); err != nil {
			return err
		}
		return tx.bumpContent(ctx) // a deactivated therapist leaves the public site
	})
}

// EndUserSession ends one of userID's sessions; ENOTFOUND if it is not theirs.
func (db *DB) EndUserSession(ctx context.Context, userID, sessionID int64) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE sessions SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at = 0`, unix(tx.now), sessionID, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return journey.Errorf(journey.ENOTFOUND, "Session not found.")
		}
		return nil
	})
}

// SetRoles replaces a staff member's roles and ends their sessions, so
// their next session starts, under a new id, with the new privileges.
func (db *DB) SetRoles(ctx context.Context, userID int64, roles []string) error {
	u, err := db.FindUserByID(ctx, userID)
	if err != nil {
		return err
	}
	u.Roles = roles
	if err := u.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		if _, err := tx.exec(ctx, `DELETE FROM user_roles WHERE user_id = ?`, userID); err != nil {
			return err
		}
		for _, r := range roles {
			if _, err := tx.exec(ctx, `INSERT INTO user_roles (user_id, role) VALUES (?, ?)`, userID, r); err != nil {
				return err
			}
		}
		_, err := tx.exec(ctx, `UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at = 0`, unix(tx.now), userID)
		return err
	})
}

package sqldb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"strings"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/auth"
)

const (
	aadInviteEmail = "invitations.email"
	aadInviteName  = "invitations.name"
)

func (db *DB) accountMail() (journey.AccountMailComposer, error) {
	m, ok := db.Mail.(journey.AccountMailComposer)
	if !ok {
		return nil, journey.Errorf(journey.EINTERNAL, "No mail composer for account emails.")
	}
	return m, nil
}

func hashLinkToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CreateInvitation stores an invitation and queues its email, with token
// in the link, in one transaction. ECONFLICT when the email has an account.
func (db *DB) CreateInvitation(ctx context.Context, inv *journey.Invitation, token string) error {
	inv.Email, inv.Name = strings.TrimSpace(inv.Email), strings.TrimSpace(inv.Name)
	if err := inv.Validate(); err != nil {
		return err
	}
	if _, err := db.FindUserByEmail(ctx, inv.Email); err == nil {
		return &journey.Error{Code: journey.ECONFLICT, Message: "Someone already has an account with that email address.",
			Fields: []journey.FieldError{{Field: "email", Detail: "This email address already has an account."}}}
	}
	composer, err := db.accountMail()
	if err != nil {
		return err
	}
	p := db.phi()
	email, name := p.seal(aadInviteEmail, inv.Email), p.seal(aadInviteName, inv.Name)
	if p.err != nil {
		return p.err
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		inv.CreatedAt, inv.ExpiresAt = tx.now, tx.now.Add(journey.InvitationTTL)
		var err error
		inv.ID, err = tx.insert(ctx, `INSERT INTO invitations (email, email_key, name, roles, token_hash, invited_by, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, email, db.emailKey(inv.Email), name, strings.Join(inv.Roles, ","), hashLinkToken(token),
			inv.InvitedBy, unix(tx.now), unix(inv.ExpiresAt))
		if err != nil {
			return err
		}
		pr, err := db.practice(ctx, tx)
		if err != nil {
			return err
		}
		m, err := composer.ComposeInvitation(inv, pr, token)
		if err != nil {
			return err
		}
		return tx.queueMessage(ctx, m, 0)
	})
}

// Errors of an invitation or reset link, each in words for the person.
var (
	errLinkUnknown = journey.Errorf(journey.ENOTFOUND, "This link is not valid. Check that you used the whole link from the email.")
	errLinkUsed    = journey.Errorf(journey.ECONFLICT, "This link was already used. Sign in, or ask for a new link.")
	errLinkExpired = journey.Errorf(journey.ECONFLICT, "This link has expired. Ask for a new one.")
)

// checkLink turns the read of a link's row (its error, used and expiry
// times) into the error for the person holding the link, nil when the
// link still works.
func (db *DB) checkLink(err error, used, expires int64) error {
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return errLinkUnknown
	case err != nil:
		return err
	case used != 0:
		return errLinkUsed
	case !db.Now().Before(fromUnix(expires)):
		return errLinkExpired
	}
	return nil
}

// FindInvitationByToken returns the open invitation a link carries.
func (db *DB) FindInvitationByToken(ctx context.Context, token string) (*journey.Invitation, error) {
	var inv journey.Invitation
	var roles string
	var created, expires, used int64
	err := db.queryRow(ctx, `SELECT id, email, name, roles, invited_by, created_at, expires_at, used_at FROM invitations WHERE token_hash = ?`,
		hashLinkToken(token)).Scan(&inv.ID, &inv.Email, &inv.Name, &roles, &inv.InvitedBy, &created, &expires, &used)
	if err != nil {
		if journey.ErrorCode(notFound(err, "")) == journey.ENOTFOUND {
			return nil, errLinkUnknown
		}
		return nil, err
	}
	switch {
	case used != 0:
		return nil, errLinkUsed
	case !db.Now().Before(fromUnix(expires)):
		return nil, errLinkExpired
	}
	p := db.phi()
	p.open(aadInviteEmail, &inv.Email)
	p.open(aadInviteName, &inv.Name)
	inv.Roles, inv.CreatedAt, inv.ExpiresAt = journey.ParseRoles(roles), fromUnix(created), fromUnix(expires)
	return &inv, p.err
}

// AcceptInvitation spends the invitation and creates the staff account
// with passwordHash, in one transaction.
func (db *DB) AcceptInvitation(ctx context.Context, token, passwordHash string) (*journey.User, error) {
	inv, err := db.FindInvitationByToken(ctx, token)
	if err != nil {
		return nil, err
	}
	u := &journey.User{Kind: journey.UserStaff, Name: inv.Name, Email: inv.Email, Roles: inv.Roles, Active: true}
	su, err := db.sealUser(u.Name, u.Email)
	if err != nil {
		return nil, err
	}
	err = db.write(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE invitations SET used_at = ? WHERE id = ? AND used_at = 0 AND expires_at > ?`, unix(tx.now), inv.ID, unix(tx.now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errLinkUsed
		}
		if u.ID, err = tx.insertUser(ctx, u.Kind, su, true); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO staff (id) VALUES (?)`, u.ID); err != nil {
			return err
		}
		u.CreatedAt, u.HasPassword = tx.now, true
		return tx.setRoles(ctx, u.ID, u.Roles, passwordHash)
	})
	return u, err
}

// RequestPasswordReset stores a request for a reset link to email and
// hands it to the job queue (ProcessResetRequest) in the same transaction:
// the same synchronous work whether or not the address has an account, so
// neither the answer nor its timing tells who has one, and no address
// stored (only its blind index). With no queue wired in, the request is
// worked before it returns.
func (db *DB) RequestPasswordReset(ctx context.Context, email string) error {
	key := db.emailKey(strings.TrimSpace(email))
	var id int64
	err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
		var err error
		if id, err = tx.insert(ctx, `INSERT INTO reset_requests (email_key, created_at) VALUES (?, ?)`, key, unix(tx.now)); err != nil {
			return err
		}
		if db.EnqueueResetRequest != nil {
			return db.EnqueueResetRequest(ctx, tx.Tx, id)
		}
		return nil
	})
	if err != nil || db.EnqueueResetRequest != nil {
		return err
	}
	return db.ProcessResetRequest(ctx, id)
}

// ProcessResetRequest works one stored reset request (the job queue calls
// it): when its address belongs to an active account, it voids that
// account's open links and emails a new one; either way the request is
// deleted, in the same transaction. A request worked already is nothing
// to do.
func (db *DB) ProcessResetRequest(ctx context.Context, id int64) error {
	var key string
	err := db.queryRow(ctx, `SELECT email_key FROM reset_requests WHERE id = ?`, id).Scan(&key)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	u, err := db.scanUser(ctx, db.queryRow(ctx, `SELECT `+userColumns+` FROM users u LEFT JOIN credentials c ON c.user_id = u.id WHERE u.email_key = ?`, key))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		u = nil
	case err != nil:
		return err
	case !u.Active:
		u = nil
	}
	composer, err := db.accountMail()
	if err != nil {
		return err
	}
	token, _, err := auth.NewToken(auth.PrefixPasswordReset)
	if err != nil {
		return err
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.exec(ctx, `DELETE FROM reset_requests WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 || u == nil {
			return nil // worked already, or no account: no mail
		}
		if err := tx.voidResetLinks(ctx, u.ID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO password_resets (user_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?)`,
			u.ID, hashLinkToken(token), unix(tx.now), unix(tx.now.Add(journey.PasswordResetTTL))); err != nil {
			return err
		}
		pr, err := db.practice(ctx, tx)
		if err != nil {
			return err
		}
		m, err := composer.ComposePasswordReset(u, pr, token)
		if err != nil {
			return err
		}
		return tx.queueMessage(ctx, m, 0)
	})
}

// voidResetLinks ends every open reset link of the user: a new link, or a
// password reset through any one of them, leaves no older link working.
// The links read as expired.
func (tx *Tx) voidResetLinks(ctx context.Context, userID int64) error {
	_, err := tx.exec(ctx, `UPDATE password_resets SET expires_at = ? WHERE user_id = ? AND used_at = 0 AND expires_at > ?`,
		unix(tx.now), userID, unix(tx.now))
	return err
}

// PasswordResetUser returns the user an open reset link is for.
func (db *DB) PasswordResetUser(ctx context.Context, token string) (*journey.User, error) {
	var userID, expires, used int64
	err := db.queryRow(ctx, `SELECT user_id, expires_at, used_at FROM password_resets WHERE token_hash = ?`, hashLinkToken(token)).
		Scan(&userID, &expires, &used)
	if err := db.checkLink(err, used, expires); err != nil {
		return nil, err
	}
	return db.FindUserByID(ctx, userID)
}

// ResetPassword spends the link, voids the user's other open links, sets
// the new hash and ends every session and API token of the user, in one
// transaction: whoever knew the old password keeps no way in.
func (db *DB) ResetPassword(ctx context.Context, token, passwordHash string) (*journey.User, error) {
	u, err := db.PasswordResetUser(ctx, token)
	if err != nil {
		return nil, err
	}
	err = db.write(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE password_resets SET used_at = ? WHERE token_hash = ? AND used_at = 0`, unix(tx.now), hashLinkToken(token))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errLinkUsed
		}
		if err := tx.voidResetLinks(ctx, u.ID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE credentials SET password_hash = ?, updated_at = ? WHERE user_id = ?`, passwordHash, unix(tx.now), u.ID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at = 0`, unix(tx.now), u.ID); err != nil {
			return err
		}
		_, err = tx.exec(ctx, `UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at = 0`, unix(tx.now), u.ID)
		return err
	})
	return u, err
}

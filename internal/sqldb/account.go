package sqldb

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/journey-kap/journey"
)

var _ journey.AccountService = (*DB)(nil)

const userColumns = `u.id, u.kind, u.name, u.email, u.active, u.created_at,
	COALESCE(c.password_hash, '') <> '', COALESCE(c.totp_enrolled_at, 0) > 0`

func (db *DB) scanUser(ctx context.Context, row scanner) (*journey.User, error) {
	var u journey.User
	var created int64
	if err := row.Scan(&u.ID, &u.Kind, &u.Name, &u.Email, &u.Active, &created, &u.HasPassword, &u.TOTPEnrolled); err != nil {
		return nil, err
	}
	p := db.phi()
	p.open(aadUserName, &u.Name)
	p.open(aadUserEmail, &u.Email)
	if p.err != nil {
		return nil, fmt.Errorf("user %d: %w", u.ID, p.err)
	}
	u.CreatedAt = fromUnix(created)
	rows, err := db.query(ctx, `SELECT role FROM user_roles WHERE user_id = ? ORDER BY role`, u.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return nil, err
		}
		u.Roles = append(u.Roles, r)
	}
	return &u, rows.Err()
}

// CreateUser adds a user with roles and an optional password hash.
func (db *DB) CreateUser(ctx context.Context, u *journey.User, passwordHash string) error {
	u.Email = strings.TrimSpace(u.Email)
	u.Name = strings.TrimSpace(u.Name)
	if err := u.Validate(); err != nil {
		return err
	}
	row, err := db.sealUser(u.Name, u.Email)
	if err != nil {
		return err
	}
	err = db.write(ctx, func(ctx context.Context, tx *Tx) error {
		var err error
		if u.ID, err = tx.insertUser(ctx, u.Kind, row, u.Active); err != nil {
			return err
		}
		u.CreatedAt = tx.now
		if u.Kind == journey.UserStaff {
			if _, err := tx.exec(ctx, `INSERT INTO staff (id) VALUES (?)`, u.ID); err != nil {
				return err
			}
		}
		return tx.setRoles(ctx, u.ID, u.Roles, passwordHash)
	})
	if journey.ErrorCode(err) == journey.ECONFLICT {
		return &journey.Error{Code: journey.ECONFLICT, Message: "Someone already has an account with that email address.",
			Fields: []journey.FieldError{{Field: "email", Detail: "This email address already has an account."}}, Err: err}
	}
	u.HasPassword = passwordHash != ""
	return err
}

// sealedUser is a user's name and email as stored: encrypted, with the
// blind indexes that find them.
type sealedUser struct {
	name, email, emailKey string
	nameTokens            []string
}

// sealUser encrypts a user's name and email before the write transaction.
func (db *DB) sealUser(name, email string) (sealedUser, error) {
	p := db.phi()
	su := sealedUser{name: p.seal(aadUserName, name), email: p.seal(aadUserEmail, email),
		emailKey: db.emailKey(email), nameTokens: db.Keys.NameIndex(name)}
	return su, p.err
}

// insertUser adds the users row and its name index, returning the id.
func (tx *Tx) insertUser(ctx context.Context, kind string, su sealedUser, active bool) (int64, error) {
	id, err := tx.insert(ctx, `INSERT INTO users (kind, name, email, email_key, active, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		kind, su.name, su.email, su.emailKey, active, unix(tx.now))
	if err != nil {
		return 0, err
	}
	return id, tx.indexName(ctx, ownerUser, id, su.nameTokens)
}

func (tx *Tx) setRoles(ctx context.Context, userID int64, roles []string, passwordHash string) error {
	for _, r := range roles {
		if _, err := tx.exec(ctx, `INSERT INTO user_roles (user_id, role) VALUES (?, ?)`, userID, r); err != nil {
			return err
		}
	}
	_, err := tx.exec(ctx, `INSERT INTO credentials (user_id, password_hash, updated_at) VALUES (?, ?, ?)`, userID, passwordHash, unix(tx.now))
	return err
}

// FindUserByID returns ENOTFOUND when there is no such user.
func (db *DB) FindUserByID(ctx context.Context, id int64) (*journey.User, error) {
	u, err := db.scanUser(ctx, db.queryRow(ctx, `SELECT `+userColumns+` FROM users u LEFT JOIN credentials c ON c.user_id = u.id WHERE u.id = ?`, id))
	return u, notFound(err, "User")
}

// FindUserByEmail returns ENOTFOUND when no user has that email.
func (db *DB) FindUserByEmail(ctx context.Context, email string) (*journey.User, error) {
	u, err := db.scanUser(ctx, db.queryRow(ctx, `SELECT `+userColumns+` FROM users u LEFT JOIN credentials c ON c.user_id = u.id WHERE u.email_key = ?`,
		db.emailKey(email)))
	return u, notFound(err, "User")
}

// FindUsers returns users of a kind ("" for all), by name, at most 1000
// (the first 1000 by id: names are encrypted, so they are sorted here, not
// by the database).
func (db *DB) FindUsers(ctx context.Context, kind string) ([]*journey.User, error) {
	return db.findUsers(ctx, `SELECT `+userColumns+` FROM users u LEFT JOIN credentials c ON c.user_id = u.id
		WHERE u.kind = ? OR ? = '' ORDER BY u.id LIMIT 1000`, kind, kind)
}

// FindUsersByName returns the users, by name, at most 100, whose name has
// every word of query as a word or the start of one ("ada lov" finds "Ada
// Lovelace"; words under crypt.MinPrefix letters must match whole words).
// The search goes through name_index's blind indexes: names are never
// decrypted to be compared. A query with no letters finds no one.
func (db *DB) FindUsersByName(ctx context.Context, query string) ([]*journey.User, error) {
	tokens := db.Keys.NameQuery(query)
	if len(tokens) == 0 {
		return nil, nil
	}
	// The query's tokens drive the join, one primary-key lookup each. CROSS
	// JOIN tells SQLite not to reorder it: left to itself, the planner
	// walked every user's tokens and probed the query's list for each.
	return db.findUsers(ctx, `WITH m AS (
			SELECT n.owner_id FROM `+db.jsonValues()+` CROSS JOIN name_index n WHERE n.owner_type = ? AND n.token = value
			GROUP BY n.owner_id HAVING COUNT(DISTINCT n.token) = ?)
		SELECT `+userColumns+` FROM m JOIN users u ON u.id = m.owner_id LEFT JOIN credentials c ON c.user_id = u.id
		ORDER BY u.id LIMIT 100`, jsonList(tokens), ownerUser, len(tokens))
}

// findUsers runs a query of userColumns and returns its users, by name.
func (db *DB) findUsers(ctx context.Context, query string, args ...any) ([]*journey.User, error) {
	rows, err := db.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	var raw []scannedRow
	for rows.Next() {
		var r scannedRow
		if err := rows.Scan(&r.id, &r.kind, &r.name, &r.email, &r.active, &r.created, &r.hasPW, &r.totp); err != nil {
			rows.Close()
			return nil, err
		}
		raw = append(raw, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]*journey.User, 0, len(raw))
	for _, r := range raw {
		u, err := db.scanUser(ctx, r)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	sortByName(out, func(u *journey.User) (string, int64) { return u.Name, u.ID })
	return out, nil
}

// sortByName sorts people by name, ignoring case, then by id: what ORDER BY
// name did before names were encrypted.
func sortByName[T any](s []T, key func(T) (string, int64)) {
	slices.SortStableFunc(s, func(a, b T) int {
		an, ai := key(a)
		bn, bi := key(b)
		if c := strings.Compare(strings.ToLower(an), strings.ToLower(bn)); c != 0 {
			return c
		}
		if c := strings.Compare(an, bn); c != 0 {
			return c
		}
		return cmp.Compare(ai, bi)
	})
}

// scannedRow replays a scanned user row, so roles are read after the rows close.
type scannedRow struct {
	id          int64
	kind, name  string
	email       string
	active      bool
	created     int64
	hasPW, totp bool
}

func (r scannedRow) Scan(dest ...any) error {
	*dest[0].(*int64), *dest[1].(*string), *dest[2].(*string), *dest[3].(*string) = r.id, r.kind, r.name, r.email
	*dest[4].(*bool), *dest[5].(*int64), *dest[6].(*bool), *dest[7].(*bool) = r.active, r.created, r.hasPW, r.totp
	return nil
}

// PasswordHash returns the stored hash, "" when the user has none.
func (db *DB) PasswordHash(ctx context.Context, userID int64) (string, error) {
	var h string
	err := db.queryRow(ctx, `SELECT password_hash FROM credentials WHERE user_id = ?`, userID).Scan(&h)
	return h, notFound(err, "User")
}

// SetPassword replaces the hash and ends every session but keepSession.
func (db *DB) SetPassword(ctx context.Context, userID int64, hash string, keepSession int64) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		if _, err := tx.exec(ctx, `UPDATE credentials SET password_hash = ?, updated_at = ? WHERE user_id = ?`, hash, unix(tx.now), userID); err != nil {
			return err
		}
		_, err := tx.exec(ctx, `UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND id <> ? AND revoked_at = 0`, unix(tx.now), userID, keepSession)
		return err
	})
}

// sessionToken returns a fresh session token and its hash.
func sessionToken() (string, string) {
	b := make([]byte, 32)
	rand.Read(b)
	t := base64.RawURLEncoding.EncodeToString(b)
	sum := sha256.Sum256([]byte(t))
	return t, hex.EncodeToString(sum[:])
}

const sessionColumns = `id, user_id, created_at, last_seen_at, expires_at, idle_seconds, second_factor_at, client_addr, user_agent`

func scanSession(row scanner) (*journey.Session, error) {
	var s journey.Session
	var created, seen, expires, idle, second int64
	if err := row.Scan(&s.ID, &s.UserID, &created, &seen, &expires, &idle, &second, &s.ClientAddr, &s.UserAgent); err != nil {
		return nil, err
	}
	s.CreatedAt, s.LastSeenAt, s.ExpiresAt, s.SecondFactorAt = fromUnix(created), fromUnix(seen), fromUnix(expires), fromUnix(second)
	s.Idle = time.Duration(idle) * time.Second
	return &s, nil
}

// CreateSession starts a session; s.Idle and s.ExpiresAt must be set.
func (db *DB) CreateSession(ctx context.Context, s *journey.Session) error {
	token, hash := sessionToken()
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		s.CreatedAt, s.LastSeenAt = tx.now, tx.now
		if s.ExpiresAt.IsZero() {
			s.ExpiresAt = tx.now.Add(journey.SessionLifetime)
		}
		var second int64
		if !s.SecondFactorAt.IsZero() {
			second = unix(s.SecondFactorAt)
		}
		var err error
		s.ID, err = tx.insert(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, idle_seconds, second_factor_at, client_addr, user_agent)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, hash, s.UserID, unix(tx.now), unix(tx.now), unix(s.ExpiresAt), int64(s.Idle/time.Second),
			second, s.ClientAddr, truncate(s.UserAgent, 200))
		s.Token = token
		return err
	})
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// touchEvery bounds how often a session's last-seen time is written: a
// write per request would cost more than the request.
const touchEvery = time.Minute

// FindSession returns the live session for token. An ended session is
// EUNAUTHORIZED and revoked; an unknown one ENOTFOUND.
func (db *DB) FindSession(ctx context.Context, token string) (*journey.Session, error) {
	sum := sha256.Sum256([]byte(token))
	s, err := scanSession(db.queryRow(ctx, `SELECT `+sessionColumns+` FROM sessions s
		WHERE token_hash = ? AND revoked_at = 0 AND EXISTS (SELECT 1 FROM users u WHERE u.id = s.user_id AND u.active)`, hex.EncodeToString(sum[:])))
	if err != nil {
		return nil, notFound(err, "Session")
	}
	now := db.Now()
	if s.Ended(now) {
		_ = db.EndSession(ctx, s.ID)
		return nil, journey.Errorf(journey.EUNAUTHORIZED, "Your session has ended. Please sign in again.")
	}
	if now.Sub(s.LastSeenAt) >= touchEvery {
		err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
			_, err := tx.exec(ctx, `UPDATE sessions SET last_seen_at = ? WHERE id = ?`, unix(tx.now), s.ID)
			return err
		})
		if err != nil {
			return nil, err
		}
		s.LastSeenAt = now
	}
	return s, nil
}

// CompleteSession records the second factor and gives the session a new
// token: a privilege change must never keep an id an attacker could know.
func (db *DB) CompleteSession(ctx context.Context, sessionID int64) (string, error) {
	token, hash := sessionToken()
	err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE sessions SET token_hash = ?, second_factor_at = ?, last_seen_at = ? WHERE id = ? AND revoked_at = 0`,
			hash, unix(tx.now), unix(tx.now), sessionID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return journey.Errorf(journey.EUNAUTHORIZED, "Your session has ended. Please sign in again.")
		}
		return nil
	})
	return token, err
}

// EndSession revokes one session.
func (db *DB) EndSession(ctx context.Context, sessionID int64) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.exec(ctx, `UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at = 0`, unix(tx.now), sessionID)
		return err
	})
}

// FindUserSessions returns the user's live sessions, newest first.
func (db *DB) FindUserSessions(ctx context.Context, userID int64) ([]*journey.Session, error) {
	rows, err := db.query(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE user_id = ? AND revoked_at = 0 AND expires_at > ?
		ORDER BY last_seen_at DESC LIMIT 100`, userID, unix(db.Now()))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*journey.Session
	now := db.Now()
	for rows.Next() {
		s, err := scanSession(rows)
		if err != nil {
			return nil, err
		}
		if !s.Ended(now) {
			out = append(out, s)
		}
	}
	return out, rows.Err()
}

// TOTPState returns the user's TOTP secret (pending or enrolled), whether
// it is enrolled, and the last accepted time step.
func (db *DB) TOTPState(ctx context.Context, userID int64) (secret string, enrolled bool, lastStep int64, err error) {
	var at int64
	err = db.queryRow(ctx, `SELECT totp_secret, totp_enrolled_at, totp_last_step FROM credentials WHERE user_id = ?`, userID).Scan(&secret, &at, &lastStep)
	return secret, at > 0, lastStep, notFound(err, "User")
}

// SetPendingTOTP stores a secret being enrolled; it does not count until confirmed.
func (db *DB) SetPendingTOTP(ctx context.Context, userID int64, secret string) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.exec(ctx, `UPDATE credentials SET totp_secret = ?, totp_enrolled_at = 0, totp_last_step = 0, updated_at = ? WHERE user_id = ?`,
			secret, unix(tx.now), userID)
		return err
	})
}

// ConfirmTOTP marks the pending secret enrolled, records the step used and
// replaces the recovery codes.
func (db *DB) ConfirmTOTP(ctx context.Context, userID, step int64, recoveryHashes []string) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		if _, err := tx.exec(ctx, `UPDATE credentials SET totp_enrolled_at = ?, totp_last_step = ?, updated_at = ? WHERE user_id = ?`,
			unix(tx.now), step, unix(tx.now), userID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM recovery_codes WHERE user_id = ?`, userID); err != nil {
			return err
		}
		for _, h := range recoveryHashes {
			if _, err := tx.exec(ctx, `INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)`, userID, h); err != nil {
				return err
			}
		}
		return nil
	})
}

// UseTOTPStep records step as used if it is newer than the last one; false
// when another request used it (or a later one) first.
func (db *DB) UseTOTPStep(ctx context.Context, userID, step int64) (bool, error) {
	return db.claim(ctx, `UPDATE credentials SET totp_last_step = ? WHERE user_id = ? AND totp_last_step < ?`, step, userID, step)
}

// claim runs an UPDATE whose WHERE clause makes it succeed once, and
// reports whether this call was the one: a TOTP step or a recovery code
// used by two requests at once counts for only one of them.
func (db *DB) claim(ctx context.Context, query string, args ...any) (bool, error) {
	var ok bool
	err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.exec(ctx, query, args...)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		ok = n == 1
		return nil
	})
	return ok, err
}

// UnusedRecoveryCodes returns the hashes of the user's unused recovery codes.
func (db *DB) UnusedRecoveryCodes(ctx context.Context, userID int64) ([]string, error) {
	rows, err := db.query(ctx, `SELECT code_hash FROM recovery_codes WHERE user_id = ? AND used_at = 0 ORDER BY id`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// UseRecoveryCode marks a code used; false if it was used already.
func (db *DB) UseRecoveryCode(ctx context.Context, userID int64, hash string) (bool, error) {
	return db.claim(ctx, `UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at = 0`, unix(db.Now()), userID, hash)
}

// failureWindow is how long a failed sign-in counts: an hour after the
// last failure, the count starts again.
const failureWindow = time.Hour

// SigninFailures returns the failure count and time of the last failure
// for a throttling key, 0 once the window has passed.
func (db *DB) SigninFailures(ctx context.Context, key string) (int, time.Time, error) {
	var n int
	var last int64
	err := db.queryRow(ctx, `SELECT failures, last_failure_at FROM signin_failures WHERE key = ?`, db.signinKey(key)).Scan(&n, &last)
	if journey.ErrorCode(notFound(err, "")) == journey.ENOTFOUND || (err == nil && db.Now().Sub(fromUnix(last)) > failureWindow) {
		return 0, time.Time{}, nil
	}
	return n, fromUnix(last), err
}

// RecordSigninFailure counts a failure against each key.
func (db *DB) RecordSigninFailure(ctx context.Context, keys ...string) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		for _, k := range keys {
			if _, err := tx.exec(ctx, `INSERT INTO signin_failures (key, failures, last_failure_at) VALUES (?, 1, ?)
				ON CONFLICT (key) DO UPDATE SET last_failure_at = excluded.last_failure_at,
					failures = CASE WHEN signin_failures.last_failure_at < ? THEN 1 ELSE signin_failures.failures + 1 END`,
				db.signinKey(k), unix(tx.now), unix(tx.now.Add(-failureWindow))); err != nil {
				return err
			}
		}
		return nil
	})
}

// signinKey is the blind index stored for a throttling key: the callers'
// keys name accounts by email ("account:<email>"), which must not be
// stored readable.
func (db *DB) signinKey(key string) string { return db.Keys.Index(signinPurpose, key) }

// ClearSigninFailures forgets the failures of a key after a success.
func (db *DB) ClearSigninFailures(ctx context.Context, key string) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.exec(ctx, `DELETE FROM signin_failures WHERE key = ?`, db.signinKey(key))
		return err
	})
}

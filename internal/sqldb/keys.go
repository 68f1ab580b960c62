package sqldb

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/crypt"
)

// PHI is stored encrypted (see internal/crypt): every PHI column holds
// Keyring.EncryptString of its value, with the column as "table.column" for
// associated data, so a ciphertext moved to another column does not
// decrypt. The data keys sit wrapped in data_keys; the master keys that
// unwrap them come from a key file the caller loads and passes to Open.
//
// Master key rotation needs no downtime: a running process unwrapped its
// data keys once, at Open, and keeps them in memory, so rewrapping the rows
// of data_keys under a new master key (RotateMasterKey) changes nothing it
// uses. Data keys' bytes do not change either, so no ciphertext or blind
// index is rewritten. Only a process that starts afterwards needs the new
// master key in its key file.

// Columns holding PHI, each named as the aad its ciphertext is sealed with.
// invitation.go has its own (invitations.email and .name; migration 0003
// refuses a plain address there).
const (
	aadConsultName         = "consults.name"
	aadConsultEmail        = "consults.email"
	aadConsultPhone        = "consults.phone"
	aadConsultReason       = "consults.reason"
	aadConsultCancelReason = "consults.cancel_reason"
	aadSessionCancelReason = "care_sessions.cancel_reason"
	aadUserName            = "users.name"
	aadUserEmail           = "users.email"
	aadOutboxTo            = "outbox.to_addr"
	aadOutboxSubj          = "outbox.subject"
	aadOutboxText          = "outbox.text_body"
	aadOutboxHTML          = "outbox.html_body"
	aadOutboxICS           = "outbox.ics"
	aadOutboxError         = "outbox.last_error" // SMTP errors quote the recipient
)

// Blind index purposes (crypt.Keyring.Index) and name_index owner types.
const (
	emailPurpose  = "email"
	signinPurpose = "signin"
	ownerUser     = "user"
	ownerConsult  = "consult"
	ownerClient   = "client"
	// questionnairePurpose indexes (client, questionnaire) pairs:
	// responses.questionnaire_key.
	questionnairePurpose = "questionnaire"
)

// indexDataKey is the data key blind indexes are derived from: the first
// one, for the life of the database.
const indexDataKey = 1

// ErrNoMasterKeys is returned by Open when no master keys were given: the
// database would have no way to encrypt PHI, and storing it in the clear
// is never the fallback.
var ErrNoMasterKeys = errors.New("sqldb: no master keys: Open needs WithMasterKeys (the key file that wraps the data keys)")

// Option configures Open.
type Option func(*options)

type options struct {
	masterKeys *crypt.MasterKeys
	asItIs     bool
}

// AsItIs makes Open take an existing database as it is, for commands that
// read it (backup, verify) and must not change it: no migration is
// applied and no data key is created. Open then fails when there is no
// database, it is not Journey's, or its schema is newer than this binary's.
func AsItIs() Option {
	return func(o *options) { o.asItIs = true }
}

// WithMasterKeys gives Open the master keys that wrap the database's data
// keys. Open fails without them (ErrNoMasterKeys).
func WithMasterKeys(mk *crypt.MasterKeys) Option {
	return func(o *options) { o.masterKeys = mk }
}

// wrappedKey is one row of data_keys.
type wrappedKey struct {
	id      int64
	enc     string // as stored: base64
	wrapped []byte
}

// loadKeys fills db.Keys from data_keys, creating data key 1 in a new
// database. It runs under the migration lock, and the insert does nothing
// if another process got there first, so processes starting together on
// one PostgreSQL database end up with the same key.
func (db *DB) loadKeys(ctx context.Context, mk *crypt.MasterKeys) error {
	return db.WithMigrationLock(ctx, func() error {
		rows, err := scanDataKeys(wrapRows(db.Write.QueryContext(ctx, dataKeysQuery)))
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			if err := db.createFirstDataKey(ctx, mk); err != nil {
				return err
			}
			if rows, err = scanDataKeys(wrapRows(db.Write.QueryContext(ctx, dataKeysQuery))); err != nil {
				return err
			}
		}
		db.Keys, err = keyring(mk, rows)
		return err
	})
}

// keyring unwraps every data key of rows with mk; the newest is current.
func keyring(mk *crypt.MasterKeys, rows []wrappedKey) (*crypt.Keyring, error) {
	keys := map[uint32][]byte{}
	var current uint32
	for _, r := range rows {
		var err error
		if keys[uint32(r.id)], err = unwrapDataKey(mk, r); err != nil {
			return nil, err
		}
		current = max(current, uint32(r.id))
	}
	kr, err := crypt.NewKeyring(current, keys, indexDataKey)
	if err != nil {
		return nil, fmt.Errorf("sqldb: data keys: %w", err)
	}
	return kr, nil
}

const dataKeysQuery = `SELECT id, wrapped FROM data_keys ORDER BY id`

// scanDataKeys reads the rows of dataKeysQuery and closes them.
func scanDataKeys(rows *rowSet, err error) ([]wrappedKey, error) {
	if err != nil {
		return nil, fmt.Errorf("sqldb: read data keys: %w", err)
	}
	defer rows.Close()
	var out []wrappedKey
	for rows.Next() {
		var r wrappedKey
		if err := rows.Scan(&r.id, &r.enc); err != nil {
			return nil, err
		}
		if r.wrapped, err = base64.StdEncoding.DecodeString(r.enc); err != nil || r.id <= 0 || r.id > math.MaxUint32 {
			return nil, fmt.Errorf("sqldb: data key %d is malformed", r.id)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// createFirstDataKey inserts data key 1, wrapped under the current master
// key. The database must not hold PHI written before encryption existed:
// it could never be read.
func (db *DB) createFirstDataKey(ctx context.Context, mk *crypt.MasterKeys) error {
	var plain bool
	if err := db.Write.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM consults)
		OR EXISTS (SELECT 1 FROM outbox)`).Scan(&plain); err != nil {
		return fmt.Errorf("sqldb: check for plain rows: %w", err)
	}
	if plain {
		return errors.New("sqldb: the database holds users, consults or mail stored before encryption at rest, " +
			"and no data key: no release ever wrote such a database, so start from a new one")
	}
	key, err := crypt.NewDataKey()
	if err != nil {
		return err
	}
	wrapped, err := mk.Wrap(key)
	if err != nil {
		return err
	}
	_, err = db.Write.ExecContext(ctx, db.q(`INSERT INTO data_keys (id, wrapped, master_key_id, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (id) DO NOTHING`), indexDataKey, base64.StdEncoding.EncodeToString(wrapped), mk.Current(), db.Now().Unix())
	if err != nil {
		return fmt.Errorf("sqldb: create data key: %w", err)
	}
	db.Log.Info("data key created", "data_key", indexDataKey, "master_key", mk.Current())
	return nil
}

// unwrapDataKey unwraps one row, naming the master key when the key file
// lacks it: the error the operator must be able to act on.
func unwrapDataKey(mk *crypt.MasterKeys, r wrappedKey) ([]byte, error) {
	id, err := crypt.MasterKeyID(r.wrapped)
	if err != nil {
		return nil, fmt.Errorf("sqldb: data key %d: %w", r.id, err)
	}
	if !mk.Has(id) {
		return nil, fmt.Errorf("sqldb: data key %d is wrapped under master key %s, which is not in the master key file "+
			"(it holds %s): use a key file that has it: %w", r.id, id, strings.Join(mk.IDs(), ", "), crypt.ErrNoKey)
	}
	key, err := mk.Unwrap(r.wrapped)
	if err != nil {
		return nil, fmt.Errorf("sqldb: data key %d: %w", r.id, err)
	}
	return key, nil
}

// RotateMasterKey rewraps, in one write transaction, every data key not yet
// wrapped under mk's current master key, and returns how many it rewrapped.
// mk must still hold the master keys they are wrapped under now (the key
// file after crypt.AddMasterKey does). Data keys keep their bytes, so no
// field is re-encrypted and running processes, which hold the unwrapped
// data keys, go on as before; processes started afterwards need mk's
// current key. A row another rotation rewrapped meanwhile is left alone.
func (db *DB) RotateMasterKey(ctx context.Context, mk *crypt.MasterKeys) (int, error) {
	var n int
	err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
		n = 0
		rows, err := scanDataKeys(tx.query(ctx, dataKeysQuery))
		if err != nil {
			return err
		}
		for _, r := range rows {
			if id, _ := crypt.MasterKeyID(r.wrapped); id == mk.Current() {
				continue
			}
			key, err := unwrapDataKey(mk, r)
			if err != nil {
				return err
			}
			rewrapped, err := mk.Wrap(key)
			if err != nil {
				return fmt.Errorf("sqldb: rewrap data key %d: %w", r.id, err)
			}
			res, err := tx.exec(ctx, `UPDATE data_keys SET wrapped = ?, master_key_id = ? WHERE id = ? AND wrapped = ?`,
				base64.StdEncoding.EncodeToString(rewrapped), mk.Current(), r.id, r.enc)
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k == 1 {
				n++
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	db.Log.Info("master key rotated", "master_key", mk.Current(), "rewrapped", n)
	return n, nil
}

// phi seals and opens a row's PHI fields, keeping the first error so a
// row's fields read as a list: seal each, then check err once.
type phi struct {
	kr  *crypt.Keyring
	err error
}

func (db *DB) phi() *phi { return &phi{kr: db.Keys} }

// seal returns s encrypted for column aad ("" stays "").
func (p *phi) seal(aad, s string) string {
	if p.err != nil {
		return ""
	}
	out, err := p.kr.EncryptString(s, aad)
	if err != nil {
		p.err = fmt.Errorf("sqldb: encrypt %s: %w", aad, err)
	}
	return out
}

// open decrypts *s, read from column aad, in place. A failure (a tampered
// or misplaced ciphertext, a missing data key) is an internal error: the
// row is never returned half-decrypted.
func (p *phi) open(aad string, s *string) {
	if p.err != nil {
		return
	}
	out, err := p.kr.DecryptString(*s, aad)
	if err != nil {
		p.err = fmt.Errorf("sqldb: %w", err)
		return
	}
	*s = out
}

// emailKey returns the blind index stored beside an encrypted address:
// lookups by email compare it, never the address.
func (db *DB) emailKey(email string) string {
	return db.Keys.Index(emailPurpose, journey.NormalizeEmail(email))
}

// questionnaireKey returns the blind index stored beside a response of
// client to questionnaire code: equal for that client's responses to one
// questionnaire, so the latest of each is found by grouping, and unlike
// any other client's, so it does not name the questionnaire across the
// table.
func (db *DB) questionnaireKey(clientID int64, code string) string {
	return db.Keys.Index(questionnairePurpose, strconv.FormatInt(clientID, 10)+" "+code)
}

// jsonValues is a table with one row per string of a JSON array given as
// its one parameter, in a column named value: a list of any length in a
// query whose text, and so its prepared statement, stays the same.
func (db *DB) jsonValues() string {
	if db.Dialect == Postgres {
		return `jsonb_array_elements_text(CAST(CAST(? AS text) AS jsonb)) AS j(value)`
	}
	return `json_each(?)`
}

func jsonList(ss []string) string {
	b, _ := json.Marshal(ss) // []string cannot fail
	return string(b)
}

// insertNamed runs query, an INSERT of one owner whose name has the blind
// indexes tokens, stores the owner's name_index rows, and returns the new
// id (sql.ErrNoRows when query inserted nothing). On PostgreSQL both
// inserts are one statement, so one round trip.
func (tx *Tx) insertNamed(ctx context.Context, ownerType string, tokens []string, query string, args ...any) (int64, error) {
	if tx.db.Dialect != Postgres || len(tokens) == 0 {
		id, err := tx.insert(ctx, query, args...)
		if err != nil {
			return 0, err
		}
		return id, tx.indexName(ctx, ownerType, id, tokens)
	}
	var id int64
	err := tx.queryRow(ctx, `WITH o AS (`+query+` RETURNING id),
		n AS (INSERT INTO name_index (owner_type, owner_id, token) SELECT CAST(? AS TEXT), o.id, value FROM o CROSS JOIN `+tx.db.jsonValues()+`)
		SELECT id FROM o`, append(args, ownerType, jsonList(tokens))...).Scan(&id)
	return id, err
}

// indexName stores the name_index rows of a new owner: the blind indexes
// of its name's words and prefixes (crypt.Keyring.NameIndex). Whatever
// changes a stored name must delete the owner's rows first; a deleted
// owner's go with it (migration 0003's triggers).
func (tx *Tx) indexName(ctx context.Context, ownerType string, ownerID int64, tokens []string) error {
	const insert = `INSERT INTO name_index (owner_type, owner_id, token) `
	if len(tokens) == 0 {
		return nil // a name without letters ("123")
	}
	if tx.db.Dialect == Postgres {
		// One statement, one round trip, whatever the number of tokens.
		_, err := tx.exec(ctx, insert+`SELECT ?, CAST(? AS BIGINT), value FROM `+tx.db.jsonValues(), ownerType, ownerID, jsonList(tokens))
		return err
	}
	// SQLite is in process, but each statement still costs a trip through
	// database/sql and the driver, on the one writer every other write
	// waits for: one prepared insert of all the rows (its text, and so its
	// statement, is one per number of tokens) costs less than one per
	// token, or than parsing a list (INSERT … SELECT over json_each).
	args := make([]any, 0, 3*len(tokens))
	for _, t := range tokens {
		args = append(args, ownerType, ownerID, t)
	}
	_, err := tx.exec(ctx, insert+`VALUES (?, ?, ?)`+strings.Repeat(`, (?, ?, ?)`, len(tokens)-1), args...)
	return err
}

// Package crypt encrypts protected health information (PHI) at rest and
// computes blind indexes so encrypted fields can still be looked up.
//
// The package is pure: it touches the file system only for the master key
// file, never a database, keeps no globals and logs nothing. The SQL layer
// stores what this package produces (wrapped data keys, ciphertext, blind
// indexes) and hands it back.
//
// # Keys: two levels
//
// Master keys encrypt ("wrap") data keys; data keys encrypt fields. The split
// exists so that a database dump alone reveals nothing: the wrapped data keys
// sit in a table next to the ciphertext, but the master keys that unwrap them
// live in a key file outside the database (its path comes from the caller,
// e.g. JOURNEY_MASTER_KEY_FILE or <data>/master.key) and must be backed up
// separately. Rotating a master key rewraps a handful of data keys instead of
// re-encrypting every row.
//
// # Master key file
//
// A text file, one key per line:
//
//	<key-id> <standard base64 of 32 random bytes>
//
// Key ids are 8 lower-case hex characters chosen at random. The LAST key line
// is the current key, used by [MasterKeys.Wrap]; earlier lines are older keys
// kept so data keys wrapped under them can still be unwrapped while they are
// being rewrapped. Blank lines and lines starting with '#' are ignored. The
// file must not be readable or writable by group or others (mode & 0o077 ==
// 0); [LoadMasterKeys] refuses it otherwise rather than use a key that may
// already have leaked. Error messages name the line number but never echo a
// line, so a key cannot end up in a log.
//
// Rotation: [AddMasterKey] appends a new current key (atomically: temp file,
// fsync, rename), then the caller rewraps every stored data key with
// [MasterKeys.Rewrap] (or Unwrap then Wrap); [MasterKeyID] tells which ones
// still need it. Only when none remain may the old line be deleted by hand.
// AddMasterKey is an operator action: two running at once on the same file
// may lose one of the new keys.
//
// # Data keys and ciphertext
//
// A data key is 32 random bytes ([NewDataKey]) with a numeric id (uint32)
// chosen by the SQL layer, typically the row id of its table. A [Keyring]
// holds the unwrapped data keys and knows which one is current. Fields are
// sealed with AES-256-GCM:
//
//	version (1 byte, =1) | data key id (4 bytes, big-endian) | nonce (12) | ciphertext | tag (16)
//
// The version byte and key id are authenticated together with a caller
// supplied "aad" string naming the column (e.g. "consults.email"). The aad is
// not stored: a ciphertext copied into another column, or another table,
// fails to decrypt instead of silently showing one client's data as another
// field. Nonces are random (96 bits), which is safe up to about 2^32
// encryptions under one data key — far beyond a practice's volume, but a
// reason to start a new data key every so often rather than never.
//
// [Keyring.EncryptString] returns base64 (standard alphabet, no padding) so
// the result fits TEXT columns on both SQLite and PostgreSQL. It maps the
// empty string to the empty string: optional fields left blank take no space
// and need no key, but whether a field is empty is therefore visible to
// anyone who can read the database. The length of non-empty fields is
// visible too (GCM does not pad).
//
// # Blind indexes
//
// To find a row by an encrypted value (a consult by email) the SQL layer
// stores, next to the ciphertext, [Keyring.Index] of the normalised value: an
// HMAC-SHA256 whose key is derived with HKDF-SHA256 from one designated data
// key (the first one ever created; its id is passed to [NewKeyring]) and the
// purpose, e.g. "email". Equal values give equal indexes, so the lookup is an
// ordinary indexed equality query, but without the key the index cannot be
// reversed by guessing common emails.
//
// The index key must never change: every stored index would silently stop
// matching. It is therefore derived from a data key — which master key
// rotation only rewraps, leaving its bytes unchanged — and not from a master
// key. Retiring the index data key would mean decrypting every indexed field
// and recomputing its index.
//
// # Name search and what it leaks
//
// [Keyring.NameIndex] lets staff search clients by part of a name. The name
// is normalised ([NameTokens]: lower case, common Latin accents folded,
// apostrophes dropped so "O'Neil" is "oneil", split on everything else that
// is not a letter) and the blind index of every token and of every prefix of
// three or more letters is returned; the SQL layer stores one row per index
// and answers a query with [Keyring.NameQuery] (all query tokens must match,
// each as a word prefix).
//
// This is a deliberate trade-off. Equal indexes reveal equal tokens: someone
// with the database (but not the key) can count how many clients share a
// surname, link relatives who share one, and match the frequency
// distribution against public name statistics to guess the common names.
// Prefixes make it worse: three-letter prefixes are few, their frequencies
// distinctive, and the number of index rows per client hints at name length.
// The alternative leaks none of this: store only ciphertext and decrypt
// every name on each search. It costs time linear in the number of clients —
// on the 50,000-name benchmarks, tens of milliseconds per search against
// microseconds for an index lookup (BenchmarkDecryptAll50k,
// BenchmarkNameSearch50k) — and cannot use the database to filter or page.
// For the client-name field, which every staff member may already see, we
// accept the leak; fields that need no search (notes, reasons, diagnoses)
// should get no index at all, and emails only an exact-match Index.
package crypt

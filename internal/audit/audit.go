// Package audit is the tamper-evident part of Journey's audit trail (HIPAA
// §164.312(b) audit controls; ONC §170.315(d)(2) auditable events and
// tamper-resistance, (d)(3) audit reports, (d)(10) auditing actions on health
// information).
//
// The entries themselves live in the database (package sqldb stores and reads
// them); this package decides what is hashed, seals entries, keeps the chain
// head outside the database and verifies the whole trail. It imports nothing
// from Journey so that it can be reviewed on its own.
//
// # How tampering is detected
//
// Every entry carries Hash = HMAC-SHA256(key, Canonical(entry)), and
// Canonical covers the entry's Seq and PrevHash, which is the Hash of entry
// Seq-1. The key lives in a file outside the database (LoadOrCreateKey), so
// someone who can write to the database, or who holds a copy of a backup,
// cannot recompute a valid hash: a plain SHA-256 chain would not do, because
// anyone able to edit a row could simply recompute every hash after it.
//
// Walking the chain in Seq order (Verifier) then finds:
//
//   - an edited entry: its Hash no longer matches ("changed");
//   - a deleted entry: a jump in Seq ("gap");
//   - entries out of order or repeated: Seq goes back ("order");
//   - an entry that is validly sealed but does not follow the entry before it,
//     which needs the key (an insider re-sealing one entry, or two writers
//     forking the chain): its PrevHash does not match ("broken-link");
//   - a forged or inserted entry sealed without the right key: "changed".
//
// What a chain cannot show by itself is that its end is missing: an attacker
// who deletes only the LAST entries leaves a shorter chain that is perfectly
// valid. Nor can it catch someone who holds the key and rewrites the whole
// table consistently. Both are caught by the head checkpoint: the Seq and
// Hash of the newest entry, written to a file outside the database
// (WriteHead) with its own HMAC. The writer refreshes the head every N
// entries or every few seconds, after the entries it names have committed;
// verification then reports "truncated" if the table ends before the head's
// Seq and "head-mismatch" if the entry at that Seq has a different hash.
//
// # Limits, stated so nobody relies on more than is there
//
//   - Entries written after the newest head can be deleted from the end of
//     the table without detection. The window is the head interval, which is
//     why heads are written often, and why copies of the head line
//     (FormatHead) are best also shipped off the host (syslog, e-mail, object
//     storage with retention).
//   - An attacker who can replace the head file with an OLDER valid head file
//     hides truncation back to that head. Off-host copies of heads defeat it.
//   - Someone holding both the key and write access to the head file (and any
//     off-host copies) can rewrite history. Keep the key readable only by the
//     service account and out of database backups; back it up separately,
//     because without it the trail can still be read but no longer verified.
//   - Entries are not encrypted: Detail and Reason must not carry PHI beyond
//     the identifiers the fields are meant for.
package audit

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash"
	"strings"
	"time"
	"unicode/utf8"
)

// KeySize is the length of a Key in bytes: RFC 2104 asks for an HMAC key at
// least as long as the hash output, and 32 random bytes are far beyond brute
// force.
const KeySize = 32

// HashSize is the length of Entry.Hash and Entry.PrevHash (SHA-256 output).
const HashSize = sha256.Size

// Outcomes an entry can record. They are plain strings in Entry so that the
// stored rows read naturally in reports; these constants keep callers from
// spelling them differently.
const (
	OutcomeSuccess = "success"
	OutcomeDenied  = "denied"
	OutcomeFailure = "failure"
)

// Entry is one audit record. Every field except Hash is covered by Hash (see
// Canonical), so changing any of them, including Seq and PrevHash, is
// detected.
type Entry struct {
	// Seq numbers entries 1, 2, 3 … with no gaps, so that a deleted entry
	// shows as a missing number and not only as a broken link.
	Seq int64
	// Time is when the audited action happened. It is stored and hashed at
	// microsecond precision in UTC (Seal normalises it), because that is
	// what both SQLite (as an integer of microseconds) and PostgreSQL
	// (timestamptz) keep; a nanosecond in the hash would be lost on the
	// round trip and look like tampering.
	Time time.Time
	// ActorID is the acting user's id, or 0 when unknown (a failed sign-in
	// has no user yet).
	ActorID int64
	// ActorRole is the actor's role at the time, recorded because roles
	// change and a later report must show what the actor was allowed then.
	ActorRole string
	// Action names what was attempted, e.g. "signin.failure",
	// "consult.read", "client.export".
	Action string
	// SubjectType is the kind of record acted on, e.g. "consult",
	// "client", "user".
	SubjectType string
	// SubjectID identifies the record acted on (a string so that any kind of
	// identifier fits).
	SubjectID string
	// ClientAddr is the network address the request came from.
	ClientAddr string
	// Outcome is "success", "denied" or "failure" (see the Outcome
	// constants).
	Outcome string
	// Reason is the reason given for a break-glass access, or "".
	Reason string
	// Detail is a short non-PHI detail, or "".
	Detail string
	// PrevHash is the Hash of entry Seq-1, or HashSize zero bytes for Seq 1.
	// It is what chains the entries: removing or reordering one breaks it.
	PrevHash []byte
	// Hash is HMAC-SHA256(key, Canonical(e)).
	Hash []byte
}

// canonicalTag opens every canonical encoding. It names the format and its
// version, so that a future format can never produce the same bytes as this
// one, and so that an entry's MAC input can never be mistaken for a head
// line's (which starts with the ASCII "journey-audit-head", whereas this
// starts with an 8-byte length).
const canonicalTag = "journey-audit-entry v1"

// Canonical returns the bytes that an entry's Hash is the HMAC of: every
// field of e except Hash, in an unambiguous encoding.
//
// Format v1, frozen: entries already in databases were sealed over these
// exact bytes, so any change here would make every existing entry look
// tampered with. A new format needs a new tag, and stored entries would then
// have to record which format they were sealed with.
//
//	str("journey-audit-entry v1")
//	int(Seq)
//	int(Time.UnixMicro())
//	int(ActorID)
//	str(ActorRole) str(Action) str(SubjectType) str(SubjectID)
//	str(ClientAddr) str(Outcome) str(Reason) str(Detail)
//	str(PrevHash)
//
// where int(x) is x as 8 bytes, big-endian two's complement, and str(s) is
// int(len(s)) followed by the bytes of s. Because every variable-length field
// is prefixed with its length, no two different entries encode the same way:
// ("ab", "c") and ("a", "bc") differ in their length prefixes. Time is
// encoded as an instant, so its Location (and any sub-microsecond part) does
// not matter.
func Canonical(e *Entry) []byte {
	return appendCanonical(make([]byte, 0, canonicalSize(e)), e)
}

// canonicalSize is len(Canonical(e)), so the encoding is built in one
// allocation.
func canonicalSize(e *Entry) int {
	n := 8 + len(canonicalTag) + 3*8 + 8 + len(e.PrevHash)
	for _, s := range canonicalStrings(e) {
		n += 8 + len(s)
	}
	return n
}

// canonicalStrings lists the string fields in their canonical order; keeping
// the list in one place keeps canonicalSize and appendCanonical in step.
func canonicalStrings(e *Entry) [8]string {
	return [8]string{e.ActorRole, e.Action, e.SubjectType, e.SubjectID, e.ClientAddr, e.Outcome, e.Reason, e.Detail}
}

func appendCanonical(b []byte, e *Entry) []byte {
	b = appendField(b, canonicalTag)
	b = binary.BigEndian.AppendUint64(b, uint64(e.Seq))
	b = binary.BigEndian.AppendUint64(b, uint64(e.Time.UnixMicro()))
	b = binary.BigEndian.AppendUint64(b, uint64(e.ActorID))
	for _, s := range canonicalStrings(e) {
		b = appendField(b, s)
	}
	return appendField(b, e.PrevHash)
}

// appendField appends s with its 8-byte length prefix. Eight bytes rather
// than four so that no length, however absurd, needs a rule of its own.
func appendField[S string | []byte](b []byte, s S) []byte {
	b = binary.BigEndian.AppendUint64(b, uint64(len(s)))
	return append(b, s...)
}

// zeroHash is the PrevHash of entry 1: there is no entry 0, and a fixed
// value (rather than an empty one) keeps every PrevHash the same length.
var zeroHash = make([]byte, HashSize)

// Seal sets e.PrevHash to a copy of prev (HashSize zero bytes when prev is
// empty, as for Seq 1) and e.Hash to HMAC-SHA256(key, Canonical(e)). The
// caller sets e.Seq first; Chain.Next does both.
//
// Seal first normalises e to what the databases store unchanged, so that an
// honest round trip through storage never looks like tampering: Time becomes
// UTC truncated to the microsecond, and each string field becomes valid
// UTF-8 without NUL bytes (invalid bytes and NULs become U+FFFD, since
// PostgreSQL's text type rejects both and a failed audit insert would fail
// the request).
//
// Seal panics if key is not KeySize bytes: signing with an empty or short
// key would quietly produce hashes anyone could recompute, and a wrong key is
// a configuration error that must stop the service, not be audited around.
func Seal(key Key, prev []byte, e *Entry) {
	mustKey(key)
	seal(hmac.New(sha256.New, key), nil, prev, e)
}

// seal is Seal with a caller-owned HMAC (reset here) and scratch buffer, so
// that Chain need not build them for every entry. It returns the scratch
// buffer for reuse.
func seal(mac hash.Hash, buf, prev []byte, e *Entry) []byte {
	normalise(e)
	if len(prev) == 0 {
		prev = zeroHash
	}
	e.PrevHash = bytes.Clone(prev)
	buf = appendCanonical(buf[:0], e)
	mac.Reset()
	mac.Write(buf)
	e.Hash = mac.Sum(make([]byte, 0, HashSize))
	return buf
}

// normalise brings e to its stored form; see Seal.
func normalise(e *Entry) {
	e.Time = e.Time.UTC().Truncate(time.Microsecond)
	for _, p := range [...]*string{&e.ActorRole, &e.Action, &e.SubjectType, &e.SubjectID, &e.ClientAddr, &e.Outcome, &e.Reason, &e.Detail} {
		*p = storable(*p)
	}
}

// storable returns s as valid UTF-8 without NUL bytes, without allocating in
// the usual case where s already is.
func storable(s string) string {
	if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

// mustKey panics unless key has the right length; see Seal for why a panic.
func mustKey(key Key) {
	if len(key) != KeySize {
		panic(fmt.Sprintf("audit: key is %d bytes, want %d", len(key), KeySize))
	}
}

package audit

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Head is a checkpoint of the chain kept outside the database: the Seq and
// Hash of an entry that had committed when the checkpoint was taken. It is
// what catches a table whose newest entries were deleted, or which was
// rewritten by someone holding the key (see the package documentation).
type Head struct {
	// Seq is the entry checkpointed; 0 means an empty chain.
	Seq int64
	// Hash is that entry's Hash (HashSize bytes).
	Hash []byte
	// Time is when the checkpoint was taken (microsecond precision, UTC
	// once read back). Verification does not compare it with entries; it
	// tells a reader how old the checkpoint is, i.e. how long a window the
	// tail of the table had no protection for.
	Time time.Time
}

// ErrNoHead is returned (wrapped, together with fs.ErrNotExist) by ReadHead
// when there is no head file. Callers tell it apart from ErrBadHead with
// errors.Is: no head yet is normal on a new installation, a bad head is
// evidence of tampering or damage.
var ErrNoHead = errors.New("audit: no head checkpoint")

// ErrBadHead is returned (wrapped) by ReadHead and ParseHead for a head that
// is malformed, of an unknown version, or whose MAC does not verify under the
// key — e.g. a head file edited by hand.
var ErrBadHead = errors.New("audit: head checkpoint is invalid")

// headPrefix opens every head line; it names the format and its version so
// an old reader refuses a newer file instead of misreading it.
const headPrefix = "journey-audit-head v1"

// maxHeadFile bounds what ReadHead reads; a head line is under 200 bytes.
const maxHeadFile = 4096

// FormatHead returns the one-line text form of h, newline-terminated:
//
//	journey-audit-head v1 <seq> <hash> <unixmicro> <mac>
//
// with seq and unixmicro in decimal, hash and mac in lowercase hex, single
// spaces between fields, and mac = HMAC-SHA256(key, everything before the
// space that precedes it). The MAC makes a forged or hand-edited head
// detectable to anyone without the key; the prefix keeps head MAC inputs
// distinct from entry MAC inputs (which start with a binary length), so one
// can never pass for the other.
//
// WriteHead stores this line; it is exported so that the same line can also
// be shipped off the host (to syslog or a remote store), where a database
// attacker cannot reach it.
func FormatHead(key Key, h Head) (string, error) {
	if len(key) != KeySize {
		return "", fmt.Errorf("audit: key is %d bytes, want %d", len(key), KeySize)
	}
	if h.Seq < 0 {
		return "", fmt.Errorf("audit: head seq %d is negative", h.Seq)
	}
	if len(h.Hash) != HashSize {
		return "", fmt.Errorf("audit: head hash is %d bytes, want %d", len(h.Hash), HashSize)
	}
	body := fmt.Sprintf("%s %d %x %d", headPrefix, h.Seq, h.Hash, h.Time.UnixMicro())
	return body + " " + hex.EncodeToString(headMAC(key, body)) + "\n", nil
}

// ParseHead parses a line made by FormatHead (with or without its trailing
// newline) and checks its MAC under key. Any deviation from the exact form
// FormatHead produces is an error wrapping ErrBadHead.
func ParseHead(key Key, line string) (Head, error) {
	if len(key) != KeySize {
		return Head{}, fmt.Errorf("audit: key is %d bytes, want %d", len(key), KeySize)
	}
	bad := func(why string) (Head, error) { return Head{}, fmt.Errorf("%w: %s", ErrBadHead, why) }
	line = strings.TrimSuffix(line, "\n")
	f := strings.Split(line, " ")
	if len(f) != 6 || f[0]+" "+f[1] != headPrefix {
		if len(f) >= 2 && f[0] == "journey-audit-head" {
			return bad("unsupported version " + strconv.Quote(f[1]))
		}
		return bad("not a journey-audit-head v1 line")
	}
	// Check the MAC before interpreting anything else, so nothing from a
	// forged line is ever used.
	mac, err := hex.DecodeString(f[5])
	if err != nil || len(mac) != HashSize {
		return bad("malformed mac")
	}
	body := line[:len(line)-len(f[5])-1]
	if !hmac.Equal(mac, headMAC(key, body)) {
		return bad("mac does not verify (edited, forged, or a different key)")
	}
	seq, err1 := strconv.ParseInt(f[2], 10, 64)
	hash, err2 := hex.DecodeString(f[3])
	micro, err3 := strconv.ParseInt(f[4], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return bad("malformed field")
	}
	h := Head{Seq: seq, Hash: hash, Time: time.UnixMicro(micro).UTC()}
	// Only the key holder can produce a valid MAC, but refuse anything that
	// is not exactly what FormatHead writes (leading zeros, "+", upper-case
	// hex, a wrong-length hash), so there is one text per head.
	if h.Seq < 0 || len(h.Hash) != HashSize || body != fmt.Sprintf("%s %d %x %d", headPrefix, h.Seq, h.Hash, micro) {
		return bad("not in canonical form")
	}
	return h, nil
}

func headMAC(key Key, body string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(body))
	return m.Sum(nil)
}

// WriteHead replaces the head checkpoint at path with h, atomically: the line
// is written to a temporary file (mode 0600) in the same directory, synced,
// renamed over path, and the directory synced, so a crash leaves either the
// old head or the new one, never a torn file that would read as tampering.
// A missing parent directory is created with mode 0700.
//
// Write a head only for entries that have committed: a head naming an entry
// whose transaction then rolled back would later read as "truncated" or
// "head-mismatch".
func WriteHead(path string, key Key, h Head) error {
	line, err := FormatHead(key, h)
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("audit: create head directory: %w", err)
	}
	tmp, err := writeTemp(dir, ".audit-head-*", []byte(line))
	if err != nil {
		return fmt.Errorf("audit: write head: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("audit: install head: %w", err)
	}
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("audit: sync head directory: %w", err)
	}
	return nil
}

// ReadHead reads and verifies the head checkpoint at path. A missing file
// gives an error wrapping both ErrNoHead and fs.ErrNotExist; a malformed
// file, or one whose MAC does not verify under key, an error wrapping
// ErrBadHead.
func ReadHead(path string, key Key) (Head, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Head{}, fmt.Errorf("%w: %w", ErrNoHead, err)
	}
	if err != nil {
		return Head{}, fmt.Errorf("audit: read head: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxHeadFile+1))
	if err != nil {
		return Head{}, fmt.Errorf("audit: read head: %w", err)
	}
	if len(b) > maxHeadFile {
		return Head{}, fmt.Errorf("%w: %s is too large", ErrBadHead, path)
	}
	h, err := ParseHead(key, string(b))
	if err != nil {
		return Head{}, fmt.Errorf("%s: %w", path, err)
	}
	return h, nil
}

// AdvanceHead writes h as the head checkpoint at path unless the head there
// already names a later entry, and reports whether it wrote. Several
// processes writing one trail share the head file; each checkpoints the
// newest entry it saw committed, and without this a process that read the
// chain a moment earlier could move the head back, leaving the newest
// entries unprotected. The read and the write happen under an exclusive
// lock on path+".lock" (on systems with flock). A head that does not verify
// is left in place as evidence, and its error (wrapping ErrBadHead)
// returned.
func AdvanceHead(path string, key Key, h Head) (bool, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return false, fmt.Errorf("audit: create head directory: %w", err)
	}
	unlock, err := lockFile(path + ".lock")
	if err != nil {
		return false, fmt.Errorf("audit: lock head: %w", err)
	}
	defer unlock()
	cur, err := ReadHead(path, key)
	switch {
	case errors.Is(err, ErrNoHead):
	case err != nil:
		return false, err
	case cur.Seq > h.Seq:
		return false, nil
	}
	return true, WriteHead(path, key, h)
}

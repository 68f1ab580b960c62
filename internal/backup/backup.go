// Package backup is the backup file's format: one tar holding
// manifest.json, then the database snapshot (a SQLite file, or a pg_dump
// archive in custom format). The manifest says what the snapshot holds
// (Journey and schema versions, row counts, the audit head, the wrapped
// data keys) and carries its size and SHA-256; an HMAC under the audit key
// makes an edited manifest, or one from another installation, show. No key
// file is ever written into a backup: the master and audit key files are
// kept apart, and a restore needs both. Pure: no SQL.
package backup

import (
	"archive/tar"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// Format names this layout and its version: a reader refuses another.
const Format = "journey-backup 1"

// ManifestName is the tar member holding the manifest, first in the file.
const ManifestName = "manifest.json"

// macPrefix separates the manifest's HMAC input from every other use of
// the audit key (entries start with a binary length, heads with
// "journey-audit-head").
const macPrefix = "journey-backup-manifest v1\n"

// ErrDigest is returned (wrapped) when the snapshot's bytes are not the
// ones the manifest names: a torn, truncated or altered file.
var ErrDigest = errors.New("backup: the snapshot does not match the manifest's SHA-256")

// ErrManifest is returned (wrapped) for a file that is not a Journey
// backup, or whose manifest does not verify under the audit key.
var ErrManifest = errors.New("backup: not a valid Journey backup")

// Manifest describes one backup.
type Manifest struct {
	Format         string    `json:"format"`
	JourneyVersion string    `json:"journey_version"`
	Dialect        string    `json:"dialect"`        // sqlite or postgres
	SchemaVersion  int       `json:"schema_version"` // the last migration applied
	CreatedAt      time.Time `json:"created_at"`
	// Tables counts the rows of every table in the snapshot.
	Tables map[string]int64 `json:"tables"`
	// AuditSeq is the newest audit entry in the snapshot; AuditHead is the
	// head checkpoint line naming it (audit.FormatHead), which a restore
	// writes to the restored copy's head file.
	AuditSeq  int64  `json:"audit_seq"`
	AuditHead string `json:"audit_head"`
	// DataKeys are the data keys as stored, wrapped under master keys
	// (which are not in the backup): a restore checks the key file it is
	// given unwraps them before it touches anything.
	DataKeys []DataKey `json:"data_keys"`
	Snapshot Snapshot  `json:"snapshot"`
	MAC      string    `json:"mac"`
}

// DataKey is one wrapped data key.
type DataKey struct {
	ID          int64  `json:"id"`
	MasterKeyID string `json:"master_key_id"`
	Wrapped     string `json:"wrapped"` // base64, as in data_keys
}

// Snapshot names the database snapshot member.
type Snapshot struct {
	Name   string `json:"name"` // journey.db or journey.pgdump
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// mac returns the manifest's HMAC under key, over its JSON with MAC empty.
func (m Manifest) mac(key []byte) (string, error) {
	m.MAC = ""
	b, err := json.Marshal(m)
	if err != nil {
		return "", err
	}
	h := hmac.New(sha256.New, key)
	h.Write([]byte(macPrefix))
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Write writes the backup file at path: m (its snapshot size, digest and
// MAC filled in here) and the file at snapshotPath as m.Snapshot.Name. It
// writes beside path first, syncs, and renames, so path is either absent
// or whole; the file is readable by its owner only.
func Write(path string, m *Manifest, snapshotPath string, key []byte) error {
	m.Format = Format
	snap, err := os.Open(snapshotPath)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer snap.Close()
	h := sha256.New()
	if m.Snapshot.Size, err = io.Copy(h, snap); err != nil {
		return fmt.Errorf("backup: read snapshot: %w", err)
	}
	m.Snapshot.SHA256 = hex.EncodeToString(h.Sum(nil))
	if m.MAC, err = m.mac(key); err != nil {
		return err
	}
	mj, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if _, err := snap.Seek(0, io.SeekStart); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".partial-*")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if err := writeTar(tmp, m, mj, snap); err != nil {
		tmp.Close()
		return fmt.Errorf("backup: write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("backup: write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

func writeTar(f *os.File, m *Manifest, mj []byte, snap io.Reader) error {
	if err := f.Chmod(0o600); err != nil {
		return err
	}
	tw := tar.NewWriter(f)
	mod := m.CreatedAt.UTC().Truncate(time.Second)
	if err := tw.WriteHeader(&tar.Header{Name: ManifestName, Mode: 0o600, Size: int64(len(mj)), ModTime: mod, Format: tar.FormatPAX}); err != nil {
		return err
	}
	if _, err := tw.Write(mj); err != nil {
		return err
	}
	if err := tw.WriteHeader(&tar.Header{Name: m.Snapshot.Name, Mode: 0o600, Size: m.Snapshot.Size, ModTime: mod, Format: tar.FormatPAX}); err != nil {
		return err
	}
	if n, err := io.Copy(tw, snap); err != nil || n != m.Snapshot.Size {
		return fmt.Errorf("snapshot changed while it was copied (%d of %d bytes): %v", n, m.Snapshot.Size, err)
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return f.Sync()
}

// Reader reads a backup file: its manifest, checked, then its snapshot.
type Reader struct {
	Manifest *Manifest
	f        *os.File
	tr       *tar.Reader
}

// Open opens the backup at path and checks its manifest: the format, and
// its HMAC under key (the audit key of the installation that took it).
// Errors wrap ErrManifest. Close the Reader when done.
func Open(path string, key []byte) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	r := &Reader{f: f, tr: tar.NewReader(f)}
	if r.Manifest, err = r.manifest(key); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return r, nil
}

func (r *Reader) manifest(key []byte) (*Manifest, error) {
	hdr, err := r.tr.Next()
	if err != nil || hdr.Name != ManifestName || hdr.Size > 16<<20 {
		return nil, fmt.Errorf("%w: no %s at its start", ErrManifest, ManifestName)
	}
	var m Manifest
	if err := json.NewDecoder(io.LimitReader(r.tr, hdr.Size)).Decode(&m); err != nil {
		return nil, fmt.Errorf("%w: manifest: %v", ErrManifest, err)
	}
	if m.Format != Format {
		return nil, fmt.Errorf("%w: format %q, this journey reads %q", ErrManifest, m.Format, Format)
	}
	want, err := m.mac(key)
	if err != nil {
		return nil, err
	}
	if !hmac.Equal([]byte(want), []byte(m.MAC)) {
		return nil, fmt.Errorf("%w: the manifest does not verify under the audit key (edited, or taken by an installation with another audit key file)", ErrManifest)
	}
	return &m, nil
}

// Snapshot copies the snapshot to w, hashing it as it goes, and fails
// with an error wrapping ErrDigest unless its size and SHA-256 are the
// manifest's. What was copied before a mismatch is the caller's to undo.
func (r *Reader) Snapshot(w io.Writer) error {
	m := r.Manifest
	hdr, err := r.tr.Next()
	if err != nil {
		return fmt.Errorf("%w: the file ends before the snapshot (%v)", ErrDigest, err)
	}
	if hdr.Name != m.Snapshot.Name {
		return fmt.Errorf("%w: the second member is %q, the manifest names %q", ErrDigest, hdr.Name, m.Snapshot.Name)
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(w, h), r.tr)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("backup: read snapshot: %w", err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); n != m.Snapshot.Size || got != m.Snapshot.SHA256 {
		return fmt.Errorf("%w (%d bytes with SHA-256 %s; the manifest says %d bytes, %s)", ErrDigest, n, got, m.Snapshot.Size, m.Snapshot.SHA256)
	}
	return nil
}

// Close closes the file.
func (r *Reader) Close() error { return r.f.Close() }

// Check reads the whole backup at path and returns its manifest once the
// manifest verifies under key and the snapshot matches its digest.
func Check(path string, key []byte) (*Manifest, error) {
	r, err := Open(path, key)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	if err := r.Snapshot(io.Discard); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return r.Manifest, nil
}

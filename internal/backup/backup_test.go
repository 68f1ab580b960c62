package backup

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func writeOne(t *testing.T, key []byte) (string, *Manifest) {
	t.Helper()
	dir := t.TempDir()
	snap := filepath.Join(dir, "journey.db")
	if err := os.WriteFile(snap, []byte("a snapshot of synthetic rows"), 0o600); err != nil {
		t.Fatal(err)
	}
	m := &Manifest{Dialect: "sqlite", SchemaVersion: 3, CreatedAt: time.Now(), Tables: map[string]int64{"clients": 2},
		Snapshot: Snapshot{Name: "journey.db"}}
	path := filepath.Join(dir, "b.tar")
	if err := Write(path, m, snap, key); err != nil {
		t.Fatal(err)
	}
	return path, m
}

// A backup reads back with its manifest as written; another key, a cut
// file or a changed byte of the snapshot is refused with the error that
// names it.
func TestWriteCheck(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	path, m := writeOne(t, key)
	got, err := Check(path, key)
	if err != nil || got.Snapshot != m.Snapshot || got.Tables["clients"] != 2 || got.Format != Format {
		t.Fatalf("Check: %v %+v", err, got)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode().Perm())
	}
	if _, err := Check(path, []byte("another key, another installation")); !errors.Is(err, ErrManifest) {
		t.Errorf("other key: %v", err)
	}
	raw, _ := os.ReadFile(path)
	at := bytes.Index(raw, []byte("a snapshot"))
	changed := bytes.Clone(raw)
	changed[at+3] ^= 1
	for name, bad := range map[string][]byte{"cut": raw[:at+10], "changed": changed} {
		p := filepath.Join(t.TempDir(), name)
		os.WriteFile(p, bad, 0o600)
		if _, err := Check(p, key); !errors.Is(err, ErrDigest) {
			t.Errorf("%s: %v, want ErrDigest", name, err)
		}
	}
}

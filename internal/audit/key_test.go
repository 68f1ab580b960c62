package audit

import (
	"bytes"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

func skipOnWindows(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix permissions")
	}
}

func TestLoadOrCreateKey(t *testing.T) {
	skipOnWindows(t)
	dir := filepath.Join(t.TempDir(), "secrets", "audit")
	path := filepath.Join(dir, "audit.key")

	k1, created, err := LoadOrCreateKey(path)
	if err != nil || !created {
		t.Fatalf("first LoadOrCreateKey: created %v, err %v", created, err)
	}
	if len(k1) != KeySize || bytes.Equal(k1, make([]byte, KeySize)) {
		t.Fatalf("key %x", k1)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, err %v; want 0600", fi.Mode(), err)
	}
	di, err := os.Stat(dir)
	if err != nil || di.Mode().Perm() != 0o700 {
		t.Fatalf("key directory mode %v, err %v; want 0700", di.Mode(), err)
	}
	b, _ := os.ReadFile(path)
	if want := base64.StdEncoding.EncodeToString(k1) + "\n"; string(b) != want {
		t.Fatalf("file holds %q, want %q", b, want)
	}

	k2, created, err := LoadOrCreateKey(path)
	if err != nil || created || !bytes.Equal(k1, k2) {
		t.Fatalf("second LoadOrCreateKey: created %v, err %v, same key %v", created, err, bytes.Equal(k1, k2))
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Fatalf("directory holds %d files, want only the key (temp file left?)", len(ents))
	}
}

func TestLoadOrCreateKeyRefusesLooseFile(t *testing.T) {
	skipOnWindows(t)
	for _, mode := range []os.FileMode{0o644, 0o640, 0o604, 0o620, 0o660} {
		path := filepath.Join(t.TempDir(), "audit.key")
		if _, _, err := LoadOrCreateKey(path); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		k, created, err := LoadOrCreateKey(path)
		if !errors.Is(err, ErrInsecureKeyFile) || k != nil || created {
			t.Errorf("mode %v: key %x, created %v, err %v; want ErrInsecureKeyFile", mode, k, created, err)
		}
		// The file must be left alone, for the operator to investigate.
		if fi, _ := os.Stat(path); fi.Mode().Perm() != mode {
			t.Errorf("mode changed to %v", fi.Mode().Perm())
		}
	}
	// 0400 (read-only for the owner) is fine.
	path := filepath.Join(t.TempDir(), "audit.key")
	k1, _, _ := LoadOrCreateKey(path)
	os.Chmod(path, 0o400)
	if k2, _, err := LoadOrCreateKey(path); err != nil || !bytes.Equal(k1, k2) {
		t.Errorf("mode 0400: err %v", err)
	}
}

func TestLoadOrCreateKeyRefusesBadContent(t *testing.T) {
	for name, content := range map[string]string{
		"not base64": "not a key!\n",
		"short":      base64.StdEncoding.EncodeToString(make([]byte, 16)) + "\n",
		"long":       base64.StdEncoding.EncodeToString(make([]byte, 64)) + "\n",
		"empty":      "",
		"huge":       string(bytes.Repeat([]byte("A"), 5000)),
	} {
		path := filepath.Join(t.TempDir(), "audit.key")
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if k, created, err := LoadOrCreateKey(path); err == nil || k != nil || created {
			t.Errorf("%s: key %x, created %v, err %v; want an error", name, k, created, err)
		}
		// A damaged key file must never be silently replaced by a new key.
		if b, _ := os.ReadFile(path); string(b) != content {
			t.Errorf("%s: file was rewritten", name)
		}
	}
	if _, _, err := LoadOrCreateKey(t.TempDir()); err == nil {
		t.Error("a directory was accepted as a key file")
	}
}

// Processes starting together must agree on one key.
func TestLoadOrCreateKeyConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k", "audit.key")
	const n = 16
	keys := make([]Key, n)
	created := make([]bool, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			var err error
			keys[i], created[i], err = LoadOrCreateKey(path)
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	creators := 0
	for i := range n {
		if created[i] {
			creators++
		}
		if !bytes.Equal(keys[i], keys[0]) {
			t.Fatalf("caller %d got a different key", i)
		}
	}
	if creators != 1 {
		t.Fatalf("%d callers report creating the key, want 1", creators)
	}
}

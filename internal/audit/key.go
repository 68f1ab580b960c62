package audit

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// Key is the secret the audit HMACs are computed under: KeySize random bytes.
// It must not be stored in the database, since the whole point of the key is
// that database access alone does not allow forging entries.
type Key []byte

// ErrInsecureKeyFile is returned by LoadOrCreateKey for a key file that group
// or others may read or write. Such a file is refused rather than repaired:
// the key may already have leaked, and silently tightening the mode would
// hide that from the operator.
var ErrInsecureKeyFile = errors.New("audit: key file is accessible to group or others")

// maxKeyFile bounds what LoadOrCreateKey reads: a key file is 45 bytes, so
// anything much bigger is not a key file.
const maxKeyFile = 1024

// LoadOrCreateKey reads the key from path, or creates the file with a new
// random key if it does not exist yet (created reports which).
//
// The file holds the key in standard base64 and a newline, mode 0600; a
// missing parent directory is created with mode 0700. An existing file must
// be a regular file that only its owner may access (no group or other
// permission bits, else ErrInsecureKeyFile) and hold exactly KeySize bytes.
//
// Creation is safe against two processes starting at once: the new key is
// written to a temporary file, synced, and then hard-linked into place,
// which fails if the file already exists, in which case the other process's
// key is loaded instead. So the key file is always either absent or complete
// — a crash never leaves a half-written key that would then be "loaded" —
// and two processes never end up signing with different keys.
//
// Losing the key does not lose the audit trail (entries stay readable), but
// makes it unverifiable, so the file belongs in backups kept apart from the
// database's.
func LoadOrCreateKey(path string) (key Key, created bool, err error) {
	key, err = loadKey(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return key, false, err
	}
	key, err = createKey(path)
	if errors.Is(err, fs.ErrExist) {
		// Another process created it between our read and our link.
		key, err = loadKey(path)
		return key, false, err
	}
	return key, err == nil, err
}

// LoadKey loads the key file at path, never creating one: for commands
// that check or restore an existing trail, where a new key would only make
// every entry fail to verify.
func LoadKey(path string) (Key, error) { return loadKey(path) }

func loadKey(path string) (Key, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// Stat the open file, not the path, so the mode checked is the mode of
	// the file read.
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("audit: key file %s is not a regular file", path)
	}
	// Windows does not report Unix permission bits (every file looks 0666),
	// so the check would refuse every key there.
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%w: %s has mode %v, want 0600", ErrInsecureKeyFile, path, fi.Mode().Perm())
	}
	b, err := io.ReadAll(io.LimitReader(f, maxKeyFile+1))
	if err != nil {
		return nil, fmt.Errorf("audit: read key file: %w", err)
	}
	if len(b) > maxKeyFile {
		return nil, fmt.Errorf("audit: key file %s is too large to be a key", path)
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, fmt.Errorf("audit: key file %s is not base64: %w", path, err)
	}
	if len(key) != KeySize {
		return nil, fmt.Errorf("audit: key file %s holds %d bytes, want %d", path, len(key), KeySize)
	}
	return key, nil
}

func createKey(path string) (Key, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("audit: create key directory: %w", err)
	}
	key := make(Key, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("audit: generate key: %w", err)
	}
	data := base64.StdEncoding.EncodeToString(key) + "\n"
	tmp, err := writeTemp(dir, ".audit-key-*", []byte(data))
	if err != nil {
		return nil, fmt.Errorf("audit: write key file: %w", err)
	}
	defer os.Remove(tmp)
	// Link, unlike rename, refuses to replace an existing file.
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil, err
		}
		return nil, fmt.Errorf("audit: install key file: %w", err)
	}
	if err := syncDir(dir); err != nil {
		return nil, fmt.Errorf("audit: sync key directory: %w", err)
	}
	return key, nil
}

// writeTemp writes data to a new file in dir (mode 0600, as os.CreateTemp
// creates it), syncs it and returns its name. On error the file is removed.
func writeTemp(dir, pattern string, data []byte) (name string, err error) {
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return "", err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	// CreateTemp already uses 0600; Chmod states it, in case that default
	// ever differs on some platform.
	if err := f.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		return "", err
	}
	if _, err := f.Write(data); err != nil {
		return "", err
	}
	if err := f.Sync(); err != nil {
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	return f.Name(), nil
}

// syncDir makes a rename or link in dir durable: without it a crash can
// forget the new directory entry even though the file's data was synced.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil // directories cannot be opened for sync there
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

package crypt

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Errors callers can test for with errors.Is. Decryption failures of every
// kind wrap ErrDecrypt; those caused by a key that is not loaded wrap
// ErrNoKey as well, so "cannot decrypt" and "operator forgot a key" can be
// told apart without parsing messages.
var (
	// ErrNoKey: the blob names a key (master or data) that is not loaded.
	ErrNoKey = errors.New("crypt: key not available")
	// ErrDecrypt: the blob is malformed, tampered with, moved to another
	// column, or of an unknown version.
	ErrDecrypt = errors.New("crypt: cannot decrypt")
	// ErrKeyFile: the master key file is missing, unsafe or malformed.
	ErrKeyFile = errors.New("crypt: bad master key file")
)

const (
	// KeySize is the size of master and data keys: AES-256.
	KeySize = 32

	masterIDLen   = 8 // hex characters, 4 random bytes
	nonceSize     = 12
	tagSize       = 16
	wrapVersion   = 1
	wrapHeaderLen = 1 + masterIDLen
	wrappedLen    = wrapHeaderLen + nonceSize + KeySize + tagSize
)

// wrapContext is authenticated with every wrapped data key so a blob sealed
// under a master key for some other purpose can never pass as a data key.
const wrapContext = "journey data key v1"

// MasterKeys is the set of master keys read from the key file. It is
// immutable and safe for concurrent use.
type MasterKeys struct {
	ids     []string // in file order; the last is current
	aeads   map[string]cipher.AEAD
	current string
}

// LoadMasterKeys reads the master key file at path. It refuses a file that
// group or others may access, a malformed line (naming its number), a
// duplicate key id, a key that is not 32 bytes, and a file with no key.
func LoadMasterKeys(path string) (*MasterKeys, error) {
	data, err := readKeyFile(path)
	if err != nil {
		return nil, err
	}
	return parseMasterKeys(path, data)
}

// CreateMasterKeyFile creates a new key file at path holding one fresh key,
// with mode 0600 and parent directories 0700. It fails if the file already
// exists: overwriting a key file would make every stored data key
// unrecoverable.
func CreateMasterKeyFile(path string) (*MasterKeys, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrKeyFile, err)
	}
	line, err := newKeyLine(nil)
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrKeyFile, err)
	}
	if err := writeSync(f, line); err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("%w: writing %s: %w", ErrKeyFile, path, err)
	}
	syncDir(filepath.Dir(path))
	return parseMasterKeys(path, line)
}

// AddMasterKey appends a fresh key to the key file at path, making it the
// current key, and returns the updated set. The file is replaced atomically
// (a 0600 temp file in the same directory, fsynced, renamed over the old
// one), so a crash leaves either the old file or the new one, never a
// truncated one. Existing lines, comments included, are kept as they were.
func AddMasterKey(path string) (*MasterKeys, error) {
	data, err := readKeyFile(path)
	if err != nil {
		return nil, err
	}
	old, err := parseMasterKeys(path, data)
	if err != nil {
		return nil, err
	}
	line, err := newKeyLine(old.aeads)
	if err != nil {
		return nil, err
	}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		data = append(data, '\n')
	}
	data = append(data, line...)

	dir := filepath.Dir(path)
	// os.CreateTemp creates the file with mode 0600.
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrKeyFile, err)
	}
	if err := writeSync(tmp, data); err != nil {
		os.Remove(tmp.Name())
		return nil, fmt.Errorf("%w: writing %s: %w", ErrKeyFile, tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return nil, fmt.Errorf("%w: %w", ErrKeyFile, err)
	}
	syncDir(dir)
	return parseMasterKeys(path, data)
}

// readKeyFile returns the contents of the key file after checking, on the
// open file itself (so the check and the read see the same file), that it is
// a regular file no one but its owner can access.
func readKeyFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrKeyFile, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrKeyFile, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%w: %s is not a regular file", ErrKeyFile, path)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("%w: %s has mode %#o; it must not be accessible by group or others (chmod 600)",
			ErrKeyFile, path, perm)
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("%w: reading %s: %w", ErrKeyFile, path, err)
	}
	return data, nil
}

// parseMasterKeys parses the key file contents. Messages name the path and
// line number but never the line's contents, which may hold a key.
func parseMasterKeys(path string, data []byte) (*MasterKeys, error) {
	mk := &MasterKeys{aeads: map[string]cipher.AEAD{}}
	for n, line := range strings.Split(string(data), "\n") {
		lineNo := n + 1
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) != 2 {
			return nil, fmt.Errorf("%w: %s line %d: want \"<key-id> <base64 key>\", found %d fields",
				ErrKeyFile, path, lineNo, len(fields))
		}
		id, enc := fields[0], fields[1]
		if !validMasterID(id) {
			return nil, fmt.Errorf("%w: %s line %d: key id must be %d lower-case hex characters",
				ErrKeyFile, path, lineNo, masterIDLen)
		}
		if _, dup := mk.aeads[id]; dup {
			return nil, fmt.Errorf("%w: %s line %d: duplicate key id %s", ErrKeyFile, path, lineNo, id)
		}
		key, err := base64.StdEncoding.Strict().DecodeString(enc)
		if err != nil {
			// The decoder's error quotes an offset, not the input; still,
			// say nothing about the content.
			return nil, fmt.Errorf("%w: %s line %d: key is not valid standard base64", ErrKeyFile, path, lineNo)
		}
		if len(key) != KeySize {
			return nil, fmt.Errorf("%w: %s line %d: key is %d bytes, want %d",
				ErrKeyFile, path, lineNo, len(key), KeySize)
		}
		aead, err := newGCM(key)
		if err != nil {
			return nil, err
		}
		mk.aeads[id] = aead
		mk.ids = append(mk.ids, id)
		mk.current = id
	}
	if mk.current == "" {
		return nil, fmt.Errorf("%w: %s holds no key", ErrKeyFile, path)
	}
	return mk, nil
}

func validMasterID(id string) bool {
	if len(id) != masterIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// newKeyLine returns a key file line holding a fresh key whose id is not in
// taken.
func newKeyLine(taken map[string]cipher.AEAD) ([]byte, error) {
	var id string
	for {
		var b [masterIDLen / 2]byte
		if _, err := rand.Read(b[:]); err != nil {
			return nil, err
		}
		id = hex.EncodeToString(b[:])
		if _, dup := taken[id]; !dup {
			break
		}
	}
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	return []byte(id + " " + base64.StdEncoding.EncodeToString(key) + "\n"), nil
}

// writeSync writes data to f, fsyncs and closes it.
func writeSync(f *os.File, data []byte) error {
	_, err := f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// syncDir fsyncs a directory so a new or renamed entry survives a crash.
// Errors are ignored: some file systems cannot sync directories, and the
// file's own contents are already durable.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// Current returns the id of the current master key, the one Wrap uses.
func (mk *MasterKeys) Current() string { return mk.current }

// Has reports whether the master key with the given id is loaded.
func (mk *MasterKeys) Has(id string) bool {
	_, ok := mk.aeads[id]
	return ok
}

// IDs returns the ids of all loaded master keys in file order; the last is
// the current one.
func (mk *MasterKeys) IDs() []string { return append([]string(nil), mk.ids...) }

// String describes the set without revealing any key, so a MasterKeys
// printed by mistake (%v, %+v, %#v), by pointer or by value, leaks nothing.
func (mk MasterKeys) String() string {
	return fmt.Sprintf("crypt.MasterKeys{current: %s, keys: %d}", mk.current, len(mk.ids))
}

// GoString is String, for %#v.
func (mk MasterKeys) GoString() string { return mk.String() }

// Wrap encrypts a 32-byte data key under the current master key with
// AES-256-GCM. The result (69 bytes) is
//
//	version (1 byte, =1) | master key id (8 ASCII hex bytes) | nonce (12) | sealed key (32) | tag (16)
//
// so Unwrap can pick the right master key after a rotation. Version and id
// are authenticated.
func (mk *MasterKeys) Wrap(dataKey []byte) ([]byte, error) {
	if len(dataKey) != KeySize {
		return nil, fmt.Errorf("crypt: data key is %d bytes, want %d", len(dataKey), KeySize)
	}
	out := make([]byte, wrapHeaderLen+nonceSize, wrappedLen)
	out[0] = wrapVersion
	copy(out[1:], mk.current)
	if _, err := rand.Read(out[wrapHeaderLen:]); err != nil {
		return nil, err
	}
	nonce := out[wrapHeaderLen:]
	return mk.aeads[mk.current].Seal(out, nonce, dataKey, wrapAAD(out[:wrapHeaderLen])), nil
}

// Unwrap decrypts a data key wrapped by Wrap under any loaded master key.
// Errors wrap ErrDecrypt, and also ErrNoKey (naming the id) when the master
// key it was wrapped under is not in the file.
func (mk *MasterKeys) Unwrap(wrapped []byte) ([]byte, error) {
	id, err := MasterKeyID(wrapped)
	if err != nil {
		return nil, err
	}
	aead, ok := mk.aeads[id]
	if !ok {
		return nil, fmt.Errorf("%w: %w: master key %s is not in the key file", ErrDecrypt, ErrNoKey, id)
	}
	nonce := wrapped[wrapHeaderLen : wrapHeaderLen+nonceSize]
	key, err := aead.Open(nil, nonce, wrapped[wrapHeaderLen+nonceSize:], wrapAAD(wrapped[:wrapHeaderLen]))
	if err != nil {
		return nil, fmt.Errorf("%w: wrapped data key fails authentication under master key %s", ErrDecrypt, id)
	}
	return key, nil
}

// Rewrap unwraps a data key and wraps it again under the current master key:
// the per-row step of a master key rotation. The data key's bytes, and so
// every ciphertext and blind index made with it, are unchanged.
func (mk *MasterKeys) Rewrap(wrapped []byte) ([]byte, error) {
	key, err := mk.Unwrap(wrapped)
	if err != nil {
		return nil, err
	}
	return mk.Wrap(key)
}

// MasterKeyID returns the id of the master key a wrapped data key was wrapped
// under, without unwrapping it: after a rotation, rows whose id is not
// Current still need Rewrap.
func MasterKeyID(wrapped []byte) (string, error) {
	if len(wrapped) != wrappedLen {
		return "", fmt.Errorf("%w: wrapped data key is %d bytes, want %d", ErrDecrypt, len(wrapped), wrappedLen)
	}
	if wrapped[0] != wrapVersion {
		return "", fmt.Errorf("%w: unknown wrapped key version %d", ErrDecrypt, wrapped[0])
	}
	id := string(wrapped[1:wrapHeaderLen])
	if !validMasterID(id) {
		return "", fmt.Errorf("%w: wrapped data key has a malformed master key id", ErrDecrypt)
	}
	return id, nil
}

func wrapAAD(header []byte) []byte {
	return append(bytes.Clone(header), wrapContext...)
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

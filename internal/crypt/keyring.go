package crypt

import (
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"sort"
	"sync"
)

const (
	blobVersion   = 1
	blobHeaderLen = 1 + 4 // version | data key id
	blobMinLen    = blobHeaderLen + nonceSize + tagSize
)

// NewDataKey returns a fresh random data key of KeySize bytes. Store it only
// wrapped (MasterKeys.Wrap).
func NewDataKey() ([]byte, error) {
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	return key, nil
}

// Keyring holds unwrapped data keys by id and encrypts under the current
// one. It is immutable and safe for concurrent use; to start using a new
// data key, build a new Keyring.
type Keyring struct {
	current uint32
	aeads   map[uint32]cipher.AEAD
	indexID uint32
	// idx is behind a pointer so that even a Keyring value printed with %v
	// shows an address, not key bytes.
	idx *indexState
}

// indexState holds the blind-index data key. Index keys per purpose are
// derived from it on first use and cached, since purposes are a handful of
// constants while Index runs once per row written or searched.
type indexState struct {
	secret []byte
	keys   sync.Map // purpose string -> []byte
}

// NewKeyring returns a keyring holding keys (data key id -> 32-byte unwrapped
// data key) that encrypts under current and computes blind indexes with keys
// derived from indexKeyID. indexKeyID must name the first data key ever
// created, and stay the same for the life of the database: see Index. Both
// ids must be in keys. The keyring keeps no reference to the caller's slices.
func NewKeyring(current uint32, keys map[uint32][]byte, indexKeyID uint32) (*Keyring, error) {
	kr := &Keyring{current: current, indexID: indexKeyID, aeads: make(map[uint32]cipher.AEAD, len(keys))}
	for id, key := range keys {
		if len(key) != KeySize {
			return nil, fmt.Errorf("crypt: data key %d is %d bytes, want %d", id, len(key), KeySize)
		}
		aead, err := newGCM(key)
		if err != nil {
			return nil, err
		}
		kr.aeads[id] = aead
	}
	if _, ok := keys[current]; !ok {
		return nil, fmt.Errorf("%w: current data key %d is not in the keyring", ErrNoKey, current)
	}
	idx, ok := keys[indexKeyID]
	if !ok {
		return nil, fmt.Errorf("%w: blind index data key %d is not in the keyring", ErrNoKey, indexKeyID)
	}
	kr.idx = &indexState{secret: append([]byte(nil), idx...)}
	return kr, nil
}

// Current returns the id of the data key Encrypt uses.
func (kr *Keyring) Current() uint32 { return kr.current }

// IndexKeyID returns the id of the data key blind indexes are derived from.
func (kr *Keyring) IndexKeyID() uint32 { return kr.indexID }

// Has reports whether the data key with the given id is loaded.
func (kr *Keyring) Has(id uint32) bool {
	_, ok := kr.aeads[id]
	return ok
}

// String describes the keyring without revealing any key, so a Keyring
// printed by mistake (%v, %+v, %#v), by pointer or by value, leaks nothing.
func (kr Keyring) String() string {
	ids := make([]uint32, 0, len(kr.aeads))
	for id := range kr.aeads {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return fmt.Sprintf("crypt.Keyring{current: %d, index: %d, keys: %v}", kr.current, kr.indexID, ids)
}

// GoString is String, for %#v.
func (kr Keyring) GoString() string { return kr.String() }

// Encrypt seals plaintext with AES-256-GCM under the current data key and a
// fresh random nonce. The result is
//
//	version (1 byte, =1) | data key id (4 bytes, big-endian) | nonce (12) | ciphertext | tag (16)
//
// aad names where the value lives, e.g. "consults.email"; it is
// authenticated but not stored, and Decrypt must be given the same string,
// so a ciphertext copied to another column does not decrypt there.
func (kr *Keyring) Encrypt(plaintext []byte, aad string) ([]byte, error) {
	out := make([]byte, blobHeaderLen+nonceSize, blobMinLen+len(plaintext))
	out[0] = blobVersion
	binary.BigEndian.PutUint32(out[1:], kr.current)
	nonce := out[blobHeaderLen:]
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return kr.aeads[kr.current].Seal(out, nonce, plaintext, blobAAD(out[:blobHeaderLen], aad)), nil
}

// Decrypt opens a blob made by Encrypt with the same aad, under whichever
// data key it names. Every failure wraps ErrDecrypt; a data key that is not
// loaded wraps ErrNoKey too.
func (kr *Keyring) Decrypt(blob []byte, aad string) ([]byte, error) {
	id, err := DataKeyID(blob)
	if err != nil {
		return nil, fmt.Errorf("%w (%s)", err, aad)
	}
	aead, ok := kr.aeads[id]
	if !ok {
		return nil, fmt.Errorf("%w: %w: data key %d is not loaded (%s)", ErrDecrypt, ErrNoKey, id, aad)
	}
	nonce := blob[blobHeaderLen : blobHeaderLen+nonceSize]
	pt, err := aead.Open(nil, nonce, blob[blobHeaderLen+nonceSize:], blobAAD(blob[:blobHeaderLen], aad))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: authentication failed (tampered with, or stored under another column)", ErrDecrypt, aad)
	}
	return pt, nil
}

// EncryptString is Encrypt for text columns: the blob as standard base64
// without padding, which fits TEXT on SQLite and PostgreSQL alike. The empty
// string encrypts to the empty string, so blank optional fields cost nothing
// — which also means anyone reading the table sees which fields are blank.
func (kr *Keyring) EncryptString(s, aad string) (string, error) {
	if s == "" {
		return "", nil
	}
	blob, err := kr.Encrypt([]byte(s), aad)
	if err != nil {
		return "", err
	}
	return base64.RawStdEncoding.EncodeToString(blob), nil
}

// DecryptString reverses EncryptString; the empty string decrypts to the
// empty string.
func (kr *Keyring) DecryptString(s, aad string) (string, error) {
	if s == "" {
		return "", nil
	}
	blob, err := base64.RawStdEncoding.DecodeString(s)
	if err != nil {
		return "", fmt.Errorf("%w: %s: not base64", ErrDecrypt, aad)
	}
	pt, err := kr.Decrypt(blob, aad)
	if err != nil {
		return "", err
	}
	return string(pt), nil
}

// DataKeyID returns the id of the data key a blob made by Encrypt was sealed
// under, without decrypting it: to re-encrypt rows still under an old data
// key, or to know which wrapped data keys to load.
func DataKeyID(blob []byte) (uint32, error) {
	if len(blob) < blobMinLen {
		return 0, fmt.Errorf("%w: ciphertext is %d bytes, shorter than the minimum %d", ErrDecrypt, len(blob), blobMinLen)
	}
	if blob[0] != blobVersion {
		return 0, fmt.Errorf("%w: unknown ciphertext version %d", ErrDecrypt, blob[0])
	}
	return binary.BigEndian.Uint32(blob[1:blobHeaderLen]), nil
}

// blobAAD is what GCM authenticates besides the ciphertext: the stored
// header (so version and key id cannot be altered) followed by the caller's
// column name. The header has a fixed length, so the concatenation is
// unambiguous.
func blobAAD(header []byte, aad string) []byte {
	b := make([]byte, 0, len(header)+len(aad))
	return append(append(b, header...), aad...)
}

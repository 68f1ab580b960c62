package crypt

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// fixedKey returns a data key of 32 bytes all equal to b.
func fixedKey(b byte) []byte { return bytes.Repeat([]byte{b}, KeySize) }

// newTestKeyring returns a keyring of random data keys with the given ids,
// encrypting under the last and indexing with the first.
func newTestKeyring(t testing.TB, ids ...uint32) (*Keyring, map[uint32][]byte) {
	t.Helper()
	keys := map[uint32][]byte{}
	for _, id := range ids {
		k, err := NewDataKey()
		if err != nil {
			t.Fatal(err)
		}
		keys[id] = k
	}
	kr, err := NewKeyring(ids[len(ids)-1], keys, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	return kr, keys
}

func TestNewDataKey(t *testing.T) {
	a, err := NewDataKey()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewDataKey()
	if len(a) != 32 || len(b) != 32 || bytes.Equal(a, b) || bytes.Equal(a, make([]byte, 32)) {
		t.Errorf("NewDataKey gave %x and %x, want two different random 32-byte keys", a, b)
	}
}

func TestNewKeyringErrors(t *testing.T) {
	good := map[uint32][]byte{1: fixedKey(1), 2: fixedKey(2)}
	tests := []struct {
		name           string
		current, index uint32
		keys           map[uint32][]byte
		wantNoKey      bool
	}{
		{"no keys", 1, 1, nil, true},
		{"current missing", 3, 1, good, true},
		{"index key missing", 2, 3, good, true},
		{"short key", 1, 1, map[uint32][]byte{1: fixedKey(1), 2: make([]byte, 16)}, false},
		{"long key", 1, 1, map[uint32][]byte{1: make([]byte, 33)}, false},
	}
	for _, tt := range tests {
		_, err := NewKeyring(tt.current, tt.keys, tt.index)
		if err == nil {
			t.Errorf("%s: NewKeyring succeeded", tt.name)
		} else if errors.Is(err, ErrNoKey) != tt.wantNoKey {
			t.Errorf("%s: error %v, want ErrNoKey = %v", tt.name, err, tt.wantNoKey)
		}
	}
	kr, err := NewKeyring(2, good, 1)
	if err != nil {
		t.Fatal(err)
	}
	if kr.Current() != 2 || kr.IndexKeyID() != 1 || !kr.Has(1) || !kr.Has(2) || kr.Has(3) {
		t.Errorf("keyring %v: wrong Current, IndexKeyID or Has", kr)
	}
}

func TestEncryptRoundTrip(t *testing.T) {
	kr, _ := newTestKeyring(t, 1, 7)
	long := make([]byte, 1<<16)
	for i := range long {
		long[i] = byte(i * 7)
	}
	tests := []struct {
		name      string
		plaintext []byte
		aad       string
	}{
		{"empty", []byte{}, "consults.notes"},
		{"one byte", []byte("x"), "consults.name"},
		{"email", []byte("maria.oneil@example.org"), "consults.email"},
		{"unicode", []byte("María José O'Neil — 李小龍"), "clients.name"},
		{"binary with zeros", []byte{0, 0, 0, 1, 0xff}, "clients.blob"},
		{"64 KiB", long, "sessions.notes"},
		{"empty aad", []byte("no column"), ""},
	}
	for _, tt := range tests {
		blob, err := kr.Encrypt(tt.plaintext, tt.aad)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if want := 1 + 4 + 12 + len(tt.plaintext) + 16; len(blob) != want {
			t.Errorf("%s: blob is %d bytes, want %d", tt.name, len(blob), want)
		}
		if blob[0] != 1 || binary.BigEndian.Uint32(blob[1:5]) != 7 {
			t.Errorf("%s: header %x, want version 1 and key id 7", tt.name, blob[:5])
		}
		if id, err := DataKeyID(blob); err != nil || id != 7 {
			t.Errorf("%s: DataKeyID = %d, %v, want 7", tt.name, id, err)
		}
		if len(tt.plaintext) >= 4 && bytes.Contains(blob, tt.plaintext) {
			t.Errorf("%s: blob contains the plaintext", tt.name)
		}
		got, err := kr.Decrypt(blob, tt.aad)
		if err != nil {
			t.Fatalf("%s: Decrypt: %v", tt.name, err)
		}
		if !bytes.Equal(got, tt.plaintext) {
			t.Errorf("%s: Decrypt = %q, want %q", tt.name, got, tt.plaintext)
		}
	}
}

func TestEncryptStringRoundTrip(t *testing.T) {
	kr, _ := newTestKeyring(t, 1)
	for _, s := range []string{"a", "Maria", "maria.oneil@example.org", "+15551234567", "María José O'Neil", strings.Repeat("notes ", 400)} {
		enc, err := kr.EncryptString(s, "consults.name")
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(enc, "=") || len(s) >= 5 && strings.Contains(enc, s) {
			t.Errorf("EncryptString(%.20q) = %q: padded or holding the plaintext", s, enc)
		}
		blob, err := base64.RawStdEncoding.DecodeString(enc)
		if err != nil || len(blob) != 1+4+12+len(s)+16 {
			t.Errorf("EncryptString(%.20q) is not RawStdEncoding of a blob: %v", s, err)
		}
		got, err := kr.DecryptString(enc, "consults.name")
		if err != nil || got != s {
			t.Errorf("DecryptString = %.20q, %v, want %.20q", got, err, s)
		}
	}

	// Empty in, empty out, both ways: blank optional fields store nothing.
	if enc, err := kr.EncryptString("", "consults.phone"); enc != "" || err != nil {
		t.Errorf(`EncryptString("") = %q, %v, want "", nil`, enc, err)
	}
	if dec, err := kr.DecryptString("", "consults.phone"); dec != "" || err != nil {
		t.Errorf(`DecryptString("") = %q, %v, want "", nil`, dec, err)
	}

	for _, bad := range []string{"!!!!", "AAAA=", "AQAAAAE", "not base64 at all"} {
		if _, err := kr.DecryptString(bad, "consults.name"); !errors.Is(err, ErrDecrypt) {
			t.Errorf("DecryptString(%q) error = %v, want ErrDecrypt", bad, err)
		}
	}
}

func TestDecryptWrongAAD(t *testing.T) {
	kr, _ := newTestKeyring(t, 1)
	blob, err := kr.Encrypt([]byte("maria@example.org"), "consults.email")
	if err != nil {
		t.Fatal(err)
	}
	for _, aad := range []string{"consults.name", "clients.email", "", "consults.email ", "Consults.email", "consults.emai"} {
		if got, err := kr.Decrypt(blob, aad); !errors.Is(err, ErrDecrypt) {
			t.Errorf("Decrypt with aad %q = %q, %v, want ErrDecrypt", aad, got, err)
		}
	}
	enc, _ := kr.EncryptString("maria@example.org", "consults.email")
	if _, err := kr.DecryptString(enc, "consults.name"); !errors.Is(err, ErrDecrypt) {
		t.Errorf("DecryptString with the wrong column: %v, want ErrDecrypt", err)
	}
}

// TestDecryptTampered flips every bit of a blob, truncates it to every
// length and extends it: each must fail with ErrDecrypt.
func TestDecryptTampered(t *testing.T) {
	kr, _ := newTestKeyring(t, 1, 2)
	blob, err := kr.Encrypt([]byte("Maria O'Neil"), "consults.name")
	if err != nil {
		t.Fatal(err)
	}
	for i := range blob {
		for bit := range 8 {
			bad := bytes.Clone(blob)
			bad[i] ^= 1 << bit
			if got, err := kr.Decrypt(bad, "consults.name"); !errors.Is(err, ErrDecrypt) {
				t.Fatalf("flip byte %d bit %d: Decrypt = %q, %v, want ErrDecrypt", i, bit, got, err)
			}
		}
	}
	for n := range len(blob) {
		if _, err := kr.Decrypt(blob[:n], "consults.name"); !errors.Is(err, ErrDecrypt) {
			t.Fatalf("truncated to %d bytes: error = %v, want ErrDecrypt", n, err)
		}
	}
	for _, extra := range [][]byte{{0}, []byte("tail")} {
		if _, err := kr.Decrypt(append(bytes.Clone(blob), extra...), "consults.name"); !errors.Is(err, ErrDecrypt) {
			t.Errorf("extended by %q: error = %v, want ErrDecrypt", extra, err)
		}
	}
	if got, err := kr.Decrypt(blob, "consults.name"); err != nil || string(got) != "Maria O'Neil" {
		t.Fatalf("the untouched blob no longer decrypts: %q, %v", got, err)
	}

	// The header is authenticated too: relabelling a blob with another key
	// id fails even when that id happens to hold the same key bytes.
	twin, _ := NewKeyring(1, map[uint32][]byte{1: fixedKey(4), 2: fixedKey(4)}, 1)
	blob, _ = twin.Encrypt([]byte("x"), "a")
	blob[4] = 2
	if _, err := twin.Decrypt(blob, "a"); !errors.Is(err, ErrDecrypt) {
		t.Errorf("blob relabelled to a key id with the same bytes: error = %v, want ErrDecrypt", err)
	}
}

func TestDecryptVersion(t *testing.T) {
	kr, _ := newTestKeyring(t, 1)
	blob, _ := kr.Encrypt([]byte("x"), "a")
	for _, v := range []byte{0, 2, 0xff} {
		bad := bytes.Clone(blob)
		bad[0] = v
		_, err := kr.Decrypt(bad, "a")
		if !errors.Is(err, ErrDecrypt) || errors.Is(err, ErrNoKey) || !strings.Contains(err.Error(), "version") {
			t.Errorf("version %d: error = %v, want ErrDecrypt about the version", v, err)
		}
	}
}

func TestDecryptUnknownDataKey(t *testing.T) {
	keys := map[uint32][]byte{1: fixedKey(1), 2: fixedKey(2), 70000: fixedKey(3)}
	old, _ := NewKeyring(1, map[uint32][]byte{1: keys[1]}, 1)
	rotated, _ := NewKeyring(70000, keys, 1)

	blob, err := rotated.Encrypt([]byte("secret"), "t.c")
	if err != nil {
		t.Fatal(err)
	}
	if id, _ := DataKeyID(blob); id != 70000 {
		t.Errorf("DataKeyID = %d, want 70000 (all four bytes used)", id)
	}
	_, err = old.Decrypt(blob, "t.c")
	if !errors.Is(err, ErrNoKey) || !errors.Is(err, ErrDecrypt) || !strings.Contains(err.Error(), "70000") {
		t.Errorf("error = %v, want ErrNoKey and ErrDecrypt naming data key 70000", err)
	}

	// A new current data key still decrypts what the old one encrypted.
	oldBlob, _ := old.Encrypt([]byte("before rotation"), "t.c")
	if got, err := rotated.Decrypt(oldBlob, "t.c"); err != nil || string(got) != "before rotation" {
		t.Errorf("rotated keyring: Decrypt of an old blob = %q, %v", got, err)
	}

	// The same id bound to another key: authentication fails.
	other, _ := NewKeyring(1, map[uint32][]byte{1: fixedKey(9)}, 1)
	if _, err := other.Decrypt(oldBlob, "t.c"); !errors.Is(err, ErrDecrypt) || errors.Is(err, ErrNoKey) {
		t.Errorf("wrong key under the same id: error = %v, want ErrDecrypt only", err)
	}
}

func TestEncryptNonceUnique(t *testing.T) {
	kr, _ := newTestKeyring(t, 1)
	const n = 2000
	blobs := map[string]bool{}
	nonces := map[string]bool{}
	for range n {
		blob, err := kr.Encrypt([]byte("same plaintext"), "a")
		if err != nil {
			t.Fatal(err)
		}
		blobs[string(blob)] = true
		nonces[string(blob[5:17])] = true
	}
	if len(blobs) != n || len(nonces) != n {
		t.Errorf("%d encryptions of one plaintext gave %d distinct blobs and %d distinct nonces", n, len(blobs), len(nonces))
	}
	a, _ := kr.EncryptString("Maria", "a")
	b, _ := kr.EncryptString("Maria", "a")
	if a == b {
		t.Error("EncryptString is deterministic: equal plaintexts are visible")
	}
}

func TestKeyringCopiesKeys(t *testing.T) {
	key := fixedKey(5)
	kr, err := NewKeyring(1, map[uint32][]byte{1: key}, 1)
	if err != nil {
		t.Fatal(err)
	}
	blob, _ := kr.Encrypt([]byte("x"), "a")
	idx := kr.Index("email", "a@b.org")
	for i := range key {
		key[i] = 0
	}
	if _, err := kr.Decrypt(blob, "a"); err != nil {
		t.Errorf("changing the caller's key slice broke Decrypt: %v", err)
	}
	if got := kr.Index("email", "a@b.org"); got != idx {
		t.Error("changing the caller's key slice changed Index")
	}
	// A purpose first used after the change must still use the original key.
	ref, _ := NewKeyring(1, map[uint32][]byte{1: fixedKey(5)}, 1)
	if kr.Index("phone", "+15551234567") != ref.Index("phone", "+15551234567") {
		t.Error("changing the caller's key slice changed the index key of a new purpose")
	}
}

// TestNoSecretsInFormatting: printing a keyring or master key set by mistake
// must not put a key in a log.
func TestNoSecretsInFormatting(t *testing.T) {
	kr, keys := newTestKeyring(t, 1, 2)
	path := writeKeyFile(t, keyLine("0000000a", 32, 0x5a), 0o600)
	mk, err := LoadMasterKeys(path)
	if err != nil {
		t.Fatal(err)
	}
	secrets := []string{
		base64.StdEncoding.EncodeToString(fixedKey(0x5a)), hex.EncodeToString(fixedKey(0x5a)),
		string(fixedKey(0x5a)), "5a 5a 5a", "90 90 90", // 0x5a is 90
	}
	for _, k := range keys {
		secrets = append(secrets, hex.EncodeToString(k), base64.StdEncoding.EncodeToString(k), string(k))
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		for _, v := range []any{kr, mk, *kr, *mk} {
			out := fmt.Sprintf(verb, v)
			for _, s := range secrets {
				if strings.Contains(out, s) {
					t.Errorf("Sprintf(%q, %T) = %q reveals a key", verb, v, out)
				}
			}
		}
	}
}

// TestKeyringConcurrent shares one keyring between goroutines, as the web
// server will; run with -race.
func TestKeyringConcurrent(t *testing.T) {
	kr, _ := newTestKeyring(t, 1, 2)
	want := kr.Index("email", "a@b.org")
	done := make(chan error)
	for g := range 8 {
		go func() {
			for i := range 50 {
				if kr.Index("email", "a@b.org") != want {
					done <- fmt.Errorf("goroutine %d: Index differs", g)
					return
				}
				kr.Index(fmt.Sprintf("purpose%d", i%5), "v") // first use of a purpose races to cache it
				s := fmt.Sprintf("client %d-%d", g, i)
				enc, err := kr.EncryptString(s, "c")
				if err == nil {
					var dec string
					dec, err = kr.DecryptString(enc, "c")
					if err == nil && dec != s {
						err = fmt.Errorf("round trip gave %q, want %q", dec, s)
					}
				}
				if err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

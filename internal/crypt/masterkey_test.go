package crypt

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// keyLine returns a key file line for id with a key of n bytes all equal to
// fill.
func keyLine(id string, n int, fill byte) string {
	return id + " " + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{fill}, n)) + "\n"
}

// writeKeyFile writes content to a fresh file with the given mode (set by
// chmod, so the umask does not interfere) and returns its path.
func writeKeyFile(t *testing.T, content string, mode os.FileMode) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "master.key")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	return path
}

var keyLineRE = regexp.MustCompile(`^[0-9a-f]{8} [A-Za-z0-9+/]{43}=$`)

func TestCreateMasterKeyFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "keys")
	path := filepath.Join(dir, "master.key")
	mk, err := CreateMasterKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("key file mode = %#o, want 0600", got)
	}
	for _, d := range []string{dir, filepath.Dir(dir)} {
		di, err := os.Stat(d)
		if err != nil {
			t.Fatal(err)
		}
		if got := di.Mode().Perm(); got&0o077 != 0 {
			t.Errorf("directory %s mode = %#o, want no group/other access", d, got)
		}
	}
	content, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(content), "\n"), "\n")
	if len(lines) != 1 || !keyLineRE.MatchString(lines[0]) {
		t.Fatalf("key file = %q, want one line \"<8 hex> <base64 of 32 bytes>\"", content)
	}
	if id := lines[0][:8]; mk.Current() != id || !mk.Has(id) {
		t.Errorf("Current() = %q, want %q from the file", mk.Current(), id)
	}
	loaded, err := LoadMasterKeys(path)
	if err != nil {
		t.Fatal(err)
	}
	if loaded.Current() != mk.Current() {
		t.Errorf("loaded Current() = %q, created %q", loaded.Current(), mk.Current())
	}

	// A second create must not clobber the first key.
	if _, err := CreateMasterKeyFile(path); !errors.Is(err, fs.ErrExist) || !errors.Is(err, ErrKeyFile) {
		t.Errorf("second CreateMasterKeyFile error = %v, want ErrKeyFile and fs.ErrExist", err)
	}
	if again, _ := os.ReadFile(path); !bytes.Equal(again, content) {
		t.Error("second CreateMasterKeyFile changed the existing file")
	}

	// Two files get different keys.
	other, err := CreateMasterKeyFile(filepath.Join(t.TempDir(), "master.key"))
	if err != nil {
		t.Fatal(err)
	}
	dk, _ := NewDataKey()
	w, err := other.Wrap(dk)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mk.Unwrap(w); err == nil {
		t.Error("a key wrapped under another file's master key unwrapped")
	}
}

func TestLoadMasterKeysPermissions(t *testing.T) {
	tests := []struct {
		mode    os.FileMode
		wantErr bool
	}{
		{0o600, false},
		{0o400, false},
		{0o700, false},
		{0o644, true},
		{0o640, true},
		{0o604, true},
		{0o660, true},
		{0o602, true},
		{0o620, true},
		{0o610, true},
		{0o666, true},
	}
	for _, tt := range tests {
		path := writeKeyFile(t, keyLine("0badc0de", 32, 1), tt.mode)
		_, err := LoadMasterKeys(path)
		if !tt.wantErr {
			if err != nil {
				t.Errorf("mode %#o: %v", tt.mode, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("mode %#o: loaded, want refused", tt.mode)
			continue
		}
		if !errors.Is(err, ErrKeyFile) || !strings.Contains(err.Error(), "mode "+octal(tt.mode)) {
			t.Errorf("mode %#o: error %q should wrap ErrKeyFile and name the mode %s", tt.mode, err, octal(tt.mode))
		}
	}
}

func octal(m os.FileMode) string {
	const digits = "01234567"
	p := uint32(m.Perm())
	return string([]byte{'0', digits[p>>6&7], digits[p>>3&7], digits[p&7]})
}

func TestLoadMasterKeysNotRegular(t *testing.T) {
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadMasterKeys(dir); !errors.Is(err, ErrKeyFile) {
		t.Errorf("directory: error = %v, want ErrKeyFile", err)
	}
	if _, err := LoadMasterKeys(filepath.Join(dir, "missing.key")); !errors.Is(err, ErrKeyFile) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: error = %v, want ErrKeyFile and fs.ErrNotExist", err)
	}
}

func TestLoadMasterKeysFormat(t *testing.T) {
	a := keyLine("0000000a", 32, 0xa)
	b := keyLine("0000000b", 32, 0xb)
	c := keyLine("0000000c", 32, 0xc)
	tests := []struct {
		name    string
		content string
		wantIDs []string // nil: want an error containing wantErr
		wantErr string
	}{
		{"one key", a, []string{"0000000a"}, ""},
		{"last is current", a + b + c, []string{"0000000a", "0000000b", "0000000c"}, ""},
		{"no trailing newline", a + strings.TrimSuffix(b, "\n"), []string{"0000000a", "0000000b"}, ""},
		{"comments and blanks", "# journey master keys\n\n" + a + "   \n# rotated\n" + b + "\n\n", []string{"0000000a", "0000000b"}, ""},
		{"CRLF and extra spaces", "  0000000a\t" + strings.TrimPrefix(a, "0000000a ")[:44] + "  \r\n" + strings.Replace(b, "\n", "\r\n", 1), []string{"0000000a", "0000000b"}, ""},

		{"empty file", "", nil, "holds no key"},
		{"only comments", "# nothing\n\n", nil, "holds no key"},
		{"key without id", a + strings.TrimPrefix(b, "0000000b "), nil, "line 2: want"},
		{"id without key", a + b + "0000000d\n", nil, "line 3: want"},
		{"three fields", "0000000a x " + strings.TrimPrefix(a, "0000000a "), nil, "line 1: want"},
		{"short id", keyLine("abc", 32, 1), nil, "line 1: key id"},
		{"long id", keyLine("0123456789", 32, 1), nil, "line 1: key id"},
		{"upper-case id", keyLine("0BADC0DE", 32, 1), nil, "line 1: key id"},
		{"non-hex id", keyLine("0000000g", 32, 1), nil, "line 1: key id"},
		{"bad base64", "0000000a !!!!" + strings.TrimPrefix(a, "0000000a ")[4:], nil, "line 1: key is not valid"},
		{"url base64", keyLine("0000000a", 32, 0xfb)[:9] + strings.NewReplacer("+", "-", "/", "_").Replace(keyLine("0000000a", 32, 0xfb)[9:]), nil, "line 1: key is not valid"},
		{"unpadded base64", strings.Replace(a, "=", "", 1), nil, "line 1: key is not valid"},
		{"key 31 bytes", a + keyLine("0000000b", 31, 2), nil, "line 2: key is 31 bytes, want 32"},
		{"key 33 bytes", keyLine("0000000b", 33, 2), nil, "line 1: key is 33 bytes, want 32"},
		{"key 16 bytes", keyLine("0000000b", 16, 2), nil, "line 1: key is 16 bytes, want 32"},
		{"duplicate id", a + b + keyLine("0000000a", 32, 0xd), nil, "line 3: duplicate key id 0000000a"},
		{"duplicate id, same key", a + "\n# again\n" + a, nil, "line 4: duplicate key id 0000000a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeKeyFile(t, tt.content, 0o600)
			mk, err := LoadMasterKeys(path)
			if tt.wantIDs == nil {
				if err == nil {
					t.Fatalf("loaded %v, want error containing %q", mk, tt.wantErr)
				}
				if !errors.Is(err, ErrKeyFile) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %q, want ErrKeyFile containing %q", err, tt.wantErr)
				}
				// Never echo the file's contents: they may hold a key.
				for _, f := range strings.Fields(tt.content) {
					if len(f) >= 12 && strings.Contains(err.Error(), f) {
						t.Errorf("error %q quotes the file content %q", err, f)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := mk.IDs(); !slices.Equal(got, tt.wantIDs) {
				t.Errorf("IDs() = %v, want %v", got, tt.wantIDs)
			}
			if want := tt.wantIDs[len(tt.wantIDs)-1]; mk.Current() != want {
				t.Errorf("Current() = %q, want the last line's %q", mk.Current(), want)
			}
			for _, id := range tt.wantIDs {
				if !mk.Has(id) {
					t.Errorf("Has(%q) = false", id)
				}
			}
			if mk.Has("0000000f") {
				t.Error("Has of an absent id = true")
			}
		})
	}
}

func TestWrapUnwrap(t *testing.T) {
	path := writeKeyFile(t, keyLine("0000000a", 32, 0xa)+keyLine("0000000b", 32, 0xb), 0o600)
	mk, err := LoadMasterKeys(path)
	if err != nil {
		t.Fatal(err)
	}
	dk, err := NewDataKey()
	if err != nil {
		t.Fatal(err)
	}
	w, err := mk.Wrap(dk)
	if err != nil {
		t.Fatal(err)
	}
	if len(w) != 1+8+12+32+16 || w[0] != 1 || string(w[1:9]) != "0000000b" {
		t.Fatalf("wrapped = %x (%d bytes), want version 1, id 0000000b, 69 bytes", w, len(w))
	}
	if bytes.Contains(w, dk) {
		t.Fatal("wrapped data key contains the data key")
	}
	if id, err := MasterKeyID(w); err != nil || id != "0000000b" {
		t.Errorf("MasterKeyID = %q, %v, want 0000000b", id, err)
	}
	got, err := mk.Unwrap(w)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, dk) {
		t.Fatalf("Unwrap = %x, want %x", got, dk)
	}
	w2, _ := mk.Wrap(dk)
	if bytes.Equal(w, w2) {
		t.Error("two wraps of the same key are identical: nonce reused")
	}

	// Every bit of the wrapped key is covered by authentication.
	for i := range w {
		for bit := range 8 {
			bad := bytes.Clone(w)
			bad[i] ^= 1 << bit
			if k, err := mk.Unwrap(bad); !errors.Is(err, ErrDecrypt) {
				t.Fatalf("flip byte %d bit %d: Unwrap = %x, %v, want ErrDecrypt", i, bit, k, err)
			}
		}
	}
	for n := range len(w) {
		if _, err := mk.Unwrap(w[:n]); !errors.Is(err, ErrDecrypt) {
			t.Fatalf("truncated to %d bytes: error = %v, want ErrDecrypt", n, err)
		}
	}
	if _, err := mk.Unwrap(append(bytes.Clone(w), 0)); !errors.Is(err, ErrDecrypt) {
		t.Errorf("extended: error = %v, want ErrDecrypt", err)
	}

	for _, n := range []int{0, 16, 31, 33, 64} {
		if _, err := mk.Wrap(make([]byte, n)); err == nil {
			t.Errorf("Wrap of a %d-byte key succeeded", n)
		}
	}
}

func TestUnwrapUnknownMasterKey(t *testing.T) {
	mkA, err := LoadMasterKeys(writeKeyFile(t, keyLine("0000000a", 32, 0xa), 0o600))
	if err != nil {
		t.Fatal(err)
	}
	mkB, err := LoadMasterKeys(writeKeyFile(t, keyLine("0000000b", 32, 0xb), 0o600))
	if err != nil {
		t.Fatal(err)
	}
	dk, _ := NewDataKey()
	w, _ := mkB.Wrap(dk)
	_, err = mkA.Unwrap(w)
	if !errors.Is(err, ErrNoKey) || !errors.Is(err, ErrDecrypt) || !strings.Contains(err.Error(), "0000000b") {
		t.Errorf("error = %v, want ErrNoKey and ErrDecrypt naming master key 0000000b", err)
	}

	// The id inside the wrapped key is authenticated: relabelling it fails
	// even when the other id holds the same key bytes.
	twins, err := LoadMasterKeys(writeKeyFile(t, keyLine("0000000a", 32, 0xa)+keyLine("0000000b", 32, 0xa), 0o600))
	if err != nil {
		t.Fatal(err)
	}
	tw, _ := twins.Wrap(dk)
	copy(tw[1:9], "0000000a")
	if _, err := twins.Unwrap(tw); !errors.Is(err, ErrDecrypt) {
		t.Errorf("relabelled wrapped key: error = %v, want ErrDecrypt", err)
	}

	// Same id, different key: authentication fails, not a silent wrong key.
	mkB2, err := LoadMasterKeys(writeKeyFile(t, keyLine("0000000b", 32, 0xc), 0o600))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mkB2.Unwrap(w); !errors.Is(err, ErrDecrypt) || errors.Is(err, ErrNoKey) {
		t.Errorf("wrong key under the same id: error = %v, want ErrDecrypt only", err)
	}
}

func TestAddMasterKey(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "master.key")
	mk1, err := CreateMasterKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	old := mk1.Current()
	before, _ := os.ReadFile(path)
	dk, _ := NewDataKey()
	wOld, err := mk1.Wrap(dk)
	if err != nil {
		t.Fatal(err)
	}

	mk2, err := AddMasterKey(path)
	if err != nil {
		t.Fatal(err)
	}
	cur := mk2.Current()
	if cur == old || !mk2.Has(old) || !mk2.Has(cur) {
		t.Fatalf("after AddMasterKey: current %q (old %q), IDs %v", cur, old, mk2.IDs())
	}
	if got := mk2.IDs(); !slices.Equal(got, []string{old, cur}) {
		t.Errorf("IDs() = %v, want [%s %s]", got, old, cur)
	}

	// The file: old lines kept verbatim, one new line, still 0600, no temp
	// files left beside it.
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(after, before) {
		t.Errorf("old content not kept: before %q, after %q", before, after)
	}
	newLine := strings.TrimSuffix(string(after[len(before):]), "\n")
	if !keyLineRE.MatchString(newLine) || newLine[:8] != cur {
		t.Errorf("appended %q, want a key line for %s", newLine, cur)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode after AddMasterKey = %#o, want 0600", fi.Mode().Perm())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %v, want only master.key", names)
	}

	// Data wrapped under the old key still unwraps; new wraps use the new id.
	got, err := mk2.Unwrap(wOld)
	if err != nil || !bytes.Equal(got, dk) {
		t.Fatalf("Unwrap of a key wrapped before rotation = %x, %v", got, err)
	}
	wNew, err := mk2.Rewrap(wOld)
	if err != nil {
		t.Fatal(err)
	}
	if id, _ := MasterKeyID(wNew); id != cur {
		t.Errorf("rewrapped under %q, want the new key %q", id, cur)
	}
	if got, err := mk2.Unwrap(wNew); err != nil || !bytes.Equal(got, dk) {
		t.Errorf("Unwrap of the rewrapped key = %x, %v", got, err)
	}
	// The pre-rotation set cannot know the new key.
	if _, err := mk1.Unwrap(wNew); !errors.Is(err, ErrNoKey) || !strings.Contains(err.Error(), cur) {
		t.Errorf("old set unwrapping a new wrap: %v, want ErrNoKey naming %s", err, cur)
	}

	// What is on disk matches what was returned.
	loaded, err := LoadMasterKeys(path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(loaded.IDs(), mk2.IDs()) {
		t.Errorf("reloaded IDs %v, returned %v", loaded.IDs(), mk2.IDs())
	}
	if got, err := loaded.Unwrap(wNew); err != nil || !bytes.Equal(got, dk) {
		t.Errorf("reloaded set: Unwrap = %x, %v", got, err)
	}

	// A third key.
	mk3, err := AddMasterKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if ids := mk3.IDs(); len(ids) != 3 || ids[0] != old || ids[1] != cur || mk3.Current() != ids[2] {
		t.Errorf("after a second rotation IDs = %v, current %q", ids, mk3.Current())
	}
}

func TestAddMasterKeyKeepsHandEditedFile(t *testing.T) {
	content := "# journey\n" + strings.TrimSuffix(keyLine("0000000a", 32, 0xa), "\n") // no final newline
	path := writeKeyFile(t, content, 0o600)
	mk, err := AddMasterKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if ids := mk.IDs(); len(ids) != 2 || ids[0] != "0000000a" {
		t.Fatalf("IDs() = %v", ids)
	}
	after, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(after), content+"\n") || strings.Count(string(after), "\n") != 3 {
		t.Errorf("file after AddMasterKey = %q", after)
	}
}

func TestAddMasterKeyRefusesUnsafeFile(t *testing.T) {
	for _, tt := range []struct {
		name, content string
		mode          os.FileMode
	}{
		{"world-readable", keyLine("0000000a", 32, 0xa), 0o644},
		{"malformed", "0000000a short\n", 0o600},
	} {
		path := writeKeyFile(t, tt.content, tt.mode)
		if _, err := AddMasterKey(path); !errors.Is(err, ErrKeyFile) {
			t.Errorf("%s: error = %v, want ErrKeyFile", tt.name, err)
		}
		if got, _ := os.ReadFile(path); string(got) != tt.content {
			t.Errorf("%s: file changed to %q", tt.name, got)
		}
	}
	if _, err := AddMasterKey(filepath.Join(t.TempDir(), "missing.key")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: error = %v, want fs.ErrNotExist", err)
	}
}

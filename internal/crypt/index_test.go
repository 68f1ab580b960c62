package crypt

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"slices"
	"sort"
	"testing"
)

// rfc5869 computes HKDF-SHA256 with an empty salt and a 32-byte output
// straight from RFC 5869, independently of crypto/hkdf, so the test checks
// the scheme rather than restating the code.
func rfc5869(secret []byte, info string) []byte {
	ext := hmac.New(sha256.New, make([]byte, sha256.Size)) // empty salt = HashLen zeros
	ext.Write(secret)
	prk := ext.Sum(nil)
	exp := hmac.New(sha256.New, prk)
	exp.Write([]byte(info))
	exp.Write([]byte{1})
	return exp.Sum(nil)
}

// TestIndexKnownAnswer pins the blind index scheme (the expected values were
// computed separately with Python's hmac module). If it fails, every
// index stored in a database no longer matches: do not update the expected
// values, bump the scheme version instead.
func TestIndexKnownAnswer(t *testing.T) {
	key := make([]byte, 32)
	for i := range key {
		key[i] = byte(i)
	}
	kr, err := NewKeyring(1, map[uint32][]byte{1: key}, 1)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ purpose, value, want string }{
		{"email", "maria@example.org", "1b54398ed91c6db98ce7e40f44434aba9a5f94881938281b800ff36d796ea98c"},
		{"name", "maria", "e60489e2e6aac979a5f2b17a533f35a60d08a5729e8af0f7ce6421f9e9520e1e"},
	}
	for _, tt := range tests {
		m := hmac.New(sha256.New, rfc5869(key, "journey blind index v1 "+tt.purpose))
		m.Write([]byte(tt.value))
		independent := hex.EncodeToString(m.Sum(nil))
		got := kr.Index(tt.purpose, tt.value)
		if got != independent {
			t.Errorf("Index(%q, %q) = %s, RFC 5869 + HMAC give %s", tt.purpose, tt.value, got, independent)
		}
		if got != tt.want {
			t.Errorf("Index(%q, %q) = %s, want the pinned %s", tt.purpose, tt.value, got, tt.want)
		}
	}
}

func TestIndex(t *testing.T) {
	k1, k2, k3 := fixedKey(1), fixedKey(2), fixedKey(3)
	kr, _ := NewKeyring(1, map[uint32][]byte{1: k1}, 1)
	// Same index key, but a later current data key and more keys loaded.
	krLater, _ := NewKeyring(3, map[uint32][]byte{1: k1, 2: k2, 3: k3}, 1)
	// Another practice: a different first data key.
	krOther, _ := NewKeyring(1, map[uint32][]byte{1: k2}, 1)
	// Same bytes, different id: only the bytes matter.
	krRenumbered, _ := NewKeyring(9, map[uint32][]byte{9: k1}, 9)

	v := "maria@example.org"
	base := kr.Index("email", v)
	if len(base) != 64 {
		t.Fatalf("Index = %q, want 64 hex characters (all 32 bytes)", base)
	}
	if _, err := hex.DecodeString(base); err != nil {
		t.Fatalf("Index = %q is not hex", base)
	}
	if again := kr.Index("email", v); again != base {
		t.Error("Index is not deterministic")
	}
	same := []struct {
		name string
		got  string
	}{
		{"new current data key", krLater.Index("email", v)},
		{"renumbered index key", krRenumbered.Index("email", v)},
	}
	for _, s := range same {
		if s.got != base {
			t.Errorf("%s: Index changed", s.name)
		}
	}
	different := []struct {
		name string
		got  string
	}{
		{"other purpose", kr.Index("name", v)},
		{"purpose with a trailing space", kr.Index("email ", v)},
		{"other keyring", krOther.Index("email", v)},
		{"other value", kr.Index("email", "maria@example.com")},
		{"case differs", kr.Index("email", "Maria@example.org")},
	}
	seen := map[string]string{base: "base"}
	for _, d := range different {
		if prev, dup := seen[d.got]; dup {
			t.Errorf("%s: Index equals that of %s", d.name, prev)
		}
		seen[d.got] = d.name
	}
	if got := kr.Index("email", ""); got != "" {
		t.Errorf(`Index("email", "") = %q, want ""`, got)
	}
}

// TestIndexStableAcrossMasterRotation walks a rotation as the SQL layer
// would do it and checks indexes and ciphertexts survive it.
func TestIndexStableAcrossMasterRotation(t *testing.T) {
	path := filepath.Join(t.TempDir(), "master.key")
	mk, err := CreateMasterKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dk, _ := NewDataKey()
	wrapped, err := mk.Wrap(dk)
	if err != nil {
		t.Fatal(err)
	}
	unwrapped, err := mk.Unwrap(wrapped)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := NewKeyring(1, map[uint32][]byte{1: unwrapped}, 1)
	idx := before.Index("email", "maria@example.org")
	names := before.NameIndex("María O'Neil")
	ct, _ := before.EncryptString("maria@example.org", "consults.email")

	mk2, err := AddMasterKey(path)
	if err != nil {
		t.Fatal(err)
	}
	rewrapped, err := mk2.Rewrap(wrapped)
	if err != nil {
		t.Fatal(err)
	}
	if id, _ := MasterKeyID(rewrapped); id != mk2.Current() || id == mk.Current() {
		t.Fatalf("rewrapped under %q; old %q, new %q", id, mk.Current(), mk2.Current())
	}
	reloaded, err := LoadMasterKeys(path)
	if err != nil {
		t.Fatal(err)
	}
	dk2, err := reloaded.Unwrap(rewrapped)
	if err != nil {
		t.Fatal(err)
	}
	after, _ := NewKeyring(1, map[uint32][]byte{1: dk2}, 1)
	if got := after.Index("email", "maria@example.org"); got != idx {
		t.Error("Index changed across a master key rotation")
	}
	if got := after.NameIndex("María O'Neil"); !slices.Equal(got, names) {
		t.Error("NameIndex changed across a master key rotation")
	}
	if pt, err := after.DecryptString(ct, "consults.email"); err != nil || pt != "maria@example.org" {
		t.Errorf("ciphertext from before the rotation: %q, %v", pt, err)
	}
}

func TestNameTokens(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"María José O'Neil", []string{"maria", "jose", "oneil"}},
		{"MARÍA JOSÉ O’NEIL", []string{"maria", "jose", "oneil"}},
		{"Mari\u0301a Jose\u0301", []string{"maria", "jose"}}, // decomposed accents
		{"Anne-Marie  Smith", []string{"anne", "marie", "smith"}},
		{"  Zoë\tÆrø ", []string{"zoe", "aero"}},
		{"Straße", []string{"strasse"}},
		{"Łukasz Wałęsa", []string{"lukasz", "walesa"}},
		{"Ștefan Ţurcanu Şerban", []string{"stefan", "turcanu", "serban"}},
		{"Dvořák Nguyễn Trần Thị Hương", []string{"dvorak", "nguyen", "tran", "thi", "huong"}},
		{"NGUYỄN ĐỨC", []string{"nguyen", "duc"}},
		{"İlkay Işık", []string{"ilkay", "isik"}},
		{"J. R. R. Tolkien", []string{"j", "r", "tolkien"}},
		{"d'Angelo D`Angelo", []string{"dangelo"}},
		{"Maria maria MARIA", []string{"maria"}},
		{"李小龍", []string{"李小龍"}},
		{"Żaneta 3rd", []string{"zaneta", "rd"}},
		{"", nil},
		{" - ' . ", nil},
	}
	for _, tt := range tests {
		if got := NameTokens(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("NameTokens(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNameIndex(t *testing.T) {
	kr, _ := newTestKeyring(t, 1)
	tests := []struct {
		name     string
		want     []string // plaintext tokens and prefixes, in order
		excluded []string
	}{
		{"María José O'Neil",
			[]string{"maria", "mar", "mari", "jose", "jos", "oneil", "one", "onei"},
			[]string{"m", "ma", "o", "on", "neil", "o'neil", "maria jose", "jo"}},
		{"Li Wei", []string{"li", "wei"}, []string{"l", "w", "we"}},
		{"Mar Maria", []string{"mar", "maria", "mari"}, nil}, // "mar" once
		{"Ångström", []string{"angstrom", "ang", "angs", "angst", "angstr", "angstro"}, []string{"ångström"}},
		{"李小龍", []string{"李小龍"}, []string{"李小"}}, // prefixes count runes
		{"", nil, []string{""}},
	}
	for _, tt := range tests {
		got := kr.NameIndex(tt.name)
		var want []string
		for _, w := range tt.want {
			want = append(want, kr.Index(NamePurpose, w))
		}
		if !slices.Equal(got, want) {
			t.Errorf("NameIndex(%q) has %d indexes, want those of %q", tt.name, len(got), tt.want)
		}
		for _, x := range tt.excluded {
			if x != "" && slices.Contains(got, kr.Index(NamePurpose, x)) {
				t.Errorf("NameIndex(%q) includes the index of %q", tt.name, x)
			}
		}
	}
	// Name indexes are their own purpose: an email index never matches.
	if slices.Contains(kr.NameIndex("maria"), kr.Index("email", "maria")) {
		t.Error("NameIndex shares a purpose with email")
	}
}

// TestNameSearch runs searches the way the SQL layer will: one row per
// (client, NameIndex) pair, and a client matches when every NameQuery index
// is among its rows.
func TestNameSearch(t *testing.T) {
	kr, _ := newTestKeyring(t, 1)
	clients := []string{
		"María José O'Neil", // 0
		"Mario Rossi",       // 1
		"Marianne Li",       // 2
		"Li Wei",            // 3
		"Anna Lindqvist",    // 4
		"Anne-Marie Dubois", // 5
		"José Marín",        // 6
	}
	rows := map[string][]int{}
	for id, name := range clients {
		for _, ix := range kr.NameIndex(name) {
			rows[ix] = append(rows[ix], id)
		}
	}
	search := func(q string) []int {
		idxs := kr.NameQuery(q)
		if len(idxs) == 0 {
			return nil
		}
		count := map[int]int{}
		for _, ix := range idxs {
			for _, id := range rows[ix] {
				count[id]++
			}
		}
		var out []int
		for id, n := range count {
			if n == len(idxs) {
				out = append(out, id)
			}
		}
		sort.Ints(out)
		return out
	}
	tests := []struct {
		query string
		want  []int
	}{
		{"mar", []int{0, 1, 2, 5, 6}},
		{"MAR", []int{0, 1, 2, 5, 6}},
		{"maria", []int{0, 2}},
		{"marí", []int{0, 1, 2, 5, 6}}, // "mari" is also a prefix of "marie"
		{"marie", []int{5}},
		{"María O'Neil", []int{0}},
		{"oneil", []int{0}},
		{"o’neil", []int{0}},
		{"neil", nil},
		{"jose mar", []int{0, 6}},
		{"li", []int{2, 3}},
		{"lin", []int{4}},
		{"ma", nil}, // too short to be a prefix, and no one is called "Ma"
		{"anne-marie", []int{5}},
		{"ann", []int{4, 5}},
		{"rossi mario", []int{1}},
		{"rossi maria", nil},
		{"", nil},
		{" .- ", nil},
	}
	for _, tt := range tests {
		if got := search(tt.query); !slices.Equal(got, tt.want) {
			t.Errorf("search %q = %v, want %v", tt.query, got, tt.want)
		}
	}
}

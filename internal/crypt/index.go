package crypt

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strings"
	"unicode"
)

// indexInfo starts the HKDF info of every blind index key; the purpose
// follows it. The "v1" allows a future scheme to live beside this one while
// indexes are recomputed.
const indexInfo = "journey blind index v1 "

// NamePurpose is the Index purpose NameIndex and NameQuery use.
const NamePurpose = "name"

// MinPrefix is the shortest name prefix NameIndex indexes. Shorter prefixes
// would match most of the client list and leak more than they help.
const MinPrefix = 3

// Index returns the blind index of value for a purpose such as "email": the
// hex-encoded HMAC-SHA256 (64 characters) of value under a key derived with
// HKDF-SHA256 from the keyring's index data key, with info
// "journey blind index v1 " + purpose. Equal (purpose, value) pairs give
// equal indexes, so the SQL layer can look rows up by equality; different
// purposes give unrelated indexes, so an email index cannot be matched
// against a name index.
//
// Index hashes value exactly as given: normalise first (for an email,
// journey.NormalizeEmail) or "A@x.org" and "a@x.org" will not match. The
// empty value has the empty index, mirroring EncryptString, so a blank
// optional field is never looked up as a value.
//
// The key depends only on the index data key, which never changes: master
// key rotation rewraps data keys without altering their bytes, and a new
// current data key for encryption does not move the index key. Changing it
// would orphan every stored index, since they can be recomputed only by
// decrypting every indexed field.
//
// Purposes should be a few constants: each one's derived key is cached for
// the keyring's life.
func (kr *Keyring) Index(purpose, value string) string {
	if value == "" {
		return ""
	}
	m := hmac.New(sha256.New, kr.indexKey(purpose))
	io.WriteString(m, value)
	var sum [sha256.Size]byte
	return hex.EncodeToString(m.Sum(sum[:0]))
}

func (kr *Keyring) indexKey(purpose string) []byte {
	if k, ok := kr.idx.keys.Load(purpose); ok {
		return k.([]byte)
	}
	k, err := hkdf.Key(sha256.New, kr.idx.secret, nil, indexInfo+purpose, KeySize)
	if err != nil {
		// hkdf.Key fails only for an output longer than 255 hash blocks or,
		// in FIPS 140-only mode, a secret under 112 bits; neither can
		// happen with a 32-byte secret and a 32-byte output.
		panic("crypt: deriving blind index key: " + err.Error())
	}
	k2, _ := kr.idx.keys.LoadOrStore(purpose, k)
	return k2.([]byte)
}

// NameTokens splits a person's name into the normalised words NameIndex
// indexes, in order, without duplicates:
//
//   - letters are lower-cased (Unicode), and common Latin letters with
//     accents or ligatures are folded to ASCII with a small table ("María"
//     → "maria", "Ærø" → "aero", "Straße" → "strasse"); combining marks are
//     dropped, so decomposed input ("Mari\u0301a") folds the same way;
//   - apostrophes (' ’ ‘ ʼ `) are dropped inside a word, so "O'Neil" is the
//     one token "oneil" and a search for "oneil", "O'Neil" or "O’Neil" finds
//     it (but "neil" alone does not);
//   - anything else that is not a letter (spaces, hyphens, dots, digits)
//     separates words, so "Anne-Marie" is "anne" and "marie".
//
// Letters outside the table (other scripts, rarer Latin letters) are kept
// lower-cased as they are.
func NameTokens(name string) []string {
	var tokens []string
	seen := map[string]bool{}
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			t := b.String()
			if !seen[t] {
				seen[t] = true
				tokens = append(tokens, t)
			}
			b.Reset()
		}
	}
	for _, r := range name {
		r = unicode.ToLower(r)
		switch {
		case foldTable[r] != "":
			b.WriteString(foldTable[r])
		case unicode.IsLetter(r):
			b.WriteRune(r)
		case unicode.Is(unicode.M, r), isApostrophe(r):
			// part of the word, but not indexed
		default:
			flush()
		}
	}
	flush()
	return tokens
}

// foldName is the normalised name as one string, tokens separated by single
// spaces: what a search over decrypted names compares against.
func foldName(name string) string { return strings.Join(NameTokens(name), " ") }

func isApostrophe(r rune) bool {
	switch r {
	case '\'', '\u2019', '\u2018', '\u02bc', '`':
		return true
	}
	return false
}

// NameIndex returns the blind indexes (purpose NamePurpose) to store for a
// name: one for every token of NameTokens and one for every prefix of each
// token at least MinPrefix letters long, without duplicates. "María José"
// gives the indexes of "maria", "mar", "mari", "jose" and "jos". A name of n
// letters yields at most n indexes, so journey.MaxNameLen bounds the rows.
//
// The prefixes are what lets staff type "mar" and find "Maria"; they are
// also what leaks most (see the package documentation).
func (kr *Keyring) NameIndex(name string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, kr.Index(NamePurpose, s))
		}
	}
	for _, t := range NameTokens(name) {
		add(t)
		rs := []rune(t)
		for n := MinPrefix; n < len(rs); n++ {
			add(string(rs[:n]))
		}
	}
	return out
}

// NameQuery returns the blind indexes to look up for what staff typed into a
// name search: one per token of NameTokens(query), without prefixes. A
// client matches when their stored NameIndex rows contain every one of them,
// i.e. each query word is a whole word of the name or a prefix of one.
// Query words shorter than MinPrefix letters match only whole words ("Li"
// finds "Li", not "Lindqvist").
func (kr *Keyring) NameQuery(query string) []string {
	tokens := NameTokens(query)
	out := make([]string, len(tokens))
	for i, t := range tokens {
		out[i] = kr.Index(NamePurpose, t)
	}
	return out
}

// foldTable maps lower-case Latin letters with diacritics, and ligatures, to
// their usual ASCII spelling. golang.org/x/text is not a dependency, so this
// is a table rather than Unicode decomposition. It covers Latin-1 Supplement
// and Latin Extended-A, the Romanian comma-below letters, and Vietnamese
// (Latin Extended Additional U+1EA0–U+1EF9, ơ, ư, đ), the letters most likely
// in client names; upper-case input is lower-cased before the lookup.
var foldTable = func() map[rune]string {
	groups := map[string]string{
		"a":  "àáâãäåāăąǎạảấầẩẫậắằẳẵặ",
		"c":  "çćĉċč",
		"d":  "ďđð",
		"e":  "èéêëēĕėęěẹẻẽếềểễệ",
		"g":  "ĝğġģ",
		"h":  "ĥħ",
		"i":  "ìíîïĩīĭįıǐỉị",
		"j":  "ĵ",
		"k":  "ķ",
		"l":  "ĺļľŀł",
		"n":  "ñńņňŉ",
		"o":  "òóôõöøōŏőǒơọỏốồổỗộớờởỡợ",
		"r":  "ŕŗř",
		"s":  "śŝşšș",
		"t":  "ţťŧț",
		"u":  "ùúûüũūŭůűųǔưụủứừửữự",
		"w":  "ŵ",
		"y":  "ýÿŷỳỵỷỹ",
		"z":  "źżž",
		"ss": "ß",
		"ae": "æ",
		"oe": "œ",
		"th": "þ",
		"ij": "ĳ",
	}
	t := map[rune]string{}
	for ascii, runes := range groups {
		for _, r := range runes {
			t[r] = ascii
		}
	}
	return t
}()

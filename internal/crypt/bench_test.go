package crypt

// Benchmarks of field encryption and of the two ways to search encrypted
// client names: a blind-index lookup (BenchmarkNameSearch50k) against
// decrypting every name and matching in memory (BenchmarkDecryptAll50k).
// Nothing here asserts a timing; the figures are reported, not tested.

import (
	"slices"
	"strings"
	"testing"
)

// field100 is a 100-byte PHI field, about a long address or a short note.
var field100 = strings.Repeat("0123456789", 10)

func BenchmarkEncryptString(b *testing.B) {
	kr, _ := newTestKeyring(b, 1)
	b.SetBytes(int64(len(field100)))
	for b.Loop() {
		if _, err := kr.EncryptString(field100, "clients.address"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecryptString(b *testing.B) {
	kr, _ := newTestKeyring(b, 1)
	enc, err := kr.EncryptString(field100, "clients.address")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(field100)))
	for b.Loop() {
		if _, err := kr.DecryptString(enc, "clients.address"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkIndex(b *testing.B) {
	kr, _ := newTestKeyring(b, 1)
	for b.Loop() {
		kr.Index("email", "maria.oneil@example.org")
	}
}

// BenchmarkNameIndex is the cost of indexing one client's name on write.
func BenchmarkNameIndex(b *testing.B) {
	kr, _ := newTestKeyring(b, 1)
	var n int
	for b.Loop() {
		n = len(kr.NameIndex("María José O'Neil-Hernández"))
	}
	b.ReportMetric(float64(n), "indexes/name")
}

// benchNames returns n synthetic client names, deterministically: 200 first
// names × 250 surnames, each built from syllables so prefixes repeat the
// way real names do ("Mar…", "Gar…"), a few with accents.
func benchNames(n int) []string {
	firstHeads := []string{"Ma", "Jo", "An", "El", "Li", "Sa", "Da", "Ka", "Ro", "Mi",
		"Ca", "Ju", "Lu", "Be", "Ra", "Ta", "Ni", "Pa", "Vi", "So"}
	firstTails := []string{"ria", "se", "na", "la", "am", "ra", "vid", "tin", "bert", "nia"}
	lastHeads := []string{"Gar", "Rod", "Mar", "Hern", "Lop", "Gon", "Wil", "And", "Tho", "Tay",
		"Moo", "Jack", "Whi", "Har", "Cla", "Lew", "Rob", "Wal", "You", "All",
		"Kin", "Wri", "Sco", "Gre", "Nel"}
	lastTails := []string{"cía", "son", "ez", "ton", "ley", "man", "ner", "ford", "ski", "ova"}
	var firsts, lasts []string
	for _, h := range firstHeads {
		for _, t := range firstTails {
			firsts = append(firsts, h+t)
		}
	}
	for _, h := range lastHeads {
		for _, t := range lastTails {
			lasts = append(lasts, h+t)
		}
	}
	names := make([]string, n)
	for i := range names {
		f, l := firsts[i%len(firsts)], lasts[i/len(firsts)%len(lasts)]
		if i%7 == 0 {
			f = strings.Replace(f, "a", "á", 1)
		}
		names[i] = f + " " + l
	}
	return names
}

// nameQueries are the searches both benchmarks run. Every generated name
// has a first name and a surname, so the substring search of the
// decrypt-all design finds the same clients as the index for these.
var nameQueries = []struct{ name, query string }{
	{"prefix3", "mar"},    // a 3-letter prefix: many clients
	{"surname", "garcia"}, // a full surname: 200 clients
	{"first+surname", "maria garcia"},
}

// BenchmarkNameSearch50k measures the blind-index design: each client's
// NameIndex is stored as rows (here a map from index to client ids, as a
// database index would hold them) and a search hashes the query words and
// intersects their posting lists. Building the index is setup, not timed.
func BenchmarkNameSearch50k(b *testing.B) {
	kr, _ := newTestKeyring(b, 1)
	names := benchNames(50_000)
	index := map[string][]int{}
	rows := 0
	for id, name := range names {
		for _, ix := range kr.NameIndex(name) {
			index[ix] = append(index[ix], id)
			rows++
		}
	}
	search := func(q string) []int {
		idxs := kr.NameQuery(q)
		if len(idxs) == 0 {
			return nil
		}
		// Intersect, starting from the shortest posting list.
		lists := make([][]int, len(idxs))
		for i, ix := range idxs {
			lists[i] = index[ix]
		}
		slices.SortFunc(lists, func(a, b []int) int { return len(a) - len(b) })
		out := slices.Clone(lists[0])
		for _, l := range lists[1:] {
			out = slices.DeleteFunc(out, func(id int) bool {
				_, found := slices.BinarySearch(l, id)
				return !found
			})
		}
		return out
	}
	for _, q := range nameQueries {
		b.Run(q.name, func(b *testing.B) {
			var n int
			for b.Loop() {
				n = len(search(q.query))
			}
			b.ReportMetric(float64(n), "matches")
			b.ReportMetric(float64(rows), "index-rows")
			b.ReportMetric(float64(len(index)), "distinct-indexes")
		})
	}
}

// BenchmarkDecryptAll50k measures the alternative: store only ciphertext,
// and on each search decrypt every client's name, normalise it and match
// the query as a substring. Encrypting the names is setup, not timed.
func BenchmarkDecryptAll50k(b *testing.B) {
	kr, _ := newTestKeyring(b, 1)
	names := benchNames(50_000)
	stored := make([]string, len(names))
	for i, name := range names {
		enc, err := kr.EncryptString(name, "clients.name")
		if err != nil {
			b.Fatal(err)
		}
		stored[i] = enc
	}
	search := func(q string) []int {
		words := NameTokens(q)
		var out []int
		for id, enc := range stored {
			name, err := kr.DecryptString(enc, "clients.name")
			if err != nil {
				b.Fatal(err)
			}
			folded := foldName(name)
			match := len(words) > 0
			for _, w := range words {
				if !strings.Contains(folded, w) {
					match = false
					break
				}
			}
			if match {
				out = append(out, id)
			}
		}
		return out
	}
	for _, q := range nameQueries {
		b.Run(q.name, func(b *testing.B) {
			var n int
			for b.Loop() {
				n = len(search(q.query))
			}
			b.ReportMetric(float64(n), "matches")
		})
	}
}

package audit

import (
	"bytes"
	"encoding/hex"
	"slices"
	"sync"
	"testing"
	"time"
)

// Moving a boundary between two adjacent string fields must change the
// encoding, or an attacker could shift text from one field to the next.
func TestCanonicalFieldBoundaries(t *testing.T) {
	pairs := []struct {
		name string
		a, b func(e *Entry)
	}{
		{"Action|SubjectType", func(e *Entry) { e.Action, e.SubjectType = "ab", "c" }, func(e *Entry) { e.Action, e.SubjectType = "a", "bc" }},
		{"ActorRole|Action", func(e *Entry) { e.ActorRole, e.Action = "", "x" }, func(e *Entry) { e.ActorRole, e.Action = "x", "" }},
		{"Reason|Detail", func(e *Entry) { e.Reason, e.Detail = "a b", "" }, func(e *Entry) { e.Reason, e.Detail = "a", " b" }},
		{"Detail|PrevHash", func(e *Entry) { e.Detail, e.PrevHash = "\x00", []byte{0, 0} }, func(e *Entry) { e.Detail, e.PrevHash = "", []byte{0, 0, 0} }},
	}
	for _, p := range pairs {
		t.Run(p.name, func(t *testing.T) {
			a, b := entryN(1), entryN(1)
			p.a(a)
			p.b(b)
			if bytes.Equal(Canonical(a), Canonical(b)) {
				t.Fatal("different entries have the same canonical encoding")
			}
			Seal(testKey, nil, a)
			Seal(testKey, nil, b)
			if bytes.Equal(a.Hash, b.Hash) {
				t.Fatal("different entries have the same hash")
			}
		})
	}
}

// Canonical v1 is frozen: entries already stored were sealed over it. This
// golden value must never be updated; a new format needs a new tag.
func TestCanonicalGolden(t *testing.T) {
	e := &Entry{
		Seq:         7,
		Time:        time.Date(2026, 1, 2, 3, 4, 5, 678901000, time.UTC),
		ActorID:     42,
		ActorRole:   "therapist",
		Action:      "consult.read",
		SubjectType: "consult",
		SubjectID:   "1234",
		ClientAddr:  "203.0.113.9",
		Outcome:     "success",
		Reason:      "",
		Detail:      "d",
		PrevHash:    bytes.Repeat([]byte{0xab}, HashSize),
	}
	c := Canonical(e)
	if !bytes.HasPrefix(c, append([]byte{0, 0, 0, 0, 0, 0, 0, 22}, "journey-audit-entry v1"...)) {
		t.Fatalf("canonical encoding does not start with the v1 tag: %x", c[:30])
	}
	wantCanonical := "" +
		"0000000000000016" + hexs("journey-audit-entry v1") +
		"0000000000000007" + // Seq
		"0006475ef6574f35" + // Time.UnixMicro() = 1767323045678901
		"000000000000002a" + // ActorID
		"0000000000000009" + hexs("therapist") +
		"000000000000000c" + hexs("consult.read") +
		"0000000000000007" + hexs("consult") +
		"0000000000000004" + hexs("1234") +
		"000000000000000b" + hexs("203.0.113.9") +
		"0000000000000007" + hexs("success") +
		"0000000000000000" + // Reason ""
		"0000000000000001" + hexs("d") +
		"0000000000000020" + "abababababababababababababababababababababababababababababababab"
	if got := hex.EncodeToString(c); got != wantCanonical {
		t.Fatalf("Canonical =\n%s\nwant\n%s", got, wantCanonical)
	}
	if len(c) != canonicalSize(e) {
		t.Errorf("canonicalSize = %d, len = %d", canonicalSize(e), len(c))
	}
	Seal(testKey, e.PrevHash, e)
	if got, want := hex.EncodeToString(e.Hash), goldenHash; got != want {
		t.Fatalf("Hash = %s, want %s", got, want)
	}
}

// goldenHash is HMAC-SHA256 of the canonical bytes above under testKey,
// computed independently (Python hmac) when format v1 was fixed.
const goldenHash = "5769c4e29ceec2b8a2bd77f804ad7e56ba5e9bf1bc9fd1adad4832370f04230d"

func hexs(s string) string { return hex.EncodeToString([]byte(s)) }

// Seal must store exactly what it hashed, in the form the databases keep, so
// an honest round trip never reads as tampering.
func TestSealNormalises(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		ny = time.FixedZone("EST", -5*3600)
	}
	e := entryN(1)
	e.Seq = 1
	e.Time = time.Date(2026, 3, 8, 1, 59, 59, 999999999, ny)
	e.Detail = "bad \xff byte and NUL \x00"
	Seal(testKey, nil, e)
	if e.Time.Location() != time.UTC || e.Time.Nanosecond()%1000 != 0 {
		t.Errorf("Time = %v, want UTC at microsecond precision", e.Time)
	}
	if e.Detail != "bad \uFFFD byte and NUL \uFFFD" {
		t.Errorf("Detail = %q", e.Detail)
	}
	if !bytes.Equal(e.PrevHash, make([]byte, HashSize)) {
		t.Errorf("PrevHash of the first entry = %x, want zeros", e.PrevHash)
	}
	// Simulate storage: time rebuilt from UnixMicro.
	stored := *e
	stored.Time = time.UnixMicro(e.Time.UnixMicro()).In(ny)
	v := NewVerifier(testKey)
	if p := v.Add(&stored); p != nil {
		t.Fatalf("stored entry does not verify: %v", p)
	}
}

func TestSealCopiesPrev(t *testing.T) {
	prev := bytes.Repeat([]byte{1}, HashSize)
	e := entryN(2)
	e.Seq = 2
	Seal(testKey, prev, e)
	prev[0] = 9
	if e.PrevHash[0] != 1 {
		t.Fatal("Seal kept a reference to the caller's prev slice")
	}
}

func TestSealPanicsOnBadKey(t *testing.T) {
	for _, k := range []Key{nil, make(Key, 16), make(Key, 33)} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Seal with a %d-byte key did not panic", len(k))
				}
			}()
			Seal(k, nil, entryN(1))
		}()
	}
}

// Chain and Seal must agree, since either may be used for a given entry.
func TestChainMatchesSeal(t *testing.T) {
	es := buildChain(testKey, 5)
	prev := []byte(nil)
	for i, e := range es {
		want := entryN(i + 1)
		want.Seq = int64(i + 1)
		Seal(testKey, prev, want)
		if !bytes.Equal(e.Hash, want.Hash) || !bytes.Equal(e.PrevHash, want.PrevHash) {
			t.Fatalf("entry %d: Chain and Seal differ", i+1)
		}
		prev = want.Hash
	}
}

func TestChainReset(t *testing.T) {
	es := buildChain(testKey, 10)
	// A fresh writer process picks up the end of the table.
	c := NewChain(testKey)
	c.Reset(10, es[9].Hash)
	for i := 11; i <= 20; i++ {
		e := entryN(i)
		c.Next(e)
		es = append(es, e)
	}
	if p := verify(t, testKey, es, nil, false); p != nil {
		t.Fatalf("chain continued after Reset: %v", p)
	}
	// A rolled-back insert: Next advanced, the row never landed; Reset
	// from the table puts the chain back.
	c.Next(entryN(21))
	c.Reset(20, es[19].Hash)
	e := entryN(21)
	c.Next(e)
	if e.Seq != 21 {
		t.Fatalf("after Reset, Seq = %d, want 21", e.Seq)
	}
	es = append(es, e)
	if p := verify(t, testKey, es, nil, false); p != nil {
		t.Fatalf("chain after rollback and Reset: %v", p)
	}
	if seq, h := c.Last(); seq != 21 || !bytes.Equal(h, e.Hash) {
		t.Fatalf("Last = %d, %x", seq, h)
	}
	// Reset to empty.
	c.Reset(0, nil)
	e = entryN(1)
	c.Next(e)
	if e.Seq != 1 || !bytes.Equal(e.PrevHash, make([]byte, HashSize)) {
		t.Fatalf("after Reset(0, nil): Seq %d, PrevHash %x", e.Seq, e.PrevHash)
	}
}

func TestChainResetPanicsOnBadHash(t *testing.T) {
	for _, tc := range []struct {
		seq  int64
		hash []byte
	}{{5, nil}, {5, make([]byte, 64)}, {-1, make([]byte, HashSize)}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Reset(%d, %d bytes) did not panic", tc.seq, len(tc.hash))
				}
			}()
			NewChain(testKey).Reset(tc.seq, tc.hash)
		}()
	}
}

// Concurrent Next calls must hand out every Seq once and link each entry to
// the one numbered before it (run with -race for the data-race half).
func TestChainConcurrent(t *testing.T) {
	c := NewChain(testKey)
	const workers, each = 8, 200
	var (
		mu  sync.Mutex
		all []*Entry
		wg  sync.WaitGroup
	)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				e := entryN(w*each + i)
				c.Next(e)
				mu.Lock()
				all = append(all, e)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	slices.SortFunc(all, func(a, b *Entry) int { return int(a.Seq - b.Seq) })
	if p := verify(t, testKey, all, nil, false); p != nil {
		t.Fatalf("concurrent chain: %v", p)
	}
	if len(all) != workers*each {
		t.Fatalf("%d entries", len(all))
	}
}

package audit

import (
	"bytes"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

var (
	testKey  = Key(bytes.Repeat([]byte{0x42}, KeySize))
	otherKey = Key(bytes.Repeat([]byte{0x17}, KeySize))
	t0       = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
)

// entryN is the unsealed content of the n-th test entry: varied enough that
// every field takes several values along the chain.
func entryN(n int) *Entry {
	actions := []string{"consult.read", "client.export", "signin.failure", "consult.update"}
	outcomes := []string{OutcomeSuccess, OutcomeDenied, OutcomeFailure}
	e := &Entry{
		Time:        t0.Add(time.Duration(n) * 1234567 * time.Microsecond),
		ActorID:     int64(n%7 + 1),
		ActorRole:   "therapist",
		Action:      actions[n%len(actions)],
		SubjectType: "consult",
		SubjectID:   fmt.Sprint(1000 + n),
		ClientAddr:  fmt.Sprintf("203.0.113.%d", n%250),
		Outcome:     outcomes[n%len(outcomes)],
	}
	if n%10 == 0 {
		e.Reason = "break-glass: client in crisis, on-call clinician"
		e.Detail = "emergency access"
	}
	return e
}

// buildChain seals n entries with a Chain, as the writer would.
func buildChain(key Key, n int) []*Entry {
	c := NewChain(key)
	es := make([]*Entry, n)
	for i := range es {
		es[i] = entryN(i + 1)
		c.Next(es[i])
	}
	return es
}

// cloneEntries deep-copies es, so each tamper case starts from the same
// intact table.
func cloneEntries(es []*Entry) []*Entry {
	out := make([]*Entry, len(es))
	for i, e := range es {
		c := *e
		c.PrevHash = bytes.Clone(e.PrevHash)
		c.Hash = bytes.Clone(e.Hash)
		out[i] = &c
	}
	return out
}

// headAt is the checkpoint the writer would have taken after entry seq.
func headAt(es []*Entry, seq int64) *Head {
	return &Head{Seq: seq, Hash: bytes.Clone(es[seq-1].Hash), Time: t0.Add(time.Hour)}
}

// verify streams es through a Verifier and returns the verdict. It also
// checks the Verifier's own contract: Add reports at most one problem, and
// that problem is what Finish and First return.
func verify(t *testing.T, key Key, es []*Entry, head *Head, expect bool) *Problem {
	t.Helper()
	v := NewVerifier(key)
	if expect && head != nil {
		v.ExpectHead(*head)
	}
	var fromAdd []*Problem
	for _, e := range es {
		if p := v.Add(e); p != nil {
			fromAdd = append(fromAdd, p)
		}
	}
	p := v.Finish(head)
	if len(fromAdd) > 1 {
		t.Errorf("Add reported %d problems, want at most 1: %v", len(fromAdd), fromAdd)
	}
	if len(fromAdd) == 1 && fromAdd[0] != p {
		t.Errorf("Finish = %v, want the problem Add reported, %v", p, fromAdd[0])
	}
	if v.First() != p {
		t.Errorf("First = %v, Finish = %v", v.First(), p)
	}
	if v.Count() != int64(len(es)) {
		t.Errorf("Count = %d, want %d", v.Count(), len(es))
	}
	if again := v.Finish(head); again != p {
		t.Errorf("second Finish = %v, want %v", again, p)
	}
	return p
}

func TestVerify(t *testing.T) {
	const n = 100
	intact := buildChain(testKey, n)

	// edit changes one field of entry 40 the way someone with database
	// access but no key would: in place, hashes untouched.
	edit := func(f func(e *Entry)) func([]*Entry) []*Entry {
		return func(es []*Entry) []*Entry { f(es[39]); return es }
	}
	// reseal re-seals es[from-1:] in order under key, keeping each entry's
	// Seq: what an attacker must do to make edits consistent.
	reseal := func(es []*Entry, key Key, from int) {
		prev := zeroHash
		if from > 1 {
			prev = es[from-2].Hash
		}
		for _, e := range es[from-1:] {
			Seal(key, prev, e)
			prev = e.Hash
		}
	}

	tests := []struct {
		name     string
		tamper   func([]*Entry) []*Entry
		head     *Head // checkpoint; nil for none
		expect   bool  // announce head with ExpectHead first
		wantKind string
		wantSeq  int64
	}{
		{name: "intact"},
		{name: "intact, head at end", head: headAt(intact, n)},
		{name: "intact, earlier head announced", head: headAt(intact, 80), expect: true},

		// Any field edited without the key: "changed" at that entry.
		{name: "edit ActorID", tamper: edit(func(e *Entry) { e.ActorID = 999 }), wantKind: KindChanged, wantSeq: 40},
		{name: "edit ActorRole", tamper: edit(func(e *Entry) { e.ActorRole = "admin" }), wantKind: KindChanged, wantSeq: 40},
		{name: "edit Action", tamper: edit(func(e *Entry) { e.Action = "consult.list" }), wantKind: KindChanged, wantSeq: 40},
		{name: "edit SubjectType", tamper: edit(func(e *Entry) { e.SubjectType = "client" }), wantKind: KindChanged, wantSeq: 40},
		{name: "edit SubjectID", tamper: edit(func(e *Entry) { e.SubjectID = "1" }), wantKind: KindChanged, wantSeq: 40},
		{name: "edit Outcome", tamper: edit(func(e *Entry) { e.Outcome = OutcomeSuccess }), wantKind: KindChanged, wantSeq: 40},
		{name: "edit Reason", tamper: edit(func(e *Entry) { e.Reason = "routine" }), wantKind: KindChanged, wantSeq: 40},
		{name: "edit Time by 1µs", tamper: edit(func(e *Entry) { e.Time = e.Time.Add(time.Microsecond) }), wantKind: KindChanged, wantSeq: 40},
		{name: "edit ClientAddr", tamper: edit(func(e *Entry) { e.ClientAddr = "198.51.100.1" }), wantKind: KindChanged, wantSeq: 40},
		{name: "edit Detail", tamper: edit(func(e *Entry) { e.Detail = "x" }), wantKind: KindChanged, wantSeq: 40},
		{name: "edit PrevHash", tamper: edit(func(e *Entry) { e.PrevHash[0] ^= 1 }), wantKind: KindChanged, wantSeq: 40},
		{name: "edit Hash", tamper: edit(func(e *Entry) { e.Hash[31] ^= 1 }), wantKind: KindChanged, wantSeq: 40},

		// Deletion in the middle: "gap" at the missing Seq (chosen over
		// "broken-link" at 41, which would name an entry that is fine).
		{name: "delete 40", tamper: func(es []*Entry) []*Entry { return slices.Delete(es, 39, 40) }, wantKind: KindGap, wantSeq: 40},
		{name: "delete 40-44", tamper: func(es []*Entry) []*Entry { return slices.Delete(es, 39, 44) }, wantKind: KindGap, wantSeq: 40},
		{name: "delete 1", tamper: func(es []*Entry) []*Entry { return es[1:] }, wantKind: KindGap, wantSeq: 1},
		{name: "delete 99 of 100", tamper: func(es []*Entry) []*Entry { return slices.Delete(es, 98, 99) }, wantKind: KindGap, wantSeq: 99},

		// A forged entry inserted after 40, linked to 40 and sealed with a
		// wrong key; the entries after it renumbered (or not).
		{name: "insert forged, renumber rest", tamper: func(es []*Entry) []*Entry {
			f := entryN(1000)
			f.Seq = 41
			Seal(otherKey, es[39].Hash, f)
			for _, e := range es[40:] {
				e.Seq++
			}
			return slices.Insert(es, 40, f)
		}, wantKind: KindChanged, wantSeq: 41},
		{name: "insert forged, duplicate seq", tamper: func(es []*Entry) []*Entry {
			f := entryN(1000)
			f.Seq = 41
			Seal(otherKey, es[39].Hash, f)
			return slices.Insert(es, 40, f)
		}, wantKind: KindChanged, wantSeq: 41},

		// Reordering and duplication: "order" at the entry out of place.
		{name: "swap 40 and 41", tamper: func(es []*Entry) []*Entry { es[39], es[40] = es[40], es[39]; return es }, wantKind: KindOrder, wantSeq: 40},
		{name: "entry 40 twice", tamper: func(es []*Entry) []*Entry { return slices.Insert(es, 40, es[39]) }, wantKind: KindOrder, wantSeq: 40},
		{name: "entry 40 moved back", tamper: func(es []*Entry) []*Entry {
			e := es[39]
			es = slices.Delete(es, 39, 40)
			return slices.Insert(es, 50, e)
		}, wantKind: KindGap, wantSeq: 40}, // not adjacent: looks deleted at 40
		{name: "renumbered from 0", tamper: func(es []*Entry) []*Entry {
			for _, e := range es {
				e.Seq--
			}
			return es
		}, wantKind: KindOrder, wantSeq: 0},

		// Keyless rewrites of the whole table.
		{name: "whole table re-sealed with another key", tamper: func(es []*Entry) []*Entry { reseal(es, otherKey, 1); return es }, wantKind: KindChanged, wantSeq: 1},

		// Insider with the key re-seals one entry in place: the entry is
		// valid, the next one no longer links to it.
		{name: "key holder re-seals 40 alone", tamper: func(es []*Entry) []*Entry {
			es[39].Detail = "rewritten"
			Seal(testKey, es[38].Hash, es[39])
			return es
		}, wantKind: KindBrokenLink, wantSeq: 41},

		// The tail: only the head checkpoint sees it.
		{name: "truncate last 10, no head (undetectable)", tamper: func(es []*Entry) []*Entry { return es[:90] }},
		{name: "truncate last 10, head at 100", tamper: func(es []*Entry) []*Entry { return es[:90] }, head: headAt(intact, 100), wantKind: KindTruncated, wantSeq: 91},
		{name: "truncate last 10, head announced", tamper: func(es []*Entry) []*Entry { return es[:90] }, head: headAt(intact, 100), expect: true, wantKind: KindTruncated, wantSeq: 91},
		{name: "delete last, head at 100", tamper: func(es []*Entry) []*Entry { return es[:99] }, head: headAt(intact, 100), wantKind: KindTruncated, wantSeq: 100},
		{name: "delete all, head at 100", tamper: func(es []*Entry) []*Entry { return nil }, head: headAt(intact, 100), wantKind: KindTruncated, wantSeq: 1},
		{name: "truncate after the head (undetectable)", tamper: func(es []*Entry) []*Entry { return es[:95] }, head: headAt(intact, 90), expect: true},

		// Insider with the key but not the head file rewrites consistently.
		{name: "key holder rewrites last entry, head at 100", tamper: func(es []*Entry) []*Entry {
			es[99].Outcome = OutcomeSuccess
			es[99].Detail = "nothing to see"
			reseal(es, testKey, 100)
			return es
		}, head: headAt(intact, 100), wantKind: KindHeadMismatch, wantSeq: 100},
		{name: "key holder rewrites from 50, head at 80 announced", tamper: func(es []*Entry) []*Entry {
			es[49].ActorID = 3
			reseal(es, testKey, 50)
			return es
		}, head: headAt(intact, 80), expect: true, wantKind: KindHeadMismatch, wantSeq: 80},
		{name: "key holder rewrites after the head (undetectable)", tamper: func(es []*Entry) []*Entry {
			es[89].ActorID = 3
			reseal(es, testKey, 90)
			return es
		}, head: headAt(intact, 80), expect: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es := cloneEntries(intact)
			if tt.tamper != nil {
				es = tt.tamper(es)
				if reflect.DeepEqual(es, intact) {
					t.Fatal("tamper left the table unchanged; the case tests nothing")
				}
			}
			p := verify(t, testKey, es, tt.head, tt.expect)
			switch {
			case tt.wantKind == "" && p != nil:
				t.Fatalf("got %v, want no problem", p)
			case tt.wantKind == "":
			case p == nil:
				t.Fatalf("no problem found, want %s at %d", tt.wantKind, tt.wantSeq)
			case p.Kind != tt.wantKind || p.Seq != tt.wantSeq:
				t.Fatalf("got %v, want %s at %d", p, tt.wantKind, tt.wantSeq)
			case p.Detail == "":
				t.Errorf("problem has no detail: %v", p)
			}
		})
	}
}

// The gap verdict needs the entry after the jump; Add must report it there,
// so a caller that stops at the first problem does not read the whole table.
func TestVerifierReportsAtFirstBadEntry(t *testing.T) {
	es := buildChain(testKey, 100)
	es = slices.Delete(es, 39, 40) // 1..39, 41..100
	v := NewVerifier(testKey)
	for i, e := range es {
		p := v.Add(e)
		switch {
		case e.Seq == 42 && (p == nil || p.Kind != KindGap || p.Seq != 40):
			t.Fatalf("Add(42) = %v, want gap at 40", p)
		case e.Seq != 42 && p != nil:
			t.Fatalf("Add(%d) (#%d) = %v, want nil", e.Seq, i, p)
		}
	}
	if p := v.Finish(nil); p == nil || p.Kind != KindGap {
		t.Fatalf("Finish = %v", p)
	}
	if got := v.Add(es[0]); got != nil {
		t.Errorf("Add after Finish = %v", got)
	}
}

// A problem at the head's entry must outrank a later one, so the head check
// runs as the stream passes it, not only at Finish.
func TestHeadMismatchBeforeLaterChange(t *testing.T) {
	es := buildChain(testKey, 100)
	head := headAt(es, 80)
	es[79].Detail = "rewritten"
	Seal(testKey, es[78].Hash, es[79])
	for _, e := range es[80:] { // relink the rest, valid under the key
		Seal(testKey, es[e.Seq-2].Hash, e)
	}
	es[89].Detail = "edited without the key"
	p := verify(t, testKey, es, head, true)
	if p == nil || p.Kind != KindHeadMismatch || p.Seq != 80 {
		t.Fatalf("got %v, want head-mismatch at 80", p)
	}
}

// Finish cannot check a head the stream has passed unless it was announced;
// passing it silently would be the worst outcome.
func TestFinishUnannouncedOldHeadPanics(t *testing.T) {
	es := buildChain(testKey, 100)
	v := NewVerifier(testKey)
	for _, e := range es {
		v.Add(e)
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "ExpectHead") {
			t.Fatalf("recover() = %v, want a panic naming ExpectHead", r)
		}
	}()
	v.Finish(headAt(es, 80))
}

func TestProblemString(t *testing.T) {
	p := &Problem{Seq: 40, Kind: KindGap, Detail: "entry 40 is missing (deleted)"}
	if got, want := p.String(), "audit entry 40: gap: entry 40 is missing (deleted)"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
}

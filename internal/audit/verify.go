package audit

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"hash"
)

// Problem kinds, in Problem.Kind.
const (
	// KindChanged: the entry's Hash is not the HMAC of its contents under
	// the key — it was edited, or forged or inserted without the key.
	KindChanged = "changed"
	// KindGap: entries are missing (deleted); Problem.Seq is the first
	// missing Seq.
	KindGap = "gap"
	// KindOrder: Seq went back or repeated (entries reordered or
	// duplicated); Problem.Seq is the Seq of the entry that arrived out of
	// place.
	KindOrder = "order"
	// KindBrokenLink: the entry is validly sealed but its PrevHash is not
	// the Hash of the entry before it. Without the key this cannot be
	// produced (the edit would show as "changed"), so it means a key holder
	// re-sealed an entry, or two writers forked the chain.
	KindBrokenLink = "broken-link"
	// KindTruncated: the table ends before the head checkpoint's Seq — its
	// newest entries were deleted. Problem.Seq is the first missing Seq.
	KindTruncated = "truncated"
	// KindHeadMismatch: the entry at the head checkpoint's Seq has a
	// different Hash than the checkpoint recorded — the table was rewritten
	// consistently, which needs the key. Problem.Seq is the head's Seq; the
	// rewrite began at or before it.
	KindHeadMismatch = "head-mismatch"
)

// Problem is the first thing found wrong with an audit trail. Seq names the
// first bad entry (see the Kind constants for what it is for each kind).
type Problem struct {
	// Seq is the first bad entry's Seq (for "gap" and "truncated", the first
	// missing one; for "head-mismatch", the head's).
	Seq int64
	// Kind is one of the Kind constants, for code to act on.
	Kind string
	// Detail says what was found, in words, for the person investigating.
	Detail string
}

// String formats p for logs and reports.
func (p *Problem) String() string {
	return fmt.Sprintf("audit entry %d: %s: %s", p.Seq, p.Kind, p.Detail)
}

// Verifier checks entries streamed to it in Seq order — the caller reads them
// from the database page by page, so the trail never has to fit in memory —
// and then checks the end of the stream against the head checkpoint.
//
// Typical use, reading the head BEFORE the entries so that the table (which
// keeps growing) is at least as long as the head says:
//
//	v := audit.NewVerifier(key)
//	var head *audit.Head // nil: no checkpoint yet (errors.Is(err, audit.ErrNoHead))
//	if h, err := audit.ReadHead(headPath, key); err == nil {
//		head = &h
//		v.ExpectHead(h)
//	} else if !errors.Is(err, audit.ErrNoHead) {
//		… a forged or damaged head: report it …
//	}
//	for each entry e, ORDER BY seq { if v.Add(e) != nil { break } }
//	if p := v.Finish(head); p != nil { … report p … }
//
// Only the first problem is reported: after it, the rest of the chain has
// nothing sound to be checked against. Add returns it once, at the entry
// where it is found; later Adds return nil; First and Finish return it.
//
// Rules, checked in this order for each entry:
//
//  1. Seq is one more than the previous Seq (1 for the first entry). A
//     jump means the entries in between are missing ("gap", at the first
//     missing Seq) — unless the very next entry goes back to fill it, in
//     which case the two were swapped ("order"). Telling the two apart
//     needs that next entry, so a gap is reported by the Add after the
//     jump, or by Finish. A Seq that goes back or repeats is "order".
//  2. Hash is the HMAC of the entry under the key, else "changed". This
//     comes before the link check so that an edit by someone without the
//     key (the common threat) is always called "changed", and
//     "broken-link" keeps its narrower meaning.
//  3. PrevHash is the previous entry's Hash (zero bytes for Seq 1), else
//     "broken-link".
//  4. If this is the entry named by ExpectHead, its Hash is the head's,
//     else "head-mismatch".
//
// So deleting entry 40 of 100 reports "gap" at 40 (not "broken-link" at
// 41). Deleting the LAST entries leaves a valid shorter chain; only Finish
// with a head checkpoint catches that ("truncated").
//
// A Verifier is not safe for concurrent use; one verification is one
// sequential scan.
type Verifier struct {
	mac hash.Hash
	buf []byte // canonical encoding scratch
	sum []byte // computed HMAC scratch

	count    int64
	lastSeq  int64
	lastHash []byte

	// jump is set when the previous entry skipped ahead; see rule 1.
	jump *Problem

	// The head announced by ExpectHead, and whether its entry was seen.
	want     *Head
	wantSeen bool

	first    *Problem
	finished bool
}

// NewVerifier returns a Verifier for a chain sealed under key. It panics if
// key is not KeySize bytes (see Seal).
func NewVerifier(key Key) *Verifier {
	mustKey(key)
	return &Verifier{
		mac:      hmac.New(sha256.New, key),
		lastHash: bytes.Clone(zeroHash),
	}
}

// ExpectHead tells the Verifier, before the first Add, which head checkpoint
// the stream will be checked against, so that it can check the entry at
// h.Seq as it streams past. This is needed whenever the table may have grown
// past the head (the normal case: heads are written every N entries); the
// alternative, keeping every hash until Finish, would not fit in memory for
// years of audit trail. Finish with the same head then checks the rest.
func (v *Verifier) ExpectHead(h Head) {
	h.Hash = bytes.Clone(h.Hash)
	v.want = &h
}

// Add checks the next entry of the stream. It returns the first problem of
// the whole verification when it is found (at this entry, or — for a gap —
// at the entry after the jump), and nil otherwise, including for every entry
// after the first problem. Add keeps no reference to e.
func (v *Verifier) Add(e *Entry) *Problem {
	if v.finished {
		return nil
	}
	v.count++
	if v.first != nil {
		return nil
	}
	if v.jump != nil {
		if e.Seq <= v.lastSeq {
			return v.outOfOrder(e.Seq)
		}
		return v.fail(v.jump.Seq, v.jump.Kind, v.jump.Detail)
	}
	next := v.lastSeq + 1
	switch {
	case e.Seq < next:
		return v.outOfOrder(e.Seq)
	case e.Seq > next:
		v.jump = &Problem{Seq: next, Kind: KindGap, Detail: missing(next, e.Seq-1)}
		v.lastSeq = e.Seq
		return nil
	}

	v.buf = appendCanonical(v.buf[:0], e)
	v.mac.Reset()
	v.mac.Write(v.buf)
	v.sum = v.mac.Sum(v.sum[:0])
	if !hmac.Equal(v.sum, e.Hash) {
		return v.fail(e.Seq, KindChanged, "hash does not match the entry's contents under the audit key (edited, or forged without the key)")
	}
	if !bytes.Equal(e.PrevHash, v.lastHash) {
		return v.fail(e.Seq, KindBrokenLink, fmt.Sprintf("validly sealed, but its previous hash is not the hash of entry %d (re-sealed by a key holder, or a forked chain)", e.Seq-1))
	}
	v.lastSeq = e.Seq
	v.lastHash = append(v.lastHash[:0], e.Hash...)
	if v.want != nil && e.Seq == v.want.Seq {
		v.wantSeen = true
		if !hmac.Equal(e.Hash, v.want.Hash) {
			return v.fail(e.Seq, KindHeadMismatch, headMismatch(v.want))
		}
	}
	return nil
}

// Finish ends the stream and returns the verdict: the first problem of the
// whole verification, or nil if the trail verified. Besides any problem
// already returned by Add, it reports a gap still pending at the end, and
// checks the stream's end against head:
//
//   - head == nil means there is no checkpoint yet (ErrNoHead); only the
//     chain itself is checked, so deleted last entries go unnoticed;
//   - a stream that ends before head.Seq is "truncated" (Seq = the first
//     missing entry);
//   - an entry at head.Seq whose Hash is not head.Hash is "head-mismatch".
//
// If head.Seq is below the last Seq streamed, the entry at head.Seq is long
// gone from memory; ExpectHead must then have been called with this head's
// Seq before the stream reached it. Finish panics otherwise, because
// returning nil would pass a check that was never made, and calling it
// tampering would send staff chasing a programming error.
//
// Calling Finish again returns the same verdict; Add after Finish is ignored.
func (v *Verifier) Finish(head *Head) *Problem {
	if v.finished || v.first != nil {
		v.finished = true
		return v.first
	}
	v.finished = true
	if v.jump != nil {
		return v.fail(v.jump.Seq, v.jump.Kind, v.jump.Detail)
	}
	if head == nil || head.Seq <= 0 {
		return nil
	}
	var got []byte
	switch {
	case head.Seq > v.lastSeq:
		return v.fail(v.lastSeq+1, KindTruncated, fmt.Sprintf(
			"the table ends at entry %d but the checkpoint taken %s names entry %d: %s deleted",
			v.lastSeq, head.Time.UTC().Format("2006-01-02 15:04:05 MST"), head.Seq, missingCount(v.lastSeq+1, head.Seq)))
	case head.Seq == v.lastSeq:
		got = v.lastHash
	case v.want != nil && v.want.Seq == head.Seq && v.wantSeen:
		// Add compared it with the announced head's hash; compare with
		// this one too, in case the two heads differ.
		got = v.want.Hash
	default:
		panic(fmt.Sprintf("audit: Verifier.Finish: head names entry %d, already streamed past (last %d); call ExpectHead before Add", head.Seq, v.lastSeq))
	}
	if !hmac.Equal(got, head.Hash) {
		return v.fail(head.Seq, KindHeadMismatch, headMismatch(head))
	}
	return nil
}

// First returns the first problem found so far, or nil.
func (v *Verifier) First() *Problem { return v.first }

// Count returns how many entries were passed to Add before Finish (including
// any after the first problem), for "N entries checked" in reports.
func (v *Verifier) Count() int64 { return v.count }

// outOfOrder reports an entry whose Seq is not above the previous one.
func (v *Verifier) outOfOrder(seq int64) *Problem {
	switch {
	case v.lastSeq == 0:
		return v.fail(seq, KindOrder, fmt.Sprintf("the first entry has seq %d; the chain starts at 1", seq))
	case seq == v.lastSeq:
		return v.fail(seq, KindOrder, fmt.Sprintf("entry %d appears twice", seq))
	}
	return v.fail(seq, KindOrder, fmt.Sprintf("entry %d comes after entry %d", seq, v.lastSeq))
}

func (v *Verifier) fail(seq int64, kind, detail string) *Problem {
	v.first = &Problem{Seq: seq, Kind: kind, Detail: detail}
	return v.first
}

func missing(from, to int64) string {
	if from == to {
		return fmt.Sprintf("entry %d is missing (deleted)", from)
	}
	return fmt.Sprintf("entries %d to %d are missing (deleted)", from, to)
}

func missingCount(from, to int64) string {
	if from == to {
		return fmt.Sprintf("entry %d was", from)
	}
	return fmt.Sprintf("entries %d to %d were", from, to)
}

func headMismatch(h *Head) string {
	return fmt.Sprintf("hash differs from the checkpoint taken %s: the table was rewritten at or before this entry by someone holding the audit key",
		h.Time.UTC().Format("2006-01-02 15:04:05 MST"))
}

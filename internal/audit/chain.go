package audit

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"hash"
	"sync"
)

// Chain is the writer's view of the end of the chain: the last Seq and Hash,
// so that the next entry can be numbered and linked without a query.
//
// Chain is safe for concurrent use (a mutex guards it), but that only keeps
// its own fields consistent. Numbering entries correctly also needs the
// appends themselves to be serialised, which only the database can do across
// transactions and processes: the SQL layer must append under a single
// writer or a lock on the chain's end (SQLite's one write connection, or
// SELECT … FOR UPDATE on PostgreSQL), and call Next inside the transaction
// that inserts the row.
//
// When that transaction (or the savepoint holding the insert) rolls back,
// the Chain has already advanced past an entry that does not exist, and the
// next entry would leave a gap — which verification reports as deleted
// entries. So after any failure, call Reset with the end of the chain as
// read from the database, before the next Next. The most robust pattern,
// which also copes with several processes writing, is to do that every time:
// inside the transaction, under the lock, read the last (seq, hash), Reset,
// then Next and insert.
type Chain struct {
	mu   sync.Mutex
	mac  hash.Hash // keyed with the audit key; the key itself is not kept
	buf  []byte
	seq  int64
	hash []byte
}

// NewChain returns a Chain for an empty table (last Seq 0) sealing under key;
// call Reset with the table's real end before the first Next. It panics if
// key is not KeySize bytes (see Seal).
func NewChain(key Key) *Chain {
	mustKey(key)
	return &Chain{mac: hmac.New(sha256.New, key), hash: bytes.Clone(zeroHash)}
}

// Next numbers e as the entry after the last one (Seq = last+1), seals it
// (see Seal, including its normalisation of e) and makes it the new last
// entry. The caller then inserts e as it is.
func (c *Chain) Next(e *Entry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e.Seq = c.seq + 1
	c.buf = seal(c.mac, c.buf, c.hash, e)
	c.seq = e.Seq
	c.hash = append(c.hash[:0], e.Hash...)
}

// Reset sets the end of the chain to the entry seq with Hash hash, as read
// from the database; seq 0 (with a nil or zero hash) means an empty table.
// It panics on a negative seq or a hash of the wrong length, since sealing
// against either would corrupt the trail for good.
func (c *Chain) Reset(seq int64, hash []byte) {
	if seq == 0 && len(hash) == 0 {
		hash = zeroHash
	}
	if seq < 0 || len(hash) != HashSize {
		panic(fmt.Sprintf("audit: Chain.Reset(%d, %d-byte hash)", seq, len(hash)))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq = seq
	c.hash = append(c.hash[:0], hash...)
}

// Last returns the end of the chain: the last Seq and a copy of its Hash,
// e.g. for a head checkpoint once that entry has committed.
func (c *Chain) Last() (seq int64, hash []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.seq, bytes.Clone(c.hash)
}

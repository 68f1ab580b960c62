package audit

import (
	"sort"
	"testing"
	"time"
)

// BenchmarkChainNext is the cost the audit trail adds to a request's write
// path when the writer uses a Chain (normalise, encode, HMAC with a reused
// key schedule). The budget is 1 ms p99 for the whole audit write, database
// included, so this must stay in microseconds.
func BenchmarkChainNext(b *testing.B) {
	c := NewChain(testKey)
	e := entryN(10) // carries a Reason and Detail, the larger kind of entry
	b.ReportAllocs()
	for b.Loop() {
		c.Next(e)
	}
}

// BenchmarkSeal is the stateless Seal, which also keys a new HMAC each call
// (the slower of the two ways to seal).
func BenchmarkSeal(b *testing.B) {
	e := entryN(10)
	e.Seq = 1
	b.ReportAllocs()
	for b.Loop() {
		Seal(testKey, nil, e)
	}
}

// BenchmarkChainNextP99 reports the 99th-percentile latency of single Next
// calls, the figure the 1 ms budget is stated in.
func BenchmarkChainNextP99(b *testing.B) {
	c := NewChain(testKey)
	e := entryN(10)
	var lat []time.Duration
	for b.Loop() {
		start := time.Now()
		c.Next(e)
		lat = append(lat, time.Since(start))
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds()), "p99-ns")
}

// BenchmarkVerify100k verifies a 100,000-entry trail, as a nightly or
// on-demand check would (database reads excluded).
func BenchmarkVerify100k(b *testing.B) {
	const n = 100_000
	es := buildChain(testKey, n)
	head := headAt(es, n)
	b.ReportAllocs()
	for b.Loop() {
		v := NewVerifier(testKey)
		for _, e := range es {
			v.Add(e)
		}
		if p := v.Finish(head); p != nil {
			b.Fatal(p)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/entry")
}

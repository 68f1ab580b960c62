package auth

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alexedwards/argon2id"
)

// cheap keeps the tests fast; the defaults are exercised separately.
var cheap = &argon2id.Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

func TestHashVerify(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		params *argon2id.Params
	}{
		{"defaults", nil},
		{"cheap", cheap},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := NewHasher(1, tc.params)
			enc, err := h.Hash(ctx, "correct horse battery staple")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(enc, "$argon2id$v=19$") {
				t.Fatalf("encoded = %q", enc)
			}
			if tc.params == nil && !strings.Contains(enc, "$m=19456,t=2,p=1$") {
				t.Fatalf("default params not used: %q", enc)
			}
			enc2, _ := h.Hash(ctx, "correct horse battery staple")
			if enc2 == enc {
				t.Fatal("two hashes of one password are equal: salt not random")
			}
			for _, c := range []struct {
				pw   string
				want bool
			}{
				{"correct horse battery staple", true},
				{"correct horse battery stapl", false},
				{"Correct horse battery staple", false},
				{"", false},
			} {
				ok, err := h.Verify(ctx, c.pw, enc)
				if err != nil || ok != c.want {
					t.Errorf("Verify(%q) = %v, %v; want %v", c.pw, ok, err, c.want)
				}
			}
		})
	}
}

func TestVerifyInvalidHash(t *testing.T) {
	h := NewHasher(1, cheap)
	for _, enc := range []string{
		"",
		"not a hash",
		"$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U",
		"$argon2id$v=18$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U",
		"$argon2id$v=19$m=64,t=1,p=1$!!!$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U",
		// Parameters argon2 would panic on, or that would allocate 4 TiB.
		"$argon2id$v=19$m=64,t=0,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U",
		"$argon2id$v=19$m=64,t=1,p=0$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U",
		"$argon2id$v=19$m=4294967295,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U",
		"$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$",
	} {
		ok, err := h.Verify(context.Background(), "password", enc)
		if ok || !errors.Is(err, ErrInvalidHash) {
			t.Errorf("Verify(%q) = %v, %v; want false, ErrInvalidHash", enc, ok, err)
		}
	}
}

func TestPasswordTooLong(t *testing.T) {
	h := NewHasher(1, cheap)
	ctx := context.Background()
	long := strings.Repeat("a", MaxPasswordBytes+1)
	if _, err := h.Hash(ctx, long); !errors.Is(err, ErrPasswordTooLong) {
		t.Fatalf("Hash(too long) err = %v", err)
	}
	if _, err := h.Hash(ctx, long[1:]); err != nil {
		t.Fatalf("Hash(MaxPasswordBytes) err = %v", err)
	}
	enc, _ := h.Hash(ctx, "short enough")
	if ok, err := h.Verify(ctx, long, enc); ok || err != nil {
		t.Fatalf("Verify(too long) = %v, %v", ok, err)
	}
}

func TestNeedsRehash(t *testing.T) {
	ctx := context.Background()
	enc, err := NewHasher(1, cheap).Hash(ctx, "correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	with := func(f func(p *argon2id.Params)) *Hasher {
		p := *cheap
		f(&p)
		return NewHasher(1, &p)
	}
	for _, tc := range []struct {
		name string
		h    *Hasher
		enc  string
		want bool
	}{
		{"same params", NewHasher(1, cheap), enc, false},
		{"more memory", with(func(p *argon2id.Params) { p.Memory = 128 }), enc, true},
		{"more iterations", with(func(p *argon2id.Params) { p.Iterations = 2 }), enc, true},
		{"more lanes", with(func(p *argon2id.Params) { p.Parallelism = 2 }), enc, true},
		{"longer key", with(func(p *argon2id.Params) { p.KeyLength = 64 }), enc, true},
		{"longer salt", with(func(p *argon2id.Params) { p.SaltLength = 32 }), enc, true},
		{"defaults", NewHasher(1, nil), enc, true},
		{"garbage", NewHasher(1, cheap), "garbage", true},
	} {
		if got := tc.h.NeedsRehash(tc.enc); got != tc.want {
			t.Errorf("%s: NeedsRehash = %v, want %v", tc.name, got, tc.want)
		}
	}
	// A hash that needs rehashing still verifies with its own parameters.
	if ok, err := with(func(p *argon2id.Params) { p.Iterations = 3 }).Verify(ctx, "correct horse battery staple", enc); !ok || err != nil {
		t.Fatalf("Verify with newer params = %v, %v", ok, err)
	}
}

func TestVerifyDummy(t *testing.T) {
	h := NewHasher(1, cheap)
	if !strings.Contains(h.dummy, "$m=64,t=1,p=1$") {
		t.Fatalf("dummy hash %q does not use the hasher's params", h.dummy)
	}
	if h.NeedsRehash(h.dummy) {
		t.Fatal("dummy hash params differ from the hasher's: its cost would differ from a real Verify")
	}
	var ran atomic.Int32
	h.testHook = func() { ran.Add(1) }
	for _, pw := range []string{"", "password", "correct horse battery staple"} {
		if err := h.VerifyDummy(context.Background(), pw); err != nil {
			t.Fatal(err)
		}
		if ok, _ := h.Verify(context.Background(), pw, h.dummy); ok {
			t.Fatalf("dummy hash matched %q", pw)
		}
	}
	if ran.Load() != 6 {
		t.Fatalf("argon2 ran %d times for 3 VerifyDummy + 3 Verify, want 6", ran.Load())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := h.VerifyDummy(ctx, "x"); !errors.Is(err, context.Canceled) {
		t.Fatalf("VerifyDummy(cancelled) = %v", err)
	}
}

func TestNewHasherInvalidParams(t *testing.T) {
	for _, p := range []argon2id.Params{
		{Memory: 64, Iterations: 0, Parallelism: 1, SaltLength: 16, KeyLength: 32},
		{Memory: 64, Iterations: 1, Parallelism: 0, SaltLength: 16, KeyLength: 32},
		{Memory: 4, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32},
		{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 0, KeyLength: 32},
		{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 0},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("NewHasher(%+v) did not panic", p)
				}
			}()
			NewHasher(1, &p)
		}()
	}
}

// TestSemaphoreCapsConcurrency counts the hashes in flight through the
// hook, which runs while a slot is held, and keeps each slot busy long
// enough that, without the semaphore, all 12 goroutines would overlap.
func TestSemaphoreCapsConcurrency(t *testing.T) {
	for _, limit := range []int{1, 3} {
		h := NewHasher(limit, cheap)
		var inFlight, peak atomic.Int32
		h.testHook = func() {
			n := inFlight.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			time.Sleep(20 * time.Millisecond)
			inFlight.Add(-1)
		}
		var wg sync.WaitGroup
		for i := range 12 {
			wg.Go(func() {
				var err error
				if i%2 == 0 {
					_, err = h.Hash(context.Background(), "pw")
				} else {
					_, err = h.Verify(context.Background(), "pw", h.dummy)
				}
				if err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if got := peak.Load(); got != int32(limit) {
			t.Errorf("maxConcurrent %d: peak concurrency %d", limit, got)
		}
	}
}

func TestDefaultConcurrency(t *testing.T) {
	if got, want := cap(NewHasher(0, cheap).sem), cap(NewHasher(-1, cheap).sem); got < 1 || got != want {
		t.Fatalf("default slots = %d, %d", got, want)
	}
}

// TestHashWaitsForSlot holds the only slot and checks that Hash, Verify and
// VerifyDummy wait for it, give up with ctx.Err(), and proceed once it is
// released.
func TestHashWaitsForSlot(t *testing.T) {
	h := NewHasher(1, cheap)
	enc, err := h.Hash(context.Background(), "pw")
	if err != nil {
		t.Fatal(err)
	}
	h.sem <- struct{}{} // hold the only slot

	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := h.Hash(cancelled, "pw"); !errors.Is(err, context.Canceled) {
		t.Errorf("Hash(cancelled) err = %v", err)
	}
	if _, err := h.Verify(cancelled, "pw", enc); !errors.Is(err, context.Canceled) {
		t.Errorf("Verify(cancelled) err = %v", err)
	}
	short, cancel2 := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel2()
	start := time.Now()
	if _, err := h.Hash(short, "pw"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Hash(deadline) err = %v", err)
	}
	if d := time.Since(start); d < 25*time.Millisecond {
		t.Errorf("Hash gave up after %v, before its deadline", d)
	}

	done := make(chan error, 1)
	go func() {
		_, err := h.Verify(context.Background(), "pw", enc)
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("Verify finished (err %v) while the only slot was held", err)
	case <-time.After(50 * time.Millisecond):
	}
	<-h.sem // release
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Verify did not proceed after the slot was released")
	}

	// A cancelled context is refused even when a slot is free.
	if _, err := h.Hash(cancelled, "pw"); !errors.Is(err, context.Canceled) {
		t.Errorf("Hash(cancelled, free slot) err = %v", err)
	}
}

func BenchmarkHash(b *testing.B) {
	h := NewHasher(1, nil)
	ctx := context.Background()
	for b.Loop() {
		if _, err := h.Hash(ctx, "correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyDummy(b *testing.B) {
	h := NewHasher(1, nil)
	ctx := context.Background()
	for b.Loop() {
		if err := h.VerifyDummy(ctx, "correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}

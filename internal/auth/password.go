// Package auth holds the credential primitives behind staff and client
// sign-in: password hashing and strength rules, TOTP second factors, recovery
// codes, opaque tokens and the sign-in throttling policy (HIPAA 164.312(d)
// person or entity authentication; ONC 170.315(d)(1) authentication, access
// control, authorization and (d)(13) multi-factor authentication).
//
// The package is a leaf: it knows nothing about accounts, sessions or the
// database. Callers load and store the values it produces (encoded password
// hashes, TOTP secrets and last accepted steps, recovery-code hashes, token
// hashes, failure counts) and pass them back in. Only hashes of recovery codes
// and tokens are meant to be stored; the plain values are shown or sent once.
//
// All functions are safe for concurrent use.
package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"

	"github.com/alexedwards/argon2id"
	"golang.org/x/crypto/argon2"
)

// Errors returned by the password hasher.
var (
	// ErrInvalidHash reports an encoded password hash that is not an argon2id
	// hash this package can check: malformed, another variant or version, or
	// parameters outside the accepted limits.
	ErrInvalidHash = errors.New("auth: invalid password hash")

	// ErrPasswordTooLong reports a password longer than MaxPasswordBytes
	// given to Hash.
	ErrPasswordTooLong = errors.New("auth: password too long")
)

// MaxPasswordBytes is the longest password, in bytes, that Hash accepts and
// Verify checks. CheckPassword allows at most MaxPasswordRunes characters,
// which is at most 4 bytes each in UTF-8.
const MaxPasswordBytes = 4 * MaxPasswordRunes

// Limits on the parameters of a stored hash that Verify is willing to run.
// An encoded hash names its own cost, so without them a corrupted or
// tampered row could make one sign-in allocate gigabytes or panic inside
// argon2 (zero iterations or lanes).
const (
	maxMemoryKiB   = 256 * 1024 // 256 MiB
	maxIterations  = 16
	maxParallelism = 16
	minSaltLength  = 8
	minKeyLength   = 16
	maxKeyLength   = 64
)

// DefaultParams returns the argon2id parameters used when NewHasher is given
// nil: m = 19456 KiB (19 MiB), t = 2, p = 1, a 16-byte salt and a 32-byte key.
//
// These are the OWASP Password Storage Cheat Sheet's baseline for argon2id.
// On the practice's 2-core server:
//   - p = 1: one lane per hash. More lanes would only make a single hash
//     finish sooner by taking both cores, while the semaphore already runs up
//     to NumCPU hashes side by side; it does not raise an attacker's cost.
//   - m = 19 MiB, t = 2: the memory is what makes GPU and ASIC guessing
//     expensive; with at most NumCPU (2) hashes in flight the hasher never
//     holds more than about 38 MiB, which leaves room for the rest of the
//     server. The OWASP alternatives trade memory for passes (m = 46 MiB,
//     t = 1 or m = 12 MiB, t = 3) at equal cost; 19 MiB/t = 2 is the middle.
//   - One hash takes about 40 ms on that server (BenchmarkHash), unnoticed
//     by a person signing in, while an offline attacker must spend 19 MiB
//     and two passes over it on every guess.
//
// Raising the parameters later is safe: old hashes keep verifying with their
// own parameters, and NeedsRehash tells the caller to re-hash on the next
// successful sign-in.
func DefaultParams() *argon2id.Params {
	return &argon2id.Params{
		Memory:      19 * 1024,
		Iterations:  2,
		Parallelism: 1,
		SaltLength:  16,
		KeyLength:   32,
	}
}

// Hasher hashes and verifies passwords with argon2id. Every hash runs under a
// semaphore of maxConcurrent slots, so a flood of sign-in attempts queues
// instead of taking every core and gigabytes of memory; waiting for a slot
// gives up when the caller's context ends.
type Hasher struct {
	params argon2id.Params
	sem    chan struct{}
	dummy  string // a hash with params that no password matches

	// testHook, when set, runs while a slot is held (tests only).
	testHook func()
}

// NewHasher returns a Hasher that runs at most maxConcurrent hashes at once
// (runtime.NumCPU() when maxConcurrent <= 0) with the given parameters
// (DefaultParams() when nil; the struct is copied). It panics if params are
// unusable (zero iterations or parallelism, memory below 8 KiB per lane,
// a salt shorter than 8 bytes or a key outside 16..64 bytes, or beyond the
// limits Verify accepts), since those are programming errors.
func NewHasher(maxConcurrent int, params *argon2id.Params) *Hasher {
	if maxConcurrent <= 0 {
		maxConcurrent = runtime.NumCPU()
	}
	if params == nil {
		params = DefaultParams()
	}
	p := *params
	if err := checkParams(&p); err != nil {
		panic(fmt.Sprintf("auth.NewHasher: %v", err))
	}
	h := &Hasher{params: p, sem: make(chan struct{}, maxConcurrent)}

	// The dummy hash is random bytes in the encoded format, built without
	// running argon2: Verify against it costs exactly one argon2id run with
	// the current parameters and can only fail.
	salt := make([]byte, p.SaltLength)
	key := make([]byte, p.KeyLength)
	rand.Read(salt) // crypto/rand.Read never fails (Go 1.24+)
	rand.Read(key)
	h.dummy = fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version,
		p.Memory, p.Iterations, p.Parallelism,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
	return h
}

// Params returns a copy of the parameters new hashes are made with.
func (h *Hasher) Params() argon2id.Params { return h.params }

// Hash returns the argon2id hash of password in the PHC string format
// ("$argon2id$v=19$m=19456,t=2,p=1$salt$key"), with a fresh random salt.
// It returns ErrPasswordTooLong beyond MaxPasswordBytes, and ctx.Err() if ctx
// ends before a slot is free.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	if len(password) > MaxPasswordBytes {
		return "", ErrPasswordTooLong
	}
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	return argon2id.CreateHash(password, &h.params)
}

// Verify reports whether password matches encoded, a hash made by Hash (with
// these or any earlier parameters within the limits). The keys are compared
// in constant time inside argon2id. A malformed encoded hash gives an error
// wrapping ErrInvalidHash; a context that ends while waiting for a slot gives
// ctx.Err(). A password longer than MaxPasswordBytes never matches (Hash
// refuses to store one) and is answered at once.
func (h *Hasher) Verify(ctx context.Context, password, encoded string) (bool, error) {
	params, _, _, err := argon2id.DecodeHash(encoded)
	if err != nil {
		return false, fmt.Errorf("%w: %v", ErrInvalidHash, err)
	}
	if err := checkParams(params); err != nil {
		return false, fmt.Errorf("%w: %v", ErrInvalidHash, err)
	}
	if len(password) > MaxPasswordBytes {
		return false, nil
	}
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer h.release()
	ok, err := argon2id.ComparePasswordAndHash(password, encoded)
	if err != nil {
		return false, fmt.Errorf("%w: %v", ErrInvalidHash, err)
	}
	return ok, nil
}

// VerifyDummy does the work of Verify against a hash with the current
// parameters that no password matches. Call it when a sign-in names an
// account that does not exist (or has no password), so the response takes
// as long as a wrong password for a real account and its timing does not
// reveal whether the email is registered. It returns only ctx.Err() when the
// context ends while waiting for a slot; the answer is always "no match".
func (h *Hasher) VerifyDummy(ctx context.Context, password string) error {
	_, err := h.Verify(ctx, password, h.dummy)
	return err
}

// NeedsRehash reports whether encoded was made with parameters other than
// the Hasher's current ones (or cannot be read at all), in which case the
// caller should replace it with Hash(password) after a successful Verify.
func (h *Hasher) NeedsRehash(encoded string) bool {
	p, _, _, err := argon2id.DecodeHash(encoded)
	if err != nil {
		return true
	}
	return p.Memory != h.params.Memory ||
		p.Iterations != h.params.Iterations ||
		p.Parallelism != h.params.Parallelism ||
		p.SaltLength != h.params.SaltLength ||
		p.KeyLength != h.params.KeyLength
}

func (h *Hasher) acquire(ctx context.Context) error {
	// A context that has already ended never takes a slot, even a free one.
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case h.sem <- struct{}{}:
		if h.testHook != nil {
			h.testHook()
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *Hasher) release() { <-h.sem }

// checkParams reports parameters argon2 cannot run (it panics on zero
// iterations or lanes) or that exceed the limits a stored hash may ask for.
func checkParams(p *argon2id.Params) error {
	switch {
	case p.Iterations < 1 || p.Iterations > maxIterations:
		return fmt.Errorf("iterations %d outside 1..%d", p.Iterations, maxIterations)
	case p.Parallelism < 1 || p.Parallelism > maxParallelism:
		return fmt.Errorf("parallelism %d outside 1..%d", p.Parallelism, maxParallelism)
	case p.Memory < 8*uint32(p.Parallelism) || p.Memory > maxMemoryKiB:
		return fmt.Errorf("memory %d KiB outside %d..%d", p.Memory, 8*uint32(p.Parallelism), maxMemoryKiB)
	case p.SaltLength < minSaltLength:
		return fmt.Errorf("salt of %d bytes shorter than %d", p.SaltLength, minSaltLength)
	case p.KeyLength < minKeyLength || p.KeyLength > maxKeyLength:
		return fmt.Errorf("key of %d bytes outside %d..%d", p.KeyLength, minKeyLength, maxKeyLength)
	}
	return nil
}

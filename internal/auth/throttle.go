package auth

import "time"

// Sign-in throttling policy. The failure counts themselves are kept by the
// caller in the database, per account and per client address, so every
// server process sees the same counts; a success resets the account's count.
const (
	// FreeAttempts is how many consecutive failures cost no wait.
	FreeAttempts = 5
	// MaxBackoff caps the wait after many failures. It slows guessing to a
	// few attempts an hour without locking the real person out for long,
	// which an attacker could otherwise do on purpose.
	MaxBackoff = 15 * time.Minute
)

// Backoff returns how long to wait after the last of failures consecutive
// failed attempts before another is allowed: nothing after the first four
// (so five attempts can be made freely), then 2^(failures-5) seconds: 1 s
// after the fifth failure, 2 s after the sixth, 4 s, 8 s, ... up to
// MaxBackoff (reached at the fifteenth).
func Backoff(failures int) time.Duration {
	if failures < FreeAttempts {
		return 0
	}
	exp := failures - FreeAttempts
	if exp >= 20 { // 2^20 s is far past the cap; avoid overflowing the shift
		return MaxBackoff
	}
	return min(time.Duration(1<<exp)*time.Second, MaxBackoff)
}

// RetryAfter returns how much of Backoff(failures), counted from
// lastFailure, is left at now: 0 when another attempt is allowed. It never
// exceeds Backoff(failures), even if lastFailure is ahead of now because of
// clock skew between servers. Round it up to whole seconds for a
// Retry-After header.
func RetryAfter(failures int, lastFailure, now time.Time) time.Duration {
	wait := Backoff(failures)
	if wait == 0 {
		return 0
	}
	left := lastFailure.Add(wait).Sub(now)
	if left <= 0 {
		return 0
	}
	return min(left, wait)
}

package auth

import (
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	for _, tc := range []struct {
		failures int
		want     time.Duration
	}{
		{-1, 0}, {0, 0}, {1, 0}, {4, 0},
		{5, 1 * time.Second},
		{6, 2 * time.Second},
		{7, 4 * time.Second},
		{10, 32 * time.Second},
		{14, 512 * time.Second},
		{15, 15 * time.Minute},
		{16, 15 * time.Minute},
		{64, 15 * time.Minute},
		{1 << 40, 15 * time.Minute},
	} {
		if got := Backoff(tc.failures); got != tc.want {
			t.Errorf("Backoff(%d) = %v, want %v", tc.failures, got, tc.want)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	last := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		failures int
		now      time.Time
		want     time.Duration
	}{
		{4, last, 0},
		{5, last, time.Second},
		{5, last.Add(400 * time.Millisecond), 600 * time.Millisecond},
		{5, last.Add(time.Second), 0},
		{5, last.Add(time.Hour), 0},
		{7, last.Add(time.Second), 3 * time.Second},
		{20, last.Add(5 * time.Minute), 10 * time.Minute},
		{20, last.Add(15 * time.Minute), 0},
		// lastFailure ahead of now (clock skew): never more than the backoff.
		{6, last.Add(-time.Minute), 2 * time.Second},
	} {
		if got := RetryAfter(tc.failures, last, tc.now); got != tc.want {
			t.Errorf("RetryAfter(%d, +%v) = %v, want %v", tc.failures, tc.now.Sub(last), got, tc.want)
		}
	}
}

package journey_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/journey-kap/journey"
)

// Aged balances as a table: payments pay the oldest debt first, what is
// left is owed from its posting's day, a credit is current.
func TestAgePostings(t *testing.T) {
	asOf := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	day := func(n int) time.Time { return asOf.AddDate(0, 0, -n) }
	p := func(daysAgo int, cents int64) *journey.Posting {
		return &journey.Posting{At: day(daysAgo), AmountCents: cents}
	}
	for _, tc := range []struct {
		name     string
		postings []*journey.Posting
		want     [journey.AgeBuckets]int64
		balance  int64
	}{
		{"nothing", nil, [4]int64{}, 0},
		{"one charge today", []*journey.Posting{p(0, 100_00)}, [4]int64{100_00, 0, 0, 0}, 100_00},
		{"30 days is current, 31 is not", []*journey.Posting{p(30, 1), p(31, 2)}, [4]int64{1, 2, 0, 0}, 3},
		{"60, 61, 90, 91 days", []*journey.Posting{p(60, 1), p(61, 2), p(90, 4), p(91, 8)}, [4]int64{0, 1, 6, 8}, 15},
		{"a payment pays the oldest first", []*journey.Posting{p(100, 150_00), p(45, 200_00), p(5, 120_00), p(2, -250_00)},
			[4]int64{120_00, 100_00, 0, 0}, 220_00},
		{"a void lowers what is owed", []*journey.Posting{p(70, 300_00), p(70, -300_00), p(10, 90_00)}, [4]int64{90_00, 0, 0, 0}, 90_00},
		{"paid ahead is a current credit", []*journey.Posting{p(40, 100_00), p(1, -150_00)}, [4]int64{-50_00, 0, 0, 0}, -50_00},
		{"a refund is owed again", []*journey.Posting{p(80, 100_00), p(75, -100_00), p(3, 40_00)}, [4]int64{40_00, 0, 0, 0}, 40_00},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, bal := journey.AgePostings(tc.postings, asOf)
			if got != tc.want || bal != tc.balance {
				t.Fatalf("buckets %v balance %d, want %v %d", got, bal, tc.want, tc.balance)
			}
		})
	}
}

// Whatever the postings, the buckets add up to the balance.
func TestAgePostingsSumToBalance(t *testing.T) {
	asOf := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	r := rand.New(rand.NewPCG(13, 6))
	for range 500 {
		var ps []*journey.Posting
		for range r.IntN(20) {
			ps = append(ps, &journey.Posting{At: asOf.AddDate(0, 0, -r.IntN(200)), AmountCents: r.Int64N(60_000) - 20_000})
		}
		b, bal := journey.AgePostings(ps, asOf)
		if b[0]+b[1]+b[2]+b[3] != bal {
			t.Fatalf("buckets %v sum to %d, balance %d", b, b[0]+b[1]+b[2]+b[3], bal)
		}
	}
}

// Month spans in the practice's zone, with their limits.
func TestMonthSpans(t *testing.T) {
	la, _ := time.LoadLocation("America/Los_Angeles")
	ms, err := journey.MonthSpans("2026-11", "2027-01", la)
	if err != nil || len(ms) != 3 || ms[0].Month != "2026-11" || ms[2].Month != "2027-01" ||
		!ms[0].From.Equal(time.Date(2026, 11, 1, 7, 0, 0, 0, time.UTC)) || !ms[1].From.Equal(time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)) {
		t.Fatalf("spans %+v %v", ms, err)
	}
	for _, tc := range []struct{ from, to, field string }{
		{"2026-13", "2026-12", "from"}, {"2026-11", "soon", "to"}, {"2026-12", "2026-11", "to"}, {"2024-01", "2026-01", "to"},
	} {
		if _, err := journey.MonthSpans(tc.from, tc.to, la); len(journey.ErrorFields(err)) == 0 || journey.ErrorFields(err)[0].Field != tc.field {
			t.Errorf("%s..%s: %v", tc.from, tc.to, err)
		}
	}
}

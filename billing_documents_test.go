package journey_test

import (
	"maps"
	"testing"

	"github.com/journey-kap/journey"
)

// TestAllocatePaid: what was paid is spread over the oldest services
// first, each up to what it comes to after its adjustments; a voided
// charge takes nothing, and an overpayment is left over, not invented.
func TestAllocatePaid(t *testing.T) {
	charges := []*journey.Charge{
		{ID: 3, Date: "2026-03-09", AmountCents: 15000},
		{ID: 1, Date: "2026-03-02", AmountCents: 20000, AdjustedCents: -5000},
		{ID: 2, Date: "2026-03-05", AmountCents: 9000, Status: journey.ChargeVoid},
		{ID: 4, Date: "2026-03-09", AmountCents: 10000},
	}
	for _, c := range []struct {
		paid int64
		want map[int64]int64
	}{
		{0, map[int64]int64{}},
		{-500, map[int64]int64{}},
		{10000, map[int64]int64{1: 10000}},
		{20000, map[int64]int64{1: 15000, 3: 5000}},
		{35000, map[int64]int64{1: 15000, 3: 15000, 4: 5000}},
		{99000, map[int64]int64{1: 15000, 3: 15000, 4: 10000}},
	} {
		if got := journey.AllocatePaid(charges, c.paid); !maps.Equal(got, c.want) {
			t.Errorf("AllocatePaid(%d) = %v, want %v", c.paid, got, c.want)
		}
	}
}

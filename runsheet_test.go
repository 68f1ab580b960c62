package journey_test

import (
	"testing"
	"time"

	"github.com/journey-kap/journey"
)

// The monitor's visual check-ins in a remote session at their edge: one
// 14 or 15 minutes after the last (or the dose) is on time, one 16
// minutes after is flagged as a missed check-in; the next is due 15
// minutes after the last and overdue a second past it.
func TestRemoteCheckInsAtTheirEdge(t *testing.T) {
	dosed := time.Date(2030, 1, 7, 15, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		gap    time.Duration
		missed bool
	}{{14 * time.Minute, false}, {15 * time.Minute, false}, {16 * time.Minute, true}} {
		rs := &journey.RunSheet{Session: &journey.CareSession{Mode: journey.ModeRemote, Status: journey.SessionInProgress},
			Rules:           journey.DefaultMonitoringRules(),
			Administrations: []*journey.Administration{{ID: 1, DoseMg: 200, AdministeredAt: dosed}},
			Observations: []*journey.Observation{{ID: 1, Phase: journey.PhaseVisual, TakenAt: dosed.Add(tc.gap)},
				{ID: 2, Phase: journey.PhaseVisual, TakenAt: dosed.Add(2 * tc.gap)}}}
		last := dosed.Add(2 * tc.gap)
		for _, now := range []time.Time{last.Add(15 * time.Minute), last.Add(15*time.Minute + time.Second)} {
			rs.Work(now)
			var visual *journey.DueCheck
			for i, d := range rs.Due {
				if d.Phase == journey.PhaseVisual {
					visual = &rs.Due[i]
				}
			}
			if visual == nil || !visual.Due.Equal(last.Add(15*time.Minute)) || visual.Overdue != now.After(visual.Due) {
				t.Errorf("gap %v at %v: the next check-in %+v", tc.gap, now, visual)
			}
		}
		for _, o := range rs.Observations {
			if got := len(o.Flags) == 1 && o.Flags[0].Code == journey.FlagCheckInMissed; got != tc.missed {
				t.Errorf("gap %v: reading %d flags %+v, want missed %v", tc.gap, o.ID, o.Flags, tc.missed)
			}
		}
	}
}

package journey_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/journey-kap/journey"
)

var planNow = time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)

// sess makes a session of typ starting days after (negative: before) planNow.
func sess(id int64, typ string, days float64, status string) *journey.CareSession {
	return &journey.CareSession{ID: id, Type: typ, Start: planNow.Add(time.Duration(days * 24 * float64(time.Hour))), Status: status}
}

const (
	held      = journey.SessionCompleted
	booked    = journey.SessionBooked
	noShow    = journey.SessionNoShow
	cancelled = journey.SessionCancelled
)

// steps writes the plan's steps as "type:status" with a "!" for overdue.
func steps(p *journey.Plan) string {
	var b []string
	for _, s := range p.Steps {
		x := fmt.Sprintf("%s:%s", s.Type, s.Status)
		if s.Overdue {
			x += "!"
		}
		b = append(b, x)
	}
	return strings.Join(b, " ")
}

func TestWorkOutPlan(t *testing.T) {
	small := journey.DefaultPlan()
	small.Continuation = 1
	maint := small
	maint.Maintenance = true
	full := []*journey.CareSession{
		sess(1, journey.TypePreparation, -60, held), sess(2, journey.TypePreparation, -55, held),
		sess(3, journey.TypeMedicine, -50, held), sess(4, journey.TypeIntegration, -48, held),
		sess(5, journey.TypeMedicine, -40, held), sess(6, journey.TypeIntegration, -38, held),
		sess(7, journey.TypePrescriberFollow, -35, held),
		sess(8, journey.TypeMedicine, -20, held), sess(9, journey.TypeIntegrationGroup, -18, held),
	}
	tests := []struct {
		name     string
		settings journey.PlanSettings
		sessions []*journey.CareSession
		phase    string
		steps    string
		next     string // a part of the next step's detail
	}{
		{"new plan", small, nil, journey.PhasePreparation,
			"preparation:planned preparation:planned medicine:planned integration:planned medicine:planned integration:planned prescriber-follow-up:planned medicine:planned integration:planned",
			"Book the preparation session 1."},
		{"one preparation held, one booked", small, []*journey.CareSession{sess(1, journey.TypePreparation, -5, held), sess(2, journey.TypePreparation, 2, booked)},
			journey.PhasePreparation,
			"preparation:held preparation:booked medicine:planned integration:planned medicine:planned integration:planned prescriber-follow-up:planned medicine:planned integration:planned",
			"preparation session 2 is booked for Sun 22 Mar 2026, 12:00"},
		{"a missed preparation is said so", small, []*journey.CareSession{sess(1, journey.TypePreparation, -5, held), sess(2, journey.TypePreparation, -1, noShow)},
			journey.PhasePreparation,
			"preparation:held preparation:missed medicine:planned integration:planned medicine:planned integration:planned prescriber-follow-up:planned medicine:planned integration:planned",
			"was missed"},
		{"a cancelled session rebooked fills the step", small, []*journey.CareSession{sess(1, journey.TypePreparation, -5, cancelled), sess(2, journey.TypePreparation, -4, held), sess(3, journey.TypePreparation, 1, booked)},
			journey.PhasePreparation,
			"preparation:held preparation:booked medicine:planned integration:planned medicine:planned integration:planned prescriber-follow-up:planned medicine:planned integration:planned",
			"booked"},
		{"dose held two days ago: integration due, not yet overdue", small, append(full[:2:2], sess(3, journey.TypeMedicine, -2, held)),
			journey.PhaseInitial,
			"preparation:held preparation:held medicine:held integration:planned medicine:planned integration:planned prescriber-follow-up:planned medicine:planned integration:planned",
			"Book the integration session 1, due between Thu 19 Mar and Wed 25 Mar."},
		{"integration not booked 3 days after a dose is overdue", small, append(full[:2:2], sess(3, journey.TypeMedicine, -3, held)),
			journey.PhaseInitial,
			"preparation:held preparation:held medicine:held integration:planned! medicine:planned integration:planned prescriber-follow-up:planned medicine:planned integration:planned",
			"integration session 1 is overdue"},
		{"integration booked 3 days after a dose is not overdue", small, append(full[:2:2], sess(3, journey.TypeMedicine, -3, held), sess(4, journey.TypeIntegration, 1, booked)),
			journey.PhaseInitial,
			"preparation:held preparation:held medicine:held integration:booked medicine:planned integration:planned prescriber-follow-up:planned medicine:planned integration:planned",
			"integration session 1 is booked"},
		{"a missed integration after a dose is overdue", small, append(full[:2:2], sess(3, journey.TypeMedicine, -6, held), sess(4, journey.TypeIntegration, -4, noShow)),
			journey.PhaseInitial,
			"preparation:held preparation:held medicine:held integration:missed! medicine:planned integration:planned prescriber-follow-up:planned medicine:planned integration:planned",
			"overdue"},
		{"initial doses done: follow-up next", small, full[:6],
			journey.PhaseFollowUp,
			"preparation:held preparation:held medicine:held integration:held medicine:held integration:held prescriber-follow-up:planned medicine:planned integration:planned",
			"follow-up with the medical provider"},
		{"continuation", small, full[:7],
			journey.PhaseContinuation,
			"preparation:held preparation:held medicine:held integration:held medicine:held integration:held prescriber-follow-up:held medicine:planned integration:planned",
			"medicine session 3"},
		{"a group integrates a dose; all held is complete", small, full,
			journey.PhaseComplete,
			"preparation:held preparation:held medicine:held integration:held medicine:held integration:held prescriber-follow-up:held medicine:held integration:held",
			"Every session of the plan has been held."},
		{"all held with maintenance", maint, full,
			journey.PhaseMaintenance,
			"preparation:held preparation:held medicine:held integration:held medicine:held integration:held prescriber-follow-up:held medicine:held integration:held",
			"maintenance"},
		{"a dose past the plan is a maintenance step", maint, append(full[:9:9], sess(10, journey.TypeMedicine, -5, held)),
			journey.PhaseMaintenance,
			"preparation:held preparation:held medicine:held integration:held medicine:held integration:held prescriber-follow-up:held medicine:held integration:held medicine:held integration:planned!",
			"integration session 4 is overdue"},
		{"a follow-up before the last initial dose does not count", small, append(full[:4:4], sess(7, journey.TypePrescriberFollow, -45, held), sess(5, journey.TypeMedicine, -40, held), sess(6, journey.TypeIntegration, -38, held)),
			journey.PhaseFollowUp,
			"preparation:held preparation:held medicine:held integration:held medicine:held integration:held prescriber-follow-up:planned medicine:planned integration:planned",
			"follow-up"},
		{"an integration before the next dose belongs to the earlier one only", small, append(full[:2:2], sess(3, journey.TypeMedicine, -20, held), sess(5, journey.TypeMedicine, -10, held), sess(6, journey.TypeIntegration, -9, held)),
			journey.PhaseInitial,
			"preparation:held preparation:held medicine:held integration:planned! medicine:held integration:held prescriber-follow-up:planned medicine:planned integration:planned",
			"integration session 1 is overdue"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := journey.WorkOutPlan(7, tt.settings, tt.sessions, journey.DefaultCareRules(), planNow, time.UTC)
			if got := steps(p); got != tt.steps {
				t.Errorf("steps\n got %s\nwant %s", got, tt.steps)
			}
			if p.Phase != tt.phase {
				t.Errorf("phase %q, want %q", p.Phase, tt.phase)
			}
			if p.Next == nil || !strings.Contains(p.Next.Detail, tt.next) {
				t.Errorf("next %+v, want it to say %q", p.Next, tt.next)
			}
		})
	}
}

func TestWorkOutPlanDueDates(t *testing.T) {
	s := journey.DefaultPlan()
	dose := sess(3, journey.TypeMedicine, -2, held)
	p := journey.WorkOutPlan(7, s, []*journey.CareSession{dose}, journey.DefaultCareRules(), planNow, nil)
	for _, st := range p.Steps {
		if st.Type == journey.TypeIntegration && st.Number == 1 {
			if !st.DueFrom.Equal(dose.Start.AddDate(0, 0, 1)) || !st.DueBy.Equal(dose.Start.AddDate(0, 0, 7)) {
				t.Errorf("integration due %v to %v, want 1 to 7 days after %v", st.DueFrom, st.DueBy, dose.Start)
			}
			if st.Phase != journey.PhaseInitial {
				t.Errorf("phase %q", st.Phase)
			}
			return
		}
	}
	t.Fatal("no integration step")
}

func TestPlanOverdue(t *testing.T) {
	p := journey.WorkOutPlan(7, journey.DefaultPlan(), []*journey.CareSession{sess(3, journey.TypeMedicine, -4, held)}, journey.DefaultCareRules(), planNow, nil)
	if od := p.Overdue(); len(od) != 1 || od[0].Type != journey.TypeIntegration {
		t.Errorf("overdue %+v, want the integration", od)
	}
	if p.Held(journey.TypeMedicine) != 1 {
		t.Errorf("held doses %d", p.Held(journey.TypeMedicine))
	}
}

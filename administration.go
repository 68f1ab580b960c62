package journey

import "time"

// MaxDoseMg bounds one administration as a possible value at all; the
// order's bounds (DOMAIN.md §4) are the runsheet's to check.
const MaxDoseMg = 1000

// Validate checks a before it is recorded at now: a dose and route, and
// either a practice container or the client's own prescription (pharmacy
// and number), never both; a self-administered dose is a lozenge. The
// time may not be in the future; the session's start is checked where the
// session is read.
func (a *Administration) Validate(now time.Time) error {
	var v Validation
	a.Pharmacy, a.PrescriptionNo = Line(a.Pharmacy), Line(a.PrescriptionNo)
	if !(a.DoseMg > 0 && a.DoseMg <= MaxDoseMg) {
		v.Add("dose_mg", "Enter the dose in mg, more than 0 and at most "+itoa(MaxDoseMg)+".")
	}
	if a.Route != RouteLozenge && a.Route != RouteIM {
		v.Add("route", "Choose lozenge or IM.")
	}
	own := a.Pharmacy != "" || a.PrescriptionNo != ""
	switch {
	case a.ContainerID > 0 && own:
		v.Add("container_id", "Choose a container or the client's own prescription, not both.")
	case a.ContainerID <= 0 && !own:
		v.Add("container_id", "Choose the container the dose was drawn from, or give the client's own prescription.")
	case own:
		checkText(&v, "pharmacy", a.Pharmacy, 1, 120)
		checkText(&v, "prescription_number", a.PrescriptionNo, 1, 40)
	}
	if a.SelfAdmin && a.Route != RouteLozenge {
		v.Add("self_administered", "Only a lozenge is taken by the client themselves.")
	}
	switch {
	case a.AdministeredAt.IsZero():
		v.Add("administered_at", "Enter the time it was given.")
	case a.AdministeredAt.After(now.Add(time.Minute)):
		v.Add("administered_at", "The time it was given cannot be in the future.")
	}
	return v.Err()
}

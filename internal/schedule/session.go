package schedule

// Sessions of care need several resources at once: a medicine session holds
// a therapist, a medical provider, a chaperone and (in person) a room, each
// with hours in its own zone. SessionSlots finds the times when one of each
// is free for the whole session plus its buffer; Fits checks one proposed
// session, as the store does before it books.
//
// Hours are placed in time by appendWindows, the same code that lays out
// the consult grid, so they follow each zone's clock through DST: a window
// that spans a clock change is as long as it really is. Unlike consults,
// sessions are not tied to a grid anchored at each window's start, since
// several calendars meet: starts lie on one grid of Step in absolute time,
// counted from the Unix epoch, which is on the hour and half hour in every
// zone whose offset is a whole or half hour. Windows that touch, or run
// past midnight into the next date's, count as one, so a session may run
// across the seam.

import (
	"cmp"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"time"

	"github.com/journey-kap/journey"
)

// Resource is one person or room a session could hold: its hours in its
// zone and the intervals it is already taken, [start, block end) of each
// session it holds and each consult it has.
type Resource struct {
	Role       string // journey.Need…
	ID         int64
	Loc        *time.Location // the zone of its hours; nil: it has no hours, and is never free
	Weekly     []journey.WeeklyHours
	Exceptions []journey.ScheduleException
	Busy       []Interval // any order; never modified
	// Preferred puts the resource before the others of its role: a member
	// of the client's care team, chosen whenever free.
	Preferred bool
	// Unbuffered: the resource is held for the session only, not its
	// buffer. A client may begin their next session as one ends; the
	// turnover is for staff and rooms.
	Unbuffered bool
}

// SessionRules are a session type's rules for one search or check.
type SessionRules struct {
	Length time.Duration // the session itself, which must lie inside every resource's hours
	Buffer time.Duration // kept free after it by every resource it holds
	Lead   time.Duration // the least notice: a start at or after now+Lead
	Needs  []string      // the roles it holds (journey.Need…), in the order they are chosen
	Step   time.Duration // the grid of starts; 0 means DefaultStep
}

// DefaultStep is the grid of session starts: on the hour and half hour.
const DefaultStep = 30 * time.Minute

// MaxSessionRange bounds the range one SessionSlots call looks at, counted
// from now: it keeps the work and the answer bounded whatever the caller
// passes (the API asks for 60 days at most).
const MaxSessionRange = 400 * 24 * time.Hour

// RulesFor returns the rules of session type t held in mode: its length,
// buffer and lead time, and the roles it needs in that mode (a medicine
// session needs its room only in person).
func RulesFor(t *journey.SessionType, mode string) SessionRules {
	r := SessionRules{
		Length: time.Duration(t.Minutes) * time.Minute,
		Buffer: time.Duration(t.BufferMinutes) * time.Minute,
		Lead:   time.Duration(t.LeadHours) * time.Hour,
	}
	for _, n := range t.Needs {
		if t.NeedsIn(n, mode) {
			r.Needs = append(r.Needs, n)
		}
	}
	return r
}

// SessionSlots returns every start on the grid in [from, to), at or after
// now plus the lead time and after now, at which one resource of each
// needed role is free: the session [start, start+Length) lies inside its
// hours, and no busy interval overlaps [start, start+Length+Buffer) (the
// session alone for an Unbuffered resource). Each
// slot names the resources the session would reserve: in each role the
// first free one in the order preferred first, then by ID, with no person
// in two roles; the roles are chosen in the order of Needs. The slots are
// sorted by start and their times are in from's location. A role nobody
// can fill, zero Length or a range that ends before it starts gives none.
func SessionSlots(rules SessionRules, res []Resource, from, to, now time.Time) []journey.SessionSlot {
	g, ok := newGrid(rules, from, to, now)
	if !ok {
		return nil
	}
	roles := candidates(rules.Needs, res)
	if roles == nil {
		return nil
	}
	words := (g.n + 63) / 64
	open := make([]uint64, words)
	setRange(open, 0, g.n-1)
	for _, cs := range roles {
		some := make([]uint64, words)
		for i := range cs {
			cs[i].free = g.free(cs[i].r, rules)
			for w, b := range cs[i].free {
				some[w] |= b
			}
		}
		for w := range open {
			open[w] &= some[w]
		}
	}

	var out []journey.SessionSlot
	chosen := make([]int64, len(roles))
	loc := from.Location()
	for w, word := range open {
		for word != 0 {
			k := w*64 + bits.TrailingZeros64(word)
			word &= word - 1
			if !assign(roles, chosen, 0, k) {
				continue
			}
			start := g.at(k)
			s := journey.SessionSlot{Start: start.In(loc), End: start.Add(rules.Length).In(loc)}
			for i, need := range rules.Needs {
				s.Set(need, chosen[i])
			}
			out = append(out, s)
		}
	}
	return out
}

// Fits checks one proposed session at start holding held (one resource per
// needed role), as the store does before it books: it returns EINVALID
// naming "start" when the time is past or inside the lead time, and
// otherwise ECONFLICT with a Conflict for each needed role left empty, each
// person held in two roles, each resource whose hours do not cover the
// session and each one busy within the session plus its buffer; nil when
// the session fits. The grid is not consulted: staff may book at any time
// the resources are free.
func Fits(rules SessionRules, held []Resource, start, now time.Time) error {
	switch {
	case !start.After(now):
		return &journey.Error{Code: journey.EINVALID, Message: "Choose a time in the future.",
			Fields: []journey.FieldError{{Field: "start", Detail: "Choose a time in the future."}}}
	case start.Before(now.Add(rules.Lead)):
		msg := fmt.Sprintf("This session needs %s' notice: choose a later time.", noticeText(rules.Lead))
		return &journey.Error{Code: journey.EINVALID, Message: msg,
			Fields: []journey.FieldError{{Field: "start", Detail: msg}}}
	}
	var out []journey.Conflict
	for _, need := range rules.Needs {
		if !slices.ContainsFunc(held, func(r Resource) bool { return r.Role == need }) {
			out = append(out, journey.Conflict{Resource: need, Detail: fmt.Sprintf("No %s is chosen.", roleWords(need))})
		}
	}
	base := now.Round(0)
	lo := offset(start, base)
	end := lo + int64(rules.Length)
	for i, r := range held {
		blockEnd := end
		if !r.Unbuffered {
			blockEnd += int64(max(rules.Buffer, 0))
		}
		if slices.ContainsFunc(held[:i], func(o Resource) bool { return samePerson(o, r) }) {
			out = append(out, journey.Conflict{Resource: r.Role, ID: r.ID, Detail: fmt.Sprintf("The %s already holds another role in this session.", roleWords(r.Role))})
			continue
		}
		if !covered(mergedWindows(r, base, lo, end), lo, end) {
			out = append(out, journey.Conflict{Resource: r.Role, ID: r.ID, Detail: outsideText(r.Role)})
			continue
		}
		for _, b := range r.Busy {
			if offset(b.Start, base) < blockEnd && offset(b.End, base) > lo {
				out = append(out, journey.Conflict{Resource: r.Role, ID: r.ID, Detail: busyText(r, b)})
				break
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return &journey.Error{Code: journey.ECONFLICT, Message: "The session cannot be booked at that time.", Conflicts: out}
}

// grid is the call's session starts: n of them, at base+first+k*step.
type grid struct {
	base        time.Time
	first, step int64
	length      int64
	buffer      int64
	n           int
}

func newGrid(rules SessionRules, from, to, now time.Time) (grid, bool) {
	step := rules.Step
	if step <= 0 {
		step = DefaultStep
	}
	base := now.Round(0)
	g := grid{base: base, step: int64(step), length: int64(rules.Length), buffer: int64(max(rules.Buffer, 0))}
	if g.length <= 0 {
		return grid{}, false
	}
	lo := max(offset(from, base), int64(max(rules.Lead, 0)), 1) // after now, whatever the lead
	hi := min(offset(to, base), int64(MaxSessionRange))
	if lo >= hi {
		return grid{}, false
	}
	// Align the first start to the grid in Unix time, so the starts are the
	// same whatever now is.
	abs := base.UnixNano() + lo
	g.first = lo + (ceilDiv(abs, g.step)*g.step - abs)
	if g.first >= hi {
		return grid{}, false
	}
	g.n = int((hi-g.first-1)/g.step) + 1
	return g, true
}

// at returns the k-th start.
func (g *grid) at(k int) time.Time {
	return g.base.Add(time.Duration(g.first + int64(k)*g.step))
}

// free returns the bitset of the starts at which r is free for a session:
// inside its hours, clear of its busy intervals with the buffer.
func (g *grid) free(r *Resource, rules SessionRules) []uint64 {
	set := make([]uint64, (g.n+63)/64)
	last := g.first + int64(g.n-1)*g.step
	for _, w := range mergedWindows(*r, g.base, g.first, last+g.length) {
		// Starts s with w.s <= s and s+length <= w.e.
		lo := max(ceilDiv(w.s-g.first, g.step), 0)
		hi := min(floorDiv(w.e-g.length-g.first, g.step), int64(g.n-1))
		if lo <= hi {
			setRange(set, int(lo), int(hi))
		}
	}
	buffer := g.buffer
	if r.Unbuffered {
		buffer = 0
	}
	for _, b := range r.Busy {
		// Starts s with b.Start < s+length+buffer and s < b.End.
		bs, be := offset(b.Start, g.base), offset(b.End, g.base)
		if be <= g.first || bs >= last+g.length+buffer {
			continue
		}
		lo := max(floorDiv(bs-g.length-buffer-g.first, g.step)+1, 0)
		hi := min(ceilDiv(be-g.first, g.step)-1, int64(g.n-1))
		if lo <= hi {
			clearRange(set, int(lo), int(hi))
		}
	}
	return set
}

// mergedWindows returns r's hours around [lo, hi) as offsets from base,
// sorted, with overlapping and touching windows joined: a session may run
// from one into the next. A resource without a zone has none.
func mergedWindows(r Resource, base time.Time, lo, hi int64) []win {
	if r.Loc == nil {
		return nil
	}
	var buf [24]win
	ws := appendWindows(winBuffer(buf[:0], r.Weekly, r.Exceptions, lo, hi), r.Weekly, r.Exceptions, r.Loc, base, lo, hi)
	slices.SortFunc(ws, func(a, b win) int { return cmp.Compare(a.s, b.s) })
	n := 0
	for i := 1; i < len(ws); i++ {
		if ws[i].s <= ws[n].e {
			ws[n].e = max(ws[n].e, ws[i].e)
			continue
		}
		n++
		ws[n] = ws[i]
	}
	if len(ws) == 0 {
		return nil
	}
	return ws[:n+1]
}

// covered reports whether one of the sorted, disjoint windows holds [lo, hi).
func covered(ws []win, lo, hi int64) bool {
	for _, w := range ws {
		if w.s <= lo && hi <= w.e {
			return true
		}
	}
	return false
}

// option is one resource that may fill a role, with the starts it is free.
type option struct {
	r    *Resource
	free []uint64
}

// candidates groups res by the roles in needs, each group preferred first
// and then by ID, one entry per ID. It returns nil when some role has no one.
func candidates(needs []string, res []Resource) [][]option {
	roles := make([][]option, len(needs))
	for i, need := range needs {
		for j := range res {
			if res[j].Role == need {
				roles[i] = append(roles[i], option{r: &res[j]})
			}
		}
		slices.SortStableFunc(roles[i], func(a, b option) int {
			if a.r.Preferred != b.r.Preferred {
				if a.r.Preferred {
					return -1
				}
				return 1
			}
			return cmp.Compare(a.r.ID, b.r.ID)
		})
		roles[i] = slices.CompactFunc(roles[i], func(a, b option) bool { return a.r.ID == b.r.ID })
		if len(roles[i]) == 0 {
			return nil
		}
	}
	return roles
}

// assign fills chosen[i:] with the first free option of each role at start
// k, in order, so that no person holds two roles; it backtracks when a
// later role can only be filled by someone an earlier role took.
func assign(roles [][]option, chosen []int64, i, k int) bool {
	if i == len(roles) {
		return true
	}
	for _, o := range roles[i] {
		if o.free[k/64]&(1<<(k%64)) == 0 || taken(roles, chosen[:i], o.r) {
			continue
		}
		chosen[i] = o.r.ID
		if assign(roles, chosen, i+1, k) {
			return true
		}
	}
	return false
}

// taken reports whether r is a person who already holds one of the roles
// chosen so far.
func taken(roles [][]option, chosen []int64, r *Resource) bool {
	for i, id := range chosen {
		if samePerson(Resource{Role: roles[i][0].r.Role, ID: id}, *r) {
			return true
		}
	}
	return false
}

// samePerson reports whether a and b are one member of staff: rooms and
// clients are numbered apart from staff and never clash with them.
func samePerson(a, b Resource) bool {
	return a.ID == b.ID && journey.ResourceKind(a.Role) == journey.KindStaff && journey.ResourceKind(b.Role) == journey.KindStaff
}

// setRange sets bits lo..hi inclusive.
func setRange(set []uint64, lo, hi int) {
	for k := lo; k <= hi; {
		w, b := k/64, k%64
		if b == 0 && k+63 <= hi {
			set[w] = math.MaxUint64
			k += 64
			continue
		}
		set[w] |= 1 << b
		k++
	}
}

// clearRange clears bits lo..hi inclusive.
func clearRange(set []uint64, lo, hi int) {
	for k := lo; k <= hi; {
		w, b := k/64, k%64
		if b == 0 && k+63 <= hi {
			set[w] = 0
			k += 64
			continue
		}
		set[w] &^= 1 << b
		k++
	}
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func ceilDiv(a, b int64) int64 { return -floorDiv(-a, b) }

// roleWords names a role in a sentence.
func roleWords(role string) string {
	switch role {
	case journey.NeedMedicalProvider:
		return "medical provider"
	case journey.NeedTherapist, journey.NeedChaperone, journey.NeedRoom, journey.NeedClient:
		return role
	}
	return "resource"
}

func outsideText(role string) string {
	if role == journey.NeedRoom {
		return "The room is not open for the whole session then."
	}
	return fmt.Sprintf("The %s is not working for the whole session then.", roleWords(role))
}

func busyText(r Resource, b Interval) string {
	loc := r.Loc
	if loc == nil {
		loc = time.UTC
	}
	return fmt.Sprintf("The %s is booked from %s to %s (with the time kept free after it).",
		roleWords(r.Role), b.Start.In(loc).Format("Mon 2 Jan 15:04"), b.End.In(loc).Format("15:04"))
}

// noticeText says a lead time in hours or days.
func noticeText(d time.Duration) string {
	h := int(d / time.Hour)
	switch {
	case h%24 == 0 && h >= 48:
		return fmt.Sprintf("%d days", h/24)
	case h == 1:
		return "an hour"
	}
	return fmt.Sprintf("%d hours", h)
}

package journey

import "time"

// Billing reports for the practice's accountant and front desk: the
// ledger's movements and balances by month, entity and charge type, aged
// balances, and a client's whole history. They read the postings, the
// ledger's one truth: a month holds the postings made in it (in the
// practice's zone), whatever the service date of the charge.

// MonthRow is one month's movements of one entity's charge type, in cents
// as posted (charges and refunds positive; voids, payments and discounts
// negative), and the balance owed at the month's end.
type MonthRow struct {
	Month        string // YYYY-MM
	EntityID     int64
	ChargeType   string
	ChargeCount  int
	Charges      int64
	Voids        int64
	Adjustments  int64
	Payments     int64
	Refunds      int64
	BalanceCents int64 // every posting up to the month's end
}

// Net is the month's change to what is owed.
func (r *MonthRow) Net() int64 { return r.Charges + r.Voids + r.Adjustments + r.Payments + r.Refunds }

// MonthSpan is a month as a report reads it: its label and its bounds in
// the practice's zone.
type MonthSpan struct {
	Month    string // YYYY-MM
	From, To time.Time
}

// MonthSpans returns the months from `from` to `to` (YYYY-MM, inclusive)
// with their bounds in loc; EINVALID (on from or to) when either is not a
// month, to comes before from, or they span more than MaxReportMonths.
func MonthSpans(from, to string, loc *time.Location) ([]MonthSpan, error) {
	var v Validation
	f, err1 := time.ParseInLocation("2006-01", from, loc)
	t, err2 := time.ParseInLocation("2006-01", to, loc)
	if err1 != nil {
		v.Add("from", "Enter a month as YYYY-MM, such as 2026-11.")
	}
	if err2 != nil {
		v.Add("to", "Enter a month as YYYY-MM, such as 2026-12.")
	}
	if v.Err() == nil {
		switch n := (t.Year()-f.Year())*12 + int(t.Month()-f.Month()) + 1; {
		case n < 1:
			v.Add("to", "The last month comes after the first.")
		case n > MaxReportMonths:
			v.Add("to", "A report covers 24 months at most.")
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var out []MonthSpan
	for m := f; !m.After(t); m = m.AddDate(0, 1, 0) {
		out = append(out, MonthSpan{Month: m.Format("2006-01"), From: m, To: m.AddDate(0, 1, 0)})
	}
	return out, nil
}

// MaxReportMonths bounds a month report.
const MaxReportMonths = 24

// Age buckets of an aged balance.
const (
	AgeCurrent = iota // 0–30 days
	Age31to60
	Age61to90
	AgeOver90
	AgeBuckets
)

// AgeBucketNames name the buckets as a report's columns do.
var AgeBucketNames = [AgeBuckets]string{"Current (0–30 days)", "31–60 days", "61–90 days", "Over 90 days"}

// AgedBalance is what a client owes one entity, by how long it has been
// owed.
type AgedBalance struct {
	ClientID     int64
	ClientName   string
	EntityID     int64
	Buckets      [AgeBuckets]int64
	BalanceCents int64
}

// AgePostings splits the balance of one client's postings with one entity
// by age at asOf: what raises the balance (charges, refunds, positive
// adjustments) is owed from its posting's day; what lowers it pays the
// oldest first. A credit balance (paid ahead) is shown as current.
func AgePostings(postings []*Posting, asOf time.Time) (buckets [AgeBuckets]int64, balance int64) {
	var debits [AgeBuckets]int64
	var credit int64
	for _, p := range postings {
		if p.AmountCents > 0 {
			debits[AgeBucket(p.At, asOf)] += p.AmountCents
		} else {
			credit -= p.AmountCents
		}
	}
	return AgeSums(debits, credit)
}

// AgeSums applies credit to debits (what was owed, summed by age bucket)
// oldest first: since a bucket's debts are all older than the next
// bucket's, paying the oldest debt first leaves the same sums whatever the
// order within a bucket. What credit is left is a current credit.
func AgeSums(debits [AgeBuckets]int64, credit int64) (buckets [AgeBuckets]int64, balance int64) {
	for i := AgeOver90; i >= AgeCurrent; i-- {
		paid := min(credit, debits[i])
		credit -= paid
		buckets[i] = debits[i] - paid
		balance += buckets[i]
	}
	buckets[AgeCurrent] -= credit
	return buckets, balance - credit
}

// AgeBounds returns the oldest moment of each bucket but the last, seen
// at asOf: a debt posted at or before AgeBounds[i] is older than bucket i.
func AgeBounds(asOf time.Time) [AgeBuckets - 1]time.Time {
	return [AgeBuckets - 1]time.Time{asOf.AddDate(0, 0, -31), asOf.AddDate(0, 0, -61), asOf.AddDate(0, 0, -91)}
}

// AgeBucket returns the bucket of a debt posted at `at`, seen at asOf.
func AgeBucket(at, asOf time.Time) int {
	b := AgeBounds(asOf)
	switch {
	case !at.After(b[2]):
		return AgeOver90
	case !at.After(b[1]):
		return Age61to90
	case !at.After(b[0]):
		return Age31to60
	}
	return AgeCurrent
}

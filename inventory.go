package journey

import (
	"math"
	"slices"
	"strings"
	"time"
)

// The controlled-substance log (ketamine is Schedule III): stock per
// location, lot and numbered container, each in its own unit (mL at a
// stated concentration for injectables, a count for lozenges; mg always
// computed), and an append-only log of every movement, each signed by
// who made it. The database keeps a container's balance from going
// negative and an expired lot from being used, under concurrent use.

// Stock units.
const (
	UnitML    = "mL"
	UnitCount = "count"
)

// Log entry kinds.
const (
	EntryReceipt        = "receipt"
	EntryOpen           = "open"
	EntryAdministration = "administration"
	EntryWaste          = "waste"
	EntryTransferOut    = "transfer_out"
	EntryTransferIn     = "transfer_in"
	EntryCount          = "count"
	EntryAdjustment     = "adjustment" // a resolved discrepancy
)

// Container statuses.
const (
	ContainerSealed  = "sealed"
	ContainerOpen    = "open"
	ContainerEmpty   = "empty"
	ContainerExpired = "expired"
)

// Lot is one lot of a product received at a location.
type Lot struct {
	ID         int64        `json:"id"`
	LocationID int64        `json:"location_id"`
	NDC        string       `json:"ndc"`
	Product    string       `json:"product"`
	Strength   string       `json:"strength"`
	Unit       string       `json:"unit"`
	MgPerUnit  float64      `json:"mg_per_unit"`
	Lot        string       `json:"lot"`
	Expiry     string       `json:"expiry"` // YYYY-MM-DD
	Supplier   string       `json:"supplier"`
	Invoice    string       `json:"invoice"`
	ReceivedAt time.Time    `json:"received_at"`
	Balance    float64      `json:"balance"` // of its containers listed
	Containers []*Container `json:"containers"`
}

// Container is one numbered vial or bottle of a lot.
type Container struct {
	ID         int64   `json:"id"`
	LotID      int64   `json:"lot_id"`
	LocationID int64   `json:"location_id"`
	Number     int     `json:"number"`
	Received   float64 `json:"received"`
	Balance    float64 `json:"balance"` // in the lot's unit
	Status     string  `json:"status"`
}

// LogEntry is one signed line of the controlled-substance log.
type LogEntry struct {
	ID          int64     `json:"id"`
	Kind        string    `json:"kind"`
	LocationID  int64     `json:"location_id"`
	LotID       int64     `json:"lot_id"`
	ContainerID int64     `json:"container_id,omitempty"`
	ContainerNo int       `json:"container_number,omitempty"`
	Counted     *float64  `json:"counted,omitempty"` // a count's finding
	CountID     int64     `json:"count_id,omitempty"`
	Amount      float64   `json:"amount"` // in the unit; negative for what leaves
	Mg          float64   `json:"mg"`
	Balance     float64   `json:"balance_after"`
	SessionID   int64     `json:"session_id,omitempty"`
	ClientID    int64     `json:"client_id,omitempty"`
	WitnessID   int64     `json:"witness_id,omitempty"`
	Reason      string    `json:"reason,omitempty"`
	By          int64     `json:"by"`
	Signature   string    `json:"signature"` // "second-factor" on a page, "api-token" through the API
	At          time.Time `json:"at"`
}

// Signature kinds: how an entry was signed.
const (
	SignSecondFactor = "second-factor" // on a page, by re-entering a second-factor code
	SignAPIToken     = "api-token"     // through the API, by the token's owner
)

// Signature is who signed a change to the log, and how.
type Signature struct {
	By   int64
	Kind string // SignSecondFactor or SignAPIToken
}

// Discrepancy causes an admin gives when resolving a count.
const (
	CauseRecordingError = "recording_error"
	CauseBreakage       = "breakage"
	CauseLoss           = "loss"
	CauseTheft          = "theft"
)

// DiscrepancyCauses lists the causes, in the order a form offers them.
var DiscrepancyCauses = []string{CauseRecordingError, CauseBreakage, CauseLoss, CauseTheft}

// MustNotify reports whether a discrepancy of cause must be reported to
// the authorities (a theft or a significant loss of a controlled
// substance: within one business day, DOMAIN.md §8).
func MustNotify(cause string) bool { return cause == CauseLoss || cause == CauseTheft }

// NotifyBy returns the end of the business day after t in loc: the
// deadline for reporting a theft or loss found at t.
func NotifyBy(t time.Time, loc *time.Location) time.Time {
	d := t.In(loc)
	d = time.Date(d.Year(), d.Month(), d.Day(), 23, 59, 59, 0, loc).AddDate(0, 0, 1)
	for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
		d = d.AddDate(0, 0, 1)
	}
	return d.UTC()
}

// MaxContainers bounds one receipt; MaxAmount one container.
const (
	MaxContainers = 500
	MaxAmount     = 10000
)

// Receipt is stock arriving at a location: one lot in containers that
// each hold AmountPerContainer of Unit.
type Receipt struct {
	LocationID         int64
	NDC                string
	Product            string
	Strength           string
	Unit               string
	MgPerUnit          float64
	Lot                string
	Expiry             string // YYYY-MM-DD, the last day it may be used
	Containers         int
	AmountPerContainer float64
	Supplier           string
	Invoice            string
}

// Validate checks r's fields, each with its range in the message; today
// (YYYY-MM-DD in the location's zone) refuses a lot already expired.
func (r *Receipt) Validate(today string) error {
	var v Validation
	r.NDC, r.Product, r.Strength = Line(r.NDC), Line(r.Product), Line(r.Strength)
	r.Lot, r.Supplier, r.Invoice = Line(r.Lot), Line(r.Supplier), Line(r.Invoice)
	if r.LocationID <= 0 {
		v.Add("location_id", "Choose the location that received it.")
	}
	if !validNDC(r.NDC) {
		v.Add("ndc", "Enter the NDC as printed, 10 or 11 digits in three groups (e.g. 0409-2051-05).")
	}
	checkText(&v, "product", r.Product, 1, 120)
	checkText(&v, "strength", r.Strength, 1, 60)
	checkText(&v, "lot", r.Lot, 1, 40)
	checkText(&v, "supplier", r.Supplier, 1, 120)
	checkText(&v, "invoice", r.Invoice, 1, 60)
	if r.Unit != UnitML && r.Unit != UnitCount {
		v.Add("unit", "Choose mL (injectables) or count (lozenges, tablets).")
	}
	if !(r.MgPerUnit > 0 && r.MgPerUnit <= 1000) {
		v.Add("mg_per_unit", "Enter the mg in one unit, more than 0 and at most 1000.")
	}
	if e, err := time.Parse(time.DateOnly, r.Expiry); err != nil {
		v.Add("expiry", "Enter the expiry date as YYYY-MM-DD.")
	} else if r.Expiry = e.Format(time.DateOnly); r.Expiry < today {
		v.Add("expiry", "This lot expired on "+r.Expiry+": an expired lot cannot be received into stock.")
	}
	if r.Containers < 1 || r.Containers > MaxContainers {
		v.Add("containers", "Enter how many containers arrived, from 1 to "+itoa(MaxContainers)+".")
	}
	if !ValidAmount(r.AmountPerContainer) || r.AmountPerContainer > MaxAmount {
		v.Add("amount_per_container", "Enter the amount in each container, more than 0 and at most "+itoa(MaxAmount)+", to 3 decimal places.")
	}
	if r.Unit == UnitCount && r.AmountPerContainer != float64(int(r.AmountPerContainer)) {
		v.Add("amount_per_container", "A count is a whole number.")
	}
	return v.Err()
}

// validNDC reports whether s is an NDC in three groups of digits (4-4-2,
// 5-3-2, 5-4-1 or 5-4-2).
func validNDC(s string) bool {
	parts := strings.Split(s, "-")
	if len(parts) != 3 {
		return false
	}
	shape := ""
	for _, p := range parts {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return false
		}
		shape += itoa(len(p))
	}
	return shape == "442" || shape == "532" || shape == "541" || shape == "542"
}

// ValidAmount reports whether a is a positive amount in thousandths of a
// unit at most (the log's precision).
func ValidAmount(a float64) bool {
	return a > 0 && !math.IsInf(a, 0) && math.Abs(a*1000-math.Round(a*1000)) < 1e-6
}

// Waste is a partial dose or a spoiled unit destroyed, with a second
// member of staff as witness.
type Waste struct {
	ContainerID int64
	Amount      float64
	Reason      string
	WitnessID   int64
}

// Validate checks w for a signer by.
func (w *Waste) Validate(by int64) error {
	var v Validation
	w.Reason = Line(w.Reason)
	if !ValidAmount(w.Amount) || w.Amount > MaxAmount {
		v.Add("amount", "Enter the amount wasted, more than 0, to 3 decimal places.")
	}
	checkText(&v, "reason", w.Reason, 1, 200)
	switch {
	case w.WitnessID <= 0:
		v.Add("witness_id", "Name a second member of staff who witnessed the waste.")
	case w.WitnessID == by:
		v.Add("witness_id", "The witness must be someone other than you.")
	}
	return v.Err()
}

// Transfer moves a container to another of the practice's locations.
type Transfer struct {
	ContainerID  int64
	ToLocationID int64
	Reason       string
}

// CountLine is what was found in one container.
type CountLine struct {
	ContainerID int64
	Amount      float64
}

// Count is a physical count of a location's stock.
type Count struct {
	ID         int64
	LocationID int64
	Biennial   bool // the inventory taken every two years: every container
	Lines      []CountLine
	By         int64
	Signature  string
	At         time.Time
	// Discrepancies are the lines that differ from the book balance.
	Discrepancies []*Discrepancy
}

// Validate checks c's lines.
func (c *Count) Validate() error {
	var v Validation
	if c.LocationID <= 0 {
		v.Add("location_id", "Choose the location counted.")
	}
	if len(c.Lines) == 0 {
		v.Add("counts", "Count at least one container.")
	}
	seen := map[int64]bool{}
	for i, l := range c.Lines {
		field := "counts[" + itoa(i) + "]"
		switch {
		case seen[l.ContainerID]:
			v.Add(field, "Each container is counted once.")
		case l.Amount < 0 || l.Amount > MaxAmount || (l.Amount > 0 && !ValidAmount(l.Amount)):
			v.Add(field, "Enter what is in the container, from 0 to "+itoa(MaxAmount)+", to 3 decimal places.")
		}
		seen[l.ContainerID] = true
	}
	return v.Err()
}

// Discrepancy is a count that differed from the book balance, open until
// an admin resolves it with a cause and a note.
type Discrepancy struct {
	ID          int64     `json:"id"`
	EntryID     int64     `json:"entry_id"`
	ContainerID int64     `json:"container_id"`
	LotID       int64     `json:"lot_id"`
	LocationID  int64     `json:"location_id"`
	Expected    float64   `json:"expected"`
	Counted     float64   `json:"counted"`
	OpenedAt    time.Time `json:"opened_at"`
	Cause       string    `json:"cause,omitempty"`
	Note        string    `json:"note,omitempty"`
	ResolvedBy  int64     `json:"resolved_by,omitempty"`
	ResolvedAt  time.Time `json:"resolved_at,omitzero"`
	NotifyBy    time.Time `json:"notify_by,omitzero"` // a loss or theft: report to the authorities by then
}

// Resolution is an admin's finding on a discrepancy.
type Resolution struct {
	Cause string
	Note  string
}

// Validate checks r.
func (r *Resolution) Validate() error {
	var v Validation
	r.Note = Paragraphs(r.Note)
	if !slices.Contains(DiscrepancyCauses, r.Cause) {
		v.Add("cause", "Choose what caused the difference.")
	}
	checkText(&v, "note", r.Note, 1, 2000)
	return v.Err()
}

// LogFilter selects log entries: at one location (0: every one), at or
// after From and before To.
type LogFilter struct {
	LocationID int64
	From, To   time.Time
	Limit      int // the first entries only (a screen); 0: all
}

// Inventory is a location's stock (0: every location's) with what is
// waiting on an admin.
type Inventory struct {
	Lots          []*Lot
	Discrepancies []*Discrepancy // open ones
}

// LogReport is the controlled-substance log for a date range, as the
// reports show it: the entries with what they name (lots, people, the
// clients dosed), the discrepancies opened in the range and the stock at
// its end. The monthly compliance packet is a month's report; the
// biennial inventory is a report of the biennial counts (Counts).
type LogReport struct {
	From, To      time.Time // [From, To)
	Location      *Location // nil: every location
	Entries       []*LogEntry
	Total         int // the entries in the range (more than Entries when the filter had a limit)
	Lots          map[int64]*Lot
	People        map[int64]string   // staff id → name (signers, witnesses)
	Clients       map[int64]string   // client id → name (administrations)
	Discrepancies []*Discrepancy     // opened in the range
	Counts        []*Count           // taken in the range, without lines (entries carry CountID)
	Stock         []*Lot             // at the report's end (now)
	Totals        map[string]float64 // entry kind → mg in the range (of Entries)
}

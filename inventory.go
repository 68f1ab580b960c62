package journey

import "time"

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
	Balance    float64      `json:"balance"`
	Containers []*Container `json:"containers"`
}

// Container is one numbered vial or bottle of a lot.
type Container struct {
	ID      int64   `json:"id"`
	LotID   int64   `json:"lot_id"`
	Number  int     `json:"number"`
	Balance float64 `json:"balance"` // in the lot's unit
	Status  string  `json:"status"`
}

// LogEntry is one signed line of the controlled-substance log.
type LogEntry struct {
	ID          int64     `json:"id"`
	Kind        string    `json:"kind"`
	LotID       int64     `json:"lot_id"`
	ContainerID int64     `json:"container_id,omitempty"`
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

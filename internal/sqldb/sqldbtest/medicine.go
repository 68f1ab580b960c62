package sqldbtest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb"
)

// ReadyClient adds a client of c's therapist for whom every gate of a
// medicine session holds at now: an intake (70 kg), cleared by c's medical
// provider for a year, the KAP consent and financial policy signed (each
// published first if the practice has none), two preparation sessions
// held in the past fortnight and a PHQ-9 today.
func (c *Care) ReadyClient(tb testing.TB, db *sqldb.DB, name, email string, now time.Time) *journey.Client {
	tb.Helper()
	ctx := context.Background()
	cl, u := Client(tb, db, c.Therapist.ID, name, email, Intake(name, now))
	if _, err := db.DecideClearance(ctx, &journey.Clearance{ClientID: cl.ID, Decision: journey.DecisionCleared, ProviderID: c.Provider,
		ClearedUntil: now.AddDate(1, 0, 0)}); err != nil {
		tb.Fatalf("clearance: %v", err)
	}
	docs, err := db.FindConsentDocuments(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	for _, d := range []*journey.ConsentDocument{{Code: journey.ConsentKAP, Title: "KAP informed consent", Body: "Risks."},
		{Code: journey.ConsentFinancial, Title: "Financial policy", Body: "Fees."}} {
		if !slices.ContainsFunc(docs, func(x *journey.ConsentDocument) bool { return x.Code == d.Code }) {
			if err := db.CreateConsentDocument(ctx, d); err != nil {
				tb.Fatalf("consent document: %v", err)
			}
		}
		if _, err := db.SignConsent(ctx, cl.ID, d.Code, name, "192.0.2.1"); err != nil {
			tb.Fatalf("sign: %v", err)
		}
	}
	for _, days := range []int{-12, -5} {
		start := now.AddDate(0, 0, days).Truncate(time.Hour)
		if _, err := db.Write.ExecContext(ctx, db.Rebind(`INSERT INTO care_sessions (client_id, type, start_at, end_at, block_end, status, mode, route, created_by, created_at, updated_at)
			VALUES (?, 'preparation', ?, ?, ?, 'completed', 'in_person', '', ?, 0, 0)`), cl.ID, start.Unix(), start.Add(time.Hour).Unix(),
			start.Add(time.Hour).Unix(), c.Therapist.ID); err != nil {
			tb.Fatalf("preparation: %v", err)
		}
	}
	if _, _, err := db.CreateResponse(ctx, cl.ID, journey.QuestionnairePHQ9, CleanAnswers[journey.QuestionnairePHQ9], u.ID); err != nil {
		tb.Fatalf("PHQ-9: %v", err)
	}
	cl, err = db.FindClientByID(ctx, cl.ID)
	if err != nil {
		tb.Fatal(err)
	}
	return cl
}

// MedicineSession writes client clientID's medicine session by lozenge
// (route "" for IM) in mode and status from start, holding each person or
// room of holds (role → id, "room" a room) as a booking and its moves
// would, straight to the tables: no gate, hour or overlap with the rest
// of the practice is checked. It returns the session's id.
func MedicineSession(tb testing.TB, db *sqldb.DB, clientID int64, start time.Time, status, mode, route string, holds map[string]int64) int64 {
	tb.Helper()
	ctx := context.Background()
	start = start.UTC().Truncate(time.Second)
	end := start.Add(3 * time.Hour)
	var id int64
	if err := db.Write.QueryRowContext(ctx, db.Rebind(`INSERT INTO care_sessions (client_id, type, start_at, end_at, block_end, status, mode, route,
		created_by, created_at, updated_at) VALUES (?, 'medicine', ?, ?, ?, ?, ?, ?, ?, 0, 0) RETURNING id`),
		clientID, start.Unix(), end.Unix(), end.Add(30*time.Minute).Unix(), status, mode, route, holds[journey.NeedTherapist]).Scan(&id); err != nil {
		tb.Fatalf("medicine session: %v", err)
	}
	for role, who := range holds {
		if _, err := db.Write.ExecContext(ctx, db.Rebind(`INSERT INTO session_resources (session_id, role, kind, resource_id, start_at, block_end)
			VALUES (?, ?, ?, ?, ?, ?)`), id, role, journey.ResourceKind(role), who, start.Unix(), end.Add(30*time.Minute).Unix()); err != nil {
			tb.Fatalf("hold %s: %v", role, err)
		}
	}
	return id
}

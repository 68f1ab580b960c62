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

package processing_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/auth"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// enrolTOTP turns on user id's second factor and returns its secret.
func enrolTOTP(t *testing.T, db *sqldb.DB, id int64) string {
	t.Helper()
	ctx := context.Background()
	secret, _, _, err := auth.NewTOTP("Journey", "staff@practice.test")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetPendingTOTP(ctx, id, secret); err != nil {
		t.Fatal(err)
	}
	if err := db.ConfirmTOTP(ctx, id, 0, nil); err != nil {
		t.Fatal(err)
	}
	return secret
}

// codeAt returns secret's code at t.
func codeAt(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	code, err := totp.GenerateCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func receipt(location int64) *journey.Receipt {
	return &journey.Receipt{LocationID: location, NDC: "0409-2051-05", Product: "Ketamine HCl injection", Strength: "50 mg/mL",
		Unit: journey.UnitML, MgPerUnit: 50, Lot: "K123", Expiry: "2028-01-31", Containers: 2, AmountPerContainer: 10,
		Supplier: "Cardinal Health", Invoice: "INV-9"}
}

// TestInventorySignedAndGuarded: only admins and medical providers keep
// the log; a page's entry is signed with a fresh second-factor code (a
// wrong or replayed one refused beside "code"), an API entry by the
// token's owner; only an admin resolves a discrepancy; each step audited.
func TestInventorySignedAndGuarded(t *testing.T) {
	p, db, c, _, now := sessionFixture(t)
	ctx := context.Background()
	admin := sqldbtest.Staff(t, db, "Ada Admin", journey.RoleAdmin)
	secret := enrolTOTP(t, db, c.Provider)
	provider := actor(c.Provider, journey.RoleMedicalProvider)
	for _, a := range []*journey.Actor{actor(c.Therapist.ID, journey.RoleTherapist), actor(c.Chaperone, journey.RoleChaperone),
		actor(9001, journey.RoleFrontDesk)} {
		if _, err := p.ReceiveStock(ctx, a, receipt(c.Location.ID), "", ""); journey.ErrorCode(err) != journey.EFORBIDDEN {
			t.Errorf("%v receives: %v", a.User.Roles, err)
		}
		if _, err := p.Inventory(ctx, a, 0, ""); journey.ErrorCode(err) != journey.EFORBIDDEN {
			t.Errorf("%v reads the inventory: %v", a.User.Roles, err)
		}
	}
	if _, err := p.ReceiveStock(ctx, provider, receipt(c.Location.ID), "000000", ""); journey.ErrorCode(err) != journey.EINVALID ||
		journey.ErrorFields(err)[0].Field != "code" {
		t.Fatalf("wrong code: %v", err)
	}
	code := codeAt(t, secret, *now)
	lot, err := p.ReceiveStock(ctx, provider, receipt(c.Location.ID), code, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.OpenContainer(ctx, provider, lot.Containers[0].ID, code, ""); journey.ErrorCode(err) != journey.EINVALID {
		t.Errorf("a replayed code: %v", err)
	}
	api := actor(c.Provider, journey.RoleMedicalProvider)
	api.TokenID = 7
	if _, err := p.OpenContainer(ctx, api, lot.Containers[0].ID, "", " via api"); err != nil {
		t.Fatal(err)
	}
	es, err := db.FindLogEntries(ctx, journey.LogFilter{})
	if err != nil || len(es) != 3 || es[0].Signature != journey.SignSecondFactor || es[2].Signature != journey.SignAPIToken {
		t.Fatalf("entries = %+v, %v", es, err)
	}
	count := &journey.Count{LocationID: c.Location.ID, Lines: []journey.CountLine{{ContainerID: lot.Containers[1].ID, Amount: 9}}}
	if err := p.RecordCount(ctx, api, count, "", ""); err != nil || len(count.Discrepancies) != 1 {
		t.Fatalf("count: %v %+v", err, count)
	}
	fix := &journey.Resolution{Cause: journey.CauseBreakage, Note: "Vial cracked in the safe."}
	if _, err := p.ResolveDiscrepancy(ctx, api, count.Discrepancies[0].ID, fix, "", ""); journey.ErrorCode(err) != journey.EFORBIDDEN {
		t.Errorf("a medical provider resolves: %v", err)
	}
	adminAPI := actor(admin, journey.RoleAdmin)
	adminAPI.TokenID = 8
	if d, err := p.ResolveDiscrepancy(ctx, adminAPI, count.Discrepancies[0].ID, fix, "", ""); err != nil || !d.NotifyBy.IsZero() {
		t.Fatalf("admin resolves: %+v %v", d, err)
	}
	for action, want := range map[string]int{"inventory.receive": 5, "inventory.open": 2, "inventory.count": 1, "inventory.resolve": 2, "inventory.read": 3} {
		if got := len(entries(t, db, action)); got != want {
			t.Errorf("%d %s entries audited, want %d", got, action, want)
		}
	}
}

// TestAdministrationRules: the session's medical provider records a dose;
// a therapist in it only a lozenge the client took themselves; anyone not
// in it is refused; the log names the client dosed, audited.
func TestAdministrationRules(t *testing.T) {
	p, db, c, _, now := sessionFixture(t)
	ctx := context.Background()
	lot := sqldbtest.Stock(t, db, c, journey.UnitCount, 1, 10, "2028-01-31")
	if _, err := db.OpenContainer(ctx, lot.Containers[0].ID, journey.Signature{By: c.Provider, Kind: journey.SignAPIToken}); err != nil {
		t.Fatal(err)
	}
	cl := c.ReadyClient(t, db, "Rae Ready", "rae@client.test", *now)
	r := c.Medicine(ny(2027, 3, 8, 10, 0))
	r.ClientID, r.Route = cl.ID, journey.RouteLozenge
	s, err := db.CreateCareSession(ctx, r, c.Therapist.ID)
	if err != nil {
		t.Fatal(err)
	}
	sqldbtest.SetTime(now, ny(2027, 3, 8, 10, 30))
	if _, _, err := db.CreateResponse(ctx, cl.ID, journey.QuestionnairePHQ9, sqldbtest.CleanAnswers[journey.QuestionnairePHQ9], cl.UserID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ChangeCareSessionStatus(ctx, s.ID, journey.ActionCheckIn, c.Therapist.ID); err != nil {
		t.Fatal(err)
	}
	c.ReadyRunSheet(t, db, s.ID, journey.RouteLozenge, *now)
	early := actor(c.Provider, journey.RoleMedicalProvider)
	early.TokenID = 1
	if err := p.RecordAdministration(ctx, early, &journey.Administration{SessionID: s.ID, DoseMg: 200,
		Route: journey.RouteLozenge, ContainerID: lot.Containers[0].ID, AdministeredAt: *now}, "", " via api"); journey.ErrorCode(err) != journey.ECONFLICT {
		t.Fatalf("a dose before the session started: %v", err)
	}
	if _, err := p.RunSession(ctx, actor(c.Therapist.ID, journey.RoleTherapist), s.ID, journey.ActionStart, ""); err != nil {
		t.Fatal(err)
	}
	viaAPI := func(id int64, role string) *journey.Actor { a := actor(id, role); a.TokenID = 1; return a }
	dose := func(a *journey.Actor, self bool) error {
		return p.RecordAdministration(ctx, a, &journey.Administration{SessionID: s.ID, DoseMg: 200, Route: journey.RouteLozenge,
			ContainerID: lot.Containers[0].ID, SelfAdmin: self, AdministeredAt: *now}, "", " via api")
	}
	if err := dose(viaAPI(c.Therapist.ID, journey.RoleTherapist), false); journey.ErrorCode(err) != journey.EFORBIDDEN {
		t.Errorf("therapist gives a dose: %v", err)
	}
	if err := dose(viaAPI(c.Chaperone, journey.RoleChaperone), true); journey.ErrorCode(err) != journey.EFORBIDDEN {
		t.Errorf("chaperone records: %v", err)
	}
	other := sqldbtest.Staff(t, db, "Other Provider", journey.RoleMedicalProvider)
	if err := dose(viaAPI(other, journey.RoleMedicalProvider), false); journey.ErrorCode(err) != journey.ENOTFOUND {
		t.Errorf("a provider not in the session: %v", err)
	}
	if err := dose(viaAPI(c.Therapist.ID, journey.RoleTherapist), true); err != nil {
		t.Errorf("therapist observes a lozenge: %v", err)
	}
	sqldbtest.SetTime(now, now.Add(10*time.Minute)) // the order's booster
	if err := dose(viaAPI(c.Provider, journey.RoleMedicalProvider), false); err != nil {
		t.Errorf("provider doses: %v", err)
	}
	rep, err := p.InventoryLog(ctx, viaAPI(c.Provider, journey.RoleMedicalProvider), journey.LogFilter{From: ny(2027, 3, 1, 0, 0), To: ny(2027, 3, 9, 0, 0)}, "")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Clients[cl.ID] != cl.Name || rep.Totals[journey.EntryAdministration] != -400 || len(rep.Entries) != 4 {
		t.Errorf("report = %+v", rep)
	}
	if got := entries(t, db, "session.administer"); len(got) != 6 {
		t.Errorf("%d administer entries audited, want 6", len(got))
	}
	// The file's read: the same entries in order, the client named, the
	// same audit entry; refused as the report is.
	spans := make([][]string, 4) // each span's entries, the spans read at once
	err = p.InventoryLogEach(ctx, viaAPI(c.Provider, journey.RoleMedicalProvider), journey.LogFilter{From: ny(2027, 3, 1, 0, 0), To: ny(2027, 3, 9, 0, 0)}, "", 4,
		func(part int, r *journey.LogReport, e *journey.LogEntry) error {
			spans[part] = append(spans[part], fmt.Sprintf("%s %v %s", e.Kind, e.Amount, r.Clients[e.ClientID]))
			return nil
		})
	want := []string{"receipt 10 ", "open 0 ", "administration -2 " + cl.Name, "administration -2 " + cl.Name}
	if streamed := slices.Concat(spans...); err != nil || !slices.Equal(streamed, want) {
		t.Errorf("streamed %q, %v; want %q", streamed, err, want)
	}
	if got := entries(t, db, "inventory.log"); len(got) != 2 || got[0].Detail != got[1].Detail || !strings.Contains(got[0].Detail, "4 entries") {
		t.Errorf("the reads audited as %+v", got)
	}
	never := func(int, *journey.LogReport, *journey.LogEntry) error {
		t.Error("an entry read for a refused read")
		return nil
	}
	if err := p.InventoryLogEach(ctx, viaAPI(c.Therapist.ID, journey.RoleTherapist), journey.LogFilter{From: ny(2027, 3, 1, 0, 0), To: ny(2027, 3, 9, 0, 0)},
		"", 4, never); journey.ErrorCode(err) != journey.EFORBIDDEN {
		t.Errorf("a therapist reads the file: %v", err)
	}
	if err := p.InventoryLogEach(ctx, viaAPI(c.Provider, journey.RoleMedicalProvider), journey.LogFilter{From: ny(2027, 3, 9, 0, 0), To: ny(2027, 3, 1, 0, 0)},
		"", 4, never); journey.ErrorCode(err) != journey.EINVALID {
		t.Errorf("a range backwards: %v", err)
	}
	if got := entries(t, db, "inventory.log"); len(got) != 3 || got[2].Outcome != journey.AuditDenied {
		t.Errorf("the refusal audited as %+v", got)
	}
}

// TestRefusedEntryKeepsTheCode: an entry refused for what was typed does
// not spend the code that signs it, so the corrected entry signs with the
// same code (a code still signs once).
func TestRefusedEntryKeepsTheCode(t *testing.T) {
	p, db, c, _, now := sessionFixture(t)
	ctx := context.Background()
	secret := enrolTOTP(t, db, c.Provider)
	provider := actor(c.Provider, journey.RoleMedicalProvider)
	lot := sqldbtest.Stock(t, db, c, journey.UnitML, 1, 10, "2028-01-31")
	code := codeAt(t, secret, *now)
	w := &journey.Waste{ContainerID: lot.Containers[0].ID, Amount: 1, Reason: "Drawn, not given"}
	if _, err := p.WasteStock(ctx, provider, w, code, ""); journey.ErrorCode(err) != journey.EINVALID || journey.ErrorFields(err)[0].Field != "witness_id" {
		t.Fatalf("waste without a witness: %v", err)
	}
	w.WitnessID = c.Chaperone
	if _, err := p.WasteStock(ctx, provider, w, code, ""); err != nil {
		t.Fatalf("the same code, the entry corrected: %v", err)
	}
	if _, err := p.WasteStock(ctx, provider, w, code, ""); journey.ErrorCode(err) != journey.EINVALID || journey.ErrorFields(err)[0].Field != "code" {
		t.Fatalf("the code again: %v", err)
	}
}

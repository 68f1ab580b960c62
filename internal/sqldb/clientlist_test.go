package sqldb_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
)

// The clients list filters by stage, therapist, screening status and "has
// replied to the prescriber", sorts by newest, name (names are sealed, so
// sorted after opening) or where they are on the path, and pages; a
// filter it cannot apply is a field error.
func TestFindClientsFiltersSortAndPages(t *testing.T) {
	db, ny, la, now := fixture(t)
	ctx := context.Background()
	doc := &journey.User{Kind: journey.UserStaff, Name: "Dr Med", Email: "med@practice.test", Roles: []string{journey.RoleMedicalProvider}, Active: true}
	if err := db.CreateUser(ctx, doc, ""); err != nil {
		t.Fatal(err)
	}
	complete := func(therapist int64, name string) *journey.Client {
		c, _ := sqldbtest.Client(t, db, therapist, name, strings.ReplaceAll(name, " ", ".")+"@example.test", sqldbtest.Intake(name, *now))
		return c
	}
	decide := func(c *journey.Client, k journey.Clearance) {
		t.Helper()
		k.ClientID, k.ProviderID = c.ID, doc.ID
		if _, err := db.DecideClearance(ctx, &k); err != nil {
			t.Fatalf("%s: %v %v", k.Decision, err, journey.ErrorFields(err))
		}
	}
	// In the order they are added: Zoe is only invited, Adam has joined.
	if _, err := db.CreateClient(ctx, &journey.NewClient{Name: "Zoe Invited", Email: "zoe@example.test", TherapistID: ny.ID, CreatedBy: ny.ID}, "jy_inv_zoe"); err != nil {
		t.Fatal(err)
	}
	sqldbtest.Client(t, db, ny.ID, "Adam Intake", "adam@example.test", nil)
	mia := complete(la.ID, "Mia Review")
	bea := complete(ny.ID, "Bea Replied")
	decide(bea, journey.Clearance{Decision: journey.DecisionNeedsInfo, Message: "Which dose?"})
	if err := db.ReplyToClearance(ctx, bea.ID, "10 mg."); err != nil {
		t.Fatal(err)
	}
	decide(complete(la.ID, "Carl Cleared"), journey.Clearance{Decision: journey.DecisionCleared, ClearedUntil: now.AddDate(1, 0, 0)})
	decide(complete(la.ID, "Dee Declined"), journey.Clearance{Decision: journey.DecisionDeclined, Reason: "x", Message: "Sorry."})
	decide(complete(ny.ID, "Eve Asked"), journey.Clearance{Decision: journey.DecisionNeedsInfo, Message: "When?"})

	find := func(f journey.ClientFilter) ([]string, int) {
		t.Helper()
		cs, total, err := db.FindClients(ctx, f)
		if err != nil {
			t.Fatalf("%+v: %v %v", f, err, journey.ErrorFields(err))
		}
		var names []string
		for _, c := range cs {
			names = append(names, c.Name)
		}
		return names, total
	}
	sorted := func(f journey.ClientFilter) []string {
		names, _ := find(f)
		slices.Sort(names)
		return names
	}
	for _, tc := range []struct {
		f    journey.ClientFilter
		want []string
	}{
		{journey.ClientFilter{Stage: journey.StageInvited}, []string{"Zoe Invited"}},
		{journey.ClientFilter{Stage: journey.StageIntake}, []string{"Adam Intake"}},
		{journey.ClientFilter{Stage: journey.StageReview}, []string{"Bea Replied", "Eve Asked", "Mia Review"}},
		{journey.ClientFilter{Stage: journey.StagePreparation}, []string{"Carl Cleared"}},
		{journey.ClientFilter{Stage: journey.StageDeclined}, []string{"Dee Declined"}},
		{journey.ClientFilter{Screening: journey.ScreeningAwaitingReview}, []string{"Bea Replied", "Mia Review"}},
		{journey.ClientFilter{Screening: journey.ScreeningNeedsInfo}, []string{"Eve Asked"}},
		{journey.ClientFilter{TherapistID: la.ID}, []string{"Carl Cleared", "Dee Declined", "Mia Review"}},
		{journey.ClientFilter{Replied: true}, []string{"Bea Replied"}},
		{journey.ClientFilter{Stage: journey.StageReview, TherapistID: ny.ID}, []string{"Bea Replied", "Eve Asked"}},
		{journey.ClientFilter{Stage: journey.StageReview, CareTeamMember: la.ID}, []string{"Mia Review"}},
		{journey.ClientFilter{Stage: journey.StageReview, Query: "bea"}, []string{"Bea Replied"}},
	} {
		if got := sorted(tc.f); !slices.Equal(got, tc.want) {
			t.Errorf("%+v: %v, want %v", tc.f, got, tc.want)
		}
	}

	all := []string{"Adam Intake", "Bea Replied", "Carl Cleared", "Dee Declined", "Eve Asked", "Mia Review", "Zoe Invited"}
	if got, total := find(journey.ClientFilter{Sort: journey.ClientSortName}); !slices.Equal(got, all) || total != 7 {
		t.Errorf("by name: %v (%d)", got, total)
	}
	if got, total := find(journey.ClientFilter{Sort: journey.ClientSortName, Offset: 3, Limit: 3}); !slices.Equal(got, all[3:6]) || total != 7 {
		t.Errorf("by name, second page of 3: %v (%d)", got, total)
	}
	if got, _ := find(journey.ClientFilter{Sort: journey.ClientSortName, Offset: 6, Limit: 3}); !slices.Equal(got, all[6:]) {
		t.Errorf("by name, last page: %v", got)
	}
	if got, _ := find(journey.ClientFilter{Sort: journey.ClientSortName, Offset: 9, Limit: 3}); len(got) != 0 {
		t.Errorf("by name, past the end: %v", got)
	}
	if got, _ := find(journey.ClientFilter{Sort: journey.ClientSortName, TherapistID: la.ID}); !slices.Equal(got, []string{"Carl Cleared", "Dee Declined", "Mia Review"}) {
		t.Errorf("by name, filtered: %v", got)
	}
	newest := []string{"Eve Asked", "Dee Declined", "Carl Cleared", "Bea Replied", "Mia Review", "Adam Intake", "Zoe Invited"}
	if got, _ := find(journey.ClientFilter{}); !slices.Equal(got, newest) {
		t.Errorf("newest first: %v", got)
	}
	if got, total := find(journey.ClientFilter{Offset: 2, Limit: 2}); !slices.Equal(got, newest[2:4]) || total != 7 {
		t.Errorf("newest, second page of 2: %v (%d)", got, total)
	}
	// By where they are: intake (newest first), awaiting review in the
	// queue's order, asked, cleared, declined.
	byStatus, _ := find(journey.ClientFilter{Sort: journey.ClientSortStatus})
	if want := []string{"Adam Intake", "Zoe Invited"}; !slices.Equal(byStatus[:2], want) || !slices.Equal(byStatus[4:], []string{"Eve Asked", "Carl Cleared", "Dee Declined"}) {
		t.Errorf("by status: %v", byStatus)
	}
	if got := byStatus[2:4]; !slices.Contains(got, "Bea Replied") || !slices.Contains(got, "Mia Review") {
		t.Errorf("by status, awaiting review: %v", byStatus)
	}

	for _, tc := range []struct {
		f     journey.ClientFilter
		field string
	}{
		{journey.ClientFilter{Stage: "bogus"}, "stage"},
		{journey.ClientFilter{Screening: "cleared'--"}, "screening"},
		{journey.ClientFilter{Sort: "priority"}, "sort"},
		{journey.ClientFilter{Limit: journey.MaxClientPage + 1}, "limit"},
		{journey.ClientFilter{Offset: -1}, "offset"},
	} {
		_, _, err := db.FindClients(ctx, tc.f)
		if journey.ErrorCode(err) != journey.EINVALID || !slices.ContainsFunc(journey.ErrorFields(err), func(fe journey.FieldError) bool { return fe.Field == tc.field }) {
			t.Errorf("%+v: %v %v, want a field error on %s", tc.f, err, journey.ErrorFields(err), tc.field)
		}
	}

	// Those who replied are found from the queue's plain columns and the
	// latest decision of each queued client who has one: the list opens no
	// sealed state of a client it does not show. Mia's, made unreadable
	// here, is never opened.
	if _, err := db.Write.Exec(db.Rebind(`UPDATE clients SET screening = 'unreadable' WHERE id = ?`), mia.ID); err != nil {
		t.Fatal(err)
	}
	if got, total := find(journey.ClientFilter{Replied: true, Limit: 5}); !slices.Equal(got, []string{"Bea Replied"}) || total != 1 {
		t.Errorf("replied, with another queued client's state unreadable: %v (%d)", got, total)
	}
}

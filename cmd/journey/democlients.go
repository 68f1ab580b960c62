package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/auth"
	"github.com/journey-kap/journey/internal/sqldb"
	"github.com/journey-kap/journey/internal/starter"
)

// seedConsents stores version 1 of each starter consent document, as the
// demo practice's own.
func seedConsents(ctx context.Context, db *sqldb.DB, by int64) error {
	for _, d := range starter.Consents() {
		d.CreatedBy = by
		if err := db.CreateConsentDocument(ctx, d); err != nil {
			return fmt.Errorf("consent %s: %s%s", d.Code, journey.ErrorMessage(err), fieldList(err))
		}
	}
	return nil
}

// demoClient is a client the demo starts with.
type demoClient struct {
	Name, Email, Phone, Password string
	Intake                       bool // complete the intake and questionnaires, so they wait for review
}

var demoClients = []demoClient{
	// Taylor signs in as the demo client and starts the intake themselves.
	{"Taylor Brooks", "taylor.brooks@example.org", "+15550100177", "demo-client-morning-trail", false},
	// Sam has finished intake and waits in the medical provider's queue.
	{"Sam Whitfield", "sam.whitfield@example.org", "+15550100188", "demo-client-harbor-light", true},
}

// seedClients adds the demo clients with the demo therapist on their care
// team, each with a portal account.
func seedClients(ctx context.Context, db *sqldb.DB, now time.Time) error {
	admin, err := db.FindUserByEmail(ctx, demoAccounts[0].Email)
	if err != nil {
		return err
	}
	therapist, err := db.FindUserByEmail(ctx, demoAccounts[1].Email)
	if err != nil {
		return err
	}
	if err := seedConsents(ctx, db, admin.ID); err != nil {
		return err
	}
	for _, dc := range demoClients {
		if _, _, err := addDemoClient(ctx, db, dc, therapist.ID, admin.ID, now); err != nil {
			return err
		}
	}
	return nil
}

// addDemoClient adds dc as a client of therapistID with a portal account,
// and, when dc.Intake, their intake and questionnaires (so they wait for
// review), as of now.
func addDemoClient(ctx context.Context, db *sqldb.DB, dc demoClient, therapistID, by int64, now time.Time) (*journey.Client, *journey.User, error) {
	return addDemoClientAnswering(ctx, db, dc, therapistID, by, now, demoAnswers)
}

// demoAnswers are the waiting client's questionnaire answers: a passive
// wish to be dead on the C-SSRS screener, so the review has one to see.
var demoAnswers = map[string][]int{
	journey.QuestionnairePHQ9:  {2, 2, 1, 2, 1, 1, 1, 0, 0},
	journey.QuestionnaireGAD7:  {2, 1, 2, 1, 1, 1, 1},
	journey.QuestionnairePCL5:  {1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0},
	journey.QuestionnaireCSSRS: {1, 0, journey.Skipped, journey.Skipped, journey.Skipped, 0},
}

// addDemoClientAnswering is addDemoClient with the questionnaires answered
// as answers.
func addDemoClientAnswering(ctx context.Context, db *sqldb.DB, dc demoClient, therapistID, by int64, now time.Time, answers map[string][]int) (*journey.Client, *journey.User, error) {
	token, _, err := auth.NewToken(auth.PrefixInvitation)
	if err != nil {
		return nil, nil, err
	}
	c, err := db.CreateClient(ctx, &journey.NewClient{Name: dc.Name, Email: dc.Email, Phone: dc.Phone, TherapistID: therapistID,
		CreatedBy: by}, token)
	if err != nil {
		return nil, nil, fmt.Errorf("demo client: %s%s", journey.ErrorMessage(err), fieldList(err))
	}
	hash, err := auth.NewHasher(0, nil).Hash(ctx, dc.Password)
	if err != nil {
		return nil, nil, err
	}
	u, err := db.AcceptClientInvitation(ctx, token, hash)
	if err != nil {
		return nil, nil, err
	}
	if !dc.Intake {
		return c, u, nil
	}
	in := demoIntake(dc, now)
	for _, st := range journey.IntakeSteps {
		if _, err := db.SaveIntakeStep(ctx, c.ID, st.Code, in); err != nil {
			return nil, nil, fmt.Errorf("demo intake %s: %s%s", st.Code, journey.ErrorMessage(err), fieldList(err))
		}
	}
	for code, answers := range answers {
		if _, _, err := db.CreateResponse(ctx, c.ID, code, answers, u.ID); err != nil {
			return nil, nil, fmt.Errorf("demo %s: %s%s", code, journey.ErrorMessage(err), fieldList(err))
		}
	}
	return c, u, nil
}

// demoIntake is a complete, synthetic intake: a 41-year-old who takes
// sertraline and lorazepam as needed, so the review has findings to show.
func demoIntake(dc demoClient, now time.Time) *journey.Intake {
	return &journey.Intake{
		About: journey.About{LegalName: dc.Name, PreferredName: strings.Fields(dc.Name)[0], Pronouns: "he/him",
			DateOfBirth: now.AddDate(-41, -2, 0).Format(time.DateOnly), Phone: dc.Phone, Address: "1200 Example Avenue, Apt 4",
			City: "Portland", State: "OR", PostalCode: "97209"},
		Emergency: journey.Emergency{Name: "Riley Whitfield", Relationship: "partner", Phone: "+15550100199"},
		Goals: journey.Goals{Reasons: []string{"depression", "stuck"}, Story: "Two years of low mood since a job loss; talk therapy helped a little.",
			Hopes: "To feel like myself again."},
		MentalHealth: journey.MentalHealth{Conditions: journey.AnswerAll(journey.PsychiatricConditions, journey.No), Diagnoses: "Major depressive disorder (2023)."},
		Medical: journey.Medical{Conditions: journey.AnswerAll(journey.MedicalConditions, journey.No), Liver: "none", HeightCM: 180, WeightKG: 82,
			BPSystolic: 128, BPDiastolic: 82, BPDate: now.AddDate(0, 0, -5).Format(time.DateOnly)},
		Medications: journey.Medications{List: []journey.Medication{
			{Name: "sertraline", DoseMG: 100, PerDay: 1},
			{Name: "lorazepam", DoseMG: 0.5, PerDay: 1, Notes: "as needed, about twice a week"},
		}},
		Substances: journey.Substances{DrinksPerWeek: 3, Cannabis: "none", SUDHistory: journey.No, NonMedicalKetamine: journey.No},
		Pregnancy:  journey.Pregnancy{Pregnant: journey.NotApplicable, Breastfeeding: journey.NotApplicable, Planning: journey.NotApplicable},
		Experience: journey.Experience{PriorKetamine: journey.No},
	}
}

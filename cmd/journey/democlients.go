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
		token, _, err := auth.NewToken(auth.PrefixInvitation)
		if err != nil {
			return err
		}
		c, err := db.CreateClient(ctx, &journey.NewClient{Name: dc.Name, Email: dc.Email, Phone: dc.Phone, TherapistID: therapist.ID,
			CreatedBy: admin.ID}, token)
		if err != nil {
			return fmt.Errorf("demo client: %s%s", journey.ErrorMessage(err), fieldList(err))
		}
		hash, err := auth.NewHasher(0, nil).Hash(ctx, dc.Password)
		if err != nil {
			return err
		}
		u, err := db.AcceptClientInvitation(ctx, token, hash)
		if err != nil {
			return err
		}
		if !dc.Intake {
			continue
		}
		in := demoIntake(dc, now)
		for _, st := range journey.IntakeSteps {
			if _, err := db.SaveIntakeStep(ctx, c.ID, st.Code, in); err != nil {
				return fmt.Errorf("demo intake %s: %s%s", st.Code, journey.ErrorMessage(err), fieldList(err))
			}
		}
		for code, answers := range map[string][]int{
			journey.QuestionnairePHQ9:  {2, 2, 1, 2, 1, 1, 1, 0, 0},
			journey.QuestionnaireGAD7:  {2, 1, 2, 1, 1, 1, 1},
			journey.QuestionnairePCL5:  {1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0},
			journey.QuestionnaireCSSRS: {1, 0, journey.Skipped, journey.Skipped, journey.Skipped, 0},
		} {
			if _, _, err := db.CreateResponse(ctx, c.ID, code, answers, u.ID); err != nil {
				return fmt.Errorf("demo %s: %s%s", code, journey.ErrorMessage(err), fieldList(err))
			}
		}
	}
	return nil
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

package sqldbtest

import (
	"context"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb"
)

// Intake returns a complete intake that raises no screening finding for a
// 40-year-old client called name, as of now. Tests change one answer to
// see one rule fire.
func Intake(name string, now time.Time) *journey.Intake {
	return &journey.Intake{
		About: journey.About{LegalName: name, DateOfBirth: now.AddDate(-40, 0, -3).Format(time.DateOnly), Phone: "+15550100123",
			Address: "1 Test Street", City: "Portland", State: "OR", PostalCode: "97205"},
		Emergency:    journey.Emergency{Name: "Emergency Person", Relationship: "sibling", Phone: "+15550100124"},
		Goals:        journey.Goals{Reasons: []string{"depression"}, Story: "Low mood for a long time."},
		MentalHealth: journey.MentalHealth{Conditions: journey.AnswerAll(journey.PsychiatricConditions, journey.No)},
		Medical: journey.Medical{Conditions: journey.AnswerAll(journey.MedicalConditions, journey.No), Liver: "none", HeightCM: 170, WeightKG: 70,
			BPSystolic: 120, BPDiastolic: 80, BPDate: now.AddDate(0, 0, -14).Format(time.DateOnly)},
		Medications: journey.Medications{List: []journey.Medication{{Name: "sertraline", DoseMG: 50, PerDay: 1}}},
		Substances:  journey.Substances{Cannabis: "none", SUDHistory: journey.No, NonMedicalKetamine: journey.No},
		Pregnancy:   journey.Pregnancy{Pregnant: journey.No, Breastfeeding: journey.No, Planning: journey.No},
		Experience:  journey.Experience{PriorKetamine: journey.No},
	}
}

// CleanAnswers are questionnaire answers that raise no flag.
var CleanAnswers = map[string][]int{
	journey.QuestionnairePHQ9:  {1, 1, 1, 1, 1, 1, 1, 1, 0},
	journey.QuestionnaireGAD7:  {1, 1, 1, 1, 1, 1, 1},
	journey.QuestionnairePCL5:  {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
	journey.QuestionnaireCSSRS: {0, 0, journey.Skipped, journey.Skipped, journey.Skipped, 0},
}

// Client adds a client of therapistID with a portal account (returned),
// and, when in is not nil, saves every intake step from in and answers
// every required questionnaire with CleanAnswers.
func Client(tb testing.TB, db *sqldb.DB, therapistID int64, name, email string, in *journey.Intake) (*journey.Client, *journey.User) {
	tb.Helper()
	ctx := context.Background()
	token := "jy_inv_test_" + email
	c, err := db.CreateClient(ctx, &journey.NewClient{Name: name, Email: email, TherapistID: therapistID, CreatedBy: therapistID}, token)
	if err != nil {
		tb.Fatalf("client: %v %v", err, journey.ErrorFields(err))
	}
	u, err := db.AcceptClientInvitation(ctx, token, "$argon2id$v=19$m=16,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA")
	if err != nil {
		tb.Fatalf("accept: %v", err)
	}
	if in == nil {
		return c, u
	}
	if _, err := db.SaveIntake(ctx, c.ID, in); err != nil {
		tb.Fatalf("intake: %v %v", err, journey.ErrorFields(err))
	}
	for _, code := range journey.RequiredQuestionnaires {
		if _, _, err := db.CreateResponse(ctx, c.ID, code, CleanAnswers[code], u.ID); err != nil {
			tb.Fatalf("%s: %v %v", code, err, journey.ErrorFields(err))
		}
	}
	c, err = db.FindClientByID(ctx, c.ID)
	if err != nil {
		tb.Fatal(err)
	}
	return c, u
}

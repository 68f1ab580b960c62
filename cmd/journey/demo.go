package main

import (
	"context"
	"fmt"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/auth"
	"github.com/journey-kap/journey/internal/sqldb"
)

// The demo practice. Every name, address and number here is invented; the
// phone numbers use the 555-01xx range reserved for fiction.
var demoPractice = journey.Practice{
	Name:     "Cedar & Tide Ketamine-Assisted Therapy",
	Tagline:  "Ketamine-Assisted Psychotherapy (KAP): low-dose ketamine from a medical provider, with your therapist beside you before, during and after.",
	Phone:    "+1 503 555 0142",
	Email:    "hello@cedarandtide.example",
	Address:  "410 Alder Street, Suite 3, Portland, OR 97205",
	TimeZone: "America/Los_Angeles",
	// A synthetic address: video.example is reserved and reaches no one.
	VideoLink: "https://video.example/cedar-and-tide/consult",
	PrivacyNotice: `We collect only what we need to arrange your free consult: your name, email, phone number if you give one, how you would like to be contacted, your time zone and what you choose to tell us about what brings you here.

- **Who sees it:** the therapist you book with and our front-desk staff. We never sell or share it for marketing.
- **How it is kept:** in our practice-management system, on servers we control, and sent to you only by the email you gave us.
- **How long:** if you do not go on to become a client, we delete your consult details after 12 months.
- **Your rights:** you can ask to see, correct or delete what we hold by writing to hello@cedarandtide.example.

When you become a client, our full Notice of Privacy Practices (HIPAA) applies and we will ask you to read and sign it.`,
}

type demoTherapist struct {
	journey.Therapist
	days       []time.Weekday
	start, end journey.ClockTime // each weekday, with a lunch hour at 12:00
}

func demoTherapists() []demoTherapist {
	weekdays := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	return []demoTherapist{
		{journey.Therapist{Name: "Dr. Maya Okafor", Credentials: "PsyD", Pronouns: "she/her", TimeZone: "America/New_York",
			Bio: "Clinical psychologist focused on depression and trauma; trained in KAP and somatic approaches.", Email: "maya.okafor@cedarandtide.example"},
			weekdays, 9 * 60, 17 * 60},
		{journey.Therapist{Name: "Daniel Reyes", Credentials: "LMFT", Pronouns: "he/him", TimeZone: "America/Chicago",
			Bio: "Marriage and family therapist working with grief, life transitions and feeling stuck.", Email: "daniel.reyes@cedarandtide.example"},
			weekdays[:4], 10 * 60, 18 * 60},
		{journey.Therapist{Name: "Priya Natarajan", Credentials: "LCSW", Pronouns: "she/her", TimeZone: "America/Los_Angeles",
			Bio: "Clinical social worker for anxiety, PTSD and personal growth; offers remote sessions across the state.", Email: "priya.natarajan@cedarandtide.example"},
			weekdays[1:], 8 * 60, 16 * 60},
		{journey.Therapist{Name: "Noor Haddad", Credentials: "LPC", Pronouns: "they/them", TimeZone: "America/Denver",
			Bio: "Professional counsellor with a background in mindfulness-based therapy and integration work.", Email: "noor.haddad@cedarandtide.example"},
			[]time.Weekday{time.Monday, time.Wednesday, time.Friday}, 11 * 60, 19 * 60},
	}
}

// demoFAQ covers every point of the practice's own FAQ, in Journey's words.
var demoFAQ = []journey.FAQEntry{
	{Question: "What is Ketamine-Assisted Psychotherapy (KAP)?", Answer: "KAP pairs a **low dose of ketamine**, a legal, fast-acting medicine with a long record of safe clinical use, with **guided psychotherapy**. For a while the medicine shifts how you experience yourself: the inner critic can grow quieter, defences soften, and feelings, insight and self-compassion become easier to reach.\n\nThat window is held by therapy on every side: careful **preparation** before, **guidance** during, and **integration** afterwards."},
	{Question: "How does ketamine work in the brain?", Answer: "Ketamine acts on the brain's **glutamate system**, which supports **neuroplasticity**: the brain's ability to make new connections. For a time the brain is more open and flexible.\n\nPaired with therapy, that flexibility can help you loosen old patterns, work through trauma and build new, healthier ways of seeing yourself and your life."},
	{Question: "What are the steps of the program?", Answer: "1. **Preparation session(s).** With your therapist you clarify your goals, learn what to expect and set up grounding and safety practices.\n2. **Medicine session.** A medical provider gives you ketamine, usually as a **lozenge** or an **intramuscular injection**, while your therapist guides you through the experience in a calm, supportive setting.\n3. **Integration session(s).** Afterwards you work through the insights and emotions that came up, find their meaning and carry them into daily life.\n\nYou may also see the **medical provider** again to talk about future doses or adjustments."},
	{Question: "Is KAP safe?", Answer: "Yes, when it happens **under medical supervision**. Ketamine has been used safely in clinical settings for decades.\n\nBefore any medicine session, the **medical provider screens** your health conditions and the medications you take for anything that could make KAP unsafe for you. Your **therapist** looks after your emotional and psychological safety throughout."},
	{Question: "Who can KAP help, and who is it not for?", Answer: "KAP can support people living with **depression, anxiety or PTSD**, or who feel **stuck**. Some come for **personal growth**, **grief** or a **life transition**.\n\nIt is **not recommended** for people with certain medical or psychiatric conditions. We talk these through with you during your **intake**, and the medical provider decides whether KAP is safe for you."},
	{Question: "How many sessions will I need?", Answer: "Many people begin with **two medicine sessions**. If you go on, a series of **six to eight** is common, with an **integration session after each one**.\n\nYour plan is shaped around your needs and goals, and adjusted as you go."},
	{Question: "Why does the therapy matter as much as the medicine?", Answer: "In KAP the therapeutic work is **as important as the medicine**. Ketamine opens a window for change; therapy helps you make sense of what arises, integrate it and turn it into growth that lasts.\n\nDuring that time of openness and flexibility, therapy is what helps insight become lasting change."},
	{Question: "Will insurance cover it?", Answer: "- **Preparation and integration sessions** may be covered, depending on your plan. We can give you a superbill to send to your insurer.\n- **Medicine (dosing) sessions are private-pay only.**\n- **The medication and the prescriber's care are billed separately**, by the medical provider."},
	{Question: "Will I be alone during a medicine session?", Answer: "**No.** Whether you are with us in person or at home for a remote session, **your therapist is present and available the whole time**. A **chaperone** is available to you as well."},
	{Question: "Is KAP a quick fix?", Answer: "No. KAP is **an opening**, not a quick fix: a chance to work gently with your mind and body in new ways, supported by therapy and by your own inner wisdom."},
	{Question: "How do I start?", Answer: "**Schedule a free consult** with one of our therapists. It is a short conversation about what brings you here and whether KAP may be a fit, and it commits you to nothing. If you decide to go ahead, the next steps are an intake, medical screening and informed consent, then preparation."},
}

// demoAccount is one demo sign-in. The passwords are public (README): the
// demo is for trying Journey, never for real data.
type demoAccount struct {
	Name, Email, Role, Password string
}

var demoAccounts = []demoAccount{
	{"Alex Rivera", "admin@cedarandtide.example", journey.RoleAdmin, "demo-admin-lantern-harbor"},
	{"Dr. Maya Okafor", "maya.okafor@cedarandtide.example", journey.RoleTherapist, "demo-therapist-willow-creek"},
	{"Dr. Jordan Lee", "jordan.lee@cedarandtide.example", journey.RoleMedicalProvider, "demo-prescriber-maple-ridge"},
	{"Casey Morgan", "casey.morgan@cedarandtide.example", journey.RoleChaperone, "demo-chaperone-quiet-meadow"},
	{"Robin Patel", "frontdesk@cedarandtide.example", journey.RoleFrontDesk, "demo-frontdesk-river-stone"},
}

// seedAccounts gives every demo role a sign-in. The demo therapist is the
// one who already holds consults; the others are new users.
func seedAccounts(ctx context.Context, db *sqldb.DB) error {
	for _, a := range demoAccounts {
		if a.Role == journey.RoleTherapist {
			u, err := db.FindUserByEmail(ctx, a.Email)
			if err != nil {
				return err
			}
			hash, err := auth.NewHasher(0, nil).Hash(ctx, a.Password)
			if err != nil {
				return err
			}
			if err := db.SetPassword(ctx, u.ID, hash, 0); err != nil {
				return err
			}
			continue
		}
		u := &journey.User{Kind: journey.UserStaff, Name: a.Name, Email: a.Email, Roles: []string{a.Role}, Active: true}
		if err := addUser(ctx, db, u, a.Password); err != nil {
			return err
		}
	}
	return nil
}

// seedDemo writes the demo practice into db; now anchors the dated
// schedule exceptions so the demo always shows some.
func seedDemo(ctx context.Context, db *sqldb.DB, now time.Time) error {
	p := demoPractice
	if err := db.UpdatePractice(ctx, &p); err != nil {
		return err
	}
	for i, dt := range demoTherapists() {
		t := dt.Therapist
		t.Active = true
		if i == 1 {
			t.Buffer = 15 * time.Minute
		}
		for _, d := range dt.days {
			t.Weekly = append(t.Weekly,
				journey.WeeklyHours{Weekday: d, Start: dt.start, End: 12 * 60},
				journey.WeeklyHours{Weekday: d, Start: 13 * 60, End: dt.end})
		}
		if i == 0 {
			// A day off in ten days, and extra Saturday-morning hours.
			t.Exceptions = append(t.Exceptions,
				journey.ScheduleException{Date: now.AddDate(0, 0, 10).Format(time.DateOnly), Kind: journey.ExceptionOff},
				journey.ScheduleException{Date: nextWeekday(now, time.Saturday).Format(time.DateOnly), Kind: journey.ExceptionExtra, Start: 9 * 60, End: 12 * 60})
		}
		if err := db.CreateTherapist(ctx, &t); err != nil {
			return err
		}
	}
	if err := seedAccounts(ctx, db); err != nil {
		return err
	}
	if err := seedClients(ctx, db, now); err != nil {
		return err
	}
	if err := seedCarePath(ctx, db); err != nil {
		return err
	}
	if err := seedConsults(ctx, db, now); err != nil {
		return err
	}
	if err := seedSessions(ctx, db, now); err != nil {
		return fmt.Errorf("sessions: %w", err)
	}
	if err := seedRemoteClient(ctx, db, now); err != nil { // demo_remote.go
		return fmt.Errorf("remote session: %w", err)
	}
	if err := seedBillingSetup(ctx, db); err != nil { // demo_billing_setup.go
		return fmt.Errorf("billing setup: %w", err)
	}
	if err := seedCharges(ctx, db); err != nil { // demo_billing_charges.go
		return fmt.Errorf("charges: %w", err)
	}
	if err := seedEstimates(ctx, db); err != nil { // demo_billing_gfe.go
		return fmt.Errorf("good faith estimate: %w", err)
	}
	if err := seedDocuments(ctx, db, now); err != nil { // demo_billing_docs.go
		return fmt.Errorf("documents: %w", err)
	}
	for i := range demoFAQ {
		e := demoFAQ[i]
		e.Position, e.Published = i+1, true
		if err := db.CreateFAQEntry(ctx, &e); err != nil {
			return err
		}
	}
	return nil
}

// demoConsults are booked a few days ahead, one of each mode, so the
// consult screens show both.
var demoConsults = []journey.BookingRequest{
	{Name: "Rafael Quintero", Email: "rafael.quintero@mail.example", ContactMethod: "email", Mode: journey.ModeVideo,
		TimeZone: "America/Chicago", Reason: "A friend did KAP and it helped; I have had depression for years.", PrivacyConsent: true},
	{Name: "Ines Marchetti", Email: "ines.marchetti@mail.example", Phone: "+15550100177", ContactMethod: "phone", Mode: journey.ModePhone,
		TimeZone: "America/Los_Angeles", Reason: "Grief after my father died last spring.", PrivacyConsent: true},
}

// seedConsults books demoConsults with the first two therapists, on
// offered times from three days after now.
func seedConsults(ctx context.Context, db *sqldb.DB, now time.Time) error {
	ts, err := db.FindTherapists(ctx, true)
	if err != nil {
		return err
	}
	for i := range demoConsults {
		r := demoConsults[i]
		slots, err := db.FindSlots(ctx, journey.SlotQuery{From: now.AddDate(0, 0, 3), Days: 14, TherapistID: ts[i%len(ts)].ID})
		if err != nil {
			return err
		}
		if len(slots) == 0 {
			continue // no hours offered in those two weeks: nothing to show
		}
		r.Start, r.TherapistID = slots[len(slots)/2].Start, slots[0].TherapistID
		if _, err := db.CreateConsult(ctx, &r); err != nil {
			return fmt.Errorf("demo consult: %s%s", journey.ErrorMessage(err), fieldList(err))
		}
	}
	return nil
}

func nextWeekday(from time.Time, d time.Weekday) time.Time {
	days := (int(d) - int(from.Weekday()) + 7) % 7
	if days == 0 {
		days = 7
	}
	return from.AddDate(0, 0, days)
}

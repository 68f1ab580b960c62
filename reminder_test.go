package journey_test

import (
	"testing"
	"time"

	"github.com/journey-kap/journey"
)

// The reminders fall due at the practice's hours before the session, and
// the morning-after message on the next morning in the client's zone, also
// across a change of clocks.
func TestReminderDue(t *testing.T) {
	la, _ := time.LoadLocation("America/Los_Angeles")
	s := journey.ReminderSettings{}.WithDefaults()
	// Saturday 1 November 2031, 15:00 to 18:00 in Los Angeles; the clocks go back that night.
	start := time.Date(2031, 11, 1, 15, 0, 0, 0, la)
	end := start.Add(3 * time.Hour)
	for _, c := range []struct {
		kind string
		want time.Time
	}{
		{journey.ReminderEarly, start.Add(-72 * time.Hour)},
		{journey.ReminderDay, start.Add(-24 * time.Hour)},
		{journey.ReminderMorningAfter, time.Date(2031, 11, 2, 9, 0, 0, 0, la)},
	} {
		got, ok := s.Due(c.kind, start, end, la)
		if !ok || !got.Equal(c.want) {
			t.Errorf("%s: due %v, want %v", c.kind, got, c.want)
		}
	}
	if got, _ := s.Due(journey.ReminderMorningAfter, start, end, la); got.Sub(end) != 16*time.Hour {
		t.Errorf("morning after: %v after the end; want 16h (9:00 PST after 18:00 PDT)", got.Sub(end))
	}
	if _, ok := s.Due("later", start, end, la); ok {
		t.Error("an unknown kind is due")
	}
	if got := journey.ReminderKinds(journey.TypeMedicine); len(got) != 3 {
		t.Errorf("a medicine session gets %v", got)
	}
	if got := journey.ReminderKinds(journey.TypeIntegration); len(got) != 2 {
		t.Errorf("an integration gets %v", got)
	}
}

// Fasting may be raised above the defaults, never lowered below them, and
// the second reminder comes after the first.
func TestReminderSettingsValidate(t *testing.T) {
	d := journey.DefaultReminderSettings()
	if err := d.Validate(); err != nil {
		t.Fatalf("defaults refused: %v", err)
	}
	raised := d
	raised.FastFoodHours, raised.FastLiquidMinutes = 4, 120
	if err := raised.Validate(); err != nil {
		t.Fatalf("4 h / 2 h refused: %v", err)
	}
	for _, c := range []struct {
		field  string
		change func(*journey.ReminderSettings)
	}{
		{"fast_food_hours", func(s *journey.ReminderSettings) { s.FastFoodHours = 1 }},
		{"fast_liquid_minutes", func(s *journey.ReminderSettings) { s.FastLiquidMinutes = 15 }},
		{"day_hours", func(s *journey.ReminderSettings) { s.EarlyHours, s.DayHours = 30, 40 }},
		{"early_hours", func(s *journey.ReminderSettings) { s.EarlyHours = 24 * 20 }},
		{"morning_hour", func(s *journey.ReminderSettings) { s.MorningHour = 3 }},
	} {
		s := d
		c.change(&s)
		fields := journey.ErrorFields(s.Validate())
		if len(fields) != 1 || fields[0].Field != c.field {
			t.Errorf("%s: got %v", c.field, fields)
		}
	}
}

func TestInitials(t *testing.T) {
	for in, want := range map[string]string{"Ada Visitor": "A.V.", "  zoë  o'neil-smith ": "Z.O.", "Ada": "A.", "": "", "José María López": "J.M.L."} {
		if got := journey.Initials(in); got != want {
			t.Errorf("Initials(%q) = %q, want %q", in, got, want)
		}
	}
}

// Each reminder goes as the email its session needs: the remote medicine
// session's carries the monitor's duties.
func TestReminderEmailKind(t *testing.T) {
	for _, c := range []struct{ kind, typ, mode, want string }{
		{journey.ReminderEarly, journey.TypePreparation, journey.ModeInPerson, journey.MailSessionReminder},
		{journey.ReminderDay, journey.TypeMedicine, journey.ModeInPerson, journey.MailMedicineReminder},
		{journey.ReminderDay, journey.TypeMedicine, journey.ModeRemote, journey.MailMedicineReminderRemote},
		{journey.ReminderMorningAfter, journey.TypeMedicine, journey.ModeRemote, journey.MailMorningAfter},
	} {
		got := journey.ReminderEmailKind(c.kind, c.typ, c.mode)
		if got != c.want {
			t.Errorf("%s %s %s: %s, want %s", c.kind, c.typ, c.mode, got, c.want)
		}
		if journey.FindEmailKind(got) == nil {
			t.Errorf("%s has no template", got)
		}
	}
}

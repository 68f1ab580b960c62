package journey

// Placeholders shared by several kinds of email.
var (
	phPracticeName  = Placeholder{"practice_name", "The practice's name", "Cedar & Tide Ketamine-Assisted Therapy"}
	phPracticePhone = Placeholder{"practice_phone", "The practice's phone number", "+1 503 555 0142"}
	phPracticeEmail = Placeholder{"practice_email", "The practice's email address", "hello@cedarandtide.example"}
	phFirstName     = Placeholder{"client_first_name", "The person's first name, as they gave it", "Ada"}
	phName          = Placeholder{"client_name", "The person's name, as they gave it", "Ada Visitor"}
	phTherapist     = Placeholder{"therapist_name", "The therapist's name and credentials", "Dr. Maya Okafor, PsyD"}
	phTime          = Placeholder{"consult_time", "When the consult starts, in the person's zone", "Monday, March 11, 2030 at 2:00 PM"}
	phTimeShort     = Placeholder{"consult_time_short", "The start, short, with its zone's abbreviation", "Mon Mar 11, 2:00 PM GMT"}
	phZone          = Placeholder{"consult_time_zone", "The person's time zone", "Europe/London, GMT"}
	phMinutes       = Placeholder{"consult_minutes", "How long the consult lasts, in minutes", "30"}
	phMode          = Placeholder{"consult_mode", "phone or video", "video"}
	phHow           = Placeholder{"how_to_join", "How the consult takes place: the video link to join (or that it will follow), or the number the therapist calls", "This is a video consult. At that time, join Dr. Maya Okafor, PsyD here:\nhttps://video.example/room"}
	phVideo         = Placeholder{"video_link", "The practice's video link, for a video consult (empty for a phone consult)", "https://video.example/room"}
	phContact       = Placeholder{"contact_method", "How the person asked to be contacted: email, phone or text message", "email"}
	phManage        = Placeholder{"manage_link", "The private link to view, move or cancel the consult", "https://journey.example/c/SAMPLE-TOKEN"}
	phBook          = Placeholder{"book_link", "The page to book a consult", "https://journey.example/book"}
	phStaffName     = Placeholder{"staff_name", "The name of the member of staff it is sent to", "Sam Rivera"}
)

var consultPlaceholders = []Placeholder{phFirstName, phName, phTherapist, phTime, phTimeShort, phZone, phMinutes, phMode,
	phHow, phVideo, phContact, phPracticeName, phPracticePhone, phPracticeEmail}

func with(list []Placeholder, more ...Placeholder) []Placeholder {
	return append(append([]Placeholder{}, list...), more...)
}

// EmailKinds is every email Journey sends, with its default text.
var EmailKinds = []EmailKind{
	{Kind: MailConsultBooked, Label: "Consult booked", When: "A consult is booked, by the person, by staff for a caller, or by confirming a held time. It carries a calendar invitation.",
		Subject: "Your free consult is booked: {{consult_time_short}}",
		Body: `Hello {{client_name}},

Your free consult with {{therapist_name}} at {{practice_name}} is booked.

When: {{consult_time}} ({{consult_time_zone}})
Length: {{consult_minutes}} minutes

{{how_to_join}}

The attached invitation adds it to your calendar. Should we need to reach
you before then, we will use {{contact_method}}.

To view, move or cancel your consult, use this private link (keep it to
yourself; anyone with it can change your booking):
{{manage_link}}`,
		Placeholders: with(consultPlaceholders, phManage), Required: []string{"manage_link", "how_to_join"}, Footer: true},
	{Kind: MailConsultRescheduled, Label: "Consult moved", When: "A consult moves to another time, by the person or by staff. It carries the updated invitation.",
		Subject: "Your free consult has moved: {{consult_time_short}}",
		Body: `Hello {{client_name}},

Your free consult at {{practice_name}} has moved.

New time: {{consult_time}} ({{consult_time_zone}})
With: {{therapist_name}}

{{how_to_join}}

The attached invitation updates your calendar.`,
		Placeholders: consultPlaceholders, Required: []string{"how_to_join"}, Footer: true},
	{Kind: MailConsultCancelled, Label: "Consult cancelled", When: "A consult is cancelled, by the person or by staff. It removes the event from their calendar.",
		Subject: "Your free consult is cancelled: {{consult_time_short}}",
		Body: `Hello {{client_name}},

Your free consult with {{therapist_name}} on {{consult_time}} ({{consult_time_zone}}) is cancelled.

Whenever you are ready, you can book a new time on our website:
{{book_link}}`,
		Placeholders: with(consultPlaceholders, phBook), Footer: true},
	{Kind: MailConsultManageLink, Label: "Link to a consult", When: "Someone asks for the link to the upcoming consult booked under their address.",
		Subject: "The link to your consult on {{consult_time_short}}",
		Body: `Hello {{client_name}},

You asked for the link to your upcoming consult with {{therapist_name}} on
{{consult_time}} ({{consult_time_zone}}). Use it to view, move or cancel the consult:
{{manage_link}}

Links we sent you before keep working too. If you did not ask for this
link, you can ignore this message: nobody else was sent it.`,
		Placeholders: with(consultPlaceholders, phManage), Required: []string{"manage_link"}, Footer: true},
	{Kind: MailConsultHold, Label: "Confirm a held time", When: "Under private booking, a time is held and the person confirms it by this link.",
		Subject: "Confirm your free consult: {{consult_time_short}}",
		Body: `Hello {{client_name}},

We are holding a free consult with {{therapist_name}} at {{practice_name}} for you:

When: {{consult_time}} ({{consult_time_zone}})
Length: {{consult_minutes}} minutes
By: {{consult_mode}}

To book it, open this link within {{hold_minutes}} minutes (by {{hold_until}}):
{{confirm_link}}

If you do not, the time is freed for others and nothing is booked. If you
did not ask for this, you can ignore this message.`,
		Placeholders: with(consultPlaceholders,
			Placeholder{"confirm_link", "The link that books the held time", "https://journey.example/book/confirm/SAMPLE-TOKEN"},
			Placeholder{"hold_minutes", "How long the time is held, in minutes", "30"},
			Placeholder{"hold_until", "When the hold lapses, in the person's zone", "2:30 PM GMT"}),
		Required: []string{"confirm_link"}, Footer: true},
	{Kind: MailStaffInvitation, Label: "Staff invitation", When: "An admin invites a member of staff.",
		Subject: "You are invited to {{practice_name}} on Journey",
		Body: `Hello {{staff_name}},

You have been invited to join {{practice_name}} on Journey as: {{roles}}.

Set your password and two-step sign-in here (the link works once and
expires on {{invite_expires}}):
{{invite_link}}

If you did not expect this, ignore this email.

{{practice_name}}`,
		Placeholders: []Placeholder{phStaffName, phPracticeName, phPracticePhone, phPracticeEmail,
			{"roles", "The roles they are invited to", "Therapist"},
			{"invite_expires", "When the link expires (UTC)", "March 14 at 2:00 PM UTC"},
			{"invite_link", "The link that sets up their account", "https://journey.example/invite/SAMPLE-TOKEN"}},
		Required: []string{"invite_link"}},
	{Kind: MailPasswordReset, Label: "Password reset", When: "Someone asks to reset the password of an account.",
		Subject: "Reset your {{practice_name}} password",
		Body: `Hello {{user_name}},

Someone asked to reset the password of your {{practice_name}} account. To choose a new
one, use this link within the hour (it works once):
{{reset_link}}

If it was not you, ignore this email: your password has not changed.

{{practice_name}}`,
		Placeholders: []Placeholder{{"user_name", "The account holder's name", "Ada Visitor"}, phPracticeName, phPracticePhone, phPracticeEmail,
			{"reset_link", "The link that sets a new password", "https://journey.example/reset/SAMPLE-TOKEN"}},
		Required: []string{"reset_link"}},
	{Kind: MailClientInvitation, Label: "Client portal invitation", When: "Staff invite a person to begin after their consult, or invite them again.",
		Subject: "Your next step with {{practice_name}}",
		Body: `Hello {{client_name}},

Thank you for meeting us. Your next step with {{practice_name}} is to set up your
private client portal, where you will fill in your intake, answer a few
short questionnaires and read and sign your consent forms.

Set up your portal here (the link works once and expires on {{invite_expires}}):
{{invite_link}}

If you did not expect this, ignore this email.

{{practice_name}}`,
		Placeholders: []Placeholder{phFirstName, phName, phPracticeName, phPracticePhone, phPracticeEmail,
			{"invite_expires", "When the link expires (UTC)", "March 14 at 2:00 PM UTC"},
			{"invite_link", "The link that sets up their portal", "https://journey.example/portal/join/SAMPLE-TOKEN"}},
		Required: []string{"invite_link"}},
	{Kind: MailSafetyAlert, Label: "Urgent safety alert", When: "A client answers a safety question in a way that needs follow-up today; it goes to each therapist on their care team. For the client's privacy it says neither who nor what.",
		Subject: "Urgent safety alert - {{practice_name}}",
		Body: `Hello {{staff_name}},

URGENT: one of your clients answered a safety question in a way that
needs follow-up today. For their privacy this email does not say who or
what; sign in to see the alert and acknowledge it:
{{alert_link}}

{{practice_name}}`,
		Placeholders: []Placeholder{phStaffName, phPracticeName, phPracticePhone, phPracticeEmail,
			{"alert_link", "The link to the alert, which asks the reader to sign in", "https://journey.example/staff/alerts#alert-7"}},
		Required: []string{"alert_link"}, NoPHI: true},
	{Kind: MailCheckInNoDose, Label: "Remote check-in: no dose today", When: "A client checking in for a remote medicine session enters a home blood pressure at or above the limit for a dose; it goes at once to each therapist on their care team. For the client's privacy it says neither who nor what.",
		Subject: "Urgent: a remote session's check-in stopped the dose - {{practice_name}}",
		Body: `Hello {{staff_name}},

URGENT: a client checking in for a remote medicine session entered a home
blood pressure reading at or above the limit for a dose. There is no dose
today: call them back now. For their privacy this email does not say who;
sign in to see the check-in and the number to call:
{{checkin_link}}

{{practice_name}}`,
		Placeholders: []Placeholder{phStaffName, phPracticeName, phPracticePhone, phPracticeEmail,
			{"checkin_link", "The link to the client's plan and gates, which asks the reader to sign in", "https://journey.example/staff/clients/7/plan"}},
		Required: []string{"checkin_link"}, NoPHI: true},
	{Kind: MailMedicineAlert, Label: "Medicine session: hold, escalation or override", When: "On a medicine session's run sheet a reading holds the dose or escalates, an order goes past the practice's bounds, or a client is discharged early; it goes at once to the session's therapist and medical provider and the client's care team. For the client's privacy it says neither who nor what was read.",
		Subject: "Urgent: {{event}} on a medicine session - {{practice_name}}",
		Body: `Hello {{staff_name}},

URGENT: {{event}} on a medicine session you are part of. For the client's
privacy this email does not say who or what was read; sign in to see the
run sheet:
{{runsheet_link}}

{{practice_name}}`,
		Placeholders: []Placeholder{phStaffName, phPracticeName, phPracticePhone, phPracticeEmail,
			{"event", "What happened, in a few fixed words (such as \"a hold on the dose\")", "a hold on the dose"},
			{"runsheet_link", "The link to the session's run sheet, which asks the reader to sign in", "https://journey.example/staff/sessions/7/run-sheet"}},
		Required: []string{"runsheet_link"}, NoPHI: true},
	{Kind: MailPortalUpdate, Label: "Portal update", When: "There is news for a client in their portal, such as the medical provider's decision or question.",
		Subject: "An update in your {{practice_name}} portal",
		Body: `Hello {{client_name}},

There is an update for you in your {{practice_name}} portal. Sign in to read it:
{{portal_link}}

{{practice_name}}`,
		Placeholders: []Placeholder{phFirstName, phName, phPracticeName, phPracticePhone, phPracticeEmail,
			{"portal_link", "The portal's sign-in page", "https://journey.example/portal"}},
		Required: []string{"portal_link"}},
	{Kind: MailSessionReminder, Label: "Session reminder", When: "A few days (72 hours by default) and again a day (24 hours) before each preparation, integration, follow-up or group session. The first carries a calendar invitation.",
		Subject: "Reminder: your {{session_name}} {{time_until}}, {{session_time_short}}",
		Body: `Hello {{client_first_name}},

A reminder of your {{session_name}} with {{practice_name}} {{time_until}}.

When: {{session_time}} ({{session_time_zone}})
Length: {{session_minutes}} minutes
Where: {{session_where}}

Please bring anything your care team asked you to bring.

To see your sessions, or to ask us to move this one, sign in to your portal:
{{portal_link}}`,
		Placeholders: sessionPlaceholders, Required: []string{"session_time", "session_where"}, Footer: true},
	{Kind: MailMedicineReminder, Label: "Medicine session: reminder and how to prepare", When: "A few days and again a day before a medicine session in person. The first carries a calendar invitation.",
		Subject: "Your session {{time_until}}: how to prepare",
		Body: `Hello {{client_first_name}},

Your {{session_name}} with {{practice_name}} is {{time_until}}.

When: {{session_time}} ({{session_time_zone}})
Length: about {{session_minutes}} minutes; please keep the rest of the day free
Where: {{session_where}}

How to prepare:
- Eat nothing for {{fasting_food}} before the session, and drink nothing,
  not even water, for {{fasting_liquids}} before it.
- Arrange a ride home: an adult who collects you at the end. You will not
  be able to leave on your own.
- Do not drive until the next day, after a night's sleep.
- Bring comfortable clothes, and if you like an eye mask and headphones.

If your health or your medicines have changed since we last spoke, or you
cannot keep to these instructions, call us before the session at
{{practice_phone}}.

Your portal: {{portal_link}}`,
		Placeholders: medicinePlaceholders, Required: []string{"session_time", "session_where", "fasting_food", "fasting_liquids"}, Footer: true},
	{Kind: MailMedicineReminderRemote, Label: "Remote medicine session: reminder, how to prepare, the monitor's duties", When: "A few days and again a day before a medicine session from home. The first carries a calendar invitation.",
		Subject: "Your session {{time_until}}: how to prepare",
		Body: `Hello {{client_first_name}},

Your {{session_name}} with {{practice_name}} is {{time_until}}, online from home.

When: {{session_time}} ({{session_time_zone}})
Length: about {{session_minutes}} minutes; please keep the rest of the day free
Join here: {{session_where}}

How to prepare:
- Eat nothing for {{fasting_food}} before the session, and drink nothing,
  not even water, for {{fasting_liquids}} before it.
- Have your blood pressure monitor at hand. At the start you check in from
  your portal: your address, a number to call you back on, your emergency
  contact and a blood pressure reading.
- Do not drive until the next day, after a night's sleep.

Your monitor, {{monitor_name}}, must be an adult who is with you for the
whole session. Please share their duties with them:
- be with you before the session starts and stay until your therapist
  ends it, in the same home and close by;
- keep their phone on and answer when your therapist calls;
- in an emergency call {{emergency_number}} first, then us;
- make sure you do not drive or go out alone for the rest of the day.
Without your monitor the session cannot go ahead: call us at
{{practice_phone}} to move it.

Your portal: {{portal_link}}`,
		Placeholders: with(medicinePlaceholders, Placeholder{"monitor_name", "The monitor the client named for the session", "Sam Visitor"},
			Placeholder{"emergency_number", "The emergency number", "911"}),
		Required: []string{"session_time", "session_where", "fasting_food", "fasting_liquids"}, Footer: true},
	{Kind: MailMonitorInstructions, Label: "Remote medicine session: the monitor's instructions", When: "Within the first reminder window (72 hours by default) before a remote medicine session, and again when it moves, to the monitor the client named, when the monitor agreed to be contacted and gave an email address. It names the client by first name only and says nothing clinical.",
		Subject: "{{client_first_name}}'s session with {{practice_name}}: {{session_time_short}}",
		Body: `Hello {{monitor_name}},

{{client_first_name}} named you as the adult who will be with them for
their online session with {{practice_name}}.

When: {{session_time}} ({{session_time_zone}})
Length: about {{session_minutes}} minutes
Video link: {{session_where}}

What we ask of you:
- be an adult present for the whole session: with {{client_first_name}}
  before it starts and until the therapist ends it, in the same home;
- stay with {{client_first_name}} and keep your phone on;
- if you are worried, call us at {{practice_phone}}, or in an emergency
  call {{emergency_number}} first, then us;
- make sure {{client_first_name}} does not drive or go out alone for the
  rest of the day.

If you cannot be there, please tell {{client_first_name}} or call us.`,
		Placeholders: []Placeholder{phFirstName, phPracticeName, phPracticePhone, phPracticeEmail,
			{"monitor_name", "The monitor's name", "Sam Visitor"},
			{"session_time", "When the session starts, in the client's zone", "Monday, March 11, 2030 at 9:00 AM"},
			{"session_time_short", "The start, short, with its zone's abbreviation", "Mon Mar 11, 9:00 AM PDT"},
			{"session_time_zone", "The client's time zone", "America/Los_Angeles, PDT"},
			{"session_minutes", "How long the session lasts, in minutes", "180"},
			{"session_where", "The link to join", "https://video.example/room"},
			{"emergency_number", "The emergency number", "911"}},
		Required: []string{"session_time", "practice_phone"}, Footer: true},
	{Kind: MailMorningAfter, Label: "Morning after a medicine session", When: "The morning after a medicine session, at 9 in the client's zone by default.",
		Subject: "Checking in after your session - {{practice_name}}",
		Body: `Hello {{client_first_name}},

We hope you rested well after your session. Please take a minute to tell
us how you are this morning, in your portal:
{{portal_link}}

Feeling tired or a little off the day after is common. If you feel
unwell, or something worries you, call us at {{practice_phone}}.`,
		Placeholders: []Placeholder{phFirstName, phName, phPracticeName, phPracticePhone, phPracticeEmail, phPortal},
		Required:     []string{"portal_link"}, Footer: true},
	{Kind: MailGoodFaithEstimate, Label: "Good Faith Estimate", When: "A client who pays for some of their care themselves is given an estimate of its expected charges: soon after a session is booked, when they ask, and when their plan changes.",
		Subject: "Your Good Faith Estimate from {{practice_name}}",
		Body: `Hello {{client_first_name}},

Here is your Good Faith Estimate: what we expect your care with us to
cost over the coming months, for the services you pay for yourself.

{{estimate_summary}}

The full estimate, with each service's codes and each provider's name,
NPI and tax ID, is in your portal as a PDF to download and keep:
{{estimate_link}}

This is an estimate, not a contract, and your actual charges may differ.
If a bill comes to $400 or more above this estimate for one provider,
you may dispute it within 120 days of the bill. To learn how, visit
www.cms.gov/nosurprises or call 1-800-985-3059.`,
		Placeholders: []Placeholder{phFirstName, phName, phPracticeName, phPracticePhone, phPracticeEmail,
			{"estimate_summary", "Each estimate's provider, services and expected total", "Cedar & Tide KAP, LLC (medicine session):\n- Medicine session: monitoring × 6: $5,400.00\nExpected total: $5,400.00"},
			{"estimate_link", "The portal's page of the client's estimates", "https://journey.example/portal/estimates"}},
		Required: []string{"estimate_link"}, Footer: true},
}

// Placeholders of the reminders about a care session.
var (
	phPortal            = Placeholder{"portal_link", "The portal's sign-in page", "https://journey.example/portal"}
	sessionPlaceholders = []Placeholder{phFirstName, phName, phPracticeName, phPracticePhone, phPracticeEmail, phPortal,
		{"session_name", "The kind of session, in words", "integration session"},
		{"session_time", "When the session starts, in the client's zone", "Monday, March 11, 2030 at 9:00 AM"},
		{"session_time_short", "The start, short, with its zone's abbreviation", "Mon Mar 11, 9:00 AM PDT"},
		{"session_time_zone", "The client's time zone", "America/Los_Angeles, PDT"},
		{"session_minutes", "How long the session lasts, in minutes", "60"},
		{"session_where", "Where it takes place: the room and address, or the link to join", "Cedar Room, 12 Alder Street, Portland"},
		{"time_until", "How soon: in 3 days, tomorrow", "in 3 days"}}
	medicinePlaceholders = with(sessionPlaceholders,
		Placeholder{"fasting_food", "How long before without food, by the practice's rule", "2 hours"},
		Placeholder{"fasting_liquids", "How long before without liquids, by the practice's rule", "30 minutes"})
)

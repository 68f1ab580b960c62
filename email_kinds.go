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
	{Kind: MailPortalUpdate, Label: "Portal update", When: "There is news for a client in their portal, such as the medical provider's decision or question.",
		Subject: "An update in your {{practice_name}} portal",
		Body: `Hello {{client_name}},

There is an update for you in your {{practice_name}} portal. Sign in to read it:
{{portal_link}}

{{practice_name}}`,
		Placeholders: []Placeholder{phFirstName, phName, phPracticeName, phPracticePhone, phPracticeEmail,
			{"portal_link", "The portal's sign-in page", "https://journey.example/portal"}},
		Required: []string{"portal_link"}},
}

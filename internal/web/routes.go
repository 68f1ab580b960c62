package web

import (
	"net/http"

	"github.com/journey-kap/journey"
)

// Shorter names for the permissions the table uses; journey/policy.go says
// which roles hold each.
const (
	permPublic        = journey.PermPublic
	permSignedIn      = journey.PermSignedIn
	permSecondFactor  = journey.PermSecondFactor
	permStaff         = journey.PermStaff
	permConsultsRead  = journey.PermConsultsRead
	permConsultsWrite = journey.PermConsultsWrite
)

// route is one entry of the URL surface.
type route struct {
	pattern string   // Go 1.22 ServeMux pattern: "METHOD /path/{var}"
	aud     audience // who the route serves: its layout and how errors are answered
	perm    journey.Permission
	opts    routeOpt
	handler http.HandlerFunc
}

// audience is who a route serves. The route declares it, so no code below
// works it out from the URL: the staff workspace's frame, problem+json or
// an error page, all follow from it.
type audience int

// Audiences.
const (
	site   audience = iota // the public site and signing in: layout.html
	portal                 // the client portal: layout.html
	staff                  // the staff workspace: layout_staff.html for a signed-in member of staff
	api                    // the JSON API: problem+json, never a page
)

// routeOpt is a set of a route's options.
type routeOpt uint8

// Route options.
const (
	limited  routeOpt = 1 << iota // counts against the per-address rate limit
	carry                         // a signed-out POST carries its form through signing in (portal forms)
	document                      // takes a whole document: a 1 MiB body rather than 64 KiB
)

// notFoundRoutes answer a URL no route matched: the API's with
// problem+json, everything else with a page.
var notFoundRoutes = map[string]audience{"/": site, "/api/": api}

// routeTable is the whole URL surface of Journey, in one place.
func (s *Server) routeTable() []route {
	return []route{
		// Public site.
		{"GET /{$}", site, permPublic, 0, s.site.HandleHome},
		{"GET /faq", site, permPublic, 0, s.site.HandleFAQ},
		{"GET /logo/{file}", site, permPublic, 0, s.site.HandleLogo},
		{"GET /privacy", site, permPublic, 0, s.site.HandlePrivacy},
		{"GET /good-faith-estimate", site, permPublic, 0, s.site.HandleEstimateRight},
		{"GET /book", site, permPublic, limited, s.site.HandleBookView},
		{"POST /book", site, permPublic, limited, s.site.HandleBookCreate},
		{"POST /book/resend", site, permPublic, limited, s.site.HandleResendLink},
		{"GET /book/confirm/{token}", site, permPublic, 0, s.site.HandleHoldView},
		{"POST /book/confirm/{token}", site, permPublic, limited, s.site.HandleHoldConfirm},
		{"GET /c/{token}", site, permPublic, 0, s.site.HandleManageView},
		{"POST /c/{token}/reschedule", site, permPublic, limited, s.site.HandleManageReschedule},
		{"GET /c/{token}/cancel", site, permPublic, 0, s.site.HandleManageCancelView},
		{"POST /c/{token}/cancel", site, permPublic, limited, s.site.HandleManageCancel},
		{"GET /static/{hash}/{name}", site, permPublic, 0, s.handleStatic},
		{"GET /healthz", site, permPublic, 0, s.handleHealth},
		{"GET /readyz", site, permPublic, 0, s.handleReady},

		// Sign-in and the second factor.
		{"GET /login", site, permPublic, 0, s.handleLoginView},
		{"POST /login", site, permPublic, limited, s.handleLogin},
		{"GET /login/2fa", site, permSecondFactor, 0, s.handleTwoFactorView},
		{"POST /login/2fa", site, permSecondFactor, limited, s.handleTwoFactor},
		{"GET /account/2fa", staff, permSecondFactor, 0, s.handleEnrolView},
		{"POST /account/2fa", staff, permSecondFactor, limited, s.handleEnrol},
		{"POST /logout", site, permPublic, 0, s.handleLogout},
		{"GET /invite/{token}", site, permPublic, 0, s.handleAcceptView},
		{"POST /invite/{token}", site, permPublic, limited, s.handleAccept},
		{"GET /reset", site, permPublic, 0, s.handleResetRequestView},
		{"POST /reset", site, permPublic, limited, s.handleResetRequest},
		{"GET /reset/{token}", site, permPublic, 0, s.handleResetView},
		{"POST /reset/{token}", site, permPublic, limited, s.handleReset},

		// Staff screens.
		{"GET /staff", staff, permStaff, 0, s.staff.HandleHome},
		{"GET /staff/consults", staff, permConsultsRead, 0, s.staff.HandleConsults},
		{"GET /staff/consults/new", staff, permConsultsWrite, 0, s.staff.HandleBookView},
		{"POST /staff/consults", staff, permConsultsWrite, 0, s.staff.HandleBookCreate},
		{"GET /staff/consults/{id}", staff, permConsultsRead, 0, s.staff.HandleConsultView},
		{"POST /staff/consults/{id}/reschedule", staff, permConsultsWrite, 0, s.staff.HandleConsultReschedule},
		{"POST /staff/consults/{id}/cancel", staff, permConsultsWrite, 0, s.staff.HandleConsultCancel},
		{"POST /staff/consults/{id}/status", staff, permConsultsWrite, 0, s.staff.HandleConsultStatus},
		{"POST /staff/consults/{id}/break-glass", staff, journey.BreakGlassPermission(journey.BreakGlassConsult), 0, s.staff.HandleBreakGlass},

		// Client portal (portal.go).
		{"GET /portal/join/{token}", portal, permPublic, 0, s.handleJoinView},
		{"POST /portal/join/{token}", portal, permPublic, limited, s.handleJoin},
		{"GET /portal", portal, journey.PermPortal, 0, s.portal.HandlePortal},
		{"GET /portal/intake/{step}", portal, journey.PermPortal, 0, s.portal.HandleIntakeView},
		{"GET /portal/answers", portal, journey.PermPortal, 0, s.portal.HandleAnswersView},
		{"GET /portal/answers/{step}", portal, journey.PermPortal, 0, s.portal.HandleAnswersView},
		{"POST /portal/intake/{step}", portal, journey.PermPortal, carry, s.portal.HandleIntakeSave},
		{"GET /portal/measures/{code}", portal, journey.PermPortal, 0, s.portal.HandleMeasureView},
		{"POST /portal/measures/{code}", portal, journey.PermPortal, carry, s.portal.HandleMeasureSubmit},
		{"GET /portal/support", portal, journey.PermPortal, 0, s.portal.HandleCrisis},
		{"GET /portal/consents/{code}", portal, journey.PermPortal, 0, s.portal.HandleConsentView},
		{"POST /portal/consents/{code}", portal, journey.PermPortal, 0, s.portal.HandleConsentSign},
		{"GET /portal/signatures/{id}", portal, journey.PermPortal, 0, s.portal.HandlePortalSignaturePDF},
		{"POST /portal/question", portal, journey.PermPortal, 0, s.portal.HandleQuestionReply},
		{"GET /portal/book", portal, journey.PermPortal, 0, s.portal.HandleBookView},
		{"POST /portal/book", portal, journey.PermPortal, 0, s.portal.HandleBook},
		{"GET /portal/monitor", portal, journey.PermPortal, 0, s.portal.HandleMonitor},
		{"POST /portal/monitor", portal, journey.PermPortal, 0, s.portal.HandleMonitorSave},
		// The client's Good Faith Estimates (portal/estimates.go).
		{"GET /portal/estimates", portal, journey.PermPortal, 0, s.portal.HandleEstimates},
		{"POST /portal/estimates", portal, journey.PermPortal, 0, s.portal.HandleEstimateRequest},
		{"GET /portal/estimates/{id}/pdf", portal, journey.PermPortal, 0, s.portal.HandleEstimatePDF},
		// The client's own sessions (portal/sessions.go): another client's is "not found".
		{"GET /portal/sessions", portal, journey.PermPortal, 0, s.portal.HandleSessions},
		{"GET /portal/sessions/{id}", portal, journey.PermPortal, 0, s.portal.HandleSession},
		{"POST /portal/sessions/{id}/cancel", portal, journey.PermPortal, 0, s.portal.HandleSessionCancel},
		{"POST /portal/sessions/{id}/reschedule", portal, journey.PermPortal, 0, s.portal.HandleSessionReschedule},
		{"GET /portal/sessions/{id}/check-in", portal, journey.PermPortal, 0, s.portal.HandleCheckIn},
		{"POST /portal/sessions/{id}/check-in", portal, journey.PermPortal, 0, s.portal.HandleCheckInSave},
		{"GET /portal/reminders", portal, journey.PermPortal, 0, s.portal.HandleReminders},
		{"GET /portal/preparation", portal, journey.PermPortal, 0, s.portal.HandlePreparation},
		{"GET /portal/morning-after", portal, journey.PermPortal, 0, s.portal.HandleMorning},
		{"POST /portal/morning-after", portal, journey.PermPortal, carry, s.portal.HandleMorningSave},
		{"GET /portal/journal", portal, journey.PermPortal, 0, s.portal.HandleJournal},
		{"POST /portal/journal", portal, journey.PermPortal, carry, s.portal.HandleJournalAdd},
		{"POST /portal/journal/{id}/share", portal, journey.PermPortal, 0, s.portal.HandleJournalShare},
		{"POST /portal/texts", portal, journey.PermPortal, 0, s.portal.HandleTextConsent},
		{"POST /portal/calendar", portal, journey.PermPortal, 0, s.portal.HandleCalendarCreate},
		{"POST /portal/calendar/{id}/revoke", portal, journey.PermPortal, 0, s.portal.HandleCalendarRevoke},
		// The client's billing (portal/billing.go): their own documents only.
		{"GET /portal/billing", portal, journey.PermPortal, 0, s.portal.HandleBilling},
		{"POST /portal/billing/superbills", portal, journey.PermPortal, 0, s.portal.HandleBillingSuperbill},
		{"POST /portal/billing/statements", portal, journey.PermPortal, 0, s.portal.HandleBillingStatement},
		{"GET /portal/billing/documents/{id}", portal, journey.PermPortal, 0, s.portal.HandleBillingDocument},
		// Paying by card (portal/cardpay.go); the card processor's events (site/webhook.go).
		{"GET /portal/billing/pay", portal, journey.PermPortal, 0, s.portal.HandlePayView},
		{"POST /portal/billing/pay", portal, journey.PermPortal, 0, s.portal.HandlePay},
		{"GET /portal/billing/payments/{id}", portal, journey.PermPortal, 0, s.portal.HandlePayment},
		{"POST /portal/billing/card/forget", portal, journey.PermPortal, 0, s.portal.HandleForgetCard},
		{"POST /webhooks/stripe", site, permPublic, 0, s.site.HandleStripeWebhook},

		// Client records (staff).
		{"GET /staff/clients/{id}/measures/{code}", staff, journey.PermClinicalRead, 0, s.staff.HandleMeasureView},
		{"POST /staff/clients/{id}/measures/{code}", staff, journey.PermClinicalRead, 0, s.staff.HandleMeasureSubmit},
		{"POST /staff/clients/{id}/care-team", staff, journey.PermClientsWrite, 0, s.staff.HandleCareTeamAdd},
		{"POST /staff/clients/{id}/care-team/{user}/remove", staff, journey.PermClientsWrite, 0, s.staff.HandleCareTeamRemove},
		{"POST /staff/clients/{id}/break-glass", staff, journey.BreakGlassPermission(journey.BreakGlassClient), 0, s.staff.HandleClientBreakGlass},
		{"GET /staff/clients/{id}/signatures/{sig}", staff, journey.PermClientsRead, 0, s.staff.HandleStaffSignaturePDF},
		{"GET /staff/clients", staff, journey.PermClientsRead, 0, s.staff.HandleClients},
		{"GET /staff/clients/new", staff, journey.PermClientsWrite, 0, s.staff.HandleClientNewView},
		{"POST /staff/clients/new", staff, journey.PermClientsWrite, 0, s.staff.HandleClientCreate},
		{"GET /staff/clients/{id}", staff, journey.PermClientsRead, 0, s.staff.HandleClientView},
		{"GET /staff/clients/{id}/plan", staff, journey.PermClientsRead, 0, s.staff.HandlePlan},
		{"GET /staff/clients/{id}/billing", staff, journey.PermBillingRead, 0, s.staff.HandleClientBilling}, // staff/client_billing.go
		{"POST /staff/clients/{id}/billing/payments", staff, journey.PermBillingWrite, 0, s.staff.HandleBillingPayment},
		{"POST /staff/clients/{id}/billing/void", staff, journey.PermBillingWrite, 0, s.staff.HandleChargeVoid},
		{"POST /staff/clients/{id}/billing/adjust", staff, journey.PermBillingWrite, 0, s.staff.HandleChargeAdjust},
		{"POST /staff/clients/{id}/billing/refund", staff, journey.PermBillingWrite, 0, s.staff.HandlePaymentRefund},
		{"GET /staff/clients/{id}/texts", staff, journey.PermClientsWrite, 0, s.staff.HandleTextConsentView}, // staff/texts.go
		{"POST /staff/clients/{id}/texts", staff, journey.PermClientsWrite, 0, s.staff.HandleTextConsentSave},
		{"GET /staff/clients/{id}/aftercare", staff, journey.PermClinicalRead, 0, s.staff.HandleAftercare},
		{"POST /staff/clients/{id}/plan", staff, journey.PermClinicalRead, 0, s.staff.HandlePlanUpdate},
		{"POST /staff/clients/{id}/gate-overrides", staff, journey.PermClearance, 0, s.staff.HandleGateOverride},
		{"POST /staff/clients/{id}/reinvite", staff, journey.PermClientsWrite, 0, s.staff.HandleClientReinvite},
		{"POST /staff/consults/{id}/client", staff, journey.PermClientsWrite, 0, s.staff.HandleConsultClient},
		{"GET /staff/alerts", staff, journey.PermAlerts, 0, s.staff.HandleAlerts},
		{"GET /staff/calendar", staff, journey.PermSessionsRead, 0, s.staff.HandleCalendar},
		{"POST /staff/calendar/book", staff, journey.PermSessionsWrite, 0, s.staff.HandleCalendarBook},
		// A session's own page (staff/session.go): its team, a chaperone limited (processing.SessionView).
		{"GET /staff/sessions/{id}", staff, journey.PermSessionsRead, 0, s.staff.HandleSession},
		{"POST /staff/sessions/{id}/status", staff, journey.PermSessionsWrite, 0, s.staff.HandleSessionStatus},
		{"POST /staff/sessions/{id}/reschedule", staff, journey.PermSessionsWrite, 0, s.staff.HandleSessionReschedule},
		{"POST /staff/sessions/{id}/on-call", staff, journey.PermSessionsWrite, 0, s.staff.HandleSessionOnCall},
		{"POST /staff/sessions/{id}/charges", staff, journey.PermBillingWrite, 0, s.staff.HandleSessionCharges}, // the charges missing from its event
		{"POST /staff/sessions/{id}/cancel", staff, journey.PermSessionsWrite, 0, s.staff.HandleSessionCancel},
		{"POST /staff/sessions/{id}/attendees", staff, journey.PermSessionsWrite, 0, s.staff.HandleSessionAttendeeAdd},
		{"POST /staff/sessions/{id}/attendees/{client}/remove", staff, journey.PermSessionsWrite, 0, s.staff.HandleSessionAttendeeRemove},
		{"GET /staff/sessions/{id}/run-sheet", staff, journey.PermSessionsRead, 0, s.staff.HandleRunSheet},                // its team (a chaperone limited) and the client's clinicians
		{"POST /staff/sessions/{id}/run-sheet/status", staff, journey.PermSessionsWrite, 0, s.staff.HandleRunSheetStatus}, // check-in, start
		{"POST /staff/sessions/{id}/run-sheet/order", staff, journey.PermSessionsWrite, 0, s.staff.HandleRunSheetOrder},
		{"POST /staff/sessions/{id}/run-sheet/vitals", staff, journey.PermSessionsRead, 0, s.staff.HandleRunSheetVitals},
		{"POST /staff/sessions/{id}/run-sheet/checklist", staff, journey.PermSessionsWrite, 0, s.staff.HandleRunSheetChecklist},
		{"POST /staff/sessions/{id}/run-sheet/review", staff, journey.PermSessionsWrite, 0, s.staff.HandleRunSheetReview},
		{"POST /staff/sessions/{id}/run-sheet/discharge", staff, journey.PermSessionsWrite, 0, s.staff.HandleRunSheetDischarge},
		{"POST /staff/sessions/{id}/run-sheet/addenda", staff, journey.PermSessionsWrite, 0, s.staff.HandleRunSheetAddendum},
		// A session's notes: processing answers "not found" to anyone a note is not for.
		{"GET /staff/sessions/{id}/notes", staff, journey.PermSessionsRead, 0, s.staff.HandleNotes},
		{"POST /staff/sessions/{id}/notes", staff, journey.PermSessionsRead, 0, s.staff.HandleNoteCreate},
		{"POST /staff/notes/{id}", staff, journey.PermSessionsRead, 0, s.staff.HandleNoteSave},
		{"POST /staff/notes/{id}/addenda", staff, journey.PermSessionsRead, 0, s.staff.HandleNoteAddendum},
		{"POST /staff/alerts/{id}/acknowledge", staff, journey.PermAlerts, 0, s.staff.HandleAlertAck},
		{"GET /staff/deliveries", staff, journey.PermDeliveries, 0, s.staff.HandleDeliveries},
		{"GET /staff/inventory", staff, journey.PermInventory, 0, s.staff.HandleInventory},
		{"GET /staff/inventory/receipts", staff, journey.PermInventory, 0, s.staff.HandleReceiptForm},
		{"POST /staff/inventory/receipts", staff, journey.PermInventory, 0, s.staff.HandleReceipt},
		{"GET /staff/inventory/containers/{id}", staff, journey.PermInventory, 0, s.staff.HandleContainer},
		{"POST /staff/inventory/containers/{id}", staff, journey.PermInventory, 0, s.staff.HandleContainerAction},
		{"GET /staff/inventory/counts", staff, journey.PermInventory, 0, s.staff.HandleCountForm},
		{"POST /staff/inventory/counts", staff, journey.PermInventory, 0, s.staff.HandleCount},
		{"GET /staff/inventory/discrepancies/{id}", staff, journey.PermInventoryFix, 0, s.staff.HandleResolveForm},
		{"POST /staff/inventory/discrepancies/{id}", staff, journey.PermInventoryFix, 0, s.staff.HandleResolve},
		{"GET /staff/inventory/log", staff, journey.PermInventory, 0, s.staff.HandleInventoryLog},
		{"GET /staff/inventory/packet", staff, journey.PermInventory, 0, s.staff.HandlePacket},
		{"GET /staff/inventory/biennial", staff, journey.PermInventory, 0, s.staff.HandleBiennial},
		{"GET /staff/sessions/{id}/doses", staff, journey.PermSessionsWrite, 0, s.staff.HandleDoses},
		{"POST /staff/sessions/{id}/doses", staff, journey.PermSessionsWrite, 0, s.staff.HandleDose},

		// Medical review and practice settings.
		{"GET /staff/review", staff, journey.PermClearance, 0, s.staff.HandleReviewQueue},
		{"GET /staff/clients/{id}/review", staff, journey.PermClearance, 0, s.staff.HandleReviewView},
		{"POST /staff/clients/{id}/clearance", staff, journey.PermClearance, 0, s.staff.HandleClearanceDecide},
		{"GET /admin/consents", staff, journey.PermSettings, 0, s.staff.HandleConsentDocs},
		{"GET /admin/consents/new", staff, journey.PermSettings, 0, s.staff.HandleConsentDocNew},
		{"POST /admin/consents", staff, journey.PermSettings, document, s.staff.HandleConsentDocCreate},
		{"GET /admin/screening-rules", staff, journey.PermSettings, 0, s.staff.HandleRulesView},
		{"POST /admin/screening-rules", staff, journey.PermSettings, 0, s.staff.HandleRulesUpdate},
		{"GET /admin/care", staff, journey.PermSettings, 0, s.staff.HandleCareSettings},
		{"POST /admin/care", staff, journey.PermSettings, 0, s.staff.HandleCareSettingsSave},
		{"GET /admin/session-types", staff, journey.PermSettings, 0, s.staff.HandleSessionTypes},
		{"POST /admin/session-types", staff, journey.PermSettings, 0, s.staff.HandleSessionTypesSave},
		{"GET /admin/rooms", staff, journey.PermSettings, 0, s.staff.HandleRooms},
		{"POST /admin/rooms", staff, journey.PermSettings, 0, s.staff.HandleRoomCreate},
		{"POST /admin/rooms/locations", staff, journey.PermSettings, 0, s.staff.HandleLocationCreate},
		{"GET /admin/rooms/{id}", staff, journey.PermSettings, 0, s.staff.HandleRoomHours},
		{"POST /admin/rooms/{id}", staff, journey.PermSettings, 0, s.staff.HandleRoomHoursSave},
		{"GET /admin/staff/{id}/clinical-hours", staff, journey.PermStaffManage, 0, s.staff.HandleStaffHours},
		{"POST /admin/staff/{id}/clinical-hours", staff, journey.PermStaffManage, 0, s.staff.HandleStaffHoursSave},
		{"GET /admin/booking", staff, journey.PermSettings, 0, s.staff.HandleBookingSettingsView},
		{"POST /admin/booking", staff, journey.PermSettings, 0, s.staff.HandleBookingSettingsUpdate},
		{"GET /admin/practice", staff, journey.PermSettings, 0, s.staff.HandlePracticeView},
		{"POST /admin/practice", staff, journey.PermSettings, 0, s.staff.HandlePracticeUpdate},
		{"POST /admin/practice/open", staff, journey.PermSettings, 0, s.staff.HandlePracticeOpen},
		{"GET /admin/practice/landing", staff, journey.PermSettings, 0, s.staff.HandleLandingView},
		{"POST /admin/practice/landing", staff, journey.PermSettings, 0, s.staff.HandleLandingUpdate},
		{"GET /admin/emails", staff, journey.PermSettings, 0, s.staff.HandleEmailsView},
		{"GET /admin/emails/{kind}", staff, journey.PermSettings, 0, s.staff.HandleEmailView},
		{"POST /admin/emails/{kind}", staff, journey.PermSettings, 0, s.staff.HandleEmailUpdate},
		{"GET /admin/reminders", staff, journey.PermSettings, 0, s.staff.HandleReminderSettings},
		{"POST /admin/reminders", staff, journey.PermSettings, 0, s.staff.HandleReminderSettingsSave},
		{"GET /admin/faq", staff, journey.PermSettings, 0, s.staff.HandleFAQAdmin},
		{"POST /admin/faq/starter", staff, journey.PermSettings, 0, s.staff.HandleFAQStarter},
		{"POST /admin/faq/{id}", staff, journey.PermSettings, 0, s.staff.HandleFAQUpdate},
		{"POST /admin/practice/versions/{kind}/{version}/restore", staff, journey.PermSettings, 0, s.staff.HandleVersionRestore},
		{"POST /admin/practice/logo", staff, journey.PermSettings, document, s.staff.HandleLogoUpload},
		{"POST /admin/practice/logo/remove", staff, journey.PermSettings, 0, s.staff.HandleLogoRemove},

		// Account.
		{"GET /account/sessions", staff, permSignedIn, 0, s.handleSessionsView},
		{"POST /account/sessions/{id}/end", staff, permSignedIn, 0, s.handleSessionEnd},
		{"GET /account/profile", staff, permStaff, 0, s.staff.HandleProfileView},
		{"POST /account/profile", staff, permStaff, 0, s.staff.HandleProfileUpdate},
		{"GET /account/hours", staff, permStaff, 0, s.staff.HandleHoursView},
		{"POST /account/hours", staff, permStaff, 0, s.staff.HandleHoursUpdate},
		{"GET /account/clinical-hours", staff, permStaff, 0, s.staff.HandleStaffHours},
		{"POST /account/clinical-hours", staff, permStaff, 0, s.staff.HandleStaffHoursSave},
		{"GET /account/tokens", staff, permStaff, 0, s.staff.HandleTokensView},
		{"POST /account/tokens", staff, permStaff, 0, s.staff.HandleTokenCreate},
		{"POST /account/tokens/{id}/revoke", staff, permStaff, 0, s.staff.HandleTokenRevoke},
		{"GET /account/calendar", staff, permStaff, 0, s.staff.HandleCalendarLinks},
		{"POST /account/calendar", staff, permStaff, 0, s.staff.HandleCalendarLinkCreate},
		{"POST /account/calendar/{id}/revoke", staff, permStaff, 0, s.staff.HandleCalendarLinkRevoke},

		// Staff API (Bearer tokens).
		{"GET /api/v1/me", api, permSignedIn, 0, s.api.HandleMe},
		{"GET /api/v1/staff", api, journey.PermStaffRead, 0, s.api.HandleStaff},
		{"GET /api/v1/staff/{id}", api, journey.PermStaffManage, 0, s.api.HandleProfile},
		{"PUT /api/v1/staff/{id}", api, journey.PermStaffManage, 0, s.api.HandleProfileUpdate},
		{"GET /api/v1/me/profile", api, permStaff, 0, s.api.HandleProfile},
		{"PUT /api/v1/me/profile", api, permStaff, 0, s.api.HandleProfileUpdate},
		{"GET /api/v1/consults", api, permConsultsRead, 0, s.api.HandleConsults},
		{"GET /api/v1/consults/{id}", api, permConsultsRead, 0, s.api.HandleConsult},
		{"POST /api/v1/staff/consults", api, permConsultsWrite, 0, s.api.HandleStaffBook},
		{"POST /api/v1/consults/{id}/reschedule", api, permConsultsWrite, 0, s.api.HandleConsultReschedule},
		{"POST /api/v1/consults/{id}/cancel", api, permConsultsWrite, 0, s.api.HandleConsultCancel},
		// Clients: a client uses these for themselves; record rules apply (policy.go).
		{"GET /api/v1/questionnaires", api, permSignedIn, 0, s.api.HandleQuestionnaires},
		{"POST /api/v1/clients/{id}/responses", api, permSignedIn, 0, s.api.HandleResponseCreate},
		{"GET /api/v1/clients/{id}/responses", api, permSignedIn, 0, s.api.HandleResponses},
		{"GET /api/v1/clients/{id}/intake", api, permSignedIn, 0, s.api.HandleIntake},
		{"PUT /api/v1/clients/{id}/intake/{step}", api, permSignedIn, 0, s.api.HandleIntakeSave},
		{"POST /api/v1/clients/{id}/consents", api, permSignedIn, 0, s.api.HandleConsentSign},
		{"POST /api/v1/clients/{id}/question-reply", api, journey.PermPortal, 0, s.api.HandleQuestionReply},
		{"POST /api/v1/clients/{id}/invitation", api, journey.PermClientsWrite, 0, s.api.HandleReinvite},
		{"POST /api/v1/clients/{id}/care-team", api, journey.PermClientsWrite, 0, s.api.HandleCareTeamAdd},
		{"DELETE /api/v1/clients/{id}/care-team/{user}", api, journey.PermClientsWrite, 0, s.api.HandleCareTeamRemove},
		{"GET /api/v1/clients/{id}/consents", api, permSignedIn, 0, s.api.HandleConsents},
		{"GET /api/v1/consent-documents", api, permSignedIn, 0, s.api.HandleConsentDocuments},
		// Client records (staff API).
		{"GET /api/v1/clients", api, journey.PermClientsRead, 0, s.api.HandleClients},
		{"POST /api/v1/clients", api, journey.PermClientsWrite, 0, s.api.HandleClientCreate},
		{"GET /api/v1/clients/{id}", api, permSignedIn, 0, s.api.HandleClient}, // a client reads their own; the record rule answers 404 for the rest
		{"GET /api/v1/clients/{id}/screening", api, permSignedIn, 0, s.api.HandleClientScreening},
		{"GET /api/v1/clients/{id}/plan", api, permSignedIn, 0, s.api.HandlePlan}, // the client's own, or staff by the record rule
		{"PUT /api/v1/clients/{id}/plan", api, journey.PermClinicalRead, 0, s.api.HandlePlanUpdate},
		{"GET /api/v1/clients/{id}/gates", api, journey.PermClinicalRead, 0, s.api.HandleGates},
		{"GET /api/v1/session-slots", api, permSignedIn, 0, s.api.HandleSessionSlots}, // staff for clients they may see, a client for themselves
		{"POST /api/v1/clients/{id}/gate-overrides", api, journey.PermClearance, 0, s.api.HandleGateOverride},
		// Billing documents (api/documents.go): the front desk, an admin or the client themselves, by processing's rule.
		{"POST /api/v1/clients/{id}/superbills", api, permSignedIn, 0, s.api.HandleSuperbillCreate},
		{"POST /api/v1/clients/{id}/statements", api, permSignedIn, 0, s.api.HandleStatementCreate},
		{"GET /api/v1/clients/{id}/documents", api, permSignedIn, 0, s.api.HandleDocuments},
		{"GET /api/v1/documents/{id}", api, permSignedIn, 0, s.api.HandleDocumentPDF},
		{"GET /api/v1/clients/{id}/monitor", api, permSignedIn, 0, s.api.HandleMonitor},
		{"PUT /api/v1/clients/{id}/monitor", api, journey.PermPortal, 0, s.api.HandleMonitorSet},
		{"POST /api/v1/sessions/{id}/remote-check-in", api, journey.PermPortal, 0, s.api.HandleRemoteCheckIn},
		// Care sessions: a client books, moves and cancels their own; record rules apply (policy.go CanSeeSession, CanBookSession).
		{"GET /api/v1/session-types", api, permSignedIn, 0, s.api.HandleSessionTypes},
		{"PUT /api/v1/session-types/{code}", api, journey.PermSettings, 0, s.api.HandleSessionTypeUpdate},
		{"PUT /api/v1/practice/sessions", api, journey.PermSettings, 0, s.api.HandleSessionNoticeUpdate},
		{"POST /api/v1/sessions", api, permSignedIn, 0, s.api.HandleSessionCreate},
		{"GET /api/v1/sessions", api, permSignedIn, 0, s.api.HandleSessions},
		{"GET /api/v1/sessions/{id}", api, permSignedIn, 0, s.api.HandleSession},
		{"POST /api/v1/sessions/{id}/reschedule", api, permSignedIn, 0, s.api.HandleSessionReschedule},
		{"POST /api/v1/sessions/{id}/on-call", api, journey.PermSessionsWrite, 0, s.api.HandleSessionOnCall},
		{"POST /api/v1/sessions/{id}/charges", api, journey.PermBillingWrite, 0, s.api.HandleSessionCharges}, // the charges missing from its event
		{"POST /api/v1/sessions/{id}/cancel", api, permSignedIn, 0, s.api.HandleSessionCancel},
		{"POST /api/v1/sessions/{id}/check-in", api, journey.PermSessionsWrite, 0, s.api.HandleSessionAction(journey.ActionCheckIn)},
		{"POST /api/v1/sessions/{id}/start", api, journey.PermSessionsWrite, 0, s.api.HandleSessionAction(journey.ActionStart)},
		{"POST /api/v1/sessions/{id}/complete", api, journey.PermSessionsWrite, 0, s.api.HandleSessionAction(journey.ActionComplete)},
		{"POST /api/v1/sessions/{id}/no-show", api, journey.PermSessionsWrite, 0, s.api.HandleSessionAction(journey.ActionNoShow)},
		// The controlled-substance log (each change signed: processing/inventory.go).
		{"POST /api/v1/sessions/{id}/administrations", api, journey.PermSessionsWrite, 0, s.api.HandleAdministration},
		{"GET /api/v1/sessions/{id}/administrations", api, journey.PermSessionsRead, 0, s.api.HandleAdministrations},
		{"GET /api/v1/inventory", api, journey.PermInventory, 0, s.api.HandleInventory},
		{"POST /api/v1/inventory/receipts", api, journey.PermInventory, 0, s.api.HandleReceipt},
		{"POST /api/v1/inventory/containers/{id}/open", api, journey.PermInventory, 0, s.api.HandleContainerOpen},
		{"POST /api/v1/inventory/containers/{id}/waste", api, journey.PermInventory, 0, s.api.HandleWaste},
		{"POST /api/v1/inventory/containers/{id}/transfer", api, journey.PermInventory, 0, s.api.HandleTransfer},
		{"POST /api/v1/inventory/counts", api, journey.PermInventory, 0, s.api.HandleCount},
		{"POST /api/v1/inventory/discrepancies/{id}/resolve", api, journey.PermInventoryFix, 0, s.api.HandleResolve},
		{"GET /api/v1/inventory/log", api, journey.PermInventory, 0, s.api.HandleInventoryLog},
		{"POST /api/v1/sessions/{id}/attendees", api, permSignedIn, 0, s.api.HandleAttendeeAdd},
		{"GET /api/v1/sessions/{id}/run-sheet", api, journey.PermSessionsRead, 0, s.api.HandleRunSheet},    // its team (a chaperone limited) and the client's clinicians
		{"POST /api/v1/sessions/{id}/order", api, journey.PermSessionsWrite, 0, s.api.HandleOrder},         // a medical provider (processing: 403 for others)
		{"POST /api/v1/sessions/{id}/vitals", api, journey.PermSessionsRead, 0, s.api.HandleVitals},        // its team, the chaperone too
		{"POST /api/v1/sessions/{id}/checklist", api, journey.PermSessionsWrite, 0, s.api.HandleChecklist}, // its clinicians
		{"POST /api/v1/sessions/{id}/review", api, journey.PermSessionsWrite, 0, s.api.HandleHoldReview},   // a medical provider
		{"POST /api/v1/sessions/{id}/discharge", api, journey.PermSessionsWrite, 0, s.api.HandleDischarge}, // its clinicians; early only a medical provider
		{"POST /api/v1/sessions/{id}/run-sheet/addenda", api, journey.PermSessionsWrite, 0, s.api.HandleRunSheetAddendum},
		{"DELETE /api/v1/sessions/{id}/attendees/{client}", api, permSignedIn, 0, s.api.HandleAttendeeRemove},
		// Clinical notes: processing decides, so a note the caller may not read is 404 for every role (a psychotherapy note's author alone reads it).
		{"POST /api/v1/sessions/{id}/notes", api, permSignedIn, 0, s.api.HandleNoteCreate},
		{"GET /api/v1/sessions/{id}/notes", api, permSignedIn, 0, s.api.HandleSessionNotes},
		{"GET /api/v1/notes/{id}", api, permSignedIn, 0, s.api.HandleNote},
		{"PUT /api/v1/notes/{id}", api, permSignedIn, 0, s.api.HandleNoteUpdate},
		{"POST /api/v1/notes/{id}/sign", api, permSignedIn, 0, s.api.HandleNoteSign},
		{"POST /api/v1/notes/{id}/addenda", api, permSignedIn, 0, s.api.HandleNoteAddendum},
		// A card payment refunded through the card processor (api/cardpay.go).
		{"POST /api/v1/payments/{id}/card-refund", api, journey.PermBillingWrite, 0, s.api.HandleCardRefund},
		{"GET /api/v1/locations", api, permStaff, 0, s.api.HandleLocations},
		{"POST /api/v1/locations", api, journey.PermSettings, 0, s.api.HandleLocationCreate},
		{"GET /api/v1/rooms", api, permStaff, 0, s.api.HandleRooms},
		{"POST /api/v1/rooms", api, journey.PermSettings, 0, s.api.HandleRoomCreate},
		{"GET /api/v1/staff/{id}/hours", api, permStaff, 0, s.api.HandleStaffHours},
		{"PUT /api/v1/staff/{id}/hours", api, permStaff, 0, s.api.HandleStaffHoursSet}, // their own, or anyone's for an admin (CanEditStaff)
		{"POST /api/v1/consults/{id}/client", api, journey.PermClientsWrite, 0, s.api.HandleConsultClient},
		// Reminders and calendar feeds (api/reminders.go): a feed is the caller's own; the .ics URL's token is its credential.
		{"GET /api/v1/calendar-feeds", api, permSignedIn, 0, s.api.HandleCalendarFeeds},
		{"POST /api/v1/calendar-feeds", api, permSignedIn, 0, s.api.HandleCalendarFeedCreate},
		{"DELETE /api/v1/calendar-feeds/{id}", api, permSignedIn, 0, s.api.HandleCalendarFeedRevoke},
		{"GET /calendar/{file}", api, permPublic, limited, s.api.HandleCalendarFeed},
		{"GET /api/v1/deliveries/failed", api, journey.PermDeliveries, 0, s.api.HandleFailedDeliveries},
		{"GET /api/v1/clients/{id}/text-consent", api, permSignedIn, 0, s.api.HandleTextConsent},
		{"PUT /api/v1/clients/{id}/text-consent", api, permSignedIn, 0, s.api.HandleTextConsentSet},
		{"GET /api/v1/practice/reminders", api, journey.PermSettings, 0, s.api.HandleReminderSettings},
		{"PUT /api/v1/practice/reminders", api, journey.PermSettings, 0, s.api.HandleReminderSettingsUpdate},
		{"GET /api/v1/alerts", api, journey.PermAlerts, 0, s.api.HandleAlerts},
		{"POST /api/v1/alerts/{id}/acknowledge", api, journey.PermAlerts, 0, s.api.HandleAlertAck},
		// Medical review and practice settings (API).
		{"GET /api/v1/review-queue", api, journey.PermClearance, 0, s.api.HandleReviewQueue},
		{"POST /api/v1/clients/{id}/clearance", api, journey.PermClearance, 0, s.api.HandleClearanceCreate},
		{"GET /api/v1/clients/{id}/clearances", api, journey.PermClinicalRead, 0, s.api.HandleClearances},
		{"GET /api/v1/screening-rules", api, permStaff, 0, s.api.HandleRules},
		{"PUT /api/v1/screening-rules", api, journey.PermSettings, 0, s.api.HandleRulesUpdate},
		{"POST /api/v1/consent-documents", api, journey.PermSettings, document, s.api.HandleConsentDocCreate},
		{"GET /api/v1/practice/booking", api, journey.PermSettings, 0, s.api.HandleBookingSettings},
		{"PUT /api/v1/practice/booking", api, journey.PermSettings, 0, s.api.HandleBookingSettingsUpdate},
		{"GET /api/v1/practice", api, journey.PermSettings, 0, s.api.HandlePractice},
		{"PUT /api/v1/practice", api, journey.PermSettings, 0, s.api.HandlePracticeUpdate},
		{"GET /api/v1/practice/versions", api, journey.PermSettings, 0, s.api.HandleVersions},
		{"PUT /api/v1/practice/logo", api, journey.PermSettings, document, s.api.HandleLogoUpload},
		{"DELETE /api/v1/practice/logo", api, journey.PermSettings, 0, s.api.HandleLogoRemove},
		{"POST /api/v1/practice/versions/{kind}/{version}/restore", api, journey.PermSettings, 0, s.api.HandleVersionRestore},
		{"GET /api/v1/practice/emails", api, journey.PermSettings, 0, s.api.HandleEmails},
		{"PUT /api/v1/practice/emails/{kind}", api, journey.PermSettings, 0, s.api.HandleEmailUpdate},

		// Administration.
		{"GET /admin/staff", staff, journey.PermStaffRead, 0, s.staff.HandleStaffList},
		{"POST /admin/staff/{id}/deactivate", staff, journey.PermStaffManage, 0, s.staff.HandleStaffDeactivate},
		{"POST /admin/staff/{id}/roles", staff, journey.PermStaffManage, 0, s.staff.HandleStaffRoles},
		{"GET /admin/staff/{id}/hours", staff, journey.PermStaffManage, 0, s.staff.HandleHoursView},
		{"POST /admin/staff/{id}/hours", staff, journey.PermStaffManage, 0, s.staff.HandleHoursUpdate},
		{"GET /admin/staff/{id}/profile", staff, journey.PermStaffManage, 0, s.staff.HandleProfileView},
		{"POST /admin/staff/{id}/profile", staff, journey.PermStaffManage, 0, s.staff.HandleProfileUpdate},
		{"GET /admin/staff/invite", staff, journey.PermStaffManage, 0, s.handleInviteView},
		{"POST /admin/staff/invite", staff, journey.PermStaffManage, 0, s.handleInvite},
		{"GET /admin/audit", staff, journey.PermAuditRead, 0, s.staff.HandleAuditView},
		{"GET /admin/audit.csv", staff, journey.PermAuditRead, 0, s.staff.HandleAuditCSV},

		// Billing setup: entities, who bills under which, the fee schedule (admins; billing staff read),
		// a client's diagnoses (their clinicians; processing's record rules) and coverage (billing staff).
		{"GET /admin/billing", staff, journey.PermBillingSetup, 0, s.staff.HandleBillingSetup},
		{"POST /admin/billing/entities", staff, journey.PermBillingSetup, 0, s.staff.HandleBillingEntitySave},
		{"POST /admin/billing/entities/{id}", staff, journey.PermBillingSetup, 0, s.staff.HandleBillingEntitySave},
		{"POST /admin/billing/clinicians", staff, journey.PermBillingSetup, 0, s.staff.HandleBillingCliniciansSave},
		{"POST /admin/billing/lines", staff, journey.PermBillingSetup, 0, s.staff.HandleFeeLineSave},
		{"POST /admin/billing/prices", staff, journey.PermBillingSetup, 0, s.staff.HandleCodePriceSave},
		{"POST /admin/billing/modifier", staff, journey.PermBillingSetup, 0, s.staff.HandleTelehealthModifierSave},
		{"GET /staff/billing/reports", staff, journey.PermBillingRead, 0, s.staff.HandleBillingReports},
		{"GET /staff/billing/reports/months.csv", staff, journey.PermBillingRead, 0, s.staff.HandleBillingMonthsCSV},
		{"GET /staff/billing/reports/aged.csv", staff, journey.PermBillingRead, 0, s.staff.HandleAgedCSV},
		{"GET /staff/clients/{id}/diagnoses", staff, journey.PermClientsRead, 0, s.staff.HandleDiagnoses},
		// A client's superbills and statements (staff/documents.go): billing staff, by processing's rule.
		{"GET /staff/clients/{id}/documents", staff, journey.PermBillingRead, 0, s.staff.HandleDocuments},
		{"POST /staff/clients/{id}/documents/superbills", staff, journey.PermBillingWrite, 0, s.staff.HandleSuperbillIssue},
		{"POST /staff/clients/{id}/documents/statements", staff, journey.PermBillingWrite, 0, s.staff.HandleStatementIssue},
		{"GET /staff/clients/{id}/documents/{doc}", staff, journey.PermBillingRead, 0, s.staff.HandleDocumentDownload},
		{"POST /staff/clients/{id}/diagnoses", staff, journey.PermDiagnoses, 0, s.staff.HandleDiagnosesSave},
		{"GET /staff/clients/{id}/coverage", staff, journey.PermBillingRead, 0, s.staff.HandleCoverage},
		{"POST /staff/clients/{id}/coverage", staff, journey.PermBillingWrite, 0, s.staff.HandleCoverageSave},
		// A client's Good Faith Estimates (staff/estimates.go, api/estimates.go): billing staff, and
		// through the API the client too (processing's record rule answers 404 for the rest).
		{"GET /staff/clients/{id}/estimates", staff, journey.PermBillingRead, 0, s.staff.HandleEstimates},
		{"POST /staff/clients/{id}/estimates", staff, journey.PermBillingWrite, 0, s.staff.HandleEstimateRequest},
		{"POST /staff/clients/{id}/estimates/requests/{req}/issue", staff, journey.PermBillingWrite, 0, s.staff.HandleEstimateIssue},
		{"GET /staff/estimates/{id}/pdf", staff, journey.PermBillingRead, 0, s.staff.HandleEstimatePDF},
		{"GET /api/v1/clients/{id}/estimates", api, permSignedIn, 0, s.api.HandleEstimates},
		{"POST /api/v1/clients/{id}/estimates", api, permSignedIn, 0, s.api.HandleEstimateRequest},
		{"GET /api/v1/estimates/{id}/pdf", api, permSignedIn, 0, s.api.HandleEstimatePDF},
		{"GET /api/v1/billing/entities", api, journey.PermBillingRead, 0, s.api.HandleBillingEntities},
		{"POST /api/v1/billing/entities", api, journey.PermBillingSetup, 0, s.api.HandleBillingEntityCreate},
		{"GET /api/v1/billing/entities/{id}", api, journey.PermBillingRead, 0, s.api.HandleBillingEntity},
		{"PUT /api/v1/billing/entities/{id}", api, journey.PermBillingSetup, 0, s.api.HandleBillingEntityUpdate},
		{"GET /api/v1/billing/fee-schedule", api, journey.PermBillingRead, 0, s.api.HandleFeeSchedule},
		{"PUT /api/v1/billing/fee-schedule", api, journey.PermBillingSetup, document, s.api.HandleFeeScheduleSet},
		{"GET /api/v1/billing/clinicians", api, journey.PermBillingRead, 0, s.api.HandleBillingClinicians},
		{"PUT /api/v1/billing/clinicians", api, journey.PermBillingSetup, 0, s.api.HandleBillingCliniciansSet},
		{"GET /api/v1/clients/{id}/diagnoses", api, journey.PermClientsRead, 0, s.api.HandleDiagnoses},
		{"PUT /api/v1/clients/{id}/diagnoses", api, journey.PermDiagnoses, 0, s.api.HandleDiagnosesSet},
		{"GET /api/v1/clients/{id}/coverage", api, journey.PermBillingRead, 0, s.api.HandleCoverage},
		{"PUT /api/v1/clients/{id}/coverage", api, journey.PermBillingWrite, 0, s.api.HandleCoverageSet},
		// Charges, the ledger and payments taken by staff (api/charges.go); a client reads their own
		// charges, ledger and payments by the record rule (processing answers 404 for the rest).
		{"GET /api/v1/clients/{id}/charges", api, permSignedIn, 0, s.api.HandleCharges},
		{"POST /api/v1/charges/{id}/void", api, journey.PermBillingWrite, 0, s.api.HandleChargeVoid},
		{"POST /api/v1/charges/{id}/adjust", api, journey.PermBillingWrite, 0, s.api.HandleChargeAdjust},
		{"GET /api/v1/clients/{id}/ledger", api, permSignedIn, 0, s.api.HandleLedger},
		{"GET /api/v1/clients/{id}/payments", api, permSignedIn, 0, s.api.HandlePayments},
		{"POST /api/v1/clients/{id}/payments", api, journey.PermBillingWrite, 0, s.api.HandlePaymentCreate},
		{"POST /api/v1/payments/{id}/refunds", api, journey.PermBillingWrite, 0, s.api.HandleRefundCreate},

		// JSON API.
		{"GET /api/v1/openapi.json", api, permPublic, 0, s.api.HandleOpenAPI},
		{"GET /api/v1/therapists", api, permPublic, 0, s.api.HandleTherapists},
		{"GET /api/v1/faq", api, permPublic, 0, s.api.HandleFAQ},
		{"GET /api/v1/consult-slots", api, permPublic, limited, s.api.HandleSlots},
		{"POST /api/v1/consults", api, permPublic, limited, s.api.HandleConsultCreate},
		{"POST /api/v1/consults/resend-link", api, permPublic, limited, s.api.HandleResendLink},
		{"GET /api/v1/manage/{token}", api, permPublic, 0, s.api.HandleManageView},
		{"POST /api/v1/manage/{token}/reschedule", api, permPublic, limited, s.api.HandleManageReschedule},
		{"POST /api/v1/manage/{token}/cancel", api, permPublic, limited, s.api.HandleManageCancel},
	}
}

// routes builds the handler: the route table on a ServeMux, wrapped in the
// middleware every request passes through.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	s.perms, s.routeOf = map[string]journey.Permission{}, map[string]route{}
	for _, rt := range s.routeTable() {
		s.perms[rt.pattern], s.routeOf[rt.pattern] = rt.perm, rt
		var h http.Handler = s.authorize(rt.perm, rt.handler)
		if rt.opts&limited != 0 {
			h = s.rateLimited(h)
		}
		mux.Handle(rt.pattern, h)
	}
	for pattern, aud := range notFoundRoutes {
		s.routeOf[pattern] = route{pattern: pattern, aud: aud, perm: permPublic}
		mux.HandleFunc(pattern, s.handleNotFound)
	}
	s.mux = mux
	// Cross-origin protection refuses state-changing browser requests from
	// other origins (Sec-Fetch-Site / Origin); API clients send neither.
	var h http.Handler = http.NewCrossOriginProtection().Handler(mux)
	h = s.authenticate(h)
	h = limitBody(h)
	h = secure(h, s.cfg.SecureCookies)
	h = s.recoverer(h)
	return s.withRoute(s.logRequests(h))
}

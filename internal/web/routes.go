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
	pattern string // Go 1.22 ServeMux pattern: "METHOD /path/{var}"
	perm    journey.Permission
	limited bool // counts against the per-address rate limit
	handler http.HandlerFunc
}

// routeTable is the whole URL surface of Journey, in one place.
func (s *Server) routeTable() []route {
	return []route{
		// Public site.
		{"GET /{$}", permPublic, false, s.handleHome},
		{"GET /faq", permPublic, false, s.handleFAQ},
		{"GET /privacy", permPublic, false, s.handlePrivacy},
		{"GET /book", permPublic, true, s.handleBookView},
		{"POST /book", permPublic, true, s.handleBookCreate},
		{"POST /book/resend", permPublic, true, s.handleResendLink},
		{"GET /book/confirm/{token}", permPublic, false, s.handleHoldView},
		{"POST /book/confirm/{token}", permPublic, true, s.handleHoldConfirm},
		{"GET /c/{token}", permPublic, false, s.handleManageView},
		{"POST /c/{token}/reschedule", permPublic, true, s.handleManageReschedule},
		{"GET /c/{token}/cancel", permPublic, false, s.handleManageCancelView},
		{"POST /c/{token}/cancel", permPublic, true, s.handleManageCancel},
		{"GET /static/{hash}/{name}", permPublic, false, s.handleStatic},
		{"GET /healthz", permPublic, false, s.handleHealth},
		{"GET /readyz", permPublic, false, s.handleReady},

		// Sign-in and the second factor.
		{"GET /login", permPublic, false, s.handleLoginView},
		{"POST /login", permPublic, true, s.handleLogin},
		{"GET /login/2fa", permSecondFactor, false, s.handleTwoFactorView},
		{"POST /login/2fa", permSecondFactor, true, s.handleTwoFactor},
		{"GET /account/2fa", permSecondFactor, false, s.handleEnrolView},
		{"POST /account/2fa", permSecondFactor, true, s.handleEnrol},
		{"POST /logout", permPublic, false, s.handleLogout},
		{"GET /invite/{token}", permPublic, false, s.handleAcceptView},
		{"POST /invite/{token}", permPublic, true, s.handleAccept},
		{"GET /reset", permPublic, false, s.handleResetRequestView},
		{"POST /reset", permPublic, true, s.handleResetRequest},
		{"GET /reset/{token}", permPublic, false, s.handleResetView},
		{"POST /reset/{token}", permPublic, true, s.handleReset},

		// Staff screens.
		{"GET /staff", permStaff, false, s.handleStaffHome},
		{"GET /staff/consults", permConsultsRead, false, s.handleStaffConsults},
		{"GET /staff/consults/new", permConsultsWrite, false, s.handleStaffBookView},
		{"POST /staff/consults", permConsultsWrite, false, s.handleStaffBookCreate},
		{"GET /staff/consults/{id}", permConsultsRead, false, s.handleStaffConsultView},
		{"POST /staff/consults/{id}/reschedule", permConsultsWrite, false, s.handleStaffConsultReschedule},
		{"POST /staff/consults/{id}/cancel", permConsultsWrite, false, s.handleStaffConsultCancel},
		{"POST /staff/consults/{id}/status", permConsultsWrite, false, s.handleStaffConsultStatus},
		{"POST /staff/consults/{id}/break-glass", journey.BreakGlassPermission(journey.BreakGlassConsult), false, s.handleBreakGlass},

		// Client portal (portal.go).
		{"GET /portal/join/{token}", permPublic, false, s.handleJoinView},
		{"POST /portal/join/{token}", permPublic, true, s.handleJoin},
		{"GET /portal", journey.PermPortal, false, s.handlePortal},
		{"GET /portal/intake/{step}", journey.PermPortal, false, s.handleIntakeView},
		{"GET /portal/answers", journey.PermPortal, false, s.handleAnswersView},
		{"GET /portal/answers/{step}", journey.PermPortal, false, s.handleAnswersView},
		{"POST /portal/intake/{step}", journey.PermPortal, false, s.handleIntakeSave},
		{"GET /portal/measures/{code}", journey.PermPortal, false, s.handleMeasureView},
		{"POST /portal/measures/{code}", journey.PermPortal, false, s.handleMeasureSubmit},
		{"GET /portal/support", journey.PermPortal, false, s.handleCrisis},
		{"GET /portal/consents/{code}", journey.PermPortal, false, s.handleConsentView},
		{"POST /portal/consents/{code}", journey.PermPortal, false, s.handleConsentSign},
		{"GET /portal/signatures/{id}", journey.PermPortal, false, s.handlePortalSignaturePDF},
		{"POST /portal/question", journey.PermPortal, false, s.handleQuestionReply},

		// Client records (staff).
		{"GET /staff/clients/{id}/measures/{code}", journey.PermClinicalRead, false, s.handleStaffMeasureView},
		{"POST /staff/clients/{id}/measures/{code}", journey.PermClinicalRead, false, s.handleStaffMeasureSubmit},
		{"POST /staff/clients/{id}/care-team", journey.PermClientsWrite, false, s.handleCareTeamAdd},
		{"POST /staff/clients/{id}/care-team/{user}/remove", journey.PermClientsWrite, false, s.handleCareTeamRemove},
		{"POST /staff/clients/{id}/break-glass", journey.BreakGlassPermission(journey.BreakGlassClient), false, s.handleClientBreakGlass},
		{"GET /staff/clients/{id}/signatures/{sig}", journey.PermClientsRead, false, s.handleStaffSignaturePDF},
		{"GET /staff/clients", journey.PermClientsRead, false, s.handleStaffClients},
		{"GET /staff/clients/new", journey.PermClientsWrite, false, s.handleStaffClientNewView},
		{"POST /staff/clients/new", journey.PermClientsWrite, false, s.handleStaffClientCreate},
		{"GET /staff/clients/{id}", journey.PermClientsRead, false, s.handleStaffClientView},
		{"POST /staff/clients/{id}/reinvite", journey.PermClientsWrite, false, s.handleStaffClientReinvite},
		{"POST /staff/consults/{id}/client", journey.PermClientsWrite, false, s.handleStaffConsultClient},
		{"GET /staff/alerts", journey.PermAlerts, false, s.handleStaffAlerts},
		{"POST /staff/alerts/{id}/acknowledge", journey.PermAlerts, false, s.handleStaffAlertAck},

		// Medical review and practice settings.
		{"GET /staff/review", journey.PermClearance, false, s.handleReviewQueue},
		{"GET /staff/clients/{id}/review", journey.PermClearance, false, s.handleReviewView},
		{"POST /staff/clients/{id}/clearance", journey.PermClearance, false, s.handleClearanceDecide},
		{"GET /admin/consents", journey.PermSettings, false, s.handleConsentDocs},
		{"GET /admin/consents/new", journey.PermSettings, false, s.handleConsentDocNew},
		{"POST /admin/consents", journey.PermSettings, false, s.handleConsentDocCreate},
		{"GET /admin/screening-rules", journey.PermSettings, false, s.handleRulesView},
		{"POST /admin/screening-rules", journey.PermSettings, false, s.handleRulesUpdate},
		{"GET /admin/booking", journey.PermSettings, false, s.handleBookingSettingsView},
		{"POST /admin/booking", journey.PermSettings, false, s.handleBookingSettingsUpdate},
		{"GET /admin/practice", journey.PermSettings, false, s.handlePracticeView},
		{"POST /admin/practice", journey.PermSettings, false, s.handlePracticeUpdate},
		{"POST /admin/practice/open", journey.PermSettings, false, s.handlePracticeOpen},
		{"GET /admin/practice/landing", journey.PermSettings, false, s.handleLandingView},
		{"POST /admin/practice/landing", journey.PermSettings, false, s.handleLandingUpdate},
		{"GET /admin/faq", journey.PermSettings, false, s.handleFAQAdmin},
		{"POST /admin/faq/starter", journey.PermSettings, false, s.handleFAQStarter},
		{"POST /admin/faq/{id}", journey.PermSettings, false, s.handleFAQUpdate},

		// Account.
		{"GET /account/sessions", permSignedIn, false, s.handleSessionsView},
		{"POST /account/sessions/{id}/end", permSignedIn, false, s.handleSessionEnd},
		{"GET /account/profile", permStaff, false, s.handleProfileView},
		{"POST /account/profile", permStaff, false, s.handleProfileUpdate},
		{"GET /account/hours", permStaff, false, s.handleHoursView},
		{"POST /account/hours", permStaff, false, s.handleHoursUpdate},
		{"GET /account/tokens", permStaff, false, s.handleTokensView},
		{"POST /account/tokens", permStaff, false, s.handleTokenCreate},
		{"POST /account/tokens/{id}/revoke", permStaff, false, s.handleTokenRevoke},

		// Staff API (Bearer tokens).
		{"GET /api/v1/me", permSignedIn, false, s.handleAPIMe},
		{"GET /api/v1/staff", journey.PermStaffRead, false, s.handleAPIStaff},
		{"GET /api/v1/staff/{id}", journey.PermStaffManage, false, s.handleAPIProfile},
		{"PUT /api/v1/staff/{id}", journey.PermStaffManage, false, s.handleAPIProfileUpdate},
		{"GET /api/v1/me/profile", permStaff, false, s.handleAPIProfile},
		{"PUT /api/v1/me/profile", permStaff, false, s.handleAPIProfileUpdate},
		{"GET /api/v1/consults", permConsultsRead, false, s.handleAPIConsults},
		{"GET /api/v1/consults/{id}", permConsultsRead, false, s.handleAPIConsult},
		{"POST /api/v1/staff/consults", permConsultsWrite, false, s.handleAPIStaffBook},
		{"POST /api/v1/consults/{id}/reschedule", permConsultsWrite, false, s.handleAPIConsultReschedule},
		{"POST /api/v1/consults/{id}/cancel", permConsultsWrite, false, s.handleAPIConsultCancel},
		// Clients: a client uses these for themselves; record rules apply (policy.go).
		{"GET /api/v1/questionnaires", permSignedIn, false, s.handleAPIQuestionnaires},
		{"POST /api/v1/clients/{id}/responses", permSignedIn, false, s.handleAPIResponseCreate},
		{"GET /api/v1/clients/{id}/responses", permSignedIn, false, s.handleAPIResponses},
		{"GET /api/v1/clients/{id}/intake", permSignedIn, false, s.handleAPIIntake},
		{"PUT /api/v1/clients/{id}/intake/{step}", permSignedIn, false, s.handleAPIIntakeSave},
		{"POST /api/v1/clients/{id}/consents", permSignedIn, false, s.handleAPIConsentSign},
		{"POST /api/v1/clients/{id}/question-reply", journey.PermPortal, false, s.handleAPIQuestionReply},
		{"POST /api/v1/clients/{id}/invitation", journey.PermClientsWrite, false, s.handleAPIReinvite},
		{"POST /api/v1/clients/{id}/care-team", journey.PermClientsWrite, false, s.handleAPICareTeamAdd},
		{"DELETE /api/v1/clients/{id}/care-team/{user}", journey.PermClientsWrite, false, s.handleAPICareTeamRemove},
		{"GET /api/v1/clients/{id}/consents", permSignedIn, false, s.handleAPIConsents},
		{"GET /api/v1/consent-documents", permSignedIn, false, s.handleAPIConsentDocuments},
		// Client records (staff API).
		{"GET /api/v1/clients", journey.PermClientsRead, false, s.handleAPIClients},
		{"POST /api/v1/clients", journey.PermClientsWrite, false, s.handleAPIClientCreate},
		{"GET /api/v1/clients/{id}", permSignedIn, false, s.handleAPIClient}, // a client reads their own; the record rule answers 404 for the rest
		{"GET /api/v1/clients/{id}/screening", permSignedIn, false, s.handleAPIClientScreening},
		{"POST /api/v1/consults/{id}/client", journey.PermClientsWrite, false, s.handleAPIConsultClient},
		{"GET /api/v1/alerts", journey.PermAlerts, false, s.handleAPIAlerts},
		{"POST /api/v1/alerts/{id}/acknowledge", journey.PermAlerts, false, s.handleAPIAlertAck},
		// Medical review and practice settings (API).
		{"GET /api/v1/review-queue", journey.PermClearance, false, s.handleAPIReviewQueue},
		{"POST /api/v1/clients/{id}/clearance", journey.PermClearance, false, s.handleAPIClearanceCreate},
		{"GET /api/v1/clients/{id}/clearances", journey.PermClinicalRead, false, s.handleAPIClearances},
		{"GET /api/v1/screening-rules", permStaff, false, s.handleAPIRules},
		{"PUT /api/v1/screening-rules", journey.PermSettings, false, s.handleAPIRulesUpdate},
		{"POST /api/v1/consent-documents", journey.PermSettings, false, s.handleAPIConsentDocCreate},
		{"GET /api/v1/practice/booking", journey.PermSettings, false, s.handleAPIBookingSettings},
		{"PUT /api/v1/practice/booking", journey.PermSettings, false, s.handleAPIBookingSettingsUpdate},
		{"GET /api/v1/practice", journey.PermSettings, false, s.handleAPIPractice},
		{"PUT /api/v1/practice", journey.PermSettings, false, s.handleAPIPracticeUpdate},

		// Administration.
		{"GET /admin/staff", journey.PermStaffRead, false, s.handleStaffList},
		{"POST /admin/staff/{id}/deactivate", journey.PermStaffManage, false, s.handleStaffDeactivate},
		{"POST /admin/staff/{id}/roles", journey.PermStaffManage, false, s.handleStaffRoles},
		{"GET /admin/staff/{id}/hours", journey.PermStaffManage, false, s.handleHoursView},
		{"POST /admin/staff/{id}/hours", journey.PermStaffManage, false, s.handleHoursUpdate},
		{"GET /admin/staff/{id}/profile", journey.PermStaffManage, false, s.handleProfileView},
		{"POST /admin/staff/{id}/profile", journey.PermStaffManage, false, s.handleProfileUpdate},
		{"GET /admin/staff/invite", journey.PermStaffManage, false, s.handleInviteView},
		{"POST /admin/staff/invite", journey.PermStaffManage, false, s.handleInvite},
		{"GET /admin/audit", journey.PermAuditRead, false, s.handleAuditView},
		{"GET /admin/audit.csv", journey.PermAuditRead, false, s.handleAuditCSV},

		// JSON API.
		{"GET /api/v1/openapi.json", permPublic, false, s.handleOpenAPI},
		{"GET /api/v1/therapists", permPublic, false, s.handleAPITherapists},
		{"GET /api/v1/faq", permPublic, false, s.handleAPIFAQ},
		{"GET /api/v1/consult-slots", permPublic, true, s.handleAPISlots},
		{"POST /api/v1/consults", permPublic, true, s.handleAPIConsultCreate},
		{"POST /api/v1/consults/resend-link", permPublic, true, s.handleAPIResendLink},
		{"GET /api/v1/manage/{token}", permPublic, false, s.handleAPIManageView},
		{"POST /api/v1/manage/{token}/reschedule", permPublic, true, s.handleAPIManageReschedule},
		{"POST /api/v1/manage/{token}/cancel", permPublic, true, s.handleAPIManageCancel},
	}
}

// routes builds the handler: the route table on a ServeMux, wrapped in the
// middleware every request passes through.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	s.perms = map[string]journey.Permission{}
	for _, rt := range s.routeTable() {
		s.perms[rt.pattern] = rt.perm
		var h http.Handler = s.authorize(rt.perm, rt.handler)
		if rt.limited {
			h = s.rateLimited(h)
		}
		mux.Handle(rt.pattern, h)
	}
	mux.HandleFunc("/", s.handleNotFound)
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

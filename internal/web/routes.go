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
		{"GET /logo/{file}", site, permPublic, 0, s.handleLogo},
		{"GET /privacy", site, permPublic, 0, s.site.HandlePrivacy},
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
		{"GET /staff", staff, permStaff, 0, s.handleStaffHome},
		{"GET /staff/consults", staff, permConsultsRead, 0, s.handleStaffConsults},
		{"GET /staff/consults/new", staff, permConsultsWrite, 0, s.handleStaffBookView},
		{"POST /staff/consults", staff, permConsultsWrite, 0, s.handleStaffBookCreate},
		{"GET /staff/consults/{id}", staff, permConsultsRead, 0, s.handleStaffConsultView},
		{"POST /staff/consults/{id}/reschedule", staff, permConsultsWrite, 0, s.handleStaffConsultReschedule},
		{"POST /staff/consults/{id}/cancel", staff, permConsultsWrite, 0, s.handleStaffConsultCancel},
		{"POST /staff/consults/{id}/status", staff, permConsultsWrite, 0, s.handleStaffConsultStatus},
		{"POST /staff/consults/{id}/break-glass", staff, journey.BreakGlassPermission(journey.BreakGlassConsult), 0, s.handleBreakGlass},

		// Client portal (portal.go).
		{"GET /portal/join/{token}", portal, permPublic, 0, s.handleJoinView},
		{"POST /portal/join/{token}", portal, permPublic, limited, s.handleJoin},
		{"GET /portal", portal, journey.PermPortal, 0, s.portal.HandlePortal},
		{"GET /portal/intake/{step}", portal, journey.PermPortal, 0, s.handleIntakeView},
		{"GET /portal/answers", portal, journey.PermPortal, 0, s.handleAnswersView},
		{"GET /portal/answers/{step}", portal, journey.PermPortal, 0, s.handleAnswersView},
		{"POST /portal/intake/{step}", portal, journey.PermPortal, carry, s.handleIntakeSave},
		{"GET /portal/measures/{code}", portal, journey.PermPortal, 0, s.handleMeasureView},
		{"POST /portal/measures/{code}", portal, journey.PermPortal, carry, s.handleMeasureSubmit},
		{"GET /portal/support", portal, journey.PermPortal, 0, s.portal.HandleCrisis},
		{"GET /portal/consents/{code}", portal, journey.PermPortal, 0, s.handleConsentView},
		{"POST /portal/consents/{code}", portal, journey.PermPortal, 0, s.handleConsentSign},
		{"GET /portal/signatures/{id}", portal, journey.PermPortal, 0, s.handlePortalSignaturePDF},
		{"POST /portal/question", portal, journey.PermPortal, 0, s.portal.HandleQuestionReply},

		// Client records (staff).
		{"GET /staff/clients/{id}/measures/{code}", staff, journey.PermClinicalRead, 0, s.handleStaffMeasureView},
		{"POST /staff/clients/{id}/measures/{code}", staff, journey.PermClinicalRead, 0, s.handleStaffMeasureSubmit},
		{"POST /staff/clients/{id}/care-team", staff, journey.PermClientsWrite, 0, s.handleCareTeamAdd},
		{"POST /staff/clients/{id}/care-team/{user}/remove", staff, journey.PermClientsWrite, 0, s.handleCareTeamRemove},
		{"POST /staff/clients/{id}/break-glass", staff, journey.BreakGlassPermission(journey.BreakGlassClient), 0, s.handleClientBreakGlass},
		{"GET /staff/clients/{id}/signatures/{sig}", staff, journey.PermClientsRead, 0, s.handleStaffSignaturePDF},
		{"GET /staff/clients", staff, journey.PermClientsRead, 0, s.handleStaffClients},
		{"GET /staff/clients/new", staff, journey.PermClientsWrite, 0, s.handleStaffClientNewView},
		{"POST /staff/clients/new", staff, journey.PermClientsWrite, 0, s.handleStaffClientCreate},
		{"GET /staff/clients/{id}", staff, journey.PermClientsRead, 0, s.handleStaffClientView},
		{"POST /staff/clients/{id}/reinvite", staff, journey.PermClientsWrite, 0, s.handleStaffClientReinvite},
		{"POST /staff/consults/{id}/client", staff, journey.PermClientsWrite, 0, s.handleStaffConsultClient},
		{"GET /staff/alerts", staff, journey.PermAlerts, 0, s.staff.HandleStaffAlerts},
		{"POST /staff/alerts/{id}/acknowledge", staff, journey.PermAlerts, 0, s.staff.HandleStaffAlertAck},

		// Medical review and practice settings.
		{"GET /staff/review", staff, journey.PermClearance, 0, s.handleReviewQueue},
		{"GET /staff/clients/{id}/review", staff, journey.PermClearance, 0, s.handleReviewView},
		{"POST /staff/clients/{id}/clearance", staff, journey.PermClearance, 0, s.handleClearanceDecide},
		{"GET /admin/consents", staff, journey.PermSettings, 0, s.handleConsentDocs},
		{"GET /admin/consents/new", staff, journey.PermSettings, 0, s.handleConsentDocNew},
		{"POST /admin/consents", staff, journey.PermSettings, document, s.handleConsentDocCreate},
		{"GET /admin/screening-rules", staff, journey.PermSettings, 0, s.handleRulesView},
		{"POST /admin/screening-rules", staff, journey.PermSettings, 0, s.handleRulesUpdate},
		{"GET /admin/booking", staff, journey.PermSettings, 0, s.handleBookingSettingsView},
		{"POST /admin/booking", staff, journey.PermSettings, 0, s.handleBookingSettingsUpdate},
		{"GET /admin/practice", staff, journey.PermSettings, 0, s.handlePracticeView},
		{"POST /admin/practice", staff, journey.PermSettings, 0, s.handlePracticeUpdate},
		{"POST /admin/practice/open", staff, journey.PermSettings, 0, s.handlePracticeOpen},
		{"GET /admin/practice/landing", staff, journey.PermSettings, 0, s.handleLandingView},
		{"POST /admin/practice/landing", staff, journey.PermSettings, 0, s.handleLandingUpdate},
		{"GET /admin/emails", staff, journey.PermSettings, 0, s.handleEmailsView},
		{"GET /admin/emails/{kind}", staff, journey.PermSettings, 0, s.handleEmailView},
		{"POST /admin/emails/{kind}", staff, journey.PermSettings, 0, s.handleEmailUpdate},
		{"GET /admin/faq", staff, journey.PermSettings, 0, s.handleFAQAdmin},
		{"POST /admin/faq/starter", staff, journey.PermSettings, 0, s.handleFAQStarter},
		{"POST /admin/faq/{id}", staff, journey.PermSettings, 0, s.handleFAQUpdate},
		{"POST /admin/practice/versions/{kind}/{version}/restore", staff, journey.PermSettings, 0, s.handleVersionRestore},
		{"POST /admin/practice/logo", staff, journey.PermSettings, document, s.handleLogoUpload},
		{"POST /admin/practice/logo/remove", staff, journey.PermSettings, 0, s.handleLogoRemove},

		// Account.
		{"GET /account/sessions", staff, permSignedIn, 0, s.handleSessionsView},
		{"POST /account/sessions/{id}/end", staff, permSignedIn, 0, s.handleSessionEnd},
		{"GET /account/profile", staff, permStaff, 0, s.handleProfileView},
		{"POST /account/profile", staff, permStaff, 0, s.handleProfileUpdate},
		{"GET /account/hours", staff, permStaff, 0, s.handleHoursView},
		{"POST /account/hours", staff, permStaff, 0, s.handleHoursUpdate},
		{"GET /account/tokens", staff, permStaff, 0, s.staff.HandleTokensView},
		{"POST /account/tokens", staff, permStaff, 0, s.staff.HandleTokenCreate},
		{"POST /account/tokens/{id}/revoke", staff, permStaff, 0, s.staff.HandleTokenRevoke},

		// Staff API (Bearer tokens).
		{"GET /api/v1/me", api, permSignedIn, 0, s.api.HandleMe},
		{"GET /api/v1/staff", api, journey.PermStaffRead, 0, s.api.HandleStaff},
		{"GET /api/v1/staff/{id}", api, journey.PermStaffManage, 0, s.handleAPIProfile},
		{"PUT /api/v1/staff/{id}", api, journey.PermStaffManage, 0, s.handleAPIProfileUpdate},
		{"GET /api/v1/me/profile", api, permStaff, 0, s.handleAPIProfile},
		{"PUT /api/v1/me/profile", api, permStaff, 0, s.handleAPIProfileUpdate},
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
		{"POST /api/v1/clients/{id}/gate-overrides", api, journey.PermClearance, 0, s.api.HandleGateOverride},
		{"GET /api/v1/clients/{id}/monitor", api, permSignedIn, 0, s.api.HandleMonitor},
		{"PUT /api/v1/clients/{id}/monitor", api, journey.PermPortal, 0, s.api.HandleMonitorSet},
		{"POST /api/v1/sessions/{id}/remote-check-in", api, journey.PermPortal, 0, s.api.HandleRemoteCheckIn},
		{"POST /api/v1/consults/{id}/client", api, journey.PermClientsWrite, 0, s.api.HandleConsultClient},
		{"GET /api/v1/alerts", api, journey.PermAlerts, 0, s.api.HandleAlerts},
		{"POST /api/v1/alerts/{id}/acknowledge", api, journey.PermAlerts, 0, s.api.HandleAlertAck},
		// Medical review and practice settings (API).
		{"GET /api/v1/review-queue", api, journey.PermClearance, 0, s.handleAPIReviewQueue},
		{"POST /api/v1/clients/{id}/clearance", api, journey.PermClearance, 0, s.handleAPIClearanceCreate},
		{"GET /api/v1/clients/{id}/clearances", api, journey.PermClinicalRead, 0, s.handleAPIClearances},
		{"GET /api/v1/screening-rules", api, permStaff, 0, s.handleAPIRules},
		{"PUT /api/v1/screening-rules", api, journey.PermSettings, 0, s.handleAPIRulesUpdate},
		{"POST /api/v1/consent-documents", api, journey.PermSettings, document, s.handleAPIConsentDocCreate},
		{"GET /api/v1/practice/booking", api, journey.PermSettings, 0, s.handleAPIBookingSettings},
		{"PUT /api/v1/practice/booking", api, journey.PermSettings, 0, s.handleAPIBookingSettingsUpdate},
		{"GET /api/v1/practice", api, journey.PermSettings, 0, s.handleAPIPractice},
		{"PUT /api/v1/practice", api, journey.PermSettings, 0, s.handleAPIPracticeUpdate},
		{"GET /api/v1/practice/versions", api, journey.PermSettings, 0, s.handleAPIVersions},
		{"PUT /api/v1/practice/logo", api, journey.PermSettings, document, s.handleAPILogoUpload},
		{"DELETE /api/v1/practice/logo", api, journey.PermSettings, 0, s.handleAPILogoRemove},
		{"POST /api/v1/practice/versions/{kind}/{version}/restore", api, journey.PermSettings, 0, s.handleAPIVersionRestore},
		{"GET /api/v1/practice/emails", api, journey.PermSettings, 0, s.handleAPIEmails},
		{"PUT /api/v1/practice/emails/{kind}", api, journey.PermSettings, 0, s.handleAPIEmailUpdate},

		// Administration.
		{"GET /admin/staff", staff, journey.PermStaffRead, 0, s.handleStaffList},
		{"POST /admin/staff/{id}/deactivate", staff, journey.PermStaffManage, 0, s.handleStaffDeactivate},
		{"POST /admin/staff/{id}/roles", staff, journey.PermStaffManage, 0, s.handleStaffRoles},
		{"GET /admin/staff/{id}/hours", staff, journey.PermStaffManage, 0, s.handleHoursView},
		{"POST /admin/staff/{id}/hours", staff, journey.PermStaffManage, 0, s.handleHoursUpdate},
		{"GET /admin/staff/{id}/profile", staff, journey.PermStaffManage, 0, s.handleProfileView},
		{"POST /admin/staff/{id}/profile", staff, journey.PermStaffManage, 0, s.handleProfileUpdate},
		{"GET /admin/staff/invite", staff, journey.PermStaffManage, 0, s.handleInviteView},
		{"POST /admin/staff/invite", staff, journey.PermStaffManage, 0, s.handleInvite},
		{"GET /admin/audit", staff, journey.PermAuditRead, 0, s.handleAuditView},
		{"GET /admin/audit.csv", staff, journey.PermAuditRead, 0, s.handleAuditCSV},

		// JSON API.
		{"GET /api/v1/openapi.json", api, permPublic, 0, s.handleOpenAPI},
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

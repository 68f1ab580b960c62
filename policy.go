package journey

import "slices"

// Permissions name what a route or an action needs. The one table below
// says which roles hold each; record-level rules (whose consult is it?)
// are the Can… functions. Every access decision in Journey is made here.
type Permission string

// Permissions.
const (
	PermPublic        Permission = "public"         // anyone, signed in or not
	PermSignedIn      Permission = "signed_in"      // any signed-in user, second factor done
	PermSecondFactor  Permission = "second_factor"  // a staff member whose second factor is pending
	PermStaff         Permission = "staff"          // any member of staff
	PermConsultsRead  Permission = "consults.read"  // consult requests from the front door
	PermConsultsWrite Permission = "consults.write" // book, move or cancel a consult for a caller; mark it held or missed
	PermStaffRead     Permission = "staff.read"     // the staff list
	PermStaffManage   Permission = "staff.manage"   // invite, change roles, deactivate
	PermAuditRead     Permission = "audit.read"     // the audit trail
	PermClientsRead   Permission = "clients.read"   // client list and contact details (record rules apply)
	PermClientsWrite  Permission = "clients.write"  // add clients, invite them to the portal
	PermClinicalRead  Permission = "clinical.read"  // intake answers, measures, findings (record rules apply)
	PermClearance     Permission = "clearance"      // the review queue and clearance decisions
	PermAlerts        Permission = "alerts"         // safety alerts of one's clients
	PermSettings      Permission = "settings"       // consent documents and screening rules
	PermPortal        Permission = "portal"         // the client portal
	PermSessionsRead  Permission = "sessions.read"  // care sessions (record rules apply: CanSeeSession)
	PermSessionsWrite Permission = "sessions.write" // book, move, cancel and run care sessions (CanBookSession, CanRunSession)
	PermInventory     Permission = "inventory"      // the controlled-substance log: stock, receipts, waste, transfers, counts, reports
	PermInventoryFix  Permission = "inventory.fix"  // resolve a count's discrepancy
	PermDeliveries    Permission = "deliveries"     // emails and texts that could not be delivered (ids, initials, error class; never a message)
	PermBillingRead   Permission = "billing.read"   // charges, ledgers, documents, estimates and reports: amounts, codes and dates, never notes
	PermBillingWrite  Permission = "billing.write"  // record payments and refunds, void and adjust charges, issue documents and estimates
	PermBillingSetup  Permission = "billing.setup"  // billing entities, the fee schedule, who bills under which entity
	PermDiagnoses     Permission = "diagnoses"      // a client's diagnosis codes (record rules apply: CanSetDiagnoses)
)

// rolePermissions is the table of which role holds which permission.
// Consult requests are scheduling and contact details: the therapist they
// are booked with, the front desk and admins see them.
var rolePermissions = map[string][]Permission{
	RoleAdmin: {PermStaff, PermConsultsRead, PermConsultsWrite, PermStaffRead, PermStaffManage, PermAuditRead,
		PermClientsRead, PermClientsWrite, PermSettings, PermSessionsRead, PermSessionsWrite, PermDeliveries, PermInventory, PermInventoryFix,
		PermBillingRead, PermBillingWrite, PermBillingSetup},
	RoleTherapist: {PermStaff, PermConsultsRead, PermConsultsWrite, PermClientsRead, PermClientsWrite, PermClinicalRead,
		PermAlerts, PermSessionsRead, PermSessionsWrite, PermDiagnoses},
	RoleMedicalProvider: {PermStaff, PermClientsRead, PermClinicalRead, PermClearance, PermAlerts, PermSessionsRead, PermSessionsWrite,
		PermInventory, PermDiagnoses},
	RoleChaperone: {PermStaff, PermSessionsRead},
	RoleFrontDesk: {PermStaff, PermConsultsRead, PermConsultsWrite, PermStaffRead, PermClientsRead, PermClientsWrite,
		PermSessionsRead, PermSessionsWrite, PermDeliveries, PermBillingRead, PermBillingWrite},
	RoleClient: {PermPortal},
}

// Permissions lists every permission, for tests that walk the table.
var Permissions = []Permission{PermPublic, PermSignedIn, PermSecondFactor, PermStaff, PermConsultsRead,
	PermConsultsWrite, PermStaffRead, PermStaffManage, PermAuditRead, PermClientsRead, PermClientsWrite,
	PermClinicalRead, PermClearance, PermAlerts, PermSettings, PermPortal, PermSessionsRead, PermSessionsWrite, PermDeliveries,
	PermInventory, PermInventoryFix, PermBillingRead, PermBillingWrite, PermBillingSetup, PermDiagnoses}

// Can reports whether the actor holds permission p. A staff member whose
// second factor is pending holds PermSecondFactor and nothing else.
func (a *Actor) Can(p Permission) bool {
	switch {
	case p == PermPublic:
		return true
	case a == nil || a.User == nil || !a.User.Active:
		return false
	case p == PermSecondFactor:
		return a.User.IsStaff() && !a.Verified
	case a.User.IsStaff() && !a.Verified:
		return false
	case p == PermSignedIn:
		return true
	}
	for _, r := range a.User.Roles {
		if slices.Contains(rolePermissions[r], p) {
			return true
		}
	}
	return false
}

// CanSeeConsult reports whether the actor may open consult c: a therapist
// sees the consults booked with them; front desk and admins see all.
func (a *Actor) CanSeeConsult(c *Consult) bool {
	if !a.Can(PermConsultsRead) {
		return false
	}
	return a.Has(RoleAdmin) || a.Has(RoleFrontDesk) || (a.Has(RoleTherapist) && c.TherapistID == a.ID())
}

// ConsultTherapist returns the therapist a consult the actor books or
// moves may be with, given the one they asked for (0: any free
// therapist): front desk and admins book with anyone, a therapist only
// with themselves.
func (a *Actor) ConsultTherapist(requested int64) int64 {
	if scope := a.ConsultScope(); scope > 0 {
		return scope
	}
	return requested
}

// ConsultScope returns the therapist whose consults the actor may list:
// 0 for all (front desk, admin), their own id for a therapist, and -1 for
// none.
func (a *Actor) ConsultScope() int64 {
	switch {
	case !a.Can(PermConsultsRead):
		return -1
	case a.Has(RoleAdmin) || a.Has(RoleFrontDesk):
		return 0
	default:
		return a.ID()
	}
}

// CanEditStaff reports whether the actor may change staff member id's
// profile and consult hours: their own, as any member of staff, or
// anyone's with PermStaffManage.
func (a *Actor) CanEditStaff(id int64) bool {
	return a.Can(PermStaffManage) || (a.Can(PermStaff) && id == a.ID())
}

// Kinds of record that can be opened by breaking the glass.
const (
	BreakGlassConsult = "consult"
	BreakGlassClient  = "client"
)

// breakGlassPerms says, for each kind of record, the permission a role must
// hold to open one outside its own list by giving a reason: break-glass
// widens a role's record rules (whose consult, whose care team), never the
// role table. The routes that break the glass require the same permission.
var breakGlassPerms = map[string]Permission{
	BreakGlassConsult: PermConsultsRead,
	BreakGlassClient:  PermClinicalRead,
}

// BreakGlassPermission returns the permission breaking the glass on a
// record of kind needs; PermStaffManage, which no clinician holds, for an
// unknown kind.
func BreakGlassPermission(kind string) Permission {
	if p, ok := breakGlassPerms[kind]; ok {
		return p
	}
	return PermStaffManage
}

// CanBreakGlass reports whether the actor may open a record of kind (a
// BreakGlass… constant) outside their care team after giving a reason (ONC
// 170.315(d)(6)): clinicians only, and only on a kind of record their role
// may read. Every such access is audited with the reason and flagged for
// review.
func (a *Actor) CanBreakGlass(kind string) bool {
	_, known := breakGlassPerms[kind]
	return known && a.Can(BreakGlassPermission(kind)) && (a.Has(RoleTherapist) || a.Has(RoleMedicalProvider))
}

// IsClient reports whether the actor is the client c themselves.
func (a *Actor) IsClient(c *Client) bool {
	return a.Can(PermPortal) && c.UserID != 0 && c.UserID == a.ID()
}

// CanSeeClient reports whether the actor may open client c's record at
// all: contact details and where they are on their path. Front desk and
// admins see every client; clinicians the clients on their care team;
// medical providers every client, as the practice's prescribers review
// them all; a client only themselves.
func (a *Actor) CanSeeClient(c *Client) bool {
	switch {
	case a.IsClient(c):
		return true
	case !a.Can(PermClientsRead):
		return false
	case a.Has(RoleAdmin) || a.Has(RoleFrontDesk) || a.Has(RoleMedicalProvider):
		return true
	}
	return c.OnCareTeam(a.ID())
}

// CanSeeClinical reports whether the actor may read client c's clinical
// record (intake answers, measures, findings, clearance): the client's own
// care-team clinicians and the practice's medical providers. Front desk
// and admins never do. A client reads their own answers through the
// portal, which never shows the prescriber's internal notes.
func (a *Actor) CanSeeClinical(c *Client) bool {
	if !a.Can(PermClinicalRead) {
		return false
	}
	return a.Has(RoleMedicalProvider) || c.OnCareTeam(a.ID())
}

// CanSeeScreening reports whether the actor may read client c's screening
// status and answers: the client themselves (their status, never the
// prescriber's findings) and those who may see the clinical record.
func (a *Actor) CanSeeScreening(c *Client) bool {
	return a.IsClient(c) || a.CanSeeClinical(c)
}

// CanFindSessionSlots reports whether the actor may look for times to
// hold a session of type t with client c: whoever may book it
// (CanBookSession), since the slots are offered to be booked.
func (a *Actor) CanFindSessionSlots(c *Client, t *SessionType) bool {
	return a.CanBookSession(c, t)
}

// AlertScope returns the care-team member whose clients' safety alerts the
// actor sees: 0 for every client (medical providers review them all),
// their own id otherwise. It matches CanSeeClinical.
func (a *Actor) AlertScope() int64 {
	if a.Has(RoleMedicalProvider) {
		return 0
	}
	return a.ID()
}

// CanAdminister reports whether the actor may submit a questionnaire for
// client c: the client themselves, or a clinician of theirs in session.
func (a *Actor) CanAdminister(c *Client) bool {
	return a.IsClient(c) || a.CanSeeClinical(c)
}

// ClientScope returns the care-team member whose clients the actor may
// list: 0 for all (front desk, admin, medical providers), their own id
// for a therapist, -1 for none.
func (a *Actor) ClientScope() int64 {
	switch {
	case !a.Can(PermClientsRead):
		return -1
	case a.Has(RoleAdmin) || a.Has(RoleFrontDesk) || a.Has(RoleMedicalProvider):
		return 0
	default:
		return a.ID()
	}
}

// CanSeePlan reports whether the actor may read client c's treatment plan
// and the sessions it lists: those who may see where the client is on
// their path (CanSeeClient), so the client sees their own and front desk
// books from it; a chaperone never does.
func (a *Actor) CanSeePlan(c *Client) bool { return a.CanSeeClient(c) }

// CanChangePlan reports whether the actor may tailor client c's plan: a
// therapist on their care team, or a medical provider.
func (a *Actor) CanChangePlan(c *Client) bool {
	return a.CanSeeClinical(c) && ((a.Has(RoleTherapist) && c.OnCareTeam(a.ID())) || a.Has(RoleMedicalProvider))
}

// CanSeeGates reports whether the actor may read the gates of client c's
// medicine session in full: they name clinical facts (a safety alert, a
// PHQ-9), so those who may see the clinical record.
func (a *Actor) CanSeeGates(c *Client) bool { return a.CanSeeClinical(c) }

// CanOverrideGate reports whether the actor may override one of client c's
// overridable gates (GateOverridable): a medical provider, who decides
// the prescriber's questions, never anyone else.
func (a *Actor) CanOverrideGate(c *Client) bool {
	return a.Has(RoleMedicalProvider) && a.CanSeeClinical(c)
}

// Care sessions. A session's clients are its client or a group's
// attendees (SessionClients).

// holdsSession reports whether the actor is one of the people session s
// holds (therapist, medical provider or chaperone).
func (a *Actor) holdsSession(s *CareSession) bool {
	id := a.ID()
	return id != 0 && (s.TherapistID == id || s.MedicalProviderID == id || s.ChaperoneID == id)
}

// SessionClients returns the ids of session s's clients.
func SessionClients(s *CareSession) []int64 {
	if s.ClientID != 0 {
		return []int64{s.ClientID}
	}
	return s.Attendees
}

// CanSeeSession reports whether the actor may see session s, whose client
// (or, for a group, the attendee the actor asks about) is c, nil when the
// caller has none to hand: front desk and admins see every session; a
// therapist or medical provider the sessions they are in and those of
// clients on their care team; a chaperone only the sessions they are
// assigned to (and then only SessionInFull's limited view); a client only
// their own.
func (a *Actor) CanSeeSession(s *CareSession, c *Client) bool {
	switch {
	case c != nil && a.IsClient(c):
		return slices.Contains(SessionClients(s), c.ID)
	case !a.Can(PermSessionsRead):
		return false
	case a.Has(RoleAdmin) || a.Has(RoleFrontDesk) || a.holdsSession(s):
		return true
	}
	return c != nil && (a.Has(RoleTherapist) || a.Has(RoleMedicalProvider)) && c.OnCareTeam(a.ID()) &&
		slices.Contains(SessionClients(s), c.ID)
}

// SessionInFull reports whether the actor sees session s in full. A
// chaperone (who is not also a clinician on it) sees what they need to be
// there: the time, the place or link and the client's first name, never
// the route, a reason or anything clinical.
func (a *Actor) SessionInFull(s *CareSession) bool {
	if a.Has(RoleAdmin) || a.Has(RoleFrontDesk) || a.Has(RoleTherapist) || a.Has(RoleMedicalProvider) {
		return true
	}
	return !a.Has(RoleChaperone) && a.Can(PermPortal)
}

// CanBookSession reports whether the actor may book a session of type t
// for client c, or move or cancel one: front desk and admins for any
// client; a therapist or medical provider for the clients on their care
// team; a client for themselves, and only the types the practice opens
// to clients (t.ClientBooks). A chaperone never books.
func (a *Actor) CanBookSession(c *Client, t *SessionType) bool {
	switch {
	case a.IsClient(c):
		return t.ClientBooks
	case !a.Can(PermSessionsWrite):
		return false
	case a.Has(RoleAdmin) || a.Has(RoleFrontDesk):
		return true
	}
	return (a.Has(RoleTherapist) || a.Has(RoleMedicalProvider)) && c.OnCareTeam(a.ID())
}

// CanRunSession reports whether the actor may check session s in, start
// it, complete it or mark a no-show: front desk and admins any session;
// a therapist or medical provider a session they are in. Starting a
// medicine session also needs its gates to hold again (processing).
func (a *Actor) CanRunSession(s *CareSession) bool {
	if !a.Can(PermSessionsWrite) {
		return false
	}
	return a.Has(RoleAdmin) || a.Has(RoleFrontDesk) || ((a.Has(RoleTherapist) || a.Has(RoleMedicalProvider)) && a.holdsSession(s))
}

// CanRecordDose reports whether the actor may record a dose given in
// session s: a medical provider in the session; or, for a lozenge the
// client takes themselves (selfAdmin), a therapist or medical provider in
// the session who observed it.
func (a *Actor) CanRecordDose(s *CareSession, selfAdmin bool) bool {
	switch {
	case !a.Can(PermSessionsWrite) || !a.holdsSession(s):
		return false
	case a.Has(RoleMedicalProvider):
		return true
	}
	return selfAdmin && a.Has(RoleTherapist)
}

// SessionScope returns whose sessions the actor may list: 0 for every
// session (front desk, admins), their own id for a clinician or chaperone
// (the sessions they are in), -1 for none. A client lists their own
// (processing narrows to them), and a clinician a care-team client's.
func (a *Actor) SessionScope() int64 {
	switch {
	case !a.Can(PermSessionsRead):
		return -1
	case a.Has(RoleAdmin) || a.Has(RoleFrontDesk):
		return 0
	}
	return a.ID()
}

// The medicine session's run sheet (issue 12). It is the medical record
// of the session: front desk and admins never see it; a chaperone sees
// its timing and vitals (RunSheetInFull false), never the order, the
// checklist's intention, a review's note or an addendum.

// clinicianOn reports whether the actor is a therapist or medical
// provider of session s or may read client c's clinical record.
func (a *Actor) clinicianOn(s *CareSession, c *Client) bool {
	if !a.Has(RoleTherapist) && !a.Has(RoleMedicalProvider) {
		return false
	}
	return (a.holdsSession(s) && a.Can(PermSessionsWrite)) || (c != nil && a.CanSeeClinical(c))
}

// CanSeeRunSheet reports whether the actor may open session s's run sheet
// (c its client): the session's therapist, medical provider and
// chaperone, and the clinicians who may read the client's record.
func (a *Actor) CanSeeRunSheet(s *CareSession, c *Client) bool {
	return a.Can(PermSessionsRead) && (a.holdsSession(s) || a.clinicianOn(s, c))
}

// RunSheetInFull reports whether the actor sees session s's run sheet in
// full; a chaperone sees its timing and vitals.
func (a *Actor) RunSheetInFull(s *CareSession, c *Client) bool { return a.clinicianOn(s, c) }

// CanChartSession reports whether the actor may record readings and the
// monitor's check-ins on session s's run sheet: whoever is in the room
// for it (its chaperone too) and the client's clinicians.
func (a *Actor) CanChartSession(s *CareSession, c *Client) bool {
	return a.Can(PermSessionsRead) && (a.holdsSession(s) || a.clinicianOn(s, c))
}

// CanRunMedicine reports whether the actor may tick the checklist, record
// a dose, discharge the client or add an addendum on session s: its
// clinicians, never a chaperone alone.
func (a *Actor) CanRunMedicine(s *CareSession, c *Client) bool { return a.clinicianOn(s, c) }

// CanOrderDose reports whether the actor may order or change session s's
// dose, review a hold or discharge early: a medical provider (B7: dose
// changes by the prescriber only), never anyone else.
func (a *Actor) CanOrderDose(s *CareSession, c *Client) bool {
	return a.Has(RoleMedicalProvider) && a.clinicianOn(s, c)
}

// CanRecordTextConsent reports whether the actor may record client c's
// answer about texts: the client themselves, or staff who may change the
// client's contact details, on the client's word.
func (a *Actor) CanRecordTextConsent(c *Client) bool {
	return a.IsClient(c) || (a.Can(PermClientsWrite) && a.CanSeeClient(c))
}

// Clinical notes (issue 12). A progress note is part of the session's
// medical record: its clinicians read and write it, never a chaperone,
// front desk, an admin or the client. A psychotherapy note (HIPAA's
// "psychotherapy notes", 45 CFR 164.501) is kept apart from the record:
// its author alone reads it; to everyone else, an admin and the medical
// provider included, it does not exist.

// CanWriteNote reports whether the actor may write a note on session s of
// client c: a therapist or medical provider in the session or who may
// read the client's record.
func (a *Actor) CanWriteNote(s *CareSession, c *Client) bool { return a.clinicianOn(s, c) }

// CanReadNote reports whether the actor may read note n on session s of
// client c: a psychotherapy note its author alone, a progress note the
// clinicians who may write on the session.
func (a *Actor) CanReadNote(n *Note, s *CareSession, c *Client) bool {
	if n.Kind == NotePsychotherapy {
		return a.Can(PermStaff) && a.ID() != 0 && n.AuthorID == a.ID()
	}
	return a.clinicianOn(s, c)
}

// CanEditNote reports whether the actor may change or sign note n: its
// author, who may still read it (the store refuses a signed note).
func (a *Actor) CanEditNote(n *Note, s *CareSession, c *Client) bool {
	return n.AuthorID == a.ID() && a.CanReadNote(n, s, c)
}

// CanAddAddendum reports whether the actor may add an addendum to signed
// note n: whoever may read it, so a colleague's correction carries their
// own name and time.
func (a *Actor) CanAddAddendum(n *Note, s *CareSession, c *Client) bool {
	return a.CanReadNote(n, s, c)
}

// CanSeeClientPlan reports whether the actor may read the goals and the
// grounding and safety plan of client c's signed preparation note: the
// client in their portal, and those who may read the clinical record.
func (a *Actor) CanSeeClientPlan(c *Client) bool { return a.IsClient(c) || a.CanSeeClinical(c) }

// After a medicine session. The morning-after check-in is the client's to
// fill in and their clinicians' to read; the integration journal is the
// client's alone, an entry they share readable by the therapists on their
// care team, never by anyone else (the medical provider, front desk, an
// admin).

// CanCheckInMorning reports whether the actor may fill in client c's
// morning-after check-in: the client themselves.
func (a *Actor) CanCheckInMorning(c *Client) bool { return a.IsClient(c) }

// CanReadMorningCheckIns reports whether the actor may read client c's
// check-ins: the client, and those who may read their clinical record.
func (a *Actor) CanReadMorningCheckIns(c *Client) bool { return a.IsClient(c) || a.CanSeeClinical(c) }

// CanWriteJournal reports whether the actor may write in client c's
// journal or share an entry of it: the client themselves.
func (a *Actor) CanWriteJournal(c *Client) bool { return a.IsClient(c) }

// CanReadJournalEntry reports whether the actor may read entry e of client
// c's journal: the client, or, once they share it, a therapist on their
// care team.
func (a *Actor) CanReadJournalEntry(e *JournalEntry, c *Client) bool {
	return a.IsClient(c) || (e.Shared && a.Has(RoleTherapist) && a.Can(PermClinicalRead) && c.OnCareTeam(a.ID()))
}

// CanReadSharedJournal reports whether the actor may list the entries
// client c shared: a therapist on their care team.
func (a *Actor) CanReadSharedJournal(c *Client) bool {
	return a.Has(RoleTherapist) && a.Can(PermClinicalRead) && c.OnCareTeam(a.ID())
}

// CanSeeBilling reports whether the actor may read client c's billing:
// their charges, ledger, documents and estimates (amounts, codes, dates;
// never a note). Front desk and admins for every client, the client for
// themselves (their own documents and ledger only).
func (a *Actor) CanSeeBilling(c *Client) bool {
	return a.IsClient(c) || (a.Can(PermBillingRead) && a.CanSeeClient(c))
}

// CanPostBilling reports whether the actor may change what client c owes:
// record a payment or refund, void or adjust a charge, issue a statement
// or estimate. Front desk and admins; a client pays online through
// CanPayOnline, never through this.
func (a *Actor) CanPostBilling(c *Client) bool {
	return a.Can(PermBillingWrite) && a.CanSeeClient(c)
}

// CanPayOnline reports whether the actor may pay client c's statement by
// card in the portal, or keep a card on file: the client only.
func (a *Actor) CanPayOnline(c *Client) bool { return a.IsClient(c) }

// CanSetDiagnoses reports whether the actor may choose client c's
// diagnosis codes: the client's own clinicians (care team) and the
// practice's medical providers, who diagnose; never billing staff.
func (a *Actor) CanSetDiagnoses(c *Client) bool {
	return a.Can(PermDiagnoses) && a.CanSeeClinical(c)
}

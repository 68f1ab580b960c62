package processing

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/journey-kap/journey"
)

// Billing setup: the entities that bill, who bills under which, the fee
// schedule (admins, PermBillingSetup; read by billing staff,
// PermBillingRead), and per client the diagnoses (chosen by their
// clinicians, CanSetDiagnoses) and coverage (billing staff,
// CanPostBilling). Every read and change is audited, by ids only.

// BillingSetupStore is the store's part for billing setup (sqldb/billing_setup.go).
type BillingSetupStore interface {
	FindBillingEntities(ctx context.Context) ([]*journey.BillingEntity, error)
	FindBillingEntity(ctx context.Context, id int64) (*journey.BillingEntity, error)
	CreateBillingEntity(ctx context.Context, e *journey.BillingEntity) error
	UpdateBillingEntity(ctx context.Context, e *journey.BillingEntity) error
	FindBillingClinicians(ctx context.Context) ([]*journey.BillingClinician, error)
	FindBillingClinician(ctx context.Context, userID, entityID int64) (*journey.BillingClinician, error)
	SetBillingClinicians(ctx context.Context, list []*journey.BillingClinician) error
	FindFeeSchedule(ctx context.Context) (*journey.FeeSchedule, error)
	FindFeeLines(ctx context.Context) (*journey.FeeSchedule, error)
	SaveFeeLine(ctx context.Context, l *journey.FeeLine) error
	SaveCodePrice(ctx context.Context, p *journey.CodePrice) error
	SetTelehealthModifier(ctx context.Context, modifier string, by int64) error
	SaveFeeSchedule(ctx context.Context, fs *journey.FeeSchedule, by int64) error
	FindDiagnoses(ctx context.Context, clientID int64) ([]string, error)
	SetDiagnoses(ctx context.Context, clientID int64, codes []string, by int64) ([]string, error)
	FindCoverage(ctx context.Context, clientID int64) ([]*journey.Coverage, error)
	FindClientCoverage(ctx context.Context, clientID, entityID int64) (*journey.Coverage, error)
	SetCoverage(ctx context.Context, c *journey.Coverage, by int64) error
	FindStaffProfile(ctx context.Context, id int64) (*journey.StaffProfile, error)
}

// The record rules for a client's billing setup.
var (
	seeDiagnoses Rule = func(a *journey.Actor, c *journey.Client) bool { return a.CanSeeBilling(c) || a.CanSetDiagnoses(c) }
	setDiagnoses Rule = (*journey.Actor).CanSetDiagnoses
	seeBilling   Rule = (*journey.Actor).CanSeeBilling
	postBilling  Rule = (*journey.Actor).CanPostBilling
)

// billingGate refuses, audited as action, an actor without perm.
func (p *Processor) billingGate(ctx context.Context, a *journey.Actor, perm journey.Permission, action string) error {
	if a.Can(perm) {
		return nil
	}
	p.Audit(ctx, a, Entry{Action: action, SubjectType: "billing", Outcome: journey.AuditDenied, Detail: "lacks " + string(perm)})
	if perm == journey.PermBillingSetup {
		return journey.Errorf(journey.EFORBIDDEN, "Only an admin sets up billing.")
	}
	return journey.Errorf(journey.EFORBIDDEN, "Only the front desk and admins see billing.")
}

// BillingSetup is what the billing setup page shows.
type BillingSetup struct {
	Entities   []*journey.BillingEntity
	Clinicians []*journey.BillingClinician // who bills under which entity, with their profiles
	Candidates []*journey.User             // active therapists and medical providers, who may bill
	// Lacks names what a bill needs of each candidate's profile that it
	// does not hold (NPI, credentials, licence), by user id.
	Lacks    map[int64][]string
	Schedule *journey.FeeSchedule // every line, the inactive ones too
}

// BillingSetup reads the whole billing setup for an admin, audited.
func (p *Processor) BillingSetup(ctx context.Context, a *journey.Actor, via string) (*BillingSetup, error) {
	if err := p.billingGate(ctx, a, journey.PermBillingSetup, "billing.setup.read"); err != nil {
		return nil, err
	}
	var s BillingSetup
	var err error
	if s.Entities, err = p.store.FindBillingEntities(ctx); err != nil {
		return nil, err
	}
	if s.Clinicians, err = p.store.FindBillingClinicians(ctx); err != nil {
		return nil, err
	}
	if s.Schedule, err = p.store.FindFeeLines(ctx); err != nil {
		return nil, err
	}
	users, err := p.store.FindUsers(ctx, journey.UserStaff)
	if err != nil {
		return nil, err
	}
	s.Lacks = map[int64][]string{}
	for _, u := range users {
		if !u.Active || !(slices.Contains(u.Roles, journey.RoleTherapist) || slices.Contains(u.Roles, journey.RoleMedicalProvider)) {
			continue
		}
		pr, err := p.store.FindStaffProfile(ctx, u.ID)
		if err != nil {
			return nil, err
		}
		s.Candidates = append(s.Candidates, u)
		bc := journey.BillingClinician{NPI: pr.NPI, Credentials: pr.Credentials, Licence: pr.LicenceNumber, LicenceState: pr.LicenceState}
		s.Lacks[u.ID] = bc.Missing()
	}
	p.Audit(ctx, a, Entry{Action: "billing.setup.read", SubjectType: "billing", Outcome: journey.AuditSuccess, Detail: via})
	return &s, nil
}

// BillingEntities returns the billing entities to billing staff and
// admins, audited.
func (p *Processor) BillingEntities(ctx context.Context, a *journey.Actor, via string) ([]*journey.BillingEntity, error) {
	if err := p.billingRead(ctx, a, "billing.entities.read"); err != nil {
		return nil, err
	}
	es, err := p.store.FindBillingEntities(ctx)
	if err == nil {
		p.Audit(ctx, a, Entry{Action: "billing.entities.read", SubjectType: "billing", Outcome: journey.AuditSuccess, Detail: via})
	}
	return es, err
}

// billingRead lets billing staff and admins read the practice's billing
// setup (PermBillingRead or PermBillingSetup).
func (p *Processor) billingRead(ctx context.Context, a *journey.Actor, action string) error {
	if a.Can(journey.PermBillingSetup) {
		return nil
	}
	return p.billingGate(ctx, a, journey.PermBillingRead, action)
}

// BillingEntity returns entity id to billing staff and admins, audited.
func (p *Processor) BillingEntity(ctx context.Context, a *journey.Actor, id int64, via string) (*journey.BillingEntity, error) {
	if err := p.billingRead(ctx, a, "billing.entity.read"); err != nil {
		return nil, err
	}
	e, err := p.store.FindBillingEntity(ctx, id)
	if err == nil {
		p.Audit(ctx, a, Entry{Action: "billing.entity.read", SubjectType: "billing_entity", SubjectID: id, Outcome: journey.AuditSuccess, Detail: via})
	}
	return e, err
}

// SaveBillingEntity adds e (e.ID 0) or changes entity e.ID, for an admin,
// audited either way; EINVALID names each wrong field.
func (p *Processor) SaveBillingEntity(ctx context.Context, a *journey.Actor, e *journey.BillingEntity, via string) error {
	action := "billing.entity.create"
	if e.ID != 0 {
		action = "billing.entity.update"
	}
	if err := p.billingGate(ctx, a, journey.PermBillingSetup, action); err != nil {
		return err
	}
	var err error
	if e.ID == 0 {
		err = p.store.CreateBillingEntity(ctx, e)
	} else {
		err = p.store.UpdateBillingEntity(ctx, e)
	}
	p.Audit(ctx, a, Entry{Action: action, SubjectType: "billing_entity", SubjectID: e.ID, Outcome: outcome(err), Detail: via})
	return err
}

// BillingClinicians returns who bills under which entity, with what their
// profiles hold, to billing staff and admins, audited.
func (p *Processor) BillingClinicians(ctx context.Context, a *journey.Actor, via string) ([]*journey.BillingClinician, error) {
	if err := p.billingRead(ctx, a, "billing.clinicians.read"); err != nil {
		return nil, err
	}
	cs, err := p.store.FindBillingClinicians(ctx)
	if err == nil {
		p.Audit(ctx, a, Entry{Action: "billing.clinicians.read", SubjectType: "billing", Outcome: journey.AuditSuccess, Detail: via})
	}
	return cs, err
}

// SetBillingClinicians replaces who bills under which entity (an admin),
// audited, and returns the list as it now stands.
func (p *Processor) SetBillingClinicians(ctx context.Context, a *journey.Actor, list []*journey.BillingClinician, via string) ([]*journey.BillingClinician, error) {
	if err := p.billingGate(ctx, a, journey.PermBillingSetup, "billing.clinicians.update"); err != nil {
		return nil, err
	}
	if len(list) > MaxAuditIDs {
		return nil, journey.Errorf(journey.EINVALID, "Too many clinicians at once.")
	}
	err := p.store.SetBillingClinicians(ctx, list)
	pairs := make([]string, 0, len(list))
	for _, c := range list {
		pairs = append(pairs, fmt.Sprintf("%d@%d", c.UserID, c.EntityID))
	}
	p.Audit(ctx, a, Entry{Action: "billing.clinicians.update", SubjectType: "billing", Outcome: outcome(err),
		Detail: via + ": user@entity " + strings.Join(pairs, " ")})
	if err != nil {
		return nil, err
	}
	return p.store.FindBillingClinicians(ctx)
}

// FeeSchedule returns the fee schedule to billing staff and admins,
// audited: the active lines, or every line when all.
func (p *Processor) FeeSchedule(ctx context.Context, a *journey.Actor, all bool, via string) (*journey.FeeSchedule, error) {
	if err := p.billingRead(ctx, a, "billing.schedule.read"); err != nil {
		return nil, err
	}
	find := p.store.FindFeeSchedule
	if all {
		find = p.store.FindFeeLines
	}
	fs, err := find(ctx)
	if err == nil {
		p.Audit(ctx, a, Entry{Action: "billing.schedule.read", SubjectType: "billing", Outcome: journey.AuditSuccess, Detail: via})
	}
	return fs, err
}

// SaveFeeSchedule replaces the fee schedule with fs (an admin), audited;
// see the store's SaveFeeSchedule for what replacing means.
func (p *Processor) SaveFeeSchedule(ctx context.Context, a *journey.Actor, fs *journey.FeeSchedule, via string) error {
	if err := p.billingGate(ctx, a, journey.PermBillingSetup, "billing.schedule.update"); err != nil {
		return err
	}
	if len(fs.Lines) > MaxFeeLines || len(fs.Prices) > MaxFeeLines {
		return journey.Errorf(journey.EINVALID, "A fee schedule has at most %d lines and %d prices.", MaxFeeLines, MaxFeeLines)
	}
	err := p.store.SaveFeeSchedule(ctx, fs, a.ID())
	p.Audit(ctx, a, Entry{Action: "billing.schedule.update", SubjectType: "billing", Outcome: outcome(err),
		Detail: fmt.Sprintf("%s: %d lines, %d prices", via, len(fs.Lines), len(fs.Prices))})
	return err
}

// MaxFeeLines bounds a fee schedule's lines and its price list.
const MaxFeeLines = 200

// SaveFeeLine adds or changes one line of the fee schedule (an admin),
// audited.
func (p *Processor) SaveFeeLine(ctx context.Context, a *journey.Actor, l *journey.FeeLine, via string) error {
	if err := p.billingGate(ctx, a, journey.PermBillingSetup, "billing.feeline.save"); err != nil {
		return err
	}
	err := p.store.SaveFeeLine(ctx, l)
	p.Audit(ctx, a, Entry{Action: "billing.feeline.save", SubjectType: "fee_line", SubjectID: l.ID, Outcome: outcome(err), Detail: via})
	return err
}

// SaveCodePrice sets the price list's fee for a code (an admin), audited.
func (p *Processor) SaveCodePrice(ctx context.Context, a *journey.Actor, cp *journey.CodePrice, via string) error {
	if err := p.billingGate(ctx, a, journey.PermBillingSetup, "billing.price.save"); err != nil {
		return err
	}
	err := p.store.SaveCodePrice(ctx, cp)
	p.Audit(ctx, a, Entry{Action: "billing.price.save", SubjectType: "billing", Outcome: outcome(err), Detail: via + ": " + cp.Code})
	return err
}

// SetTelehealthModifier sets the modifier of remote services (an admin),
// audited.
func (p *Processor) SetTelehealthModifier(ctx context.Context, a *journey.Actor, modifier, via string) error {
	if err := p.billingGate(ctx, a, journey.PermBillingSetup, "billing.modifier.update"); err != nil {
		return err
	}
	err := p.store.SetTelehealthModifier(ctx, modifier, a.ID())
	p.Audit(ctx, a, Entry{Action: "billing.modifier.update", SubjectType: "billing", Outcome: outcome(err), Detail: via})
	return err
}

// Diagnoses returns client id's diagnosis codes in pointer order to those
// who may see their billing or choose their diagnoses, audited.
func (p *Processor) Diagnoses(ctx context.Context, a *journey.Actor, id int64, via string) ([]string, error) {
	return readClient(ctx, p, a, id, "client.diagnoses.read", seeDiagnoses, func(cid int64) ([]string, error) {
		return p.store.FindDiagnoses(ctx, cid)
	}, func(ds []string) string { return fmt.Sprintf("%s: %d codes", via, len(ds)) })
}

// SetDiagnoses replaces client id's diagnoses with codes, in pointer
// order, for one of their clinicians; audited either way. It returns the
// list as stored; EINVALID names each wrong code.
func (p *Processor) SetDiagnoses(ctx context.Context, a *journey.Actor, id int64, codes []string, via string) ([]string, error) {
	c, err := p.Client(ctx, a, id, "client.diagnoses.update", setDiagnoses)
	if err != nil {
		return nil, err
	}
	if len(codes) > 2*journey.MaxDiagnoses {
		return nil, journey.Errorf(journey.EINVALID, "A client has at most %d diagnoses.", journey.MaxDiagnoses)
	}
	got, err := p.store.SetDiagnoses(ctx, c.ID, codes, a.ID())
	p.Audit(ctx, a, Entry{Action: "client.diagnoses.update", SubjectType: "client", SubjectID: c.ID, Outcome: outcome(err),
		Detail: fmt.Sprintf("%s: %d codes", via, len(got))})
	return got, err
}

// Coverage returns how client id pays each entity to those who may see
// their billing, audited.
func (p *Processor) Coverage(ctx context.Context, a *journey.Actor, id int64, via string) ([]*journey.Coverage, error) {
	return readClient(ctx, p, a, id, "client.coverage.read", seeBilling, func(cid int64) ([]*journey.Coverage, error) {
		return p.store.FindCoverage(ctx, cid)
	}, func(cs []*journey.Coverage) string { return fmt.Sprintf("%s: %d entities", via, len(cs)) })
}

// SetCoverage stores how a client pays one entity, for billing staff,
// audited either way; EINVALID names each wrong field.
func (p *Processor) SetCoverage(ctx context.Context, a *journey.Actor, c *journey.Coverage, via string) error {
	cl, err := p.Client(ctx, a, c.ClientID, "client.coverage.update", postBilling)
	if err != nil {
		return err
	}
	err = p.store.SetCoverage(ctx, c, a.ID())
	p.Audit(ctx, a, Entry{Action: "client.coverage.update", SubjectType: "client", SubjectID: cl.ID, Outcome: outcome(err),
		Detail: fmt.Sprintf("%s: entity %d %s", via, c.EntityID, c.Payer)})
	return err
}

// DiagnosesView is a client's diagnoses as a page shows them.
type DiagnosesView struct {
	Client *journey.Client
	Codes  []string // pointer order, A first
	CanSet bool     // the actor may change them (one of the client's clinicians)
}

// ClientDiagnoses reads client id's diagnoses for the page, audited, to
// those who may see their billing or choose their diagnoses.
func (p *Processor) ClientDiagnoses(ctx context.Context, a *journey.Actor, id int64, via string) (*DiagnosesView, error) {
	c, err := p.Client(ctx, a, id, "client.diagnoses.read", seeDiagnoses)
	if err != nil {
		return nil, err
	}
	codes, err := p.store.FindDiagnoses(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	p.Audit(ctx, a, Entry{Action: "client.diagnoses.read", SubjectType: "client", SubjectID: c.ID, Outcome: journey.AuditSuccess,
		Detail: fmt.Sprintf("%s: %d codes", via, len(codes))})
	return &DiagnosesView{Client: c, Codes: codes, CanSet: a.CanSetDiagnoses(c)}, nil
}

// CoverageView is how a client pays each entity, as a page shows it.
type CoverageView struct {
	Client   *journey.Client
	Entities []*journey.BillingEntity
	Coverage []*journey.Coverage // one per entity, in Entities' order
	CanSet   bool                // the actor may change it (billing staff)
}

// ClientCoverage reads client id's coverage with the entities for the
// page, audited, to those who may see their billing.
func (p *Processor) ClientCoverage(ctx context.Context, a *journey.Actor, id int64, via string) (*CoverageView, error) {
	c, err := p.Client(ctx, a, id, "client.coverage.read", seeBilling)
	if err != nil {
		return nil, err
	}
	v := &CoverageView{Client: c, CanSet: a.CanPostBilling(c)}
	if v.Entities, err = p.store.FindBillingEntities(ctx); err != nil {
		return nil, err
	}
	if v.Coverage, err = p.store.FindCoverage(ctx, c.ID); err != nil {
		return nil, err
	}
	p.Audit(ctx, a, Entry{Action: "client.coverage.read", SubjectType: "client", SubjectID: c.ID, Outcome: journey.AuditSuccess,
		Detail: fmt.Sprintf("%s: %d entities", via, len(v.Coverage))})
	return v, nil
}

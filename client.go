package journey

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Client is a person in the programme: created from a held consult or by
// staff, they sign in to the portal once they accept their invitation.
type Client struct {
	ID          int64
	UserID      int64 // 0 until the client accepts the invitation
	ConsultID   int64 // 0 when staff added them directly
	Name        string
	Email       string
	Phone       string // E.164 or ""
	CareTeam    []CareMember
	Screening   string // the screening status (ScreeningIncomplete…)
	Priority    int    // review order: KindRank of the worst finding, 0 when a safety flag is open
	CreatedAt   time.Time
	CreatedBy   int64
	InvitedAt   time.Time
	IntakeDone  time.Time // zero until intake and the required measures are done
	ClearedTill time.Time // zero unless cleared
}

// CareMember is one member of a client's care team.
type CareMember struct {
	UserID int64  `json:"user_id"`
	Role   string `json:"role"` // therapist, medical_provider, chaperone
	Name   string `json:"name"`
}

// TherapistID returns the care team's (first) therapist, 0 if none.
func (c *Client) TherapistID() int64 {
	for _, m := range c.CareTeam {
		if m.Role == RoleTherapist {
			return m.UserID
		}
	}
	return 0
}

// OnCareTeam reports whether user is on the client's care team.
func (c *Client) OnCareTeam(userID int64) bool {
	for _, m := range c.CareTeam {
		if m.UserID == userID {
			return true
		}
	}
	return false
}

// NewClient is what staff submit to add a client.
type NewClient struct {
	ConsultID   int64
	Name        string
	Email       string
	Phone       string
	TherapistID int64
	CreatedBy   int64
}

// Validate returns EINVALID naming every field that is wrong.
func (n *NewClient) Validate() error {
	n.Name, n.Email, n.Phone = Line(n.Name), strings.TrimSpace(n.Email), strings.TrimSpace(n.Phone)
	var v Validation
	checkText(&v, "name", n.Name, 1, MaxNameLen)
	if !ValidEmail(n.Email) {
		v.Add("email", "Enter an email address like name@example.com.")
	}
	checkPhone(&v, "phone", n.Phone, false)
	if n.TherapistID <= 0 {
		v.Add("therapist_id", "Choose the client's therapist.")
	}
	return v.Err()
}

// ClientFilter selects clients; zero fields do not filter.
type ClientFilter struct {
	CareTeamMember int64  // only clients whose care team includes this user (the record rule's scope)
	TherapistID    int64  // only clients with this therapist on their care team (a filter the person chose)
	Screening      string // only this screening status
	Stage          string // only clients at this stage of their path (ClientStages)
	Replied        bool   // only clients who answered the prescriber's question and wait for review
	Query          string // name search
	Sort           string // ClientSorts; "" is newest first
	Offset, Limit  int
}

// Stages of a client's path, as the clients list filters them.
const (
	StageInvited     = "invited"     // has not set up their portal yet
	StageIntake      = "intake"      // in the portal, intake or questionnaires unfinished
	StageReview      = "review"      // waiting on the medical review, or on their answer to it
	StagePreparation = "preparation" // cleared: preparation next
	StageDeclined    = "declined"    // the prescriber declined
)

// ClientStages lists the stages in the order of the path.
var ClientStages = []string{StageInvited, StageIntake, StageReview, StagePreparation, StageDeclined}

// ScreeningStatuses lists every screening status.
var ScreeningStatuses = []string{ScreeningIncomplete, ScreeningAwaitingReview, ScreeningNeedsInfo, ScreeningCleared, ScreeningDeclined}

// Orders of the clients list.
const (
	ClientSortNewest = "newest" // most recently added first (the default)
	ClientSortName   = "name"   // by name, A to Z
	ClientSortStatus = "status" // by where they are on the path, then review priority
)

// ClientSorts lists the orders of the clients list.
var ClientSorts = []string{ClientSortNewest, ClientSortName, ClientSortStatus}

// MaxClientPage is the most clients one page of a list may hold.
const MaxClientPage = 200

// Validate returns EINVALID naming each filter a list cannot apply: an
// unknown stage, screening status or order, a negative offset, a limit
// past MaxClientPage, an over-long name search.
func (f *ClientFilter) Validate() error {
	var v Validation
	if f.Stage != "" && !slices.Contains(ClientStages, f.Stage) {
		v.Add("stage", "Choose a stage from the list.")
	}
	if f.Screening != "" && !slices.Contains(ScreeningStatuses, f.Screening) {
		v.Add("screening", "Choose a screening status from the list.")
	}
	if f.Sort != "" && !slices.Contains(ClientSorts, f.Sort) {
		v.Add("sort", "Sort by name, newest or status.")
	}
	if f.TherapistID < 0 {
		v.Add("therapist", "Choose a therapist from the list.")
	}
	if f.Offset < 0 {
		v.Add("offset", "Enter 0 or more.")
	}
	if f.Limit < 0 || f.Limit > MaxClientPage {
		v.Add("limit", fmt.Sprintf("Enter a number from 1 to %d.", MaxClientPage))
	}
	if utf8.RuneCountInString(f.Query) > MaxNameLen {
		v.Add("q", fmt.Sprintf("Enter at most %d characters.", MaxNameLen))
	}
	return v.Err()
}

// ConsentDocument is one version of a document clients sign.
type ConsentDocument struct {
	ID        int64
	Code      string // kap-informed-consent, telehealth-consent, financial-policy, privacy-notice
	Version   int
	Title     string
	Body      string // Markdown
	Hash      string // hex SHA-256 of Body
	Required  bool   // every client signs it before preparation
	CreatedBy int64
	CreatedAt time.Time
}

// Consent document codes the demo ships.
const (
	ConsentKAP        = "kap-informed-consent"
	ConsentTelehealth = "telehealth-consent"
	ConsentFinancial  = "financial-policy"
	ConsentPrivacy    = "privacy-notice"
)

// Limits on consent documents.
const (
	MaxConsentBody  = 200_000
	MaxConsentTitle = 200
)

// Validate returns EINVALID naming every field that is wrong.
func (d *ConsentDocument) Validate() error {
	d.Code, d.Title, d.Body = strings.TrimSpace(d.Code), Line(d.Title), CleanText(d.Body)
	var v Validation
	if !codeRE.MatchString(d.Code) {
		v.Add("code", "Use lower-case letters, digits and hyphens, like kap-informed-consent.")
	}
	checkText(&v, "title", d.Title, 1, MaxConsentTitle)
	checkText(&v, "body", d.Body, 1, MaxConsentBody)
	return v.Err()
}

// ConsentSignature records a client's signature of one document version.
type ConsentSignature struct {
	ID         int64
	ClientID   int64
	DocumentID int64
	Code       string
	Version    int
	Title      string
	Hash       string // the hash of the version signed
	TypedName  string
	SignedAt   time.Time
	ClientAddr string
}

// Clearance decisions a medical provider can make.
const (
	DecisionCleared   = "cleared"
	DecisionDeclined  = "declined"
	DecisionNeedsInfo = "needs_info"
)

// DefaultClearance is how long a clearance holds unless the provider says.
const DefaultClearance = 12 // months

// Clearance is a medical provider's decision on a client's screening.
// Reason is an internal note the client never sees; Message is what the
// client is told (a kind note on a decline, the question on needs_info).
type Clearance struct {
	ID             int64
	ClientID       int64
	Decision       string
	ProviderID     int64
	ClearedUntil   time.Time // cleared only
	Reason         string
	Message        string
	Override       bool   // a hard stop was overridden
	OverrideReason string // required when Override
	RuleSetVersion int
	Findings       []Finding // the findings the provider saw, each marked if acknowledged
	// Acknowledged are the codes of the findings the provider ticked as
	// considered: clearing needs every prescriber-review finding here.
	Acknowledged []string
	Reply        string // the client's answer to a needs_info question
	RepliedAt    time.Time
	CreatedAt    time.Time
}

// MarkAcknowledged copies findings, marking those whose codes the provider
// acknowledged: the record of what the decision considered.
func (c *Clearance) MarkAcknowledged(findings []Finding) []Finding {
	out := make([]Finding, len(findings))
	for i, f := range findings {
		f.Acknowledged = slices.Contains(c.Acknowledged, f.Code)
		out[i] = f
	}
	return out
}

// Validate returns EINVALID naming every field that is wrong, given the
// screening the provider decided on.
func (c *Clearance) Validate(s *Screening, now time.Time) error {
	c.Reason, c.Message, c.OverrideReason = Paragraphs(c.Reason), Paragraphs(c.Message), Paragraphs(c.OverrideReason)
	var v Validation
	switch c.Decision {
	case DecisionCleared:
		switch {
		case c.ClearedUntil.IsZero():
			v.Add("cleared_until", "Enter the date the clearance holds until.")
		case !c.ClearedUntil.After(now):
			v.Add("cleared_until", "Enter a date in the future.")
		case c.ClearedUntil.After(now.AddDate(2, 0, 0)):
			v.Add("cleared_until", "A clearance can hold for at most 2 years.")
		}
		for _, f := range s.Findings {
			if f.Kind == FindingReview && !slices.Contains(c.Acknowledged, f.Code) {
				v.Add("ack_"+f.Code, "Acknowledge this finding: you have considered it before clearing.")
			}
		}
		if s.HasHardStop() {
			if !c.Override {
				v.Add("override", "This client has a hard stop: clearing them needs an explicit override.")
			}
			checkText(&v, "override_reason", c.OverrideReason, 1, 2000)
			if c.Override && len([]rune(c.OverrideReason)) < 10 && !v.Has("override_reason") {
				v.Add("override_reason", "Give the reason for the override in a sentence.")
			}
		} else if c.Override {
			v.Add("override", "There is no hard stop to override.")
		}
	case DecisionDeclined:
		checkText(&v, "reason", c.Reason, 1, 4000)
		checkText(&v, "message", c.Message, 1, 2000)
	case DecisionNeedsInfo:
		checkText(&v, "message", c.Message, 1, 2000)
	default:
		v.Add("decision", "Choose cleared, declined or needs more information.")
	}
	checkText(&v, "reason", c.Reason, 0, 4000)
	if s.Status == ScreeningIncomplete && !v.Has("decision") {
		v.Add("decision", "The client has not finished intake yet.")
	}
	return v.Err()
}

// Alert kinds.
const (
	AlertSuicidality = "suicidality" // a PHQ-9 item 9 or C-SSRS high-risk answer
)

// Alert is an urgent safety alert for a client's care team.
type Alert struct {
	ID             int64
	ClientID       int64
	ClientName     string
	Kind           string
	Flag           string // the flag that raised it
	ResponseID     int64
	CreatedAt      time.Time
	AcknowledgedBy int64
	AcknowledgedAt time.Time
	Note           string // what the clinician did
}

// ClientSummary is one row of a client list or the review queue.
type ClientSummary struct {
	Client    *Client
	Findings  []Finding
	OpenAlert bool // an unacknowledged safety alert
	Replied   bool // answered the provider's question, which put them back in the queue
}

// ClientMailComposer writes the emails about a client's path. Emails leave
// the practice's control, so they carry links, never clinical detail.
type ClientMailComposer interface {
	// ComposeClientInvitation returns the portal invitation carrying token.
	ComposeClientInvitation(c *Client, p *Practice, token string, expires time.Time) (*Message, error)
	// ComposeSafetyAlert tells a clinician that a client of theirs needs
	// an urgent safety follow-up; it names neither the client nor the answer.
	ComposeSafetyAlert(to *User, p *Practice, alertID int64) (*Message, error)
	// ComposePortalUpdate tells a client there is news in their portal.
	ComposePortalUpdate(c *Client, p *Practice) (*Message, error)
}

var codeRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

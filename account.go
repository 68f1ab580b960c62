package journey

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Roles. A staff member holds one or more; a client holds RoleClient only.
const (
	RoleAdmin           = "admin"
	RoleTherapist       = "therapist"
	RoleMedicalProvider = "medical_provider"
	RoleChaperone       = "chaperone"
	RoleFrontDesk       = "front_desk"
	RoleClient          = "client"
)

// StaffRoles are the roles an admin can give a member of staff.
var StaffRoles = []string{RoleAdmin, RoleTherapist, RoleMedicalProvider, RoleChaperone, RoleFrontDesk}

// RoleLabel returns the role's name as people say it.
func RoleLabel(role string) string {
	return map[string]string{RoleAdmin: "Admin", RoleTherapist: "Therapist", RoleMedicalProvider: "Medical provider",
		RoleChaperone: "Chaperone", RoleFrontDesk: "Front desk", RoleClient: "Client"}[role]
}

// User kinds.
const (
	UserStaff  = "staff"
	UserClient = "client"
)

// User is someone who signs in. Credentials are not part of it: the store
// keeps them apart and only says whether they are set.
type User struct {
	ID           int64
	Kind         string
	Name         string
	Email        string
	Roles        []string
	Active       bool
	CreatedAt    time.Time
	HasPassword  bool
	TOTPEnrolled bool
}

// HasRole reports whether the user holds role.
func (u *User) HasRole(role string) bool { return slices.Contains(u.Roles, role) }

// IsStaff reports whether the user is a member of staff.
func (u *User) IsStaff() bool { return u.Kind == UserStaff }

// Validate returns EINVALID naming every field that is wrong.
func (u *User) Validate() error {
	u.Name = Line(u.Name)
	var v Validation
	checkText(&v, "name", u.Name, 1, MaxNameLen)
	if !ValidEmail(u.Email) {
		v.Add("email", "Enter an email address like name@example.com.")
	}
	switch u.Kind {
	case UserStaff:
		if len(u.Roles) == 0 {
			v.Add("roles", "Choose at least one role.")
		}
		for _, r := range u.Roles {
			if !slices.Contains(StaffRoles, r) {
				v.Add("roles", "Unknown role "+r+".")
			}
		}
	case UserClient:
		if len(u.Roles) != 1 || u.Roles[0] != RoleClient {
			v.Add("roles", "A client holds the client role only.")
		}
	default:
		v.Add("kind", "A user is staff or a client.")
	}
	return v.Err()
}

// ParseRoles reads a comma-separated list of roles.
func ParseRoles(s string) []string {
	var out []string
	for _, r := range strings.Split(s, ",") {
		if r = strings.TrimSpace(r); r != "" && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// Session is a signed-in browser. The cookie carries a random token; the
// store keeps only its hash.
type Session struct {
	ID             int64
	UserID         int64
	CreatedAt      time.Time
	LastSeenAt     time.Time
	ExpiresAt      time.Time     // absolute end, whatever the activity
	Idle           time.Duration // ends after this long without a request
	SecondFactorAt time.Time     // zero while a staff member's second factor is pending
	ClientAddr     string
	UserAgent      string
	Token          string // set only when the session is created or its id rotated
}

// Ended reports whether the session has run out, idle or absolute, at now.
func (s *Session) Ended(now time.Time) bool {
	return !now.Before(s.ExpiresAt) || !now.Before(s.LastSeenAt.Add(s.Idle))
}

// Session defaults (ONC 170.315(d)(5)); the practice may change them.
const (
	DefaultStaffIdle  = 15 * time.Minute
	DefaultClientIdle = 30 * time.Minute
	SessionLifetime   = 12 * time.Hour
	MinPasswordLen    = 12
)

// Actor is who is making a request: a signed-in user, through a session
// or an API token. A nil *Actor is an anonymous visitor.
type Actor struct {
	User       *User
	SessionID  int64 // 0 when signed in with a token
	TokenID    int64 // 0 when signed in with a session
	ClientAddr string
	// Verified is true once a staff member has given their second factor
	// in this session (always true for clients and API tokens).
	Verified bool
}

// Has reports whether the actor holds role.
func (a *Actor) Has(role string) bool { return a != nil && a.User != nil && a.User.HasRole(role) }

// ID returns the actor's user id, 0 for an anonymous visitor.
func (a *Actor) ID() int64 {
	if a == nil || a.User == nil {
		return 0
	}
	return a.User.ID
}

// AccountService keeps users, their credentials and their sessions.
type AccountService interface {
	// CreateUser adds a user with their roles and, when passwordHash is
	// not empty, their password; ECONFLICT when the email is taken.
	CreateUser(ctx context.Context, u *User, passwordHash string) error
	// FindUserByID returns ENOTFOUND when there is no such user.
	FindUserByID(ctx context.Context, id int64) (*User, error)
	// FindUserByEmail returns ENOTFOUND when no user has that email.
	FindUserByEmail(ctx context.Context, email string) (*User, error)
	// FindUsers returns users of a kind ("" for all), by name.
	FindUsers(ctx context.Context, kind string) ([]*User, error)
	// PasswordHash returns the user's stored password hash, "" if none.
	PasswordHash(ctx context.Context, userID int64) (string, error)
	// SetPassword replaces the password hash and ends every other session.
	SetPassword(ctx context.Context, userID int64, hash string, keepSession int64) error

	// CreateSession starts a session and returns it with its Token.
	CreateSession(ctx context.Context, s *Session) error
	// FindSession returns the live session for token, touching it; ENOTFOUND
	// (or EUNAUTHORIZED when it has ended) otherwise.
	FindSession(ctx context.Context, token string) (*Session, error)
	// CompleteSession records the second factor and rotates the session's
	// token, returning the new one.
	CompleteSession(ctx context.Context, sessionID int64) (string, error)
	// EndSession revokes one session.
	EndSession(ctx context.Context, sessionID int64) error
}

// APIToken describes a personal access token, never the token itself:
// the store keeps only its hash.
type APIToken struct {
	ID        int64
	Name      string
	CreatedAt time.Time
	ExpiresAt time.Time
	LastUsed  time.Time
	Revoked   bool
}

// Invitation asks a new member of staff to set up their account. The link
// it carries works once, for InvitationTTL.
type Invitation struct {
	ID        int64
	Email     string
	Name      string
	Roles     []string
	InvitedBy int64
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Link lifetimes.
const (
	InvitationTTL    = 72 * time.Hour
	PasswordResetTTL = time.Hour
)

// Validate returns EINVALID naming every field that is wrong.
func (inv *Invitation) Validate() error {
	inv.Name = Line(inv.Name)
	u := User{Kind: UserStaff, Name: inv.Name, Email: inv.Email, Roles: inv.Roles}
	return u.Validate()
}

// AccountMailComposer writes the emails about accounts.
type AccountMailComposer interface {
	// ComposeInvitation returns the invitation email carrying token.
	ComposeInvitation(inv *Invitation, p *Practice, token string) (*Message, error)
	// ComposePasswordReset returns the reset email carrying token.
	ComposePasswordReset(u *User, p *Practice, token string) (*Message, error)
}

package web

import (
	"net/http"
	"strings"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/auth"
	"github.com/journey-kap/journey/internal/web/webkit"
)

type invitePage struct {
	Actor   *journey.Actor
	Email   string
	Name    string
	Roles   []string
	All     []string
	Errors  map[string]string
	Sent    string
	Message string
}

func (*invitePage) PageTitle() string { return "Invite a member of staff" }

func (s *Server) handleInviteView(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "invite", &invitePage{Actor: actorFrom(r), All: journey.StaffRoles, Errors: map[string]string{}})
}

// handleInvite stores an invitation and emails its single-use link.
func (s *Server) handleInvite(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.formReadError(w, r, err)
		return
	}
	a := actorFrom(r)
	page := &invitePage{Actor: a, All: journey.StaffRoles, Email: r.PostFormValue("email"), Name: r.PostFormValue("name"),
		Roles: r.PostForm["roles"], Errors: map[string]string{}}
	token, _, err := auth.NewToken(auth.PrefixInvitation)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	inv := &journey.Invitation{Email: page.Email, Name: page.Name, Roles: page.Roles, InvitedBy: a.ID()}
	if err := s.store.CreateInvitation(r.Context(), inv, token); err != nil {
		code := journey.ErrorCode(err)
		if code != journey.EINVALID && code != journey.ECONFLICT {
			s.pageError(w, r, err)
			return
		}
		page.Message = webkit.ShowFieldErrors(err, page.Errors, nil)
		s.render(w, r, errorStatus(err), "invite", page)
		return
	}
	s.audit(r, "invite.create", "invitation", inv.ID, journey.AuditSuccess, strings.Join(inv.Roles, ","))
	s.render(w, r, http.StatusOK, "invite", &invitePage{Actor: a, All: journey.StaffRoles, Errors: map[string]string{}, Sent: inv.Email})
}

type acceptPage struct {
	Token   string
	Name    string
	Email   string
	Message string
	Invalid bool
	Reset   bool // a password reset rather than an invitation
}

func (p *acceptPage) PageTitle() string {
	if p.Reset {
		return "Choose a new password"
	}
	return "Set up your account"
}

func (s *Server) handleAcceptView(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	inv, err := s.store.FindInvitationByToken(r.Context(), token)
	if err != nil {
		s.linkError(w, r, "invite.open", err, false)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "accept", &acceptPage{Token: token, Name: inv.Name, Email: inv.Email})
}

// linkError answers a bad invitation or reset link in plain words, audited.
func (s *Server) linkError(w http.ResponseWriter, r *http.Request, action string, err error, reset bool) {
	code := journey.ErrorCode(err)
	if code != journey.ENOTFOUND && code != journey.ECONFLICT {
		s.pageError(w, r, err)
		return
	}
	s.audit(r, action, "link", "", journey.AuditDenied, journey.ErrorMessage(err))
	s.render(w, r, errorStatus(err), "accept", &acceptPage{Message: journey.ErrorMessage(err), Invalid: true, Reset: reset})
}

// checkNewPassword returns a message when the two entries differ or the
// password is too weak for this person.
func checkNewPassword(pw, again string, inputs ...string) string {
	if pw != again {
		return "The two passwords are not the same."
	}
	if err := auth.CheckPassword(pw, inputs...); err != nil {
		var pe *auth.PasswordError
		if ok := asPasswordError(err, &pe); ok {
			return pe.Message
		}
		return "Choose a longer password."
	}
	return ""
}

func (s *Server) handleAccept(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	inv, err := s.store.FindInvitationByToken(r.Context(), token)
	if err != nil {
		s.linkError(w, r, "invite.accept", err, false)
		return
	}
	pw := r.PostFormValue("password")
	if msg := checkNewPassword(pw, r.PostFormValue("password_again"), inv.Email, inv.Name); msg != "" {
		s.render(w, r, http.StatusUnprocessableEntity, "accept", &acceptPage{Token: token, Name: inv.Name, Email: inv.Email, Message: msg})
		return
	}
	hash, err := s.cfg.Hasher.Hash(r.Context(), pw)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	u, err := s.store.AcceptInvitation(r.Context(), token, hash)
	if err != nil {
		s.linkError(w, r, "invite.accept", err, false)
		return
	}
	s.auditAs(r, u, "invite.accept", "user", u.ID, journey.AuditSuccess, "")
	sess := &journey.Session{UserID: u.ID, Idle: s.cfg.StaffIdle, ClientAddr: s.clientAddr(r), UserAgent: r.UserAgent()}
	if err := s.store.CreateSession(r.Context(), sess); err != nil {
		s.pageError(w, r, err)
		return
	}
	s.setSessionCookie(w, sess.Token, sess.ExpiresAt)
	http.Redirect(w, r, "/account/2fa", http.StatusSeeOther)
}

type resetRequestPage struct {
	Email string
	Sent  bool
}

func (*resetRequestPage) PageTitle() string { return "Reset your password" }

func (s *Server) handleResetRequestView(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "reset_request", &resetRequestPage{})
}

// handleResetRequest hands the request to the job queue, which emails a
// link if the address has an account; the answer, and the work done before
// it, are the same either way.
func (s *Server) handleResetRequest(w http.ResponseWriter, r *http.Request) {
	email := strings.TrimSpace(r.PostFormValue("email"))
	if journey.ValidEmail(email) {
		if err := s.store.RequestPasswordReset(r.Context(), email); err != nil {
			s.pageError(w, r, err)
			return
		}
	}
	s.audit(r, "password.reset_request", "", "", journey.AuditSuccess, "")
	s.render(w, r, http.StatusOK, "reset_request", &resetRequestPage{Email: email, Sent: true})
}

func (s *Server) handleResetView(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	u, err := s.store.PasswordResetUser(r.Context(), token)
	if err != nil {
		s.linkError(w, r, "password.reset", err, true)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "accept", &acceptPage{Token: token, Name: u.Name, Email: u.Email, Reset: true})
}

func (s *Server) handleReset(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	u, err := s.store.PasswordResetUser(r.Context(), token)
	if err != nil {
		s.linkError(w, r, "password.reset", err, true)
		return
	}
	pw := r.PostFormValue("password")
	if msg := checkNewPassword(pw, r.PostFormValue("password_again"), u.Email, u.Name); msg != "" {
		s.render(w, r, http.StatusUnprocessableEntity, "accept", &acceptPage{Token: token, Name: u.Name, Email: u.Email, Message: msg, Reset: true})
		return
	}
	hash, err := s.cfg.Hasher.Hash(r.Context(), pw)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	if _, err := s.store.ResetPassword(r.Context(), token, hash); err != nil {
		s.linkError(w, r, "password.reset", err, true)
		return
	}
	s.auditAs(r, u, "password.reset", "user", u.ID, journey.AuditSuccess, "all sessions and API tokens ended")
	http.Redirect(w, r, "/login?reset=done", http.StatusSeeOther)
}

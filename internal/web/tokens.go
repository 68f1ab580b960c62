package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/auth"
)

// tokenActor returns the actor of a Bearer token. API tokens carry their
// owner's permissions and count as a completed sign-in.
func (s *Server) tokenActor(ctx context.Context, token, addr string) (*journey.Actor, error) {
	id, userID, err := s.store.FindAPIToken(ctx, auth.HashToken(token))
	if err != nil {
		return nil, err
	}
	u, err := s.store.FindUserByID(ctx, userID)
	if err != nil {
		return nil, err
	}
	return &journey.Actor{User: u, TokenID: id, ClientAddr: addr, Verified: true}, nil
}

// bearer returns the token of an Authorization: Bearer header, "" if none.
func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// Token lifetimes a person may choose.
var tokenLifetimes = []struct {
	Value string
	Label string
	D     time.Duration
}{{"24h", "1 day", 24 * time.Hour}, {"168h", "7 days", 7 * 24 * time.Hour}, {"720h", "30 days", 30 * 24 * time.Hour}, {"2160h", "90 days", 90 * 24 * time.Hour}}

type tokensPage struct {
	Actor     *journey.Actor
	Tokens    []journey.APIToken
	NewToken  string
	Name      string
	Lifetimes any
	Errors    map[string]string
	Loc       *time.Location // the practice's zone: every time shown is in it, named
}

func (*tokensPage) PageTitle() string { return "API tokens" }

func (s *Server) renderTokens(w http.ResponseWriter, r *http.Request, status int, page *tokensPage) {
	a := actorFrom(r)
	ts, err := s.store.FindAPITokens(r.Context(), a.ID())
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	page.Actor, page.Tokens, page.Lifetimes = a, ts, tokenLifetimes
	page.Loc, _ = s.practiceZone(r)
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "tokens", page)
}

func (s *Server) handleTokensView(w http.ResponseWriter, r *http.Request) {
	s.renderTokens(w, r, http.StatusOK, &tokensPage{})
}

// handleTokenCreate makes a token and shows it once.
func (s *Server) handleTokenCreate(w http.ResponseWriter, r *http.Request) {
	name := journey.Line(r.PostFormValue("name"))
	page := &tokensPage{Name: name, Errors: map[string]string{}}
	if name == "" || len([]rune(name)) > 100 {
		page.Errors["name"] = "Name the token (up to 100 characters), such as the tool that will use it."
	}
	var life time.Duration
	for _, l := range tokenLifetimes {
		if l.Value == r.PostFormValue("expires") {
			life = l.D
		}
	}
	if life == 0 {
		page.Errors["expires"] = "Choose how long the token lasts."
	}
	if len(page.Errors) > 0 {
		s.renderTokens(w, r, http.StatusUnprocessableEntity, page)
		return
	}
	token, err := s.proc.CreateAPIToken(r.Context(), s.who(r), name, s.cfg.Now().Add(life), "")
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.renderTokens(w, r, http.StatusOK, &tokensPage{NewToken: token})
}

func (s *Server) handleTokenRevoke(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err := s.proc.RevokeAPIToken(r.Context(), s.who(r), id); err != nil {
		s.pageError(w, r, err)
		return
	}
	http.Redirect(w, r, "/account/tokens", http.StatusSeeOther)
}

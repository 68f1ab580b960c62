package staff

import (
	"net/http"
	"strconv"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// tokenLifetimes are the lifetimes a person may choose for a token.
var tokenLifetimes = []struct {
	Value string
	Label string
	D     time.Duration
}{{"24h", "1 day", 24 * time.Hour}, {"168h", "7 days", 7 * 24 * time.Hour}, {"720h", "30 days", 30 * 24 * time.Hour}, {"2160h", "90 days", 90 * 24 * time.Hour}}

// TokensPage is the person's API tokens, with a new one shown once.
type TokensPage struct {
	Actor     *journey.Actor
	Tokens    []journey.APIToken
	NewToken  string
	Name      string
	Lifetimes any
	Errors    map[string]string
	Loc       *time.Location // the practice's zone: every time shown is in it, named
}

// PageTitle is the page's title.
func (*TokensPage) PageTitle() string { return "API tokens" }

func (s *Handler) renderTokens(w http.ResponseWriter, r *http.Request, status int, page *TokensPage) {
	a := webkit.ActorFrom(r)
	ts, err := s.store.FindAPITokens(r.Context(), a.ID())
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	page.Actor, page.Tokens, page.Lifetimes = a, ts, tokenLifetimes
	page.Loc, _ = webkit.PracticeZone(r.Context(), s.kit)
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, status, "tokens", page)
}

func (s *Handler) HandleTokensView(w http.ResponseWriter, r *http.Request) {
	s.renderTokens(w, r, http.StatusOK, &TokensPage{})
}

// HandleTokenCreate makes a token and shows it once.
func (s *Handler) HandleTokenCreate(w http.ResponseWriter, r *http.Request) {
	name := journey.Line(r.PostFormValue("name"))
	page := &TokensPage{Name: name, Errors: map[string]string{}}
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
	token, err := s.proc.CreateAPIToken(r.Context(), s.kit.Who(r), name, s.now().Add(life), "")
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	s.renderTokens(w, r, http.StatusOK, &TokensPage{NewToken: token})
}

func (s *Handler) HandleTokenRevoke(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err := s.proc.RevokeAPIToken(r.Context(), s.kit.Who(r), id); err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	http.Redirect(w, r, "/account/tokens", http.StatusSeeOther)
}

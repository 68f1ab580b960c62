package web

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/journey-kap/journey"
)

// audit records one entry for the request's actor. Entries carry ids and
// never PHI.
func (s *Server) audit(r *http.Request, action, subjectType string, subjectID any, outcome, detail string) {
	e := &journey.AuditEntry{Action: action, SubjectType: subjectType, SubjectID: fmt.Sprint(subjectID),
		ClientAddr: s.clientAddr(r), Outcome: outcome, Detail: detail}
	if subjectID == nil || subjectID == "" || subjectID == int64(0) {
		e.SubjectID = ""
	}
	if a := actorFrom(r); a != nil && a.User != nil {
		e.ActorID, e.ActorRole = a.User.ID, strings.Join(a.User.Roles, ",")
	}
	s.store.Audit(r.Context(), e)
}

// maxAuditIDs bounds the ids one audit entry names; lists are paged far
// below it, except the consult list (500).
const maxAuditIDs = 500

// idList names the records a list showed, for the audit trail: "clients
// 3, 7, 9". A list is read access to each record on it.
func idList[T any](what string, xs []T, id func(T) int64) string {
	if len(xs) == 0 {
		return "no " + what
	}
	var b strings.Builder
	b.WriteString(what)
	for i, x := range xs {
		if i == maxAuditIDs {
			fmt.Fprintf(&b, " and %d more", len(xs)-i)
			break
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte(' ')
		b.WriteString(strconv.FormatInt(id(x), 10))
	}
	return b.String()
}

type auditPage struct {
	Actor   *journey.Actor
	Entries []*journey.AuditEntry
	Users   map[int64]string
	Q       auditQuery
	CSVURL  string
	Message string
}

func (*auditPage) PageTitle() string { return "Audit trail" }

// auditQuery is the audit screen's filter form, as typed.
type auditQuery struct {
	Person, Subject, Action, From, To string
}

// parseAuditQuery turns the form into a filter; bad dates are reported.
func (s *Server) parseAuditQuery(r *http.Request) (auditQuery, journey.AuditFilter, error) {
	q := r.URL.Query()
	aq := auditQuery{Person: strings.TrimSpace(q.Get("person")), Subject: strings.TrimSpace(q.Get("subject")),
		Action: strings.TrimSpace(q.Get("action")), From: q.Get("from"), To: q.Get("to")}
	f := journey.AuditFilter{Action: aq.Action, Limit: 1000}
	var v journey.Validation
	if aq.Person != "" {
		if id, err := strconv.ParseInt(aq.Person, 10, 64); err == nil {
			f.ActorID = id
		} else if u, err := s.store.FindUserByEmail(r.Context(), aq.Person); err == nil {
			f.ActorID = u.ID
		} else {
			v.Add("person", "No user with that id or email.")
		}
	}
	if aq.Subject != "" {
		typ, id, ok := strings.Cut(aq.Subject, ":")
		if !ok {
			v.Add("subject", `Write the record as type:id, such as consult:12 or user:3.`)
		}
		f.SubjectType, f.SubjectID = typ, id
	}
	loc, _ := s.practiceZone(r)
	for _, d := range []struct {
		in  string
		out *time.Time
		key string
		add int
	}{{aq.From, &f.From, "from", 0}, {aq.To, &f.To, "to", 1}} {
		if d.in == "" {
			continue
		}
		t, err := time.ParseInLocation(time.DateOnly, d.in, loc)
		if err != nil {
			v.Add(d.key, "Use a date as YYYY-MM-DD.")
			continue
		}
		*d.out = t.AddDate(0, 0, d.add)
	}
	return aq, f, v.Err()
}

func (s *Server) handleAuditView(w http.ResponseWriter, r *http.Request) {
	aq, f, err := s.parseAuditQuery(r)
	page := &auditPage{Actor: actorFrom(r), Q: aq, Users: map[int64]string{}, CSVURL: "/admin/audit.csv?" + r.URL.RawQuery}
	status := http.StatusOK
	if err != nil {
		page.Message, status = fieldMessages(err), http.StatusUnprocessableEntity
	} else if page.Entries, err = s.store.FindAudit(r.Context(), f); err != nil {
		s.pageError(w, r, err)
		return
	}
	users, err := s.store.FindUsers(r.Context(), "")
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	for _, u := range users {
		page.Users[u.ID] = u.Email
	}
	s.audit(r, "audit.read", "audit", "", journey.AuditSuccess, fmt.Sprintf("%d entries", len(page.Entries)))
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "audit", page)
}

func fieldMessages(err error) string {
	var parts []string
	for _, f := range journey.ErrorFields(err) {
		parts = append(parts, f.Field+": "+f.Detail)
	}
	return strings.Join(parts, " ")
}

// handleAuditCSV exports the filtered trail. Exports are audited too.
func (s *Server) handleAuditCSV(w http.ResponseWriter, r *http.Request) {
	_, f, err := s.parseAuditQuery(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	entries, err := s.store.FindAudit(r.Context(), f)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.audit(r, "audit.export", "audit", "", journey.AuditSuccess, fmt.Sprintf("csv, %d entries", len(entries)))
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="journey-audit.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	cw := csv.NewWriter(w)
	cw.Write([]string{"seq", "time", "actor_id", "actor_role", "action", "subject_type", "subject_id", "client_addr", "outcome", "reason", "detail"})
	for _, e := range entries {
		cw.Write([]string{strconv.FormatInt(e.Seq, 10), e.Time.UTC().Format(time.RFC3339Nano), strconv.FormatInt(e.ActorID, 10), e.ActorRole,
			e.Action, e.SubjectType, e.SubjectID, e.ClientAddr, e.Outcome, csvSafe(e.Reason), csvSafe(e.Detail)})
	}
	cw.Flush()
}

// csvSafe keeps a spreadsheet from reading a field as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// auditAs records an entry for u, who is not yet the request's actor (a
// sign-in in progress).
func (s *Server) auditAs(r *http.Request, u *journey.User, action, subjectType string, subjectID any, outcome, detail string) {
	s.store.Audit(r.Context(), &journey.AuditEntry{ActorID: u.ID, ActorRole: strings.Join(u.Roles, ","), Action: action,
		SubjectType: subjectType, SubjectID: fmt.Sprint(subjectID), ClientAddr: s.clientAddr(r), Outcome: outcome, Detail: detail})
}

package staff

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// AuditPageSize bounds one page of the audit screen.
const AuditPageSize = 100

type AuditPage struct {
	Actor    *journey.Actor
	Entries  []*journey.AuditEntry
	Users    map[int64]string
	Q        auditQuery
	Zone     string         // the practice's zone, in which times are shown
	Loc      *time.Location // the same, for the template
	Errors   map[string]string
	CSVURL   string
	NewerURL string // the page of newer entries, "" on the first
	OlderURL string // the page of older entries, "" on the last
}

func (*AuditPage) PageTitle() string { return "Audit trail" }

// Err and Val serve the text-field partial.
func (p *AuditPage) Err(name string) string { return p.Errors[name] }

// Val returns what was typed in the filter field name.
func (p *AuditPage) Val(name string) string { return p.Q.field(name) }

func (s *Handler) HandleAuditView(w http.ResponseWriter, r *http.Request) {
	loc, zone := webkit.PracticeZone(r.Context(), s.kit)
	page := &AuditPage{Actor: webkit.ActorFrom(r), Users: map[int64]string{}, Zone: zone, Loc: loc, Errors: map[string]string{}}
	aq, f, err := s.readAuditQuery(r, loc)
	page.Q = aq
	status := http.StatusOK
	switch journey.ErrorCode(err) {
	case "":
		if err = s.auditEntries(r, page, f); err != nil {
			s.kit.PageError(w, r, err)
			return
		}
	case journey.EINVALID:
		status = http.StatusUnprocessableEntity
		webkit.ShowFieldErrors(err, page.Errors, nil)
	default:
		s.kit.PageError(w, r, err)
		return
	}
	csvq := aq.values()
	csvq.Del("before")
	csvq.Del("after")
	page.CSVURL = "/admin/audit.csv?" + csvq.Encode()
	users, err := s.store.FindUsers(r.Context(), "")
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	for _, u := range users {
		page.Users[u.ID] = u.Email
	}
	s.audit(r, "audit.read", "audit", "", journey.AuditSuccess, fmt.Sprintf("%d entries", len(page.Entries)))
	w.Header().Set("Cache-Control", "no-store")
	s.kit.Render(w, r, status, "audit", page)
}

// auditEntries reads the page f names, newest first, and the links to the
// pages either side, which keep the filter. A page is found by keyset on
// seq, so entries written while someone pages never shift what they see.
func (s *Handler) auditEntries(r *http.Request, page *AuditPage, f journey.AuditFilter) error {
	ctx := r.Context()
	f.Limit = AuditPageSize + 1 // one more says whether there is another page
	es, err := s.store.FindAudit(ctx, f)
	if err != nil {
		return err
	}
	newer, older := f.BeforeSeq > 0, false
	if f.AfterSeq > 0 { // going back towards the newest, oldest first
		if len(es) <= AuditPageSize {
			// Back at the newest entries: that is the first page, full.
			f.AfterSeq, f.Newest = 0, true
			if es, err = s.store.FindAudit(ctx, f); err != nil {
				return err
			}
			newer = false
		} else {
			es, newer, older = es[:AuditPageSize], true, true
			slices.Reverse(es)
		}
	}
	if f.Newest && len(es) > AuditPageSize {
		es, older = es[:AuditPageSize], true
	}
	page.Entries = es
	link := func(key string, seq int64) string {
		v := page.Q.values()
		v.Del("before")
		v.Del("after")
		v.Set(key, strconv.FormatInt(seq, 10))
		return "/admin/audit?" + v.Encode()
	}
	if len(es) > 0 && newer {
		page.NewerURL = link("after", es[0].Seq)
	}
	if len(es) > 0 && older {
		page.OlderURL = link("before", es[len(es)-1].Seq)
	}
	return nil
}

// readAuditQuery reads the request's audit filter: what was typed, the
// store's filter, and every field error at once (an email is looked up
// even when another field is wrong). An outage is returned as it is.
func (s *Handler) readAuditQuery(r *http.Request, loc *time.Location) (auditQuery, journey.AuditFilter, error) {
	aq, err := parseAuditQuery(r.URL.Query())
	if err == nil {
		f, err := s.auditFilter(r, aq, loc)
		return aq, f, err
	}
	fields := journey.ErrorFields(err)
	if aq.Person != "" && !slices.ContainsFunc(fields, func(fe journey.FieldError) bool { return fe.Field == "person" }) {
		_, perr := s.auditFilter(r, auditQuery{Person: aq.Person}, loc)
		switch journey.ErrorCode(perr) {
		case "":
		case journey.EINVALID:
			fields = append(journey.ErrorFields(perr), fields...)
		default:
			return aq, journey.AuditFilter{}, perr
		}
	}
	return aq, journey.AuditFilter{}, (&journey.Validation{Fields: fields}).Err()
}

// auditFilter turns a checked query into the store's filter: a person
// given by email is looked up (unknown is a field error; an outage is the
// outage), dates are whole days in loc, and the page is keyset by seq.
func (s *Handler) auditFilter(r *http.Request, aq auditQuery, loc *time.Location) (journey.AuditFilter, error) {
	f := journey.AuditFilter{Action: aq.Action, Newest: true, BeforeSeq: aq.Before}
	if aq.After > 0 {
		f.AfterSeq, f.Newest = aq.After, false
	}
	if aq.Subject != "" {
		f.SubjectType, f.SubjectID, _ = strings.Cut(aq.Subject, ":")
	}
	if aq.From != "" {
		d, _ := time.ParseInLocation(time.DateOnly, aq.From, loc)
		f.From = d
	}
	if aq.To != "" {
		d, _ := time.ParseInLocation(time.DateOnly, aq.To, loc)
		f.To = d.AddDate(0, 0, 1)
	}
	if aq.Person == "" {
		return f, nil
	}
	if id, err := strconv.ParseInt(aq.Person, 10, 64); err == nil {
		f.ActorID = id
		return f, nil
	}
	u, err := s.store.FindUserByEmail(r.Context(), aq.Person)
	if journey.ErrorCode(err) == journey.ENOTFOUND {
		var v journey.Validation
		v.Add("person", "No one has that email. Enter a person's id or the email they sign in with.")
		return f, v.Err()
	}
	if err != nil {
		return f, err
	}
	f.ActorID = u.ID
	return f, nil
}

// HandleAuditCSV exports every entry the filter matches, newest first,
// streamed in batches: the trail can be far larger than memory should
// hold. Exports are audited too.
func (s *Handler) HandleAuditCSV(w http.ResponseWriter, r *http.Request) {
	loc, _ := webkit.PracticeZone(r.Context(), s.kit)
	_, f, err := s.readAuditQuery(r, loc)
	if err != nil {
		s.kit.PageError(w, r, err)
		return
	}
	f.BeforeSeq, f.AfterSeq, f.Newest = 0, 0, true
	var cw *csv.Writer
	n := 0
	err = s.store.EachAudit(r.Context(), f, func(e *journey.AuditEntry) error {
		if cw == nil {
			cw = s.startAuditCSV(w)
		}
		n++
		return cw.Write([]string{strconv.FormatInt(e.Seq, 10), e.Time.UTC().Format(time.RFC3339Nano), strconv.FormatInt(e.ActorID, 10), e.ActorRole,
			e.Action, e.SubjectType, e.SubjectID, e.ClientAddr, e.Outcome, csvSafe(e.Reason), csvSafe(e.Detail)})
	})
	switch {
	case err != nil && cw == nil:
		s.kit.PageError(w, r, err)
		return
	case err != nil:
		// Half a file must not pass for the whole trail: break the download.
		s.cfg.Log.Error("audit export broken off", "entries", n, "error", err)
		s.audit(r, "audit.export", "audit", "", journey.AuditFailure, fmt.Sprintf("csv, broken off after %d entries", n))
		panic(http.ErrAbortHandler)
	case cw == nil:
		cw = s.startAuditCSV(w)
	}
	cw.Flush()
	s.audit(r, "audit.export", "audit", "", journey.AuditSuccess, fmt.Sprintf("csv, %d entries", n))
}

// startAuditCSV writes the export's headers and header row.
func (s *Handler) startAuditCSV(w http.ResponseWriter) *csv.Writer {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="journey-audit.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	cw := csv.NewWriter(w)
	cw.Write([]string{"seq", "time", "actor_id", "actor_role", "action", "subject_type", "subject_id", "client_addr", "outcome", "reason", "detail"})
	return cw
}

// csvSafe keeps a spreadsheet from reading a field as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

package api

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// API response types are separate from domain types, so adding a field to
// a domain type never publishes it by accident.
type apiSlot struct {
	Start       string `json:"start"`
	End         string `json:"end"`
	TherapistID int64  `json:"therapist_id"`
}

type apiSlots struct {
	TimeZone string    `json:"time_zone"`
	Slots    []apiSlot `json:"slots"`
	// Reason says why the list is empty when nothing can be booked at all
	// (bookings not open yet), so a client need not guess.
	Reason string `json:"reason,omitempty"`
}

// Consult is a consult in the API: its time in its own zone, and the
// link that manages it when the caller booked it.
type Consult struct {
	ID          int64  `json:"id"`
	Start       string `json:"start"`
	End         string `json:"end"`
	TimeZone    string `json:"time_zone"`
	TherapistID int64  `json:"therapist_id"`
	Status      string `json:"status"`
	Mode        string `json:"mode"` // phone or video
	ManageURL   string `json:"manage_url,omitempty"`
}

type apiTherapist struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Credentials string `json:"credentials"`
	Pronouns    string `json:"pronouns"`
	Bio         string `json:"bio"`
	TimeZone    string `json:"time_zone"`
	Minutes     int    `json:"consult_minutes"`
}

type apiFAQ struct {
	ID       int64  `json:"id"`
	Question string `json:"question"`
	Answer   string `json:"answer_markdown"`
}

// Booking is the body of a booking (POST /api/v1/consults, and the front
// desk's POST /api/v1/staff/consults).
type Booking struct {
	Start          string `json:"start"`
	TherapistID    int64  `json:"therapist_id"`
	Name           string `json:"name"`
	Email          string `json:"email"`
	Phone          string `json:"phone"`
	ContactMethod  string `json:"contact_method"`
	Mode           string `json:"mode"`
	TimeZone       string `json:"time_zone"`
	Reason         string `json:"reason"`
	PrivacyConsent bool   `json:"privacy_consent"`
}

type apiReschedule struct {
	Start       string `json:"start"`
	TherapistID int64  `json:"therapist_id"`
}

func (s *Handler) HandleSlots(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var v journey.Validation
	tz := q.Get("tz")
	p, err := s.kit.Practice(r.Context())
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	if tz == "" {
		tz = p.TimeZone
	}
	loc, err := journey.LoadZone(tz)
	if err != nil {
		v.Add("tz", "Unknown time zone: use an IANA name such as America/Chicago.")
		loc = time.UTC
	}
	now := s.now().In(loc)
	from := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	if f := q.Get("from"); f != "" {
		if from, err = time.ParseInLocation(time.DateOnly, f, loc); err != nil {
			v.Add("from", "Use a date as YYYY-MM-DD.")
		}
	}
	days := 7
	if d := q.Get("days"); d != "" {
		if days, err = strconv.Atoi(d); err != nil || days < 1 || days > journey.MaxSlotDays {
			v.Add("days", fmt.Sprintf("Days must be a whole number from 1 to %d.", journey.MaxSlotDays))
		}
	}
	var tid int64
	if t := q.Get("therapist_id"); t != "" {
		if tid, err = strconv.ParseInt(t, 10, 64); err != nil || tid <= 0 {
			v.Add("therapist_id", "Use a therapist's id from /api/v1/therapists.")
		}
	}
	if err := v.Err(); err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	slots, err := s.store.FindSlots(r.Context(), journey.SlotQuery{From: from, Days: days, TherapistID: tid})
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	out := apiSlots{TimeZone: tz, Slots: make([]apiSlot, len(slots))}
	if !p.Open() {
		out.Reason = journey.NotOpenMessage
	}
	for i, sl := range slots {
		out.Slots[i] = apiSlot{Start: sl.Start.In(loc).Format(time.RFC3339), End: sl.End.In(loc).Format(time.RFC3339), TherapistID: sl.TherapistID}
	}
	webkit.WriteJSON(w, http.StatusOK, out)
}

func (s *Handler) consultJSON(c *journey.Consult, token string) Consult {
	loc, err := journey.LoadZone(c.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	out := Consult{ID: c.ID, Start: c.Start.In(loc).Format(time.RFC3339), End: c.End.In(loc).Format(time.RFC3339),
		TimeZone: c.TimeZone, TherapistID: c.TherapistID, Status: c.Status, Mode: c.Mode}
	if token != "" {
		out.ManageURL = s.kit.BaseURL() + "/c/" + url.PathEscape(token)
	}
	return out
}

// parseStart reads an RFC 3339 time from the API.
func parseStart(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, webkit.Invalid("start", "Choose a time: an RFC 3339 timestamp from /api/v1/consult-slots.")
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, webkit.Invalid("start", "Use an RFC 3339 timestamp such as 2026-12-07T10:00:00-05:00.")
	}
	return t, nil
}

func (s *Handler) HandleConsultCreate(w http.ResponseWriter, r *http.Request) {
	var in Booking
	if !s.kit.DecodeJSON(w, r, &in) {
		return
	}
	req, err := bookingFromAPI(in)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	c, held, err := s.proc.Book(r.Context(), s.kit.Who(r), req, "api")
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	if held {
		w.Header().Set("Cache-Control", "no-store")
		webkit.WriteJSON(w, http.StatusAccepted, heldAnswer)
		return
	}
	w.Header().Set("Location", "/api/v1/manage/"+url.PathEscape(c.ManageToken))
	webkit.WriteJSON(w, http.StatusCreated, s.consultJSON(c, c.ManageToken))
}

// bookingFromAPI turns a JSON booking into a request, with the field
// errors the API itself can tell (start, phone) gathered with the
// service's.
func bookingFromAPI(in Booking) (*journey.BookingRequest, error) {
	req := &journey.BookingRequest{TherapistID: in.TherapistID, Name: in.Name, Email: in.Email, ContactMethod: in.ContactMethod,
		Mode: in.Mode, TimeZone: in.TimeZone, Reason: in.Reason, PrivacyConsent: in.PrivacyConsent}
	var v journey.Validation
	start, err := parseStart(in.Start)
	if err != nil {
		v.Fields = append(v.Fields, journey.ErrorFields(err)...)
	}
	req.Start = start
	phone, ok := webkit.NormalizePhone(in.Phone)
	if !ok {
		v.Add("phone", webkit.PhoneHelp)
	}
	req.Phone = phone
	if len(v.Fields) > 0 {
		req.Normalize()
		v.AddErr(req.Validate())
		return nil, v.Err()
	}
	return req, nil
}

func (s *Handler) HandleResendLink(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Email string `json:"email"`
	}
	if !s.kit.DecodeJSON(w, r, &in) {
		return
	}
	if err := s.store.ResendManageLink(r.Context(), in.Email); err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusAccepted, map[string]string{"status": "If an upcoming consult is booked under that address, its link is on its way."})
}

func (s *Handler) HandleManageView(w http.ResponseWriter, r *http.Request) {
	c, err := s.proc.ManagedConsult(r.Context(), s.kit.Who(r), r.PathValue("token"), "api manage link")
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusOK, s.consultJSON(c, r.PathValue("token")))
}

func (s *Handler) HandleManageReschedule(w http.ResponseWriter, r *http.Request) {
	var in apiReschedule
	if !s.kit.DecodeJSON(w, r, &in) {
		return
	}
	start, err := parseStart(in.Start)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	c, err := s.proc.RescheduleManaged(r.Context(), s.kit.Who(r), r.PathValue("token"), start, in.TherapistID, "api reschedule")
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusOK, s.consultJSON(c, r.PathValue("token")))
}

func (s *Handler) HandleManageCancel(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Reason string `json:"reason"`
	}
	// The body is optional: an empty one cancels without a reason.
	if r.ContentLength != 0 && !s.kit.DecodeJSON(w, r, &in) {
		return
	}
	c, err := s.proc.CancelManaged(r.Context(), s.kit.Who(r), r.PathValue("token"), in.Reason, "api")
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	webkit.WriteJSON(w, http.StatusOK, s.consultJSON(c, r.PathValue("token")))
}

func (s *Handler) HandleTherapists(w http.ResponseWriter, r *http.Request) {
	ts, err := s.store.FindTherapists(r.Context(), true)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	out := make([]apiTherapist, len(ts))
	for i, t := range ts {
		out[i] = apiTherapist{ID: t.ID, Name: t.Name, Credentials: t.Credentials, Pronouns: t.Pronouns, Bio: t.Bio,
			TimeZone: t.TimeZone, Minutes: int(t.ConsultLength / time.Minute)}
	}
	webkit.WriteJSON(w, http.StatusOK, map[string]any{"therapists": out})
}

func (s *Handler) HandleFAQ(w http.ResponseWriter, r *http.Request) {
	es, err := s.store.FindFAQ(r.Context(), true)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	out := make([]apiFAQ, len(es))
	for i, e := range es {
		out[i] = apiFAQ{ID: e.ID, Question: e.Question, Answer: e.Answer}
	}
	webkit.WriteJSON(w, http.StatusOK, map[string]any{"entries": out})
}

// apiHeld is the API's one answer to a booking under private booking.
type apiHeld struct {
	Status  string `json:"status"`
	Message string `json:"message"`
}

var heldAnswer = apiHeld{Status: "pending",
	Message: "We have emailed the address a link. The time is held until the link is used, for a short while only."}

package api

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/web/webkit"
)

// SlotProcessing is the part of processing the session slots' call uses.
type SlotProcessing interface {
	SessionSlots(ctx context.Context, a *journey.Actor, q journey.SessionSlotQuery) ([]journey.SessionSlot, error)
}

// apiSessionSlot is a time a session can be held, with who and which room
// it would reserve (null where the type needs none).
type apiSessionSlot struct {
	Start             string `json:"start"`
	End               string `json:"end"`
	TherapistID       *int64 `json:"therapist_id"`
	MedicalProviderID *int64 `json:"medical_provider_id"`
	ChaperoneID       *int64 `json:"chaperone_id"`
	RoomID            *int64 `json:"room_id"`
}

type apiSessionSlots struct {
	TimeZone string           `json:"time_zone"`
	Slots    []apiSessionSlot `json:"slots"`
}

func idOrNull(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// HandleSessionSlots answers when a session of ?type can be held for
// ?client_id (a client may leave it out: their own), over ?days (1–60,
// default 7) from ?from (a date in ?tz, default today in the practice's
// zone), in ?mode (default in person), optionally with given people or
// room (therapist_id, medical_provider_id, chaperone_id, room_id).
func (s *Handler) HandleSessionSlots(w http.ResponseWriter, r *http.Request) {
	a := s.kit.Who(r)
	q, loc, err := s.sessionSlotQuery(r.Context(), a, r.URL.Query())
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	slots, err := s.proc.SessionSlots(r.Context(), a, q)
	if err != nil {
		s.kit.APIError(w, r, err)
		return
	}
	out := apiSessionSlots{TimeZone: loc.String(), Slots: make([]apiSessionSlot, len(slots))}
	for i, sl := range slots {
		out.Slots[i] = apiSessionSlot{Start: sl.Start.In(loc).Format(time.RFC3339), End: sl.End.In(loc).Format(time.RFC3339),
			TherapistID: idOrNull(sl.TherapistID), MedicalProviderID: idOrNull(sl.MedicalProviderID),
			ChaperoneID: idOrNull(sl.ChaperoneID), RoomID: idOrNull(sl.RoomID)}
	}
	webkit.WriteJSON(w, http.StatusOK, out)
}

// sessionSlotQuery reads a search for session slots from the URL's query,
// with a field error for each parameter that cannot be read; the query's
// own rules (journey.SessionSlotQuery.Validate) are processing's to apply.
func (s *Handler) sessionSlotQuery(ctx context.Context, a *journey.Actor, in url.Values) (journey.SessionSlotQuery, *time.Location, error) {
	var v journey.Validation
	q := journey.SessionSlotQuery{Type: in.Get("type"), Mode: in.Get("mode")}
	if q.Mode == "" {
		q.Mode = journey.ModeInPerson
	}
	tz := in.Get("tz")
	if tz == "" {
		p, err := s.kit.Practice(ctx)
		if err != nil {
			return q, nil, err
		}
		tz = p.TimeZone
	}
	loc, err := journey.LoadZone(tz)
	if err != nil {
		v.Add("tz", "Unknown time zone: use an IANA name such as America/Chicago.")
		loc = time.UTC
	}
	now := s.now().In(loc)
	q.From = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	if f := in.Get("from"); f != "" {
		if q.From, err = time.ParseInLocation(time.DateOnly, f, loc); err != nil {
			v.Add("from", "Use a date as YYYY-MM-DD.")
		}
	}
	days := 7
	if d := in.Get("days"); d != "" {
		if days, err = strconv.Atoi(d); err != nil || days < 1 || days > journey.MaxSessionSlotDays {
			v.Add("days", fmt.Sprintf("Days must be a whole number from 1 to %d.", journey.MaxSessionSlotDays))
			days = 1
		}
	}
	q.To = q.From.AddDate(0, 0, days)
	for _, f := range []struct {
		name string
		to   *int64
	}{{"client_id", &q.ClientID}, {"therapist_id", &q.TherapistID}, {"medical_provider_id", &q.MedicalProviderID},
		{"chaperone_id", &q.ChaperoneID}, {"room_id", &q.RoomID}} {
		if raw := in.Get(f.name); raw != "" {
			if *f.to, err = strconv.ParseInt(raw, 10, 64); err != nil || *f.to <= 0 {
				v.Add(f.name, "Use a whole number id.")
			}
		}
	}
	if q.ClientID == 0 && a.Can(journey.PermPortal) {
		// A client asks for themselves.
		if c, err := s.store.FindClientByUserID(ctx, a.ID()); err == nil {
			q.ClientID = c.ID
		}
	}
	return q, loc, v.Err()
}

package journey

import (
	"fmt"
	"time"
)

// SessionSlot is a time a session of some type can be held, with the
// people and the room it would reserve (0 where the type needs none). It
// is what the calendar offers and what GET /api/v1/session-slots lists.
type SessionSlot struct {
	Start             time.Time
	End               time.Time // Start plus the type's length; the buffer follows it
	TherapistID       int64
	MedicalProviderID int64
	ChaperoneID       int64
	RoomID            int64
}

// Holds returns the id the slot reserves in role (a Need… value), 0 when
// it reserves none.
func (s *SessionSlot) Holds(role string) int64 {
	switch role {
	case NeedTherapist:
		return s.TherapistID
	case NeedMedicalProvider:
		return s.MedicalProviderID
	case NeedChaperone:
		return s.ChaperoneID
	case NeedRoom:
		return s.RoomID
	}
	return 0
}

// Set records that the slot reserves id in role; an unknown role is
// ignored.
func (s *SessionSlot) Set(role string, id int64) {
	switch role {
	case NeedTherapist:
		s.TherapistID = id
	case NeedMedicalProvider:
		s.MedicalProviderID = id
	case NeedChaperone:
		s.ChaperoneID = id
	case NeedRoom:
		s.RoomID = id
	}
}

// MaxSessionSlotDays is the longest range one search for session slots
// covers.
const MaxSessionSlotDays = 60

// SessionSlotQuery asks when a session of one type can be held for a
// client: the slots starting in [From, To), optionally with given people
// or room (0: whoever is free, the client's care team first).
type SessionSlotQuery struct {
	ClientID          int64
	Type              string
	Mode              string
	From, To          time.Time // To at most MaxSessionSlotDays calendar days after From, in From's zone
	TherapistID       int64
	MedicalProviderID int64
	ChaperoneID       int64
	RoomID            int64
}

// Validate returns EINVALID naming each wrong field: client_id, type,
// mode, and days for a range that is empty or too long.
func (q *SessionSlotQuery) Validate() error {
	var v Validation
	if q.ClientID <= 0 {
		v.Add("client_id", "Choose the client.")
	}
	if !IsSessionType(q.Type) {
		v.Add("type", "Choose a session type.")
	}
	if q.Mode != ModeInPerson && q.Mode != ModeRemote {
		v.Add("mode", "Choose in person or remote.")
	}
	if q.From.IsZero() || !q.To.After(q.From) || q.To.After(q.From.AddDate(0, 0, MaxSessionSlotDays)) {
		v.Add("days", fmt.Sprintf("Look between 1 and %d days ahead.", MaxSessionSlotDays))
	}
	return v.Err()
}

package journey

import "time"

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

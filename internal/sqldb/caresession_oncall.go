package sqldb

import (
	"context"

	"github.com/journey-kap/journey"
)

// A remote medicine session names the medical provider the client calls
// if they feel unwell: its own medical provider by default (set when it is
// booked, following them when the session moves to another), or another
// one chosen when it is booked or later.

// newProvider checks that providerID may take session s's medical
// provider's place (an active medical provider, not also its therapist or
// chaperone) and puts them in that place among holds; EINVALID on
// medical_provider_id otherwise.
func (tx *Tx) newProvider(ctx context.Context, s *journey.CareSession, providerID int64, holds []hold) error {
	if s.MedicalProviderID == 0 {
		return invalidField("medical_provider_id", "This session has no medical provider to change.")
	}
	ok, err := tx.activeMedicalProvider(ctx, providerID)
	switch {
	case err != nil:
		return err
	case !ok:
		return invalidField("medical_provider_id", "Choose a member of staff who works as a medical provider.")
	case providerID == s.TherapistID || providerID == s.ChaperoneID:
		return invalidField("medical_provider_id", "The same person cannot also be the therapist or the chaperone.")
	}
	for i := range holds {
		if holds[i].role == journey.NeedMedicalProvider {
			holds[i].id = providerID
		}
	}
	return nil
}

// activeMedicalProvider reports whether id is an active member of staff
// who works as a medical provider.
func (tx *Tx) activeMedicalProvider(ctx context.Context, id int64) (bool, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM users u JOIN user_roles r ON r.user_id = u.id
		WHERE u.id = ? AND u.kind = 'staff' AND u.active AND r.role = ?`, id, journey.RoleMedicalProvider).Scan(&n)
	return n > 0, err
}

// SetCareSessionOnCall names onCallID, an active medical provider, the
// on-call contact of session id, a medicine session not yet over or
// cancelled (ECONFLICT otherwise); EINVALID on on_call_id for anyone
// else, ENOTFOUND when there is no such session. Its sequence stays: the
// time and the place are unchanged, so no reminder is owed again.
func (db *DB) SetCareSessionOnCall(ctx context.Context, id, onCallID, by int64) (*journey.CareSession, error) {
	err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
		s, err := tx.lockedSession(ctx, id)
		if err != nil {
			return err
		}
		switch {
		case s.Type != journey.TypeMedicine:
			return journey.Errorf(journey.ECONFLICT, "Only a medicine session has an on-call medical contact.")
		case s.Status != journey.SessionBooked && s.Status != journey.SessionCheckedIn && s.Status != journey.SessionInProgress:
			return notNow(s, "given another on-call contact")
		}
		ok, err := tx.activeMedicalProvider(ctx, onCallID)
		if err != nil {
			return err
		}
		if !ok {
			return invalidField("on_call_id", "Choose an active medical provider on staff to be on call.")
		}
		_, err = tx.exec(ctx, `UPDATE care_sessions SET on_call_id = ?, updated_at = ? WHERE id = ?`, onCallID, unix(tx.now), id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return db.FindCareSession(ctx, id)
}

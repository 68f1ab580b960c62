package webkit

import (
	"net/http"

	"github.com/journey-kap/journey"
)

// BookForm is what the visitor (or the front desk, for a caller) typed on
// a booking form, kept to fill the form again.
type BookForm struct {
	Slot          string
	Name          string
	Email         string
	Phone         string
	ContactMethod string
	Mode          string // phone or video; none until the person chooses
	Reason        string
	Consent       bool
}

// ReadBookForm reads the booking form's fields as typed.
func ReadBookForm(r *http.Request) BookForm {
	return BookForm{
		Slot:          r.PostFormValue("slot"),
		Name:          r.PostFormValue("name"),
		Email:         r.PostFormValue("email"),
		Phone:         r.PostFormValue("phone"),
		ContactMethod: r.PostFormValue("contact_method"),
		Mode:          r.PostFormValue("mode"),
		Reason:        r.PostFormValue("reason"),
		Consent:       r.PostFormValue("privacy_consent") == "yes",
	}
}

// BookingFromForm turns the form into a request, with the field errors the
// form itself can tell (slot, phone) gathered with the service's.
func BookingFromForm(f BookForm, tz string) (*journey.BookingRequest, error) {
	var v journey.Validation
	req := &journey.BookingRequest{Name: f.Name, Email: f.Email, ContactMethod: f.ContactMethod, Mode: f.Mode, TimeZone: tz,
		Reason: f.Reason, PrivacyConsent: f.Consent}
	tid, start, ok := ParseSlotValue(f.Slot)
	if !ok {
		v.Add("slot", "Choose a time for your consult.")
	}
	req.TherapistID, req.Start = tid, start
	phone, ok := NormalizePhone(f.Phone)
	if !ok {
		v.Add("phone", PhoneHelp)
	}
	req.Phone = phone
	if err := v.Err(); err != nil {
		// Report the service's own checks too, so every field is flagged at once.
		req.Normalize()
		if verr := req.Validate(); verr != nil {
			for _, fe := range journey.ErrorFields(verr) {
				if fe.Field != "start" && !v.Has(fe.Field) {
					v.Add(fe.Field, fe.Detail)
				}
			}
		}
		return nil, v.Err()
	}
	return req, nil
}

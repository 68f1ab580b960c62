package webkit

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/journey-kap/journey"
)

// ScreeningLabel says a screening status in words; a clearance carries its
// end date, in loc.
func ScreeningLabel(c *journey.Client, loc *time.Location) string {
	switch c.Screening {
	case journey.ScreeningIncomplete:
		return "Intake in progress"
	case journey.ScreeningAwaitingReview:
		return "Awaiting medical review"
	case journey.ScreeningNeedsInfo:
		return "Needs information"
	case journey.ScreeningCleared:
		if c.ClearedTill.IsZero() {
			return "Cleared"
		}
		return "Cleared until " + c.ClearedTill.In(loc).Format("January 2, 2006")
	case journey.ScreeningDeclined:
		return "Declined"
	}
	return c.Screening
}

// ClientStage says where the client is: invited until they join the
// portal, then their screening status.
func ClientStage(c *journey.Client, loc *time.Location) string {
	if c.UserID == 0 {
		return "Invited"
	}
	return ScreeningLabel(c, loc)
}

// ClientListQuery reads the clients list's filters from a query string,
// the same names on the page and in the API (stage, therapist, screening,
// sort, q), and checks each against the choices: therapists must be one
// of ts. It returns EINVALID naming every filter it refuses.
func ClientListQuery(q url.Values, ts []*journey.Therapist) (journey.ClientFilter, error) {
	f := journey.ClientFilter{Stage: q.Get("stage"), Screening: q.Get("screening"), Sort: q.Get("sort"), Query: strings.TrimSpace(q.Get("q"))}
	var v journey.Validation
	if t := q.Get("therapist"); t != "" {
		id, err := strconv.ParseInt(t, 10, 64)
		if err != nil || !slices.ContainsFunc(ts, func(th *journey.Therapist) bool { return th.ID == id }) {
			v.Add("therapist", "Choose a therapist from the list.")
		} else {
			f.TherapistID = id
		}
	}
	if err := f.Validate(); err != nil {
		v.Fields = append(v.Fields, journey.ErrorFields(err)...)
	}
	return f, v.Err()
}

// ClientForm is the new-client form as typed.
type ClientForm struct {
	Name, Email, Phone string
	TherapistID        int64
}

// NewClient builds what staff submitted into a NewClient, normalising the
// phone number; a number that is not one is reported with every other
// field that is wrong.
func NewClient(a *journey.Actor, f ClientForm) (*journey.NewClient, error) {
	n := &journey.NewClient{Name: f.Name, Email: f.Email, TherapistID: f.TherapistID, CreatedBy: a.ID()}
	phone, ok := NormalizePhone(f.Phone)
	if ok {
		n.Phone = phone
		return n, nil
	}
	var v journey.Validation
	v.Add("phone", PhoneHelp)
	v.AddErr(n.Validate())
	return nil, v.Err()
}

// RealPhone returns EINVALID when the phone number of step (as the API
// sends it, in E.164) is no one's, which the domain, checking only its
// shape, would accept.
func RealPhone(in *journey.Intake, step string) error {
	field, p := "phone", in.About.Phone
	switch step {
	case journey.StepAbout:
	case journey.StepEmergency:
		field, p = "emergency_phone", in.Emergency.Phone
	default:
		return nil
	}
	if _, ok := NormalizePhone(p); !ok {
		return Invalid(field, PhoneHelp)
	}
	return nil
}

// DocumentReader reads the current consent documents.
type DocumentReader interface {
	FindConsentDocuments(ctx context.Context) ([]*journey.ConsentDocument, error)
}

// CurrentDocument returns the current version of the consent document
// with code, or "not found" when there is none.
func CurrentDocument(ctx context.Context, store DocumentReader, code string) (*journey.ConsentDocument, error) {
	docs, err := store.FindConsentDocuments(ctx)
	if err != nil {
		return nil, err
	}
	for _, d := range docs {
		if code != "" && d.Code == code {
			return d, nil
		}
	}
	return nil, journey.Errorf(journey.ENOTFOUND, "There is no such document.")
}

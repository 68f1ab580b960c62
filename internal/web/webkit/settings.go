package webkit

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/journey-kap/journey"
)

// The settings pieces the settings pages (staff) and the settings API
// share: the practice's details as typed, a staff profile's target,
// typed text, the screening rules' note and the versions' history.

// PracticeForm is the practice's details as typed, kept to fill the form again.
type PracticeForm struct {
	Name, Tagline, Address, Phone, Email, TimeZone string
	ReminderHours, CancelNoticeHours               string // as typed; "" takes the default
	VideoLink                                      string
}

// PracticeFromForm applies what was typed to a copy of the stored
// practice (or a new one, pending set-up), normalising the phone; a phone
// libphonenumber cannot dial is a field error.
func PracticeFromForm(stored *journey.Practice, f PracticeForm) (*journey.Practice, error) {
	p := *stored
	p.Name, p.Tagline, p.Address, p.Email, p.TimeZone = f.Name, f.Tagline, f.Address, f.Email, strings.TrimSpace(f.TimeZone)
	p.VideoLink = f.VideoLink
	var v journey.Validation
	hours := func(field, typed string, into *int) {
		if typed = strings.TrimSpace(typed); typed == "" {
			*into = 0
		} else if n, err := strconv.Atoi(typed); err == nil && n > 0 {
			*into = n
		} else {
			*into = journey.DefaultWindowHours
			v.Add(field, "Enter a whole number of hours, from 1 to 168.")
		}
	}
	hours("reminder_hours", f.ReminderHours, &p.ReminderHours)
	hours("cancel_notice_hours", f.CancelNoticeHours, &p.CancelNoticeHours)
	phone, ok := NormalizePhone(f.Phone)
	if !ok {
		v.Add("phone", "Enter a phone number we can dial, such as (312) 555-0100 or +44 20 7946 0000.")
	}
	if !ok || len(v.Fields) > 0 {
		v.AddErr(p.Validate())
		return nil, v.Err()
	}
	p.Phone = phone
	return &p, p.Validate()
}

// StoredPractice returns the practice to edit: the saved one, or a new one
// pending set-up (a practice made here opens only when its admin says so).
// PracticeReader reads the practice's details.
type PracticeReader interface {
	FindPractice(ctx context.Context) (*journey.Practice, error)
}

func StoredPractice(ctx context.Context, store PracticeReader) (*journey.Practice, bool, error) {
	p, err := store.FindPractice(ctx)
	if journey.ErrorCode(err) == journey.ENOTFOUND {
		return &journey.Practice{SetupPending: true}, false, nil
	}
	return p, err == nil, err
}

// HoursText shows a window on the form: the default for a practice not yet saved.
func HoursText(h int) string {
	if h == 0 {
		h = journey.DefaultWindowHours
	}
	return strconv.Itoa(h)
}

// ProfileTarget returns whose profile the request is about: the path's
// staff member on admin routes, the actor on /account and /me routes.
func ProfileTarget(r *http.Request) (int64, bool, error) {
	if v := r.PathValue("id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, false, journey.Errorf(journey.ENOTFOUND, "Staff member not found.")
		}
		return id, id == ActorFrom(r).ID(), nil
	}
	return ActorFrom(r).ID(), true, nil
}

// NormalizeBody makes line endings \n, so a body typed in a browser and
// the same body sent to the API hash alike.
func NormalizeBody(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// CheckRulesNote returns the note trimmed, adding an error when it is
// missing or too long: every version says why it was made.
func CheckRulesNote(v *journey.Validation, note string) string {
	note = strings.TrimSpace(note)
	switch n := len([]rune(note)); {
	case n == 0:
		v.Add("note", "Say why the rules change; the history keeps it.")
	case n > 1000:
		v.Add("note", "Keep this under 1000 characters.")
	}
	return note
}

// HistoryLen is how many versions a settings page lists.
const HistoryLen = 20

// VersionAuthor names who saved v.
func VersionAuthor(v *journey.SettingsVersion) string {
	if v.By == 0 || v.ByName == "" {
		return "Journey"
	}
	return v.ByName
}

// VersionPath reads the kind and version of a restore's path; ENOTFOUND
// for either that is not one.
func VersionPath(r *http.Request) (string, int, error) {
	kind := r.PathValue("kind")
	v, err := strconv.Atoi(r.PathValue("version"))
	if !journey.IsSettingsKind(kind) || err != nil || v < 1 {
		return "", 0, journey.Errorf(journey.ENOTFOUND, "There is no such version.")
	}
	return kind, v, nil
}

// VersionRestorer restores a version of the practice's settings.
type VersionRestorer interface {
	RestoreSettingsVersion(ctx context.Context, a *journey.Actor, kind string, version int) (*journey.SettingsVersion, error)
}

// RestoreVersion restores the path's version as a (audited by
// processing); ENOTFOUND for a path that names none.
func RestoreVersion(r *http.Request, a *journey.Actor, proc VersionRestorer) (*journey.SettingsVersion, error) {
	kind, n, err := VersionPath(r)
	if err != nil {
		return nil, err
	}
	return proc.RestoreSettingsVersion(r.Context(), a, kind, n)
}

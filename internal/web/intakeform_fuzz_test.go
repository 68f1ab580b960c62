package web

import (
	"context"
	"net/url"
	"reflect"
	"testing"
	"time"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sqldb/sqldbtest"
	clientportal "github.com/journey-kap/journey/internal/web/portal"
)

// FuzzIntakeForm posts a form body to one intake step as the signed-in
// client (POST /portal/intake/{step}): any body gets a 303 (saved) or a 4xx
// (the step again, showing what was typed, escaped). A saved step reads back
// as the form parsed; it shows as form values that parse back to the same
// answers; and its phone numbers are real ones, in E.164.
func FuzzIntakeForm(f *testing.F) {
	valid := sqldbtest.Intake("Ada Client", testNow)
	valid.About.Phone, valid.Emergency.Phone = "+12125550142", "+12125550143"
	for i, st := range journey.IntakeSteps {
		v := clientportal.IntakeValues(valid, st.Code)
		f.Add(uint8(i), v.Encode())
		f.Add(uint8(i), "")
		for k := range v {
			v.Set(k, `<script>alert("`+k+`")</script>`)
		}
		f.Add(uint8(i), v.Encode())
	}
	for _, s := range []struct {
		step uint8
		body string
	}{
		{0, "legal_name=++Ada++&date_of_birth=1985-04-23&phone=(212)+555-0142&address=1+St&city=X&state=NY&postal_code=1&then=back"},
		{0, "legal_name=Ada&date_of_birth=2029-12-31&phone=%2B15550100123&address=a&city=b&state=c&postal_code=d"},
		{1, "emergency_name=Bea&emergency_relationship=sister&emergency_phone=212.555.0142"},
		{2, "reasons=other&reasons=depression&reasons=depression&reason_other=&story=%00"},
		{4, "liver=none&height=5.9&height_unit=in&weight=1e308&weight_unit=lb&bp_systolic=120.5&bp_diastolic=NaN&bp_date=2029-12-20"},
		{4, "liver=none&height=1,70&weight=Inf&bp_systolic=9e18&bp_diastolic=-0&cond_unknown=yes"},
		{5, "med_0_name=sertraline&med_0_dose=50&med_0_per_day=1&med_7_name=lithium&med_7_dose=0x1p3&med_7_per_day=.5&med_40_name=x"},
		{5, "none=1&med_2_notes=only+notes"},
		{6, "drinks_per_week=1e3&cannabis=daily&sud_history=yes&abstinent_months=12.0&nonmedical_ketamine=no"},
		{7, "pregnant=not-applicable&breastfeeding=no&planning=unsure"},
		{8, "prior_ketamine=yes&bad_reaction=&reactions=%3C%2Ftextarea%3E"},
		{9, "x=1"}, {0, "%zz"}, {0, "a=1;b=2"},
	} {
		f.Add(s.step, s.body)
	}
	base := newEnv(f)
	client, cookie := base.portalClient("Ada Client", "ada.client@example.com", nil)
	f.Fuzz(func(t *testing.T, stepIndex uint8, body string) {
		e := base.fuzzEnv(t)
		step := "no-such-step"
		if int(stepIndex) < len(journey.IntakeSteps) {
			step = journey.IntakeSteps[stepIndex].Code
		}
		var typed []string
		if form, err := url.ParseQuery(body); err == nil {
			for k, vs := range form {
				for i := range vs {
					vs[i] = marked(vs[i])
					typed = append(typed, vs[i])
				}
				form[k] = vs
			}
			body = form.Encode()
		}
		st, _, page := e.serve("POST", "/portal/intake/"+url.PathEscape(step), "application/x-www-form-urlencoded", body, cookie)
		switch {
		case st >= 500:
			t.Fatalf("status %d:\n%s", st, trim(page))
		case st == 303:
		case st == 422:
			checkEscaped(t, "the intake step again", page, typed...)
			return
		default:
			return // no such step, or a form that could not be read
		}
		form, _ := url.ParseQuery(body)
		want, errs := clientportal.ParseIntakeForm(step, form)
		if len(errs) > 0 {
			t.Fatalf("saved a step whose form has errors %v", errs)
		}
		want.Normalize()
		saved, err := e.db.FindIntake(context.Background(), client.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := saved.Section(step); !reflect.DeepEqual(got, want.Section(step)) {
			t.Fatalf("step %s read back\n%+v\nwant\n%+v", step, got, want.Section(step))
		}
		shown, errs := clientportal.ParseIntakeForm(step, clientportal.IntakeValues(saved, step))
		if shown.Normalize(); len(errs) > 0 || !reflect.DeepEqual(shown.Section(step), saved.Section(step)) {
			t.Fatalf("step %s shown again parses as\n%+v (%v)\nsaved\n%+v", step, shown.Section(step), errs, saved.Section(step))
		}
		phones := map[string]string{journey.StepAbout: saved.About.Phone, journey.StepEmergency: saved.Emergency.Phone}
		if p := phones[step]; p != "" {
			if n, ok := normalizePhone(p); !ok || n != p {
				t.Fatalf("step %s saved phone number %q, which normalises to %q, %v", step, p, n, ok)
			}
		}
		if age := saved.About.Age(testNow.Add(time.Hour)); step == journey.StepAbout && (age < 18 || age > journey.MaxAge) {
			t.Fatalf("saved a date of birth %q: age %d", saved.About.DateOfBirth, age)
		}
	})
}

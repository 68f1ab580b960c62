package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/measure"
)

// FuzzMeasureAnswers submits questionnaire answers as the signed-in client,
// by the portal form (POST /portal/measures/{code}, body as sent) or the
// API (POST /api/v1/clients/{id}/responses, body the JSON answers list):
// any input gets a 303/201 or a 4xx; a stored response holds the answers
// sent (for the form, after dropping those skip logic leaves out), scores
// within the instrument's range as measure.Score scores it, and agrees with
// the skip logic.
func FuzzMeasureAnswers(f *testing.F) {
	all := measure.All()
	for qi, q := range all {
		form, list := url.Values{}, make([]string, len(q.Items))
		for i := range q.Items {
			form.Set("item_"+strconv.Itoa(i), "1")
			list[i] = "1"
		}
		f.Add(uint8(qi), false, form.Encode())
		f.Add(uint8(qi), true, "["+strings.Join(list, ",")+"]")
		f.Add(uint8(qi), false, "")
		f.Add(uint8(qi), true, "[]")
	}
	for _, s := range []struct {
		q    uint8
		api  bool
		body string
	}{
		{0, false, "item_0=1&item_1=1&item_2=0&item_3=0&item_4=0&item_5=0"}, // C-SSRS (all[0]): yes to 2 asks 3–5
		{0, false, "item_0=0&item_1=0&item_2=1&item_3=1&item_4=1&item_5=2"}, // answers to items left out, dropped
		{0, true, "[0, 0, 1, 1, 1, 0]"},
		{0, true, "[1, 1, null, null, null, 0]"},
		{3, false, "item_0=3&item_1=3&item_2=3&item_3=3&item_4=3&item_5=3&item_6=3&item_7=3&item_8=3"},
		{3, false, "item_0=%2B1&item_1=-1&item_2=1e2&item_3=+1&item_4=0x1&item_5=1&item_5=2&item_6=99999999999999999999&item_8=1"},
		{3, true, "[0,0,0,0,0,0,0,0,-1]"},
		{3, true, "[0,0,0,0,0,0,0,0,1.5]"},
		{3, true, `[0,0,0,0,0,0,0,0,"1"]`},
		{3, true, "[0,0,0,0,0,0,0,0,0], \"questionnaire\": \"gad-7\""},
		{2, true, "[" + strings.Repeat("4,", 100) + "4]"},
		{1, true, "null"},
	} {
		f.Add(s.q, s.api, s.body)
	}
	base := newEnv(f)
	client, cookie := base.portalClient("Ada Client", "ada.client@example.com", nil)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, qi uint8, api bool, body string) {
		e := base.fuzzEnv(t)
		q := all[int(qi)%len(all)]
		before, err := e.db.FindResponses(ctx, client.ID, q.Code, 1)
		if err != nil {
			t.Fatal(err)
		}
		var want []int
		if api {
			raw := fmt.Sprintf(`{"questionnaire": %q, "answers": %s}`, q.Code, body)
			st, h, resp := e.serve("POST", fmt.Sprintf("/api/v1/clients/%d/responses", client.ID), "application/json", raw, cookie)
			if st != 201 {
				checkProblem(t, st, h, resp)
				return
			}
			var sent struct {
				Questionnaire string
				Answers       []*int
			}
			if err := json.Unmarshal([]byte(raw), &sent); err != nil || sent.Questionnaire != q.Code {
				t.Fatalf("201 for %s (%v)", raw, err)
			}
			for _, a := range sent.Answers {
				want = append(want, journey.Skipped)
				if a != nil {
					want[len(want)-1] = *a
				}
			}
		} else {
			st, _, page := e.serve("POST", "/portal/measures/"+q.Code, "application/x-www-form-urlencoded", body, cookie)
			if st >= 500 {
				t.Fatalf("status %d:\n%s", st, trim(page))
			}
			if st != 303 {
				return
			}
			form, _ := url.ParseQuery(body)
			want = make([]int, len(q.Items))
			for i := range want {
				want[i] = journey.Skipped
				if v, err := strconv.Atoi(form.Get("item_" + strconv.Itoa(i))); err == nil {
					want[i] = v
				}
			}
			want = measure.Normalize(q, want)
		}
		after, err := e.db.FindResponses(ctx, client.ID, q.Code, 1)
		if err != nil || len(after) == 0 || len(before) > 0 && after[0].ID == before[0].ID {
			t.Fatalf("accepted, but no new response is stored (%v)", err)
		}
		checkResponse(t, q, after[0], want)
	})
}

// checkResponse fails unless r holds want, scored as measure.Score scores
// it, within q's range, with every item answered exactly when asked.
func checkResponse(t *testing.T, q *journey.Questionnaire, r *journey.Response, want []int) {
	t.Helper()
	if !slices.Equal(r.Answers, want) || r.Questionnaire != q.Code || r.Version != q.Version {
		t.Fatalf("stored %s v%d %v, want %s v%d %v", r.Questionnaire, r.Version, r.Answers, q.Code, q.Version, want)
	}
	s, err := measure.Score(q, r.Answers)
	if err != nil {
		t.Fatalf("stored answers %v that Score refuses: %v", r.Answers, err)
	}
	if s.Total != r.Score.Total || s.Band != r.Score.Band || !slices.Equal(s.Flags, r.Score.Flags) {
		t.Fatalf("stored score %+v, Score gives %+v", r.Score, s)
	}
	if s.Total < 0 || s.Total > q.MaxScore {
		t.Fatalf("%v scores %d, outside 0–%d", r.Answers, s.Total, q.MaxScore)
	}
	for i, a := range r.Answers {
		if asked := measure.Asked(q, r.Answers, i); asked == (a == journey.Skipped) {
			t.Fatalf("stored answer %d to item %s, asked %v", a, q.Items[i].Key, asked)
		}
	}
}

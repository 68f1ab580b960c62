package web

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// POST /api/v1/sessions takes an on-call medical contact: an active
// medical provider, returned by GET for staff with their name; anyone
// else is 422 with a field error on on_call_id.
func TestSessionOnCallAPI(t *testing.T) {
	e := newCareEnv(t)
	body := func(start string, onCall int64) string {
		return fmt.Sprintf(`{"client_id":%d,"type":"preparation","start":%q,"mode":"remote","on_call_id":%d}`, e.c.ID, start, onCall)
	}
	st, _, out := e.send(e.nora, "POST", "/api/v1/sessions", "application/json", body("2030-01-07T10:00:00-05:00", e.chap))
	if st != 422 || !strings.Contains(out, `"on_call_id"`) {
		t.Fatalf("a chaperone on call: %d %s, want 422 on on_call_id", st, trim(out))
	}
	st, _, out = e.send(e.nora, "POST", "/api/v1/sessions", "application/json", body("2030-01-07T10:00:00-05:00", e.mp))
	if st != 201 || !strings.Contains(out, fmt.Sprintf(`"on_call_id":%d`, e.mp)) {
		t.Fatalf("book: %d %s", st, trim(out))
	}
	id := regexp.MustCompile(`"id":(\d+)`).FindStringSubmatch(out)[1]
	st, _, out = e.send(e.desk, "GET", "/api/v1/sessions/"+id, "", "")
	if st != 200 || !strings.Contains(out, fmt.Sprintf(`"on_call_id":%d`, e.mp)) || !strings.Contains(out, `"on_call_name":"Mia Provider"`) {
		t.Fatalf("read: %d %s", st, trim(out))
	}
	// The staff session page names them among the team.
	st, _, out = e.send(e.desk, "GET", "/staff/sessions/"+id, "", "")
	if st != 200 || !strings.Contains(out, "<dt>On call (medical)</dt><dd><bdi>Mia Provider</bdi></dd>") {
		t.Fatalf("staff page: %d, want the on-call contact named", st)
	}
}

package sms_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/journey-kap/journey"
	"github.com/journey-kap/journey/internal/sms"
)

// gateway is a fake SMS gateway in the shape of Twilio's Messages API. It
// stands for the provider outside the machine: the one part of a text's
// path a test cannot run for real.
type gateway struct {
	mu     sync.Mutex
	got    []map[string]string
	status int // the answer to give; 0: 201 with a sid
	srv    *httptest.Server
}

func newGateway(t *testing.T) *gateway {
	g := &gateway{}
	g.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, ok := r.BasicAuth()
		if r.Method != http.MethodPost || r.URL.Path != "/2010-04-01/Accounts/AC123/Messages.json" || !ok || user != "AC123" || pass != "secret" {
			w.WriteHeader(http.StatusUnauthorized)
			json.NewEncoder(w).Encode(map[string]any{"code": 20003, "message": "Authenticate", "status": 401})
			return
		}
		if err := r.ParseForm(); err != nil || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		g.mu.Lock()
		defer g.mu.Unlock()
		g.got = append(g.got, map[string]string{"To": r.PostForm.Get("To"), "From": r.PostForm.Get("From"), "Body": r.PostForm.Get("Body")})
		if g.status != 0 {
			w.WriteHeader(g.status)
			json.NewEncoder(w).Encode(map[string]any{"code": 21211, "message": "The 'To' number " + r.PostForm.Get("To") + " is not a valid phone number.", "status": g.status})
			return
		}
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(map[string]any{"sid": "SM0001", "status": "queued"})
	}))
	t.Cleanup(g.srv.Close)
	return g
}

func TestSendText(t *testing.T) {
	g := newGateway(t)
	s, err := sms.New(g.srv.URL+"/", "AC123", "secret", "+15035550100")
	if err != nil {
		t.Fatal(err)
	}
	id, err := s.SendText(context.Background(), "+15035550142", "Cedar & Tide: your session is on Mon Mar 11, 9:00 AM PDT.")
	if err != nil || id != "SM0001" {
		t.Fatalf("SendText = %q, %v", id, err)
	}
	if len(g.got) != 1 || g.got[0]["To"] != "+15035550142" || g.got[0]["From"] != "+15035550100" || !strings.Contains(g.got[0]["Body"], "Cedar & Tide") {
		t.Fatalf("gateway got %v", g.got)
	}
}

// Each kind of failure comes back with the class front desk sees.
func TestSendTextFailures(t *testing.T) {
	g := newGateway(t)
	for _, c := range []struct {
		status    int
		token     string
		class     string
		temporary bool
	}{
		{400, "secret", journey.SMSRejected, false},
		{503, "secret", journey.SMSUnavailable, true},
		{429, "secret", journey.SMSUnavailable, true},
		{0, "wrong", journey.SMSUnauthorized, false},
	} {
		g.status = c.status
		s, _ := sms.New(g.srv.URL, "AC123", c.token, "+15035550100")
		_, err := s.SendText(context.Background(), "+15035550142", "hello")
		var se *journey.SMSError
		if err == nil || !errors.As(err, &se) || se.Class != c.class || se.Temporary() != c.temporary || journey.SMSErrorClass(err) != c.class {
			t.Errorf("status %d token %s: %v, want class %s", c.status, c.token, err, c.class)
		}
	}
	// No gateway at all: the connection is refused.
	url := g.srv.URL
	g.srv.Close()
	s, _ := sms.New(url, "AC123", "secret", "+15035550100")
	if _, err := s.SendText(context.Background(), "+15035550142", "hello"); journey.SMSErrorClass(err) != journey.SMSUnavailable {
		t.Errorf("gateway down: %v", err)
	}
}

func TestNew(t *testing.T) {
	if s, err := sms.New("", "", "", ""); err != nil || s.Configured() {
		t.Fatalf("no URL: %v, configured %v", err, s.Configured())
	}
	for _, bad := range []string{"http://gateway.example", "ftp://x", "not a url", "https://"} {
		if _, err := sms.New(bad, "AC1", "t", "+15035550100"); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := sms.New("https://api.twilio.com", "AC1", "", "+15035550100"); err == nil {
		t.Error("no token accepted")
	}
	if s, err := sms.New("https://api.twilio.com", "AC1", "t", "+15035550100"); err != nil || !s.Configured() {
		t.Errorf("https gateway: %v", err)
	}
}

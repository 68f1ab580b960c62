package testenv

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"mime/multipart"
	"net/smtp"
	"net/textproto"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

const unsetVar = "JOURNEY_TEST_TESTENV_DEFINITELY_UNSET"

// TestRequireSkipsOutsideCI runs Require for real in a subtest, with the
// variable and CI unset: the subtest must be skipped, not failed.
func TestRequireSkipsOutsideCI(t *testing.T) {
	t.Setenv("CI", "")
	t.Setenv(unsetVar, "")
	var skipped, reachedEnd bool
	ok := t.Run("unset", func(t *testing.T) {
		defer func() { skipped = t.Skipped() }()
		Require(t, unsetVar, "the thing")
		reachedEnd = true
	})
	if !ok {
		t.Fatal("subtest failed; want it skipped")
	}
	if !skipped || reachedEnd {
		t.Fatalf("skipped = %v, reached end = %v; want skipped before the end", skipped, reachedEnd)
	}
}

// fakeTB records Fatalf/Skipf instead of stopping the test.
type fakeTB struct {
	testing.TB
	fatal, skip string
}

func (f *fakeTB) Helper()                           {}
func (f *fakeTB) Fatalf(format string, args ...any) { f.fatal = fmt.Sprintf(format, args...) }
func (f *fakeTB) Skipf(format string, args ...any)  { f.skip = fmt.Sprintf(format, args...) }

func TestRequire(t *testing.T) {
	t.Run("set", func(t *testing.T) {
		t.Setenv("CI", "true")
		t.Setenv(unsetVar, "value")
		f := &fakeTB{TB: t}
		if got := Require(f, unsetVar, "the thing"); got != "value" {
			t.Errorf("Require = %q, want %q", got, "value")
		}
		if f.fatal != "" || f.skip != "" {
			t.Errorf("fatal %q, skip %q; want neither", f.fatal, f.skip)
		}
	})
	t.Run("unset in CI fails", func(t *testing.T) {
		t.Setenv("CI", "true")
		t.Setenv(unsetVar, "")
		f := &fakeTB{TB: t}
		Require(f, unsetVar, "the thing")
		want := "the thing is required in CI: set " + unsetVar + " (make test does)"
		if f.fatal != want || f.skip != "" {
			t.Errorf("fatal %q, skip %q; want fatal %q", f.fatal, f.skip, want)
		}
	})
	t.Run("unset outside CI skips", func(t *testing.T) {
		t.Setenv("CI", "")
		t.Setenv(unsetVar, "")
		f := &fakeTB{TB: t}
		Require(f, unsetVar, "the thing")
		if f.fatal != "" || !strings.Contains(f.skip, unsetVar) {
			t.Errorf("fatal %q, skip %q; want a skip naming %s", f.fatal, f.skip, unsetVar)
		}
	})
}

func TestDialect(t *testing.T) {
	for env, want := range map[string]string{"": "sqlite", "sqlite": "sqlite", "postgres": "postgres", "mysql": "sqlite"} {
		t.Setenv(EnvDB, env)
		if got := Dialect(); got != want {
			t.Errorf("JOURNEY_TEST_DB=%q: Dialect() = %q, want %q", env, got, want)
		}
	}
}

func TestDatabaseNames(t *testing.T) {
	valid := regexp.MustCompile(`^t_[0-9]+_[0-9]+_[0-9a-f]{8}$`)
	seen := map[string]bool{}
	for range 100 {
		n := newDatabaseName()
		if !valid.MatchString(n) || len(n) > 63 {
			t.Fatalf("bad database name %q", n)
		}
		if seen[n] {
			t.Fatalf("duplicate database name %q", n)
		}
		seen[n] = true
	}

	got, err := databaseURL("postgres://journey@127.0.0.1:5432/journey_test?sslmode=disable", "t_1_2_ab")
	if want := "postgres://journey@127.0.0.1:5432/t_1_2_ab?sslmode=disable"; err != nil || got != want {
		t.Errorf("databaseURL = %q, %v; want %q", got, err, want)
	}
	if _, err := databaseURL("not a url", "x"); err == nil {
		t.Error("databaseURL accepted a bad URL")
	}
}

func TestChromiumFromEnv(t *testing.T) {
	t.Setenv(EnvChromium, "/opt/chrome")
	if got := Chromium(t); got != "/opt/chrome" {
		t.Errorf("Chromium = %q", got)
	}
}

func TestUniqueAddress(t *testing.T) {
	a, b := UniqueAddress(t), UniqueAddress(t)
	if a == b || !strings.HasSuffix(a, "@example.test") || !strings.HasPrefix(a, "testuniqueaddress.") {
		t.Errorf("UniqueAddress = %q, %q", a, b)
	}
}

// TestMailpit sends a real message with an attachment to mailpit over SMTP and
// reads it back through the helpers.
func TestMailpit(t *testing.T) {
	smtpURL, apiURL := SMTPURL(t), MailpitURL(t)
	u, err := url.Parse(smtpURL)
	if err != nil {
		t.Fatal(err)
	}
	from, to := "sender@example.test", UniqueAddress(t)
	subject := "testenv check " + to
	attachment := []byte("%PDF-1.4 not really a pdf\n")

	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fmt.Fprintf(&body, "From: %s\r\nTo: %s\r\nSubject: %s\r\nMIME-Version: 1.0\r\n", from, to, subject)
	fmt.Fprintf(&body, "Content-Type: multipart/mixed; boundary=%s\r\n\r\n", mw.Boundary())
	pw, _ := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {"text/plain; charset=utf-8"}})
	fmt.Fprint(pw, "Hello from testenv.\r\n")
	pw, _ = mw.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {"application/pdf"},
		"Content-Disposition":       {`attachment; filename="note.pdf"`},
		"Content-Transfer-Encoding": {"base64"},
	})
	fmt.Fprint(pw, base64.StdEncoding.EncodeToString(attachment)+"\r\n")
	mw.Close()

	if err := smtp.SendMail(u.Host, nil, from, []string{to}, body.Bytes()); err != nil {
		t.Fatalf("send mail via %s: %v", smtpURL, err)
	}

	msgs := WaitForMail(t, apiURL, to, 10*time.Second)
	if len(msgs) != 1 {
		t.Fatalf("got %d messages to %s, want 1", len(msgs), to)
	}
	m := msgs[0]
	if m.Subject != subject || m.Attachments != 1 || m.ID == "" {
		t.Errorf("summary = %+v", m)
	}
	if text := MailText(t, apiURL, m.ID); !strings.Contains(text, "Hello from testenv.") {
		t.Errorf("text = %q", text)
	}
	atts := MailAttachments(t, apiURL, m.ID)
	if len(atts) != 1 || atts[0].FileName != "note.pdf" || atts[0].ContentType != "application/pdf" || atts[0].PartID == "" {
		t.Fatalf("attachments = %+v", atts)
	}
	if got := MailPart(t, apiURL, m.ID, atts[0].PartID); !bytes.Equal(got, attachment) {
		t.Errorf("part = %q, want %q", got, attachment)
	}

	// mailpit's to: search matches substrings; the helpers want exact addresses.
	if msgs, err := searchMail(apiURL, to[1:]); err != nil || len(msgs) != 0 {
		t.Errorf("search for %s = %d messages, %v; want none", to[1:], len(msgs), err)
	}
}

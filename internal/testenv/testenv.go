// Package testenv gives tests access to the external services that
// scripts/test.sh (make test, CI) provides: a throwaway PostgreSQL cluster,
// a mailpit SMTP server with its HTTP API, Chromium, axe-core and
// stripe-mock.
//
// Each service is described by an environment variable:
//
//	JOURNEY_TEST_DB           "sqlite" (default) or "postgres": see Dialect
//	JOURNEY_TEST_POSTGRES_URL postgres://journey@127.0.0.1:PORT/journey_test?sslmode=disable
//	JOURNEY_TEST_SMTP_URL     smtp://127.0.0.1:PORT (mailpit; any or no auth)
//	JOURNEY_TEST_MAILPIT_URL  http://127.0.0.1:PORT (mailpit's web UI and API)
//	JOURNEY_TEST_CHROMIUM     path of the Chromium binary
//	JOURNEY_TEST_AXE          path of axe-core's axe.min.js
//	JOURNEY_TEST_STRIPE_URL   http://127.0.0.1:PORT (stripe-mock: Stripe's API, answered from its spec)
//
// When a variable is unset, tests that need it are skipped, except in CI
// (CI=true), where they fail: CI must never silently skip them.
//
// The package uses the standard library only, so it forces no database
// driver on its users.
package testenv

import (
	"bytes"
	"compress/zlib"
	"context"
	"crypto/rand"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/mail"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Environment variables read by this package and set by scripts/test.sh.
const (
	EnvDB          = "JOURNEY_TEST_DB"
	EnvPostgresURL = "JOURNEY_TEST_POSTGRES_URL"
	EnvSMTPURL     = "JOURNEY_TEST_SMTP_URL"
	EnvMailpitURL  = "JOURNEY_TEST_MAILPIT_URL"
	EnvChromium    = "JOURNEY_TEST_CHROMIUM"
	EnvAxe         = "JOURNEY_TEST_AXE"
	EnvStripeURL   = "JOURNEY_TEST_STRIPE_URL"
)

// DefaultChromium is where Debian's chromium package puts the browser; used
// when JOURNEY_TEST_CHROMIUM is unset.
const DefaultChromium = "/usr/bin/chromium"

// Require returns the value of the environment variable envVar, which
// describes the test dependency what (e.g. "PostgreSQL"). If it is empty the
// test fails when running in CI (CI=true) and is skipped otherwise.
func Require(tb testing.TB, envVar, what string) string {
	tb.Helper()
	v := os.Getenv(envVar)
	if v != "" {
		return v
	}
	if os.Getenv("CI") == "true" {
		tb.Fatalf("%s is required in CI: set %s (make test does)", what, envVar)
	} else {
		tb.Skipf("%s not available: set %s (make test does)", what, envVar)
	}
	return ""
}

// PostgresURL returns JOURNEY_TEST_POSTGRES_URL, the URL of the throwaway
// PostgreSQL database journey_test (see Require for when it is unset). Tests
// that change the schema or data should use NewPostgresDatabase instead.
func PostgresURL(tb testing.TB) string {
	tb.Helper()
	return Require(tb, EnvPostgresURL, "PostgreSQL")
}

// Dialect returns the database the suite is run against: "postgres" if
// JOURNEY_TEST_DB=postgres, "sqlite" otherwise.
func Dialect() string {
	if os.Getenv(EnvDB) == "postgres" {
		return "postgres"
	}
	return "sqlite"
}

var dbCounter atomic.Int64

// newDatabaseName returns a database name unique across packages (pid),
// tests (counter) and runs (random): t_<pid>_<counter>_<random hex>.
func newDatabaseName() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("t_%d_%d_%s", os.Getpid(), dbCounter.Add(1), hex.EncodeToString(b[:]))
}

// databaseURL returns baseURL with its path replaced by /name.
func databaseURL(baseURL, name string) (string, error) {
	u, err := url.Parse(baseURL)
	if err != nil {
		return "", err
	}
	if u.Scheme == "" || u.Host == "" {
		return "", fmt.Errorf("not a postgres:// URL: %q", baseURL)
	}
	u.Path = "/" + name
	u.RawPath = ""
	return u.String(), nil
}

// NewPostgresDatabase creates an empty database with a unique name through
// db (a connection to the cluster at baseURL, opened with any driver, usually
// baseURL = PostgresURL(tb)), drops it again when the test ends
// (DROP DATABASE ... WITH (FORCE)), and returns baseURL with its path
// replaced by the new database's name.
//
// The drop runs through db; if db was closed by then, through a new
// connection made with db's driver to baseURL.
func NewPostgresDatabase(tb testing.TB, db *sql.DB, baseURL string) string {
	tb.Helper()
	return NewPostgresDatabaseFrom(tb, db, baseURL, "")
}

// NewPostgresDatabaseFrom is NewPostgresDatabase for a copy of the database
// template (a name, as CreatePostgresDatabase returns it; "" for an empty
// database): CREATE DATABASE ... TEMPLATE, a file-level copy that takes a
// fraction of the time that filling the database again would. No one may be
// connected to template meanwhile.
func NewPostgresDatabaseFrom(tb testing.TB, db *sql.DB, baseURL, template string) string {
	tb.Helper()
	dbURL, drop, err := CreatePostgresDatabase(db, baseURL, template)
	if err != nil {
		tb.Fatalf("testenv: %v", err)
	}
	tb.Cleanup(func() {
		if err := drop(); err != nil {
			tb.Errorf("testenv: %v", err)
		}
	})
	return dbURL
}

// CreatePostgresDatabase creates a database with a unique name, empty or a
// copy of template (a database name; "" for none), through db (as
// NewPostgresDatabase does), and returns its URL and the function that
// drops it. It is bound to no test: for what a package run fills once and
// each of its tests copies (NewPostgresDatabaseFrom), dropped by TestMain.
func CreatePostgresDatabase(db *sql.DB, baseURL, template string) (dbURL string, drop func() error, err error) {
	name := newDatabaseName()
	if dbURL, err = databaseURL(baseURL, name); err != nil {
		return "", nil, fmt.Errorf("bad PostgreSQL URL: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	create := `CREATE DATABASE "` + name + `"`
	if template != "" {
		create += ` TEMPLATE "` + template + `"`
	}
	if _, err := db.ExecContext(ctx, create); err != nil {
		return "", nil, fmt.Errorf("create database %s: %v", name, err)
	}
	drop = func() error {
		drop := `DROP DATABASE IF EXISTS "` + name + `" WITH (FORCE)`
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_, err := db.ExecContext(ctx, drop)
		if err == nil {
			return nil
		}
		// db may have been closed already: retry on a connection of our own.
		own := sql.OpenDB(dsnConnector{dsn: baseURL, drv: db.Driver()})
		defer own.Close()
		if _, err2 := own.ExecContext(ctx, drop); err2 != nil {
			return fmt.Errorf("drop database %s: %v (then: %v)", name, err, err2)
		}
		return nil
	}
	return dbURL, drop, nil
}

// PostgresDatabaseName returns the name of the database at dbURL (its
// path), as NewPostgresDatabaseFrom takes it.
func PostgresDatabaseName(dbURL string) string {
	u, err := url.Parse(dbURL)
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(u.Path, "/")
}

// dsnConnector opens connections to dsn with drv (a driver.Connector for
// drivers whose name we do not know).
type dsnConnector struct {
	dsn string
	drv driver.Driver
}

func (c dsnConnector) Connect(context.Context) (driver.Conn, error) { return c.drv.Open(c.dsn) }
func (c dsnConnector) Driver() driver.Driver                        { return c.drv }

// SMTPURL returns JOURNEY_TEST_SMTP_URL, smtp://HOST:PORT of the test mail
// server (mailpit), which accepts any credentials or none.
func SMTPURL(tb testing.TB) string {
	tb.Helper()
	return Require(tb, EnvSMTPURL, "mailpit SMTP")
}

// MailpitURL returns JOURNEY_TEST_MAILPIT_URL, http://HOST:PORT of the test
// mail server's HTTP API (see WaitForMail).
func MailpitURL(tb testing.TB) string {
	tb.Helper()
	return Require(tb, EnvMailpitURL, "mailpit HTTP API")
}

// Chromium returns the path of the Chromium binary: JOURNEY_TEST_CHROMIUM,
// else /usr/bin/chromium if it exists (see Require for when neither is set).
func Chromium(tb testing.TB) string {
	tb.Helper()
	if v := os.Getenv(EnvChromium); v != "" {
		return v
	}
	if st, err := os.Stat(DefaultChromium); err == nil && !st.IsDir() {
		return DefaultChromium
	}
	return Require(tb, EnvChromium, "Chromium")
}

// AxePath returns JOURNEY_TEST_AXE, the path of axe-core's axe.min.js.
func AxePath(tb testing.TB) string {
	tb.Helper()
	return Require(tb, EnvAxe, "axe-core")
}

// StripeURL returns JOURNEY_TEST_STRIPE_URL, http://HOST:PORT of
// stripe-mock, which answers Stripe's API from Stripe's OpenAPI spec (see
// Require for when it is unset).
func StripeURL(tb testing.TB) string {
	tb.Helper()
	return Require(tb, EnvStripeURL, "stripe-mock")
}

var uniqueCounter atomic.Int64

// UniqueAddress returns a fresh e-mail address (local part derived from the
// test's name, the process and a counter) at example.test, so that
// WaitForMail finds only this test's mail even though the whole suite shares
// one mailpit.
func UniqueAddress(tb testing.TB) string {
	tb.Helper()
	var b [3]byte
	_, _ = rand.Read(b[:])
	local := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			return r
		case r >= 'A' && r <= 'Z':
			return r + ('a' - 'A')
		}
		return '-'
	}, tb.Name())
	if len(local) > 40 {
		local = local[:40]
	}
	return fmt.Sprintf("%s.%d.%d.%s@example.test", local, os.Getpid(), uniqueCounter.Add(1), hex.EncodeToString(b[:]))
}

// MailSummary is one message in a mailpit search result
// (GET /api/v1/search); Attachments is the number of attachments.
type MailSummary struct {
	ID          string
	MessageID   string
	From        *mail.Address
	To          []*mail.Address
	Cc          []*mail.Address
	Bcc         []*mail.Address
	ReplyTo     []*mail.Address
	Subject     string
	Created     time.Time
	Tags        []string
	Size        uint64
	Attachments int
	Snippet     string
}

// Attachment is an attachment (or inline part) of a message in mailpit.
// PartID identifies it for MailPart.
type Attachment struct {
	PartID      string
	FileName    string
	ContentType string
	ContentID   string
	Size        uint64
}

// MailMessage is a whole message as mailpit returns it
// (GET /api/v1/message/{ID}).
type MailMessage struct {
	ID          string
	MessageID   string
	From        *mail.Address
	To          []*mail.Address
	Cc          []*mail.Address
	Bcc         []*mail.Address
	ReplyTo     []*mail.Address
	ReturnPath  string
	Subject     string
	Date        time.Time
	Tags        []string
	Text        string
	HTML        string
	Size        uint64
	Inline      []Attachment
	Attachments []Attachment
}

var httpClient = &http.Client{Timeout: 15 * time.Second}

// mailpitGet fetches mailpitURL+path; it returns an error for a non-200 answer.
func mailpitGet(mailpitURL, path string) ([]byte, error) {
	resp, err := httpClient.Get(strings.TrimRight(mailpitURL, "/") + path)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s: %s", path, resp.Status, strings.TrimSpace(string(body)))
	}
	return body, nil
}

// searchMail returns the messages mailpit finds addressed (To) exactly to
// addr, newest first.
func searchMail(mailpitURL, addr string) ([]MailSummary, error) {
	q := url.Values{"query": {`to:"` + addr + `"`}, "limit": {"200"}}
	body, err := mailpitGet(mailpitURL, "/api/v1/search?"+q.Encode())
	if err != nil {
		return nil, err
	}
	var res struct {
		Messages []MailSummary `json:"messages"`
	}
	if err := json.Unmarshal(body, &res); err != nil {
		return nil, fmt.Errorf("decode search result: %w", err)
	}
	// mailpit's to: search is a substring match: keep exact recipients only.
	var out []MailSummary
	for _, m := range res.Messages {
		for _, a := range m.To {
			if a != nil && strings.EqualFold(a.Address, addr) {
				out = append(out, m)
				break
			}
		}
	}
	return out, nil
}

// WaitForMail polls mailpit at mailpitURL (see MailpitURL) until at least one
// message addressed (To) to the address to has arrived, and returns all such
// messages, newest first. The test fails if none arrives within timeout.
func WaitForMail(tb testing.TB, mailpitURL, to string, timeout time.Duration) []MailSummary {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	var lastErr error
	for {
		msgs, err := searchMail(mailpitURL, to)
		if err == nil && len(msgs) > 0 {
			return msgs
		}
		if err != nil {
			lastErr = err
		}
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if lastErr != nil {
		tb.Fatalf("testenv: no mail to %s within %v (last error: %v)", to, timeout, lastErr)
	} else {
		tb.Fatalf("testenv: no mail to %s within %v", to, timeout)
	}
	return nil
}

// MailMessageByID returns the whole message id from mailpit at mailpitURL.
func MailMessageByID(tb testing.TB, mailpitURL, id string) *MailMessage {
	tb.Helper()
	body, err := mailpitGet(mailpitURL, "/api/v1/message/"+url.PathEscape(id))
	if err != nil {
		tb.Fatalf("testenv: get message %s: %v", id, err)
		return nil
	}
	var m MailMessage
	if err := json.Unmarshal(body, &m); err != nil {
		tb.Fatalf("testenv: decode message %s: %v", id, err)
		return nil
	}
	return &m
}

// MailAttachments returns the attachments (not the inline parts) of message
// id; fetch their content with MailPart.
func MailAttachments(tb testing.TB, mailpitURL, id string) []Attachment {
	tb.Helper()
	m := MailMessageByID(tb, mailpitURL, id)
	if m == nil {
		return nil
	}
	return m.Attachments
}

// MailPart returns the decoded content of part partID (Attachment.PartID) of
// message id.
func MailPart(tb testing.TB, mailpitURL, id, partID string) []byte {
	tb.Helper()
	body, err := mailpitGet(mailpitURL, "/api/v1/message/"+url.PathEscape(id)+"/part/"+url.PathEscape(partID))
	if err != nil {
		tb.Fatalf("testenv: get part %s of message %s: %v", partID, id, err)
	}
	return body
}

// MailText returns the plain-text body of message id.
func MailText(tb testing.TB, mailpitURL, id string) string {
	tb.Helper()
	m := MailMessageByID(tb, mailpitURL, id)
	if m == nil {
		return ""
	}
	return m.Text
}

// MailTo returns the messages mailpit at mailpitURL holds addressed (To)
// exactly to addr, newest first, without waiting: to check that none came.
func MailTo(tb testing.TB, mailpitURL, addr string) []MailSummary {
	tb.Helper()
	msgs, err := searchMail(mailpitURL, addr)
	if err != nil {
		tb.Fatalf("testenv: search mail to %s: %v", addr, err)
	}
	return msgs
}

var (
	pdfStream = regexp.MustCompile(`stream\r?\n`)
	pdfShow   = regexp.MustCompile(`\(((?:[^\\)]|\\.)*)\) ?Tj`)
)

// PDFText returns the text a PDF shows (each Tj string of its deflated
// content streams), its runs of white space made one space: what a test
// reads back from a report, a superbill or a log.
func PDFText(doc []byte) string {
	var b strings.Builder
	for _, loc := range pdfStream.FindAllIndex(doc, -1) {
		zr, err := zlib.NewReader(bytes.NewReader(doc[loc[1]:]))
		if err != nil {
			continue
		}
		content, _ := io.ReadAll(zr)
		for _, m := range pdfShow.FindAllSubmatch(content, -1) {
			b.WriteString(strings.NewReplacer(`\(`, "(", `\)`, ")", `\\`, `\`).Replace(string(m[1])))
			b.WriteByte(' ')
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is everything a journey command can be told. Flags win over
// JOURNEY_* environment variables, which win over the defaults.
type Config struct {
	Listen    string
	Data      string
	Database  string
	BaseURL   string
	Demo      bool
	RateLimit int
	SMTPURL   string
	MailFrom  string
	// SMS is the text-message gateway (internal/sms): its URL, account,
	// token and the number texts come from; no URL sends no texts.
	SMSURL, SMSAccount, SMSToken, SMSFrom string
	// Stripe takes card payments online: the secret key (none: no card
	// payment offered), the webhook endpoint's signing secret, and
	// another API base for tests (stripe-mock).
	StripeKey, StripeWebhookSecret, StripeURL string
	MinFormTime                               time.Duration
	LogLevel                                  slog.Level
	LogJSON                                   bool // --log-format json: one JSON object a line, for log shipping
	TrustProxy                                bool
	// Key and checkpoint files: outside the database, so a copy of the
	// database alone neither reads PHI nor forges the audit trail.
	MasterKeyFile string
	AuditKeyFile  string
	AuditHeadFile string
	// AuditHeadInterval: the head checkpoint names the newest audit entry
	// at the latest this long after it was written.
	AuditHeadInterval time.Duration
	TLSCert           string
	TLSKey            string
	StaffIdle         time.Duration
	ClientIdle        time.Duration
	// MetricsListen is where Prometheus metrics are served; "" is off.
	MetricsListen string
	// Scheduled backups: into BackupDir (off when empty) every
	// BackupEvery, the newest BackupKeep kept.
	BackupDir   string
	BackupEvery time.Duration
	BackupKeep  int
}

// setting documents one flag and its environment variable. Every command
// takes every setting; help shows the server's settings only for serve.
type setting struct {
	flag, env, def, help string
	server               bool // only `journey serve` uses it
}

var settings = []setting{
	{"listen", "JOURNEY_LISTEN", "127.0.0.1:8080", "address to serve HTTP on", true},
	{"data", "JOURNEY_DATA", "./data", "folder for the embedded SQLite database (created on first start)", false},
	{"database", "JOURNEY_DATABASE", "", "postgres://… URL to use PostgreSQL instead of the embedded SQLite", false},
	{"base-url", "JOURNEY_BASE_URL", "", "public URL of the site for links in email and the API (default http://LISTEN); https:// (behind a TLS proxy) also makes cookies Secure and sends HSTS", true},
	{"demo", "JOURNEY_DEMO", "false", "fill an empty database with a demo practice", true},
	{"rate-limit", "JOURNEY_RATE_LIMIT", "30", "booking and slot requests per minute per client address; 0 turns the limit off", true},
	{"smtp-url", "JOURNEY_SMTP_URL", "", "smtp://user:pass@host:port (or smtps://) for outgoing mail; empty keeps mail in the outbox", true},
	{"mail-from", "JOURNEY_MAIL_FROM", "", "From address of outgoing mail (default the practice's email)", true},
	{"sms-url", "JOURNEY_SMS_URL", "", "https:// base URL of a text-message gateway with Twilio's Messages API (e.g. https://api.twilio.com); empty sends no texts", true},
	{"sms-account", "JOURNEY_SMS_ACCOUNT", "", "the gateway account (Twilio's Account SID)", true},
	{"sms-token", "JOURNEY_SMS_TOKEN", "", "the gateway account's token (prefer the variable to the flag: flags show in process lists)", true},
	{"sms-from", "JOURNEY_SMS_FROM", "", "the number texts come from, such as +15035550100", true},
	{"stripe-key", "JOURNEY_STRIPE_KEY", "", "Stripe's secret API key: clients pay by card in the portal (prefer the variable to the flag); empty offers no card payment", true},
	{"stripe-webhook-secret", "JOURNEY_STRIPE_WEBHOOK_SECRET", "", "the signing secret of the Stripe webhook endpoint BASE_URL/webhooks/stripe (events checkout.session.*, payment_intent.succeeded, payment_intent.payment_failed, refund.*)", true},
	{"stripe-url", "JOURNEY_STRIPE_URL", "", "another base URL for Stripe's API, such as a stripe-mock for tests; empty is Stripe's", true},
	{"min-form-time", "JOURNEY_MIN_FORM_TIME", "3s", "a booking form sent sooner than this after it was shown is refused as a bot", true},
	{"trust-proxy", "JOURNEY_TRUST_PROXY", "false", "take the client address from X-Forwarded-For (only behind a proxy you run)", true},
	{"log-level", "JOURNEY_LOG_LEVEL", "info", "debug, info, warn or error", false},
	{"log-format", "JOURNEY_LOG_FORMAT", "text", "text (key=value) or json (one object a line, for log shipping)", false},
	{"master-key-file", "JOURNEY_MASTER_KEY_FILE", "", "file of master keys that wrap the data keys encrypting PHI (default DATA/master.key, created on the embedded database's first start; PostgreSQL: see keys init)", false},
	{"audit-key-file", "JOURNEY_AUDIT_KEY_FILE", "", "file with the key that seals the audit trail (default DATA/audit.key, created on first start)", false},
	{"audit-head-file", "JOURNEY_AUDIT_HEAD_FILE", "", "file where the audit trail's head is checkpointed (default DATA/audit.head)", false},
	{"audit-head-interval", "JOURNEY_AUDIT_HEAD_INTERVAL", "5s", "the head checkpoint names the newest audit entry at most this long after it was written", true},
	{"staff-idle", "JOURNEY_STAFF_IDLE", "15m", "a staff session ends after this long without a request", true},
	{"client-idle", "JOURNEY_CLIENT_IDLE", "30m", "a client session ends after this long without a request", true},
	{"backup-dir", "JOURNEY_BACKUP_DIR", "", "folder for scheduled backups, each verified after it is written (off when empty); keep it off the database's disk, and the key files out of it", true},
	{"backup-every", "JOURNEY_BACKUP_EVERY", "6h", "how often a scheduled backup is taken; a failed one, or none for twice this long, shows on the admin's Today", true},
	{"backup-keep", "JOURNEY_BACKUP_KEEP", "28", "how many scheduled backups to keep in --backup-dir; older ones are deleted", true},
	{"tls-cert", "JOURNEY_TLS_CERT", "", "certificate file: serve HTTPS (with HSTS and __Host- cookies)", true},
	{"tls-key", "JOURNEY_TLS_KEY", "", "private key file for --tls-cert", true},
	{"metrics-listen", "JOURNEY_METRICS_LISTEN", "", "address to serve Prometheus metrics on (GET /metrics), such as 127.0.0.1:9464; empty serves none. Keep it off the public network", true},
}

func parseConfig(name string, args []string, getenv func(string) string, stderr io.Writer) (*Config, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { _ = commandHelp(stderr, name) }
	vals := map[string]*string{}
	for _, s := range settings {
		def := s.def
		if s.env != "" && getenv(s.env) != "" {
			def = getenv(s.env)
		}
		vals[s.flag] = fs.String(s.flag, def, s.help)
	}
	// Booleans may be given bare: --demo.
	for i, a := range args {
		for _, b := range []string{"demo", "trust-proxy"} {
			if a == "--"+b || a == "-"+b {
				args[i] = "--" + b + "=true"
			}
		}
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	get := func(k string) string { return strings.TrimSpace(*vals[k]) }
	c := &Config{Listen: get("listen"), Data: get("data"), Database: get("database"), BaseURL: strings.TrimRight(get("base-url"), "/"),
		SMTPURL: get("smtp-url"), MailFrom: get("mail-from"), SMSURL: get("sms-url"), SMSAccount: get("sms-account"),
		SMSToken: get("sms-token"), SMSFrom: get("sms-from"), StripeKey: get("stripe-key"),
		StripeWebhookSecret: get("stripe-webhook-secret"), StripeURL: get("stripe-url"), MasterKeyFile: get("master-key-file"),
		AuditKeyFile: get("audit-key-file"), AuditHeadFile: get("audit-head-file"), TLSCert: get("tls-cert"), TLSKey: get("tls-key"),
		MetricsListen: get("metrics-listen")}
	for p, def := range map[*string]string{&c.MasterKeyFile: "master.key", &c.AuditKeyFile: "audit.key", &c.AuditHeadFile: "audit.head"} {
		if *p == "" {
			*p = filepath.Join(c.Data, def)
		}
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return nil, fmt.Errorf("--tls-cert and --tls-key go together")
	}
	var err error
	if c.Demo, err = strconv.ParseBool(get("demo")); err != nil {
		return nil, fmt.Errorf("--demo: want true or false")
	}
	if c.TrustProxy, err = strconv.ParseBool(get("trust-proxy")); err != nil {
		return nil, fmt.Errorf("--trust-proxy: want true or false")
	}
	if c.RateLimit, err = strconv.Atoi(get("rate-limit")); err != nil || c.RateLimit < 0 {
		return nil, fmt.Errorf("--rate-limit: want a whole number of requests per minute, 0 for no limit")
	}
	if c.MinFormTime, err = time.ParseDuration(get("min-form-time")); err != nil || c.MinFormTime < 0 {
		return nil, fmt.Errorf("--min-form-time: want a duration such as 3s")
	}
	if c.AuditHeadInterval, err = time.ParseDuration(get("audit-head-interval")); err != nil || c.AuditHeadInterval < 10*time.Millisecond || c.AuditHeadInterval > time.Hour {
		return nil, fmt.Errorf("--audit-head-interval: want a duration from 10ms to 1h, such as 5s")
	}
	for _, d := range []struct {
		flag string
		out  *time.Duration
	}{{"staff-idle", &c.StaffIdle}, {"client-idle", &c.ClientIdle}} {
		if *d.out, err = time.ParseDuration(get(d.flag)); err != nil || *d.out < time.Minute || *d.out > 12*time.Hour {
			return nil, fmt.Errorf("--%s: want a duration from 1m to 12h, such as 15m", d.flag)
		}
	}
	c.BackupDir = get("backup-dir")
	if c.BackupEvery, err = time.ParseDuration(get("backup-every")); err != nil || c.BackupEvery < time.Second {
		return nil, fmt.Errorf("--backup-every: want a duration of a second or more, such as 6h")
	}
	if c.BackupKeep, err = strconv.Atoi(get("backup-keep")); err != nil || c.BackupKeep < 1 {
		return nil, fmt.Errorf("--backup-keep: want a whole number of backups, 1 or more")
	}
	if err := c.LogLevel.UnmarshalText([]byte(get("log-level"))); err != nil {
		return nil, fmt.Errorf("--log-level: want debug, info, warn or error")
	}
	switch get("log-format") {
	case "text":
	case "json":
		c.LogJSON = true
	default:
		return nil, fmt.Errorf("--log-format: want text or json")
	}
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		return nil, fmt.Errorf("--listen: want host:port, such as 127.0.0.1:8080")
	}
	if c.MetricsListen != "" {
		if _, _, err := net.SplitHostPort(c.MetricsListen); err != nil {
			return nil, fmt.Errorf("--metrics-listen: want host:port, such as 127.0.0.1:9464")
		}
	}
	if c.BaseURL == "" {
		c.BaseURL = "http://" + c.Listen
		if c.TLSCert != "" {
			c.BaseURL = "https://" + c.Listen
		}
	}
	return c, nil
}

// secure reports whether browsers reach the site over HTTPS: Journey
// serves TLS itself, or a proxy does in front of it (an https base URL).
// Session cookies are then Secure and __Host- prefixed, and HSTS is sent.
func (c *Config) secure() bool {
	return c.TLSCert != "" || strings.HasPrefix(c.BaseURL, "https://")
}

// logger returns the log the configuration asks for, written to out.
func (c *Config) logger(out io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogJSON {
		return slog.New(slog.NewJSONHandler(out, opts))
	}
	return slog.New(slog.NewTextHandler(out, opts))
}

// dsn returns what sqldb.Open takes: the PostgreSQL URL, or the SQLite file.
func (c *Config) dsn() string {
	if c.Database != "" {
		return c.Database
	}
	return filepath.Join(c.Data, "journey.db")
}

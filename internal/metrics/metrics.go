// Package metrics gathers Journey's Prometheus metrics and serves them on
// their own listener (--metrics-listen), apart from the site, so a scraper
// needs no session and the public never sees them.
//
// No label ever carries PHI, an email, a token or a raw URL: every label
// value comes from a set the code fixes (route patterns of the ServeMux,
// status codes, job kinds and states, outbox states, pool names, sign-in
// steps), never from what a request or a person supplied.
//
// To add a metric, make it with prometheus's constructors and pass it to
// Register; for a value read when scraped, use GaugeFunc. Backup age has
// its own setter, SetLastBackup.
package metrics

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/journey-kap/journey"
)

// Namespace prefixes every metric Journey defines.
const Namespace = "journey"

// Metrics is one process's registry and the metrics it updates itself.
type Metrics struct {
	reg      *prometheus.Registry
	log      *slog.Logger
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	signin   *prometheus.CounterVec
	throttle *prometheus.CounterVec
	errors   *prometheus.CounterVec
	// lastBackup, once set, returns when the newest good backup was
	// taken (ok false when there is none yet).
	lastBackup atomic.Pointer[func() (time.Time, bool)]
	now        journey.Clock
	pools      map[*sql.DB]bool // watched by WatchPool
}

// New returns a registry holding the Go runtime and process metrics,
// journey_build_info{version} and Journey's request and sign-in counters.
func New(version string, log *slog.Logger) *Metrics {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m := &Metrics{reg: prometheus.NewRegistry(), log: log, now: time.Now, pools: map[*sql.DB]bool{}}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: Namespace, Name: "http_requests_total",
		Help: "HTTP requests answered, by route pattern (the ServeMux pattern, never the URL) and status code."},
		[]string{"route", "code"})
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: Namespace, Name: "http_request_duration_seconds",
		Help:    "Time to answer an HTTP request, by route pattern and status code.",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}},
		[]string{"route", "code"})
	m.signin = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: Namespace, Name: "signin_failures_total",
		Help: "Sign-in attempts refused for a wrong password or an unknown account (step=password), or a wrong second factor (step=second_factor)."},
		[]string{"step"})
	m.throttle = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: Namespace, Name: "signin_throttled_total",
		Help: "Sign-in attempts refused unchecked because the account or address failed too often lately, by step."},
		[]string{"step"})
	m.errors = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: Namespace, Name: "metrics_collect_errors_total",
		Help: "Scrapes in which a source of metrics could not be read (its metrics are then missing from that scrape)."},
		[]string{"source"})
	build := prometheus.NewGauge(prometheus.GaugeOpts{Namespace: Namespace, Name: "build_info",
		Help: "Always 1; its version label is the running release.", ConstLabels: prometheus.Labels{"version": version}})
	build.Set(1)
	// Pre-declared label values show a zero before the first event, so a
	// rate() over them is defined from the start.
	for _, step := range []string{"password", "second_factor"} {
		m.signin.WithLabelValues(step)
		m.throttle.WithLabelValues(step)
	}
	m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		build, m.requests, m.duration, m.signin, m.throttle, m.errors,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: Namespace, Name: "backup_age_seconds",
			Help: "Seconds since the newest good backup was taken; +Inf when there is none yet, NaN when scheduled backups are off."},
			m.backupAge))
	return m
}

// Register adds collectors (counters, gauges, custom collectors) to the
// registry; it fails when a name is taken or a collector is invalid.
func (m *Metrics) Register(cs ...prometheus.Collector) error {
	for _, c := range cs {
		if err := m.reg.Register(c); err != nil {
			return fmt.Errorf("metrics: %w", err)
		}
	}
	return nil
}

// GaugeFunc registers journey_<name>, a gauge whose value f returns at
// each scrape; f must be quick and safe to call from any goroutine.
func (m *Metrics) GaugeFunc(name, help string, f func() float64) error {
	return m.Register(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: Namespace, Name: name, Help: help}, f))
}

// SetLastBackup makes journey_backup_age_seconds read f: when the newest
// good backup was taken, ok false while there is none.
func (m *Metrics) SetLastBackup(f func() (taken time.Time, ok bool)) { m.lastBackup.Store(&f) }

func (m *Metrics) backupAge() float64 {
	f := m.lastBackup.Load()
	if f == nil {
		return math.NaN()
	}
	t, ok := (*f)()
	if !ok {
		return math.Inf(1)
	}
	return m.now().Sub(t).Seconds()
}

// ObserveRequest counts one answered request. route must be the ServeMux
// pattern ("" when none matched), never the URL, which can hold a token.
func (m *Metrics) ObserveRequest(route string, status int, elapsed time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	code := strconv.Itoa(status)
	m.requests.WithLabelValues(route, code).Inc()
	m.duration.WithLabelValues(route, code).Observe(elapsed.Seconds())
}

// signinActions maps the audit actions of sign-in to the counter and step
// they count; every other action is ignored, so no label comes from an
// action named at run time.
var signinActions = map[[2]string]struct {
	throttled bool
	step      string
}{
	{"signin.failure", journey.AuditFailure}:       {false, "password"},
	{"signin.throttled", journey.AuditDenied}:      {true, "password"},
	{"signin.second_factor", journey.AuditFailure}: {false, "second_factor"},
	{"signin.second_factor", journey.AuditDenied}:  {true, "second_factor"},
}

// ObserveAudit counts the sign-in failures and throttles among audit
// entries as they are written; sqldb calls it for every entry.
func (m *Metrics) ObserveAudit(e *journey.AuditEntry) {
	s, ok := signinActions[[2]string{e.Action, e.Outcome}]
	if !ok {
		return
	}
	if s.throttled {
		m.throttle.WithLabelValues(s.step).Inc()
		return
	}
	m.signin.WithLabelValues(s.step).Inc()
}

// WatchPool adds database/sql's statistics of the pool (go_sql_*{db_name}:
// open, in use and idle connections, waits for one). A pool watched
// already under another name is not added again (on PostgreSQL the write,
// read and job pools are one).
func (m *Metrics) WatchPool(name string, p *sql.DB) error {
	if p == nil || m.pools[p] {
		return nil
	}
	m.pools[p] = true
	return m.Register(collectors.NewDBStatsCollector(p, name))
}

// Handler serves the registry in Prometheus's text format (or
// OpenMetrics when asked). A source that cannot be read is left out of
// that scrape and counted, rather than failing the whole scrape.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorLog: slogPrinter{m.log},
		ErrorHandling: promhttp.ContinueOnError, Registry: m.reg, MaxRequestsInFlight: 4, Timeout: 10 * time.Second})
}

// Serve answers GET /metrics on addr until ctx ends. It returns once
// listening (or failing to listen); the server stops when ctx ends.
func (m *Metrics) Serve(ctx context.Context, addr string) (net.Addr, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics: listen on %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, WriteTimeout: 30 * time.Second}
	go func() {
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.log.Error("metrics listener stopped", "error", err)
		}
	}()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(sctx)
	}()
	return ln.Addr(), nil
}

type slogPrinter struct{ log *slog.Logger }

func (p slogPrinter) Println(v ...any) { p.log.Error("metrics: " + fmt.Sprint(v...)) }

package metrics

import (
	"context"
	"regexp"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Store is what the metrics read from the database at each scrape.
// *sqldb.DB implements it.
type Store interface {
	// JobCounts returns kind → state → number of jobs in the queue.
	JobCounts(ctx context.Context) (map[string]map[string]int, error)
	// OutboxCounts returns status → number of outbox messages.
	OutboxCounts(ctx context.Context) (map[string]int, error)
	// AuditLag returns how many audit entries wait to be written, when the
	// oldest of them was recorded and since when writing fails (each zero
	// when not so).
	AuditLag() (waiting int, oldest, failingSince time.Time)
}

// storeTimeout bounds the database's answer to one scrape.
const storeTimeout = 5 * time.Second

// Outbox statuses and job states are always reported, zero or not, so a
// rule such as increase(journey_outbox_messages{status="failed"}[1h]) has
// a series from the start.
var (
	outboxStatuses = []string{"queued", "sent", "held", "failed"}
	jobStates      = []string{"available", "scheduled", "running", "retryable", "discarded", "completed", "cancelled", "pending"}
	// labelSafe is what a job kind or state read from the database must
	// look like to become a label value; anything else is counted as
	// "other", so a label can never carry what a row was made to hold.
	labelSafe = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)
)

type storeCollector struct {
	m     *Metrics
	store Store
	kinds []string // job kinds reported even with no job

	jobs, outbox, auditWaiting, auditOldest, auditFailing *prometheus.Desc
}

// WatchStore adds the database's gauges, read at each scrape: the job
// queue by kind and state (depth: available, scheduled; retries:
// retryable; failures: discarded), the outbox by status, and the audit
// writer's lag. kinds are the job kinds to report even while none is
// queued.
func (m *Metrics) WatchStore(s Store, kinds ...string) error {
	d := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc(prometheus.BuildFQName(Namespace, "", name), help, labels, nil)
	}
	return m.Register(&storeCollector{m: m, store: s, kinds: kinds,
		jobs: d("jobs", "Jobs in the queue by kind and state: available and scheduled wait to run, retryable failed and wait to be "+
			"tried again, discarded failed for good (kept 7 days), completed ran (kept 24 hours).", "kind", "state"),
		outbox: d("outbox_messages", "Outgoing messages by status: queued to send, sent, held (no SMTP server configured), "+
			"failed (every attempt failed).", "status"),
		auditWaiting: d("audit_queue_entries", "Audit entries recorded but not yet written to the audit trail."),
		auditOldest:  d("audit_oldest_unwritten_seconds", "Age of the oldest audit entry not yet written; 0 when none waits."),
		auditFailing: d("audit_write_failing", "1 while the audit trail cannot be written (readiness fails), 0 otherwise."),
	})
}

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.jobs, c.outbox, c.auditWaiting, c.auditOldest, c.auditFailing} {
		ch <- d
	}
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	c.collectJobs(ctx, ch)
	c.collectOutbox(ctx, ch)
	waiting, oldest, failing := c.store.AuditLag()
	age := 0.0
	if !oldest.IsZero() {
		age = max(0, c.m.now().Sub(oldest).Seconds())
	}
	ch <- prometheus.MustNewConstMetric(c.auditWaiting, prometheus.GaugeValue, float64(waiting))
	ch <- prometheus.MustNewConstMetric(c.auditOldest, prometheus.GaugeValue, age)
	ch <- prometheus.MustNewConstMetric(c.auditFailing, prometheus.GaugeValue, boolValue(!failing.IsZero()))
}

func (c *storeCollector) collectJobs(ctx context.Context, ch chan<- prometheus.Metric) {
	counts, err := c.store.JobCounts(ctx)
	if err != nil {
		c.failed("jobs", err)
		return
	}
	out := map[[2]string]int{}
	for _, k := range c.kinds {
		for _, s := range jobStates {
			out[[2]string{safe(k), s}] = 0
		}
	}
	for k, states := range counts {
		for s, n := range states {
			out[[2]string{safe(k), safe(s)}] += n
		}
	}
	for ks, n := range out {
		ch <- prometheus.MustNewConstMetric(c.jobs, prometheus.GaugeValue, float64(n), ks[0], ks[1])
	}
}

func (c *storeCollector) collectOutbox(ctx context.Context, ch chan<- prometheus.Metric) {
	counts, err := c.store.OutboxCounts(ctx)
	if err != nil {
		c.failed("outbox", err)
		return
	}
	out := map[string]int{}
	for _, s := range outboxStatuses {
		out[s] = 0
	}
	for s, n := range counts {
		out[safe(s)] += n
	}
	for s, n := range out {
		ch <- prometheus.MustNewConstMetric(c.outbox, prometheus.GaugeValue, float64(n), s)
	}
}

func (c *storeCollector) failed(source string, err error) {
	c.m.errors.WithLabelValues(source).Inc()
	c.m.log.Warn("metrics: cannot read from the database", "source", source, "error", err)
}

func safe(v string) string {
	if labelSafe.MatchString(v) {
		return v
	}
	return "other"
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// Package metrics holds the sync server's Prometheus metrics (github.com/prometheus/client_golang)
// in a registry of its own: HTTP requests by route and status with latency histograms,
// validations by outcome, sync pushes and pulls, job runs and failures, the e-mail outbox depth
// and the database pool. Store wraps a store.Store to count what goes through it.
package metrics

import (
	"context"
	"database/sql"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics is one server's set of metrics.
type Metrics struct {
	reg         *prometheus.Registry
	requests    *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	validations *prometheus.CounterVec
	pushes      prometheus.Counter
	scans       *prometheus.CounterVec
	pulls       prometheus.Counter
	jobRuns     *prometheus.CounterVec
	jobFailures *prometheus.CounterVec
}

// New returns the metrics, with Go runtime and process collectors.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "guichet_http_requests_total",
			Help: "HTTP requests served, by route pattern and status."}, []string{"route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "guichet_http_request_duration_seconds",
			Help:    "HTTP request latency, by route pattern.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .2, .5, 1, 2.5, 5}}, []string{"route"}),
		validations: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "guichet_validations_total",
			Help: "Countermark validations at the counter (online), by outcome."}, []string{"outcome"}),
		pushes: prometheus.NewCounter(prometheus.CounterOpts{Name: "guichet_sync_pushes_total",
			Help: "Pushes of scan events by counter devices."}),
		scans: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "guichet_sync_scans_total",
			Help: "Scan events pushed by devices, by the server's outcome."}, []string{"outcome"}),
		pulls: prometheus.NewCounter(prometheus.CounterOpts{Name: "guichet_sync_pulls_total",
			Help: "Pages of changes pulled by counter devices."}),
		jobRuns: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "guichet_job_runs_total",
			Help: "Runs of scheduled work (auto-use, pricing, payment cut, Allociné import), by job."}, []string{"job"}),
		jobFailures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "guichet_job_failures_total",
			Help: "Failed runs of scheduled work, by job."}, []string{"job"}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.validations, m.pushes, m.scans, m.pulls, m.jobRuns, m.jobFailures,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// WatchDB adds the connection pool's statistics (open, in use, idle, waits).
func (m *Metrics) WatchDB(db *sql.DB) {
	m.reg.MustRegister(collectors.NewDBStatsCollector(db, "guichet"))
}

// WatchOutbox adds the e-mail outbox depth (messages waiting to be sent), read at each scrape.
func (m *Metrics) WatchOutbox(depth func(ctx context.Context) (int, error)) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "guichet_outbox_depth",
		Help: "E-mails waiting in the outbox (pending or being sent)."}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		n, err := depth(ctx)
		if err != nil {
			return -1
		}
		return float64(n)
	}))
}

// Request records a served request; route is the matched pattern ("" when none matched).
func (m *Metrics) Request(route string, status int, d time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	m.requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(route).Observe(d.Seconds())
}

// Job records a run of the named job and whether it failed.
func (m *Metrics) Job(name string, err error) {
	m.jobRuns.WithLabelValues(name).Inc()
	if err != nil {
		m.jobFailures.WithLabelValues(name).Inc()
	}
}

// Handler serves the metrics in Prometheus' text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

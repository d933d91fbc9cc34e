package server_test

import (
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"guichet/sync/metrics"
	"guichet/sync/server"
	"guichet/sync/store/sqlstore/sqltest"
)

// /metrics counts requests by route and status and validations by outcome; /readyz follows the
// replica's readiness and its database.
func TestMetricsAndReadiness(t *testing.T) {
	sqltest.Run(t, func(t *testing.T) {
		e := newEnv(t)
		m := metrics.New()
		m.WatchDB(e.st.DB())
		m.WatchOutbox(e.st.OutboxDepth)
		var ready atomic.Bool
		srv := httptest.NewServer(server.New(m.Wrap(e.st), server.Options{Metrics: m, Ready: ready.Load}))
		defer srv.Close()
		e.srv = srv

		if status, body := e.do("GET", "/readyz", "", nil); status != 503 {
			t.Errorf("readyz while starting: %d %s", status, body)
		}
		ready.Store(true)
		if status, body := e.do("GET", "/readyz", "", nil); status != 200 {
			t.Errorf("readyz when ready: %d %s", status, body)
		}
		tok := e.demo.Tokens.Confirmed[0]
		if status, body := e.do("PATCH", "/v2/bookings/use/token/"+tok, e.demo.Keys.Cashier, nil); status != 204 {
			t.Fatalf("use: %d %s", status, body)
		}
		e.do("PATCH", "/v2/bookings/use/token/"+tok, e.demo.Keys.Cashier, nil)
		status, body := e.do("GET", "/metrics", "", nil)
		if status != 200 {
			t.Fatalf("metrics: %d", status)
		}
		text := string(body)
		for _, want := range []string{
			`guichet_http_requests_total{route="GET /readyz",status="503"} 1`,
			`guichet_http_requests_total{route="GET /readyz",status="200"} 1`,
			`guichet_http_requests_total{route="PATCH /v2/bookings/use/token/{token}",status="204"} 1`,
			`guichet_http_requests_total{route="PATCH /v2/bookings/use/token/{token}",status="410"} 1`,
			`guichet_http_request_duration_seconds_count{route="PATCH /v2/bookings/use/token/{token}"} 2`,
			`guichet_validations_total{outcome="ADMITTED"} 1`,
			`guichet_validations_total{outcome="ALREADY_USED"} 1`,
			`go_sql_open_connections{db_name="guichet"}`,
			`guichet_outbox_depth`,
		} {
			if !strings.Contains(text, want) {
				t.Errorf("metrics lack %s", want)
			}
		}
		e.st.Close()
		if status, _ := e.do("GET", "/readyz", "", nil); status != 503 {
			t.Errorf("readyz with the database closed: %d", status)
		}
	})
}

// With a metrics token, /metrics answers 401 JSON without it or with another (any scheme
// spelling), and serves the metrics with it.
func TestMetrics_Token(t *testing.T) {
	e := newEnv(t)
	srv := httptest.NewServer(server.New(e.st, server.Options{MetricsToken: "s3cret-metrics"}))
	defer srv.Close()
	e.srv = srv
	for _, cred := range []string{"", "wrong", e.demo.Keys.Manager} {
		status, body := e.do("GET", "/metrics", cred, nil)
		if status != 401 || !strings.Contains(string(body), `"code"`) {
			t.Errorf("metrics with %q: %d %s, want 401 JSON", cred, status, body)
		}
	}
	status, body := e.do("GET", "/metrics", "s3cret-metrics", nil)
	if status != 200 || !strings.Contains(string(body), "guichet_http_requests_total") {
		t.Errorf("metrics with the token: %d %.200s", status, body)
	}
}

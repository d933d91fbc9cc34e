package server_test

import (
	"context"
	"net/http"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"guichet/app"
	"guichet/sync/demo"
	"guichet/sync/server"
	"guichet/sync/store"
	"guichet/sync/store/sqlstore"
)

// benchEnv is the demo on a SQLite file with production durability (synchronous=FULL).
func benchEnv(b *testing.B) (*sqlstore.Store, *demo.Result, int64) {
	ctx := context.Background()
	st, err := sqlstore.OpenSQLite(ctx, filepath.Join(b.TempDir(), "bench.db"), sqlstore.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	paris, _ := time.LoadLocation("Europe/Paris")
	res, err := demo.Seed(ctx, st, time.Now(), paris)
	if err != nil {
		b.Fatal(err)
	}
	o, err := st.FindOffererBySIREN(ctx, "443061841")
	if err != nil {
		b.Fatal(err)
	}
	return st, res, o.ID
}

// reportLatency adds p50 and p99 per operation and operations per second.
func reportLatency(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	if len(lat) == 0 {
		return
	}
	var total time.Duration
	for _, d := range lat {
		total += d
	}
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
	b.ReportMetric(float64(len(lat))/total.Seconds(), "ops/s")
}

// BenchmarkCountermark_HTTP times one countermark check and validation as box-office software
// does it: GET /v2/bookings/token/{t} then PATCH /v2/bookings/use/token/{t}, over real HTTP on
// loopback. The validation is undone outside the timer so that every iteration validates.
func BenchmarkCountermark_HTTP(b *testing.B) {
	st, res, offerer := benchEnv(b)
	srv := &http.Server{Handler: server.New(st, server.Options{Limits: &server.Limits{}})}
	ts := newLoopback(b, srv)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	do := func(method, path string) int {
		req, _ := http.NewRequest(method, ts+path, nil)
		req.Header.Set("Authorization", "Bearer "+res.Keys.Cashier)
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	ctx := context.Background()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tok := res.Tokens.Confirmed[i%len(res.Tokens.Confirmed)]
		start := time.Now()
		if s := do("GET", "/v2/bookings/token/"+tok); s != 200 {
			b.Fatalf("get: %d", s)
		}
		if s := do("PATCH", "/v2/bookings/use/token/"+tok); s != 204 {
			b.Fatalf("use: %d", s)
		}
		lat = append(lat, time.Since(start))
		b.StopTimer()
		if out, err := st.KeepBooking(ctx, offerer, tok, store.Validator{}, time.Now()); err != nil || out.Code != app.OutcomeKept {
			b.Fatalf("keep: %v %v", out.Code, err)
		}
		b.StartTimer()
	}
	b.StopTimer()
	reportLatency(b, lat)
}

// BenchmarkCountermark_Store is the same operation called directly on the store: the reference
// for the HTTP overhead.
func BenchmarkCountermark_Store(b *testing.B) {
	st, res, offerer := benchEnv(b)
	ctx := context.Background()
	paris, _ := time.LoadLocation("Europe/Paris")
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tok := res.Tokens.Confirmed[i%len(res.Tokens.Confirmed)]
		start := time.Now()
		bk, err := st.GetBookingByToken(ctx, tok)
		if err != nil || app.CheckUse(bk, time.Now(), paris).Code != app.OutcomeAdmitted {
			b.Fatalf("get: %v", err)
		}
		if out, err := st.UseBooking(ctx, offerer, tok, store.Validator{}, time.Now()); err != nil || out.Code != app.OutcomeAdmitted {
			b.Fatalf("use: %v %v", out.Code, err)
		}
		lat = append(lat, time.Since(start))
		b.StopTimer()
		if _, err := st.KeepBooking(ctx, offerer, tok, store.Validator{}, time.Now()); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.StopTimer()
	reportLatency(b, lat)
}

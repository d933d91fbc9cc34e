package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"guichet/app"
	"guichet/sync/protocol"
	"guichet/sync/server"
	"guichet/sync/store"
)

// BenchmarkCounterDuringSigninFlood times what a counter does at every scan — its online
// validation, POST /sync/v1/scans with one event, over real HTTP on loopback — while 32 clients
// flood POST /native/v1/signin with unknown e-mails (each one costs a bcrypt comparison).
//
//   - quiet: no flood, default limits: the reference.
//   - flood/unlimited: no limit at all, bcrypt unbounded (the server before issue 14).
//   - flood/limited: the default limits with the per-IP ones off, as for a flood spread over many
//     addresses: only the cap on concurrent password checks stands between the flood and the counter.
//
// It reports the validation's p50 and p95 and the sign-ins answered per second.
func BenchmarkCounterDuringSigninFlood(b *testing.B) {
	distributed := server.DefaultLimits()
	distributed.IP, distributed.SigninIP = server.Limits{}.IP, server.Limits{}.SigninIP
	for _, bc := range []struct {
		name   string
		limits server.Limits
		flood  int
	}{
		{"quiet", server.DefaultLimits(), 0},
		{"flood/unlimited", server.Limits{}, 32},
		{"flood/limited", distributed, 32},
	} {
		b.Run(bc.name, func(b *testing.B) {
			st, res, offerer := benchEnv(b)
			limits := bc.limits
			srv := &http.Server{Handler: server.New(st, server.Options{Limits: &limits})}
			base := newLoopback(b, srv)
			counter := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 2}}
			ctx, stop := context.WithCancel(context.Background())
			var wg sync.WaitGroup
			var signins atomic.Int64
			for i := range bc.flood {
				wg.Go(func() {
					c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
					for n := 0; ctx.Err() == nil; n++ {
						body := fmt.Sprintf(`{"email":"flood%d-%d@example.org","password":"guess"}`, i, n)
						req, _ := http.NewRequestWithContext(ctx, "POST", base+"/native/v1/signin", bytes.NewReader([]byte(body)))
						req.Header.Set("Content-Type", "application/json")
						resp, err := c.Do(req)
						if err != nil {
							continue
						}
						resp.Body.Close()
						signins.Add(1)
					}
				})
			}
			time.Sleep(200 * time.Millisecond) // let the flood build up
			lat := make([]time.Duration, 0, b.N)
			start := time.Now()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				tok := res.Tokens.Confirmed[i%len(res.Tokens.Confirmed)]
				push := protocol.PushRequest{Device: "caisse-1", Events: []protocol.ScanEvent{{Nonce: fmt.Sprintf("bench-%s-%d", bc.name, i),
					Token: tok, Kind: protocol.KindUse, Mode: protocol.ModeOnline, ScannedAt: protocol.Time(time.Now())}}}
				buf, _ := json.Marshal(push)
				req, _ := http.NewRequest("POST", base+"/sync/v1/scans", bytes.NewReader(buf))
				req.Header.Set("Authorization", "Bearer "+res.Keys.Cashier)
				req.Header.Set("Content-Type", "application/json")
				t0 := time.Now()
				resp, err := counter.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				var out protocol.PushResponse
				err = json.NewDecoder(resp.Body).Decode(&out)
				resp.Body.Close()
				lat = append(lat, time.Since(t0))
				if err != nil || resp.StatusCode != 200 || len(out.Results) != 1 || out.Results[0].Verdict != string(app.OutcomeAdmitted) {
					b.Fatalf("validation %d: %d %+v %v", i, resp.StatusCode, out, err)
				}
				b.StopTimer()
				if o, err := st.KeepBooking(context.Background(), offerer, tok, store.Validator{}, time.Now()); err != nil || o.Code != app.OutcomeKept {
					b.Fatalf("keep: %v %v", o.Code, err)
				}
				b.StartTimer()
			}
			b.StopTimer()
			elapsed := time.Since(start)
			stop()
			wg.Wait()
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
			b.ReportMetric(float64(signins.Load())/elapsed.Seconds(), "signins/s")
		})
	}
}

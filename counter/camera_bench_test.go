package counter_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"guichet/app"
	"guichet/camera"
	"guichet/counter"
	"guichet/counter/cache"
	"guichet/sync/client"
)

// BenchmarkCameraToVerdict measures, through the real pipeline and the real counter logic, the
// time from the first frame showing a code to the verdict being ready to draw: a synthetic
// camera at 30 fps films a pass Culture QR code, the pipeline decodes it, and the engine
// validates it offline from its cache (with the durable outbox write). Each trial films a
// countermark never scanned before (checked: none is a repeat, every one is admitted), so none is
// answered from the repeat window. Reported: p50 and p95 in ms.
func BenchmarkCameraToVerdict(b *testing.B) {
	ctx := context.Background()
	c, err := cache.Open(ctx, filepath.Join(b.TempDir(), "cache"))
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	const trials = 20
	now := time.Now()
	next := 1000 // every trial films a countermark never scanned before
	fresh := func() []string {
		page := cache.Changes{}
		tokens := make([]string, trials)
		for i := range tokens {
			next++
			tokens[i] = toBase30(next)
			page.Bookings = append(page.Bookings, cache.Booking{Rev: int64(next), Booking: app.Booking{ID: int64(next),
				Token: tokens[i], Status: app.StatusConfirmed, Quantity: 1, BookedAt: now.AddDate(0, 0, -5),
				CancellationLimit: now.AddDate(0, 0, -3), OfferName: "Parasite", StockID: 1, ShowStart: now.Add(time.Hour),
				FirstName: "Léa", LastName: fmt.Sprint(next)}})
		}
		page.Cursor = int64(next)
		if err := c.Apply(ctx, page); err != nil {
			b.Fatal(err)
		}
		return tokens
	}
	// No server: the first scan finds it unreachable at once, every scan is decided offline.
	e := counter.New(c, client.New("http://127.0.0.1:1", "gk_x", "bench", client.Options{Retries: -1}),
		counter.Config{Device: "bench", VenueID: 1, Location: time.UTC})
	var lat []time.Duration
	seen := map[string]bool{}
	for n := 0; n < b.N; n++ {
		b.StopTimer()
		tokens := fresh()
		b.StartTimer()
		for i, tok := range tokens {
			src, err := camera.NewSyntheticSource(camera.SyntheticOptions{Payload: "PASSCULTURE:v3;TOKEN:" + tok, FPS: 30,
				Noise: 4, Seed: uint64(i + 1)})
			if err != nil {
				b.Fatal(err)
			}
			p := camera.NewPipeline(nil, camera.PipelineOptions{})
			runCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
			start := time.Now()
			done := make(chan error, 1)
			go func() { done <- p.Run(runCtx, src) }()
			select {
			case r := <-p.Results():
				v := e.Validate(ctx, r.Text)
				lat = append(lat, time.Since(start))
				if v.Code != app.OutcomeAdmitted || v.Duplicate || seen[v.Token] || v.Token != tok {
					b.Fatalf("%s: %s %s duplicate=%v (a trial must do the whole work on a fresh code)", tok, v.Code, v.Message, v.Duplicate)
				}
				seen[v.Token] = true
			case <-runCtx.Done():
				b.Fatalf("%s: no code decoded in 5 s", tok)
			}
			cancel()
			<-done
			src.Close()
		}
	}
	b.StopTimer()
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
}

package counter_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"guichet/app"
	"guichet/counter"
	"guichet/sync/client"
)

// BenchmarkEngineValidateOffline_1M times Engine.Validate offline with a million bookings
// cached: everything the counter does between Enter and the verdict — parse, the repeat window,
// the outbox check, the look-up for another day, the lookup and checks, the durable outbox write
// (synchronous=FULL), the cache update and the pending count (kept in memory). Each trial scans
// another countermark (none inside the repeat window).
func BenchmarkEngineValidateOffline_1M(b *testing.B) {
	c, tokens := benchCache(b, 1_000_000)
	ctx := context.Background()
	e := counter.New(c, client.New("http://127.0.0.1:1", "gk_x", "bench", client.Options{Retries: -1}),
		counter.Config{Device: "bench", VenueID: 1, Location: time.UTC})
	if err := e.Sync(ctx); err == nil || e.Status().Online {
		b.Fatal("the engine should be offline: no server")
	}
	first := rand.IntN(len(tokens))
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tok := tokens[(first+i*7919)%len(tokens)]
		start := time.Now()
		v := e.Validate(ctx, tok)
		lat = append(lat, time.Since(start))
		if v.Duplicate || !v.Offline || (v.Code != app.OutcomeAdmitted && v.Code != app.OutcomeAlreadyUsed) {
			b.Fatalf("%s: %s %q duplicate=%v offline=%v", tok, v.Code, v.Message, v.Duplicate, v.Offline)
		}
	}
	b.StopTimer()
	reportLatency(b, lat)
}

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
// the outbox check, the look-up, the checks and the another-day question, the outbox write made
// durable by the journal (one fdatasync), the cache update and the pending count (kept in memory).
// Each trial scans another countermark (none inside the repeat window). Without checkpoints the
// journal fills every 1 300 scans or so and the scan that finds it full checkpoints the outbox
// itself: that cost is in these figures.
func BenchmarkEngineValidateOffline_1M(b *testing.B) { benchEngineOffline(b, 0, 0) }

// BenchmarkEngineValidateOffline_1M_Checkpointed is the same with the write-ahead logs
// checkpointed every 100 scans, outside the timer, as the engine's background loop does between
// scans (after each sync attempt: every 2 s to 2 min offline): the logs are then rewritten in
// place instead of growing by every scan, as in the app. A scan that arrives during a
// checkpoint waits for it; at a counter's pace (a scan every few seconds, a checkpoint of a few
// milliseconds every 2 min at most) that is rarer than the p99 reported here.
func BenchmarkEngineValidateOffline_1M_Checkpointed(b *testing.B) { benchEngineOffline(b, 100, 0) }

// BenchmarkEngineValidateOffline_1M_Paced is the same path at a door's pace rather than back to
// back: 50 ms between two scans (twenty times faster than a cashier, who needs a second or more
// per person), and after each scan the checkpoint the engine's background loop runs when a scan
// kicks it offline, both outside the timer. Only Engine.Validate is timed, as above.
func BenchmarkEngineValidateOffline_1M_Paced(b *testing.B) {
	benchEngineOffline(b, 1, 50*time.Millisecond)
}

func benchEngineOffline(b *testing.B, checkpointEvery int, pace time.Duration) {
	c, tokens := benchCache(b, 1_000_000)
	ctx := context.Background()
	e := counter.New(c, client.New("http://127.0.0.1:1", "gk_x", "bench", client.Options{Retries: -1}),
		counter.Config{Device: "bench", VenueID: 1, Location: time.UTC})
	if err := e.Sync(ctx); err == nil || e.Status().Online {
		b.Fatal("the engine should be offline: no server")
	}
	if err := c.Checkpoint(ctx); err != nil { // what earlier runs left in the logs
		b.Fatal(err)
	}
	// Random countermarks, none twice in a run (a repeat would be answered from the repeat
	// window): most are admissions, as at a real door; the share is reported.
	seen := make(map[int]bool, b.N)
	admitted := 0
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if checkpointEvery > 0 && i%checkpointEvery == checkpointEvery-1 {
			b.StopTimer()
			if err := c.Checkpoint(ctx); err != nil {
				b.Fatal(err)
			}
			time.Sleep(pace)
			b.StartTimer()
		}
		k := rand.IntN(len(tokens))
		for seen[k] {
			k = rand.IntN(len(tokens))
		}
		seen[k] = true
		tok := tokens[k]
		start := time.Now()
		v := e.Validate(ctx, tok)
		lat = append(lat, time.Since(start))
		if v.Duplicate || !v.Offline || (v.Code != app.OutcomeAdmitted && v.Code != app.OutcomeAlreadyUsed) {
			b.Fatalf("%s: %s %q duplicate=%v offline=%v", tok, v.Code, v.Message, v.Duplicate, v.Offline)
		}
		if v.Code == app.OutcomeAdmitted {
			admitted++
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(100*admitted)/float64(b.N), "admitted-%")
	reportLatency(b, lat)
}

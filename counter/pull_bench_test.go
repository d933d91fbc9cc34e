package counter_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"guichet/app"
	"guichet/sync/server"
)

// countingWriter counts the body bytes a handler writes: what goes on the wire (after any
// compression the handler applies).
type countingWriter struct {
	http.ResponseWriter
	n *atomic.Int64
}

func (c countingWriter) Write(p []byte) (int, error) {
	c.n.Add(int64(len(p)))
	return c.ResponseWriter.Write(p)
}

// venueServer is a server with one venue of n bookings spread over showtimes: past is the share
// of them on showtimes of the last year (the venue's history), the rest on the next two weeks.
func venueServer(b *testing.B, n int, past float64) (*world, *atomic.Int64) {
	w, _ := benchServer(b, 0)
	ctx := context.Background()
	offer := &app.Offer{VenueID: w.venue.ID, Name: "Les Misérables", Version: app.VersionVF, Active: true}
	if err := w.st.CreateOffer(ctx, offer); err != nil {
		b.Fatal(err)
	}
	const perShow = 200
	shows := n / perShow
	now := time.Now()
	for i := 0; i < shows; i++ {
		start := now.Add(time.Duration(i%14+1) * 24 * time.Hour) // upcoming
		if float64(i) < past*float64(shows) {
			start = now.AddDate(0, 0, -1-(i*365)/shows) // the last year
		}
		st := &app.Stock{OfferID: offer.ID, StartsAt: start, PriceCents: 500}
		if err := w.st.CreateStock(ctx, st); err != nil {
			b.Fatal(err)
		}
		for try := 0; ; try++ { // a countermark drawn again across calls: that showtime again
			_, err := w.st.BulkBookings(ctx, st.ID, perShow, start.AddDate(0, 0, -3))
			if err == nil {
				break
			}
			if try == 5 {
				b.Fatal(err)
			}
		}
	}
	bytes := &atomic.Int64{}
	h := server.New(w.st, server.Options{})
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(countingWriter{rw, bytes}, r)
	}))
	b.Cleanup(srv.Close)
	w.srv = srv
	return w, bytes
}

// benchInitialPull times a new counter's first sync of the venue and reports the bytes the
// server sent for it.
func benchInitialPull(b *testing.B, n int, past float64) {
	w, bytes := venueServer(b, n, past)
	ctx := context.Background()
	b.ResetTimer()
	var sent int64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		e, c := benchEngine(b, w, filepath.Join(b.TempDir(), fmt.Sprint(i)))
		bytes.Store(0)
		b.StartTimer()
		if err := e.Sync(ctx); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		sent += bytes.Load()
		c.Close()
	}
	b.ReportMetric(float64(sent)/float64(b.N), "bytes/pull")
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/pull")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkInitialPull_50k: a venue with 50 000 bookings, 90 % of them on the last year's
// showtimes (its history), 10 % on the next two weeks.
func BenchmarkInitialPull_50k(b *testing.B) { benchInitialPull(b, 50_000, 0.9) }

// BenchmarkInitialPull_50kUpcoming: the same size, every booking upcoming (the pull window
// cannot help: compression alone).
func BenchmarkInitialPull_50kUpcoming(b *testing.B) { benchInitialPull(b, 50_000, 0) }

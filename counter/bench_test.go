package counter_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"guichet/app"
	"guichet/counter"
	"guichet/counter/cache"
	"guichet/sync/client"
	"guichet/sync/server"
	"guichet/sync/store/sqlstore"

	"net/http/httptest"
)

// benchCache returns a cache holding n bookings of one showtime tonight, built once and kept
// under the system temp folder between runs (building a million rows takes a minute).
func benchCache(b *testing.B, n int) (*cache.Cache, []string) {
	if testing.Short() {
		b.Skip("large data set")
	}
	ctx := context.Background()
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("guichet-bench-cache-v1-%d", n))
	tokens := make([]string, n)
	for i := range tokens {
		tokens[i] = fmt.Sprintf("%06s", toBase30(i))
	}
	_, statErr := os.Stat(filepath.Join(dir, "complete"))
	c, err := cache.Open(ctx, dir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	if statErr == nil {
		return c, tokens
	}
	now := time.Now()
	capacity := n
	page := cache.Changes{Stocks: []cache.Stock{{Rev: 1, Stock: app.Stock{ID: 1, OfferID: 1, StartsAt: now.Add(time.Hour), Capacity: &capacity}}}}
	for i, tok := range tokens {
		page.Bookings = append(page.Bookings, cache.Booking{Rev: int64(i + 2), Booking: app.Booking{ID: int64(i + 1), Token: tok,
			Status: app.StatusConfirmed, Quantity: 1, UnitPriceCents: 500, BookedAt: now.AddDate(0, 0, -10),
			CancellationLimit: now.AddDate(0, 0, -8), OfferID: 1, OfferName: "Parasite", Version: "VO", StockID: 1,
			ShowStart: now.Add(time.Hour), VenueID: 1, VenueName: "Le Méliès", FirstName: "Prénom", LastName: fmt.Sprintf("Nom%07d", i),
			Email: fmt.Sprintf("b%d@example.org", i)}})
		if len(page.Bookings) == 10_000 || i == n-1 {
			page.Cursor = int64(i + 2)
			if err := c.Apply(ctx, page); err != nil {
				b.Fatal(err)
			}
			page = cache.Changes{}
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "complete"), nil, 0o644); err != nil {
		b.Fatal(err)
	}
	return c, tokens
}

// toBase30 writes i with the countermark alphabet, so that every index is a distinct token.
func toBase30(i int) string {
	const a = app.TokenAlphabet
	out := []byte{}
	for {
		out = append([]byte{a[i%30]}, out...)
		i /= 30
		if i == 0 {
			break
		}
	}
	for len(out) < 6 {
		out = append([]byte{'A'}, out...)
	}
	return string(out)
}

func reportLatency(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}

// BenchmarkOfflineValidate_1M times one offline validation at the counter with a million
// bookings cached (Cache.Decide): the lookup, the checks, the outbox write made durable by the
// journal (one fdatasync) and the cache update.
func BenchmarkOfflineValidate_1M(b *testing.B) {
	c, tokens := benchCache(b, 1_000_000)
	ctx := context.Background()
	lat := make([]time.Duration, 0, b.N)
	r := rand.New(rand.NewPCG(1, uint64(time.Now().UnixNano())))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tok := tokens[r.IntN(len(tokens))]
		start := time.Now()
		out, err := c.Decide(ctx, fmt.Sprintf("bench-%d-%d", time.Now().UnixNano(), i), tok, "bench", time.Now(), time.UTC)
		lat = append(lat, time.Since(start))
		if err != nil || (out.Code != app.OutcomeAdmitted && out.Code != app.OutcomeAlreadyUsed) {
			b.Fatalf("%s: %v %v", tok, out.Code, err)
		}
	}
	b.StopTimer()
	reportLatency(b, lat)
}

// BenchmarkOfflineLookup_1M is the read alone, for reference.
func BenchmarkOfflineLookup_1M(b *testing.B) {
	c, tokens := benchCache(b, 1_000_000)
	ctx := context.Background()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if _, err := c.Lookup(ctx, tokens[(i*7919)%len(tokens)]); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	reportLatency(b, lat)
}

// benchServer is a real server with n bookings on one showtime.
func benchServer(b *testing.B, n int) (*world, []string) {
	if testing.Short() {
		b.Skip("large data set")
	}
	w := &world{t: &testing.T{}}
	ctx := context.Background()
	st, err := sqlstore.OpenSQLite(ctx, filepath.Join(b.TempDir(), "server.db"), sqlstore.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	w.st = st
	w.offerer = &app.Offerer{SIREN: "443061841", Name: "Ciné"}
	if err := st.CreateOfferer(ctx, w.offerer); err != nil {
		b.Fatal(err)
	}
	w.venue = &app.Venue{OffererID: w.offerer.ID, SIRET: "44306184100047", Name: "Le Méliès", Address: "1 rue", DepartmentCode: "93",
		BookingEmail: "resa@example.fr"}
	if err := st.CreateVenue(ctx, w.venue); err != nil {
		b.Fatal(err)
	}
	offer := &app.Offer{VenueID: w.venue.ID, Name: "Parasite", Version: app.VersionVO, Active: true}
	if err := st.CreateOffer(ctx, offer); err != nil {
		b.Fatal(err)
	}
	w.stock = &app.Stock{OfferID: offer.ID, StartsAt: time.Now().Add(time.Hour), PriceCents: 500}
	if err := st.CreateStock(ctx, w.stock); err != nil {
		b.Fatal(err)
	}
	tokens, err := st.BulkBookings(ctx, w.stock.ID, n, time.Now().AddDate(0, 0, -10))
	if err != nil {
		b.Fatal(err)
	}
	if w.key, _, err = st.CreateAPIKey(ctx, w.offerer.ID, app.RoleCashier, "Caisse"); err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(server.New(st, server.Options{}))
	b.Cleanup(srv.Close)
	w.srv = srv
	return w, tokens
}

func benchEngine(b *testing.B, w *world, dir string) (*counter.Engine, *cache.Cache) {
	c, err := cache.Open(context.Background(), dir)
	if err != nil {
		b.Fatal(err)
	}
	cl := client.New(w.srv.URL, w.key, "bench", client.Options{})
	return counter.New(c, cl, counter.Config{Device: "bench", VenueID: w.venue.ID, Location: time.UTC}), c
}

// BenchmarkInitialPull_100k times a new counter downloading a venue with 100 000 bookings.
func BenchmarkInitialPull_100k(b *testing.B) {
	w, _ := benchServer(b, 100_000)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		e, c := benchEngine(b, w, filepath.Join(b.TempDir(), fmt.Sprint(i)))
		b.StartTimer()
		if err := e.Sync(ctx); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		c.Close()
	}
	b.ReportMetric(100_000*float64(b.N)/b.Elapsed().Seconds(), "bookings/s")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkPush_10k times pushing 10 000 validations queued offline.
func BenchmarkPush_10k(b *testing.B) {
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		w, tokens := benchServer(b, 10_000)
		e, c := benchEngine(b, w, b.TempDir())
		if err := e.Sync(ctx); err != nil {
			b.Fatal(err)
		}
		for j, tok := range tokens {
			if _, err := c.Decide(ctx, fmt.Sprintf("n-%d", j), tok, "bench", time.Now(), time.UTC); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		if err := e.Sync(ctx); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if n, _ := c.PendingCount(ctx); n != 0 {
			b.Fatalf("%d scans left after the push", n)
		}
		c.Close()
	}
	b.ReportMetric(10_000*float64(b.N)/b.Elapsed().Seconds(), "scans/s")
}

// BenchmarkFsyncReference is the floor under a durable validation: writing 4 KiB and fsyncing
// it on the same disk, in the same run.
func BenchmarkFsyncReference(b *testing.B) { fsyncReference(b, 0) }

// BenchmarkFsyncReference_Paced is that floor at BenchmarkEngineValidateOffline_1M_Paced's
// pace: 50 ms of idleness (outside the timer) before each write.
func BenchmarkFsyncReference_Paced(b *testing.B) { fsyncReference(b, 50*time.Millisecond) }

// BenchmarkCPUReference is this machine's own tail on CPU work of a scan's size (SHA-256 of
// 640 KiB, about 0.45 ms): how far its p99 lies from its p50 without any I/O.
func BenchmarkCPUReference(b *testing.B) {
	buf := make([]byte, 640<<10)
	lat := make([]time.Duration, 0, b.N)
	for i := 0; i < b.N; i++ {
		start := time.Now()
		sum := sha256.Sum256(buf)
		lat = append(lat, time.Since(start))
		buf[0] = sum[0] // each sum depends on the last
	}
	b.StopTimer()
	reportLatency(b, lat)
}

func fsyncReference(b *testing.B, pace time.Duration) {
	f, err := os.Create(filepath.Join(b.TempDir(), "probe"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 4096)
	lat := make([]time.Duration, 0, b.N)
	for i := 0; i < b.N; i++ {
		if pace > 0 {
			b.StopTimer()
			time.Sleep(pace)
			b.StartTimer()
		}
		start := time.Now()
		if _, err := f.WriteAt(buf, int64(i%64)*4096); err != nil {
			b.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	reportLatency(b, lat)
}

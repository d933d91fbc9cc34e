package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"guichet/sync/store"
)

// The national catalogue of the discovery benchmark: 10 000 venues, 5 films each, 20 showtimes
// per film (1 000 000 showtimes) over two weeks around benchNow. Bump catalogueVersion when the
// generator changes: the file is cached under os.TempDir by that name.
const (
	catalogueVersion = "v2"
	benchVenues      = 10_000
	benchFilms       = 5
	benchShowtimes   = 20
)

var benchNow = time.Date(2026, 12, 1, 11, 0, 0, 0, time.UTC)

// cities attract most venues, as cinemas cluster where people live.
var cities = [][2]float64{
	{48.8566, 2.3522}, {45.7640, 4.8357}, {43.2965, 5.3698}, {43.6047, 1.4442}, {43.7102, 7.2620},
	{47.2184, -1.5536}, {48.5734, 7.7521}, {43.6108, 3.8767}, {44.8378, -0.5792}, {50.6292, 3.0573},
	{48.1173, -1.6778}, {49.2583, 4.0317}, {45.4397, 4.3872}, {43.1242, 5.9280}, {45.1885, 5.7245},
	{47.3220, 5.0415}, {47.4784, -0.5632}, {48.8620, 2.4410}, {49.4432, 1.0999}, {45.7772, 3.0870},
}

// catalogue opens the cached national catalogue, generating it on first use.
func catalogue(b *testing.B) *Store {
	b.Helper()
	path := filepath.Join(os.TempDir(), "guichet-bench-discovery-"+catalogueVersion+".db")
	if _, err := os.Stat(path); err != nil {
		start := time.Now()
		tmp := path + ".tmp"
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(tmp + suffix)
		}
		s, err := OpenSQLite(context.Background(), tmp, Options{SyncNormal: true})
		if err != nil {
			b.Fatal(err)
		}
		if err := generateCatalogue(s.db); err != nil {
			b.Fatal(err)
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		if err := os.Rename(tmp, path); err != nil {
			b.Fatal(err)
		}
		b.Logf("generated %s in %v", path, time.Since(start).Round(time.Second))
	}
	s, err := OpenSQLite(context.Background(), path, Options{SyncNormal: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

func generateCatalogue(db *sql.DB) error {
	r := rand.New(rand.NewPCG(3, 14))
	created := benchNow.Add(-24 * time.Hour).UnixMicro()
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	if _, err := tx.Exec(`INSERT INTO offerers (id, siren, name, created_us) VALUES (1, '000000000', 'Bench', ?)`, created); err != nil {
		return err
	}
	venue, _ := tx.Prepare(`INSERT INTO venues (id, offerer_id, siret, name, address, postal_code, city, department_code,
		latitude, longitude, booking_email, timezone, created_us) VALUES (?, 1, ?, ?, 'rue', '75000', 'Ville', '75', ?, ?,
		'resa@example.org', 'Europe/Paris', ?)`)
	offer, _ := tx.Prepare(`INSERT INTO offers (id, venue_id, name, version, duo, active, created_us, updated_us)
		VALUES (?, ?, ?, 'VF', TRUE, ?, ?, ?)`)
	for v := 1; v <= benchVenues; v++ {
		var lat, lon float64
		if v%5 < 3 { // 60 % around a city, within ~15 km
			c := cities[r.IntN(len(cities))]
			lat, lon = c[0]+r.NormFloat64()*0.1, c[1]+r.NormFloat64()*0.14
		} else { // 40 % anywhere in metropolitan France
			lat, lon = 42.5+r.Float64()*8.5, -4.5+r.Float64()*12.5
		}
		if _, err := venue.Exec(v, fmt.Sprintf("B%013d", v), fmt.Sprintf("Cinéma %d", v), lat, lon, created); err != nil {
			return err
		}
		for f := 0; f < benchFilms; f++ {
			id := (v-1)*benchFilms + f + 1
			if _, err := offer.Exec(id, v, fmt.Sprintf("Film %d", id), r.IntN(20) != 0, created, created); err != nil {
				return err
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	// 1 000 000 showtimes in transactions of 100 000: from 3 days before benchNow to 11 days after.
	id := 0
	for batch := 0; batch < benchVenues*benchFilms*benchShowtimes/100_000; batch++ {
		tx, err := db.Begin()
		if err != nil {
			return err
		}
		stock, _ := tx.Prepare(`INSERT INTO stocks (id, offer_id, starts_us, price_cents, capacity, booked, booking_limit_us,
			price_label, deleted, created_us, updated_us) VALUES (?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?)`)
		for i := 0; i < 100_000; i++ {
			id++
			offerID := (id-1)/benchShowtimes + 1
			start := benchNow.Add(-72*time.Hour + time.Duration(r.IntN(14*24*4))*15*time.Minute).UnixMicro()
			var capacity sql.NullInt64
			booked := 0
			if r.IntN(10) != 0 {
				capacity = sql.NullInt64{Int64: 100, Valid: true}
				if booked = r.IntN(101); r.IntN(20) == 0 {
					booked = 100 // full
				}
			}
			if _, err := stock.Exec(id, offerID, start, 500+r.IntN(8)*50, capacity, booked, start, r.IntN(50) == 0, created, created); err != nil {
				return err
			}
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	_, err = db.Exec(`ANALYZE`)
	return err
}

func BenchmarkSearchShowtimes(b *testing.B) {
	if testing.Short() {
		b.Skip("national catalogue: skipped with -short")
	}
	s := catalogue(b)
	ctx := context.Background()
	for _, c := range []struct {
		name   string
		radius float64
		page   int
	}{{"radius20km", 20, 1}, {"radius20km-page5", 20, 5}, {"radius100km", 100, 1}} {
		b.Run(c.name, func(b *testing.B) {
			r := rand.New(rand.NewPCG(1, 2))
			lat := make([]time.Duration, 0, b.N)
			found := 0
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				city := cities[r.IntN(len(cities))]
				q := store.ShowtimeSearch{Latitude: city[0] + r.NormFloat64()*0.05, Longitude: city[1] + r.NormFloat64()*0.05,
					RadiusKm: c.radius, Page: c.page, Per: 20}
				t0 := time.Now()
				p, err := s.SearchShowtimes(ctx, q, benchNow)
				lat = append(lat, time.Since(t0))
				if err != nil {
					b.Fatal(err)
				}
				found += p.Total
			}
			b.StopTimer()
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[int(math.Ceil(float64(len(lat))*0.99))-1].Microseconds())/1000, "p99-ms")
			b.ReportMetric(float64(found)/float64(b.N), "showtimes/query")
		})
	}
}

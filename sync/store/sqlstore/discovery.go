package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"sort"
	"time"

	"guichet/sync/store"
)

// Discovery limits.
const (
	DefaultRadiusKm  = 20
	MaxRadiusKm      = 100
	DefaultPerSearch = 20
	MaxPerSearch     = 100
	earthRadiusKm    = 6371.0088
	kmPerDegree      = earthRadiusKm * math.Pi / 180
)

// HaversineKm is the great-circle distance between two points, in kilometres.
func HaversineKm(lat1, lon1, lat2, lon2 float64) float64 {
	rad := math.Pi / 180
	dLat, dLon := (lat2-lat1)*rad, (lon2-lon1)*rad
	a := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthRadiusKm * math.Asin(math.Min(1, math.Sqrt(a)))
}

// bookableStock is the discovery's filter: a showtime that can still be booked at now (the
// start bounds the booking limit, which lets the stocks_offer index cut the past away).
const bookableStock = `o.active AND NOT s.deleted AND s.starts_us > ? AND s.booking_limit_us > ?
	AND (s.capacity IS NULL OR s.booked < s.capacity)`

type candidate struct {
	id       int64
	distance float64
	count    int
}

// SearchShowtimes finds bookable showtimes around a point. It never sorts the national
// catalogue: a bounding box on venues(latitude, longitude) picks the candidate venues, one
// grouped query counts their bookable showtimes, the haversine distance keeps those within the
// radius and orders them, and only the venues covering the requested page are read, each in
// start order. Everything runs in one read transaction, so counts and rows agree.
func (s *Store) SearchShowtimes(ctx context.Context, q store.ShowtimeSearch, now time.Time) (store.Page[store.Showtime], error) {
	page := store.Page[store.Showtime]{Items: []store.Showtime{}, Page: max(q.Page, 1), Per: q.Per}
	if page.Per <= 0 {
		page.Per = DefaultPerSearch
	}
	page.Per = min(page.Per, MaxPerSearch)
	radius := q.RadiusKm
	if radius <= 0 {
		radius = DefaultRadiusKm
	}
	radius = min(radius, MaxRadiusKm)

	dLat := radius / kmPerDegree
	dLon := 180.0
	if c := math.Cos(q.Latitude * math.Pi / 180); c > 0.01 {
		dLon = min(180, radius/(kmPerDegree*c))
	}
	tx, err := s.readTx(ctx)
	if err != nil {
		return page, fmt.Errorf("search showtimes: %w", err)
	}
	defer func() { _ = tx.Rollback() }()

	rows, err := tx.QueryContext(ctx, s.q(`SELECT v.id, v.latitude, v.longitude, COUNT(*) FROM venues v
		JOIN offers o ON o.venue_id = v.id
		JOIN stocks s ON s.offer_id = o.id
		WHERE v.latitude BETWEEN ? AND ? AND v.longitude BETWEEN ? AND ? AND `+bookableStock+`
		GROUP BY v.id, v.latitude, v.longitude`),
		q.Latitude-dLat, q.Latitude+dLat, q.Longitude-dLon, q.Longitude+dLon, us(now), us(now))
	if err != nil {
		return page, fmt.Errorf("search venues: %w", err)
	}
	var cands []candidate
	for rows.Next() {
		var c candidate
		var lat, lon float64
		if err := rows.Scan(&c.id, &lat, &lon, &c.count); err != nil {
			rows.Close()
			return page, fmt.Errorf("search venues: %w", err)
		}
		if c.distance = HaversineKm(q.Latitude, q.Longitude, lat, lon); c.distance <= radius {
			cands = append(cands, c)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return page, fmt.Errorf("search venues: %w", err)
	}
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].distance != cands[j].distance {
			return cands[i].distance < cands[j].distance
		}
		return cands[i].id < cands[j].id
	})
	for _, c := range cands {
		page.Total += c.count
	}
	skip, want := (page.Page-1)*page.Per, page.Per
	for _, c := range cands {
		if want == 0 {
			break
		}
		if skip >= c.count {
			skip -= c.count
			continue
		}
		items, err := s.venueShowtimes(ctx, tx, c, now, want, skip)
		if err != nil {
			return page, err
		}
		page.Items = append(page.Items, items...)
		want -= len(items)
		skip = 0
	}
	return page, nil
}

func (s *Store) venueShowtimes(ctx context.Context, tx *sql.Tx, c candidate, now time.Time, limit, offset int) ([]store.Showtime, error) {
	v, err := scanVenue(tx.QueryRowContext(ctx, s.q(`SELECT `+venueCols+` FROM venues WHERE id = ?`), c.id))
	if err != nil {
		return nil, fmt.Errorf("search venue %d: %w", c.id, err)
	}
	rows, err := tx.QueryContext(ctx, s.q(`SELECT o.id, o.name, COALESCE(NULLIF(s.version, ''), o.version), o.duration_minutes, o.image_url, o.duo,
		s.id, s.starts_us, s.price_cents, s.capacity, s.booked, s.booking_limit_us, s.price_label
		FROM offers o JOIN stocks s ON s.offer_id = o.id
		WHERE o.venue_id = ? AND `+bookableStock+` ORDER BY s.starts_us, s.id LIMIT ? OFFSET ?`),
		c.id, us(now), us(now), limit, offset)
	if err != nil {
		return nil, fmt.Errorf("search showtimes: %w", err)
	}
	defer rows.Close()
	var out []store.Showtime
	for rows.Next() {
		sh := store.Showtime{DistanceKm: c.distance, Venue: *v}
		var start, limitUS int64
		var capacity sql.NullInt64
		if err := rows.Scan(&sh.Offer.ID, &sh.Offer.Name, &sh.Offer.Version, &sh.Offer.DurationMinutes, &sh.Offer.ImageURL,
			&sh.Offer.Duo, &sh.Stock.ID, &start, &sh.Stock.PriceCents, &capacity, &sh.Stock.Booked, &limitUS,
			&sh.Stock.PriceLabel); err != nil {
			return nil, fmt.Errorf("search showtimes: %w", err)
		}
		sh.Offer.VenueID, sh.Offer.Active, sh.Stock.OfferID = v.ID, true, sh.Offer.ID
		sh.Stock.StartsAt, sh.Stock.BookingLimit = fromUS(start), fromUS(limitUS)
		if capacity.Valid {
			n := int(capacity.Int64)
			sh.Stock.Capacity = &n
		}
		out = append(out, sh)
	}
	return out, rows.Err()
}

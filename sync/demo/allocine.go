package demo

import (
	"context"
	"fmt"
	"time"

	"guichet/sync/store"
)

// AllocineTheaterID is the demo venue's Allociné theater id. With it, `guichet-server allocine
// import --venue ID --file app/allocine/testdata/feed.json` works right after the demo seed.
const AllocineTheaterID = "C0159"

// allocineSettings gives the demo venue its import settings: 5,00 € a place, 120 places per
// showtime, duo bookings accepted.
func allocineSettings(ctx context.Context, st Store, venueID int64, now time.Time) error {
	capacity := 120
	err := st.SetAllocineSettings(ctx, &store.AllocineSettings{VenueID: venueID, TheaterID: AllocineTheaterID,
		PriceCents: 500, Capacity: &capacity, Duo: true, Active: true}, now)
	if err != nil {
		return fmt.Errorf("demo allocine settings: %w", err)
	}
	return nil
}

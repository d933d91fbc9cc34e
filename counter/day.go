package counter

import (
	"context"
	"time"

	"guichet/app"
)

// DayBookings lists from the copy the bookings of the showtimes of day (any time of it, in the
// venue's time zone): it works offline.
func (e *Engine) DayBookings(ctx context.Context, day time.Time) ([]app.Booking, error) {
	d := day.In(e.cfg.Location)
	from := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, e.cfg.Location)
	res, err := e.cache.DayBookings(ctx, from, from.AddDate(0, 0, 1))
	out := make([]app.Booking, len(res))
	for i := range res {
		out[i] = res[i].Booking
	}
	return out, err
}

package cache

import (
	"context"
	"fmt"
	"time"
)

// DayBookings lists the bookings of the showtimes starting in [from, to), by showtime then
// name.
func (c *Cache) DayBookings(ctx context.Context, from, to time.Time) ([]Booking, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT `+bookingCols+` FROM bookings WHERE show_start_us >= ? AND show_start_us < ?
		ORDER BY show_start_us, last_name, first_name, id`, us(from), us(to))
	if err != nil {
		return nil, fmt.Errorf("day bookings: %w", err)
	}
	defer rows.Close()
	var out []Booking
	for rows.Next() {
		b, err := scanBooking(rows)
		if err != nil {
			return nil, fmt.Errorf("day bookings: %w", err)
		}
		out = append(out, *b)
	}
	return out, rows.Err()
}

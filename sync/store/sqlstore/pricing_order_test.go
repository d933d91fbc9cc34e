package sqlstore

import (
	"context"
	"testing"

	"guichet/app"
)

// TestStore_PricePending_Order checks pass Culture's pricing order (finance/api.py
// get_pricing_ordering_date): the later of the showtime's start and the use date, then id. X is
// validated early (2 March) for a showtime of 10 March, Y late (5 March) for a showtime of 1
// March: Y comes first, so Y is the booking that stays under 20 000 € and X the one that
// crosses it, whether the bookings are priced together or one at a time.
func TestStore_PricePending_Order(t *testing.T) {
	onEngines(t, func(t *testing.T) {
		for _, together := range []bool{true, false} {
			f := newFixture(t)
			ctx := context.Background()
			v := f.addVenue(t, "Studio Ordre", 48.8, 2.3)
			o := f.addOffer(t, v.ID, "Ordet")
			show1 := f.addStock(t, o.ID, paris("2026-03-01 20:00"), 10)
			show10 := f.addStock(t, o.ID, paris("2026-03-10 20:00"), 10)
			price := func(at string) {
				if !together {
					if _, err := f.s.PricePending(ctx, paris(at)); err != nil {
						t.Fatal(err)
					}
				}
			}
			f.usedBooking(t, show1, v, 1_998_500, 1, paris("2026-03-01 22:00")) // 19 985 €
			price("2026-03-01 23:00")
			x := f.usedBooking(t, show10, v, 1000, 1, paris("2026-03-02 10:00"))
			price("2026-03-02 11:00")
			y := f.usedBooking(t, show1, v, 1000, 1, paris("2026-03-05 10:00"))
			if _, err := f.s.PricePending(ctx, paris("2026-03-11 10:00")); err != nil {
				t.Fatal(err)
			}
			f.wantPricing(t, "Y (5 March) at 19 995 €", y.ID, app.Rate100, 1000)
			f.wantPricing(t, "X (10 March) at 20 005 €", x.ID, app.Rate95, 950)
		}
	})
}

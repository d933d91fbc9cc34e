-- Issue 17. pass Culture prices a venue's bookings in the order of the later of the showtime's
-- start and the use date, then id (finance/api.py get_pricing_ordering_date): each pricing keeps
-- that date (order_us). Unpaid pricings made in the old order (use date) are redone.
-- (Numbered 017xx, like the other migrations of issue 17, to stay apart from concurrent work.)

-- +goose Up
ALTER TABLE pricings ADD COLUMN order_us BIGINT NOT NULL DEFAULT 0;
UPDATE pricings SET order_us = (SELECT CASE WHEN s.starts_us > pricings.used_us THEN s.starts_us ELSE pricings.used_us END
    FROM bookings b JOIN stocks s ON s.id = b.stock_id WHERE b.id = pricings.booking_id);
CREATE INDEX pricings_venue_order ON pricings(venue_id, order_us, booking_id);
INSERT INTO pricing_queue (venue_id, from_us) SELECT DISTINCT venue_id, 0 FROM pricings WHERE transfer_id IS NULL;

-- +goose Down
DROP INDEX pricings_venue_order;
ALTER TABLE pricings DROP COLUMN order_us;

-- The nonce of the scan whose validation is in force on a booking: a keep names it (issue 13).

-- +goose Up
ALTER TABLE bookings ADD COLUMN used_nonce TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE bookings DROP COLUMN used_nonce;

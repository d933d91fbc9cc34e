-- Issue 13, PostgreSQL dialect. A booking remembers the nonce of the scan that validated it;
-- conflicts may have no booking, carry the scanned countermark, and are unique per offerer's
-- nonce. PostgreSQL alters the table in place where SQLite rebuilds it.

-- +goose Up
ALTER TABLE bookings ADD COLUMN used_nonce TEXT NOT NULL DEFAULT '';

ALTER TABLE conflicts ALTER COLUMN venue_id DROP NOT NULL;
ALTER TABLE conflicts ALTER COLUMN booking_id DROP NOT NULL;
ALTER TABLE conflicts ADD COLUMN token TEXT NOT NULL DEFAULT '';
UPDATE conflicts c SET token = b.token FROM bookings b WHERE b.id = c.booking_id;
ALTER TABLE conflicts DROP CONSTRAINT conflicts_kind_check;
ALTER TABLE conflicts ADD CONSTRAINT conflicts_kind_check CHECK (kind IN ('DOUBLE_ADMISSION', 'CANCELLED_BEFORE_SCAN',
    'NOT_USABLE', 'KEEP_NOT_APPLIED', 'UNKNOWN_COUNTERMARK'));
ALTER TABLE conflicts DROP CONSTRAINT conflicts_nonce_key;
ALTER TABLE conflicts ADD CONSTRAINT conflicts_offerer_id_nonce_key UNIQUE (offerer_id, nonce);

-- +goose Down
ALTER TABLE conflicts DROP CONSTRAINT conflicts_offerer_id_nonce_key;
DELETE FROM conflicts WHERE booking_id IS NULL OR kind NOT IN ('DOUBLE_ADMISSION', 'CANCELLED_BEFORE_SCAN', 'NOT_USABLE');
ALTER TABLE conflicts ADD CONSTRAINT conflicts_nonce_key UNIQUE (nonce);
ALTER TABLE conflicts DROP CONSTRAINT conflicts_kind_check;
ALTER TABLE conflicts ADD CONSTRAINT conflicts_kind_check CHECK (kind IN ('DOUBLE_ADMISSION', 'CANCELLED_BEFORE_SCAN', 'NOT_USABLE'));
ALTER TABLE conflicts DROP COLUMN token;
ALTER TABLE conflicts ALTER COLUMN booking_id SET NOT NULL;
ALTER TABLE conflicts ALTER COLUMN venue_id SET NOT NULL;
ALTER TABLE bookings DROP COLUMN used_nonce;

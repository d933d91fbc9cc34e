-- Issue 13. A booking remembers the nonce of the scan that validated it, so that an offline
-- "keep" (un-validation) applies only to the validation it names. Conflicts may have no booking
-- (a countermark the server does not know, or another offerer's: nothing about it is shown),
-- carry the scanned countermark themselves, and are unique per offerer's nonce.
-- (Numbered 013xx, like the other migrations of issue 13, to stay apart from concurrent work.)

-- +goose Up
ALTER TABLE bookings ADD COLUMN used_nonce TEXT NOT NULL DEFAULT '';

CREATE TABLE conflicts_new (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    offerer_id       BIGINT NOT NULL REFERENCES offerers(id),
    venue_id         BIGINT REFERENCES venues(id),
    booking_id       BIGINT REFERENCES bookings(id),
    token            TEXT   NOT NULL DEFAULT '',
    kind             TEXT   NOT NULL CHECK (kind IN ('DOUBLE_ADMISSION', 'CANCELLED_BEFORE_SCAN', 'NOT_USABLE',
                                                     'KEEP_NOT_APPLIED', 'UNKNOWN_COUNTERMARK')),
    nonce            TEXT   NOT NULL,
    device           TEXT   NOT NULL,
    scanned_us       BIGINT NOT NULL,
    other_device     TEXT   NOT NULL DEFAULT '',
    other_us         BIGINT,
    detail           TEXT   NOT NULL DEFAULT '',
    created_us       BIGINT NOT NULL,
    acknowledged_us  BIGINT,
    acknowledged_by  TEXT   NOT NULL DEFAULT '',
    UNIQUE (offerer_id, nonce)
);
INSERT INTO conflicts_new (id, offerer_id, venue_id, booking_id, token, kind, nonce, device, scanned_us, other_device,
    other_us, detail, created_us, acknowledged_us, acknowledged_by)
    SELECT c.id, c.offerer_id, c.venue_id, c.booking_id, COALESCE((SELECT b.token FROM bookings b WHERE b.id = c.booking_id), ''),
    c.kind, c.nonce, c.device, c.scanned_us, c.other_device, c.other_us, c.detail, c.created_us, c.acknowledged_us,
    c.acknowledged_by FROM conflicts c;
DROP TABLE conflicts;
ALTER TABLE conflicts_new RENAME TO conflicts;
CREATE INDEX conflicts_venue ON conflicts(venue_id, acknowledged_us);

-- +goose Down
CREATE TABLE conflicts_old (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    offerer_id       BIGINT NOT NULL REFERENCES offerers(id),
    venue_id         BIGINT NOT NULL REFERENCES venues(id),
    booking_id       BIGINT NOT NULL REFERENCES bookings(id),
    kind             TEXT   NOT NULL CHECK (kind IN ('DOUBLE_ADMISSION', 'CANCELLED_BEFORE_SCAN', 'NOT_USABLE')),
    nonce            TEXT   NOT NULL UNIQUE,
    device           TEXT   NOT NULL,
    scanned_us       BIGINT NOT NULL,
    other_device     TEXT   NOT NULL DEFAULT '',
    other_us         BIGINT,
    detail           TEXT   NOT NULL DEFAULT '',
    created_us       BIGINT NOT NULL,
    acknowledged_us  BIGINT,
    acknowledged_by  TEXT   NOT NULL DEFAULT ''
);
INSERT INTO conflicts_old SELECT id, offerer_id, venue_id, booking_id, kind, nonce, device, scanned_us, other_device,
    other_us, detail, created_us, acknowledged_us, acknowledged_by FROM conflicts
    WHERE booking_id IS NOT NULL AND kind IN ('DOUBLE_ADMISSION', 'CANCELLED_BEFORE_SCAN', 'NOT_USABLE');
DROP TABLE conflicts;
ALTER TABLE conflicts_old RENAME TO conflicts;
CREATE INDEX conflicts_venue ON conflicts(venue_id, acknowledged_us);
ALTER TABLE bookings DROP COLUMN used_nonce;

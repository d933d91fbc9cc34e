-- Sync with counter devices: a change cursor on offers, stocks and bookings, the scans pushed by
-- devices (idempotent by nonce) and the conflicts their reconciliation reveals.

-- +goose Up
-- One counter, bumped by every change. A writer holds it until commit, so revisions are
-- assigned in commit order and a client pulling "rev > cursor" never skips a change.
CREATE TABLE rev_counter (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    v   BIGINT  NOT NULL
);
INSERT INTO rev_counter (id, v) VALUES (1, 0);

ALTER TABLE offers   ADD COLUMN rev BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stocks   ADD COLUMN rev BIGINT NOT NULL DEFAULT 0;
ALTER TABLE bookings ADD COLUMN rev BIGINT NOT NULL DEFAULT 0;
CREATE INDEX offers_rev   ON offers(venue_id, rev);
CREATE INDEX stocks_rev   ON stocks(rev);
CREATE INDEX bookings_rev ON bookings(venue_id, rev);

-- +goose StatementBegin
CREATE TRIGGER offers_rev_ins AFTER INSERT ON offers BEGIN
    UPDATE rev_counter SET v = v + 1 WHERE id = 1;
    UPDATE offers SET rev = (SELECT v FROM rev_counter WHERE id = 1) WHERE id = NEW.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER offers_rev_upd AFTER UPDATE ON offers WHEN NEW.rev = OLD.rev BEGIN
    UPDATE rev_counter SET v = v + 1 WHERE id = 1;
    UPDATE offers SET rev = (SELECT v FROM rev_counter WHERE id = 1) WHERE id = NEW.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER stocks_rev_ins AFTER INSERT ON stocks BEGIN
    UPDATE rev_counter SET v = v + 1 WHERE id = 1;
    UPDATE stocks SET rev = (SELECT v FROM rev_counter WHERE id = 1) WHERE id = NEW.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER stocks_rev_upd AFTER UPDATE ON stocks WHEN NEW.rev = OLD.rev BEGIN
    UPDATE rev_counter SET v = v + 1 WHERE id = 1;
    UPDATE stocks SET rev = (SELECT v FROM rev_counter WHERE id = 1) WHERE id = NEW.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER bookings_rev_ins AFTER INSERT ON bookings BEGIN
    UPDATE rev_counter SET v = v + 1 WHERE id = 1;
    UPDATE bookings SET rev = (SELECT v FROM rev_counter WHERE id = 1) WHERE id = NEW.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER bookings_rev_upd AFTER UPDATE ON bookings WHEN NEW.rev = OLD.rev BEGIN
    UPDATE rev_counter SET v = v + 1 WHERE id = 1;
    UPDATE bookings SET rev = (SELECT v FROM rev_counter WHERE id = 1) WHERE id = NEW.id;
END;
-- +goose StatementEnd

-- Every scan a device pushed, once per nonce, with the server's verdict.
CREATE TABLE scan_events (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    nonce          TEXT   NOT NULL UNIQUE,
    offerer_id     BIGINT NOT NULL REFERENCES offerers(id),
    key_id         BIGINT NOT NULL,
    device         TEXT   NOT NULL,
    token          TEXT   NOT NULL,
    kind           TEXT   NOT NULL CHECK (kind IN ('use', 'keep')),
    mode           TEXT   NOT NULL CHECK (mode IN ('online', 'offline')),
    scanned_us     BIGINT NOT NULL,
    local_verdict  TEXT   NOT NULL DEFAULT '',
    verdict        TEXT   NOT NULL,
    message        TEXT   NOT NULL,
    booking_id     BIGINT,
    received_us    BIGINT NOT NULL
);
CREATE INDEX scan_events_booking ON scan_events(booking_id);

-- What reconciliation found: a ticket admitted offline that was also admitted elsewhere, or
-- that had been cancelled before the scan. Shown to the venue until acknowledged.
CREATE TABLE conflicts (
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
CREATE INDEX conflicts_venue ON conflicts(venue_id, acknowledged_us);

-- +goose Down
DROP TABLE conflicts;
DROP TABLE scan_events;
DROP TRIGGER bookings_rev_upd;
DROP TRIGGER bookings_rev_ins;
DROP TRIGGER stocks_rev_upd;
DROP TRIGGER stocks_rev_ins;
DROP TRIGGER offers_rev_upd;
DROP TRIGGER offers_rev_ins;
DROP TABLE rev_counter;

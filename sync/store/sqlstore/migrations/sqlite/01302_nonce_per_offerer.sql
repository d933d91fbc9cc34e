-- Issue 13. Nonces are made by devices and unique per offerer, not across offerers: another
-- offerer's device reusing a nonce must not make every push of ours fail.

-- +goose Up
CREATE TABLE scan_events_new (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    nonce          TEXT   NOT NULL,
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
    received_us    BIGINT NOT NULL,
    UNIQUE (offerer_id, nonce)
);
INSERT INTO scan_events_new (id, nonce, offerer_id, key_id, device, token, kind, mode, scanned_us, local_verdict, verdict,
    message, booking_id, received_us)
    SELECT id, nonce, offerer_id, key_id, device, token, kind, mode, scanned_us, local_verdict, verdict, message, booking_id,
    received_us FROM scan_events;
DROP TABLE scan_events;
ALTER TABLE scan_events_new RENAME TO scan_events;
CREATE INDEX scan_events_booking ON scan_events(booking_id);

-- +goose Down
CREATE TABLE scan_events_old (
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
INSERT INTO scan_events_old SELECT id, nonce, offerer_id, key_id, device, token, kind, mode, scanned_us, local_verdict,
    verdict, message, booking_id, received_us FROM scan_events
    WHERE id IN (SELECT MIN(id) FROM scan_events GROUP BY nonce);
DROP TABLE scan_events;
ALTER TABLE scan_events_old RENAME TO scan_events;
CREATE INDEX scan_events_booking ON scan_events(booking_id);

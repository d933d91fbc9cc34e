-- Online scans of a code that matches no booking are counted per key and day instead of being
-- stored one row each (issue 14: random codes must not grow the database); scan events are
-- purged by age, hence the index on their arrival.

-- +goose Up
CREATE TABLE scan_misses (
    offerer_id  BIGINT NOT NULL REFERENCES offerers(id),
    key_id      BIGINT NOT NULL,
    day         TEXT   NOT NULL, -- UTC date, YYYY-MM-DD
    misses      BIGINT NOT NULL DEFAULT 0,
    last_us     BIGINT NOT NULL,
    PRIMARY KEY (offerer_id, key_id, day)
);
CREATE INDEX scan_events_received ON scan_events(received_us);

-- +goose Down
DROP INDEX scan_events_received;
DROP TABLE scan_misses;

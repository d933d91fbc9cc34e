-- Issue 16. Each venue's Ed25519 keys for signed tickets: the server signs each booking's QR
-- payload with one of them, counters get the public halves with their pull and admit offline a
-- booking their copy does not know yet when its signature checks. Several keys are valid at once
-- (rotation), each between not_before and not_after. The private key never leaves the server.

-- +goose Up
CREATE TABLE ticket_keys (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    venue_id       BIGINT NOT NULL REFERENCES venues(id),
    public_key     BLOB  NOT NULL,
    private_key    BLOB  NOT NULL,
    not_before_us  BIGINT NOT NULL,
    not_after_us   BIGINT NOT NULL,
    created_us     BIGINT NOT NULL
);
CREATE INDEX ticket_keys_venue ON ticket_keys(venue_id, not_after_us);

-- +goose Down
DROP TABLE ticket_keys;

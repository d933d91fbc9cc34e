-- Issue 16. Admissions other counters of the venue made offline and told this one about over
-- the local network (counter/lan). Not the outbox: each counter pushes only its own; these only
-- make an offline scan here refuse the ticket, until a sync with the server makes them moot.

-- +goose Up
CREATE TABLE peer_validations (
    nonce        TEXT    PRIMARY KEY,
    token        TEXT    NOT NULL,
    device       TEXT    NOT NULL,
    at_us        BIGINT  NOT NULL,
    received_us  BIGINT  NOT NULL
);
CREATE INDEX peer_validations_token ON peer_validations(token, at_us);

-- +goose Down
DROP TABLE peer_validations;

-- Every validation made at this counter, kept until the server has answered it. Its own file,
-- synchronous=FULL: a lost cache is rebuilt from the server, a lost outbox would lose scans.

-- +goose Up
CREATE TABLE outbox (
    nonce           TEXT    PRIMARY KEY,
    token           TEXT    NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('use', 'keep')),
    mode            TEXT    NOT NULL CHECK (mode IN ('online', 'offline')),
    scanned_us      BIGINT  NOT NULL,
    local_verdict   TEXT    NOT NULL DEFAULT '',
    state           TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    server_verdict  TEXT    NOT NULL DEFAULT '',
    server_message  TEXT    NOT NULL DEFAULT '',
    done_us         BIGINT
);
CREATE INDEX outbox_pending ON outbox(state, scanned_us);

-- +goose Down
DROP TABLE outbox;

-- The counter's offline copy of its venue: rebuilt from the server whenever it is lost.

-- +goose Up
CREATE TABLE meta (
    k TEXT PRIMARY KEY,
    v TEXT NOT NULL
);

CREATE TABLE offers (
    id                INTEGER PRIMARY KEY,
    name              TEXT    NOT NULL,
    version           TEXT    NOT NULL,
    duration_minutes  INTEGER NOT NULL,
    duo               BOOLEAN NOT NULL,
    active            BOOLEAN NOT NULL,
    rev               BIGINT  NOT NULL
);

CREATE TABLE stocks (
    id           INTEGER PRIMARY KEY,
    offer_id     BIGINT  NOT NULL,
    starts_us    BIGINT  NOT NULL,
    price_cents  BIGINT  NOT NULL,
    capacity     INTEGER,
    booked       INTEGER NOT NULL,
    deleted      BOOLEAN NOT NULL,
    rev          BIGINT  NOT NULL
);
CREATE INDEX stocks_start ON stocks(starts_us);

CREATE TABLE bookings (
    id                     INTEGER PRIMARY KEY,
    token                  TEXT    NOT NULL UNIQUE,
    status                 TEXT    NOT NULL,
    quantity               INTEGER NOT NULL,
    unit_price_cents       BIGINT  NOT NULL,
    booked_us              BIGINT  NOT NULL,
    cancellation_limit_us  BIGINT,
    used_us                BIGINT,
    used_by                TEXT    NOT NULL DEFAULT '',
    used_key               TEXT    NOT NULL DEFAULT '',
    used_device            TEXT    NOT NULL DEFAULT '',
    cancelled_us           BIGINT,
    offer_id               BIGINT  NOT NULL,
    offer_name             TEXT    NOT NULL,
    version                TEXT    NOT NULL,
    stock_id               BIGINT  NOT NULL,
    show_start_us          BIGINT  NOT NULL,
    venue_id               BIGINT  NOT NULL,
    venue_name             TEXT    NOT NULL,
    first_name             TEXT    NOT NULL,
    last_name              TEXT    NOT NULL,
    email                  TEXT    NOT NULL,
    phone                  TEXT    NOT NULL,
    search                 TEXT    NOT NULL,
    rev                    BIGINT  NOT NULL
);
CREATE INDEX bookings_stock ON bookings(stock_id, status);

-- Conflicts the server found, as last fetched.
CREATE TABLE conflicts (
    id            INTEGER PRIMARY KEY,
    kind          TEXT   NOT NULL,
    token         TEXT   NOT NULL,
    offer_name    TEXT   NOT NULL,
    beneficiary   TEXT   NOT NULL,
    device        TEXT   NOT NULL,
    scanned_us    BIGINT NOT NULL,
    other_device  TEXT   NOT NULL,
    other_us      BIGINT,
    detail        TEXT   NOT NULL,
    acked         BOOLEAN NOT NULL DEFAULT FALSE
);

-- +goose Down
DROP TABLE conflicts;
DROP TABLE bookings;
DROP TABLE stocks;
DROP TABLE offers;
DROP TABLE meta;

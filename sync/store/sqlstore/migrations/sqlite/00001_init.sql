-- Guichet server schema. Times are BIGINT microseconds since the Unix epoch, UTC; money is
-- integer cents. Migrations are append-only: never edit one that has shipped, add the next.

-- +goose Up
CREATE TABLE offerers (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    siren       TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    closed      BOOLEAN NOT NULL DEFAULT FALSE,
    created_us  BIGINT  NOT NULL
);

CREATE TABLE venues (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    offerer_id           BIGINT  NOT NULL REFERENCES offerers(id),
    siret                TEXT    NOT NULL UNIQUE,
    name                 TEXT    NOT NULL,
    address              TEXT    NOT NULL,
    postal_code          TEXT    NOT NULL DEFAULT '',
    city                 TEXT    NOT NULL DEFAULT '',
    department_code      TEXT    NOT NULL,
    latitude             DOUBLE PRECISION NOT NULL,
    longitude            DOUBLE PRECISION NOT NULL,
    booking_email        TEXT    NOT NULL,
    timezone             TEXT    NOT NULL,
    allocine_theater_id  TEXT    NOT NULL DEFAULT '',
    created_us           BIGINT  NOT NULL
);
CREATE INDEX venues_offerer ON venues(offerer_id);

CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    offerer_id   BIGINT NOT NULL REFERENCES offerers(id),
    prefix       TEXT   NOT NULL,
    secret_hash  TEXT   NOT NULL UNIQUE,
    role         TEXT   NOT NULL CHECK (role IN ('manager', 'cashier')),
    label        TEXT   NOT NULL,
    created_us   BIGINT NOT NULL,
    revoked_us   BIGINT
);
CREATE INDEX api_keys_offerer ON api_keys(offerer_id);

CREATE TABLE offers (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    venue_id          BIGINT  NOT NULL REFERENCES venues(id),
    name              TEXT    NOT NULL,
    description       TEXT    NOT NULL DEFAULT '',
    image_url         TEXT    NOT NULL DEFAULT '',
    duration_minutes  INTEGER NOT NULL DEFAULT 0,
    version           TEXT    NOT NULL DEFAULT 'VF',
    duo               BOOLEAN NOT NULL DEFAULT TRUE,
    active            BOOLEAN NOT NULL DEFAULT TRUE,
    allocine_id       TEXT    NOT NULL DEFAULT '',
    created_us        BIGINT  NOT NULL,
    updated_us        BIGINT  NOT NULL
);
CREATE INDEX offers_venue ON offers(venue_id);

CREATE TABLE stocks (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    offer_id          BIGINT  NOT NULL REFERENCES offers(id),
    starts_us         BIGINT  NOT NULL,
    price_cents       BIGINT  NOT NULL CHECK (price_cents >= 0),
    capacity          INTEGER CHECK (capacity IS NULL OR capacity >= 0),
    booked            INTEGER NOT NULL DEFAULT 0 CHECK (booked >= 0),
    booking_limit_us  BIGINT  NOT NULL,
    price_label       TEXT    NOT NULL DEFAULT '',
    deleted           BOOLEAN NOT NULL DEFAULT FALSE,
    created_us        BIGINT  NOT NULL,
    updated_us        BIGINT  NOT NULL,
    CONSTRAINT stock_not_overbooked CHECK (capacity IS NULL OR booked <= capacity)
);
CREATE INDEX stocks_offer ON stocks(offer_id, starts_us);
CREATE INDEX stocks_start ON stocks(starts_us);

CREATE TABLE beneficiaries (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    email               TEXT   NOT NULL UNIQUE,
    first_name          TEXT   NOT NULL,
    last_name           TEXT   NOT NULL,
    phone               TEXT   NOT NULL DEFAULT '',
    birth_date          TEXT   NOT NULL,
    deposit_cents       BIGINT NOT NULL,
    spent_cents         BIGINT NOT NULL DEFAULT 0,
    deposit_expires_us  BIGINT NOT NULL,
    created_us          BIGINT NOT NULL,
    CONSTRAINT credit_not_overspent CHECK (spent_cents >= 0 AND spent_cents <= deposit_cents)
);

CREATE TABLE bookings (
    id                     INTEGER PRIMARY KEY AUTOINCREMENT,
    token                  TEXT    NOT NULL UNIQUE,
    beneficiary_id         BIGINT  NOT NULL REFERENCES beneficiaries(id),
    stock_id               BIGINT  NOT NULL REFERENCES stocks(id),
    offer_id               BIGINT  NOT NULL REFERENCES offers(id),
    venue_id               BIGINT  NOT NULL REFERENCES venues(id),
    offerer_id             BIGINT  NOT NULL REFERENCES offerers(id),
    quantity               INTEGER NOT NULL CHECK (quantity IN (1, 2)),
    unit_price_cents       BIGINT  NOT NULL CHECK (unit_price_cents >= 0),
    status                 TEXT    NOT NULL CHECK (status IN ('CONFIRMED', 'USED', 'CANCELLED', 'REIMBURSED')),
    booked_us              BIGINT  NOT NULL,
    cancellation_limit_us  BIGINT,
    used_us                BIGINT,
    used_by                TEXT    NOT NULL DEFAULT '',
    used_key_id            BIGINT,
    used_key_label         TEXT    NOT NULL DEFAULT '',
    used_device            TEXT    NOT NULL DEFAULT '',
    cancelled_us           BIGINT,
    cancellation_reason    TEXT    NOT NULL DEFAULT '',
    reimbursed_us          BIGINT,
    updated_us             BIGINT  NOT NULL
);
-- One non-cancelled booking per beneficiary per offer, enforced by the database.
CREATE UNIQUE INDEX bookings_one_per_offer ON bookings(beneficiary_id, offer_id) WHERE status <> 'CANCELLED';
CREATE INDEX bookings_venue ON bookings(venue_id, stock_id);
CREATE INDEX bookings_stock ON bookings(stock_id, status);
CREATE INDEX bookings_status ON bookings(status, stock_id);
CREATE INDEX bookings_beneficiary ON bookings(beneficiary_id);

-- Append-only history of what happened to each booking: who validated it, from which counter.
CREATE TABLE booking_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    booking_id  BIGINT NOT NULL REFERENCES bookings(id),
    kind        TEXT   NOT NULL,
    at_us       BIGINT NOT NULL,
    author      TEXT   NOT NULL DEFAULT '',
    key_id      BIGINT,
    device      TEXT   NOT NULL DEFAULT ''
);
CREATE INDEX booking_events_booking ON booking_events(booking_id);

-- +goose Down
DROP TABLE booking_events;
DROP TABLE bookings;
DROP TABLE beneficiaries;
DROP TABLE stocks;
DROP TABLE offers;
DROP TABLE api_keys;
DROP TABLE venues;
DROP TABLE offerers;

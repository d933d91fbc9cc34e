-- Issue 3: beneficiaries sign in, discovery by geolocation, notification outbox, scheduled jobs.

-- +goose Up
-- bcrypt hash of the beneficiary's password; '' means no password (cannot sign in).
ALTER TABLE beneficiaries ADD COLUMN password_hash TEXT NOT NULL DEFAULT '';

-- Spatial pre-filter of the discovery: a bounding box on latitude, then longitude.
CREATE INDEX venues_geo ON venues(latitude, longitude);
-- Covering indexes for the discovery's count per venue: a venue's active offers, and an offer's
-- future showtimes with everything the "bookable" filter reads, so the count never touches rows.
CREATE INDEX offers_venue_active ON offers(venue_id, active);
CREATE INDEX stocks_bookable ON stocks(offer_id, starts_us, booking_limit_us, deleted, capacity, booked);

-- Server-wide secrets generated once and shared by every replica (the sign-in token key).
CREATE TABLE secrets (
    name        TEXT   PRIMARY KEY,
    value       BLOB   NOT NULL,
    created_us  BIGINT NOT NULL
);

-- Last successful run of each scheduled job (the automatic validation), to catch up after downtime.
CREATE TABLE job_runs (
    name        TEXT   PRIMARY KEY,
    last_run_us BIGINT NOT NULL,
    result      TEXT   NOT NULL DEFAULT ''
);

-- Durable e-mail outbox, written in the transaction of the booking or cancellation it announces.
-- status: PENDING (to send, at next_attempt_us), SENDING (claimed until lease_until_us), SENT, FAILED
-- (permanently: malformed address, or too many attempts).
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    booking_id       BIGINT  NOT NULL REFERENCES bookings(id),
    event            TEXT    NOT NULL CHECK (event IN ('BOOKED', 'CANCELLED')),
    audience         TEXT    NOT NULL CHECK (audience IN ('VENUE', 'BENEFICIARY')),
    recipient        TEXT    NOT NULL,
    reason           TEXT    NOT NULL DEFAULT '',
    status           TEXT    NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SENDING', 'SENT', 'FAILED')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_us  BIGINT  NOT NULL,
    lease_until_us   BIGINT,
    last_error       TEXT    NOT NULL DEFAULT '',
    created_us       BIGINT  NOT NULL,
    sent_us          BIGINT
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_us);
CREATE INDEX outbox_booking ON outbox(booking_id);

-- +goose Down
DROP TABLE outbox;
DROP TABLE job_runs;
DROP TABLE secrets;
DROP INDEX stocks_bookable;
DROP INDEX offers_venue_active;
DROP INDEX venues_geo;
ALTER TABLE beneficiaries DROP COLUMN password_hash;

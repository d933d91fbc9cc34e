-- Issue 7: payouts. Pricing of used bookings on the reimbursement scale, bank accounts, payment
-- cuts (1st and 16th), transfers and their statements.

-- +goose Up
-- Stable pricing order of a venue's used bookings (use date, then id), covering what the pricing reads.
CREATE INDEX bookings_venue_used ON bookings(venue_id, used_us, id, status, unit_price_cents, quantity);

-- One row per priced booking (USED, or REIMBURSED once paid). rate_bp is in basis points
-- (9500 = 95 %); revenue_cents is the venue's revenue of the year up to and including it.
-- transfer_id is set when a cut pays it; paid rows never change again.
CREATE TABLE pricings (
    booking_id        BIGINT  PRIMARY KEY REFERENCES bookings(id) ON DELETE CASCADE,
    venue_id          BIGINT  NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
    used_us           BIGINT  NOT NULL,
    amount_cents      BIGINT  NOT NULL CHECK (amount_cents >= 0),
    revenue_cents     BIGINT  NOT NULL,
    rate_bp           INTEGER NOT NULL CHECK (rate_bp > 0 AND rate_bp <= 10000),
    reimbursed_cents  BIGINT  NOT NULL CHECK (reimbursed_cents >= 0),
    priced_us         BIGINT  NOT NULL,
    transfer_id       BIGINT  REFERENCES transfers(id) ON DELETE SET NULL
);
CREATE INDEX pricings_venue ON pricings(venue_id, used_us, booking_id);
CREATE INDEX pricings_unpaid ON pricings(transfer_id, venue_id);

-- Foreign keys cascade so that the demo's re-seed (PurgeOfferer) still deletes an offerer.

-- Venues whose pricing must be redone from a use date on: written by the triggers below on every
-- change that makes a booking USED or un-USED, whatever the code path (counter, sync, auto-use,
-- showtime move, cancellation), and drained by the pricing job.
CREATE TABLE pricing_queue (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    venue_id  BIGINT NOT NULL,
    from_us   BIGINT NOT NULL
);

-- Bookings already used before this migration are priced by the first run of the job.
INSERT INTO pricing_queue (venue_id, from_us)
SELECT venue_id, MIN(used_us) FROM bookings WHERE status = 'USED' AND used_us IS NOT NULL GROUP BY venue_id;

-- +goose StatementBegin
CREATE TRIGGER bookings_pricing_upd AFTER UPDATE OF status, used_us ON bookings
WHEN (OLD.status = 'USED' OR NEW.status = 'USED') AND NEW.status <> 'REIMBURSED'
     AND (OLD.status <> NEW.status OR OLD.used_us IS NOT NEW.used_us)
BEGIN
    DELETE FROM pricings WHERE booking_id = NEW.id AND transfer_id IS NULL;
    INSERT INTO pricing_queue (venue_id, from_us)
    VALUES (NEW.venue_id, MIN(COALESCE(OLD.used_us, NEW.used_us, 0), COALESCE(NEW.used_us, OLD.used_us, 0)));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER bookings_pricing_ins AFTER INSERT ON bookings WHEN NEW.status = 'USED'
BEGIN
    INSERT INTO pricing_queue (venue_id, from_us) VALUES (NEW.venue_id, COALESCE(NEW.used_us, 0));
END;
-- +goose StatementEnd

-- Bank accounts of an offerer; status pending → accepted or refused (by pass Culture).
CREATE TABLE bank_accounts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    offerer_id  BIGINT NOT NULL REFERENCES offerers(id) ON DELETE CASCADE,
    label       TEXT   NOT NULL,
    iban        TEXT   NOT NULL,
    bic         TEXT   NOT NULL,
    status      TEXT   NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'refused')),
    created_us  BIGINT NOT NULL,
    updated_us  BIGINT NOT NULL
);
CREATE INDEX bank_accounts_offerer ON bank_accounts(offerer_id);

-- The bank account of each venue: one at a time (the primary key), one account for many venues.
CREATE TABLE venue_bank_accounts (
    venue_id         BIGINT PRIMARY KEY REFERENCES venues(id) ON DELETE CASCADE,
    bank_account_id  BIGINT NOT NULL REFERENCES bank_accounts(id) ON DELETE CASCADE,
    since_us         BIGINT NOT NULL
);
CREATE INDEX venue_bank_accounts_account ON venue_bank_accounts(bank_account_id);

-- One payment cut per payment day (1st or 16th), a batch labelled VIRn (n = id).
CREATE TABLE payment_cuts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    cut_day     TEXT   NOT NULL UNIQUE, -- YYYY-MM-DD
    cutoff_us   BIGINT NOT NULL,
    label       TEXT   NOT NULL UNIQUE,
    report      TEXT   NOT NULL DEFAULT '',
    created_us  BIGINT NOT NULL
);

-- One transfer per bank account per cut, with its statement (gap-free number per year).
CREATE TABLE transfers (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    cut_id            BIGINT NOT NULL REFERENCES payment_cuts(id),
    bank_account_id   BIGINT NOT NULL REFERENCES bank_accounts(id) ON DELETE CASCADE,
    offerer_id        BIGINT NOT NULL REFERENCES offerers(id) ON DELETE CASCADE,
    amount_cents      BIGINT NOT NULL,
    booking_cents     BIGINT NOT NULL,
    account_label     TEXT   NOT NULL,
    iban              TEXT   NOT NULL,
    bic               TEXT   NOT NULL,
    ref_year          INTEGER NOT NULL,
    ref_number        INTEGER NOT NULL,
    reference         TEXT   NOT NULL UNIQUE,
    created_us        BIGINT NOT NULL,
    UNIQUE (cut_id, bank_account_id),
    UNIQUE (ref_year, ref_number)
);
CREATE INDEX transfers_offerer ON transfers(offerer_id, created_us);

-- +goose Down
DROP TABLE transfers;
DROP TABLE payment_cuts;
DROP TABLE venue_bank_accounts;
DROP TABLE bank_accounts;
DROP TRIGGER bookings_pricing_ins;
DROP TRIGGER bookings_pricing_upd;
DROP TABLE pricing_queue;
DROP TABLE pricings;
DROP INDEX bookings_venue_used;

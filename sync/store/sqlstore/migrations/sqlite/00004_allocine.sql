-- Programme and Allociné import (issue 6): per-venue import settings, the import reports, the
-- Allociné key of imported showtimes and what the venue edited on a showtime (an import then
-- leaves those fields alone), and downloaded posters.

-- +goose Up
CREATE TABLE allocine_settings (
    venue_id     BIGINT  PRIMARY KEY REFERENCES venues(id) ON DELETE CASCADE,
    theater_id   TEXT    NOT NULL,
    price_cents  BIGINT  NOT NULL CHECK (price_cents >= 0 AND price_cents <= 30000),
    capacity     INTEGER CHECK (capacity IS NULL OR capacity >= 0),
    duo          BOOLEAN NOT NULL DEFAULT TRUE,
    active       BOOLEAN NOT NULL DEFAULT TRUE,
    updated_us   BIGINT  NOT NULL
);

CREATE TABLE allocine_imports (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    venue_id     BIGINT  NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
    at_us        BIGINT  NOT NULL,
    ok           BOOLEAN NOT NULL,
    report       TEXT    NOT NULL
);
CREATE INDEX allocine_imports_venue ON allocine_imports(venue_id, id);

ALTER TABLE stocks ADD COLUMN allocine_key TEXT;
-- What the venue edited on a showtime, a bit mask: 1 price, 2 capacity, 4 booking limit, 8 start.
ALTER TABLE stocks ADD COLUMN venue_edited INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX stocks_allocine ON stocks(offer_id, allocine_key) WHERE allocine_key IS NOT NULL;
CREATE INDEX offers_allocine ON offers(venue_id, allocine_id) WHERE allocine_id <> '';

CREATE TABLE posters (
    url           TEXT   PRIMARY KEY,
    content_type  TEXT   NOT NULL,
    data          BLOB   NOT NULL,
    fetched_us    BIGINT NOT NULL
);

-- +goose Down
DROP TABLE posters;
DROP INDEX offers_allocine;
DROP INDEX stocks_allocine;
ALTER TABLE stocks DROP COLUMN venue_edited;
ALTER TABLE stocks DROP COLUMN allocine_key;
DROP TABLE allocine_imports;
DROP TABLE allocine_settings;

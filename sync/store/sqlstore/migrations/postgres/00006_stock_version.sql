-- A showtime has its own version (VF/VO). PostgreSQL dialect.

-- +goose Up
ALTER TABLE stocks ADD COLUMN version TEXT NOT NULL DEFAULT '';
UPDATE stocks SET version = substr(allocine_key, 1, 2)
    WHERE allocine_key IS NOT NULL AND substr(allocine_key, 1, 3) IN ('VF/', 'VO/');

-- +goose Down
ALTER TABLE stocks DROP COLUMN version;

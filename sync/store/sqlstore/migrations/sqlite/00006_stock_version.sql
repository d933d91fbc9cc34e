-- A showtime has its own version (VF/VO): a film shown dubbed and in its original version has
-- showtimes of both. '' means "the film's version".

-- +goose Up
ALTER TABLE stocks ADD COLUMN version TEXT NOT NULL DEFAULT '';
-- Imported showtimes carry their version in their key ("VO/2026-…").
UPDATE stocks SET version = substr(allocine_key, 1, 2)
    WHERE allocine_key IS NOT NULL AND substr(allocine_key, 1, 3) IN ('VF/', 'VO/');

-- +goose Down
ALTER TABLE stocks DROP COLUMN version;

-- A showtime's own version (VF/VO); '' means the film's.

-- +goose Up
ALTER TABLE stocks ADD COLUMN version TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE stocks DROP COLUMN version;

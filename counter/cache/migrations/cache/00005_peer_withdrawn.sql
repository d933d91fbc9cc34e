-- A counter that undoes ("Invalider") one of its validations tells its peers, which stop refusing
-- the ticket for it. The row stays, marked withdrawn: a copy of the admission arriving later
-- (a catch-up exchange sent before the withdrawal) does not bring it back.

-- +goose Up
ALTER TABLE peer_validations ADD COLUMN withdrawn INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE peer_validations DROP COLUMN withdrawn;

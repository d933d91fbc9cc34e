-- A keep names the validation it undoes (its nonce; '' for a validation made without a counter
-- scan). NULL for events recorded before this column existed.

-- +goose Up
ALTER TABLE outbox ADD COLUMN undoes TEXT;

-- +goose Down
ALTER TABLE outbox DROP COLUMN undoes;

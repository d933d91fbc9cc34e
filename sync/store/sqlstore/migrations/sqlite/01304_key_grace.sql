-- Issue 13. A revoked key's counter may go on admitting offline until a time the manager sets
-- (by default the end of the day of the revocation); the refusal tells the counter when.

-- +goose Up
ALTER TABLE api_keys ADD COLUMN offline_until_us BIGINT;

-- +goose Down
ALTER TABLE api_keys DROP COLUMN offline_until_us;

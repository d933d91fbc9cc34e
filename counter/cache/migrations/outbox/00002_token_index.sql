-- Pulls ask, for each booking, whether an event of its countermark is still pending.

-- +goose Up
CREATE INDEX outbox_token ON outbox(token, state);

-- +goose Down
DROP INDEX outbox_token;

-- Issue 13, PostgreSQL dialect. Nonces are unique per offerer, not across offerers.

-- +goose Up
ALTER TABLE scan_events DROP CONSTRAINT scan_events_nonce_key;
ALTER TABLE scan_events ADD CONSTRAINT scan_events_offerer_id_nonce_key UNIQUE (offerer_id, nonce);

-- +goose Down
ALTER TABLE scan_events DROP CONSTRAINT scan_events_offerer_id_nonce_key;
DELETE FROM scan_events WHERE id NOT IN (SELECT MIN(id) FROM scan_events GROUP BY nonce);
ALTER TABLE scan_events ADD CONSTRAINT scan_events_nonce_key UNIQUE (nonce);

-- Issue 16. Each venue's LAN secret: the key material its counters authenticate their messages
-- to each other with on the local network (counter/lan). Made on the first pull that needs it
-- and delivered with the pull (protocol.Changes.LANSecret).

-- +goose Up
CREATE TABLE venue_lan_secrets (
    venue_id  BIGINT PRIMARY KEY REFERENCES venues (id) ON DELETE CASCADE,
    secret    TEXT   NOT NULL
);

-- +goose Down
DROP TABLE venue_lan_secrets;

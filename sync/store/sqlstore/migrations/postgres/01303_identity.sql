-- Issue 13. Every database has an identity, carried in every page of changes and in the
-- counters' cursors: a counter whose copy came from another database (a restore made with
-- "guichet-server db new-identity", a replaced server) downloads its copy again.

-- +goose Up
CREATE TABLE db_identity (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    v   TEXT    NOT NULL
);
INSERT INTO db_identity (id, v) VALUES (1, md5(random()::text || clock_timestamp()::text));

-- +goose Down
DROP TABLE db_identity;

-- Rate-limit buckets every replica shares (sign-in attempts per e-mail): one row per bucket
-- holding its theoretical arrival time (GCRA) in microseconds. A bucket whose time has passed is
-- full, and such rows are purged with old scan events.

-- +goose Up
CREATE TABLE rate_buckets (
    bucket  TEXT   PRIMARY KEY,
    tat_us  BIGINT NOT NULL
);

-- +goose Down
DROP TABLE rate_buckets;

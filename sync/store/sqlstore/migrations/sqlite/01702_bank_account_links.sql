-- Issue 17. The venue–bank account link has a history, as pass Culture's VenueBankAccountLink
-- (a timespan): a payment cut pays a venue through the link valid at its cutoff.
-- venue_bank_accounts stays the current link. Links made before this migration have no known
-- start: they count from the beginning.

-- +goose Up
CREATE TABLE venue_bank_account_links (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    venue_id         BIGINT NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
    bank_account_id  BIGINT NOT NULL REFERENCES bank_accounts(id) ON DELETE CASCADE,
    since_us         BIGINT NOT NULL,
    until_us         BIGINT -- NULL: the current link
);
CREATE INDEX venue_bank_account_links_venue ON venue_bank_account_links(venue_id, since_us);
CREATE INDEX venue_bank_account_links_account ON venue_bank_account_links(bank_account_id);
INSERT INTO venue_bank_account_links (venue_id, bank_account_id, since_us)
    SELECT venue_id, bank_account_id, 0 FROM venue_bank_accounts;

-- +goose Down
DROP TABLE venue_bank_account_links;

-- Issue 13. A counter shows, with each booking, its film's name and version, its showtime's start
-- and the beneficiary's name and contact: a change to any of them bumps the revision of the
-- bookings concerned, so that it reaches the counters' copies.

-- +goose Up
-- +goose StatementBegin
CREATE TRIGGER offers_touch_bookings AFTER UPDATE OF name, version ON offers
WHEN NEW.name <> OLD.name OR NEW.version <> OLD.version BEGIN
    UPDATE bookings SET rev = rev WHERE offer_id = NEW.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER stocks_touch_bookings AFTER UPDATE OF starts_us, version ON stocks
WHEN NEW.starts_us <> OLD.starts_us OR NEW.version <> OLD.version BEGIN
    UPDATE bookings SET rev = rev WHERE stock_id = NEW.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER beneficiaries_touch_bookings AFTER UPDATE OF first_name, last_name, email, phone ON beneficiaries
WHEN NEW.first_name <> OLD.first_name OR NEW.last_name <> OLD.last_name OR NEW.email <> OLD.email OR NEW.phone <> OLD.phone BEGIN
    UPDATE bookings SET rev = rev WHERE beneficiary_id = NEW.id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER beneficiaries_touch_bookings;
DROP TRIGGER stocks_touch_bookings;
DROP TRIGGER offers_touch_bookings;

-- Issue 13, PostgreSQL dialect. A change to what a counter shows with a booking (film name and
-- version, showtime start and version, beneficiary's name and contact) touches the bookings
-- concerned; their deferred revision stamp then gives them new revisions at commit.

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION touch_bookings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('UPDATE bookings SET rev = rev WHERE %I = $1', TG_ARGV[0]) USING NEW.id;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER offers_touch_bookings AFTER UPDATE OF name, version ON offers FOR EACH ROW
    WHEN (NEW.name IS DISTINCT FROM OLD.name OR NEW.version IS DISTINCT FROM OLD.version)
    EXECUTE FUNCTION touch_bookings('offer_id');
CREATE TRIGGER stocks_touch_bookings AFTER UPDATE OF starts_us, version ON stocks FOR EACH ROW
    WHEN (NEW.starts_us IS DISTINCT FROM OLD.starts_us OR NEW.version IS DISTINCT FROM OLD.version)
    EXECUTE FUNCTION touch_bookings('stock_id');
CREATE TRIGGER beneficiaries_touch_bookings AFTER UPDATE OF first_name, last_name, email, phone ON beneficiaries FOR EACH ROW
    WHEN (NEW.first_name IS DISTINCT FROM OLD.first_name OR NEW.last_name IS DISTINCT FROM OLD.last_name
          OR NEW.email IS DISTINCT FROM OLD.email OR NEW.phone IS DISTINCT FROM OLD.phone)
    EXECUTE FUNCTION touch_bookings('beneficiary_id');

-- +goose Down
DROP TRIGGER beneficiaries_touch_bookings ON beneficiaries;
DROP TRIGGER stocks_touch_bookings ON stocks;
DROP TRIGGER offers_touch_bookings ON offers;
DROP FUNCTION touch_bookings();

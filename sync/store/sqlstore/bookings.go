package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"guichet/app"
	"guichet/sync/store"
)

// CreateBeneficiary stores a beneficiary. A zero deposit means the store's configured credit
// (Options.Credit: 300 € valid two years by default) from its creation.
func (s *Store) CreateBeneficiary(ctx context.Context, b *app.Beneficiary) error {
	b.Email = strings.ToLower(strings.TrimSpace(b.Email))
	switch {
	case !app.ValidEmail(b.Email):
		return app.FieldError("email", "L'adresse e-mail n'est pas valide.")
	case strings.TrimSpace(b.FirstName) == "" || strings.TrimSpace(b.LastName) == "":
		return app.FieldError("name", "Le prénom et le nom sont obligatoires.")
	case b.DateOfBirth.IsZero():
		return app.FieldError("dateOfBirth", "La date de naissance est obligatoire.")
	}
	now := time.Now().UTC()
	if b.CreatedAt.IsZero() {
		b.CreatedAt = now
	}
	if b.DepositCents == 0 {
		b.DepositCents = s.credit.Cents
	}
	if b.DepositExpires.IsZero() {
		b.DepositExpires = s.credit.Expiry(b.CreatedAt, s.location(app.DefaultTimezone))
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		id, err := lastID(ctx, tx, s, `INSERT INTO beneficiaries (email, first_name, last_name, phone, birth_date,
			deposit_cents, spent_cents, deposit_expires_us, created_us) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)`,
			b.Email, b.FirstName, b.LastName, b.Phone, b.DateOfBirth.Format(time.DateOnly), b.DepositCents,
			us(b.DepositExpires), us(b.CreatedAt))
		if violates(err, "beneficiaries.email", "beneficiaries_email_key") {
			return app.Errorf(app.ECONFLICT, "Un bénéficiaire avec l'adresse %s existe déjà.", b.Email)
		}
		if err != nil {
			return fmt.Errorf("insert beneficiary: %w", err)
		}
		b.ID, b.SpentCents = id, 0
		return nil
	})
}

// GetBeneficiary returns a beneficiary by id.
func (s *Store) GetBeneficiary(ctx context.Context, id int64) (*app.Beneficiary, error) {
	return s.getBeneficiary(ctx, s.rdb, id)
}

func (s *Store) getBeneficiary(ctx context.Context, q querier, id int64) (*app.Beneficiary, error) {
	var b app.Beneficiary
	var birth string
	var expires, created int64
	err := q.QueryRowContext(ctx, s.q(`SELECT id, email, first_name, last_name, phone, birth_date, deposit_cents,
		spent_cents, deposit_expires_us, created_us FROM beneficiaries WHERE id = ?`), id).
		Scan(&b.ID, &b.Email, &b.FirstName, &b.LastName, &b.Phone, &birth, &b.DepositCents, &b.SpentCents, &expires, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Bénéficiaire")
	}
	if err != nil {
		return nil, fmt.Errorf("get beneficiary: %w", err)
	}
	b.DateOfBirth, _ = time.Parse(time.DateOnly, birth)
	b.DepositExpires, b.CreatedAt = fromUS(expires), fromUS(created)
	return &b, nil
}

// pass Culture's booking refusals, with its native API's reasons.
var (
	errStockNotBookable = app.Refusal(app.EINVALID, app.ReasonStockNotBookable, "Ce stock n'est pas réservable")
	errAlreadyBooked    = app.Refusal(app.ECONFLICT, app.ReasonAlreadyBooked, "Cette offre a déjà été reservée par l'utilisateur")
	errInsufficientFund = app.Refusal(app.EINVALID, app.ReasonInsufficientCredit, "Le solde de votre pass est insuffisant pour réserver cette offre.")
)

// CreateBooking books a stock. The checks run in pass Culture's order (core/bookings/api.py:
// already booked, quantity, bookable, credit) so that the first refusal is the same; the
// database enforces the same limits (stock_not_overbooked, credit_not_overspent,
// bookings_one_per_offer) so that concurrent bookings can neither overbook nor overspend.
func (s *Store) CreateBooking(ctx context.Context, r store.BookingRequest, now time.Time) (*app.Booking, error) {
	var token string
	err := s.tx(ctx, func(tx *sql.Tx) error {
		st, err := s.getStock(ctx, tx, r.StockID)
		if err != nil {
			return err
		}
		offer, err := s.getOffer(ctx, tx, st.OfferID)
		if err != nil {
			return err
		}
		var venueID, offererID int64
		if err := tx.QueryRowContext(ctx, s.q(`SELECT v.id, v.offerer_id FROM venues v WHERE v.id = ?`), offer.VenueID).
			Scan(&venueID, &offererID); err != nil {
			return fmt.Errorf("booking venue: %w", err)
		}
		ben, err := s.getBeneficiary(ctx, tx, r.BeneficiaryID)
		if err != nil {
			return err
		}
		var exists int
		err = tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM bookings WHERE beneficiary_id = ? AND offer_id = ? AND status <> 'CANCELLED'`),
			ben.ID, offer.ID).Scan(&exists)
		if err != nil {
			return fmt.Errorf("check booking: %w", err)
		}
		amount := st.PriceCents * int64(r.Quantity)
		switch {
		case exists > 0:
			return errAlreadyBooked
		case offer.Duo && (r.Quantity < 1 || r.Quantity > 2):
			return app.FieldError("quantity", "Vous devez réserver une place ou deux dans le cas d'une offre DUO.")
		case !offer.Duo && r.Quantity != 1:
			return app.FieldError("quantity", "Vous ne pouvez réserver qu'une place pour cette offre.")
		case !offer.Active || !st.Bookable(r.Quantity, now):
			return errStockNotBookable
		case amount > ben.RemainingCents(now):
			return errInsufficientFund
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE stocks SET booked = booked + ?, updated_us = ? WHERE id = ?`),
			r.Quantity, us(now), st.ID); err != nil {
			if violates(err, "stock_not_overbooked") {
				return errStockNotBookable
			}
			return fmt.Errorf("hold places: %w", err)
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE beneficiaries SET spent_cents = spent_cents + ? WHERE id = ?`),
			amount, ben.ID); err != nil {
			if violates(err, "credit_not_overspent") {
				return errInsufficientFund
			}
			return fmt.Errorf("debit credit: %w", err)
		}
		limit := app.CancellationLimit(st.StartsAt, now)
		for attempt := 0; ; attempt++ {
			if token, err = app.NewToken(s.rand); err != nil {
				return err
			}
			var id int64
			err := s.savepoint(ctx, tx, func() (err error) {
				id, err = lastID(ctx, tx, s, `INSERT INTO bookings (token, beneficiary_id, stock_id, offer_id, venue_id, offerer_id,
					quantity, unit_price_cents, status, booked_us, cancellation_limit_us, updated_us)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'CONFIRMED', ?, ?, ?)`,
					token, ben.ID, st.ID, offer.ID, venueID, offererID, r.Quantity, st.PriceCents, us(now), us(limit), us(now))
				return err
			})
			switch {
			case err == nil:
				if err := s.event(ctx, tx, id, "BOOK", now, "", store.Validator{}); err != nil {
					return err
				}
				return s.enqueue(ctx, tx, id, store.EventBooked, "", now)
			case violates(err, "bookings_one_per_offer", "bookings.beneficiary_id"):
				return errAlreadyBooked
			case violates(err, "bookings.token", "bookings_token_key") && attempt < 10:
				continue // a countermark collision: draw another
			default:
				return fmt.Errorf("insert booking: %w", err)
			}
		}
	})
	if err != nil {
		return nil, err
	}
	return s.GetBookingByToken(ctx, token)
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

func (s *Store) event(ctx context.Context, tx *sql.Tx, bookingID int64, kind string, at time.Time, author app.ValidationAuthor, v store.Validator) error {
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO booking_events (booking_id, kind, at_us, author, key_id, device)
		VALUES (?, ?, ?, ?, ?, ?)`), bookingID, kind, us(at), string(author), nullID(v.KeyID), v.Device)
	if err != nil {
		return fmt.Errorf("record %s: %w", strings.ToLower(kind), err)
	}
	return nil
}

// bookingView selects a booking with the facts the counter and the countermark API show.
const bookingView = `SELECT b.id, b.token, b.status, b.quantity, b.unit_price_cents, b.booked_us, b.cancellation_limit_us,
	b.used_us, b.used_by, b.used_key_label, b.used_device, b.used_nonce, b.cancelled_us, b.cancellation_reason, b.reimbursed_us,
	f.id, f.closed, v.id, v.name, v.address, v.postal_code, v.city, v.department_code, v.timezone,
	o.id, o.name, o.duration_minutes, o.image_url, COALESCE(NULLIF(s.version, ''), o.version), o.duo, s.id, s.starts_us, s.price_label,
	u.id, u.first_name, u.last_name, u.email, u.phone, u.birth_date
	FROM bookings b
	JOIN stocks s ON s.id = b.stock_id
	JOIN offers o ON o.id = b.offer_id
	JOIN venues v ON v.id = b.venue_id
	JOIN offerers f ON f.id = b.offerer_id
	JOIN beneficiaries u ON u.id = b.beneficiary_id`

func scanBooking(row rowScanner) (*app.Booking, error) {
	var b app.Booking
	var status, usedBy, reason, birth string
	var booked, start int64
	var limit, used, cancelled, reimbursed sql.NullInt64
	err := row.Scan(&b.ID, &b.Token, &status, &b.Quantity, &b.UnitPriceCents, &booked, &limit,
		&used, &usedBy, &b.UsedByKey, &b.UsedByDevice, &b.UsedNonce, &cancelled, &reason, &reimbursed,
		&b.OffererID, &b.OffererClosed, &b.VenueID, &b.VenueName, &b.VenueAddress, &b.VenuePostal, &b.VenueCity, &b.VenueDept,
		&b.VenueTimezone, &b.OfferID, &b.OfferName, &b.OfferMinutes, &b.OfferImageURL, &b.Version, &b.Duo, &b.StockID, &start, &b.PriceLabel,
		&b.BeneficiaryID, &b.FirstName, &b.LastName, &b.Email, &b.Phone, &birth)
	if err != nil {
		return nil, err
	}
	b.Status, b.UsedBy, b.CancellationReason = app.BookingStatus(status), app.ValidationAuthor(usedBy), app.CancellationReason(reason)
	b.BookedAt, b.CancellationLimit, b.ShowStart = fromUS(booked), fromNullUS(limit), fromUS(start)
	b.UsedAt, b.CancelledAt, b.ReimbursedAt = fromNullUS(used), fromNullUS(cancelled), fromNullUS(reimbursed)
	b.DateOfBirth, _ = time.Parse(time.DateOnly, birth)
	return &b, nil
}

// GetBookingByToken returns the booking of a countermark, whatever its case.
func (s *Store) GetBookingByToken(ctx context.Context, token string) (*app.Booking, error) {
	return s.bookingByToken(ctx, s.rdb, token, "")
}

func (s *Store) bookingByToken(ctx context.Context, q querier, token, suffix string) (*app.Booking, error) {
	token = app.NormalizeToken(token)
	if app.CheckTokenInput(token) != "" {
		return nil, app.Errorf(app.ENOTFOUND, app.MsgNotFound)
	}
	b, err := scanBooking(q.QueryRowContext(ctx, s.q(bookingView+` WHERE b.token = ?`+suffix), token))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, app.Errorf(app.ENOTFOUND, app.MsgNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("get booking: %w", err)
	}
	return b, nil
}

// MaxPerPage caps a page of bookings.
const MaxPerPage = 500

// ListBookings returns a page of a venue's bookings, by showtime then booking.
func (s *Store) ListBookings(ctx context.Context, f store.BookingFilter) (store.Page[app.Booking], error) {
	page := store.Page[app.Booking]{Items: []app.Booking{}, Page: max(f.Page, 1), Per: f.Per}
	if page.Per <= 0 {
		page.Per = 50
	}
	page.Per = min(page.Per, MaxPerPage)
	where := ` WHERE b.offerer_id = ? AND b.venue_id = ?`
	args := []any{f.OffererID, f.VenueID}
	if f.StockID != 0 {
		where += ` AND b.stock_id = ?`
		args = append(args, f.StockID)
	}
	if f.Status != "" {
		where += ` AND b.status = ?`
		args = append(args, string(f.Status))
	}
	if !f.Day.IsZero() {
		v, err := s.GetVenue(ctx, f.VenueID)
		if err != nil {
			return page, err
		}
		loc := s.location(v.Timezone)
		y, m, d := f.Day.Date()
		from := time.Date(y, m, d, 0, 0, 0, 0, loc)
		where += ` AND s.starts_us >= ? AND s.starts_us < ?`
		args = append(args, us(from), us(from.AddDate(0, 0, 1)))
	}
	err := s.rdb.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM bookings b JOIN stocks s ON s.id = b.stock_id`+where), args...).Scan(&page.Total)
	if err != nil {
		return page, fmt.Errorf("count bookings: %w", err)
	}
	rows, err := s.rdb.QueryContext(ctx, s.q(bookingView+where+` ORDER BY s.starts_us, b.id LIMIT ? OFFSET ?`),
		append(args, page.Per, (page.Page-1)*page.Per)...)
	if err != nil {
		return page, fmt.Errorf("list bookings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		b, err := scanBooking(rows)
		if err != nil {
			return page, fmt.Errorf("list bookings: %w", err)
		}
		page.Items = append(page.Items, *b)
	}
	return page, rows.Err()
}

// counterOp loads a booking for a counter operation inside a write transaction and checks
// that it belongs to the caller's offerer.
func (s *Store) counterOp(ctx context.Context, offererID int64, token string, fn func(tx *sql.Tx, b *app.Booking) (app.Outcome, error)) (app.Outcome, error) {
	var out app.Outcome
	err := s.tx(ctx, func(tx *sql.Tx) error {
		b, err := s.bookingByToken(ctx, tx, token, s.dialect.forUpdate)
		if app.ErrorCode(err) == app.ENOTFOUND {
			out = app.NotFoundOutcome()
			return nil
		}
		if err != nil {
			return err
		}
		if b.OffererID != offererID {
			out = app.OtherOffererOutcome()
			return nil
		}
		out, err = fn(tx, b)
		return err
	})
	return out, err
}

// UseBooking validates a countermark at the counter (author OFFERER), recording the key and
// the device.
func (s *Store) UseBooking(ctx context.Context, offererID int64, token string, v store.Validator, now time.Time) (app.Outcome, error) {
	return s.counterOp(ctx, offererID, token, func(tx *sql.Tx, b *app.Booking) (app.Outcome, error) {
		out := app.CheckUse(b, now, s.location(b.VenueTimezone))
		if out.Code != app.OutcomeAdmitted {
			return out, nil
		}
		return out, s.setUsed(ctx, tx, b, v, now)
	})
}

var errConcurrent = errors.New("changed concurrently")

// KeepBooking undoes a validation: the booking goes back to CONFIRMED.
func (s *Store) KeepBooking(ctx context.Context, offererID int64, token string, v store.Validator, now time.Time) (app.Outcome, error) {
	return s.counterOp(ctx, offererID, token, func(tx *sql.Tx, b *app.Booking) (app.Outcome, error) {
		out := app.CheckKeep(b)
		if out.Code != app.OutcomeKept {
			return out, nil
		}
		return out, s.setUnused(ctx, tx, b, v, now)
	})
}

// CancelBookingByOfferer cancels a booking for the venue; its places and credit return.
func (s *Store) CancelBookingByOfferer(ctx context.Context, offererID int64, token string, v store.Validator, now time.Time) (app.Outcome, error) {
	return s.counterOp(ctx, offererID, token, func(tx *sql.Tx, b *app.Booking) (app.Outcome, error) {
		out := app.CheckCancelByOfferer(b)
		if out.Code != app.OutcomeCancelledOK {
			return out, nil
		}
		if err := s.cancelBooking(ctx, tx, b.ID, app.CancelledByOfferer, v, now); err != nil {
			return out, err
		}
		b.Status, b.CancelledAt, b.CancellationReason = app.StatusCancelled, now.UTC(), app.CancelledByOfferer
		return out, nil
	})
}

// cancelBooking cancels a CONFIRMED booking and gives back its places and credit.
func (s *Store) cancelBooking(ctx context.Context, tx *sql.Tx, id int64, reason app.CancellationReason, v store.Validator, now time.Time) error {
	var stockID, benID, amount int64
	var qty int
	err := tx.QueryRowContext(ctx, s.q(`SELECT stock_id, beneficiary_id, quantity, unit_price_cents * quantity FROM bookings WHERE id = ?`), id).
		Scan(&stockID, &benID, &qty, &amount)
	if err != nil {
		return fmt.Errorf("cancel booking: %w", err)
	}
	res, err := tx.ExecContext(ctx, s.q(`UPDATE bookings SET status = 'CANCELLED', cancelled_us = ?, cancellation_reason = ?,
		updated_us = ? WHERE id = ? AND status = 'CONFIRMED'`), us(now), string(reason), us(now), id)
	if err != nil {
		return fmt.Errorf("cancel booking: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("cancel booking %d: %w", id, errConcurrent)
	}
	if _, err := tx.ExecContext(ctx, s.q(`UPDATE stocks SET booked = booked - ?, updated_us = ? WHERE id = ?`), qty, us(now), stockID); err != nil {
		return fmt.Errorf("release places: %w", err)
	}
	if _, err := tx.ExecContext(ctx, s.q(`UPDATE beneficiaries SET spent_cents = spent_cents - ? WHERE id = ?`), amount, benID); err != nil {
		return fmt.Errorf("refund credit: %w", err)
	}
	if err := s.event(ctx, tx, id, "CANCEL_"+string(reason), now, "", v); err != nil {
		return err
	}
	return s.enqueue(ctx, tx, id, store.EventCancelled, reason, now)
}

// AutoUse validates, with author AUTO, the CONFIRMED bookings of showtimes that started more
// than 48 h before now. Running it again changes nothing.
func (s *Store) AutoUse(ctx context.Context, now time.Time) (int, error) {
	var n int
	err := s.tx(ctx, func(tx *sql.Tx) error {
		cutoff := us(app.AutoUseCutoff(now))
		if s.dialect.locks {
			return s.autoUseLocked(ctx, tx, now, cutoff, &n)
		}
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO booking_events (booking_id, kind, at_us, author)
			SELECT b.id, 'USE', ?, 'AUTO' FROM bookings b JOIN stocks s ON s.id = b.stock_id
			WHERE b.status = 'CONFIRMED' AND s.starts_us < ?`), us(now), cutoff)
		if err != nil {
			return fmt.Errorf("auto-use events: %w", err)
		}
		res, err := tx.ExecContext(ctx, s.q(`UPDATE bookings SET status = 'USED', used_us = ?, used_by = 'AUTO', used_nonce = '', updated_us = ?
			WHERE status = 'CONFIRMED' AND stock_id IN (SELECT id FROM stocks WHERE starts_us < ?)`), us(now), us(now), cutoff)
		if err != nil {
			return fmt.Errorf("auto-use: %w", err)
		}
		rows, _ := res.RowsAffected()
		n = int(rows)
		return nil
	})
	return n, err
}

// autoUseLocked is AutoUse on a database with concurrent writers: one run at a time across
// replicas, and the events are written for exactly the rows the update changed (a booking the
// counter validated meanwhile is neither re-validated nor given an AUTO event).
func (s *Store) autoUseLocked(ctx context.Context, tx *sql.Tx, now time.Time, cutoff int64, n *int) error {
	if err := s.xactLock(ctx, tx, lockAutoUse, 0); err != nil {
		return err
	}
	err := tx.QueryRowContext(ctx, s.q(`WITH used AS (
			UPDATE bookings SET status = 'USED', used_us = ?, used_by = 'AUTO', updated_us = ?
			WHERE status = 'CONFIRMED' AND stock_id IN (SELECT id FROM stocks WHERE starts_us < ?) RETURNING id),
		ev AS (INSERT INTO booking_events (booking_id, kind, at_us, author) SELECT id, 'USE', ?, 'AUTO' FROM used)
		SELECT COUNT(*) FROM used`), us(now), us(now), cutoff, us(now)).Scan(n)
	if err != nil {
		return fmt.Errorf("auto-use: %w", err)
	}
	return nil
}

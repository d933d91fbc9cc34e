package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"guichet/app"
	"guichet/sync/store"
)

// SetBeneficiaryPassword stores a beneficiary's password hash.
func (s *Store) SetBeneficiaryPassword(ctx context.Context, id int64, hash string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE beneficiaries SET password_hash = ? WHERE id = ?`), hash, id)
		if err != nil {
			return fmt.Errorf("set password: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return notFound("Bénéficiaire")
		}
		return nil
	})
}

// BeneficiaryCredentials returns the beneficiary with this e-mail and its password hash.
func (s *Store) BeneficiaryCredentials(ctx context.Context, email string) (*app.Beneficiary, string, error) {
	var id int64
	var hash string
	err := s.rdb.QueryRowContext(ctx, s.q(`SELECT id, password_hash FROM beneficiaries WHERE email = ?`),
		strings.ToLower(strings.TrimSpace(email))).Scan(&id, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", notFound("Bénéficiaire")
	}
	if err != nil {
		return nil, "", fmt.Errorf("beneficiary credentials: %w", err)
	}
	b, err := s.getBeneficiary(ctx, s.rdb, id)
	return b, hash, err
}

// Secret returns the secret called name, creating it with size random bytes the first time.
// Concurrent first calls (several replicas) agree on one value: the insert is ignored when a
// row exists and the stored value is read back.
func (s *Store) Secret(ctx context.Context, name string, size int) ([]byte, error) {
	var out []byte
	err := s.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, s.q(`SELECT value FROM secrets WHERE name = ?`), name).Scan(&out)
		if err == nil {
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("read secret: %w", err)
		}
		v := make([]byte, size)
		if _, err := io.ReadFull(s.rand, v); err != nil {
			return fmt.Errorf("draw secret: %w", err)
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO secrets (name, value, created_us) VALUES (?, ?, ?)
			ON CONFLICT (name) DO NOTHING`), name, v, us(time.Now())); err != nil {
			return fmt.Errorf("store secret: %w", err)
		}
		return tx.QueryRowContext(ctx, s.q(`SELECT value FROM secrets WHERE name = ?`), name).Scan(&out)
	})
	return out, err
}

// GetBooking returns a booking by id.
func (s *Store) GetBooking(ctx context.Context, id int64) (*app.Booking, error) {
	return s.bookingByID(ctx, s.rdb, id)
}

func (s *Store) bookingByID(ctx context.Context, q querier, id int64) (*app.Booking, error) {
	b, err := scanBooking(q.QueryRowContext(ctx, s.q(bookingView+` WHERE b.id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Réservation")
	}
	if err != nil {
		return nil, fmt.Errorf("get booking: %w", err)
	}
	return b, nil
}

// ListBeneficiaryBookings returns a beneficiary's bookings, the latest first.
func (s *Store) ListBeneficiaryBookings(ctx context.Context, beneficiaryID int64) ([]app.Booking, error) {
	return list(ctx, s.rdb, "list my bookings", scanBooking, s.q(bookingView+` WHERE b.beneficiary_id = ? ORDER BY b.booked_us DESC, b.id DESC`), beneficiaryID)
}

// cancelReason is the native API's reason of a beneficiary's cancellation refusal.
func cancelReason(c app.OutcomeCode) string {
	switch c {
	case app.OutcomeTooLate:
		return app.ReasonConfirmedBooking
	case app.OutcomeCannotCancel:
		return app.ReasonAlreadyUsed
	case app.OutcomeAlreadyCanceled:
		return app.ReasonAlreadyCancelled
	}
	return ""
}

// CancelBookingByBeneficiary cancels a beneficiary's own booking with pass Culture's checks.
func (s *Store) CancelBookingByBeneficiary(ctx context.Context, beneficiaryID, bookingID int64, now time.Time) (*app.Booking, error) {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		b, err := s.bookingByID(ctx, tx, bookingID)
		if err != nil {
			return err
		}
		if b.BeneficiaryID != beneficiaryID {
			return notFound("Réservation")
		}
		if out := app.CheckCancelByBeneficiary(b, now); out.Code != app.OutcomeCancelledOK {
			return app.Refusal(app.EINVALID, cancelReason(out.Code), out.Message)
		}
		return s.cancelBooking(ctx, tx, b.ID, app.CancelledByBeneficiary, store.Validator{}, now)
	})
	if err != nil {
		return nil, err
	}
	return s.GetBooking(ctx, bookingID)
}

// enqueue writes the e-mails announcing event on a booking into the outbox, inside the
// transaction of the event itself: one for the venue's booking address, one for the beneficiary.
func (s *Store) enqueue(ctx context.Context, tx *sql.Tx, bookingID int64, event string, reason app.CancellationReason, now time.Time) error {
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO outbox (booking_id, event, audience, recipient, reason, next_attempt_us, created_us)
		SELECT b.id, ?, 'VENUE', v.booking_email, ?, CAST(? AS BIGINT), CAST(? AS BIGINT) FROM bookings b JOIN venues v ON v.id = b.venue_id WHERE b.id = ?
		UNION ALL
		SELECT b.id, ?, 'BENEFICIARY', u.email, ?, CAST(? AS BIGINT), CAST(? AS BIGINT) FROM bookings b JOIN beneficiaries u ON u.id = b.beneficiary_id WHERE b.id = ?`),
		event, string(reason), us(now), us(now), bookingID,
		event, string(reason), us(now), us(now), bookingID)
	if err != nil {
		return fmt.Errorf("enqueue notification: %w", err)
	}
	return nil
}

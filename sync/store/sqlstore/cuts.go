package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"guichet/app"
	"guichet/sync/store"
)

// RunPaymentCut runs the payment cut of day (the 1st or the 16th, not in the future): the
// pending pricings are done first, then every priced booking used before the cutoff (midnight
// Europe/Paris at the start of day) whose showtime started before it too is paid, one transfer
// per accepted bank account, each with a statement numbered gap-free in the year. Venues
// without an accepted account are skipped and reported. The cut of a day runs once: a second
// run returns the first one's report with AlreadyDone set.
func (s *Store) RunPaymentCut(ctx context.Context, day, now time.Time) (store.CutReport, error) {
	paris := s.location(app.DefaultTimezone)
	day = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, paris)
	if err := app.CheckCutDay(day, now, paris); err != nil {
		return store.CutReport{}, err
	}
	if _, err := s.PricePending(ctx, now); err != nil {
		return store.CutReport{}, err
	}
	cutoff := us(app.CutCutoff(day, paris))
	rep := store.CutReport{Day: day}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.xactLock(ctx, tx, lockCut, 0); err != nil {
			return err
		}
		var stored string
		err := tx.QueryRowContext(ctx, s.q(`SELECT report FROM payment_cuts WHERE cut_day = ?`), day.Format(time.DateOnly)).Scan(&stored)
		if err == nil {
			if err := json.Unmarshal([]byte(stored), &rep); err != nil {
				return fmt.Errorf("payment cut report: %w", err)
			}
			rep.AlreadyDone = true
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("payment cut: %w", err)
		}
		var next int64
		if err := tx.QueryRowContext(ctx, s.q(`SELECT COALESCE(MAX(id), 0) + 1 FROM payment_cuts`)).Scan(&next); err != nil {
			return fmt.Errorf("payment cut: %w", err)
		}
		rep.BatchLabel = app.BatchLabel(next)
		cutID, err := lastID(ctx, tx, s, `INSERT INTO payment_cuts (id, cut_day, cutoff_us, label, created_us) VALUES (?, ?, ?, ?, ?)`,
			next, day.Format(time.DateOnly), cutoff, rep.BatchLabel, us(now))
		if err != nil {
			return fmt.Errorf("payment cut: %w", err)
		}
		// A change that landed since the pricing step above (an un-use, a late offline push) is
		// re-priced here, inside the cut's transaction, so that no stale pricing is paid; a venue
		// still queued after that (a concurrent commit on PostgreSQL) is held back to the next cut.
		if _, err := s.drainPricingQueue(ctx, tx, now); err != nil {
			return err
		}
		// What is due, per venue, with its bank account and that account's status.
		rows, err := tx.QueryContext(ctx, s.q(`SELECT v.id, v.name, COALESCE(a.id, 0), COALESCE(a.status, ''),
			SUM(p.reimbursed_cents), SUM(p.amount_cents)
			FROM pricings p JOIN bookings b ON b.id = p.booking_id JOIN stocks st ON st.id = b.stock_id
			JOIN venues v ON v.id = p.venue_id
			LEFT JOIN venue_bank_account_links l ON l.venue_id = v.id AND l.since_us <= ? AND (l.until_us IS NULL OR l.until_us > ?)
			LEFT JOIN bank_accounts a ON a.id = l.bank_account_id
			WHERE p.transfer_id IS NULL AND b.status = 'USED' AND p.used_us < ? AND st.starts_us < ?
			AND p.venue_id NOT IN (SELECT venue_id FROM pricing_queue)
			GROUP BY v.id, v.name, a.id, a.status ORDER BY v.id`), cutoff, cutoff, cutoff, cutoff)
		if err != nil {
			return fmt.Errorf("payment cut: %w", err)
		}
		accounts := map[int64]int64{} // accepted account → amount of its due bookings
		for rows.Next() {
			var venueID, accountID, reimbursed, amount int64
			var name, status string
			if err := rows.Scan(&venueID, &name, &accountID, &status, &reimbursed, &amount); err != nil {
				rows.Close()
				return fmt.Errorf("payment cut: %w", err)
			}
			if status == app.BankAccepted {
				accounts[accountID] += amount
				continue
			}
			reason := "aucun compte bancaire"
			switch status {
			case app.BankPending:
				reason = "compte bancaire en attente de validation"
			case app.BankRefused:
				reason = "compte bancaire refusé"
			}
			rep.Skipped = append(rep.Skipped, store.SkippedVenue{VenueID: venueID, VenueName: name, AmountCents: reimbursed, Reason: reason})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("payment cut: %w", err)
		}
		ids := make([]int64, 0, len(accounts))
		for id := range accounts {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		for _, accountID := range ids {
			if accounts[accountID] == 0 {
				// Only free bookings: settled without a transfer nor a statement, as pass Culture does.
				if err := s.settleFree(ctx, tx, accountID, cutoff, now); err != nil {
					return err
				}
				continue
			}
			st, err := s.payAccount(ctx, tx, cutID, accountID, day, cutoff, now)
			if err != nil {
				return err
			}
			st.BatchLabel = rep.BatchLabel
			rep.Statements = append(rep.Statements, *st)
		}
		js, err := json.Marshal(rep)
		if err != nil {
			return fmt.Errorf("payment cut report: %w", err)
		}
		_, err = tx.ExecContext(ctx, s.q(`UPDATE payment_cuts SET report = ? WHERE id = ?`), string(js), cutID)
		return err
	})
	return rep, err
}

// settleFree marks reimbursed, without a transfer, the due bookings of an account whose due
// bookings are all free; their pricings stay, unpaid by any transfer.
func (s *Store) settleFree(ctx context.Context, tx *sql.Tx, accountID, cutoff int64, now time.Time) error {
	_, err := tx.ExecContext(ctx, s.q(`UPDATE bookings SET status = 'REIMBURSED', reimbursed_us = ?, updated_us = ?
		WHERE status = 'USED' AND unit_price_cents = 0 AND id IN (SELECT p.booking_id FROM pricings p
			JOIN bookings b ON b.id = p.booking_id JOIN stocks st ON st.id = b.stock_id
			WHERE p.transfer_id IS NULL AND p.used_us < ? AND st.starts_us < ?
			AND p.venue_id IN (SELECT venue_id FROM venue_bank_account_links WHERE bank_account_id = ? AND since_us <= ?
				AND (until_us IS NULL OR until_us > ?))
			AND p.venue_id NOT IN (SELECT venue_id FROM pricing_queue))`), us(now), us(now), cutoff, cutoff, accountID, cutoff, cutoff)
	if err != nil {
		return fmt.Errorf("settle free bookings: %w", err)
	}
	return nil
}

// payAccount makes the transfer of a cut to one accepted bank account, with its statement.
func (s *Store) payAccount(ctx context.Context, tx *sql.Tx, cutID, accountID int64, day time.Time, cutoff int64, now time.Time) (*store.Statement, error) {
	st := &store.Statement{CutDay: day, BankAccountID: accountID, CreatedAt: now.UTC().Truncate(time.Microsecond)}
	if err := tx.QueryRowContext(ctx, s.q(`SELECT offerer_id, label, iban, bic FROM bank_accounts WHERE id = ?`), accountID).
		Scan(&st.OffererID, &st.AccountLabel, &st.IBAN, &st.BIC); err != nil {
		return nil, fmt.Errorf("pay account %d: %w", accountID, err)
	}
	// Numbered in the year the statement is issued (Europe/Paris), which is the cut day's year
	// unless the cut runs late, across 1 January.
	year := now.In(day.Location()).Year()
	var number int
	if err := tx.QueryRowContext(ctx, s.q(`SELECT COALESCE(MAX(ref_number), 0) + 1 FROM transfers WHERE ref_year = ?`),
		year).Scan(&number); err != nil {
		return nil, fmt.Errorf("statement number: %w", err)
	}
	st.Reference = app.StatementReference(year, number)
	transferID, err := lastID(ctx, tx, s, `INSERT INTO transfers (cut_id, bank_account_id, offerer_id, amount_cents, booking_cents,
		account_label, iban, bic, ref_year, ref_number, reference, created_us) VALUES (?, ?, ?, 0, 0, ?, ?, ?, ?, ?, ?, ?)`,
		cutID, accountID, st.OffererID, st.AccountLabel, st.IBAN, st.BIC, year, number, st.Reference, us(now))
	if err != nil {
		return nil, fmt.Errorf("transfer: %w", err)
	}
	if _, err := tx.ExecContext(ctx, s.q(`UPDATE pricings SET transfer_id = ? WHERE transfer_id IS NULL AND used_us < ?
		AND venue_id IN (SELECT venue_id FROM venue_bank_account_links WHERE bank_account_id = ? AND since_us <= ?
			AND (until_us IS NULL OR until_us > ?))
		AND venue_id NOT IN (SELECT venue_id FROM pricing_queue)
		AND EXISTS (SELECT 1 FROM bookings b JOIN stocks st ON st.id = b.stock_id
			WHERE b.id = pricings.booking_id AND b.status = 'USED' AND st.starts_us < ?)`),
		transferID, cutoff, accountID, cutoff, cutoff, cutoff); err != nil {
		return nil, fmt.Errorf("transfer: %w", err)
	}
	if _, err := tx.ExecContext(ctx, s.q(`UPDATE bookings SET status = 'REIMBURSED', reimbursed_us = ?, updated_us = ?
		WHERE id IN (SELECT booking_id FROM pricings WHERE transfer_id = ?)`), us(now), us(now), transferID); err != nil {
		return nil, fmt.Errorf("transfer: %w", err)
	}
	if err := tx.QueryRowContext(ctx, s.q(`SELECT COALESCE(SUM(reimbursed_cents), 0), COALESCE(SUM(amount_cents), 0)
		FROM pricings WHERE transfer_id = ?`), transferID).Scan(&st.AmountCents, &st.BookingCents); err != nil {
		return nil, fmt.Errorf("transfer: %w", err)
	}
	if _, err := tx.ExecContext(ctx, s.q(`UPDATE transfers SET amount_cents = ?, booking_cents = ? WHERE id = ?`),
		st.AmountCents, st.BookingCents, transferID); err != nil {
		return nil, fmt.Errorf("transfer: %w", err)
	}
	return st, nil
}

const statementView = `SELECT t.reference, c.label, c.cut_day, t.offerer_id, t.bank_account_id, t.account_label, t.iban, t.bic,
	t.booking_cents, t.amount_cents, t.created_us FROM transfers t JOIN payment_cuts c ON c.id = t.cut_id`

func (s *Store) scanStatement(row rowScanner) (*store.Statement, error) {
	var st store.Statement
	var day string
	var created int64
	if err := row.Scan(&st.Reference, &st.BatchLabel, &day, &st.OffererID, &st.BankAccountID, &st.AccountLabel, &st.IBAN,
		&st.BIC, &st.BookingCents, &st.AmountCents, &created); err != nil {
		return nil, err
	}
	d, _ := time.ParseInLocation(time.DateOnly, day, s.location(app.DefaultTimezone))
	st.CutDay, st.CreatedAt = d, fromUS(created)
	return &st, nil
}

// ListStatements returns the offerer's statements, the latest first (store.AnyOfferer: every offerer's; 0 matches none).
func (s *Store) ListStatements(ctx context.Context, offererID int64) ([]store.Statement, error) {
	return list(ctx, s.rdb, "list statements", s.scanStatement, s.q(statementView+` WHERE t.offerer_id = ? OR ? = -1 ORDER BY c.cut_day DESC, t.reference DESC`),
		offererID, offererID)
}

// GetStatement returns a statement by reference with its bookings, by venue then use date.
func (s *Store) GetStatement(ctx context.Context, offererID int64, ref string) (*store.Statement, []store.StatementLine, error) {
	year, number, err := app.ParseStatementReference(ref)
	if err != nil {
		return nil, nil, err
	}
	ref = app.StatementReference(year, number)
	st, err := s.scanStatement(s.rdb.QueryRowContext(ctx, s.q(statementView+` WHERE t.reference = ? AND (t.offerer_id = ? OR ? = -1)`),
		ref, offererID, offererID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, app.Errorf(app.ENOTFOUND, "Justificatif %s introuvable.", ref)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("get statement: %w", err)
	}
	rows, err := s.rdb.QueryContext(ctx, s.q(`SELECT b.id, v.id, v.siret, v.name, v.address, v.postal_code, v.city, v.timezone, o.name, b.token,
		st.price_label, p.used_us, p.amount_cents, p.rate_bp, p.reimbursed_cents
		FROM transfers t JOIN pricings p ON p.transfer_id = t.id JOIN bookings b ON b.id = p.booking_id
		JOIN venues v ON v.id = p.venue_id JOIN offers o ON o.id = b.offer_id JOIN stocks st ON st.id = b.stock_id
		WHERE t.reference = ? ORDER BY v.siret, p.used_us, b.id`), ref)
	if err != nil {
		return nil, nil, fmt.Errorf("statement lines: %w", err)
	}
	defer rows.Close()
	var lines []store.StatementLine
	for rows.Next() {
		var l store.StatementLine
		var used, rate int64
		if err := rows.Scan(&l.BookingID, &l.VenueID, &l.VenueSIRET, &l.VenueName, &l.VenueAddress, &l.VenuePostal, &l.VenueCity,
			&l.VenueTimezone, &l.OfferName, &l.Token, &l.PriceLabel, &used, &l.AmountCents, &rate, &l.ReimbursedCents); err != nil {
			return nil, nil, fmt.Errorf("statement lines: %w", err)
		}
		l.UsedAt, l.Rate = fromUS(used), app.Rate(rate)
		lines = append(lines, l)
	}
	return st, lines, rows.Err()
}

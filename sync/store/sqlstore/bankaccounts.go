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

// CreateBankAccount validates (label, IBAN mod-97 and country length, BIC shape) and stores a
// bank account of an offerer, pending pass Culture's acceptance.
func (s *Store) CreateBankAccount(ctx context.Context, a *store.BankAccount, now time.Time) error {
	a.Label = strings.TrimSpace(a.Label)
	if a.Label == "" {
		return app.FieldError("label", "Saisissez l'intitulé du compte bancaire.")
	}
	if err := app.CheckText("label", a.Label, app.MaxBankLabelLength, false); err != nil {
		return err
	}
	iban, err := app.ValidateIBAN(a.IBAN)
	if err != nil {
		return err
	}
	bic, err := app.ValidateBIC(a.BIC)
	if err != nil {
		return err
	}
	a.IBAN, a.BIC, a.Status, a.CreatedAt = iban, bic, app.BankPending, now.UTC().Truncate(time.Microsecond)
	return s.tx(ctx, func(tx *sql.Tx) error {
		var one int
		if err := tx.QueryRowContext(ctx, s.q(`SELECT 1 FROM offerers WHERE id = ?`), a.OffererID).Scan(&one); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return notFound("Structure")
			}
			return fmt.Errorf("create bank account: %w", err)
		}
		id, err := lastID(ctx, tx, s, `INSERT INTO bank_accounts (offerer_id, label, iban, bic, status, created_us, updated_us)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, a.OffererID, a.Label, a.IBAN, a.BIC, a.Status, us(now), us(now))
		if err != nil {
			return fmt.Errorf("create bank account: %w", err)
		}
		a.ID = id
		return nil
	})
}

// ListBankAccounts returns an offerer's bank accounts (store.AnyOfferer: every offerer's; 0 matches none).
func (s *Store) ListBankAccounts(ctx context.Context, offererID int64) ([]store.BankAccount, error) {
	rows, err := s.rdb.QueryContext(ctx, s.q(`SELECT a.id, a.offerer_id, a.label, a.iban, a.bic, a.status, a.created_us,
		COALESCE((SELECT `+s.dialect.concatIDs("l.venue_id")+` FROM venue_bank_accounts l WHERE l.bank_account_id = a.id), '')
		FROM bank_accounts a WHERE a.offerer_id = ? OR ? = -1 ORDER BY a.id`), offererID, offererID)
	if err != nil {
		return nil, fmt.Errorf("list bank accounts: %w", err)
	}
	defer rows.Close()
	var out []store.BankAccount
	for rows.Next() {
		var a store.BankAccount
		var created int64
		var venues string
		if err := rows.Scan(&a.ID, &a.OffererID, &a.Label, &a.IBAN, &a.BIC, &a.Status, &created, &venues); err != nil {
			return nil, fmt.Errorf("list bank accounts: %w", err)
		}
		a.CreatedAt = fromUS(created)
		for _, v := range strings.Split(venues, ",") {
			var id int64
			if _, err := fmt.Sscan(v, &id); err == nil {
				a.VenueIDs = append(a.VenueIDs, id)
			}
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// SetBankAccountStatus accepts or refuses a bank account.
func (s *Store) SetBankAccountStatus(ctx context.Context, id int64, status string, now time.Time) error {
	if !app.ValidBankStatus(status) {
		return app.FieldError("status", "Statut inconnu : pending, accepted ou refused.")
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE bank_accounts SET status = ?, updated_us = ? WHERE id = ?`), status, us(now), id)
		if err != nil {
			return fmt.Errorf("set bank account status: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return notFound("Compte bancaire")
		}
		return nil
	})
}

// SetVenueBankAccount links a venue to one of its offerer's bank accounts from now on, replacing
// the previous one (a venue has one bank account at a time); the history of links is kept, and a
// payment cut pays through the link valid at its cutoff.
func (s *Store) SetVenueBankAccount(ctx context.Context, offererID, venueID, accountID int64, now time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM venues WHERE id = ? AND offerer_id = ?`),
			venueID, offererID).Scan(&n); err != nil {
			return fmt.Errorf("set venue bank account: %w", err)
		}
		if n == 0 {
			return notFound("Lieu")
		}
		if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM bank_accounts WHERE id = ? AND offerer_id = ?`),
			accountID, offererID).Scan(&n); err != nil {
			return fmt.Errorf("set venue bank account: %w", err)
		}
		if n == 0 {
			return notFound("Compte bancaire")
		}
		var current int64
		err := tx.QueryRowContext(ctx, s.q(`SELECT bank_account_id FROM venue_bank_accounts WHERE venue_id = ?`), venueID).Scan(&current)
		switch {
		case err == nil && current == accountID:
			return nil // already linked: the history does not change
		case err != nil && !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("set venue bank account: %w", err)
		}
		_, err = tx.ExecContext(ctx, s.q(`INSERT INTO venue_bank_accounts (venue_id, bank_account_id, since_us) VALUES (?, ?, ?)
			ON CONFLICT (venue_id) DO UPDATE SET bank_account_id = excluded.bank_account_id, since_us = excluded.since_us`),
			venueID, accountID, us(now))
		if err != nil {
			return fmt.Errorf("set venue bank account: %w", err)
		}
		// The history: the previous link ends now, the new one starts.
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE venue_bank_account_links SET until_us = ? WHERE venue_id = ? AND until_us IS NULL`),
			us(now), venueID); err != nil {
			return fmt.Errorf("set venue bank account: %w", err)
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO venue_bank_account_links (venue_id, bank_account_id, since_us) VALUES (?, ?, ?)`),
			venueID, accountID, us(now)); err != nil {
			return fmt.Errorf("set venue bank account: %w", err)
		}
		return nil
	})
}

package demo

import (
	"context"
	"fmt"
	"time"

	"guichet/app"
	"guichet/sync/store"
)

// seedBankAccount gives the demo venue an accepted bank account, so that its used bookings show
// as validated for the next payment on the payouts screen.
func seedBankAccount(ctx context.Context, st Store, offererID, venueID int64, now time.Time) error {
	a := &store.BankAccount{OffererID: offererID, Label: "Compte courant Le Méliès", IBAN: "FR14 2004 1010 0505 0001 3M02 606", BIC: "PSSTFRPPPAR"}
	if err := st.CreateBankAccount(ctx, a, now); err != nil {
		return fmt.Errorf("demo bank account: %w", err)
	}
	// Linked a year ago, so that the payment cuts of the demo's history pay through it (a cut pays
	// through the link valid at its cutoff).
	if err := st.SetVenueBankAccount(ctx, offererID, venueID, a.ID, now.AddDate(-1, 0, 0)); err != nil {
		return fmt.Errorf("demo bank account: %w", err)
	}
	if err := st.SetBankAccountStatus(ctx, a.ID, app.BankAccepted, now); err != nil {
		return fmt.Errorf("demo bank account: %w", err)
	}
	return nil
}

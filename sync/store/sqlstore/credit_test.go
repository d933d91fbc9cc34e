package sqlstore

import (
	"context"
	"testing"
	"time"

	"guichet/app"
)

// TestStore_CreateBeneficiary_ConfiguredCredit: the credit granted to a new beneficiary is the
// store's configuration (Options.Credit), the default otherwise, never a constant in the code.
func TestStore_CreateBeneficiary_ConfiguredCredit(t *testing.T) {
	ctx := context.Background()
	created := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		opts    Options
		cents   int64
		expires time.Time
	}{
		{Options{}, 300_00, time.Date(2028, 3, 5, 0, 0, 0, 0, parisLoc)},
		{Options{Credit: app.Credit{Cents: 150_00, Years: 1}}, 150_00, time.Date(2027, 3, 5, 0, 0, 0, 0, parisLoc)},
	} {
		s := openTestWith(t, c.opts)
		b := &app.Beneficiary{Email: "lea@example.org", FirstName: "Léa", LastName: "Martin",
			DateOfBirth: time.Date(2008, 3, 4, 0, 0, 0, 0, time.UTC), CreatedAt: created}
		must(t, s.CreateBeneficiary(ctx, b))
		got, err := s.GetBeneficiary(ctx, b.ID)
		must(t, err)
		if got.DepositCents != c.cents || !got.DepositExpires.Equal(c.expires) || got.RemainingCents(created) != c.cents {
			t.Errorf("options %+v: credit %d until %v, want %d until %v", c.opts, got.DepositCents, got.DepositExpires, c.cents, c.expires)
		}
	}
}

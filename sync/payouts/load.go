package payouts

import (
	"context"

	"guichet/sync/store"
)

// Load reads a statement and its bookings for documents; offererID 0 reads any offerer's (the
// command line), another offerer's reference is not found.
func Load(ctx context.Context, st store.Store, offererID int64, ref string) (Document, error) {
	s, lines, err := st.GetStatement(ctx, offererID, ref)
	if err != nil {
		return Document{}, err
	}
	o, err := st.GetOfferer(ctx, s.OffererID)
	if err != nil {
		return Document{}, err
	}
	return Document{Statement: *s, Lines: lines, OffererName: o.Name, OffererSIREN: o.SIREN}, nil
}

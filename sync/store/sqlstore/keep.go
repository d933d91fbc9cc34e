package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"guichet/app"
	"guichet/sync/store"
)

// MsgKeepNotApplied answers a keep whose validation is no longer the booking's current one.
const MsgKeepNotApplied = "La validation n'a pas été annulée : la contremarque a été validée entre-temps par un autre guichet."

// applyKeep undoes a validation, but only the one the keep names: a keep made offline must not
// erase another counter's admission that reached the server in the meantime. A keep that
// names another validation is recorded as a conflict (docs/sync.md).
func (s *Store) applyKeep(ctx context.Context, tx *sql.Tx, key *app.APIKey, device string, ev store.ScanEvent,
	scanned time.Time, b *app.Booking, v store.Validator, now time.Time) (app.Outcome, *store.Conflict, error) {
	if ev.Mode == "offline" && ev.LocalVerdict != "" && ev.LocalVerdict != app.OutcomeKept {
		// Refused at the counter: nothing to apply, the refusal is only recorded.
		return app.Outcome{Code: ev.LocalVerdict, Message: "Refus hors ligne enregistré.", Booking: b}, nil, nil
	}
	out := app.CheckKeep(b)
	if !out.OK() {
		return out, nil, nil // nothing in force to undo: the booking is already as the counter left it
	}
	current := false
	switch {
	case ev.Undoes != nil:
		current = *ev.Undoes == b.UsedNonce
	case ev.Mode == "offline":
		current = b.UsedByDevice == device // an older counter: only its own validation
	default:
		current = true // online, the server decides now: whatever validation is in force
	}
	if current {
		return out, nil, s.setUnused(ctx, tx, b, v, now)
	}
	out = app.Outcome{Code: app.OutcomeAlreadyUsed, Message: MsgKeepNotApplied, Booking: b}
	if ev.Mode != "offline" {
		return out, nil, nil
	}
	c := &store.Conflict{Kind: store.ConflictKeepNotApplied, VenueID: b.VenueID, BookingID: b.ID, Token: b.Token,
		OfferName: b.OfferName, Beneficiary: b.FirstName + " " + b.LastName, Nonce: ev.Nonce, Device: device,
		ScannedAt: scanned, OtherDevice: app.ValidatorName(b.UsedByKey, b.UsedByDevice), OtherAt: b.UsedAt, CreatedAt: now.UTC(),
		Detail: "Validation annulée hors ligne, mais la contremarque avait été validée entre-temps ailleurs : cette validation est conservée."}
	conflict, err := s.insertConflict(ctx, tx, key, c, now)
	return out, conflict, err
}

// unknownConflict records an offline admission of a countermark that is in none of the key's
// venues: unknown to the server or another offerer's, told apart by nothing (not even the
// detail), so the conflict reveals nothing about another offerer's booking.
func (s *Store) unknownConflict(ctx context.Context, tx *sql.Tx, key *app.APIKey, device string, ev store.ScanEvent,
	scanned, now time.Time) (*store.Conflict, error) {
	c := &store.Conflict{Kind: store.ConflictUnknownCountermark, Token: app.NormalizeToken(ev.Token), Nonce: ev.Nonce,
		Device: device, ScannedAt: scanned, CreatedAt: now.UTC(),
		Detail: "Entrée validée hors ligne, mais cette contremarque ne correspond à aucune réservation de vos lieux."}
	if ev.VenueID != 0 { // only one of the key's venues
		var offerer int64
		err := tx.QueryRowContext(ctx, s.q(`SELECT offerer_id FROM venues WHERE id = ?`), ev.VenueID).Scan(&offerer)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("conflict venue: %w", err)
		}
		if err == nil && offerer == key.OffererID {
			c.VenueID = ev.VenueID
		}
	}
	return s.insertConflict(ctx, tx, key, c, now)
}

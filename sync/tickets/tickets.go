// Package tickets signs bookings' QR payloads on the server (issue 16, docs/sync.md "Signed
// tickets"): each venue has Ed25519 keys kept in the store, several valid at once, rotated
// automatically before they end (or by `guichet-server ticket-keys`). Counters get the public
// halves with their pull and admit offline a booking their copy does not know yet when its
// signature checks; the private halves never leave the server.
package tickets

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"io"
	"time"

	"guichet/app"
	"guichet/sync/store"
)

// Keys is the part of the store the signer needs.
type Keys interface {
	AddTicketKey(ctx context.Context, k *store.TicketKey) error
	TicketKeys(ctx context.Context, venueID int64, after time.Time) ([]store.TicketKey, error)
}

// Key lifetimes.
const (
	// Validity is how long a new key may be used.
	Validity = 365 * 24 * time.Hour
	// RenewBefore: a venue whose newest key ends within it gets a new one (the old one stays
	// valid until its end: both are valid meanwhile).
	RenewBefore = 60 * 24 * time.Hour
	// Publish is how long a new key is only handed to counters before tickets are signed with it,
	// so that counters pull it before they need it (unless no older key can sign the ticket).
	Publish = 24 * time.Hour
	// ClockSlack backdates a new key's start: a counter whose clock is behind the server's still
	// takes it as valid (no ticket was signed with it before it existed).
	ClockSlack = time.Hour
)

// Signer signs QR payloads with the venues' keys, making and rotating keys as needed.
type Signer struct {
	keys Keys
	now  func() time.Time
	rand io.Reader
}

// New returns a signer over the store's keys; now is the clock (time.Now when nil).
func New(keys Keys, now func() time.Time) *Signer {
	if now == nil {
		now = time.Now
	}
	return &Signer{keys: keys, now: now, rand: rand.Reader}
}

// Payload is the QR payload of a booking: signed with a key of its venue valid at least until
// the showtime's automatic validation. A booking without a showtime gets the plain payload.
func (s *Signer) Payload(ctx context.Context, b *app.Booking) (string, error) {
	if !b.IsEvent() {
		return "PASSCULTURE:v3;TOKEN:" + b.Token, nil
	}
	k, err := s.signingKey(ctx, b.VenueID, b.ShowStart.Add(app.AutoUseDelay))
	if err != nil {
		return "", err
	}
	return app.SignedPayload(b.Token, app.TicketOf(b, k.ID), k.Private), nil
}

// PublicKeys returns the venue's keys not ended at now, for its counters, after renewing them
// when the newest ends within RenewBefore (or there is none).
func (s *Signer) PublicKeys(ctx context.Context, venueID int64) ([]app.TicketKey, error) {
	ks, err := s.renewed(ctx, venueID)
	if err != nil {
		return nil, err
	}
	out := make([]app.TicketKey, 0, len(ks))
	for _, k := range ks {
		out = append(out, k.TicketKey)
	}
	return out, nil
}

// Rotate gives a venue a new key valid from now (less ClockSlack) for validity (Validity when 0);
// the older keys stay valid until their end.
func (s *Signer) Rotate(ctx context.Context, venueID int64, validity time.Duration) (store.TicketKey, error) {
	if validity <= 0 {
		validity = Validity
	}
	now := s.now()
	pub, priv, err := ed25519.GenerateKey(s.rand)
	if err != nil {
		return store.TicketKey{}, fmt.Errorf("new ticket key: %w", err)
	}
	k := store.TicketKey{TicketKey: app.TicketKey{VenueID: venueID, Public: pub, NotBefore: now.Add(-ClockSlack), NotAfter: now.Add(validity)},
		Private: priv, CreatedAt: now}
	if err := s.keys.AddTicketKey(ctx, &k); err != nil {
		return store.TicketKey{}, err
	}
	return k, nil
}

// renewed lists the venue's keys not ended at now, adding a new one when none ends after
// now + RenewBefore.
func (s *Signer) renewed(ctx context.Context, venueID int64) ([]store.TicketKey, error) {
	now := s.now()
	ks, err := s.keys.TicketKeys(ctx, venueID, now)
	if err != nil {
		return nil, err
	}
	for _, k := range ks {
		if k.NotAfter.After(now.Add(RenewBefore)) {
			return ks, nil
		}
	}
	k, err := s.Rotate(ctx, venueID, 0)
	if err != nil {
		return nil, err
	}
	return append(ks, k), nil
}

// signingKey picks the key to sign a ticket that must verify until until: among the keys valid
// now and until then, the newest published one (older than Publish), else the newest; a new
// key when none will do.
func (s *Signer) signingKey(ctx context.Context, venueID int64, until time.Time) (store.TicketKey, error) {
	now := s.now()
	ks, err := s.renewed(ctx, venueID)
	if err != nil {
		return store.TicketKey{}, err
	}
	var best, newest *store.TicketKey
	for i := range ks {
		k := &ks[i]
		if !k.ValidAt(now) || k.NotAfter.Before(until) {
			continue
		}
		if newest == nil || !k.NotBefore.Before(newest.NotBefore) {
			newest = k
		}
		if !k.CreatedAt.After(now.Add(-Publish)) && (best == nil || !k.NotBefore.Before(best.NotBefore)) {
			best = k
		}
	}
	if best == nil {
		best = newest
	}
	if best != nil {
		return *best, nil
	}
	// A showtime beyond every key's end: a key long enough for it.
	return s.Rotate(ctx, venueID, until.Sub(now)+RenewBefore)
}

package sqlstore

import (
	"context"
	"testing"

	"guichet/app"
)

// TestStore_LANSecret: a venue's LAN secret is made once (256 bits, hex) and then always the
// same until rotated; each venue has its own; another offerer's key gets no secret of a venue not
// its own.
func TestStore_LANSecret(t *testing.T) {
	onEngines(t, func(t *testing.T) {
		f := newFixture(t)
		ctx := context.Background()
		first, err := f.s.LANSecret(ctx, f.offerer.ID, f.venue.ID)
		must(t, err)
		if len(first) != 64 {
			t.Fatalf("secret %q: want 64 hex digits", first)
		}
		again, err := f.s.LANSecret(ctx, f.offerer.ID, f.venue.ID)
		must(t, err)
		if again != first {
			t.Errorf("the secret changed: %q then %q", first, again)
		}
		other := *f.venue
		other.ID, other.SIRET = 0, "44306184100039"
		must(t, f.s.CreateVenue(ctx, &other))
		second, err := f.s.LANSecret(ctx, f.offerer.ID, other.ID)
		must(t, err)
		if second == first || len(second) != 64 {
			t.Errorf("the other venue's secret %q (first %q)", second, first)
		}
		must(t, f.s.RotateLANSecret(ctx, f.venue.ID))
		rotated, err := f.s.LANSecret(ctx, f.offerer.ID, f.venue.ID)
		must(t, err)
		if rotated == first || len(rotated) != 64 {
			t.Errorf("rotated secret %q (was %q)", rotated, first)
		}
		if err := f.s.RotateLANSecret(ctx, 999_999); app.ErrorCode(err) != app.ENOTFOUND {
			t.Errorf("rotating an unknown venue's secret: %v", err)
		}
		stranger := &app.Offerer{SIREN: "552032534", Name: "Autre"}
		must(t, f.s.CreateOfferer(ctx, stranger))
		if s, err := f.s.LANSecret(ctx, stranger.ID, f.venue.ID); app.ErrorCode(err) != app.ENOTFOUND || s != "" {
			t.Errorf("another offerer got %q, %v", s, err)
		}
	})
}

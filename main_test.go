package main

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"guichet/app"
	"guichet/ui"
)

// TestMain_StartAgainSameVenue: pairing the counter again with the same venue in the same
// session (after "Dissocier") stops the first engine and reopens its cache, which is held
// exclusively while open; the pending validation recorded by the first is still there.
func TestMain_StartAgainSameVenue(t *testing.T) {
	m := &Main{log: slog.New(slog.NewTextHandler(io.Discard, nil)), dataDir: t.TempDir(), device: "test"}
	defer m.Close()
	ctx := context.Background()
	p := ui.Pairing{ServerURL: "http://127.0.0.1:1", Key: "gk_x", Role: app.RoleCashier,
		Venue: app.ProVenue{ID: 7, Name: "Le Méliès", Timezone: "Europe/Paris"}}
	first, err := m.Start(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	first.Validate(ctx, "ABCDEF") // no server: decided offline, recorded
	second, err := m.Start(ctx, p)
	if err != nil {
		t.Fatalf("paired again: %v", err)
	}
	if n := second.Status().Pending; n != 1 {
		t.Errorf("the second engine sees %d pending validations, want the first's 1", n)
	}
}

package ui

import (
	"testing"
	"time"

	"guichet/app"
)

// A validation is shown as made by the API key (one per counter), the device name the counter
// sent being only a detail; a booking known only by its device (offline cache) shows that.
func TestUsedLine_KeyIsTheIdentity(t *testing.T) {
	now := time.Date(2026, 12, 1, 20, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		key, device, want string
	}{
		{"Caisse 1", "poste-2", "Validée il y a 30 min sur « Caisse 1 (poste-2) »"},
		{"Caisse 1", "Caisse 1", "Validée il y a 30 min sur « Caisse 1 »"},
		{"Caisse 1", "", "Validée il y a 30 min sur « Caisse 1 »"},
		{"", "caisse-1", "Validée il y a 30 min sur « caisse-1 »"},
	} {
		b := &app.Booking{UsedAt: now.Add(-30 * time.Minute), UsedByKey: tc.key, UsedByDevice: tc.device}
		if got := usedLine(b, now, time.UTC); got != tc.want {
			t.Errorf("key %q device %q: %q, want %q", tc.key, tc.device, got, tc.want)
		}
	}
}

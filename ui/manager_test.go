package ui

import (
	"strings"
	"testing"

	"guichet/app"
)

// TestUI_PINRelocks: unlocked by the PIN, the manager screens lock again once the countdown
// started by the last activity runs out.
func TestUI_PINRelocks(t *testing.T) {
	u, _, _ := newTestUI(t)
	u.prefs.SetString(prefPIN, hashPIN("2468"))
	u.locked = false
	timers = nil
	u.touchUnlock()
	if len(timers) != 1 || u.locked {
		t.Fatalf("%d re-lock timers, locked %v", len(timers), u.locked)
	}
	u.tabs.SelectIndex(1) // activity: the countdown starts again
	if len(timers) != 2 {
		t.Fatalf("changing tab did not restart the countdown (%d timers)", len(timers))
	}
	timers[len(timers)-1]()
	if !u.locked || !strings.Contains(allText(u.settings.content), "verrouillés") {
		t.Errorf("not locked again after inactivity: %v, %q", u.locked, allText(u.settings.content))
	}
}

// TestSettings_CashierCannotUnpair: only a manager key shows "Dissocier ce poste".
func TestSettings_CashierCannotUnpair(t *testing.T) {
	u, _, _ := newTestUI(t)
	if !strings.Contains(allText(u.settings.content), "Dissocier ce poste") {
		t.Fatalf("a manager cannot unpair: %q", allText(u.settings.content))
	}
	u.pairing.Role = app.RoleCashier
	u.settings.render()
	got := allText(u.settings.content)
	if strings.Contains(got, "Dissocier ce poste") || !strings.Contains(got, "Seul un responsable") {
		t.Errorf("a cashier key can unpair: %q", got)
	}
}

package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"guichet/app"
	"guichet/counter"
)

// TestSettings_LANSwitch: the exchange with the other counters is off by default; the switch,
// a valid port and valid peer addresses are kept in the preferences (main starts the exchange
// from them); a port out of range or a malformed address is refused, said, and not kept.
func TestSettings_LANSwitch(t *testing.T) {
	u, _, _ := newTestUI(t)
	s := newSettingsScreen(u)
	if s.lanOn.Checked || u.prefs.Bool(PrefLANOn) {
		t.Fatal("the LAN exchange is on by default")
	}
	if s.lanPort.Text != "47390" {
		t.Errorf("default port %q", s.lanPort.Text)
	}
	test.Tap(s.lanOn)
	if !u.prefs.Bool(PrefLANOn) {
		t.Error("switching on is not kept")
	}
	s.lanPort.SetText("80")
	s.lanPort.OnSubmitted(s.lanPort.Text)
	if got := u.prefs.IntWithFallback(PrefLANPort, -1); got != -1 {
		t.Errorf("port 80 was kept (%d)", got)
	}
	if !strings.Contains(allText(s.content), "Port invalide") {
		t.Errorf("no refusal shown: %q", allText(s.content))
	}
	s.lanPort.SetText("47400")
	s.lanPort.OnSubmitted(s.lanPort.Text)
	if got := u.prefs.Int(PrefLANPort); got != 47400 {
		t.Errorf("port kept: %d, want 47400", got)
	}
	s.lanPeers.SetText("192.168.1.12:47390 ; nowhere")
	s.lanPeers.OnSubmitted(s.lanPeers.Text)
	if got := u.prefs.String(PrefLANPeers); got != "" || !strings.Contains(allText(s.content), "Adresse invalide : nowhere") {
		t.Errorf("a bad address: kept %q, shown %q", got, allText(s.content))
	}
	s.lanPeers.SetText("192.168.1.12:47390 ;[fe80::1]:47390,")
	s.lanPeers.OnSubmitted(s.lanPeers.Text)
	if got := u.prefs.String(PrefLANPeers); got != "192.168.1.12:47390, [fe80::1]:47390" {
		t.Errorf("peers kept: %q", got)
	}
	test.Tap(s.lanOn)
	if u.prefs.Bool(PrefLANOn) {
		t.Error("switching off is not kept")
	}
}

// TestDescribe_PeerValidation: a ticket refused offline because another counter of the venue
// admitted it (told over the local network) says where and when, with or without the booking in
// the copy, and offers no "Invalider" (that counter holds the validation).
func TestDescribe_PeerValidation(t *testing.T) {
	now := time.Date(2026, 12, 1, 20, 30, 0, 0, time.UTC)
	at := now.Add(-20 * time.Second)
	b := &app.Booking{Token: "ABC234", Status: app.StatusUsed, UsedAt: at, UsedByDevice: "caisse-hall", OfferName: "Parasite",
		Quantity: 1}
	for name, v := range map[string]counter.Verdict{
		"in the copy": {Outcome: app.Outcome{Code: app.OutcomeAlreadyUsed, Message: app.MsgAlreadyUsed, Booking: b},
			Token: "ABC234", Offline: true, PeerDevice: "caisse-hall", PeerAt: at},
		"not in the copy": {Outcome: app.Outcome{Code: app.OutcomeAlreadyUsed, Message: app.MsgAlreadyUsed},
			Token: "ABC234", Offline: true, PeerDevice: "caisse-hall", PeerAt: at},
	} {
		out := describe(v, time.UTC, describeOptions{now: now})
		if out.Title != "Déjà validée" || out.CanKeep {
			t.Errorf("%s: title %q, can keep %v", name, out.Title, out.CanKeep)
		}
		if len(out.Lines) == 0 || out.Lines[0] != "Validée il y a moins d'une minute sur « caisse-hall »" {
			t.Errorf("%s: lines %q", name, out.Lines)
		}
	}
}

// lanCounter is the fake counter with the exchange's state.
type lanCounter struct {
	*fakeCounter
	st counter.LANStatus
}

func (c lanCounter) LANStatus() counter.LANStatus { return c.st }

// TestSettings_LANState: Réglages say what the exchange is doing — off, on with the counters
// found (or none yet), without discovery (multicast unavailable), or why it could not start.
func TestSettings_LANState(t *testing.T) {
	u, fc, _ := newTestUI(t)
	for _, tc := range []struct {
		st   counter.LANStatus
		want string
	}{
		{counter.LANStatus{}, "Réseau local : arrêté."},
		{counter.LANStatus{On: true}, "Réseau local : en marche, aucune autre caisse trouvée pour l'instant."},
		{counter.LANStatus{On: true, Peers: []string{"caisse-bar", "caisse-hall"}}, "Réseau local : en marche, caisses trouvées : caisse-bar, caisse-hall."},
		{counter.LANStatus{On: true, Peers: []string{"caisse-bar"}, Error: "lan: join 239.255.71.77:47390: no such device"},
			"Sans découverte automatique (lan: join 239.255.71.77:47390: no such device) : saisissez les adresses des autres caisses."},
		{counter.LANStatus{Error: "lan: listen :47390: bind: address already in use"},
			"Réseau local : impossible de démarrer (lan: listen :47390: bind: address already in use)."},
	} {
		u.counter = lanCounter{fc, tc.st}
		if got := allText(newSettingsScreen(u).content); !strings.Contains(got, tc.want) {
			t.Errorf("%+v: settings say %q, want %q", tc.st, got, tc.want)
		}
	}
}

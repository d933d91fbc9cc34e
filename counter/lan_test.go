package counter_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"guichet/app"
	"guichet/counter"
	"guichet/counter/lan"
	"guichet/sync/store"
)

// startLAN starts the nodes of the world's venue and connects them to their engines.
func (w *world) startLAN(t *testing.T, e *counter.Engine, device string, peers ...string) *lan.Node {
	t.Helper()
	n := lan.New(lan.Config{VenueID: w.venue.ID, Device: device, Listen: "127.0.0.1:0", NoDiscovery: true, Peers: peers,
		ExchangeEvery: 200 * time.Millisecond}, e.LANLedger())
	must(t, n.Start(context.Background()))
	t.Cleanup(func() { n.Close() })
	e.SetPeers(n)
	return n
}

// waitFor polls cond until it holds, failing after a generous deadline (a loaded machine).
func waitFor(t *testing.T, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > 10*time.Second {
			t.Fatalf("not within 10 s: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return time.Since(start)
}

func knows(e *counter.Engine, token, device string) func() bool {
	return func() bool {
		pv, ok, err := e.PeerValidation(context.Background(), token)
		return err == nil && ok && pv.Device == device
	}
}

// TestEngine_LANCountersTalk: two counters with their own caches, the server down, the same
// ticket scanned on both: admitted on the first, refused on the second as already validated on
// the first (told over the LAN); a ticket the second admits is refused on the first in turn.
// When the server returns both push their own outbox and the server records each validation
// once, with no conflict.
func TestEngine_LANCountersTalk(t *testing.T) {
	w := newWorld(t, 4)
	ctx := context.Background()
	a, b, c := w.device("caisse-1", w.key), w.device("caisse-2", w.key), w.device("caisse-3", w.key)
	must(t, a.Sync(ctx)) // each gets the venue's LAN secret with its pull
	must(t, b.Sync(ctx))
	must(t, c.Sync(ctx))
	na := w.startLAN(t, a, "caisse-1")
	w.startLAN(t, b, "caisse-2", na.Addr())
	waitFor(t, "caisse-1 knows caisse-2 (from its first exchange)", func() bool { return len(na.Peers()) == 1 })

	w.down.Store(true)
	first := a.Validate(ctx, w.tokens[0])
	if first.Code != app.OutcomeAdmitted || !first.Offline {
		t.Fatalf("caisse-1: %+v", first)
	}
	took := waitFor(t, "caisse-2 hears of the admission", knows(b, w.tokens[0], "caisse-1"))
	t.Logf("caisse-2 knew of the admission %s after it", took)
	second := b.Validate(ctx, w.tokens[0])
	if second.Code != app.OutcomeAlreadyUsed || !second.Offline || second.PeerDevice != "caisse-1" ||
		!second.PeerAt.Equal(first.At.UTC().Truncate(time.Microsecond)) {
		t.Fatalf("caisse-2: %+v, want refused as validated on caisse-1 at %s", second, first.At)
	}
	if second.Message != app.MsgAlreadyUsed || second.Booking == nil || second.Booking.UsedByDevice != "caisse-1" ||
		second.Booking.OfferName != "Parasite" {
		t.Errorf("caisse-2's refusal says %q with %+v", second.Message, second.Booking)
	}
	// A counter started after the admission catches up from its first exchange.
	w.startLAN(t, c, "caisse-3", na.Addr())
	waitFor(t, "caisse-3 (started late) catches up", knows(c, w.tokens[0], "caisse-1"))
	// The other way round, and a ticket only one of them scans.
	if v := b.Validate(ctx, w.tokens[1]); v.Code != app.OutcomeAdmitted {
		t.Fatalf("caisse-2, second ticket: %+v", v)
	}
	waitFor(t, "caisse-1 hears of caisse-2's admission", knows(a, w.tokens[1], "caisse-2"))
	if v := a.Validate(ctx, w.tokens[1]); v.Code != app.OutcomeAlreadyUsed || v.PeerDevice != "caisse-2" {
		t.Fatalf("caisse-1, second ticket: %+v", v)
	}
	if v := a.Validate(ctx, w.tokens[2]); v.Code != app.OutcomeAdmitted {
		t.Fatalf("caisse-1, third ticket: %+v", v)
	}

	w.down.Store(false)
	must(t, a.Sync(ctx))
	must(t, b.Sync(ctx))
	must(t, a.Sync(ctx))
	conflicts, err := w.st.Conflicts(ctx, w.offerer.ID, w.venue.ID, true)
	must(t, err)
	if len(conflicts) != 0 {
		t.Errorf("%d conflicts on the server, want none: %+v", len(conflicts), conflicts)
	}
	for i, want := range []string{"caisse-1", "caisse-2", "caisse-1", ""} {
		bk, err := w.st.GetBookingByToken(ctx, w.tokens[i])
		must(t, err)
		if bk.UsedByDevice != want || (want == "") != (bk.Status == app.StatusConfirmed) {
			t.Errorf("ticket %d on the server: %s by %q, want validated by %q", i, bk.Status, bk.UsedByDevice, want)
		}
	}
	if st := b.Status(); st.Pending != 0 || st.Conflicts != 0 {
		t.Errorf("caisse-2 status %+v", st)
	}
	// Synced: the server's copy is the truth, the peers' word is forgotten.
	if _, ok, _ := b.PeerValidation(ctx, w.tokens[0]); ok {
		t.Error("caisse-2 still holds caisse-1's validation after a sync")
	}
}

// TestEngine_LANPartition: the counters cannot reach each other (a peer address nobody answers
// on), the server is down: both admit the same ticket, and when the server returns it reports
// the double admission as a conflict, as without the LAN.
func TestEngine_LANPartition(t *testing.T) {
	w := newWorld(t, 2)
	ctx := context.Background()
	a, b := w.device("caisse-1", w.key), w.device("caisse-2", w.key)
	must(t, a.Sync(ctx))
	must(t, b.Sync(ctx))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	dead := l.Addr().String()
	l.Close() // nobody listens there any more
	w.startLAN(t, a, "caisse-1", dead)
	w.startLAN(t, b, "caisse-2", dead)

	w.down.Store(true)
	if v := a.Validate(ctx, w.tokens[0]); v.Code != app.OutcomeAdmitted {
		t.Fatalf("caisse-1: %+v", v)
	}
	if v := b.Validate(ctx, w.tokens[0]); v.Code != app.OutcomeAdmitted || v.PeerDevice != "" {
		t.Fatalf("caisse-2 (partitioned): %+v", v)
	}
	w.down.Store(false)
	must(t, a.Sync(ctx))
	must(t, b.Sync(ctx))
	conflicts, err := w.st.Conflicts(ctx, w.offerer.ID, w.venue.ID, true)
	must(t, err)
	if len(conflicts) != 1 || conflicts[0].Kind != store.ConflictDoubleAdmission || !strings.Contains(conflicts[0].Device, "caisse-2") ||
		!strings.Contains(conflicts[0].OtherDevice, "caisse-1") {
		t.Errorf("conflicts %+v, want caisse-2's double admission", conflicts)
	}
}

// TestEngine_LANOnlineNotConsulted: online, the server decides; a peer's word does not refuse a
// ticket the server admits (here a peer told of a validation the server never got).
func TestEngine_LANOnlineNotConsulted(t *testing.T) {
	w := newWorld(t, 1)
	ctx := context.Background()
	a := w.device("caisse-1", w.key)
	must(t, a.Sync(ctx))
	must(t, a.LANLedger().Received(ctx, []lan.Validation{{Token: w.tokens[0], Nonce: "n1", Device: "caisse-9", At: time.Now()}}))
	if v := a.Validate(ctx, w.tokens[0]); v.Code != app.OutcomeAdmitted || v.Offline {
		t.Fatalf("online: %+v", v)
	}
}

// TestEngine_LANSignedTicket: a booking made after the outage began, which neither copy has:
// admitted on one counter by its signed QR code ("vérifié par signature"), told over the LAN,
// and refused on the other as validated there — the peers' word comes before the signature.
// After the outage: one validation, no conflict.
func TestEngine_LANSignedTicket(t *testing.T) {
	w := newWorld(t, 1)
	ctx := context.Background()
	a, _ := w.signedDevice("caisse-1")
	b, _ := w.signedDevice("caisse-2")
	must(t, a.Sync(ctx))
	must(t, b.Sync(ctx))
	na := w.startLAN(t, a, "caisse-1")
	w.startLAN(t, b, "caisse-2", na.Addr())
	waitFor(t, "caisse-1 knows caisse-2", func() bool { return len(na.Peers()) == 1 })

	w.down.Store(true)
	fresh, payload := w.bookNow("Zoé")
	if v := a.Validate(ctx, payload); v.Code != app.OutcomeAdmitted || !v.Signed || !v.Offline {
		t.Fatalf("caisse-1, signed ticket: %+v", v)
	}
	waitFor(t, "caisse-2 hears of it", knows(b, fresh.Token, "caisse-1"))
	v := b.Validate(ctx, payload)
	if v.Code != app.OutcomeAlreadyUsed || v.PeerDevice != "caisse-1" || v.Signed || !v.Offline {
		t.Fatalf("caisse-2, the same signed ticket: %+v", v)
	}

	w.down.Store(false)
	must(t, a.Sync(ctx))
	must(t, b.Sync(ctx))
	if cs, err := w.st.Conflicts(ctx, w.offerer.ID, w.venue.ID, true); err != nil || len(cs) != 0 {
		t.Errorf("conflicts %+v %v, want none", cs, err)
	}
	got, err := w.st.GetBookingByToken(ctx, fresh.Token)
	must(t, err)
	if got.Status != app.StatusUsed || got.UsedByDevice != "caisse-1" {
		t.Errorf("on the server: %s by %q", got.Status, got.UsedByDevice)
	}
}

// TestEngine_LANSecretFollowsServer: the counter keeps the venue's LAN secret its pull carries,
// and takes a rotated one at its next sync.
func TestEngine_LANSecretFollowsServer(t *testing.T) {
	w := newWorld(t, 1)
	ctx := context.Background()
	a := w.device("caisse-1", w.key)
	if s, _ := a.LANLedger().Secret(ctx); s != "" {
		t.Fatalf("a secret before any pull: %q", s)
	}
	must(t, a.Sync(ctx))
	first, err := a.LANLedger().Secret(ctx)
	must(t, err)
	want, err := w.st.LANSecret(ctx, w.offerer.ID, w.venue.ID)
	must(t, err)
	if first != want {
		t.Fatalf("secret %q, the server's %q", first, want)
	}
	must(t, w.st.RotateLANSecret(ctx, w.venue.ID))
	must(t, a.Sync(ctx))
	if s, _ := a.LANLedger().Secret(ctx); s == first || len(s) != 64 {
		t.Errorf("after rotation: %q (was %q)", s, first)
	}
}

// TestEngine_LANStatus: through the switch main uses, the engine says whether the exchange runs
// and which counters it has reached.
func TestEngine_LANStatus(t *testing.T) {
	w := newWorld(t, 1)
	ctx := context.Background()
	a, b := w.device("caisse-1", w.key), w.device("caisse-2", w.key)
	must(t, a.Sync(ctx))
	must(t, b.Sync(ctx))
	nb := w.startLAN(t, b, "caisse-2")
	sw := lan.NewSwitch(lan.Config{VenueID: w.venue.ID, Device: "caisse-1", Listen: "127.0.0.1:0", NoDiscovery: true,
		ExchangeEvery: 100 * time.Millisecond}, a.LANLedger())
	t.Cleanup(func() { sw.Close() })
	a.SetPeers(sw)
	if st := a.LANStatus(); st.On || len(st.Peers) != 0 {
		t.Fatalf("before switching on: %+v", st)
	}
	must(t, sw.Set(ctx, lan.Settings{On: true, Peers: []string{nb.Addr()}}))
	waitFor(t, "caisse-1 names caisse-2", func() bool {
		st := a.LANStatus()
		return st.On && len(st.Peers) == 1 && st.Peers[0] == "caisse-2"
	})
}

// TestEngine_LANOnlineAdmissionShared: an admission the server made online is told to the peers
// too: a peer whose copy is a pull behind when the outage begins still refuses the ticket, and
// the server, back, records one validation and no conflict.
func TestEngine_LANOnlineAdmissionShared(t *testing.T) {
	w := newWorld(t, 2)
	ctx := context.Background()
	a, b := w.device("caisse-1", w.key), w.device("caisse-2", w.key)
	must(t, a.Sync(ctx))
	must(t, b.Sync(ctx)) // b's copy: the ticket not validated yet
	na := w.startLAN(t, a, "caisse-1")
	w.startLAN(t, b, "caisse-2", na.Addr())
	waitFor(t, "caisse-1 knows caisse-2", func() bool { return len(na.Peers()) == 1 })

	first := a.Validate(ctx, w.tokens[0])
	if first.Code != app.OutcomeAdmitted || first.Offline {
		t.Fatalf("caisse-1 online: %+v", first)
	}
	waitFor(t, "caisse-2 hears of the online admission", knows(b, w.tokens[0], "caisse-1"))
	w.down.Store(true) // the outage begins before caisse-2 pulls again
	second := b.Validate(ctx, w.tokens[0])
	if second.Code != app.OutcomeAlreadyUsed || !second.Offline || second.PeerDevice != "caisse-1" {
		t.Fatalf("caisse-2 offline: %+v, want refused as validated on caisse-1", second)
	}
	w.down.Store(false)
	must(t, b.Sync(ctx))
	must(t, a.Sync(ctx))
	if bk, err := w.st.GetBookingByToken(ctx, w.tokens[0]); err != nil || bk.Status != app.StatusUsed || bk.UsedByDevice != "caisse-1" {
		t.Errorf("on the server: %v by %q (%v)", bk.Status, bk.UsedByDevice, err)
	}
	if cs, err := w.st.Conflicts(ctx, w.offerer.ID, w.venue.ID, true); err != nil || len(cs) != 0 {
		t.Errorf("conflicts %+v %v, want none", cs, err)
	}
}

// TestEngine_LANWithdrawal: the server down, a ticket admitted on caisse-1 is refused on caisse-2;
// caisse-1's cashier undoes it ("Invalider"): caisse-2 hears of the withdrawal and admits the
// ticket at once (its refusal is not re-shown as a repeat), and a counter started afterwards is not
// told of the undone admission. When the server returns: one validation, caisse-2's, no conflict.
func TestEngine_LANWithdrawal(t *testing.T) {
	w := newWorld(t, 1)
	ctx := context.Background()
	a, b, c := w.device("caisse-1", w.key), w.device("caisse-2", w.key), w.device("caisse-3", w.key)
	must(t, a.Sync(ctx))
	must(t, b.Sync(ctx))
	must(t, c.Sync(ctx))
	na := w.startLAN(t, a, "caisse-1")
	nb := w.startLAN(t, b, "caisse-2", na.Addr())
	waitFor(t, "caisse-1 knows caisse-2", func() bool { return len(na.Peers()) == 1 })

	w.down.Store(true)
	tok := w.tokens[0]
	if v := a.Validate(ctx, tok); v.Code != app.OutcomeAdmitted || !v.Offline {
		t.Fatalf("caisse-1: %+v", v)
	}
	waitFor(t, "caisse-2 hears of the admission", knows(b, tok, "caisse-1"))
	if v := b.Validate(ctx, tok); v.Code != app.OutcomeAlreadyUsed || v.PeerDevice != "caisse-1" {
		t.Fatalf("caisse-2 before the withdrawal: %+v", v)
	}
	if v := a.Keep(ctx, tok); v.Code != app.OutcomeKept {
		t.Fatalf("caisse-1's Invalider: %+v", v)
	}
	took := waitFor(t, "caisse-2 hears of the withdrawal", func() bool {
		_, ok, err := b.PeerValidation(ctx, tok)
		return err == nil && !ok
	})
	t.Logf("caisse-2 knew of the withdrawal %s after it", took)
	if v := b.Validate(ctx, tok); v.Code != app.OutcomeAdmitted || v.Duplicate || v.PeerDevice != "" {
		t.Fatalf("caisse-2 after the withdrawal: %+v, want admitted", v)
	}
	// caisse-3 starts now: its first exchanges carry caisse-2's admission and caisse-1's withdrawal
	// (were caisse-1's admission counted, it would come first: it is older).
	nc := w.startLAN(t, c, "caisse-3", na.Addr(), nb.Addr())
	waitFor(t, "caisse-3 exchanged with both", func() bool {
		ps := nc.Peers()
		return len(ps) == 2 && !ps[0].Exchanged.IsZero() && !ps[1].Exchanged.IsZero()
	})
	if !knows(c, tok, "caisse-2")() {
		pv, ok, err := c.PeerValidation(ctx, tok)
		t.Errorf("caisse-3 holds %+v %v %v, want caisse-2's admission (caisse-1's is withdrawn)", pv, ok, err)
	}

	w.down.Store(false)
	must(t, a.Sync(ctx))
	must(t, b.Sync(ctx))
	must(t, a.Sync(ctx))
	if cs, err := w.st.Conflicts(ctx, w.offerer.ID, w.venue.ID, true); err != nil || len(cs) != 0 {
		t.Errorf("conflicts %+v %v, want none", cs, err)
	}
	got, err := w.st.GetBookingByToken(ctx, tok)
	must(t, err)
	if got.Status != app.StatusUsed || got.UsedByDevice != "caisse-2" {
		t.Errorf("on the server: %s by %q, want validated by caisse-2", got.Status, got.UsedByDevice)
	}
}

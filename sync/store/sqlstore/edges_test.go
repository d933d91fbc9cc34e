package sqlstore

import (
	"context"
	"testing"
	"time"

	"guichet/app"
	"guichet/sync/store"
)

// edgeFixture is a fixture with a cashier key and a showtime tonight.
type edgeFixture struct {
	*fixture
	key     *app.APIKey
	tonight *app.Stock
	n       int
}

func newEdgeFixture(t *testing.T) *edgeFixture {
	f := &edgeFixture{fixture: newFixture(t)}
	_, k, err := f.s.CreateAPIKey(context.Background(), f.offerer.ID, app.RoleCashier, "Caisse")
	must(t, err)
	f.key, f.tonight = k, f.addStock(t, f.offer.ID, f.now.Add(time.Hour), 100)
	return f
}

func (f *edgeFixture) booking(t *testing.T) *app.Booking {
	f.n++
	return f.book(t, f.addBeneficiary(t, "edge"+string(rune('a'+f.n))+"@example.org"), f.tonight, 1, f.now.Add(-72*time.Hour))
}

func (f *edgeFixture) push(t *testing.T, device string, evs ...store.ScanEvent) []store.ScanResult {
	t.Helper()
	rs, err := f.s.PushScans(context.Background(), f.key, device, evs, f.now)
	must(t, err)
	return rs
}

func use(nonce, token string, at time.Time) store.ScanEvent {
	return store.ScanEvent{Nonce: nonce, Token: token, Kind: "use", Mode: "offline", ScannedAt: at, LocalVerdict: app.OutcomeAdmitted}
}

func keep(nonce, token string, undoes *string, at time.Time) store.ScanEvent {
	return store.ScanEvent{Nonce: nonce, Token: token, Kind: "keep", Mode: "offline", ScannedAt: at, LocalVerdict: app.OutcomeKept, Undoes: undoes}
}

func TestStore_KeepNamesItsValidation(t *testing.T) {
	ctx := context.Background()
	f := newEdgeFixture(t)
	str := func(s string) *string { return &s }

	t.Run("a keep naming the validation in force undoes it", func(t *testing.T) {
		b := f.booking(t)
		rs := f.push(t, "A", use("k1-use", b.Token, f.now.Add(-3*time.Minute)), keep("k1-keep", b.Token, str("k1-use"), f.now.Add(-2*time.Minute)))
		got, _ := f.s.GetBookingByToken(ctx, b.Token)
		if rs[1].Outcome.Code != app.OutcomeKept || rs[1].Conflict != nil || got.Status != app.StatusConfirmed || got.UsedNonce != "" {
			t.Errorf("keep: %s, conflict %+v, booking %s %q", rs[1].Outcome.Code, rs[1].Conflict, got.Status, got.UsedNonce)
		}
	})
	t.Run("a keep naming another validation is a conflict and changes nothing", func(t *testing.T) {
		b := f.booking(t)
		f.push(t, "C", store.ScanEvent{Nonce: "k2-C", Token: b.Token, Kind: "use", Mode: "online", ScannedAt: f.now})
		rs := f.push(t, "A", use("k2-use", b.Token, f.now.Add(-3*time.Minute)), keep("k2-keep", b.Token, str("k2-use"), f.now.Add(-2*time.Minute)))
		got, _ := f.s.GetBookingByToken(ctx, b.Token)
		if got.Status != app.StatusUsed || got.UsedByDevice != "C" || got.UsedNonce != "k2-C" {
			t.Errorf("C's admission must stand: %s by %q (%q)", got.Status, got.UsedByDevice, got.UsedNonce)
		}
		c := rs[1].Conflict
		if rs[1].Outcome.Code == app.OutcomeKept || c == nil || c.Kind != store.ConflictKeepNotApplied || c.OtherDevice != "C" || c.Token != b.Token {
			t.Errorf("keep result %s, conflict %+v", rs[1].Outcome.Code, c)
		}
		if again := f.push(t, "A", keep("k2-keep", b.Token, str("k2-use"), f.now)); !again[0].Replayed || again[0].Conflict != nil {
			t.Errorf("a replay must not record the conflict again: %+v", again[0])
		}
	})
	t.Run("an older counter's keep undoes only its own validation", func(t *testing.T) {
		b := f.booking(t)
		f.push(t, "C", store.ScanEvent{Nonce: "k3-C", Token: b.Token, Kind: "use", Mode: "online", ScannedAt: f.now})
		if rs := f.push(t, "A", keep("k3-keep-A", b.Token, nil, f.now)); rs[0].Conflict == nil {
			t.Errorf("another device's validation undone by a keep that names none: %+v", rs[0])
		}
		if rs := f.push(t, "C", keep("k3-keep-C", b.Token, nil, f.now)); rs[0].Outcome.Code != app.OutcomeKept {
			t.Errorf("C's own legacy keep: %+v", rs[0].Outcome)
		}
	})
}

package counter_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"guichet/app"
	"guichet/counter"
	"guichet/counter/cache"
	"guichet/counter/lan"
	"guichet/sync/client"
)

// signalLedger is an engine's LAN ledger that says when a peer's validations are stored.
type signalLedger struct {
	lan.Ledger
	stored chan struct{}
}

func (l signalLedger) Received(ctx context.Context, vs []lan.Validation) error {
	err := l.Ledger.Received(ctx, vs)
	if err == nil {
		select {
		case l.stored <- struct{}{}:
		default:
		}
	}
	return err
}

// BenchmarkLAN_AdmissionReachesPeer times the path that makes a ticket admitted offline on one
// counter refusable on another: Engine.Validate on counter A (server down: the offline decision,
// its durable outbox write), A's node telling B's node over HTTP on loopback (sealed, checked),
// and B storing it in its cache — from Enter on A to the row in B's SQLite. Real caches, real
// nodes; the LAN's own latency is not in it (loopback).
func BenchmarkLAN_AdmissionReachesPeer(b *testing.B) {
	w, tokens := benchServer(b, 20_000)
	if b.N > len(tokens) {
		b.Fatalf("at most %d trials (-benchtime=Nx)", len(tokens))
	}
	ctx := context.Background()
	engine := func(device string) *counter.Engine {
		c, err := cache.Open(ctx, filepath.Join(b.TempDir(), device))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { c.Close() })
		cl := client.New(w.srv.URL, w.key, device, client.Options{Retries: -1})
		e := counter.New(c, cl, counter.Config{Device: device, VenueID: w.venue.ID, Location: time.UTC})
		if err := e.Sync(ctx); err != nil {
			b.Fatal(err)
		}
		return e
	}
	a, bb := engine("caisse-a"), engine("caisse-b")
	stored := make(chan struct{}, 1)
	nb := lan.New(lan.Config{VenueID: w.venue.ID, Device: "caisse-b", Listen: "127.0.0.1:0", NoDiscovery: true,
		ExchangeEvery: time.Hour}, signalLedger{bb.LANLedger(), stored})
	if err := nb.Start(ctx); err != nil {
		b.Fatal(err)
	}
	defer nb.Close()
	na := lan.New(lan.Config{VenueID: w.venue.ID, Device: "caisse-a", Listen: "127.0.0.1:0", NoDiscovery: true,
		ExchangeEvery: time.Hour, Peers: []string{nb.Addr()}}, a.LANLedger())
	if err := na.Start(ctx); err != nil {
		b.Fatal(err)
	}
	defer na.Close()
	a.SetPeers(na)
	w.srv.Close() // the outage
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		if ps := na.Peers(); len(ps) == 1 && !ps[0].Exchanged.IsZero() {
			break // the first exchange (nothing to tell yet) is done
		}
		if time.Now().After(deadline) {
			b.Fatal("caisse-a never reached caisse-b")
		}
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if v := a.Validate(ctx, tokens[i]); v.Code != app.OutcomeAdmitted || !v.Offline {
			b.Fatalf("%s: %+v", tokens[i], v)
		}
		select {
		case <-stored:
		case <-time.After(10 * time.Second):
			b.Fatalf("%s never reached caisse-b", tokens[i])
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	reportLatency(b, lat)
}

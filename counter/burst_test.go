package counter_test

import (
	"context"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"guichet/app"
	"guichet/counter"
	"guichet/counter/cache"
	"guichet/internal/testdir"
	"guichet/sync/client"
	"guichet/sync/store"
)

// TestEngine_BurstFasterThanOnlineTimeout: the server stalls longer than the online timeout
// while scans keep coming, one every 20 ms from several goroutines (the keyboard wedge, the
// webcam, a second scanner). Every scan gets its verdict, every admission is in the outbox and
// reaches the server, and a repeat within the window shows the earlier verdict again.
func TestEngine_BurstFasterThanOnlineTimeout(t *testing.T) {
	const n = 12
	w := newWorld(t, n)
	ctx := context.Background()
	c, err := cache.Open(ctx, filepath.Join(testdir.New(t), "caisse-1"))
	must(t, err)
	t.Cleanup(func() { c.Close() })
	timeout := 300 * time.Millisecond
	cl := client.New(w.srv.URL, w.key, "caisse-1", client.Options{FastTimeout: timeout, Timeout: time.Minute, Retries: -1})
	e := counter.New(c, cl, counter.Config{Device: "caisse-1", VenueID: w.venue.ID, Location: paris})
	must(t, e.Sync(ctx))

	inner := *w.handler.Load()
	var slow http.Handler = http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		time.Sleep(2 * timeout) // the server stalls: every online validation times out
		inner.ServeHTTP(rw, r)
	})
	w.handler.Store(&slow)

	verdicts := make([]counter.Verdict, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			verdicts[i] = e.Validate(ctx, "PASSCULTURE:v3;TOKEN:"+w.tokens[i])
		}()
		time.Sleep(timeout / 15) // the next scan comes long before the first is answered
	}
	wg.Wait()
	for i, v := range verdicts {
		if v.Code != app.OutcomeAdmitted || v.Token != w.tokens[i] || v.Duplicate {
			t.Errorf("scan %d (%s): %s %q duplicate=%v", i, w.tokens[i], v.Code, v.Message, v.Duplicate)
		}
	}
	again := e.Validate(ctx, w.tokens[0])
	if !again.Duplicate || again.Code != app.OutcomeAdmitted || again.Nonce != verdicts[0].Nonce || again.Booking == nil {
		t.Errorf("repeat within the window: %+v, want the first verdict again", again)
	}

	w.handler.Store(&inner)
	must(t, e.Sync(ctx))
	if st := e.Status(); st.Pending != 0 || !st.Online {
		t.Errorf("status after the stall: %+v", st)
	}
	p, err := w.st.ListBookings(ctx, store.BookingFilter{OffererID: w.offerer.ID, VenueID: w.venue.ID, Status: app.StatusUsed, Per: 100})
	must(t, err)
	if p.Total != n {
		t.Errorf("%d bookings used on the server, want every one of the %d scans", p.Total, n)
	}
}

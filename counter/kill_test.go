package counter_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"guichet/app"
	"guichet/counter"
	"guichet/counter/cache"
	"guichet/internal/testdir"
	"guichet/sync/client"
)

// killDirEnv makes the test binary the counter process that TestEngine_SIGKILLMidValidation kills.
const killDirEnv = "GUICHET_KILL_TEST_DIR"

// killSyncEnv makes the test binary the counter process that TestEngine_SIGKILLMidSync kills:
// "dir|server URL|key".
const killSyncEnv = "GUICHET_KILL_SYNC"

// TestMain runs the killed counter when asked, the tests otherwise.
func TestMain(m *testing.M) {
	if dir := os.Getenv(killDirEnv); dir != "" {
		os.Exit(killedCounter(dir))
	}
	if args := os.Getenv(killSyncEnv); args != "" {
		os.Exit(killedSyncer(strings.Split(args, "|")))
	}
	os.Exit(m.Run())
}

// killedSyncer opens the cache in args[0] and syncs it with the server at args[1] (key args[2]),
// printing "SYNCED" if the sync ever returns; it is killed before.
func killedSyncer(args []string) int {
	ctx := context.Background()
	c, err := cache.Open(ctx, args[0])
	if err != nil {
		fmt.Println("ERR", err)
		return 3 // not 1, which Windows gives a process it kills
	}
	e := counter.New(c, client.New(args[1], args[2], "caisse-1", client.Options{Timeout: time.Minute, Retries: -1}),
		counter.Config{Device: "caisse-1", VenueID: 1, Location: time.UTC})
	fmt.Println("SYNCING")
	err = e.Sync(ctx)
	fmt.Println("SYNCED", err)
	return 0
}

// killedCounter validates every booking of the cache in dir offline, as fast as it can, and
// prints "ACK <token>" once each verdict is returned (what the cashier would see), until killed.
func killedCounter(dir string) int {
	ctx := context.Background()
	c, err := cache.Open(ctx, dir)
	if err != nil {
		fmt.Println("ERR", err)
		return 3 // not 1, which Windows gives a process it kills
	}
	e := counter.New(c, client.New("http://127.0.0.1:1", "gk_x", "killed", client.Options{Retries: -1}),
		counter.Config{Device: "killed", VenueID: 1, Location: time.UTC})
	_ = e.Sync(ctx) // no server: offline from now on
	for i := 0; ; i++ {
		tok := toBase30(5000 + i)
		v := e.Validate(ctx, tok)
		if v.Code != app.OutcomeAdmitted {
			fmt.Println("ERR", tok, v.Code, v.Message)
			return 3
		}
		fmt.Println("ACK", tok)
	}
}

// TestEngine_SIGKILLMidValidation starts a real counter process validating offline without a
// pause, kills it with SIGKILL in the middle of its validations, and opens its files again:
// every validation whose verdict was returned is in the outbox, waiting to be sent.
func TestEngine_SIGKILLMidValidation(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	ctx := context.Background()
	dir := filepath.Join(testdir.New(t), "caisse")
	c, err := cache.Open(ctx, dir)
	must(t, err)
	now := time.Now()
	const n = 5000
	page := cache.Changes{Cursor: n}
	for i := 0; i < n; i++ {
		page.Bookings = append(page.Bookings, cache.Booking{Rev: int64(i + 1), Booking: app.Booking{ID: int64(i + 1),
			Token: toBase30(5000 + i), Status: app.StatusConfirmed, Quantity: 1, BookedAt: now.AddDate(0, 0, -5),
			CancellationLimit: now.AddDate(0, 0, -3), OfferName: "Parasite", StockID: 1, ShowStart: now.Add(10 * time.Minute)}})
	}
	must(t, c.Apply(ctx, page))
	must(t, c.Close())

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), killDirEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	must(t, err)
	must(t, cmd.Start())
	var acked []string
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		line := lines.Text()
		if tok, ok := strings.CutPrefix(line, "ACK "); ok {
			acked = append(acked, tok)
		} else {
			t.Fatalf("counter process: %s", line)
		}
		if len(acked) == 200 { // in the middle of a burst: the next validation is under way
			must(t, cmd.Process.Kill())
			break
		}
	}
	for lines.Scan() { // what it printed before dying
		if tok, ok := strings.CutPrefix(lines.Text(), "ACK "); ok {
			acked = append(acked, tok)
		}
	}
	_ = cmd.Wait()
	if !hardKilled(cmd.ProcessState) {
		t.Fatalf("the counter process was not killed: %v", cmd.ProcessState)
	}

	c, err = cache.Open(ctx, dir)
	must(t, err)
	defer c.Close()
	pending, err := c.Pending(ctx, 2*n)
	must(t, err)
	inOutbox := map[string]bool{}
	for _, ev := range pending {
		inOutbox[ev.Token] = true
	}
	for _, tok := range acked {
		if !inOutbox[tok] {
			t.Errorf("%s was acknowledged, then lost by the kill", tok)
		}
	}
	if len(pending) < len(acked) || len(pending) > len(acked)+1 {
		t.Errorf("%d events in the outbox for %d acknowledged validations (at most one more, the one under way)", len(pending), len(acked))
	}
	t.Logf("%d validations acknowledged before SIGKILL, %d in the outbox after restart", len(acked), len(pending))
}

// TestEngine_SIGKILLMidSync: a counter process pushing its offline admissions is killed with
// SIGKILL after the server has applied the push and before the answer reached it. Restarted on
// the same files, it still has every event waiting, pushes them again, and the server answers
// each from its record: every admission applied once, none twice, no conflict.
func TestEngine_SIGKILLMidSync(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	w := newWorld(t, 40)
	ctx := context.Background()
	dir := filepath.Join(testdir.New(t), "caisse-1")
	c, err := cache.Open(ctx, dir)
	must(t, err)
	e := counter.New(c, client.New(w.srv.URL, w.key, "caisse-1", client.Options{FastTimeout: time.Second, Retries: -1}),
		counter.Config{Device: "caisse-1", VenueID: w.venue.ID, Location: paris})
	must(t, e.Sync(ctx))
	w.down.Store(true)
	for _, tok := range w.tokens {
		if v := e.Validate(ctx, tok); v.Code != app.OutcomeAdmitted || !v.Offline {
			t.Fatalf("offline %s: %s", tok, v.Code)
		}
	}
	must(t, c.Close())
	w.down.Store(false)

	// The server applies the push, then holds its answer until the counter is dead.
	applied, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	releaseHeld := sync.OnceFunc(func() { close(release) })
	defer releaseHeld() // a failing test must not leave the server's handler waiting
	real := *w.handler.Load()
	var hold http.Handler = http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/sync/v1/scans" {
			real.ServeHTTP(rw, r)
			return
		}
		rec := httptest.NewRecorder()
		real.ServeHTTP(rec, r)
		once.Do(func() { close(applied) })
		<-release
	})
	w.handler.Store(&hold)

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), killSyncEnv+"="+dir+"|"+w.srv.URL+"|"+w.key)
	out, err := cmd.StdoutPipe()
	must(t, err)
	must(t, cmd.Start())
	lines := bufio.NewScanner(out)
	if !lines.Scan() || lines.Text() != "SYNCING" {
		t.Fatalf("counter process: %q", lines.Text())
	}
	select {
	case <-applied:
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("the counter process never pushed")
	}
	for _, tok := range w.tokens { // applied on the server, the answer not sent
		if b, err := w.st.GetBookingByToken(ctx, tok); err != nil || b.Status != app.StatusUsed {
			t.Fatalf("%s not applied by the held push: %v %v", tok, b.Status, err)
		}
	}
	must(t, cmd.Process.Kill())
	for lines.Scan() {
		if strings.HasPrefix(lines.Text(), "SYNCED") {
			t.Fatalf("the sync returned before the kill: %s", lines.Text())
		}
	}
	_ = cmd.Wait()
	releaseHeld()
	w.handler.Store(&real)
	if !hardKilled(cmd.ProcessState) {
		t.Fatalf("the counter process was not killed: %v", cmd.ProcessState)
	}

	c, err = cache.Open(ctx, dir)
	must(t, err)
	defer c.Close()
	e = counter.New(c, client.New(w.srv.URL, w.key, "caisse-1", client.Options{FastTimeout: time.Second, Retries: -1}),
		counter.Config{Device: "caisse-1", VenueID: w.venue.ID, Location: paris})
	if p := e.Status().Pending; p != len(w.tokens) {
		t.Fatalf("after the kill %d events waiting, want %d", p, len(w.tokens))
	}
	pending, err := c.Pending(ctx, 100)
	must(t, err)
	nonces := map[string]string{}
	for _, ev := range pending {
		nonces[ev.Token] = ev.Nonce
	}
	must(t, e.Sync(ctx))
	if p := e.Status().Pending; p != 0 {
		t.Errorf("%d events still waiting after the second push", p)
	}
	for _, tok := range w.tokens {
		b, err := w.st.GetBookingByToken(ctx, tok)
		if err != nil || b.Status != app.StatusUsed || b.UsedNonce != nonces[tok] {
			t.Errorf("%s: %v by nonce %q, want the outbox's %q (%v)", tok, b.Status, b.UsedNonce, nonces[tok], err)
		}
	}
	if cs, err := w.st.Conflicts(ctx, w.offerer.ID, w.venue.ID, true); err != nil || len(cs) != 0 {
		t.Errorf("conflicts after the replayed push: %+v %v", cs, err)
	}
}

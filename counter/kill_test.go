package counter_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"guichet/app"
	"guichet/counter"
	"guichet/counter/cache"
	"guichet/sync/client"
)

// killDirEnv makes the test binary the counter process that TestEngine_SIGKILLMidValidation kills.
const killDirEnv = "GUICHET_KILL_TEST_DIR"

// TestMain runs the killed counter when asked, the tests otherwise.
func TestMain(m *testing.M) {
	if dir := os.Getenv(killDirEnv); dir != "" {
		os.Exit(killedCounter(dir))
	}
	os.Exit(m.Run())
}

// killedCounter validates every booking of the cache in dir offline, as fast as it can, and
// prints "ACK <token>" once each verdict is returned (what the cashier would see), until killed.
func killedCounter(dir string) int {
	ctx := context.Background()
	c, err := cache.Open(ctx, dir)
	if err != nil {
		fmt.Println("ERR", err)
		return 1
	}
	e := counter.New(c, client.New("http://127.0.0.1:1", "gk_x", "killed", client.Options{Retries: -1}),
		counter.Config{Device: "killed", VenueID: 1, Location: time.UTC})
	_ = e.Sync(ctx) // no server: offline from now on
	for i := 0; ; i++ {
		tok := toBase30(5000 + i)
		v := e.Validate(ctx, tok)
		if v.Code != app.OutcomeAdmitted {
			fmt.Println("ERR", tok, v.Code, v.Message)
			return 1
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
	dir := filepath.Join(t.TempDir(), "caisse")
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
			must(t, cmd.Process.Signal(syscall.SIGKILL))
			break
		}
	}
	for lines.Scan() { // what it printed before dying
		if tok, ok := strings.CutPrefix(lines.Text(), "ACK "); ok {
			acked = append(acked, tok)
		}
	}
	_ = cmd.Wait()
	if st, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || st.Signal() != syscall.SIGKILL {
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

package counter_test

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"guichet/app"
	"guichet/counter"
	"guichet/counter/cache"
	"guichet/sync/client"
)

// TestEngine_DiskFull: offline, on a disk that fills up during the evening (a real file system
// of 2 MiB, tmpfs), a validation that cannot be written is not shown as admitted: the verdict
// says the recording failed and not to let the person in unchecked. Nothing recorded before is
// lost, and once space is freed the same ticket is validated normally. (Linux: it mounts a
// tmpfs, which needs root, as the CI has; elsewhere it says why it does not run.)
func TestEngine_DiskFull(t *testing.T) {
	dir := smallDisk(t)
	ctx := context.Background()
	c, e := diskFullCounter(t, dir, io.Discard)
	defer func() { c.Close() }()
	fill(t, dir)

	admitted := []string{toBase30(7000)}
	var failed string
	for i := 1; i < n && failed == ""; i++ {
		tok := toBase30(7000 + i)
		switch v := e.Validate(ctx, tok); {
		case v.Code == app.OutcomeAdmitted:
			admitted = append(admitted, tok) // the log still had room
		case v.Code == "ERROR" && strings.HasPrefix(v.Message, "Enregistrement impossible") &&
			strings.Contains(v.Message, "Ne laissez pas entrer sans vérifier"):
			failed = tok
		default:
			t.Fatalf("%s on a full disk: %s %q", tok, v.Code, v.Message)
		}
	}
	if failed == "" {
		t.Fatalf("%d validations written on a full disk: the test did not fill it", len(admitted))
	}

	must(t, os.Remove(filepath.Join(dir, "filler")))
	time.Sleep(2 * repeatWindow) // past the repeat window: the same code is decided again
	if v := e.Validate(ctx, failed); v.Code != app.OutcomeAdmitted {
		t.Fatalf("%s once space is freed: %s %q", failed, v.Code, v.Message)
	}
	admitted = append(admitted, failed)
	must(t, c.Close())
	c, err := cache.Open(ctx, dir)
	must(t, err)
	pending, err := c.Pending(ctx, 2*n)
	must(t, err)
	in, events := map[string]bool{}, 0
	for _, ev := range pending {
		if ev.LocalVerdict == app.OutcomeAdmitted {
			in[ev.Token] = true
			events++
		}
	}
	if events != len(admitted) { // the failed attempt's journal record is voided, not replayed
		t.Errorf("%d admissions in the outbox after a restart, %d shown", events, len(admitted))
	}
	for _, tok := range admitted {
		if !in[tok] {
			t.Errorf("%s was shown as admitted but is not in the outbox", tok)
		}
	}
	if len(in) != len(admitted) {
		t.Errorf("%d admissions in the outbox, %d shown", len(in), len(admitted))
	}
}

// TestEngine_DiskFullCopyOnly: the copy (cache.db) is on a disk that fills up, the outbox on
// another with room (a symbolic link here). An admission is written to the outbox and shown;
// the copy's update fails, yet a second scan of the ticket is refused as already validated (the
// outbox's pending decisions are read over the copy), and the copy is right again after a
// restart.
func TestEngine_DiskFullCopyOnly(t *testing.T) {
	small := smallDisk(t)
	dir := filepath.Join(t.TempDir(), "caisse")
	must(t, os.Mkdir(dir, 0o700))
	must(t, os.Symlink(filepath.Join(small, "cache.db"), filepath.Join(dir, "cache.db")))
	ctx := context.Background()
	logs := &lockedLog{}
	c, e := diskFullCounter(t, dir, logs)
	defer func() { c.Close() }()
	fill(t, small)

	var tok string
	for i := 1; i < n && tok == ""; i++ {
		v := e.Validate(ctx, toBase30(7000+i))
		if v.Code != app.OutcomeAdmitted {
			t.Fatalf("the outbox has room, yet %s: %s %q", toBase30(7000+i), v.Code, v.Message)
		}
		if strings.Contains(logs.String(), "copy not updated") {
			tok = toBase30(7000 + i)
		}
	}
	if tok == "" {
		t.Fatal("the copy never refused a write: the disk was not full")
	}
	if b, err := c.Lookup(ctx, tok); err != nil || b.Status != app.StatusUsed {
		t.Errorf("the look-up after the failed copy update: %+v %v, want USED", b, err)
	}
	time.Sleep(2 * repeatWindow) // past the repeat window
	if v := e.Validate(ctx, tok); v.Code != app.OutcomeAlreadyUsed {
		t.Errorf("%s scanned again: %s %q, want already validated", tok, v.Code, v.Message)
	}
	must(t, c.Close())
	must(t, os.Remove(filepath.Join(small, "filler")))
	c, err := cache.Open(ctx, dir)
	must(t, err)
	if b, err := c.Lookup(ctx, tok); err != nil || b.Status != app.StatusUsed || b.UsedAt.IsZero() {
		t.Errorf("after a restart: %+v %v, want USED", b, err)
	}
}

const n = 300 // bookings in the disk-full tests' copy

// repeatWindow is the disk-full tests' window for ignoring the same code scanned again (4 s in
// the app): short, so that scanning a ticket again after freeing space takes no long wait.
const repeatWindow = 100 * time.Millisecond

// lockedLog is a log the engine's goroutines may write to while the test reads it.
type lockedLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// smallDisk mounts a 2 MiB tmpfs in a temporary folder (root only: elsewhere the test says why
// it does not run).
func smallDisk(t *testing.T) string {
	dir := filepath.Join(t.TempDir(), "small")
	must(t, os.Mkdir(dir, 0o700))
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=2m"); err != nil {
		t.Skipf("a small file system is needed to fill the disk; mounting a tmpfs failed (root only): %v", err)
	}
	t.Cleanup(func() { _ = syscall.Unmount(dir, syscall.MNT_DETACH) })
	return dir
}

// diskFullCounter opens a copy of n bookings in dir and an offline engine on it, and checks
// that it admits one (toBase30(7000)).
func diskFullCounter(t *testing.T, dir string, logs io.Writer) (*cache.Cache, *counter.Engine) {
	ctx := context.Background()
	c, err := cache.Open(ctx, dir)
	must(t, err)
	now := time.Now()
	page := cache.Changes{Cursor: n}
	for i := 0; i < n; i++ {
		page.Bookings = append(page.Bookings, cache.Booking{Rev: int64(i + 1), Booking: app.Booking{ID: int64(i + 1),
			Token: toBase30(7000 + i), Status: app.StatusConfirmed, Quantity: 1, BookedAt: now.AddDate(0, 0, -5),
			CancellationLimit: now.AddDate(0, 0, -3), OfferName: "Parasite", StockID: 1, ShowStart: now.Add(10 * time.Minute)}})
	}
	must(t, c.Apply(ctx, page))
	must(t, c.Checkpoint(ctx))
	e := counter.New(c, client.New("http://127.0.0.1:1", "gk_x", "caisse", client.Options{Retries: -1}),
		counter.Config{Device: "caisse", VenueID: 1, Location: time.UTC, DuplicateWindow: repeatWindow,
			Logger: slog.New(slog.NewTextHandler(logs, nil))})
	_ = e.Sync(ctx) // no server: offline
	if v := e.Validate(ctx, toBase30(7000)); v.Code != app.OutcomeAdmitted {
		t.Fatalf("before the disk is full: %s %s", v.Code, v.Message)
	}
	return c, e
}

// fill writes a file in dir until its file system is full.
func fill(t *testing.T, dir string) {
	filler, err := os.Create(filepath.Join(dir, "filler"))
	must(t, err)
	block := make([]byte, 4096)
	for {
		if _, err := filler.Write(block); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("filling the disk: %v", err)
			}
			break
		}
	}
	must(t, filler.Close())
}

// TestEngine_ServerDiskFull: the server's database is on a disk that fills up during an outage.
// When the counter pushes its offline admissions, the server fails on them and changes nothing;
// the counter keeps every one in its outbox and pushes them again once space is freed: none is
// lost, none applied twice.
func TestEngine_ServerDiskFull(t *testing.T) {
	small := smallDisk(t)
	w := newWorld(t, 20)
	ctx := context.Background()
	path := filepath.Join(small, "server.db")
	db, err := sql.Open("sqlite", w.dbPath)
	must(t, err)
	_, err = db.Exec(`VACUUM INTO ?`, path)
	must(t, err)
	must(t, db.Close())
	st := w.restore(path) // the server now runs on the small disk
	e := w.device("caisse-1", w.key)
	must(t, e.Sync(ctx))

	w.down.Store(true)
	for _, tok := range w.tokens {
		if v := e.Validate(ctx, tok); v.Code != app.OutcomeAdmitted || !v.Offline {
			t.Fatalf("offline %s: %s %q", tok, v.Code, v.Message)
		}
	}
	fill(t, small)
	w.down.Store(false)
	err = e.Sync(ctx)
	if err == nil {
		t.Fatal("the push succeeded on a full disk")
	}
	t.Logf("push on a full disk: %v", err)
	if p := e.Status().Pending; p != len(w.tokens) {
		t.Errorf("%d validations waiting after the failed push, want %d", p, len(w.tokens))
	}
	for _, tok := range w.tokens {
		if b, err := st.GetBookingByToken(ctx, tok); err != nil || b.Status != app.StatusConfirmed {
			t.Fatalf("%s half-applied on the full server: %v %v", tok, b.Status, err)
		}
	}

	must(t, os.Remove(filepath.Join(small, "filler")))
	must(t, e.Sync(ctx))
	if p := e.Status().Pending; p != 0 {
		t.Errorf("%d validations still waiting once space is freed", p)
	}
	for _, tok := range w.tokens {
		if b, err := st.GetBookingByToken(ctx, tok); err != nil || b.Status != app.StatusUsed || b.UsedByDevice != "caisse-1" {
			t.Errorf("%s on the server: %v by %q (%v)", tok, b.Status, b.UsedByDevice, err)
		}
	}
	if cs, err := st.Conflicts(ctx, w.offerer.ID, w.venue.ID, false); err != nil || len(cs) != 0 {
		t.Errorf("conflicts %+v %v, want none", cs, err)
	}
}

package sqlstore

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"guichet/app"
	"guichet/sync/store"
)

// Concurrency on PostgreSQL, where writers really run at the same time: each test uses real
// concurrent transactions, and "two replicas" are two stores (two pools) on one database.

// onPostgres runs fn as the "postgres" subtest (PostgreSQL only: SQLite has one writer).
func onPostgres(t *testing.T, fn func(t *testing.T)) {
	t.Helper()
	t.Run("postgres", fn)
}

// replica opens a second store on s's PostgreSQL database.
func replica(t *testing.T, s *Store) *Store {
	t.Helper()
	r, err := OpenPostgres(context.Background(), s.dsn, Options{MaxConns: 16})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// A transaction that changed a booking first but commits last must not be skipped by a pull
// that ran in between: revisions follow commit order, not the order the writes happened in.
func TestPostgres_ChangesFollowCommitOrder(t *testing.T) {
	onPostgres(t, func(t *testing.T) {
		ctx := context.Background()
		f := newFixture(t)
		tonight := f.addStock(t, f.offer.ID, f.now.Add(time.Hour), 50)
		slow := f.book(t, f.addBeneficiary(t, "slow@example.org"), tonight, 1, f.now.Add(-72*time.Hour))
		fast := f.book(t, f.addBeneficiary(t, "fast@example.org"), tonight, 1, f.now.Add(-72*time.Hour))
		ch, err := f.s.Changes(ctx, f.offerer.ID, f.venue.ID, 0, 100)
		must(t, err)
		cursor := ch.Cursor

		// The slow transaction changes its booking first and stays open.
		tx, err := f.s.db.BeginTx(ctx, nil)
		must(t, err)
		defer tx.Rollback()
		_, err = tx.ExecContext(ctx, `UPDATE bookings SET used_device = 'slow' WHERE id = $1`, slow.ID)
		must(t, err)
		// Another booking changes and commits meanwhile; a counter pulls it.
		if out, err := f.s.UseBooking(ctx, f.offerer.ID, fast.Token, store.Validator{Device: "fast"}, f.now); err != nil || out.Code != app.OutcomeAdmitted {
			t.Fatalf("use: %s %v", out.Code, err)
		}
		ch, err = f.s.Changes(ctx, f.offerer.ID, f.venue.ID, cursor, 100)
		must(t, err)
		if len(ch.Bookings) != 1 || ch.Bookings[0].Item.ID != fast.ID {
			t.Fatalf("first pull: %d bookings, want the fast one", len(ch.Bookings))
		}
		cursor = ch.Cursor
		must(t, tx.Commit())
		// The slow change is after the cursor the counter holds.
		ch, err = f.s.Changes(ctx, f.offerer.ID, f.venue.ID, cursor, 100)
		must(t, err)
		if len(ch.Bookings) != 1 || ch.Bookings[0].Item.ID != slow.ID || ch.Bookings[0].Item.UsedByDevice != "slow" {
			t.Fatalf("the change committed last was skipped: %+v", ch.Bookings)
		}
	})
}

// Writers on two replicas and a counter pulling all along: at the end the counter's copy,
// built only from the pages it pulled, equals the database.
func TestPostgres_ChangesNeverSkipUnderLoad(t *testing.T) {
	onPostgres(t, func(t *testing.T) {
		ctx := context.Background()
		f := newFixture(t)
		r := replica(t, f.s)
		const writers, perWriter = 6, 15
		st := f.addStock(t, f.offer.ID, f.now.Add(2*time.Hour), writers*perWriter)
		bens := make([]*app.Beneficiary, writers*perWriter)
		for i := range bens {
			bens[i] = f.addBeneficiary(t, fmt.Sprintf("load%d@example.org", i))
		}
		copyOf := map[int64]app.BookingStatus{}
		var cursor int64
		pull := func() {
			for {
				ch, err := f.s.Changes(ctx, f.offerer.ID, f.venue.ID, cursor, 7)
				must(t, err)
				for _, b := range ch.Bookings {
					copyOf[b.Item.ID] = b.Item.Status
				}
				cursor = ch.Cursor
				if !ch.More {
					return
				}
			}
		}
		done := make(chan struct{})
		var pulls sync.WaitGroup
		pulls.Add(1)
		go func() {
			defer pulls.Done()
			for {
				select {
				case <-done:
					return
				default:
					pull()
				}
			}
		}()
		var wg sync.WaitGroup
		errs := make(chan error, writers*perWriter)
		for w := 0; w < writers; w++ {
			db := f.s
			if w%2 == 1 {
				db = r
			}
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := 0; i < perWriter; i++ {
					b, err := db.CreateBooking(ctx, store.BookingRequest{BeneficiaryID: bens[w*perWriter+i].ID, StockID: st.ID, Quantity: 1}, f.now.Add(-72*time.Hour))
					if err != nil {
						errs <- err
						continue
					}
					if i%2 == 0 {
						if _, err := db.UseBooking(ctx, f.offerer.ID, b.Token, store.Validator{Device: "d"}, f.now); err != nil {
							errs <- err
						}
					}
				}
			}(w)
		}
		wg.Wait()
		close(done)
		pulls.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("writer: %v", err)
		}
		pull()
		rows, err := f.s.db.QueryContext(ctx, `SELECT id, status FROM bookings WHERE venue_id = $1`, f.venue.ID)
		must(t, err)
		defer rows.Close()
		n := 0
		for rows.Next() {
			var id int64
			var status string
			must(t, rows.Scan(&id, &status))
			n++
			if copyOf[id] != app.BookingStatus(status) {
				t.Errorf("booking %d: the counter has %q, the database %q", id, copyOf[id], status)
			}
		}
		if n != writers*perWriter {
			t.Errorf("%d bookings, want %d", n, writers*perWriter)
		}
	})
}

// The same countermark validated at the same time through two replicas: one admission, one
// USE event; everyone else is told it is already used.
func TestPostgres_ConcurrentValidations(t *testing.T) {
	onPostgres(t, func(t *testing.T) {
		ctx := context.Background()
		f := newFixture(t)
		r := replica(t, f.s)
		tonight := f.addStock(t, f.offer.ID, f.now.Add(time.Hour), 50)
		var tokens []string
		for i := 0; i < 10; i++ {
			tokens = append(tokens, f.book(t, f.addBeneficiary(t, fmt.Sprintf("v%d@example.org", i)), tonight, 1, f.now.Add(-72*time.Hour)).Token)
		}
		var mu sync.Mutex
		admitted := map[string]int{}
		var wg sync.WaitGroup
		for i := 0; i < 8; i++ {
			s := f.s
			if i%2 == 1 {
				s = r
			}
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				for _, tok := range tokens {
					out, err := s.UseBooking(ctx, f.offerer.ID, tok, store.Validator{Device: fmt.Sprintf("caisse-%d", i)}, f.now)
					if err != nil {
						t.Errorf("use %s: %v", tok, err)
						return
					}
					mu.Lock()
					if out.Code == app.OutcomeAdmitted {
						admitted[tok]++
					} else if out.Code != app.OutcomeAlreadyUsed {
						t.Errorf("use %s: %s", tok, out.Code)
					}
					mu.Unlock()
				}
			}(i)
		}
		wg.Wait()
		for _, tok := range tokens {
			var events int
			must(t, f.s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM booking_events e JOIN bookings b ON b.id = e.booking_id
				WHERE b.token = $1 AND e.kind = 'USE'`, tok).Scan(&events))
			if admitted[tok] != 1 || events != 1 {
				t.Errorf("%s admitted %d times, %d USE events; want 1 and 1", tok, admitted[tok], events)
			}
		}
	})
}

// A validation locks its booking only: while one booking is locked by a transaction that does
// not end, another booking of the same showtime (same stock, offer, venue) is validated.
func TestPostgres_ValidationLocksOnlyTheBooking(t *testing.T) {
	onPostgres(t, func(t *testing.T) {
		ctx := context.Background()
		f := newFixture(t)
		tonight := f.addStock(t, f.offer.ID, f.now.Add(time.Hour), 50)
		a := f.book(t, f.addBeneficiary(t, "a@example.org"), tonight, 1, f.now.Add(-72*time.Hour))
		b := f.book(t, f.addBeneficiary(t, "b@example.org"), tonight, 1, f.now.Add(-72*time.Hour))
		tx, err := f.s.db.BeginTx(ctx, nil)
		must(t, err)
		defer tx.Rollback()
		if _, err := f.s.bookingByToken(ctx, tx, a.Token, f.s.dialect.forUpdate); err != nil {
			t.Fatal(err)
		}
		// Bounded so that a lock on the stock, offer, venue or beneficiary rows fails the test
		// instead of hanging it.
		bctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		out, err := f.s.UseBooking(bctx, f.offerer.ID, b.Token, store.Validator{}, f.now)
		if err != nil || out.Code != app.OutcomeAdmitted {
			t.Fatalf("validation of another booking while one is locked: %+v %v", out.Code, err)
		}
		// The locked booking itself waits for the lock: it is not validated meanwhile.
		wctx, wcancel := context.WithTimeout(ctx, 300*time.Millisecond)
		defer wcancel()
		if _, err := f.s.UseBooking(wctx, f.offerer.ID, a.Token, store.Validator{}, f.now); err == nil {
			t.Fatal("the locked booking was validated through the lock")
		}
	})
}

// Two bookings of one offer by one beneficiary at once, on two showtimes (so that neither the
// stock row nor the code's check serialises them): the partial unique index keeps one.
func TestPostgres_OneBookingPerOfferUnderRace(t *testing.T) {
	onPostgres(t, func(t *testing.T) {
		ctx := context.Background()
		f := newFixture(t)
		r := replica(t, f.s)
		for round := 0; round < 5; round++ {
			ben := f.addBeneficiary(t, fmt.Sprintf("race%d@example.org", round))
			st1 := f.addStock(t, f.offer.ID, f.now.Add(time.Duration(24+round)*time.Hour), 10)
			st2 := f.addStock(t, f.offer.ID, f.now.Add(time.Duration(48+round)*time.Hour), 10)
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, p := range []struct {
				s  *Store
				st *app.Stock
			}{{f.s, st1}, {r, st2}} {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					_, errs[i] = p.s.CreateBooking(ctx, store.BookingRequest{BeneficiaryID: ben.ID, StockID: p.st.ID, Quantity: 1}, f.now)
				}(i)
			}
			wg.Wait()
			var live int
			must(t, f.s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM bookings WHERE beneficiary_id = $1 AND status <> 'CANCELLED'`, ben.ID).Scan(&live))
			ok := 0
			for _, err := range errs {
				if err == nil {
					ok++
				} else if err != errAlreadyBooked {
					t.Errorf("round %d: %v", round, err)
				}
			}
			if live != 1 || ok != 1 {
				t.Errorf("round %d: %d live bookings, %d accepted; want 1 and 1", round, live, ok)
			}
			var booked int
			must(t, f.s.db.QueryRowContext(ctx, `SELECT SUM(booked) FROM stocks WHERE id IN ($1, $2)`, st1.ID, st2.ID).Scan(&booked))
			if booked != 1 {
				t.Errorf("round %d: %d places held, want 1", round, booked)
			}
		}
	})
}

// A push retried while the first is still in flight (the device timed out and sent it again,
// to the other replica): both get the same verdicts, the booking is validated once.
func TestPostgres_RetriedPushRacesWithItself(t *testing.T) {
	onPostgres(t, func(t *testing.T) {
		ctx := context.Background()
		f := newFixture(t)
		r := replica(t, f.s)
		_, key, err := f.s.CreateAPIKey(ctx, f.offerer.ID, app.RoleCashier, "Caisse")
		must(t, err)
		tonight := f.addStock(t, f.offer.ID, f.now.Add(time.Hour), 50)
		var events []store.ScanEvent
		for i := 0; i < 6; i++ {
			b := f.book(t, f.addBeneficiary(t, fmt.Sprintf("p%d@example.org", i)), tonight, 1, f.now.Add(-72*time.Hour))
			events = append(events, store.ScanEvent{Nonce: fmt.Sprintf("nonce-%d", i), Token: b.Token, Kind: "use", Mode: "offline",
				ScannedAt: f.now.Add(-time.Minute), LocalVerdict: app.OutcomeAdmitted})
		}
		for round := 0; round < 3; round++ {
			var wg sync.WaitGroup
			res := make([][]store.ScanResult, 4)
			for i := range res {
				s := f.s
				if i%2 == 1 {
					s = r
				}
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					out, err := s.PushScans(ctx, key, "dev-1", events, f.now)
					if err != nil {
						t.Errorf("push %d: %v", i, err)
					}
					res[i] = out
				}(i)
			}
			wg.Wait()
			for i := range res {
				for j, r := range res[i] {
					if r.Outcome.Code != app.OutcomeAdmitted || r.Conflict != nil {
						t.Errorf("push %d event %d: %s, conflict %v", i, j, r.Outcome.Code, r.Conflict)
					}
				}
			}
		}
		var scans, uses, conflicts int
		must(t, f.s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM scan_events`).Scan(&scans))
		must(t, f.s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM booking_events WHERE kind = 'USE'`).Scan(&uses))
		must(t, f.s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM conflicts`).Scan(&conflicts))
		if scans != 6 || uses != 6 || conflicts != 0 {
			t.Errorf("%d scans, %d USE events, %d conflicts; want 6, 6, 0", scans, uses, conflicts)
		}
	})
}

// The automatic validation and a payment cut started on two replicas at once run once.
func TestPostgres_JobsOnTwoReplicasRunOnce(t *testing.T) {
	onPostgres(t, func(t *testing.T) {
		ctx := context.Background()
		f := newFixture(t)
		r := replica(t, f.s)
		past := f.addStock(t, f.offer.ID, f.now.Add(-72*time.Hour), 50)
		for i := 0; i < 20; i++ {
			f.book(t, f.addBeneficiary(t, fmt.Sprintf("auto%d@example.org", i)), past, 1, f.now.Add(-96*time.Hour))
		}
		var wg sync.WaitGroup
		counts := make([]int, 2)
		for i, s := range []*Store{f.s, r} {
			wg.Add(1)
			go func(i int, s *Store) {
				defer wg.Done()
				n, err := s.AutoUse(ctx, f.now)
				if err != nil {
					t.Errorf("auto-use %d: %v", i, err)
				}
				counts[i] = n
			}(i, s)
		}
		wg.Wait()
		var events int
		must(t, f.s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM booking_events WHERE kind = 'USE' AND author = 'AUTO'`).Scan(&events))
		if counts[0]+counts[1] != 20 || events != 20 {
			t.Errorf("auto-use validated %d+%d, %d AUTO events; want 20 in all", counts[0], counts[1], events)
		}

		// The bookings just validated are priced and paid by one cut, whichever replica runs it.
		acc := &store.BankAccount{OffererID: f.offerer.ID, Label: "Compte", IBAN: "FR76 3000 6000 0112 3456 7890 189", BIC: "AGRIFRPP"}
		must(t, f.s.CreateBankAccount(ctx, acc, f.now))
		must(t, f.s.SetVenueBankAccount(ctx, f.offerer.ID, f.venue.ID, acc.ID, f.now))
		must(t, f.s.SetBankAccountStatus(ctx, acc.ID, app.BankAccepted, f.now))
		paris := f.s.location(app.DefaultTimezone)
		day := time.Date(2026, 12, 16, 0, 0, 0, 0, paris)
		reps := make([]store.CutReport, 2)
		for i, s := range []*Store{f.s, r} {
			wg.Add(1)
			go func(i int, s *Store) {
				defer wg.Done()
				rep, err := s.RunPaymentCut(ctx, day, day.Add(8*time.Hour))
				if err != nil {
					t.Errorf("cut %d: %v", i, err)
				}
				reps[i] = rep
			}(i, s)
		}
		wg.Wait()
		var cuts, transfers, paid int
		must(t, f.s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM payment_cuts`).Scan(&cuts))
		must(t, f.s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM transfers`).Scan(&transfers))
		must(t, f.s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM bookings WHERE status = 'REIMBURSED'`).Scan(&paid))
		if cuts != 1 || transfers != 1 || paid != 20 || reps[0].AlreadyDone == reps[1].AlreadyDone {
			t.Errorf("%d cuts, %d transfers, %d paid, already done %v/%v; want 1, 1, 20 and one run",
				cuts, transfers, paid, reps[0].AlreadyDone, reps[1].AlreadyDone)
		}
	})
}

// TestPostgres_JobLockHolder is the replica that TestPostgres_JobLockHandsOverOnKill starts
// and kills: it takes the job lock and holds it until killed. It does nothing in a normal run.
func TestPostgres_JobLockHolder(t *testing.T) {
	url := os.Getenv("GUICHET_LOCK_HOLDER")
	if url == "" {
		return
	}
	s, err := OpenPostgres(context.Background(), url, Options{MaxConns: 2})
	must(t, err)
	_, err = s.Exclusive(context.Background(), "auto-use", func(ctx context.Context) error {
		fmt.Println("locked")
		select {} // a job that never ends: only SIGKILL stops it
	})
	t.Fatal(err)
}

// A replica killed (SIGKILL) in the middle of a job hands it over: another replica is refused
// the job while the first runs, and gets it within seconds of the kill.
func TestPostgres_JobLockHandsOverOnKill(t *testing.T) {
	onPostgres(t, func(t *testing.T) {
		ctx := context.Background()
		f := newFixture(t)
		cmd := exec.Command(os.Args[0], "-test.run=^TestPostgres_JobLockHolder$", "-test.count=1")
		cmd.Env = append(os.Environ(), "GUICHET_LOCK_HOLDER="+f.s.dsn)
		out, err := cmd.StdoutPipe()
		must(t, err)
		must(t, cmd.Start())
		defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
		line, err := bufio.NewReader(out).ReadString('\n')
		if err != nil || strings.TrimSpace(line) != "locked" {
			t.Fatalf("holder: %q %v", line, err)
		}
		ran, err := f.s.Exclusive(ctx, "auto-use", func(context.Context) error { return nil })
		if err != nil || ran {
			t.Fatalf("job ran while another replica held it: %v %v", ran, err)
		}
		other, err := f.s.Exclusive(ctx, "payment-cut", func(context.Context) error { return nil })
		if err != nil || !other {
			t.Fatalf("another job is not blocked by it: %v %v", other, err)
		}
		must(t, cmd.Process.Signal(syscall.SIGKILL))
		killed := time.Now()
		for {
			ran, err := f.s.Exclusive(ctx, "auto-use", func(context.Context) error { return nil })
			must(t, err)
			if ran {
				t.Logf("job handed over %v after the kill", time.Since(killed).Round(time.Millisecond))
				return
			}
			if time.Since(killed) > 30*time.Second {
				t.Fatal("the job lock of a killed replica was not released")
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
}

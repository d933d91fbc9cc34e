package loadtest_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"guichet/app"
	"guichet/sync/auth"
	"guichet/sync/loadtest"
	"guichet/sync/server"
	"guichet/sync/store"
	"guichet/sync/store/sqlstore"
	"guichet/sync/store/sqlstore/sqltest"
)

func TestMain(m *testing.M) { sqltest.Main(m) }

// A short run against a real server: counters pull, validate and push without error, every
// admitted countermark is validated once in the database; and Verify notices a validation that
// disappeared (lost) and one counted twice (doubled).
func TestRun(t *testing.T) {
	sqltest.Run(t, func(t *testing.T) {
		ctx := context.Background()
		st := sqltest.Open(t, sqlstore.Options{SyncNormal: true})
		net, err := loadtest.Seed(ctx, st, 3, 40, 20_000_000, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		hash, err := auth.HashPassword("secret-charge", 4)
		if err != nil {
			t.Fatal(err)
		}
		if err := loadtest.SeedBeneficiaries(ctx, st, net, 4, 1, "secret-charge", hash, time.Now()); err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(server.New(st, server.Options{}))
		defer srv.Close()
		res, err := loadtest.Run(ctx, loadtest.Config{Target: srv.URL, Network: net, Counters: 6, Duration: 3 * time.Second,
			PullEvery: 300 * time.Millisecond, ValidateEvery: 100 * time.Millisecond, PushEvery: 400 * time.Millisecond, Bookers: 4, BookEvery: 200 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		if err := loadtest.Verify(ctx, st, res); err != nil {
			t.Fatal(err)
		}
		if res.Requests == 0 || res.Errors != 0 || res.Validations == 0 || res.Bookings == 0 || res.Lost != 0 || res.Doubled != 0 || res.P99Ms <= 0 {
			t.Fatalf("run: %+v", res)
		}
		// Undo one admitted validation behind the load test's back, and claim another twice.
		var undone, twice string
		for tok := range res.Admitted {
			if undone == "" {
				undone = tok
			} else if twice == "" {
				twice = tok
			}
		}
		b, err := st.GetBookingByToken(ctx, undone)
		if err != nil {
			t.Fatal(err)
		}
		out, err := st.KeepBooking(ctx, b.OffererID, undone, store.Validator{}, time.Now())
		if err != nil || out.Code != app.OutcomeKept {
			t.Fatalf("keep: %v %v", out, err)
		}
		res.Admitted[twice]++
		if err := loadtest.Verify(ctx, st, res); err != nil {
			t.Fatal(err)
		}
		if res.Lost != 1 || res.Doubled != 1 {
			t.Errorf("after an undone and a doubled validation: lost %d, doubled %d", res.Lost, res.Doubled)
		}
	})
}

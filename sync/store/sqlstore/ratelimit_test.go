package sqlstore

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestStore_TakeToken: a shared bucket gives its burst, then refuses with the wait until the next
// token, refills at its pace, keeps buckets apart, and gives exactly its burst to concurrent
// takers (real concurrent connections on PostgreSQL: two replicas' sign-ins); a purge drops the
// buckets full since, and a purged bucket starts full.
func TestStore_TakeToken(t *testing.T) {
	onEngines(t, func(t *testing.T) {
		s := openTest(t)
		ctx := context.Background()
		now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
		take := func(bucket string, at time.Time) (bool, time.Duration) {
			t.Helper()
			ok, wait, err := s.TakeToken(ctx, bucket, time.Minute, 3, at)
			if err != nil {
				t.Fatal(err)
			}
			return ok, wait
		}
		for i := range 3 {
			if ok, _ := take("signin:a@x.fr", now); !ok {
				t.Fatalf("attempt %d of a burst of 3 refused", i+1)
			}
		}
		ok, wait := take("signin:a@x.fr", now.Add(10*time.Second))
		if ok || wait != 50*time.Second {
			t.Errorf("fourth attempt: ok %v, wait %s, want refused for 50 s", ok, wait)
		}
		if ok, _ := take("signin:b@x.fr", now); !ok {
			t.Error("another bucket is empty too")
		}
		if ok, _ := take("signin:a@x.fr", now.Add(time.Minute)); !ok {
			t.Error("no token a minute later")
		}
		if ok, _ := take("signin:a@x.fr", now.Add(time.Minute)); ok {
			t.Error("two tokens a minute later")
		}

		const takers = 12
		var wg sync.WaitGroup
		var mu sync.Mutex
		got := 0
		for range takers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, _, err := s.TakeToken(ctx, "signin:crowd@x.fr", time.Hour, 5, now)
				if err != nil {
					t.Error(err)
					return
				}
				if ok {
					mu.Lock()
					got++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if got != 5 {
			t.Errorf("%d of %d concurrent takers got a token from a bucket of 5", got, takers)
		}

		purged, err := s.PurgeRateBuckets(ctx, now.Add(2*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if purged != 2 {
			t.Errorf("purged %d buckets, want 2 (a's and b's; the crowd's refills until 5 h)", purged)
		}
		// Any name, however long, is one fixed-size row (PostgreSQL's index refuses keys over 2.7 kB).
		if ok, _ := take(strings.Repeat("signin:é", 4000), now); !ok {
			t.Error("a long bucket name")
		}
		if ok, _ := take("signin:a@x.fr", now.Add(2*time.Hour)); !ok {
			t.Error("a purged bucket does not start full")
		}
		if _, _, err := s.TakeToken(ctx, "x", 0, 1, now); err == nil {
			t.Error("a rule without a period accepted")
		}
	})
}

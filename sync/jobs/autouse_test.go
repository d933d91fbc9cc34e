package jobs_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"guichet/sync/jobs"
)

// fakeStore records the auto-use runs and the job runs in memory.
type fakeStore struct {
	mu   sync.Mutex
	runs []time.Time
	last time.Time
}

func (f *fakeStore) AutoUse(_ context.Context, now time.Time) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.runs = append(f.runs, now)
	return 1, nil
}

func (f *fakeStore) LastJobRun(context.Context, string) (time.Time, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.last, nil
}

func (f *fakeStore) RecordJobRun(_ context.Context, _ string, at time.Time, _ string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.last = at
	return nil
}

func (f *fakeStore) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.runs)
}

// fakeClock's timers fire when the test says so; each After is reported on waits.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	waits chan time.Duration
	fire  chan time.Time
}

func (c *fakeClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.now = t }
func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.waits <- d
	return c.fire
}

func paris(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestAutoUse_Tick(t *testing.T) {
	loc := paris(t)
	at := func(d, h, m int) time.Time { return time.Date(2026, 12, d, h, m, 0, 0, loc) }
	st := &fakeStore{}
	clk := &fakeClock{now: at(1, 15, 0)}
	a := &jobs.AutoUse{Store: st, Loc: loc, Clock: clk}
	steps := []struct {
		name string
		now  time.Time
		runs bool
	}{
		{"never run: runs at once", at(1, 15, 0), true},
		{"same day: nothing", at(1, 23, 59), false},
		{"past midnight: runs", at(2, 0, 0), true},
		{"same day again: nothing", at(2, 9, 0), false},
		{"after three days of downtime: catches up once", at(5, 10, 0), true},
		{"then not again", at(5, 10, 1), false},
	}
	for _, s := range steps {
		clk.set(s.now)
		ran, _, err := a.Tick(context.Background())
		if err != nil || ran != s.runs {
			t.Errorf("%s: ran %v (%v), want %v", s.name, ran, err, s.runs)
		}
	}
	if st.count() != 3 || !st.runs[1].Equal(at(2, 0, 0)) {
		t.Errorf("runs %v", st.runs)
	}
}

func TestAutoUse_Run(t *testing.T) {
	loc := paris(t)
	start := time.Date(2026, 3, 28, 22, 30, 0, 0, loc) // the night before the switch to summer time
	st := &fakeStore{last: start.Add(-48 * time.Hour)}
	clk := &fakeClock{now: start, waits: make(chan time.Duration), fire: make(chan time.Time)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { (&jobs.AutoUse{Store: st, Loc: loc, Clock: clk}).Run(ctx); close(done) }()

	if d := <-clk.waits; d != 90*time.Minute || st.count() != 1 {
		t.Fatalf("first wait %v after %d runs; want a catch-up run, then 1h30 to midnight", d, st.count())
	}
	clk.set(time.Date(2026, 3, 29, 0, 0, 0, 0, loc))
	clk.fire <- clk.Now()
	if d := <-clk.waits; d != 23*time.Hour || st.count() != 2 {
		t.Errorf("second wait %v after %d runs; want the midnight run, then 23 h (summer time)", d, st.count())
	}
	cancel()
	<-done
}

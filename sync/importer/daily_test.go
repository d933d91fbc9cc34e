package importer

import (
	"context"
	"testing"
	"time"
)

type fakeClock struct{ now time.Time }

func (c *fakeClock) Now() time.Time                       { return c.now }
func (c *fakeClock) After(time.Duration) <-chan time.Time { return make(chan time.Time) }

func TestDaily_Tick(t *testing.T) {
	e := newEnv(t, "P0001")
	paris, err := time.LoadLocation("Europe/Paris")
	must(t, err)
	clock := &fakeClock{now: time.Date(2026, 11, 25, 10, 0, 0, 0, paris)}
	d := &Daily{Importer: e.im, Loc: paris, Clock: clock}
	ctx := context.Background()
	for _, step := range []struct {
		name    string
		advance time.Duration
		ran     bool
	}{
		{"first start imports", 0, true},
		{"same day: nothing", 6 * time.Hour, false},
		{"after midnight: again", 9 * time.Hour, true},
		{"down three days: once", 72 * time.Hour, true},
		{"then not again", time.Minute, false},
	} {
		clock.now = clock.now.Add(step.advance)
		calls := e.fake.calls.Load()
		ran, err := d.Tick(ctx)
		must(t, err)
		if ran != step.ran {
			t.Fatalf("%s: ran = %v", step.name, ran)
		}
		if fetched := e.fake.calls.Load() > calls; fetched != step.ran {
			t.Fatalf("%s: fetched = %v", step.name, fetched)
		}
	}
	last, err := e.st.LastAllocineImport(ctx, e.venue.ID)
	must(t, err)
	if !last.OK {
		t.Errorf("last import = %+v", last)
	}
}

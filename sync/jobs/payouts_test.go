package jobs_test

import (
	"context"
	"testing"
	"time"

	"guichet/sync/jobs"
	"guichet/sync/store"
)

type fakePayouts struct {
	fakeStore
	cuts   []time.Time
	priced int
}

func (f *fakePayouts) PricePending(context.Context, time.Time) (int, error) {
	f.priced++
	return 0, nil
}
func (f *fakePayouts) RunPaymentCut(_ context.Context, day, _ time.Time) (store.CutReport, error) {
	f.cuts = append(f.cuts, day)
	return store.CutReport{Day: day, BatchLabel: "VIR1"}, nil
}

func TestPayouts_CutTick(t *testing.T) {
	loc := paris(t)
	at := func(s string) time.Time { v, _ := time.ParseInLocation("2006-01-02 15:04", s, loc); return v }
	f := &fakePayouts{}
	c := &fixedClock{t: at("2026-03-10 12:00")}
	p := &jobs.Payouts{Store: f, Loc: loc, Clock: c}
	ctx := context.Background()
	for _, step := range []struct {
		now  string
		want string // the cut day run, "" for none
	}{
		{"2026-03-10 12:00", "2026-03-01"}, // never run: catch up the latest payment day
		{"2026-03-15 23:59", ""},
		{"2026-03-16 00:00", "2026-03-16"}, // midnight Paris on the 16th
		{"2026-03-16 08:00", ""},           // once per day, even after a restart
		{"2026-05-03 10:00", "2026-05-01"}, // down for weeks: only the latest missed cut
	} {
		c.t = at(step.now)
		rep, err := p.CutTick(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if rep != nil {
			got = rep.Day.Format(time.DateOnly)
		}
		if got != step.want {
			t.Errorf("at %s: cut %q, want %q", step.now, got, step.want)
		}
	}
}

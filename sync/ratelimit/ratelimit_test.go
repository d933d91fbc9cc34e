package ratelimit

import (
	"context"
	"fmt"
	"testing"
	"time"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestParseRule(t *testing.T) {
	ok := map[string]Rule{
		"10/s:20": {Every: 100 * time.Millisecond, Burst: 20},
		"10/m:10": {Every: 6 * time.Second, Burst: 10},
		"1/h:3":   {Every: time.Hour, Burst: 3},
		"1/5s:30": {Every: 5 * time.Second, Burst: 30},
		"off":     {},
	}
	for in, want := range ok {
		got, err := ParseRule(in)
		if err != nil || got != want {
			t.Errorf("ParseRule(%q) = %+v, %v; want %+v", in, got, err, want)
		}
		if back, err := ParseRule(got.String()); err != nil || back != got {
			t.Errorf("ParseRule(%q.String() = %q) = %+v, %v", in, got.String(), back, err)
		}
	}
	for _, in := range []string{"", "10", "10/s", "x/s:1", "10/s:0", "10/y:1", "-1/s:3", "10/s:-2", "2000000/s:1", "1/0s:1"} {
		if _, err := ParseRule(in); err == nil {
			t.Errorf("ParseRule(%q) accepted", in)
		}
	}
}

func TestKeyed_Allow(t *testing.T) {
	c := &clock{t: time.Unix(1e9, 0)}
	k := NewKeyed(Rule{Every: time.Second, Burst: 3}, 0, c.now)
	for i := range 3 {
		if ok, _ := k.Allow("a"); !ok {
			t.Fatalf("request %d of the burst refused", i+1)
		}
	}
	ok, wait := k.Allow("a")
	if ok || wait != time.Second {
		t.Fatalf("4th request: ok=%v wait=%v, want refused for 1s", ok, wait)
	}
	if ok, _ := k.Allow("b"); !ok {
		t.Fatal("another key is limited by a's requests")
	}
	c.t = c.t.Add(time.Second)
	if ok, _ := k.Allow("a"); !ok {
		t.Fatal("a token did not come back after Every")
	}
}

func TestKeyed_ChargeMakesDebt(t *testing.T) {
	c := &clock{t: time.Unix(1e9, 0)}
	k := NewKeyed(Rule{Every: time.Second, Burst: 5}, 0, c.now)
	if ok, _ := k.Check("a"); !ok {
		t.Fatal("fresh bucket refused")
	}
	k.Charge("a", 12) // 5 held, 7 in debt: 8 s until one token
	ok, wait := k.Check("a")
	if ok || wait != 8*time.Second {
		t.Fatalf("after 12 charged: ok=%v wait=%v, want 8s", ok, wait)
	}
	c.t = c.t.Add(8 * time.Second)
	if ok, _ := k.Check("a"); !ok {
		t.Fatal("debt not paid back after 8s")
	}
}

func TestKeyed_Off(t *testing.T) {
	k := NewKeyed(Rule{}, 0, nil)
	for range 1000 {
		if ok, _ := k.Allow("a"); !ok {
			t.Fatal("an off rule refused")
		}
	}
	var nilK *Keyed
	if ok, _ := nilK.Allow("a"); !ok {
		t.Fatal("a nil Keyed refused")
	}
}

func TestKeyed_BoundedMemory(t *testing.T) {
	c := &clock{t: time.Unix(1e9, 0)}
	k := NewKeyed(Rule{Every: time.Minute, Burst: 2}, 100, c.now)
	for i := range 1000 {
		k.Allow(fmt.Sprint("ip", i))
		if n := k.Len(); n > 100 {
			t.Fatalf("holds %d keys, bound is 100", n)
		}
	}
	// Keys whose bucket is full again are dropped first: a limited key survives.
	k = NewKeyed(Rule{Every: time.Minute, Burst: 2}, 3, c.now)
	k.Allow("busy")
	k.Allow("busy")
	k.Allow("idle1")
	c.t = c.t.Add(2 * time.Minute)
	k.Allow("busy")
	k.Allow("busy") // busy is empty again, idle1 is full
	k.Allow("new1")
	k.Allow("new2") // at the bound: idle1 (full) goes, busy (empty) stays
	if ok, _ := k.Allow("busy"); ok {
		t.Fatal("an exhausted key was forgotten to make room")
	}
}

func TestGate_Enter(t *testing.T) {
	g := NewGate(1)
	leave, ok := g.Enter(context.Background(), time.Millisecond)
	if !ok {
		t.Fatal("empty gate refused")
	}
	if _, ok := g.Enter(context.Background(), 10*time.Millisecond); ok {
		t.Fatal("a second entry passed a gate of 1")
	}
	leave()
	leave2, ok := g.Enter(context.Background(), time.Millisecond)
	if !ok {
		t.Fatal("gate stayed shut after leave")
	}
	leave2()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	leave, _ = g.Enter(context.Background(), 0)
	if _, ok := g.Enter(ctx, time.Hour); ok {
		t.Fatal("entered with a cancelled context")
	}
	leave()
	if l, ok := NewGate(0).Enter(context.Background(), 0); !ok {
		t.Fatal("an uncapped gate refused")
	} else {
		l()
	}
}

// FuzzParseRule: a rule parsed is printed and parsed back the same.
func FuzzParseRule(f *testing.F) {
	for _, s := range []string{"10/s:20", "1/6s:10", "off", "5/m:5", "x", "1/0s:1", "3/h:-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRule(s)
		if err != nil {
			return
		}
		back, err := ParseRule(r.String())
		if err != nil || back != r {
			t.Fatalf("%q → %+v → %q → %+v, %v", s, r, r.String(), back, err)
		}
	})
}

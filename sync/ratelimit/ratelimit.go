// Package ratelimit limits how often a client may do something: token buckets
// (golang.org/x/time/rate) kept by key — a client IP, an account, an API key — in a map of
// bounded size, and a gate that caps how many costly checks (bcrypt) run at once.
package ratelimit

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Rule is a token bucket: Every is the time to earn one token back, Burst the bucket's size.
// The zero Rule limits nothing.
type Rule struct {
	Every time.Duration
	Burst int
}

// Off reports whether the rule limits nothing.
func (r Rule) Off() bool { return r.Every <= 0 || r.Burst <= 0 }

// String renders the rule as ParseRule reads it ("10/s:20", "1/6s:10", "off").
func (r Rule) String() string {
	if r.Off() {
		return "off"
	}
	for _, u := range []struct {
		d    time.Duration
		name string
	}{{time.Second, "s"}, {time.Minute, "m"}, {time.Hour, "h"}} {
		if n := u.d / r.Every; n >= 1 && n*r.Every == u.d {
			return fmt.Sprintf("%d/%s:%d", n, u.name, r.Burst)
		}
	}
	return fmt.Sprintf("1/%s:%d", r.Every, r.Burst)
}

// ParseRule reads a rule written "N/UNIT:BURST" — N requests per unit (s, m, h, or a Go
// duration such as 6s), bursts of BURST — or "off".
func ParseRule(s string) (Rule, error) {
	s = strings.TrimSpace(s)
	if s == "off" || s == "0" {
		return Rule{}, nil
	}
	ratePart, burstPart, ok := strings.Cut(s, ":")
	num, unit, ok2 := strings.Cut(ratePart, "/")
	if !ok || !ok2 {
		return Rule{}, fmt.Errorf("rate limit %q: want N/UNIT:BURST (e.g. 10/s:20) or off", s)
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 1 || n > 1_000_000 {
		return Rule{}, fmt.Errorf("rate limit %q: bad count %q", s, num)
	}
	burst, err := strconv.Atoi(burstPart)
	if err != nil || burst < 1 || burst > 1_000_000 {
		return Rule{}, fmt.Errorf("rate limit %q: bad burst %q", s, burstPart)
	}
	var per time.Duration
	switch unit {
	case "s":
		per = time.Second
	case "m":
		per = time.Minute
	case "h":
		per = time.Hour
	default:
		if per, err = time.ParseDuration(unit); err != nil || per <= 0 || per > 24*time.Hour {
			return Rule{}, fmt.Errorf("rate limit %q: bad unit %q (s, m, h or a duration)", s, unit)
		}
	}
	if per/time.Duration(n) < time.Microsecond { // 1/1ns would be a billion a second
		return Rule{}, fmt.Errorf("rate limit %q: rate too high (at most 1000000/s)", s)
	}
	return Rule{Every: per / time.Duration(n), Burst: burst}, nil
}

// DefaultMaxKeys bounds how many keys a Keyed remembers.
const DefaultMaxKeys = 100_000

// Keyed holds one bucket per key. Memory is bounded: when MaxKeys keys are held, buckets that
// have filled up again (idle clients) are dropped, and if none has, every bucket is: the limit
// then restarts fresh rather than refusing clients it has never seen.
type Keyed struct {
	rule    Rule
	maxKeys int
	now     func() time.Time

	mu sync.Mutex
	m  map[string]*rate.Limiter
}

// NewKeyed returns buckets following rule; now is the clock (time.Now when nil), maxKeys the
// bound (DefaultMaxKeys when 0).
func NewKeyed(rule Rule, maxKeys int, now func() time.Time) *Keyed {
	if now == nil {
		now = time.Now
	}
	if maxKeys <= 0 {
		maxKeys = DefaultMaxKeys
	}
	return &Keyed{rule: rule, maxKeys: maxKeys, now: now, m: map[string]*rate.Limiter{}}
}

// Rule returns the rule the buckets follow.
func (k *Keyed) Rule() Rule { return k.rule }

// Len returns how many keys are held.
func (k *Keyed) Len() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.m)
}

// bucket returns key's bucket, creating it full; k.mu is held.
func (k *Keyed) bucket(key string, now time.Time) *rate.Limiter {
	if l, ok := k.m[key]; ok {
		return l
	}
	if len(k.m) >= k.maxKeys {
		for key, l := range k.m {
			if l.TokensAt(now) >= float64(k.rule.Burst) {
				delete(k.m, key)
			}
		}
		if len(k.m) >= k.maxKeys {
			clear(k.m)
		}
	}
	l := rate.NewLimiter(rate.Every(k.rule.Every), k.rule.Burst)
	k.m[key] = l
	return l
}

// wait is how long until the bucket holds one token at now.
func (k *Keyed) wait(l *rate.Limiter, now time.Time) time.Duration {
	missing := 1 - l.TokensAt(now)
	if missing <= 0 {
		return 0
	}
	return time.Duration(math.Ceil(missing * float64(k.rule.Every)))
}

// Allow takes one token from key's bucket. When the bucket is empty nothing is taken and
// Allow returns false with the time until a token is back.
func (k *Keyed) Allow(key string) (bool, time.Duration) {
	if k == nil || k.rule.Off() {
		return true, 0
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	now := k.now()
	l := k.bucket(key, now)
	if l.AllowN(now, 1) {
		return true, 0
	}
	return false, k.wait(l, now)
}

// Check reports whether key's bucket holds a token, taking none.
func (k *Keyed) Check(key string) (bool, time.Duration) {
	if k == nil || k.rule.Off() {
		return true, 0
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	now := k.now()
	d := k.wait(k.bucket(key, now), now)
	return d == 0, d
}

// Charge takes n tokens from key's bucket even if that leaves it in debt: the key then waits
// until the debt is paid back. It charges for things found only after the fact (a guess that
// missed).
func (k *Keyed) Charge(key string, n int) {
	if k == nil || k.rule.Off() || n <= 0 {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	now := k.now()
	l := k.bucket(key, now)
	for n > 0 {
		c := min(n, k.rule.Burst)
		l.ReserveN(now, c)
		n -= c
	}
}

// Gate caps how many costly operations run at once.
type Gate struct {
	slots chan struct{}
}

// NewGate returns a gate letting n operations through at once; n ≤ 0 means no cap.
func NewGate(n int) *Gate {
	if n <= 0 {
		return &Gate{}
	}
	return &Gate{slots: make(chan struct{}, n)}
}

// Enter waits at most wait for a slot. It returns a function to leave the gate, or false
// when no slot freed in time or ctx ended.
func (g *Gate) Enter(ctx context.Context, wait time.Duration) (func(), bool) {
	if g == nil || g.slots == nil {
		return func() {}, true
	}
	select {
	case g.slots <- struct{}{}:
		return g.leave, true
	default:
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return g.leave, true
	case <-t.C:
		return nil, false
	case <-ctx.Done():
		return nil, false
	}
}

func (g *Gate) leave() { <-g.slots }

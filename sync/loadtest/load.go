package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"guichet/sync/protocol"
)

// Config is a load run.
type Config struct {
	Target   string        // the server's base URL
	Network  *Network      // the cinemas and their keys (Seed's output)
	Counters int           // simulated counters, spread over the venues
	Duration time.Duration // how long to run
	// PullEvery is a counter's pull period (the app pulls every few seconds); ValidateEvery the
	// mean time between two online validations of one counter (Wednesday evening: a counter
	// admits a spectator every half minute or so); PushEvery the mean time between two pushes of
	// an offline batch (a counter that lost the network for a moment).
	PullEvery, ValidateEvery, PushEvery time.Duration
	// Bookers is how many of the network's beneficiaries book a showtime and cancel it, one
	// booking every BookEvery on average each.
	Bookers   int
	BookEvery time.Duration
	// FirstToken is the index of each venue's first countermark to validate, so that successive
	// runs on one network validate fresh countermarks.
	FirstToken int
	Client     *http.Client
}

// Result is the run's summary, printed as one JSON object by `guichet-server load`.
type Result struct {
	Requests    int64   `json:"requests"`
	Errors      int64   `json:"errors"`
	P50Ms       float64 `json:"p50Ms"`
	P95Ms       float64 `json:"p95Ms"`
	P99Ms       float64 `json:"p99Ms"`
	Validations int64   `json:"validations"` // countermarks the server admitted (online and offline)
	Lost        int     `json:"lost"`        // admitted, but not validated in the database
	Doubled     int     `json:"doubled"`     // validated more than once
	Counters    int     `json:"counters"`
	Bookings    int64   `json:"bookings"`  // bookings made (and cancelled) by the beneficiaries
	Throttled   int64   `json:"throttled"` // sign-ins answered 429 (tried again later, not errors)
	Seconds     float64 `json:"seconds"`
	// FirstError is the first error seen, to tell what went wrong.
	FirstError string `json:"firstError,omitempty"`
	// Admitted lists the countermarks the server admitted, for Verify (not printed).
	Admitted map[string]int `json:"-"`
}

type run struct {
	cfg       Config
	mu        sync.Mutex
	latencies []time.Duration
	errors    atomic.Int64
	firstErr  atomic.Value
	admitted  map[string]int
	next      []atomic.Int64 // per venue: next countermark to validate
	bookings  atomic.Int64
	throttled atomic.Int64
}

// booker is a beneficiary in the app: signs in, then books a showtime of a random cinema and
// cancels it a moment later, again and again.
func (r *run) booker(ctx context.Context, b int) {
	rng := rand.New(rand.NewPCG(uint64(b), 7))
	cred := r.cfg.Network.Beneficiaries[b]
	var signin protocol.Signin
	// Like the app, a sign-in refused for too many requests (the server's per-address limit: all
	// the simulated beneficiaries share one address) waits and tries again; it is not an error.
	for {
		status := r.try(ctx, "POST", "/native/v1/signin", map[string]string{"email": cred.Email, "password": cred.Password}, &signin)
		if status == 200 {
			break
		}
		if status != http.StatusTooManyRequests {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second + time.Duration(rng.Int64N(int64(4*time.Second)))):
		}
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Duration(rng.ExpFloat64() * float64(r.cfg.BookEvery))):
		}
		v := r.cfg.Network.Venues[rng.IntN(len(r.cfg.Network.Venues))]
		var booked protocol.NativeBookingResult
		if !r.call(ctx, "POST", "/native/v1/bookings", signin.AccessToken, map[string]any{"stockId": v.BookStockID, "quantity": 1}, 201, &booked) {
			continue
		}
		r.bookings.Add(1)
		select {
		case <-ctx.Done():
		case <-time.After(time.Duration(rng.Int64N(int64(2 * time.Second)))):
		}
		// Cancelled even when the run ends meanwhile, so that the next booking of this offer is allowed.
		r.call(context.WithoutCancel(ctx), "POST", "/native/v1/bookings/"+strconv.FormatInt(booked.ID, 10)+"/cancel", signin.AccessToken, nil, 200, nil)
	}
}

// Run drives the counters for cfg.Duration and returns what it measured.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if cfg.Network == nil || len(cfg.Network.Venues) == 0 {
		return nil, fmt.Errorf("load: no venue in the network file")
	}
	if cfg.Counters <= 0 {
		cfg.Counters = len(cfg.Network.Venues)
	}
	if cfg.PullEvery <= 0 {
		cfg.PullEvery = 5 * time.Second
	}
	if cfg.ValidateEvery <= 0 {
		cfg.ValidateEvery = 30 * time.Second
	}
	if cfg.PushEvery <= 0 {
		cfg.PushEvery = 2 * time.Minute
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
			MaxIdleConns: cfg.Counters, MaxIdleConnsPerHost: cfg.Counters, IdleConnTimeout: time.Minute}}
	}
	r := &run{cfg: cfg, admitted: map[string]int{}, next: make([]atomic.Int64, len(cfg.Network.Venues))}
	for i := range r.next {
		r.next[i].Store(int64(cfg.FirstToken))
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	start := time.Now()
	if cfg.BookEvery <= 0 {
		cfg.BookEvery = 20 * time.Second
	}
	r.cfg = cfg
	var wg sync.WaitGroup
	for b := 0; b < min(cfg.Bookers, len(cfg.Network.Beneficiaries)); b++ {
		wg.Add(1)
		go func(b int) {
			defer wg.Done()
			r.booker(ctx, b)
		}(b)
	}
	for c := 0; c < cfg.Counters; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			r.counter(ctx, c)
		}(c)
	}
	wg.Wait()
	res := &Result{Requests: int64(len(r.latencies)), Errors: r.errors.Load(), Counters: cfg.Counters, Bookings: r.bookings.Load(), Throttled: r.throttled.Load(),
		Seconds: time.Since(start).Seconds(), Admitted: r.admitted}
	if e, ok := r.firstErr.Load().(string); ok {
		res.FirstError = e
	}
	sort.Slice(r.latencies, func(i, j int) bool { return r.latencies[i] < r.latencies[j] })
	res.P50Ms, res.P95Ms, res.P99Ms = r.pct(0.50), r.pct(0.95), r.pct(0.99)
	for _, n := range r.admitted {
		res.Validations += int64(n)
		if n > 1 {
			res.Doubled++
		}
	}
	return res, nil
}

func (r *run) pct(p float64) float64 {
	if len(r.latencies) == 0 {
		return 0
	}
	i := min(len(r.latencies)-1, int(float64(len(r.latencies))*p))
	return float64(r.latencies[i].Microseconds()) / 1000
}

// counter is one counter: it pulls its venue's changes, validates countermarks online and now
// and then pushes a batch of scans it made offline, each on its own jittered timer.
func (r *run) counter(ctx context.Context, c int) {
	vi := c % len(r.cfg.Network.Venues)
	v := r.cfg.Network.Venues[vi]
	device := fmt.Sprintf("load-%d", c)
	rng := rand.New(rand.NewPCG(uint64(c), 42))
	jitter := func(d time.Duration) time.Duration { return time.Duration(rng.ExpFloat64() * float64(d)) }
	nextPull := time.Now().Add(time.Duration(rng.Int64N(int64(r.cfg.PullEvery))))
	nextUse := time.Now().Add(jitter(r.cfg.ValidateEvery))
	nextPush := time.Now().Add(jitter(r.cfg.PushEvery))
	var cursor int64
	for {
		wake := min(nextPull.UnixNano(), nextUse.UnixNano(), nextPush.UnixNano())
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Until(time.Unix(0, wake))):
		}
		now := time.Now()
		switch {
		case !now.Before(nextPull):
			cursor = r.pull(ctx, v, cursor)
			nextPull = now.Add(r.cfg.PullEvery)
		case !now.Before(nextUse):
			if tok, ok := r.take(vi); ok {
				r.use(ctx, v, tok)
			}
			nextUse = now.Add(jitter(r.cfg.ValidateEvery))
		default:
			var events []protocol.ScanEvent
			for i := 0; i < 1+rng.IntN(5); i++ {
				if tok, ok := r.take(vi); ok {
					events = append(events, protocol.ScanEvent{Nonce: fmt.Sprintf("%s-%d-%d", device, now.UnixNano(), i), Token: tok,
						Kind: "use", Mode: "offline", ScannedAt: now.Add(-time.Minute).UTC().Format(time.RFC3339), LocalVerdict: "ADMITTED"})
				}
			}
			if len(events) > 0 {
				r.push(ctx, v, device, events)
			}
			nextPush = now.Add(jitter(r.cfg.PushEvery))
		}
	}
}

// take hands out the venue's next countermark (each is validated once by one counter).
func (r *run) take(vi int) (string, bool) {
	toks := r.cfg.Network.Venues[vi].Tokens
	i := r.next[vi].Add(1) - 1
	if int(i) >= len(toks) {
		return "", false
	}
	return toks[i], true
}

func (r *run) pull(ctx context.Context, v Venue, cursor int64) int64 {
	for {
		var ch protocol.Changes
		if !r.call(ctx, "GET", "/sync/v1/venues/"+strconv.FormatInt(v.ID, 10)+"/changes?since="+strconv.FormatInt(cursor, 10), v.Key, nil, 200, &ch) {
			return cursor
		}
		cursor = ch.Cursor
		if !ch.More {
			return cursor
		}
	}
}

func (r *run) use(ctx context.Context, v Venue, tok string) {
	if r.call(ctx, "PATCH", "/v2/bookings/use/token/"+tok, v.Key, nil, 204, nil) {
		r.admit(tok)
	}
}

func (r *run) push(ctx context.Context, v Venue, device string, events []protocol.ScanEvent) {
	var out protocol.PushResponse
	body := protocol.PushRequest{Device: device, VenueID: v.ID, Events: events}
	if !r.call(ctx, "POST", "/sync/v1/scans", v.Key, body, 200, &out) {
		return
	}
	for i, res := range out.Results {
		if res.Verdict == "ADMITTED" && !res.Replayed && i < len(events) {
			r.admit(events[i].Token)
		}
	}
}

func (r *run) admit(tok string) {
	r.mu.Lock()
	r.admitted[tok]++
	r.mu.Unlock()
}

// call sends one request and records its latency; an unexpected status or a transport error
// is an error (the run's context ending mid-request is not).
func (r *run) call(ctx context.Context, method, path, key string, body any, want int, out any) bool {
	var rd io.Reader
	if body != nil {
		buf, _ := json.Marshal(body)
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequestWithContext(ctx, method, r.cfg.Target+path, rd)
	if err != nil {
		r.fail(err.Error())
		return false
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	start := time.Now()
	resp, err := r.cfg.Client.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			r.record(time.Since(start))
			r.fail(err.Error())
		}
		return false
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	r.record(time.Since(start))
	if err != nil || resp.StatusCode != want {
		r.fail(fmt.Sprintf("%s %s: %d %s", method, path, resp.StatusCode, bytes.TrimSpace(data)))
		return false
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			r.fail(fmt.Sprintf("%s %s: %v", method, path, err))
			return false
		}
	}
	return true
}

// try sends an unauthenticated request whose 429 answer is expected now and then: it returns the
// status (0 on a transport error), recording the latency, and an error for other unexpected answers.
func (r *run) try(ctx context.Context, method, path string, body any, out any) int {
	buf, _ := json.Marshal(body)
	req, err := http.NewRequestWithContext(ctx, method, r.cfg.Target+path, bytes.NewReader(buf))
	if err != nil {
		r.fail(err.Error())
		return 0
	}
	req.Header.Set("Content-Type", "application/json")
	start := time.Now()
	resp, err := r.cfg.Client.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			r.record(time.Since(start))
			r.fail(err.Error())
		}
		return 0
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	r.record(time.Since(start))
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		r.throttled.Add(1)
	case resp.StatusCode != 200:
		r.fail(fmt.Sprintf("%s %s: %d %s", method, path, resp.StatusCode, bytes.TrimSpace(data)))
	case json.Unmarshal(data, out) != nil:
		r.fail(fmt.Sprintf("%s %s: bad body", method, path))
		return 0
	}
	return resp.StatusCode
}

func (r *run) record(d time.Duration) {
	r.mu.Lock()
	r.latencies = append(r.latencies, d)
	r.mu.Unlock()
}

func (r *run) fail(msg string) {
	r.errors.Add(1)
	r.firstErr.CompareAndSwap(nil, msg)
}

// Package counter is the counter app's engine: it validates countermarks against the server
// when it answers in time and against the offline cache otherwise, records every validation
// durably before its verdict is shown, and syncs the cache and the outbox with the server. The
// UI talks to it only; it knows nothing of Fyne.
package counter

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"sync"
	"time"

	"guichet/app"
	"guichet/counter/cache"
	"guichet/sync/protocol"
)

// Remote is the sync server as the engine needs it (sync/client implements it).
type Remote interface {
	Validate(ctx context.Context, ev protocol.ScanEvent) (*protocol.ScanResult, error)
	Push(ctx context.Context, req protocol.PushRequest) (*protocol.PushResponse, error)
	Changes(ctx context.Context, venueID int64, db string, since int64, limit int, from time.Time) (*protocol.Changes, error)
	Digest(ctx context.Context, venueID int64, from time.Time) (*protocol.Digest, error)
	Conflicts(ctx context.Context, venueID int64) ([]protocol.Conflict, error)
	Ack(ctx context.Context, id int64) error
}

// Config sets an engine up.
type Config struct {
	Device          string
	VenueID         int64
	Location        *time.Location   // the venue's time zone
	Now             func() time.Time // the clock (time.Now when nil)
	DuplicateWindow time.Duration    // the same code scanned again within it is ignored (default 4 s)
	PullEvery       time.Duration    // background sync period (default 20 s)
	CheckEvery      time.Duration    // full check of the copy against the server's digest (default 15 min)
	// PullWindow is how far before today (venue time) the copy keeps showtimes (default 24 h:
	// yesterday's onwards). Older ones are not pulled and are purged from the cache.
	PullWindow time.Duration
	Logger     *slog.Logger
}

// Verdict is what the counter shows for a scan.
type Verdict struct {
	app.Outcome
	Token     string
	Nonce     string
	At        time.Time
	Offline   bool // decided from the cache
	Duplicate bool // the same code again within a few seconds: ignored
	// PeerDevice is the counter of the venue that admitted the ticket offline at PeerAt and told
	// this one over the local network (counter/lan): the reason for an offline refusal.
	PeerDevice string
	PeerAt     time.Time
	// Signed: the copy did not know the countermark, the verdict comes from the QR code's signed
	// ticket ("vérifié par signature", issue 16).
	Signed bool
}

// Status is the engine's state for the status bar.
type Status struct {
	Online      bool
	LastSync    time.Time
	Pending     int
	Conflicts   int
	ClockSkew   time.Duration // server time − local time at the last sync
	ClockOff    bool          // the skew is past protocol.ClockOffAfter: the counter's clock must be set
	Error       string        // the last sync problem, in French
	AuthRefused bool          // the server refused the key: sync stopped until it is replaced
	// OfflineSince is when the server was last found unreachable after answering (kept across
	// restarts; zero while online).
	OfflineSince time.Time
	Repaired     time.Time // when the full check last found the copy wrong and downloaded it again
	// RevokedUntil ends the grace of a revoked key (AuthRefused): offline admissions until then,
	// none after, until the counter is paired again.
	RevokedUntil time.Time
}

// Engine runs the counter.
type Engine struct {
	cache  *cache.Cache
	remote Remote
	cfg    Config
	log    *slog.Logger

	syncMu    sync.Mutex // one sync at a time
	lastCheck time.Time  // last full check (under syncMu)

	mu        sync.Mutex
	status    Status
	recent    map[string]Verdict // token → last verdict, for duplicate suppression
	pruned    time.Time          // when recent was last rid of its old verdicts
	listeners []func(Status)
	kick      chan struct{}
	peers     Peers // the venue's other counters on the local network (nil: none)
}

// Cache settings the engine keeps across restarts.
const (
	metaLastSync     = "engine.last_sync"
	metaOfflineSince = "engine.offline_since"
)

// New returns an engine over a cache and a server.
func New(c *cache.Cache, r Remote, cfg Config) *Engine {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.DuplicateWindow <= 0 {
		cfg.DuplicateWindow = 4 * time.Second
	}
	if cfg.PullEvery <= 0 {
		cfg.PullEvery = 20 * time.Second
	}
	if cfg.PullWindow <= 0 {
		cfg.PullWindow = 24 * time.Hour
	}
	if cfg.CheckEvery <= 0 {
		cfg.CheckEvery = 15 * time.Minute
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	e := &Engine{cache: c, remote: r, cfg: cfg, log: log, recent: map[string]Verdict{}, kick: make(chan struct{}, 1)}
	e.status.Online = true // optimistic until a call fails
	ctx := context.Background()
	if n, err := c.PendingCount(ctx); err == nil {
		e.status.Pending = n // then kept in memory by each scan, counted again by each sync
	}
	if v, _ := c.Meta(ctx, metaLastSync); v != "" {
		e.status.LastSync, _ = time.Parse(time.RFC3339Nano, v)
	}
	if v, _ := c.Meta(ctx, metaOfflineSince); v != "" { // a restart during an outage
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			e.status.Online, e.status.OfflineSince = false, t
		}
	}
	if until := e.loadRevoked(); !until.IsZero() { // a restart does not lift a revocation
		e.status.Online, e.status.AuthRefused, e.status.RevokedUntil = false, true, until
		e.status.Error = app.MsgKeyRevoked
	}
	return e
}

// OnStatus registers a function called (from the engine's goroutines) whenever the status
// changes.
func (e *Engine) OnStatus(fn func(Status)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.listeners = append(e.listeners, fn)
}

// Status returns the current status.
func (e *Engine) Status() Status {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.status
}

func (e *Engine) update(fn func(s *Status)) {
	e.mu.Lock()
	fn(&e.status)
	st, ls := e.status, append([]func(Status){}, e.listeners...)
	e.mu.Unlock()
	for _, l := range ls {
		l(st)
	}
}

func newNonce() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error()) // the platform is broken; nothing sensible to do
	}
	return hex.EncodeToString(b)
}

// Validate handles one scan or typed code: parse it, ignore a repeat within a few seconds,
// record it, ask the server when online (falling back to the cache on timeout, same nonce) or
// decide from the cache when offline.
//
// A countermark for another day is not consumed: the verdict is OutcomeConfirm and Confirm
// validates it once the cashier has agreed. The copy answers the question when it knows the
// booking; otherwise the server does, for an online scan (AskOtherDay).
func (e *Engine) Validate(ctx context.Context, input string) Verdict {
	return e.validate(ctx, input, false)
}

// Confirm validates like Validate, without asking again about another day (the cashier has
// confirmed it).
func (e *Engine) Confirm(ctx context.Context, input string) Verdict {
	return e.validate(ctx, input, true)
}

func (e *Engine) validate(ctx context.Context, input string, confirmed bool) Verdict {
	now := e.cfg.Now()
	scan := app.ParseScan(input)
	if !scan.OK() {
		return Verdict{Outcome: app.ScanOutcome(scan), At: now}
	}
	e.mu.Lock()
	if prev, ok := e.recent[scan.Token]; ok && now.Sub(prev.At) < e.cfg.DuplicateWindow {
		e.mu.Unlock()
		prev.Duplicate = true
		return prev
	}
	online := e.status.Online && !e.status.AuthRefused
	revoked := e.status.RevokedUntil
	e.mu.Unlock()
	if !revoked.IsZero() && !now.Before(revoked) {
		return e.revokedVerdict(scan.Token, now, revoked)
	}
	v := Verdict{Token: scan.Token, Nonce: newNonce(), At: now}
	if online {
		// A validation of this countermark made here is still waiting to be pushed: the server
		// does not know it yet, the cache does.
		if pending, err := e.cache.HasPending(ctx, scan.Token); err != nil || pending {
			online = false
		}
	}
	// Offline, the cache's decision asks the question itself, in the same look-up.
	if online && !confirmed {
		if v, ask := e.askFirst(ctx, scan.Token, now); ask {
			return v
		}
		if v, ask := e.askSigned(ctx, scan, now); ask {
			return v
		}
	}
	recorded := false // an online attempt's event, decided offline if the server fails
	if online {
		ev := cache.Event{Nonce: v.Nonce, Token: scan.Token, Kind: protocol.KindUse, Mode: protocol.ModeOnline, ScannedAt: now}
		if err := e.cache.Record(ctx, ev); err != nil {
			return e.failed(v, err)
		}
		recorded = true
		res, err := e.remote.Validate(ctx, protocol.ScanEvent{Nonce: v.Nonce, Token: scan.Token, Kind: protocol.KindUse,
			Mode: protocol.ModeOnline, ScannedAt: protocol.Time(now), AskOtherDay: !confirmed})
		if err == nil {
			v.Outcome = outcomeOf(res)
			if v.Code == OutcomeConfirm { // a booking the copy did not have yet, for another day
				if err := e.cache.Resolve(ctx, v.Nonce, v.Code, v.Message, nil, e.cfg.Now()); err != nil {
					e.log.Error("resolve scan", "err", err)
				}
				e.update(func(*Status) {})
				return v // not remembered: Confirm must reach the server
			}
			var b *cache.Booking
			if v.Booking != nil {
				b = &cache.Booking{Booking: *v.Booking}
				b.UsedNonce = res.UsedNonce
			}
			if err := e.cache.Resolve(ctx, v.Nonce, v.Code, v.Message, b, e.cfg.Now()); err != nil {
				e.log.Error("resolve scan", "err", err)
			}
			e.tellPeers(v)
			e.remember(v)
			e.update(func(*Status) {}) // recorded and resolved: as many pending as before
			return v
		}
		e.wentOffline(err)
	}
	// A peer's admission refuses the ticket before the copy (or anything else) is asked.
	if pv, refused := e.decidePeer(ctx, v); refused {
		e.remember(pv)
		e.update(func(s *Status) { s.Pending++ })
		e.Kick()
		return pv
	}
	out, signed, err := e.cache.DecideSigned(ctx, v.Nonce, scan.Token, e.cfg.Device, now, e.cfg.Location,
		e.ticket(ctx, scan, now), !confirmed && !recorded)
	if errors.Is(err, cache.ErrCopyNotUpdated) { // recorded: the verdict stands
		e.log.Warn("validation recorded, copy not updated", "err", err)
	} else if err != nil {
		e.abandon(ctx, v, recorded)
		return e.failed(v, err)
	}
	if out.Code == OutcomeConfirm { // another day: nothing recorded, nothing remembered
		return Verdict{Token: scan.Token, At: now, Outcome: out, Signed: signed}
	}
	v.Outcome, v.Offline, v.Signed = out, true, signed
	e.tellPeers(v)
	e.remember(v)
	// One more event waits for the server (the online attempt's row, decided here, or a new
	// one): counted in memory rather than in the outbox on every scan; each sync counts again.
	e.update(func(s *Status) { s.Pending++ })
	e.Kick()
	return v
}

// Keep undoes a validation, online when possible (the UI asks app.MsgKeepConfirm first).
func (e *Engine) Keep(ctx context.Context, token string) Verdict {
	now := e.cfg.Now()
	token = app.NormalizeToken(token)
	if revoked := e.Status().RevokedUntil; !revoked.IsZero() && !now.Before(revoked) {
		return e.revokedVerdict(token, now, revoked)
	}
	v := Verdict{Token: token, Nonce: newNonce(), At: now}
	out, undone, err := e.cache.DecideKeep(ctx, v.Nonce, token, now)
	if errors.Is(err, cache.ErrCopyNotUpdated) { // recorded: the verdict stands
		e.log.Warn("un-validation recorded, copy not updated", "err", err)
	} else if err != nil {
		return e.failed(v, err)
	}
	v.Outcome, v.Offline = out, true
	if out.OK() {
		e.withdrawFromPeers(token, undone, now)
	}
	e.mu.Lock()
	delete(e.recent, token)
	e.mu.Unlock()
	e.refreshPending(ctx)
	e.Kick()
	return v
}

// abandon marks the online attempt recorded for v, whose offline decision could not be written,
// as refused here ("ERROR", what the cashier was shown): left as it was, the next push would have
// the server validate it as a live online scan. Best effort: when the disk refuses this too, the
// event stays as it was (logged).
func (e *Engine) abandon(ctx context.Context, v Verdict, recorded bool) {
	if !recorded {
		return
	}
	if err := e.cache.DecideRefused(ctx, v.Nonce, v.Token, v.At, "ERROR"); err != nil {
		e.log.Error("failed validation left as an online attempt", "nonce", v.Nonce, "err", err)
	}
}

func (e *Engine) failed(v Verdict, err error) Verdict {
	e.log.Error("validation not recorded", "err", err)
	v.Outcome = app.Outcome{Code: "ERROR", Message: "Enregistrement impossible : " + app.ErrorMessage(err) +
		" Ne laissez pas entrer sans vérifier, et prévenez un responsable."}
	return v
}

func (e *Engine) remember(v Verdict) {
	e.mu.Lock()
	defer e.mu.Unlock()
	// Old verdicts go every ten seconds, not on every scan: a burst then costs one pass over
	// what the last minute scanned, not one per scan.
	if v.At.Sub(e.pruned) > 10*time.Second {
		for tok, old := range e.recent {
			if v.At.Sub(old.At) > time.Minute {
				delete(e.recent, tok)
			}
		}
		e.pruned = v.At
	}
	e.recent[v.Token] = v
}

func outcomeOf(r *protocol.ScanResult) app.Outcome {
	o := app.Outcome{Code: app.OutcomeCode(r.Verdict), Message: r.Message, Warnings: r.Warnings}
	if r.Booking != nil {
		b := r.Booking.Domain()
		o.Booking = &b
	}
	return o
}

func (e *Engine) wentOffline(err error) {
	e.log.Warn("server unreachable, deciding offline", "err", err)
	var until time.Time
	if app.ErrorCode(err) == app.EUNAUTHORIZED {
		until = e.revoked(err)
	}
	var since time.Time
	e.update(func(s *Status) {
		if s.OfflineSince.IsZero() {
			s.OfflineSince = e.cfg.Now()
			since = s.OfflineSince
		}
		s.Online = false
		s.Error = app.ErrorMessage(err)
		if app.ErrorCode(err) == app.EUNAUTHORIZED {
			s.AuthRefused, s.RevokedUntil = true, until
			s.Error = "Clé d'API refusée par le serveur : " + app.ErrorMessage(err)
		}
	})
	if !since.IsZero() { // kept, so that a restart during the outage still says since when
		if err := e.cache.SetMeta(context.Background(), metaOfflineSince, since.UTC().Format(time.RFC3339Nano)); err != nil {
			e.log.Warn("keep offline time", "err", err)
		}
	}
}

func (e *Engine) refreshPending(ctx context.Context) {
	n, err := e.cache.PendingCount(ctx)
	if err != nil {
		return
	}
	e.update(func(s *Status) { s.Pending = n })
}

// Kick asks the background loop to sync now.
func (e *Engine) Kick() {
	select {
	case e.kick <- struct{}{}:
	default:
	}
}

// Run syncs in the background until ctx ends: at once, then every PullEvery, on Kick, and with
// back-off after failures. An auth refusal stops it until the key changes (a restart).
func (e *Engine) Run(ctx context.Context) {
	wait := time.Duration(0)
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		case <-e.kick:
		}
		if e.Status().AuthRefused {
			wait = time.Hour
			continue
		}
		err := e.Sync(ctx)
		if cerr := e.cache.Checkpoint(ctx); cerr != nil { // off the scan path, online or not
			e.log.Warn("checkpoint", "err", cerr)
		}
		if err != nil {
			wait = min(max(2*wait, 2*time.Second), 2*time.Minute)
			continue
		}
		wait = e.cfg.PullEvery
	}
}

package server

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"runtime"
	"strconv"
	"strings"
	"time"

	"guichet/app"
	"guichet/sync/protocol"
	"guichet/sync/ratelimit"
)

// Limits are the server's rate limits (docs/security.md). A zero Rule limits nothing.
type Limits struct {
	IP            ratelimit.Rule // every request, per client IP
	Key           ratelimit.Rule // every request, per API key
	SigninIP      ratelimit.Rule // sign-in attempts, per client IP
	SigninAccount ratelimit.Rule // sign-in attempts, per e-mail (known or not), shared by replicas (in the store)
	// Misses are countermark look-ups and validations that found no booking of the key's
	// offerer (NOT_FOUND or another offerer's): charged per API key, after the fact; a key
	// whose bucket is empty gets 429 before any look-up.
	Misses ratelimit.Rule
	// PasswordChecks caps the bcrypt comparisons running at once (0: no cap); a sign-in
	// waits at most PasswordWait for a slot, then gets 429.
	PasswordChecks int
	PasswordWait   time.Duration
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names the client.
	TrustedProxies []netip.Prefix
}

// ImageDecodes caps the uploaded images decoded at once: each may take up to 64 MB (16 Mpx).
const ImageDecodes = 2

// DefaultLimits are the limits of `guichet-server serve` unless its flags say otherwise.
func DefaultLimits() Limits {
	return Limits{
		IP:             ratelimit.Rule{Every: 20 * time.Millisecond, Burst: 200}, // 50/s
		Key:            ratelimit.Rule{Every: 50 * time.Millisecond, Burst: 100}, // 20/s
		SigninIP:       ratelimit.Rule{Every: time.Second, Burst: 20},
		SigninAccount:  ratelimit.Rule{Every: 6 * time.Second, Burst: 10}, // 10/min
		Misses:         ratelimit.Rule{Every: 5 * time.Second, Burst: 30}, // 12/min
		PasswordChecks: max(1, runtime.NumCPU()/2),
		PasswordWait:   2 * time.Second,
	}
}

// limiters holds the buckets of a server.
type limiters struct {
	ip, key, signinIP, misses *ratelimit.Keyed
	signinAccountRule         ratelimit.Rule // kept in the store (shared by replicas)
	passwords                 *ratelimit.Gate
	images                    *ratelimit.Gate // image decodes at once (ImageDecodes)
	passwordWait              time.Duration
	trusted                   []netip.Prefix
}

func newLimiters(l Limits) *limiters {
	keyed := func(r ratelimit.Rule) *ratelimit.Keyed { return ratelimit.NewKeyed(r, 0, nil) }
	return &limiters{ip: keyed(l.IP), key: keyed(l.Key), signinIP: keyed(l.SigninIP), signinAccountRule: l.SigninAccount,
		misses: keyed(l.Misses), passwords: ratelimit.NewGate(l.PasswordChecks), passwordWait: l.PasswordWait,
		images:  ratelimit.NewGate(ImageDecodes),
		trusted: l.TrustedProxies}
}

// clientIP is the request's peer address, or the last address X-Forwarded-For adds when the
// peer is a trusted proxy.
func (l *limiters) clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	for _, p := range l.trusted {
		if p.Contains(peer.Unmap()) {
			fwd := r.Header.Values("X-Forwarded-For")
			if len(fwd) == 0 {
				break
			}
			parts := strings.Split(fwd[len(fwd)-1], ",")
			if a, err := netip.ParseAddr(strings.TrimSpace(parts[len(parts)-1])); err == nil {
				return a.Unmap().String()
			}
			break
		}
	}
	return peer.Unmap().String()
}

// tooMany answers 429 with Retry-After (whole seconds, at least 1).
func tooMany(w http.ResponseWriter, wait time.Duration) {
	secs := max(1, int((wait+time.Second-1)/time.Second))
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	writeJSON(w, http.StatusTooManyRequests, protocol.Error{Code: app.ETOOMANY,
		Message: fmt.Sprintf("Trop de requêtes : réessayez dans %d s.", secs)})
}

// allowIP applies the per-IP limit to every request.
func (s *Server) allowIP(w http.ResponseWriter, r *http.Request) bool {
	if ok, wait := s.lim.ip.Allow(s.lim.clientIP(r)); !ok {
		tooMany(w, wait)
		return false
	}
	return true
}

// allowKey applies the per-key limit to every authenticated request.
func (s *Server) allowKey(w http.ResponseWriter, k *app.APIKey) bool {
	if ok, wait := s.lim.key.Allow(strconv.FormatInt(k.ID, 10)); !ok {
		tooMany(w, wait)
		return false
	}
	return true
}

// missesLeft refuses a countermark look-up when the key has used its misses up.
func (s *Server) missesLeft(w http.ResponseWriter, k *app.APIKey) bool {
	if ok, wait := s.lim.misses.Check(strconv.FormatInt(k.ID, 10)); !ok {
		tooMany(w, wait)
		return false
	}
	return true
}

// chargeMisses charges a key for look-ups that found nothing of its offerer.
func (s *Server) chargeMisses(k *app.APIKey, n int) {
	s.lim.misses.Charge(strconv.FormatInt(k.ID, 10), n)
}

// isMiss reports whether an outcome found no booking of the caller's offerer.
func isMiss(o app.Outcome) bool {
	return o.Code == app.OutcomeNotFound || o.Code == app.OutcomeOtherOfferer
}

// allowSignin applies the sign-in limits, per client IP and per e-mail.
func (s *Server) allowSignin(w http.ResponseWriter, r *http.Request, email string) bool {
	if ok, wait := s.lim.signinIP.Allow(s.lim.clientIP(r)); !ok {
		tooMany(w, wait)
		return false
	}
	if rule := s.lim.signinAccountRule; !rule.Off() {
		// Per e-mail, the bucket lives in the database: replicas share it, so a password guesser
		// gets the rule's attempts per account whichever replica it reaches.
		bucket := "signin:" + strings.ToLower(strings.TrimSpace(email))
		ok, wait, err := s.store.TakeToken(r.Context(), bucket, rule.Every, rule.Burst, s.now())
		if err != nil {
			s.writeError(w, r, err)
			return false
		}
		if !ok {
			tooMany(w, wait)
			return false
		}
	}
	return true
}

// checkPassword runs a bcrypt comparison inside the gate; ok is false when no slot freed in
// time (the caller answers 429).
func (s *Server) checkPassword(ctx context.Context, check func() bool) (match, ok bool) {
	leave, ok := s.lim.passwords.Enter(ctx, s.lim.passwordWait)
	if !ok {
		return false, false
	}
	defer leave()
	return check(), true
}

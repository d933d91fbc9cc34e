package lan

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"guichet/app"
)

// Message kinds. The kind is inside the authenticated part: an announcement cannot be replayed
// as a push, nor a reply as either.
const (
	kindAnnounce = "announce"
	kindPush     = "push"
	kindReply    = "reply"
)

// message is what counters send each other, sealed (seal) with the venue's LAN secret.
type message struct {
	Kind        string       `json:"kind"`
	Venue       int64        `json:"venue"`
	Device      string       `json:"device"`
	Port        int          `json:"port,omitempty"` // the sender's peer HTTP port
	Sent        time.Time    `json:"sent"`
	Nonce       string       `json:"nonce"`
	Reply       string       `json:"reply,omitempty"` // a reply: the nonce of the push it answers
	Validations []Validation `json:"validations,omitempty"`
}

// Why a message is refused.
var (
	errMalformed = errors.New("message illisible")
	errBadMAC    = errors.New("authentification refusée (autre lieu ou secret différent)")
	errStale     = errors.New("message trop ancien ou horloge trop décalée")
	errReplayed  = errors.New("message déjà reçu (rejeu)")
	errNoSecret  = errors.New("secret du lieu inconnu (jamais synchronisé)")
)

// magic starts every sealed message, followed by the MAC in hex and a newline, then the JSON.
const magic = "GLAN1 "

// venueKey derives the MAC key of a venue from its LAN secret: the venue id is bound in, so a
// message of one venue never authenticates for another even if they shared a secret.
func venueKey(secret string, venue int64) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("guichet lan v1 venue " + strconv.FormatInt(venue, 10)))
	return m.Sum(nil)
}

func mac(key, body []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(body)
	return m.Sum(nil)
}

// seal encodes m and authenticates it with the venue's key.
func seal(key []byte, m *message) ([]byte, error) {
	body, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	out := make([]byte, 0, len(magic)+64+1+len(body))
	out = append(out, magic...)
	out = hex.AppendEncode(out, mac(key, body))
	out = append(out, '\n')
	return append(out, body...), nil
}

// open checks a sealed message's MAC (in constant time) before reading anything in it, then
// its kind and venue. Freshness and replays are the guard's.
func open(key []byte, data []byte, kind string, venue int64) (*message, error) {
	rest, ok := bytes.CutPrefix(data, []byte(magic))
	if !ok || len(rest) < 65 || rest[64] != '\n' {
		return nil, errMalformed
	}
	sum := make([]byte, 32)
	if _, err := hex.Decode(sum, rest[:64]); err != nil {
		return nil, errMalformed
	}
	body := rest[65:]
	if !hmac.Equal(sum, mac(key, body)) {
		return nil, errBadMAC
	}
	var m message
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, fmt.Errorf("%w: %v", errMalformed, err)
	}
	if m.Kind != kind || m.Venue != venue || m.Device == "" || len(m.Device) > maxField || m.Nonce == "" ||
		len(m.Nonce) > maxField || m.Port < 0 || m.Port > 65535 {
		return nil, errMalformed
	}
	return &m, nil
}

// maxField bounds a device name or a nonce.
const maxField = 100

// checkValidations refuses a list in which any entry is not a validation the sender made: all
// or nothing, so that a bad message stores nothing.
func checkValidations(m *message) error {
	if len(m.Validations) > MaxValidations {
		return fmt.Errorf("%w: %d validations (au plus %d)", errMalformed, len(m.Validations), MaxValidations)
	}
	for i := range m.Validations {
		v := &m.Validations[i]
		v.Token = app.NormalizeToken(v.Token)
		switch {
		case !app.IsTokenShaped(v.Token):
			return fmt.Errorf("%w: contremarque %q invalide", errMalformed, v.Token)
		case v.Nonce == "" || len(v.Nonce) > 64:
			return fmt.Errorf("%w: nonce manquant ou trop long", errMalformed)
		case v.Device != m.Device:
			return fmt.Errorf("%w: validation de %q envoyée par %q", errMalformed, v.Device, m.Device)
		case v.At.IsZero():
			return fmt.Errorf("%w: heure de validation manquante", errMalformed)
		}
	}
	return nil
}

func newNonce() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error()) // the platform is broken
	}
	return hex.EncodeToString(b)
}

// guard refuses messages sent too long ago (or too far ahead: a clock off by more than the
// window) and any nonce already seen within the window.
type guard struct {
	window time.Duration
	mu     sync.Mutex
	seen   map[string]time.Time // nonce → when it can be forgotten
	adds   int
}

// maxSeen bounds the memory of nonces: only authenticated messages are remembered, so only a
// peer with the secret could fill it.
const maxSeen = 100_000

func newGuard(window time.Duration) *guard {
	return &guard{window: window, seen: map[string]time.Time{}}
}

func (g *guard) check(m *message, now time.Time) error {
	if d := now.Sub(m.Sent); d > g.window || d < -g.window {
		return errStale
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, ok := g.seen[m.Nonce]; ok {
		return errReplayed
	}
	g.adds++
	if g.adds%256 == 0 || len(g.seen) >= maxSeen {
		for n, until := range g.seen {
			if now.After(until) {
				delete(g.seen, n)
			}
		}
	}
	if len(g.seen) >= maxSeen {
		return errReplayed // cannot tell: refuse rather than forget
	}
	g.seen[m.Nonce] = m.Sent.Add(2 * g.window)
	return nil
}

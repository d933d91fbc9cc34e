package counter

import (
	"context"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"guichet/app"
	"guichet/counter/cache"
	"guichet/counter/lan"
)

// Peers are the other counters of the venue on the local network (a *lan.Node): the engine tells
// them of each admission it decides offline. Tell must not block.
type Peers interface {
	Tell(v lan.Validation)
}

// DefaultLANPort is the port of the exchange with peers when none is set (lan.DefaultPort).
const DefaultLANPort = lan.DefaultPort

// metaLANSecret keeps the venue's LAN secret, delivered with the pull.
const metaLANSecret = "lan.secret"

// SetPeers connects the engine to the venue's other counters (nil disconnects it). Their
// validations (told through LANLedger) make an offline scan here refuse the ticket.
func (e *Engine) SetPeers(p Peers) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.peers = p
}

// LANLedger is the engine as a lan.Node needs it: its pending offline admissions, the store of
// the peers' ones, and the venue's secret.
func (e *Engine) LANLedger() lan.Ledger { return ledger{e} }

type ledger struct{ e *Engine }

func (l ledger) Recent(ctx context.Context) ([]lan.Validation, error) {
	evs, err := l.e.cache.PendingAdmissions(ctx, lan.MaxValidations)
	if err != nil {
		return nil, err
	}
	out := make([]lan.Validation, len(evs))
	for i, ev := range evs {
		out[i] = lan.Validation{Token: ev.Token, Nonce: ev.Nonce, Device: l.e.cfg.Device, At: ev.ScannedAt.UTC()}
		if ev.Kind == "keep" { // an un-validation: it withdraws the admission it undid
			out[i].Nonce, out[i].Withdrawn = *ev.Undoes, true
		}
	}
	return out, nil
}

func (l ledger) Received(ctx context.Context, vs []lan.Validation) error {
	pv := make([]cache.PeerValidation, len(vs))
	for i, v := range vs {
		pv[i] = cache.PeerValidation{Token: v.Token, Nonce: v.Nonce, Device: v.Device, At: v.At, Withdrawn: v.Withdrawn}
	}
	// A refusal shown here because of the withdrawing device's validation is not re-shown as a
	// repeat (forgotten before the withdrawal is stored, so that a scan deciding anew after the
	// store sees it). Other verdicts stay: a withdrawal is told again in every catch-up, and this
	// counter's own admission made since must still be repeated, not decided again.
	l.e.mu.Lock()
	for _, v := range vs {
		tok := app.NormalizeToken(v.Token)
		if prev, ok := l.e.recent[tok]; v.Withdrawn && ok && prev.PeerDevice == v.Device {
			delete(l.e.recent, tok)
		}
	}
	l.e.mu.Unlock()
	return l.e.cache.AddPeerValidations(ctx, pv, l.e.cfg.Now())
}

func (l ledger) Secret(ctx context.Context) (string, error) {
	return l.e.cache.Meta(ctx, metaLANSecret)
}

// PeerValidation returns the first validation of a countermark a peer told this counter of.
func (e *Engine) PeerValidation(ctx context.Context, token string) (cache.PeerValidation, bool, error) {
	return e.cache.PeerValidation(ctx, app.NormalizeToken(token))
}

// decidePeer refuses offline a countermark a peer has admitted, before the copy (or anything
// else) is asked: the refusal is recorded in the outbox like any offline decision. ok is false
// when no peer told of it (or the lookup failed: the copy decides then).
func (e *Engine) decidePeer(ctx context.Context, v Verdict) (Verdict, bool) {
	pv, ok, err := e.cache.PeerValidation(ctx, v.Token)
	if err != nil {
		e.log.Warn("peer validations", "err", err)
		return v, false
	}
	if !ok {
		return v, false
	}
	b, lerr := e.cache.Lookup(ctx, v.Token)
	if lerr == nil && b.Status == app.StatusUsed && !b.UsedAt.After(pv.At) {
		return v, false // validated here (or known validated) before: the copy says so
	}
	if err := e.cache.DecideRefused(ctx, v.Nonce, v.Token, v.At, app.OutcomeAlreadyUsed); err != nil {
		return e.failed(v, err), true
	}
	v.Outcome = app.Outcome{Code: app.OutcomeAlreadyUsed, Message: app.MsgAlreadyUsed}
	if lerr == nil {
		b.Status, b.UsedAt, b.UsedBy, b.UsedByKey, b.UsedByDevice = app.StatusUsed, pv.At, app.ByOfferer, "", pv.Device
		v.Booking = &b.Booking
	}
	v.Offline, v.PeerDevice, v.PeerAt = true, pv.Device, pv.At
	return v, true
}

// currentPeers returns the peers connected now (nil when none).
func (e *Engine) currentPeers() Peers {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.peers
}

// tellPeers tells the peers of an admission (in the background): one decided offline, and one
// the server made online too, so that a peer whose copy is a pull behind when the outage begins
// still refuses the ticket.
func (e *Engine) tellPeers(v Verdict) {
	p := e.currentPeers()
	if p == nil || v.Code != app.OutcomeAdmitted {
		return
	}
	p.Tell(lan.Validation{Token: v.Token, Nonce: v.Nonce, Device: e.cfg.Device, At: v.At.UTC()})
}

// withdrawFromPeers tells the peers that the validation with nonce undone, which an "Invalider"
// here has just undone, no longer stands (in the background; peers apply it only when that
// validation was this counter's own).
func (e *Engine) withdrawFromPeers(token, undone string, at time.Time) {
	p := e.currentPeers()
	if p == nil || undone == "" {
		return
	}
	p.Tell(lan.Validation{Token: token, Nonce: undone, Device: e.cfg.Device, At: at.UTC(), Withdrawn: true})
}

// keepLANSecret stores the venue's LAN secret a pull delivered.
func (e *Engine) keepLANSecret(ctx context.Context, secret string) error {
	if secret == "" {
		return nil
	}
	return e.cache.SetMeta(ctx, metaLANSecret, secret)
}

// forgetPeerValidations drops the peers' validations received before a sync that went
// through: the server's answers and copy are the truth about them.
func (e *Engine) forgetPeerValidations(ctx context.Context, syncStart time.Time) {
	if err := e.cache.ClearPeerValidations(ctx, syncStart); err != nil {
		e.log.Warn("forget peer validations", "err", err)
	}
}

// LANStatus is what the exchange with the other counters is doing (Réglages).
type LANStatus struct {
	On    bool
	Peers []string // the devices heard from (or the addresses not reached yet)
	Error string   // why it is off although switched on
}

// LANStatus says what the exchange with the other counters is doing (off when the engine has
// no peers connected).
func (e *Engine) LANStatus() LANStatus {
	p := e.currentPeers()
	sw, ok := p.(interface{ Status() lan.Status })
	if !ok {
		return LANStatus{}
	}
	st := sw.Status()
	out := LANStatus{On: st.On, Error: st.Error}
	for _, peer := range st.Peers {
		name := peer.Device
		if name == "" {
			name = peer.Addr
		}
		out.Peers = append(out.Peers, name)
	}
	slices.Sort(out.Peers)
	return out
}

// ParseLANPeers reads a list of peer addresses as typed in Réglages: "host:port" items separated
// by commas, semicolons or spaces. bad is the first malformed item ("" when there is none).
func ParseLANPeers(s string) (peers []string, bad string) {
	for _, item := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || unicode.IsSpace(r) }) {
		host, port, err := net.SplitHostPort(item)
		n, perr := strconv.Atoi(port)
		if err != nil || host == "" || perr != nil || n < 1 || n > 65535 {
			return nil, item
		}
		peers = append(peers, item)
	}
	return peers, ""
}

// Package lan lets the counters of one venue on the same local network tell each other about
// the tickets they admit while the server is unreachable, so that a ticket admitted at one door
// is refused at the others within a second instead of becoming a conflict afterwards.
//
// Counters find each other by multicast UDP announcements (or a fixed list of addresses), and
// exchange validations over HTTP: a counter POSTs its new admissions to every peer at once, and
// each answer carries the peer's own admissions not yet pushed to the server, so that a counter
// started late catches up. Every message is authenticated with HMAC-SHA256 under a key derived
// from the venue's LAN secret (delivered by the server with the pull), carries its time and a
// nonce, and is refused outside a time window or when seen before. A device without the secret,
// or of another venue, is ignored. What peers say is only ever a reason to refuse (a withdrawal,
// after an "Invalider", takes back its own sender's reason): it never admits anyone by itself, and
// each counter pushes only its own outbox (docs/sync.md).
package lan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Validation is an admission a counter made offline, as its peers need to know it, or its
// withdrawal: the counter undid it ("Invalider") and its peers must stop refusing the ticket for it.
type Validation struct {
	Token  string    `json:"token"`
	Nonce  string    `json:"nonce"` // the outbox nonce of the admission
	Device string    `json:"device"`
	At     time.Time `json:"at"` // when it was admitted, or withdrawn
	// Withdrawn: the device that made the admission undid it. A peer applies a withdrawal only
	// to that device's own admission (a device never withdraws another's).
	Withdrawn bool `json:"withdrawn,omitempty"`
}

// Ledger is the counter's side of the exchange.
type Ledger interface {
	// Recent returns this counter's admissions that the server has not answered yet and it has
	// not undone (at most MaxValidations, oldest first), then its withdrawals not answered yet.
	Recent(ctx context.Context) ([]Validation, error)
	// Received stores validations a peer made.
	Received(ctx context.Context, vs []Validation) error
	// Secret returns the venue's LAN secret ("" until the first pull: the node stays silent).
	Secret(ctx context.Context) (string, error)
}

// Limits of a message.
const (
	MaxValidations = 4000    // validations in one message
	MaxBody        = 1 << 20 // bytes of a message
	DefaultPort    = 47390   // UDP announcements and the peer HTTP endpoint
	// DefaultGroup is the multicast group announcements go to (organisation-local scope).
	DefaultGroup = "239.255.71.77"
)

// Config sets a node up.
type Config struct {
	VenueID int64
	Device  string
	// Port is the UDP port of announcements and the TCP port of the peer endpoint (DefaultPort
	// when 0).
	Port int
	// Listen is the peer endpoint's address (":Port" when empty; "127.0.0.1:0" in tests).
	Listen string
	// Group is where announcements go and are heard ("239.255.71.77:Port" when empty).
	Group string
	// NoDiscovery turns announcements off: only Peers are contacted.
	NoDiscovery bool
	// Interface is the network interface for multicast (the system's choice when empty).
	Interface string
	// Peers are peer endpoints ("host:port") contacted without being discovered.
	Peers         []string
	AnnounceEvery time.Duration    // default 2 s
	ExchangeEvery time.Duration    // a full exchange with every peer (default 5 s)
	Window        time.Duration    // clocks may differ by this much; replays are remembered as long (default 5 min: each counter may be up to protocol.ClockOffAfter off before it is told)
	Timeout       time.Duration    // one HTTP exchange (default 1 s)
	PeerTTL       time.Duration    // a discovered peer not heard from for this long is dropped (default 30 s)
	Now           func() time.Time // time.Now when nil
	Logger        *slog.Logger
}

// Node is one counter on the venue's network.
type Node struct {
	cfg    Config
	ledger Ledger
	log    *slog.Logger
	guard  *guard
	client *http.Client

	mu     sync.Mutex
	peers  map[string]*peer // by address
	ln     net.Listener
	srv    *http.Server
	udp    *net.UDPConn // announcements heard
	send   *net.UDPConn // announcements sent
	tell   chan Validation
	cancel context.CancelFunc
	wg     sync.WaitGroup
	closed bool
	// discoveryErr is why announcements could not be opened (nil: they run, or are off).
	discoveryErr error
}

type peer struct {
	addr      string
	device    string // once heard from
	static    bool
	seen      time.Time
	exchanged time.Time
}

// Peer is a peer as the node knows it.
type Peer struct {
	Addr      string
	Device    string
	Exchanged time.Time // the last exchange that went through (zero: none yet)
}

// New returns a node; Start runs it.
func New(cfg Config, ledger Ledger) *Node {
	if cfg.Port == 0 {
		cfg.Port = DefaultPort
	}
	if cfg.Listen == "" {
		cfg.Listen = ":" + strconv.Itoa(cfg.Port)
	}
	if cfg.Group == "" {
		cfg.Group = net.JoinHostPort(DefaultGroup, strconv.Itoa(cfg.Port))
	}
	if cfg.AnnounceEvery <= 0 {
		cfg.AnnounceEvery = 2 * time.Second
	}
	if cfg.ExchangeEvery <= 0 {
		cfg.ExchangeEvery = 5 * time.Second
	}
	if cfg.Window <= 0 {
		cfg.Window = 5 * time.Minute
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = time.Second
	}
	if cfg.PeerTTL <= 0 {
		cfg.PeerTTL = 30 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	n := &Node{cfg: cfg, ledger: ledger, log: log.With("part", "lan"), guard: newGuard(cfg.Window),
		client: &http.Client{Timeout: cfg.Timeout}, peers: map[string]*peer{}, tell: make(chan Validation, 1024)}
	for _, a := range cfg.Peers {
		n.peers[a] = &peer{addr: a, static: true}
	}
	return n
}

// Start opens the peer endpoint and, unless NoDiscovery, the announcements, then runs in the
// background until Close or ctx ends. Announcements that cannot be opened (no multicast on this
// machine) leave the node running with its fixed peers and those that reach it (DiscoveryError).
func (n *Node) Start(ctx context.Context) error {
	ln, err := net.Listen("tcp", n.cfg.Listen)
	if err != nil {
		return fmt.Errorf("lan: listen %s: %w", n.cfg.Listen, err)
	}
	ctx, cancel := context.WithCancel(ctx)
	n.mu.Lock()
	n.ln, n.cancel = ln, cancel
	n.srv = &http.Server{Handler: n.Handler(), ReadHeaderTimeout: 2 * time.Second, ReadTimeout: 5 * time.Second,
		WriteTimeout: 5 * time.Second, MaxHeaderBytes: 8 << 10}
	n.mu.Unlock()
	discover := !n.cfg.NoDiscovery
	if discover {
		if err := n.openDiscovery(); err != nil {
			n.log.Warn("no discovery: only the peers typed in or that reach this counter", "err", err)
			n.mu.Lock()
			n.discoveryErr = err
			n.mu.Unlock()
			discover = false
		}
	}
	n.wg.Add(3)
	go func() {
		defer n.wg.Done()
		if err := n.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			n.log.Warn("peer endpoint stopped", "err", err)
		}
	}()
	go func() { defer n.wg.Done(); n.tellLoop(ctx) }()
	go func() { defer n.wg.Done(); n.exchangeLoop(ctx) }()
	if discover {
		n.wg.Add(2)
		go func() { defer n.wg.Done(); n.listenLoop(ctx) }()
		go func() { defer n.wg.Done(); n.announceLoop(ctx) }()
	}
	go func() {
		<-ctx.Done()
		n.shutdown()
	}()
	return nil
}

// DiscoveryError says why the node runs without announcements (nil when they run or are off).
func (n *Node) DiscoveryError() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.discoveryErr
}

// Addr is the peer endpoint's address once started.
func (n *Node) Addr() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.ln == nil {
		return ""
	}
	return n.ln.Addr().String()
}

// Close stops the node and waits for its goroutines.
func (n *Node) Close() error {
	n.mu.Lock()
	cancel := n.cancel
	n.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	n.shutdown()
	n.wg.Wait()
	return nil
}

func (n *Node) shutdown() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return
	}
	n.closed = true
	if n.srv != nil {
		_ = n.srv.Close()
	}
	if n.udp != nil {
		_ = n.udp.Close()
	}
	if n.send != nil {
		_ = n.send.Close()
	}
}

// Tell sends an admission (or a withdrawal) to every peer at once, in the background: it never
// blocks (when the queue is full the next full exchange carries it).
func (n *Node) Tell(v Validation) {
	select {
	case n.tell <- v:
	default:
		n.log.Warn("peer queue full, the next exchange will carry it", "token", v.Token)
	}
}

// Peers lists the peers known now.
func (n *Node) Peers() []Peer {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := make([]Peer, 0, len(n.peers))
	for _, p := range n.peers {
		out = append(out, Peer{Addr: p.addr, Device: p.device, Exchanged: p.exchanged})
	}
	return out
}

func (n *Node) key(ctx context.Context) ([]byte, error) {
	s, err := n.ledger.Secret(ctx)
	if err != nil {
		return nil, fmt.Errorf("lan secret: %w", err)
	}
	if s == "" {
		return nil, errNoSecret
	}
	return venueKey(s, n.cfg.VenueID), nil
}

// heard records a peer at addr (a discovered one, or one that pushed to us); it returns true
// when the peer is new, for an exchange at once.
func (n *Node) heard(addr, device string) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	now := n.cfg.Now()
	p, ok := n.peers[addr]
	if !ok {
		if len(n.peers) >= maxPeers {
			return false
		}
		p = &peer{addr: addr}
		n.peers[addr] = p
	}
	p.device, p.seen = device, now
	return !ok
}

// maxPeers bounds the peers a node keeps (only authenticated devices become peers).
const maxPeers = 64

// targets returns the peers to send to, dropping discovered ones not heard from for PeerTTL.
func (n *Node) targets() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	now := n.cfg.Now()
	out := make([]string, 0, len(n.peers))
	for a, p := range n.peers {
		if !p.static && now.Sub(p.seen) > n.cfg.PeerTTL {
			delete(n.peers, a)
			continue
		}
		out = append(out, a)
	}
	return out
}

func (n *Node) tellLoop(ctx context.Context) {
	for {
		var batch []Validation
		select {
		case <-ctx.Done():
			return
		case v := <-n.tell:
			batch = append(batch, v)
		}
		for more := true; more && len(batch) < MaxValidations; {
			select {
			case v := <-n.tell:
				batch = append(batch, v)
			default:
				more = false
			}
		}
		n.pushAll(ctx, batch)
	}
}

func (n *Node) exchangeLoop(ctx context.Context) {
	t := time.NewTicker(n.cfg.ExchangeEvery)
	defer t.Stop()
	for {
		n.exchangeAll(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// exchangeAll sends this counter's pending admissions to every peer and stores theirs.
func (n *Node) exchangeAll(ctx context.Context) {
	recent, err := n.ledger.Recent(ctx)
	if err != nil {
		n.log.Warn("recent admissions", "err", err)
		return
	}
	n.pushAll(ctx, recent)
}

func (n *Node) pushAll(ctx context.Context, vs []Validation) {
	var wg sync.WaitGroup
	for _, a := range n.targets() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := n.Exchange(ctx, a, vs); err != nil {
				n.log.Debug("exchange with peer failed", "peer", a, "err", err)
			}
		}()
	}
	wg.Wait()
}

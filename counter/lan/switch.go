package lan

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
)

// Switch runs a node while it is switched on (the Réglages switch), starting it again on
// another port when the port changes. The engine tells it of its admissions whether it is on or
// off: off, they go nowhere.
type Switch struct {
	cfg    Config
	ledger Ledger

	set  sync.Mutex             // one Set at a time
	node atomic.Pointer[Node]   // the running node (nil: off); read on the scan path without waiting
	err  atomic.Pointer[string] // why the last Set could not start the node (nil: it could)
}

// Status is what a switch is doing, for Réglages.
type Status struct {
	On    bool
	Peers []Peer
	Error string // why it is off although switched on, or on without discovery ("" otherwise)
}

// NewSwitch returns a switch, off, for nodes made from cfg (its Port and Peers are set by Set).
func NewSwitch(cfg Config, ledger Ledger) *Switch { return &Switch{cfg: cfg, ledger: ledger} }

// Settings are what the Réglages say: on or off, the port, and peer addresses to contact
// without discovery.
type Settings struct {
	On    bool
	Port  int      // DefaultPort when 0
	Peers []string // "host:port"
}

// Set switches the node on with these settings, or off. Changed settings start it again. It
// returns the error of a node that could not start (a port in use, no multicast), and then stays
// off.
func (s *Switch) Set(ctx context.Context, st Settings) error {
	if st.Port == 0 {
		st.Port = DefaultPort
	}
	s.set.Lock()
	defer s.set.Unlock()
	if n := s.node.Load(); n != nil {
		if st.On && n.cfg.Port == st.Port && slices.Equal(n.cfg.Peers, st.Peers) {
			return nil
		}
		s.node.Store(nil)
		_ = n.Close()
	}
	s.err.Store(nil)
	if !st.On {
		return nil
	}
	cfg := s.cfg
	cfg.Port, cfg.Peers = st.Port, slices.Clone(st.Peers)
	n := New(cfg, s.ledger)
	if err := n.Start(ctx); err != nil {
		msg := err.Error()
		s.err.Store(&msg)
		return err
	}
	s.node.Store(n)
	return nil
}

// Status says whether the node runs, its peers, and why it could not start.
func (s *Switch) Status() Status {
	var st Status
	if n := s.node.Load(); n != nil {
		st.On, st.Peers = true, n.Peers()
		if err := n.DiscoveryError(); err != nil {
			st.Error = err.Error()
		}
	}
	if e := s.err.Load(); e != nil {
		st.Error = *e
	}
	return st
}

// On reports whether a node runs.
func (s *Switch) On() bool { return s.node.Load() != nil }

// Tell passes an admission to the running node (nothing when off). It never blocks.
func (s *Switch) Tell(v Validation) {
	if n := s.node.Load(); n != nil {
		n.Tell(v)
	}
}

// Peers lists the running node's peers (none when off).
func (s *Switch) Peers() []Peer {
	if n := s.node.Load(); n != nil {
		return n.Peers()
	}
	return nil
}

// Close switches off.
func (s *Switch) Close() error { return s.Set(context.Background(), Settings{}) }

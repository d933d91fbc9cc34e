package lan

import (
	"context"
	"sync"
	"sync/atomic"
)

// Switch runs a node while it is switched on (the Réglages switch), starting it again on
// another port when the port changes. The engine tells it of its admissions whether it is on or
// off: off, they go nowhere.
type Switch struct {
	cfg    Config
	ledger Ledger

	set  sync.Mutex           // one Set at a time
	node atomic.Pointer[Node] // the running node (nil: off); read on the scan path without waiting
}

// NewSwitch returns a switch, off, for nodes made from cfg (its Port is set by Set).
func NewSwitch(cfg Config, ledger Ledger) *Switch { return &Switch{cfg: cfg, ledger: ledger} }

// Set switches the node on (on port, DefaultPort when 0) or off. It returns the error of a node
// that could not start (a port in use, no multicast), and then stays off.
func (s *Switch) Set(ctx context.Context, on bool, port int) error {
	if port == 0 {
		port = DefaultPort
	}
	s.set.Lock()
	defer s.set.Unlock()
	if n := s.node.Load(); n != nil {
		if on && n.cfg.Port == port {
			return nil
		}
		s.node.Store(nil)
		_ = n.Close()
	}
	if !on {
		return nil
	}
	cfg := s.cfg
	cfg.Port = port
	n := New(cfg, s.ledger)
	if err := n.Start(ctx); err != nil {
		return err
	}
	s.node.Store(n)
	return nil
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
func (s *Switch) Close() error { return s.Set(context.Background(), false, 0) }

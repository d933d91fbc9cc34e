package lan

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"
)

// openDiscovery joins the multicast group (to hear announcements) and opens the socket that
// sends them. Joining uses SO_REUSEADDR (Go sets it for multicast), so several counters on one
// machine can share the port.
func (n *Node) openDiscovery() error {
	group, err := net.ResolveUDPAddr("udp4", n.cfg.Group)
	if err != nil {
		return fmt.Errorf("lan: group %s: %w", n.cfg.Group, err)
	}
	var ifi *net.Interface
	if n.cfg.Interface != "" {
		if ifi, err = net.InterfaceByName(n.cfg.Interface); err != nil {
			return fmt.Errorf("lan: interface %s: %w", n.cfg.Interface, err)
		}
	}
	udp, err := net.ListenMulticastUDP("udp4", ifi, group)
	if err != nil {
		return fmt.Errorf("lan: join %s: %w", n.cfg.Group, err)
	}
	send, err := net.ListenUDP("udp4", nil)
	if err != nil {
		udp.Close()
		return fmt.Errorf("lan: announce socket: %w", err)
	}
	n.mu.Lock()
	n.udp, n.send = udp, send
	n.mu.Unlock()
	return nil
}

// announceLoop tells the group every AnnounceEvery that this counter is here, and where.
func (n *Node) announceLoop(ctx context.Context) {
	group, err := net.ResolveUDPAddr("udp4", n.cfg.Group)
	if err != nil {
		return
	}
	t := time.NewTicker(n.cfg.AnnounceEvery)
	defer t.Stop()
	for {
		if err := n.announce(ctx, group); err != nil && !errors.Is(err, errNoSecret) {
			n.log.Debug("announce", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (n *Node) announce(ctx context.Context, group *net.UDPAddr) error {
	key, err := n.key(ctx)
	if err != nil {
		return err
	}
	data, err := seal(key, n.message(kindAnnounce, "", nil))
	if err != nil {
		return err
	}
	_, err = n.send.WriteToUDP(data, group)
	return err
}

// listenLoop hears announcements; a new peer gets an exchange at once (it may have admissions
// to catch up on, or need ours).
func (n *Node) listenLoop(ctx context.Context) {
	buf := make([]byte, 2048) // an announcement carries no validations
	for {
		size, from, err := n.udp.ReadFromUDP(buf)
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return
			}
			n.log.Debug("read announcement", "err", err)
			continue
		}
		n.hear(ctx, buf[:size], from)
	}
}

func (n *Node) hear(ctx context.Context, data []byte, from *net.UDPAddr) {
	key, err := n.key(ctx)
	if err != nil {
		return
	}
	m, err := n.accept(key, data, kindAnnounce)
	if err != nil {
		n.log.Debug("announcement refused", "from", from, "err", err)
		return
	}
	if m.Device == n.cfg.Device || m.Port == 0 {
		return // our own, heard back
	}
	addr := net.JoinHostPort(from.IP.String(), strconv.Itoa(m.Port))
	n.log.Debug("announcement heard", "device", m.Device, "addr", addr)
	if n.heard(addr, m.Device) {
		n.log.Info("peer found", "device", m.Device, "addr", addr)
		n.wg.Add(1)
		go func() {
			defer n.wg.Done()
			recent, err := n.ledger.Recent(ctx)
			if err == nil {
				err = n.Exchange(ctx, addr, recent)
			}
			if err != nil {
				n.log.Debug("first exchange", "peer", addr, "err", err)
			}
		}()
	}
}

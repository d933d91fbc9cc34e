package lan

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
)

// Path is the peer endpoint's route.
const Path = "/lan/v1/validations"

// Handler serves the peer endpoint: POST Path with a sealed push; the answer is a sealed reply
// with this counter's own pending admissions. Refusals are plain text: 400 unreadable, 401 not
// authenticated, stale or replayed, 413 too long, 503 no secret yet.
func (n *Node) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+Path, n.serve)
	return mux
}

func (n *Node) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		http.Error(w, fmt.Sprintf("message trop long (%d octets au plus)", MaxBody), http.StatusRequestEntityTooLarge)
		return
	}
	if err != nil {
		http.Error(w, "lecture du message : "+err.Error(), http.StatusBadRequest)
		return
	}
	ctx := r.Context()
	key, err := n.key(ctx)
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	m, err := n.accept(key, body, kindPush)
	if err != nil {
		n.log.Warn("peer message refused", "from", r.RemoteAddr, "err", err)
		code := http.StatusUnauthorized
		if errors.Is(err, errMalformed) {
			code = http.StatusBadRequest
		}
		http.Error(w, err.Error(), code)
		return
	}
	if m.Device == n.cfg.Device {
		http.Error(w, "message de ce même poste", http.StatusBadRequest)
		return
	}
	if len(m.Validations) > 0 {
		if err := n.ledger.Received(ctx, m.Validations); err != nil {
			n.log.Error("store peer validations", "err", err)
			http.Error(w, "enregistrement impossible : "+err.Error(), http.StatusInternalServerError)
			return
		}
	}
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil && m.Port > 0 {
		if n.heard(net.JoinHostPort(host, strconv.Itoa(m.Port)), m.Device) {
			n.log.Info("peer found by its push", "device", m.Device)
		}
	}
	recent, err := n.ledger.Recent(ctx)
	if err != nil {
		http.Error(w, "validations récentes : "+err.Error(), http.StatusInternalServerError)
		return
	}
	out, err := seal(key, n.message(kindReply, m.Nonce, recent))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	_, _ = w.Write(out)
}

// accept opens a sealed message of a kind, checks its validations and that it is fresh and new.
func (n *Node) accept(key, data []byte, kind string) (*message, error) {
	m, err := open(key, data, kind, n.cfg.VenueID)
	if err != nil {
		return nil, err
	}
	if err := checkValidations(m); err != nil {
		return nil, err
	}
	if err := n.guard.check(m, n.cfg.Now()); err != nil {
		return nil, err
	}
	return m, nil
}

func (n *Node) message(kind, reply string, vs []Validation) *message {
	if len(vs) > MaxValidations {
		vs = vs[len(vs)-MaxValidations:] // the newest
	}
	return &message{Kind: kind, Venue: n.cfg.VenueID, Device: n.cfg.Device, Port: n.port(), Sent: n.cfg.Now().UTC(),
		Nonce: newNonce(), Reply: reply, Validations: vs}
}

// port is the peer endpoint's port, announced so that peers can reach it.
func (n *Node) port() int {
	if a, ok := func() (net.Addr, bool) {
		n.mu.Lock()
		defer n.mu.Unlock()
		if n.ln == nil {
			return nil, false
		}
		return n.ln.Addr(), true
	}(); ok {
		if t, ok := a.(*net.TCPAddr); ok {
			return t.Port
		}
	}
	return 0
}

// Exchange pushes validations to the peer at addr ("host:port") and stores the ones its reply
// carries. The reply must answer this very push (its nonce), so an old reply replayed is refused.
func (n *Node) Exchange(ctx context.Context, addr string, vs []Validation) error {
	key, err := n.key(ctx)
	if err != nil {
		return err
	}
	req := n.message(kindPush, "", vs)
	body, err := seal(key, req)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, n.cfg.Timeout)
	defer cancel()
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+addr+Path, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("exchange with %s: %w", addr, err)
	}
	hr.Header.Set("Content-Type", "application/octet-stream")
	resp, err := n.client.Do(hr)
	if err != nil {
		return fmt.Errorf("exchange with %s: %w", addr, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxBody+1))
	if err != nil {
		return fmt.Errorf("exchange with %s: %w", addr, err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("exchange with %s: %s: %s", addr, resp.Status, bytes.TrimSpace(data))
	}
	if len(data) > MaxBody {
		return fmt.Errorf("exchange with %s: reply too long", addr)
	}
	m, err := n.accept(key, data, kindReply)
	if err != nil {
		return fmt.Errorf("exchange with %s: %w", addr, err)
	}
	if m.Reply != req.Nonce {
		return fmt.Errorf("exchange with %s: %w", addr, errReplayed)
	}
	if m.Device == n.cfg.Device {
		return fmt.Errorf("exchange with %s: this very device", addr)
	}
	if len(m.Validations) > 0 {
		if err := n.ledger.Received(ctx, m.Validations); err != nil {
			return fmt.Errorf("exchange with %s: %w", addr, err)
		}
	}
	n.mu.Lock()
	if p, ok := n.peers[addr]; ok {
		p.device, p.exchanged = m.Device, n.cfg.Now()
		p.seen = p.exchanged
	}
	n.mu.Unlock()
	return nil
}

package lan

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// netnsChildEnv makes the test binary one counter of TestNode_DiscoveryAcrossHosts: its device
// name. It runs a node in the network namespace it was started in and prints what it sees.
const netnsChildEnv = "GUICHET_LAN_NETNS_CHILD"

// netnsPort is the exchange's port in the namespaces (each has its own ports: no clash).
const netnsPort = 47391

func TestMain(m *testing.M) {
	if dev := os.Getenv(netnsChildEnv); dev != "" {
		os.Exit(netnsChild(dev))
	}
	os.Exit(m.Run())
}

// netnsChild runs a node for device in this process's network namespace for 20 s, printing
// "PEER <device> <address>" for each peer found, "GOT <token> <device>" for each validation
// received; caisse-a tells ABCDEF once it has found a peer.
func netnsChild(device string) int {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	l := &ledger{secret: secret}
	// The node's own log, on stdout: "announcement heard" says what came by multicast.
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{Level: slog.LevelDebug}))
	n := New(Config{VenueID: 7, Device: device, Port: netnsPort, AnnounceEvery: 100 * time.Millisecond,
		ExchangeEvery: 300 * time.Millisecond, Logger: logger}, l)
	if err := n.Start(ctx); err != nil {
		fmt.Println("ERR", err)
		return 3
	}
	defer n.Close()
	seen, told := map[string]bool{}, false
	for ctx.Err() == nil {
		for _, p := range n.Peers() {
			if p.Device != "" && !seen["peer "+p.Device] {
				seen["peer "+p.Device] = true
				fmt.Println("PEER", p.Device, p.Addr)
				if device == "caisse-a" && !told {
					v := val("ABCDEF", "caisse-a")
					l.mu.Lock()
					l.own = append(l.own, v) // the exchanges carry it again if this push is lost
					l.mu.Unlock()
					n.Tell(v)
					told = true
				}
			}
		}
		for _, v := range l.received() {
			if !seen["got "+v.Token+v.Device] {
				seen["got "+v.Token+v.Device] = true
				fmt.Println("GOT", v.Token, v.Device)
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return 0
}

// TestNode_DiscoveryAcrossHosts: two counters on two hosts of one network segment — two
// network namespaces, each with its own network stack, joined by a virtual Ethernet link — find
// each other by their multicast announcements across the link (not through a shared loopback)
// and a validation told on one reaches the other. Needs root to make the namespaces (CI runs as
// root); Linux only (Windows has no namespaces; make test-windows cannot open UDP sockets anyway).
func TestNode_DiscoveryAcrossHosts(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("making network namespaces needs root (make test runs as root in CI)")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Fatal("no ip command (Debian's iproute2): ", err)
	}
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b)
	nsA, nsB, vethA, vethB := "glan-a-"+id, "glan-b-"+id, "gla"+id, "glb"+id
	ip := func(args ...string) {
		t.Helper()
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	if out, err := exec.Command("ip", "netns", "add", nsA).CombinedOutput(); err != nil {
		if strings.Contains(string(out), "Operation not permitted") {
			t.Skip("root without the right to make network namespaces (a container without CAP_SYS_ADMIN): ", string(out))
		}
		t.Fatalf("ip netns add: %v\n%s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", nsA).Run() })
	ip("netns", "add", nsB)
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", nsB).Run() })
	ip("link", "add", vethA, "type", "veth", "peer", "name", vethB)
	t.Cleanup(func() { _ = exec.Command("ip", "link", "del", vethA).Run() }) // left here only if a step below failed
	ip("link", "set", vethA, "netns", nsA)
	ip("link", "set", vethB, "netns", nsB)
	for _, h := range []struct{ ns, dev, addr string }{{nsA, vethA, "10.77.0.1/24"}, {nsB, vethB, "10.77.0.2/24"}} {
		ip("-n", h.ns, "addr", "add", h.addr, "dev", h.dev)
		ip("-n", h.ns, "link", "set", h.dev, "up")
		ip("-n", h.ns, "link", "set", "lo", "up")
		ip("-n", h.ns, "route", "add", "224.0.0.0/4", "dev", h.dev) // where multicast goes
	}

	var mu sync.Mutex
	lines := map[string][]string{}
	for _, c := range []struct{ ns, device string }{{nsA, "caisse-a"}, {nsB, "caisse-b"}} {
		cmd := exec.Command("ip", "netns", "exec", c.ns, os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), netnsChildEnv+"="+c.device)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				mu.Lock()
				lines[c.device] = append(lines[c.device], sc.Text())
				mu.Unlock()
			}
		}()
	}
	said := func(device, part string) bool {
		mu.Lock()
		defer mu.Unlock()
		for _, l := range lines[device] {
			if strings.Contains(l, part) {
				return true
			}
		}
		return false
	}
	deadline := time.Now().Add(15 * time.Second)
	want := [][2]string{ // each heard the other's announcement by multicast, from its link address
		{"caisse-a", fmt.Sprintf(`msg="announcement heard" part=lan device=caisse-b addr=10.77.0.2:%d`, netnsPort)},
		{"caisse-b", fmt.Sprintf(`msg="announcement heard" part=lan device=caisse-a addr=10.77.0.1:%d`, netnsPort)},
		{"caisse-a", fmt.Sprintf("PEER caisse-b 10.77.0.2:%d", netnsPort)},
		{"caisse-b", fmt.Sprintf("PEER caisse-a 10.77.0.1:%d", netnsPort)},
		{"caisse-b", "GOT ABCDEF caisse-a"},
	}
	for _, w := range want {
		for !said(w[0], w[1]) && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if !said(w[0], w[1]) {
			mu.Lock()
			got := map[string][]string{}
			for dev, ls := range lines {
				got[dev] = ls[max(0, len(ls)-10):] // the last lines of each
			}
			mu.Unlock()
			t.Fatalf("%s never said %q; the counters said, last: %q", w[0], w[1], got)
		}
	}
}

package server_test

import (
	"net"
	"net/http"
	"testing"
)

// newLoopback serves srv on a random loopback port until the test ends and returns its URL.
func newLoopback(tb testing.TB, srv *http.Server) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	tb.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

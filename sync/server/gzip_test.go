package server_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"guichet/sync/protocol"
	"guichet/sync/store/sqlstore/sqltest"
)

// TestSync_Gzip (issue 13, point 5): sync answers are gzip-compressed for a client that accepts
// it, pushes may be sent compressed, and a compressed body is capped once inflated.
func TestSync_Gzip(t *testing.T) {
	sqltest.Run(t, func(t *testing.T) {
		e := newEnv(t)
		raw := &http.Client{Transport: &http.Transport{DisableCompression: true}} // sees the wire
		send := func(method, path, enc string, body []byte) (*http.Response, []byte) {
			t.Helper()
			req, _ := http.NewRequest(method, e.srv.URL+path, bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+e.demo.Keys.Cashier)
			req.Header.Set("Accept-Encoding", "gzip")
			if body != nil {
				req.Header.Set("Content-Type", "application/json")
			}
			if enc != "" {
				req.Header.Set("Content-Encoding", enc)
			}
			resp, err := raw.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp, b
		}
		resp, body := send("GET", "/sync/v1/venues/"+strconv.FormatInt(e.demo.Venue.ID, 10)+"/changes?since=0", "", nil)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("pull: %d, encoding %q", resp.StatusCode, resp.Header.Get("Content-Encoding"))
		}
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		plain, _ := io.ReadAll(zr)
		var ch protocol.Changes
		if err := json.Unmarshal(plain, &ch); err != nil || len(ch.Bookings) == 0 {
			t.Fatalf("inflated page: %v, %d bookings", err, len(ch.Bookings))
		}
		if len(body)*3 > len(plain) {
			t.Errorf("%d bytes on the wire for %d of JSON", len(body), len(plain))
		}

		gz := func(s string) []byte {
			var b bytes.Buffer
			w := gzip.NewWriter(&b)
			_, _ = w.Write([]byte(s))
			_ = w.Close()
			return b.Bytes()
		}
		push, _ := json.Marshal(protocol.PushRequest{Device: "d", Events: []protocol.ScanEvent{{Nonce: "gz-1",
			Token: e.demo.Tokens.Confirmed[0], Kind: "use", Mode: "online", ScannedAt: "2026-12-01T19:00:00Z"}}})
		if resp, body := send("POST", "/sync/v1/scans", "gzip", gz(string(push))); resp.StatusCode != 200 {
			t.Errorf("compressed push: %d %s", resp.StatusCode, body)
		}
		if resp, _ := send("POST", "/sync/v1/scans", "gzip", []byte("not gzip")); resp.StatusCode != 400 {
			t.Errorf("garbage gzip: %d", resp.StatusCode)
		}
		bomb := `{"device":"d","events":[],"pad":"` + strings.Repeat("a", 8<<20) + `"}`
		if resp, _ := send("POST", "/sync/v1/scans", "gzip", gz(bomb)); resp.StatusCode != 413 {
			t.Errorf("a body over the cap once inflated: %d, want 413", resp.StatusCode)
		}
	})
}

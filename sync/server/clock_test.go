package server_test

import (
	"encoding/json"
	"testing"
	"time"

	"guichet/sync/protocol"
	"guichet/sync/store/sqlstore/sqltest"
)

// TestPushScans_ClockSkew (issue 13, point 6): the push carries the device's clock reading; the
// server corrects offline scan times by the estimated skew, and within limits only.
func TestPushScans_ClockSkew(t *testing.T) {
	sqltest.Run(t, func(t *testing.T) {
		e := newEnv(t)
		push := func(nonce, token string, deviceNow time.Time, scannedAgo time.Duration) protocol.PushResponse {
			t.Helper()
			status, body := e.do("POST", "/sync/v1/scans", e.demo.Keys.Cashier, protocol.PushRequest{Device: "d",
				DeviceTime: protocol.Time(deviceNow), Events: []protocol.ScanEvent{{Nonce: nonce, Token: token, Kind: "use",
					Mode: "offline", ScannedAt: protocol.Time(deviceNow.Add(-scannedAgo)), LocalVerdict: "ADMITTED"}}})
			var out protocol.PushResponse
			if status != 200 || json.Unmarshal(body, &out) != nil {
				t.Fatalf("push: %d %s", status, body)
			}
			return out
		}
		now := time.Now()
		// A device 7 minutes behind, scan 2 minutes ago by its clock: 2 minutes ago by the server's.
		out := push("skew-1", e.demo.Tokens.Confirmed[0], now.Add(-7*time.Minute), 2*time.Minute)
		used := e.booking(e.demo.Tokens.Confirmed[0]).UsedAt
		if d := used.Sub(now.Add(-2 * time.Minute)); d.Abs() > 5*time.Second || !out.ClockCorrected ||
			out.ClockSkewMs == nil || (time.Duration(*out.ClockSkewMs)*time.Millisecond-7*time.Minute).Abs() > 5*time.Second {
			t.Errorf("used at %s (want about %s), response %+v", used, now.Add(-2*time.Minute), out)
		}
		// A device clock three days off is not trusted: the scan is taken at the time received.
		out = push("skew-2", e.demo.Tokens.Confirmed[1], now.Add(-72*time.Hour), 2*time.Minute)
		used = e.booking(e.demo.Tokens.Confirmed[1]).UsedAt
		if d := used.Sub(now); d.Abs() > 5*time.Second || out.ClockCorrected {
			t.Errorf("used at %s (want about %s), corrected %v", used, now, out.ClockCorrected)
		}
	})
}

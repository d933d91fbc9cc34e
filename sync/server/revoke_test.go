package server_test

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"guichet/app"
	"guichet/sync/protocol"
	"guichet/sync/store/sqlstore/sqltest"
)

// TestRevokeKey_Grace (issue 13, point 7): a manager revokes a counter's key with the grace
// they choose; the key's next call is refused with the end of that grace, which the counter
// uses to go on admitting offline until then.
func TestRevokeKey_Grace(t *testing.T) {
	sqltest.Run(t, func(t *testing.T) {
		e := newEnv(t)
		ctx := context.Background()
		clear, k, err := e.st.CreateAPIKey(ctx, e.demo.Venue.OffererID, app.RoleCashier, "Caisse 8")
		if err != nil {
			t.Fatal(err)
		}
		until := time.Now().Add(2 * time.Hour).UTC().Truncate(time.Second)
		status, body := e.do("DELETE", "/pro/v1/api-keys/"+strconv.FormatInt(k.ID, 10)+"?offlineUntil="+protocol.Time(until), e.demo.Keys.Manager, nil)
		if status != 204 {
			t.Fatalf("revoke: %d %s", status, body)
		}
		status, body = e.do("GET", "/sync/v1/me", clear, nil)
		var pe protocol.Error
		if status != 401 || json.Unmarshal(body, &pe) != nil || !protocol.ParseTime(pe.OfflineUntil).Equal(until) {
			t.Errorf("revoked key: %d %s, want offlineUntil %s", status, body, protocol.Time(until))
		}
		if status, _ := e.do("DELETE", "/pro/v1/api-keys/"+strconv.FormatInt(k.ID, 10)+"?offlineUntil=demain", e.demo.Keys.Manager, nil); status != 400 {
			t.Errorf("a bad grace: %d", status)
		}
	})
}

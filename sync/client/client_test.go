package client_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"guichet/app"
	"guichet/sync/client"
	"guichet/sync/protocol"
	"guichet/sync/server"
	"guichet/sync/store/sqlstore"
)

// TestClient_Errors checks what the counter sees when the server refuses or misbehaves.
func TestClient_Errors(t *testing.T) {
	ctx := context.Background()
	st, err := sqlstore.OpenSQLite(ctx, filepath.Join(t.TempDir(), "s.db"), sqlstore.Options{SyncNormal: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	o := &app.Offerer{SIREN: "443061841", Name: "Ciné"}
	if err := st.CreateOfferer(ctx, o); err != nil {
		t.Fatal(err)
	}
	key, _, err := st.CreateAPIKey(ctx, o.ID, app.RoleCashier, "Caisse")
	if err != nil {
		t.Fatal(err)
	}
	real := httptest.NewServer(server.New(st, server.Options{}))
	defer real.Close()
	calls := 0
	flaky := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		if calls < 3 {
			http.Error(w, "upstream down", http.StatusBadGateway)
			return
		}
		real.Config.Handler.ServeHTTP(w, r)
	}))
	defer flaky.Close()
	garbage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte("<html>portail captif</html>"))
	}))
	defer garbage.Close()
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select { // a valid answer, but too late for the fast timeout
		case <-time.After(3 * time.Second):
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"results":[{"nonce":"n","verdict":"ADMITTED","message":"Entrée validée"}]}`))
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()

	opts := client.Options{FastTimeout: 300 * time.Millisecond, Timeout: 2 * time.Second, Retries: 3}
	t.Run("OK", func(t *testing.T) {
		me, err := client.New(real.URL, key, "d", opts).Me(ctx)
		if err != nil || me.OffererName != "Ciné" || me.Role != "cashier" {
			t.Errorf("me: %+v %v", me, err)
		}
	})
	t.Run("wrong key", func(t *testing.T) {
		_, err := client.New(real.URL, "gk_wrong", "d", opts).Me(ctx)
		if app.ErrorCode(err) != app.EUNAUTHORIZED || app.ErrorMessage(err) == "" {
			t.Errorf("err %v", err)
		}
	})
	t.Run("5xx retried", func(t *testing.T) {
		if _, err := client.New(flaky.URL, key, "d", opts).Me(ctx); err != nil || calls != 3 {
			t.Errorf("err %v after %d calls", err, calls)
		}
	})
	t.Run("garbage", func(t *testing.T) {
		_, err := client.New(garbage.URL, key, "d", opts).Me(ctx)
		if app.ErrorCode(err) != app.EUNAVAILABLE {
			t.Errorf("err %v", err)
		}
	})
	t.Run("no server", func(t *testing.T) {
		_, err := client.New("http://127.0.0.1:1", key, "d", client.Options{Retries: -1}).Me(ctx)
		if app.ErrorCode(err) != app.EUNAVAILABLE {
			t.Errorf("err %v", err)
		}
	})
	t.Run("online validation times out fast", func(t *testing.T) {
		_, err := client.New(slow.URL, key, "d", opts).Validate(ctx, protocol.ScanEvent{Nonce: "n", Token: "ABC234", Kind: "use",
			Mode: "online", ScannedAt: protocol.Time(time.Now())})
		if app.ErrorCode(err) != app.EUNAVAILABLE {
			t.Errorf("the late answer must not be waited for: err %v", err)
		}
	})
	t.Run("bad event gets its own clear error", func(t *testing.T) {
		resp, err := client.New(real.URL, key, "d", opts).Push(ctx, protocol.PushRequest{Events: []protocol.ScanEvent{{Nonce: "", Token: "X", Kind: "use", Mode: "online"}}})
		if err != nil || resp.Results[0].Verdict != protocol.VerdictRejected || resp.Results[0].Error == nil ||
			resp.Results[0].Error.Code != app.EINVALID || resp.Results[0].Message == "" {
			t.Errorf("err %v, resp %+v", err, resp)
		}
	})
	t.Run("bad push is a clear error", func(t *testing.T) {
		_, err := client.New(real.URL, key, "", opts).Push(ctx, protocol.PushRequest{Events: []protocol.ScanEvent{{Nonce: "n", Token: "X", Kind: "use", Mode: "online"}}})
		if app.ErrorCode(err) != app.EINVALID || app.ErrorMessage(err) == "" {
			t.Errorf("err %v", err)
		}
	})
}

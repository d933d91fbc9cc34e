package client_test

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"guichet/app"
	"guichet/sync/client"
	"guichet/sync/server"
	"guichet/sync/store/sqlstore"
)

// A manager pairs a new counter with its own key, sees it listed, and revokes it: the counter
// is refused at once. A cashier can do none of it; another offerer's key is not found.
func TestClient_Keys(t *testing.T) {
	ctx := context.Background()
	st, err := sqlstore.OpenSQLite(ctx, filepath.Join(t.TempDir(), "s.db"), sqlstore.Options{SyncNormal: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	o := &app.Offerer{SIREN: "443061841", Name: "Ciné"}
	other := &app.Offerer{SIREN: "552032534", Name: "Autre"}
	for _, x := range []*app.Offerer{o, other} {
		if err := st.CreateOfferer(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	mgrKey, mgr, _ := st.CreateAPIKey(ctx, o.ID, app.RoleManager, "Direction")
	cashierKey, _, _ := st.CreateAPIKey(ctx, o.ID, app.RoleCashier, "Caisse 1")
	_, foreign, _ := st.CreateAPIKey(ctx, other.ID, app.RoleCashier, "Ailleurs")
	srv := httptest.NewServer(server.New(st, server.Options{}))
	defer srv.Close()
	m := client.New(srv.URL, mgrKey, "poste-direction", client.Options{Retries: -1})

	created, err := m.CreateKey(ctx, "Caisse 2")
	if err != nil || created.Key == "" || created.Role != "cashier" || created.Label != "Caisse 2" {
		t.Fatalf("CreateKey = %+v, %v", created, err)
	}
	counter := client.New(srv.URL, created.Key, "caisse-2", client.Options{Retries: -1})
	if me, err := counter.Me(ctx); err != nil || me.KeyLabel != "Caisse 2" {
		t.Fatalf("new key: %+v, %v", me, err)
	}
	keys, err := m.Keys(ctx)
	if err != nil || len(keys) != 3 {
		t.Fatalf("Keys = %+v, %v", keys, err)
	}
	for _, k := range keys {
		if k.Current != (k.ID == mgr.ID) || k.Prefix == "" || k.RevokedAt != "" {
			t.Errorf("key %+v", k)
		}
	}
	if err := m.RevokeKey(ctx, created.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := counter.Me(ctx); app.ErrorCode(err) != app.EUNAUTHORIZED {
		t.Errorf("revoked key still works: %v", err)
	}
	if err := m.RevokeKey(ctx, created.ID); err != nil {
		t.Errorf("revoking again: %v", err)
	}
	if keys, _ := m.Keys(ctx); len(keys) != 3 || keys[2].RevokedAt == "" {
		t.Errorf("after revocation: %+v", keys)
	}
	if err := m.RevokeKey(ctx, mgr.ID); app.ErrorCode(err) != app.ECONFLICT {
		t.Errorf("revoking one's own key: %v", err)
	}
	if err := m.RevokeKey(ctx, foreign.ID); app.ErrorCode(err) != app.ENOTFOUND {
		t.Errorf("revoking another offerer's key: %v", err)
	}
	if _, err := m.CreateKey(ctx, "Caisse\x003"); app.ErrorCode(err) != app.EINVALID {
		t.Errorf("label with NUL: %v", err)
	}
	c := client.New(srv.URL, cashierKey, "caisse-1", client.Options{Retries: -1})
	if _, err := c.Keys(ctx); app.ErrorCode(err) != app.EFORBIDDEN {
		t.Errorf("cashier lists keys: %v", err)
	}
	if _, err := c.CreateKey(ctx, "Caisse 9"); app.ErrorCode(err) != app.EFORBIDDEN {
		t.Errorf("cashier creates a key: %v", err)
	}
}

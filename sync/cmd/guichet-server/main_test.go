package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func runOK(t *testing.T, args ...string) []byte {
	t.Helper()
	var out, errb bytes.Buffer
	if err := run(context.Background(), args, &out, &errb); err != nil {
		t.Fatalf("%v: %v (%s)", args, err, errb.String())
	}
	return out.Bytes()
}

type demoOut struct {
	Venue struct {
		ID        int64
		SIRET     string
		OffererID int64
	}
	Keys struct {
		Manager, Cashier, OtherOfferer string
	}
	Tokens map[string][]string
}

func TestRun_Demo(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	var first, second demoOut
	if err := json.Unmarshal(runOK(t, "demo", "--db", db), &first); err != nil {
		t.Fatal(err)
	}
	for _, list := range []string{"confirmed", "used", "cancelled", "notYetConfirmed", "otherOfferer"} {
		if n := len(first.Tokens[list]); n < 5 {
			t.Errorf("tokens.%s has %d countermarks, want at least 5", list, n)
		}
	}
	if first.Venue.SIRET != "44306184100047" || !strings.HasPrefix(first.Keys.Cashier, "gk_") {
		t.Errorf("demo output %+v", first)
	}
	// Re-seeding replaces the demo: same shape, nothing duplicated, the old keys gone.
	if err := json.Unmarshal(runOK(t, "demo", "--db", db), &second); err != nil {
		t.Fatal(err)
	}
	var keys []map[string]any
	if err := json.Unmarshal(runOK(t, "key", "list", "--db", db, "--offerer", itoa(second.Venue.OffererID)), &keys); err != nil {
		t.Fatal(err)
	}
	// The main offerer has exactly its two demo keys after two seeds.
	if len(keys) != 2 {
		t.Errorf("%d keys after re-seeding, want 2", len(keys))
	}
	if second.Keys.Cashier == first.Keys.Cashier {
		t.Error("re-seeding kept the old cashier key")
	}
}

func itoa(n int64) string { return strings.TrimSpace(string(mustJSON(n))) }

func mustJSON(v any) []byte { b, _ := json.Marshal(v); return b }

func TestRun_Admin(t *testing.T) {
	db := filepath.Join(t.TempDir(), "admin.db")
	var errb bytes.Buffer
	err := run(context.Background(), []string{"offerer", "create", "--db", db, "--siren", "123456789", "--name", "X"}, &bytes.Buffer{}, &errb)
	if err == nil || !strings.Contains(err.Error(), "Le SIREN n'est pas valide.") {
		t.Errorf("invalid SIREN: %v", err)
	}
	var o struct{ ID int64 }
	_ = json.Unmarshal(runOK(t, "offerer", "create", "--db", db, "--siren", "443061841", "--name", "Ciné"), &o)
	err = run(context.Background(), []string{"venue", "create", "--db", db, "--offerer", itoa(o.ID), "--siret", "55203253400646",
		"--name", "V", "--address", "1 rue", "--department", "75", "--email", "a@b.fr"}, &bytes.Buffer{}, &errb)
	if err == nil || !strings.Contains(err.Error(), "SIREN de la structure") {
		t.Errorf("SIRET of another SIREN: %v", err)
	}
	var v struct{ Timezone string }
	_ = json.Unmarshal(runOK(t, "venue", "create", "--db", db, "--offerer", itoa(o.ID), "--siret", "44306184100047", "--name", "Ciné Réunion",
		"--address", "1 rue", "--department", "974", "--lat", "-21.1", "--lon", "55.5", "--email", "resa@cine.re"), &v)
	if v.Timezone != "Indian/Reunion" {
		t.Errorf("timezone %q", v.Timezone)
	}
	var k struct{ Key, Role string }
	_ = json.Unmarshal(runOK(t, "key", "create", "--db", db, "--offerer", itoa(o.ID), "--role", "cashier", "--label", "Caisse 1"), &k)
	if !strings.HasPrefix(k.Key, "gk_") || k.Role != "cashier" {
		t.Errorf("key %+v", k)
	}
	if err := run(context.Background(), []string{"frobnicate"}, &bytes.Buffer{}, &bytes.Buffer{}); err == nil {
		t.Error("unknown command accepted")
	}
}

// TestRun_Serve starts the real server on a port, uses it, and stops it gracefully.
func TestRun_Serve(t *testing.T) {
	db := filepath.Join(t.TempDir(), "serve.db")
	var d demoOut
	_ = json.Unmarshal(runOK(t, "demo", "--db", db), &d)
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var logs bytes.Buffer
	tokFile := filepath.Join(t.TempDir(), "metrics-token")
	if err := os.WriteFile(tokFile, []byte("tok-123\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	go func() {
		done <- run(ctx, []string{"serve", "--db", db, "--addr", addr, "--log-format", "json", "--metrics-token-file", tokFile},
			&bytes.Buffer{}, &syncWriter{w: &logs})
	}()
	var resp *http.Response
	var err error
	for i := 0; i < 100; i++ { // ready: listening and migrated (serve listens before migrating)
		if resp, err = http.Get("http://" + addr + "/readyz"); err == nil && resp.StatusCode == http.StatusOK {
			break
		} else if err == nil {
			resp.Body.Close()
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("server did not come up: %v", err)
	}
	resp.Body.Close()
	req, _ := http.NewRequest("PATCH", "http://"+addr+"/v2/bookings/use/token/"+d.Tokens["confirmed"][0], nil)
	req.Header.Set("Authorization", "Bearer "+d.Keys.Cashier)
	if resp, err = http.DefaultClient.Do(req); err != nil || resp.StatusCode != 204 {
		t.Fatalf("use: %v %v", err, resp)
	}
	resp.Body.Close()
	for cred, want := range map[string]int{"": 401, "Bearer tok-1234": 401, "bearer tok-123": 200} {
		req, _ := http.NewRequest("GET", "http://"+addr+"/metrics", nil)
		if cred != "" {
			req.Header.Set("Authorization", cred)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("/metrics with %q: %d, want %d", cred, resp.StatusCode, want)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("shutdown: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("server did not stop")
	}
	if !strings.Contains(logs.String(), `"route":"PATCH /v2/bookings/use/token/{token}"`) || strings.Contains(logs.String(), d.Keys.Cashier) {
		t.Errorf("logs should name the route and never the key:\n%s", logs.String())
	}
}

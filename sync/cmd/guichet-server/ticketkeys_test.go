package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
)

// TestRun_TicketKeys: rotate gives a venue a key, list shows it valid (public half only),
// retire ends it now; an unknown venue or key is an error.
func TestRun_TicketKeys(t *testing.T) {
	db := filepath.Join(t.TempDir(), "g.db")
	var d demoOut
	if err := json.Unmarshal(runOK(t, "demo", "--db", db), &d); err != nil {
		t.Fatal(err)
	}
	venue := fmt.Sprint(d.Venue.ID)
	var k struct{ ID int64 }
	if err := json.Unmarshal(runOK(t, "ticket-keys", "rotate", "--db", db, "--venue", venue, "--valid", "720h"), &k); err != nil || k.ID == 0 {
		t.Fatalf("rotate: %+v %v", k, err)
	}
	type listed struct {
		ID        int64
		PublicKey string
		ValidNow  bool
	}
	list := func() []listed {
		var ks []listed
		out := runOK(t, "ticket-keys", "list", "--db", db, "--venue", venue)
		if err := json.Unmarshal(out, &ks); err != nil || bytes.Contains(bytes.ToLower(out), []byte("private")) {
			t.Fatalf("list: %s %v", out, err)
		}
		return ks
	}
	if ks := list(); len(ks) != 1 || ks[0].ID != k.ID || !ks[0].ValidNow || len(ks[0].PublicKey) != 44 {
		t.Fatalf("after rotate: %+v", ks)
	}
	runOK(t, "ticket-keys", "retire", "--db", db, "--id", fmt.Sprint(k.ID))
	if ks := list(); len(ks) != 1 || ks[0].ValidNow {
		t.Errorf("after retire: %+v", ks)
	}
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"ticket-keys", "retire", "--db", db, "--id", "999"}, &out, &errb); err == nil {
		t.Error("retired an unknown key")
	}
	if err := run(context.Background(), []string{"ticket-keys", "rotate", "--db", db, "--venue", "999"}, &out, &errb); err == nil {
		t.Error("rotated an unknown venue's key")
	}
}

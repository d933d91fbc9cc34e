package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strconv"
	"testing"

	"guichet/sync/store/sqlstore"
)

// TestRun_LANSecretRotate: `lan-secret rotate` gives the venue a new LAN secret; a missing
// venue is a usage error.
func TestRun_LANSecretRotate(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "g.db")
	var d demoOut
	if err := json.Unmarshal(runOK(t, "demo", "--db", db), &d); err != nil {
		t.Fatal(err)
	}
	secret := func() string {
		st, err := sqlstore.OpenSQLite(ctx, db, sqlstore.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		s, err := st.LANSecret(ctx, d.Venue.OffererID, d.Venue.ID)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	before := secret()
	runOK(t, "lan-secret", "rotate", "--db", db, "--venue", strconv.FormatInt(d.Venue.ID, 10))
	if after := secret(); after == before || len(after) != 64 {
		t.Errorf("secret %q, then %q", before, after)
	}
	var out, errOut bytes.Buffer
	err := run(ctx, []string{"lan-secret", "rotate", "--db", db}, &out, &errOut)
	if _, usage := err.(usageError); !usage {
		t.Errorf("rotate without --venue: %v, want a usage error", err)
	}
}

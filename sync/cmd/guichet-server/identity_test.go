package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"guichet/sync/store/sqlstore"
)

// TestRun_NewIdentity: after a restore, "db new-identity" gives the database another identity,
// which every page of changes carries (so counters download their copy again).
func TestRun_NewIdentity(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "g.db")
	var d demoOut
	if err := json.Unmarshal(runOK(t, "demo", "--db", db), &d); err != nil {
		t.Fatal(err)
	}
	identity := func() string {
		st, err := sqlstore.OpenSQLite(ctx, db, sqlstore.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		ch, err := st.Changes(ctx, d.Venue.OffererID, d.Venue.ID, 0, 1)
		if err != nil {
			t.Fatal(err)
		}
		return ch.Database
	}
	before := identity()
	runOK(t, "db", "new-identity", "--db", db)
	if after := identity(); before == "" || after == "" || after == before {
		t.Errorf("identity %q, then %q", before, after)
	}
}

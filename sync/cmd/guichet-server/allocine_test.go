package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRun_AllocineImport(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "demo.db")
	var d demoOut
	if err := json.Unmarshal(runOK(t, "demo", "--db", db), &d); err != nil {
		t.Fatal(err)
	}
	feed := "../../../app/allocine/testdata/feed.json"
	type report struct {
		Offers, Stocks struct{ Created, Updated int }
		Skipped        []map[string]string
		Invalid        []map[string]string
		Error          string
	}
	for _, tc := range []struct {
		name                         string
		offersCreated, stocksCreated int
	}{{"first import", 4, 7}, {"same feed again: nothing", 0, 0}} {
		t.Run(tc.name, func(t *testing.T) {
			var r report
			if err := json.Unmarshal(runOK(t, "allocine", "import", "--db", db, "--venue", itoa(d.Venue.ID), "--file", feed), &r); err != nil {
				t.Fatal(err)
			}
			if r.Offers.Created != tc.offersCreated || r.Stocks.Created != tc.stocksCreated || r.Offers.Updated+r.Stocks.Updated != 0 ||
				len(r.Skipped) != 5 || len(r.Invalid) != 3 {
				t.Errorf("report = %+v", r)
			}
		})
	}
	t.Run("malformed feed fails and says why", func(t *testing.T) {
		bad := filepath.Join(dir, "bad.json")
		if err := os.WriteFile(bad, []byte(`{"movieShowtimeList": [`), 0o644); err != nil {
			t.Fatal(err)
		}
		var out, errb bytes.Buffer
		err := run(context.Background(), []string{"allocine", "import", "--db", db, "--venue", itoa(d.Venue.ID), "--file", bad}, &out, &errb)
		var r report
		if err == nil || !strings.Contains(err.Error(), "rien n'a été modifié") || json.Unmarshal(out.Bytes(), &r) != nil || r.Error == "" {
			t.Fatalf("err = %v, out = %s", err, out.String())
		}
	})
	t.Run("no token and no file: refused, says why", func(t *testing.T) {
		t.Setenv("GUICHET_ALLOCINE_TOKEN", "")
		var out, errb bytes.Buffer
		err := run(context.Background(), []string{"allocine", "import", "--db", db, "--venue", itoa(d.Venue.ID)}, &out, &errb)
		if err == nil || !strings.Contains(out.String(), "aucun jeton") {
			t.Fatalf("err = %v, out = %s", err, out.String())
		}
	})
	t.Run("venue is required", func(t *testing.T) {
		var out, errb bytes.Buffer
		if err := run(context.Background(), []string{"allocine", "import", "--db", db}, &out, &errb); err == nil {
			t.Fatal("no error without --venue")
		}
	})
}

package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"guichet/app"
	"guichet/sync/store"
	"guichet/sync/store/sqlstore"
)

var camelKey = regexp.MustCompile(`^[a-z][a-zA-Z0-9]*$`)

// camelKeys reports the keys of a JSON document that are not camelCase, with their path.
func camelKeys(v any, path string, bad *[]string) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if !camelKey.MatchString(k) {
				*bad = append(*bad, path+"."+k)
			}
			camelKeys(e, path+"."+k, bad)
		}
	case []any:
		for _, e := range x {
			camelKeys(e, path+"[]", bad)
		}
	}
}

// TestRun_JSONIsCamelCase runs every command that prints JSON and checks that all its keys are
// camelCase, like the API's; each output is also checked not to be empty.
func TestRun_JSONIsCamelCase(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	var d demoOut
	demo := runOK(t, "demo", "--db", db)
	if err := json.Unmarshal(demo, &d); err != nil {
		t.Fatal(err)
	}
	off, venue := itoa(d.Venue.OffererID), itoa(d.Venue.ID)
	var acc struct{ ID int64 }
	accOut := runOK(t, "bank-account", "add", "--db", db, "--offerer", off, "--label", "Compte", "--iban", "FR7630006000011234567890189",
		"--bic", "AGRIFRPP", "--venues", venue)
	if err := json.Unmarshal(accOut, &acc); err != nil {
		t.Fatal(err)
	}
	runOK(t, "bank-account", "accept", "--db", db, "--id", itoa(acc.ID))
	paris, _ := time.LoadLocation(app.DefaultTimezone)
	past := app.LastPaymentDay(time.Now(), paris).Format(time.DateOnly)
	outputs := map[string][]byte{
		"demo":              demo,
		"bank-account add":  accOut,
		"offerer create":    runOK(t, "offerer", "create", "--db", db, "--siren", "732829320", "--name", "Autre"),
		"key list":          runOK(t, "key", "list", "--db", db, "--offerer", off),
		"key create":        runOK(t, "key", "create", "--db", db, "--offerer", off, "--role", "cashier", "--label", "Caisse 9"),
		"jobs auto-use":     runOK(t, "jobs", "auto-use", "--db", db),
		"payouts price":     runOK(t, "payouts", "price", "--db", db),
		"payouts cut":       runOK(t, "payouts", "cut", "--db", db, "--date", past),
		"bank-account list": runOK(t, "bank-account", "list", "--db", db, "--offerer", off),
		"beneficiary create": runOK(t, "beneficiary", "create", "--db", db, "--email", "camel@example.org", "--first-name", "C",
			"--last-name", "Case", "--birth-date", "2008-03-04", "--password", "x"),
		"allocine import": runOK(t, "allocine", "import", "--db", db, "--venue", venue, "--file", "../../../app/allocine/testdata/feed.json"),
	}
	paidStatement(t, db, d.Venue.ID)
	outputs["payouts statements"] = runOK(t, "payouts", "statements", "--db", db)
	var statements []map[string]any
	if err := json.Unmarshal(outputs["payouts statements"], &statements); err != nil || len(statements) == 0 {
		t.Fatalf("payouts statements printed no statement (%v): %s", err, outputs["payouts statements"])
	}
	for cmd, out := range outputs {
		var v any
		if err := json.Unmarshal(out, &v); err != nil || v == nil {
			t.Errorf("%s: not JSON (%v): %s", cmd, err, out)
			continue
		}
		var bad []string
		camelKeys(v, "", &bad)
		if len(bad) > 0 {
			t.Errorf("%s: keys not in camelCase: %v", cmd, bad)
		}
	}
}

// paidStatement books, validates and pays (in the cut before the last one, which the test ran
// already) a showtime of the demo venue, through the store with the times of then, so that
// `payouts statements` has one to print.
func paidStatement(t *testing.T, db string, venueID int64) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlstore.Open(ctx, db, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	paris, _ := time.LoadLocation(app.DefaultTimezone)
	now := time.Now()
	day := app.LastPaymentDay(app.LastPaymentDay(now, paris).Add(-time.Hour), paris)
	offers, err := st.ListOffers(ctx, venueID)
	if err != nil || len(offers) == 0 {
		t.Fatalf("demo offers: %v", err)
	}
	show := &app.Stock{OfferID: offers[0].ID, StartsAt: day.AddDate(0, 0, -5), PriceCents: 750}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(st.CreateStock(ctx, show))
	ben := &app.Beneficiary{Email: "payee@example.org", FirstName: "P", LastName: "Aid", DateOfBirth: time.Date(2008, 1, 1, 0, 0, 0, 0, time.UTC),
		CreatedAt: show.StartsAt.AddDate(0, 0, -30)}
	must(st.CreateBeneficiary(ctx, ben))
	b, err := st.CreateBooking(ctx, store.BookingRequest{BeneficiaryID: ben.ID, StockID: show.ID, Quantity: 1}, show.StartsAt.AddDate(0, 0, -3))
	must(err)
	out, err := st.UseBooking(ctx, b.OffererID, b.Token, store.Validator{}, show.StartsAt.Add(time.Hour))
	if err != nil || !out.OK() {
		t.Fatalf("use: %+v %v", out, err)
	}
	_, err = st.PricePending(ctx, now)
	must(err)
	_, err = st.RunPaymentCut(ctx, day, now)
	must(err)
}

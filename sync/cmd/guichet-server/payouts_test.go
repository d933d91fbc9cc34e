package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"guichet/app"
)

func runErr(t *testing.T, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, &out, &errb)
	if err == nil {
		t.Fatalf("%v succeeded: %s", args, out.String())
	}
	return err.Error()
}

func TestRun_Payouts(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	var d demoOut
	if err := json.Unmarshal(runOK(t, "demo", "--db", db), &d); err != nil {
		t.Fatal(err)
	}
	off := itoa(d.Venue.OffererID)
	if msg := runErr(t, "bank-account", "add", "--db", db, "--offerer", off, "--label", "Compte", "--iban", "FR76 3000 6000 0112 3456 7890 18",
		"--bic", "AGRIFRPP"); msg != "Un IBAN FR doit comporter 27 caractères (il en a 26)." {
		t.Errorf("invalid IBAN: %q", msg)
	}
	var acc struct {
		ID     int64
		IBAN   string
		Status string
	}
	_ = json.Unmarshal(runOK(t, "bank-account", "add", "--db", db, "--offerer", off, "--label", "Compte courant",
		"--iban", "FR7630006000011234567890189", "--bic", "AGRIFRPP", "--venues", itoa(d.Venue.ID)), &acc)
	if acc.Status != app.BankPending || acc.IBAN != "FR76 3000 6000 0112 3456 7890 189" {
		t.Errorf("account %+v", acc)
	}
	runOK(t, "bank-account", "accept", "--db", db, "--id", itoa(acc.ID))
	if !strings.Contains(string(runOK(t, "bank-account", "list", "--db", db, "--offerer", off)), `"status": "accepted"`) {
		t.Error("account not accepted")
	}
	var priced map[string]any
	_ = json.Unmarshal(runOK(t, "payouts", "price", "--db", db), &priced)
	if _, ok := priced["priced"]; !ok {
		t.Errorf("price: %v", priced)
	}

	paris, _ := time.LoadLocation(app.DefaultTimezone)
	future := app.NextPaymentDay(time.Now(), paris).Format(time.DateOnly)
	if msg := runErr(t, "payouts", "cut", "--db", db, "--date", future); msg != "Impossible de lancer un paiement pour une date future." {
		t.Errorf("future cut: %q", msg)
	}
	if msg := runErr(t, "payouts", "cut", "--db", db, "--date", "2026-01-10"); !strings.Contains(msg, "1er et le 16") {
		t.Errorf("not a payment day: %q", msg)
	}
	past := app.LastPaymentDay(time.Now(), paris).Format(time.DateOnly)
	var rep struct {
		Day         string
		Batch       string
		AlreadyDone bool
	}
	_ = json.Unmarshal(runOK(t, "payouts", "cut", "--db", db, "--date", past), &rep)
	if rep.Day != past || rep.Batch != "VIR1" || rep.AlreadyDone {
		t.Errorf("cut: %+v", rep)
	}
	_ = json.Unmarshal(runOK(t, "payouts", "cut", "--db", db, "--date", past), &rep)
	if !rep.AlreadyDone || rep.Batch != "VIR1" {
		t.Errorf("second cut: %+v", rep)
	}
	if msg := runErr(t, "payouts", "statement", "--db", db, "--ref", "F260000042", "--format", "pdf"); msg != "Justificatif F260000042 introuvable." {
		t.Errorf("unknown ref: %q", msg)
	}
}

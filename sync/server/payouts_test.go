package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"guichet/sync/store/sqlstore/sqltest"
	"net/http"
	"strings"
	"testing"

	"guichet/app"
	"guichet/sync/client"
	"guichet/sync/protocol"
)

func TestPayouts_BankAccountsAndStatements(t *testing.T) {
	sqltest.Run(t, func(t *testing.T) {
		e := newEnv(t)
		ctx := context.Background()
		mgr, cashier := e.demo.Keys.Manager, e.demo.Keys.Cashier

		code, body := e.do("POST", "/pro/v1/bank-accounts", mgr, protocol.BankAccountInput{Label: "Compte", IBAN: "FR76 3000 6000 0112 3456 7890 188", BIC: "AGRIFRPP"})
		if code != http.StatusBadRequest || !strings.Contains(string(body), "clé de contrôle incorrecte") || !strings.Contains(string(body), `"field":"iban"`) {
			t.Errorf("invalid IBAN: %d %s", code, body)
		}
		if code, _ := e.do("POST", "/pro/v1/bank-accounts", cashier, protocol.BankAccountInput{Label: "C", IBAN: "FR7630006000011234567890189", BIC: "AGRIFRPP"}); code != http.StatusForbidden {
			t.Errorf("cashier creates an account: %d", code)
		}
		code, body = e.do("POST", "/pro/v1/bank-accounts", mgr, protocol.BankAccountInput{Label: "Compte courant",
			IBAN: "fr76 3000 6000 0112 3456 7890 189", BIC: "agrifrpp", VenueIDs: []int64{e.demo.Venue.ID}})
		if code != http.StatusCreated {
			t.Fatalf("create: %d %s", code, body)
		}
		var acc protocol.BankAccount
		_ = json.Unmarshal(body, &acc)
		if acc.IBAN != "FR76 3000 6000 0112 3456 7890 189" || acc.Status != app.BankPending {
			t.Errorf("created %+v", acc)
		}
		code, body = e.do("GET", "/pro/v1/bank-accounts", cashier, nil)
		if code != http.StatusOK || !strings.Contains(string(body), `"iban":"FR76 **** **** 0189"`) {
			t.Errorf("cashier sees %d %s", code, body)
		}
		if code, body := e.do("GET", "/pro/v1/bank-accounts", e.demo.Keys.OtherOfferer, nil); code != http.StatusOK || string(bytes.TrimSpace(body)) != "[]" {
			t.Errorf("other offerer sees %d %s", code, body)
		}
		if err := e.st.SetBankAccountStatus(ctx, acc.ID, app.BankAccepted, e.now); err != nil {
			t.Fatal(err)
		}

		code, body = e.do("GET", "/pro/v1/payouts", mgr, nil)
		var p protocol.Payouts
		if err := json.Unmarshal(body, &p); code != http.StatusOK || err != nil || len(p.Venues) == 0 || len(p.Thresholds) != 3 {
			t.Errorf("payouts: %d %s", code, body)
		}

		// A cut a few weeks ahead pays the demo's used bookings.
		day := app.NextPaymentDay(e.now.AddDate(0, 0, 3), e.paris)
		rep, err := e.st.RunPaymentCut(ctx, day, day.Add(9*3600e9))
		if err != nil || len(rep.Statements) != 1 {
			t.Fatalf("cut: %+v %v", rep, err)
		}
		ref := rep.Statements[0].Reference
		code, body = e.do("GET", "/pro/v1/statements", mgr, nil)
		if code != http.StatusOK || !strings.Contains(string(body), ref) || !strings.Contains(string(body), "FR76 **** **** 0189") {
			t.Errorf("statements: %d %s", code, body)
		}
		code, body = e.do("GET", "/pro/v1/statements/"+ref+"/pdf", mgr, nil)
		if code != http.StatusOK || !bytes.HasPrefix(body, []byte("%PDF-")) {
			t.Errorf("pdf: %d %.20q", code, body)
		}
		code, body = e.do("GET", "/pro/v1/statements/"+ref+"/csv", mgr, nil)
		if code != http.StatusOK || !bytes.HasPrefix(body, []byte("\uFEFF\"Réservations concernées par le remboursement\";")) {
			t.Errorf("csv: %d %.60q", code, body)
		}
		if code, _ := e.do("GET", "/pro/v1/statements/"+ref+"/csv", cashier, nil); code != http.StatusForbidden {
			t.Errorf("cashier csv: %d", code)
		}
		if code, _ := e.do("GET", "/pro/v1/statements/"+ref+"/pdf", e.demo.Keys.OtherOfferer, nil); code != http.StatusNotFound {
			t.Errorf("another offerer's statement: %d", code)
		}
		if code, body := e.do("GET", "/pro/v1/statements/F269999999/pdf", mgr, nil); code != http.StatusNotFound || !strings.Contains(string(body), "introuvable") {
			t.Errorf("unknown ref: %d %s", code, body)
		}
		if code, _ := e.do("GET", "/pro/v1/statements/nope/pdf", mgr, nil); code != http.StatusBadRequest {
			t.Errorf("malformed ref: %d", code)
		}

		// The counter app's client of these routes.
		c := client.New(e.srv.URL, mgr, "test-device", client.Options{Retries: -1})
		if p, err := c.Payouts(ctx); err != nil || len(p.Venues) == 0 {
			t.Errorf("client payouts: %+v %v", p, err)
		}
		if list, err := c.Statements(ctx); err != nil || len(list) != 1 || list[0].Reference != ref || list[0].IBANMasked != "FR76 **** **** 0189" {
			t.Errorf("client statements: %+v %v", list, err)
		}
		if pdf, err := c.StatementFile(ctx, ref, "pdf"); err != nil || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
			t.Errorf("client pdf: %v", err)
		}
		if _, err := c.StatementFile(ctx, "F269999999", "csv"); app.ErrorCode(err) != app.ENOTFOUND || app.ErrorMessage(err) != "Justificatif F269999999 introuvable." {
			t.Errorf("client unknown ref: %v", err)
		}
		cashierClient := client.New(e.srv.URL, cashier, "test-device", client.Options{Retries: -1})
		if _, err := cashierClient.Payouts(ctx); app.ErrorCode(err) != app.EFORBIDDEN {
			t.Errorf("cashier client payouts: %v", err)
		}
	})
}

package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"guichet/sync/demo"
	"guichet/sync/server"
	"guichet/sync/store/sqlstore"
)

// fuzzServer is the demo served by the handler itself (no network), limits off.
func fuzzServer(f *testing.F) (http.Handler, *demo.Result, map[string]string) {
	ctx := context.Background()
	st, err := sqlstore.OpenSQLite(ctx, filepath.Join(f.TempDir(), "fuzz.db"), sqlstore.Options{SyncNormal: true})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	paris, _ := time.LoadLocation("Europe/Paris")
	d, err := demo.Seed(ctx, st, time.Now(), paris)
	if err != nil {
		f.Fatal(err)
	}
	offers, _ := st.ListOffers(ctx, d.Venue.ID)
	stocks, _ := st.ListStocks(ctx, offers[0].ID)
	ids := map[string]string{"{venueId}": itoa(d.Venue.ID), "{offerId}": itoa(offers[0].ID), "{stockId}": itoa(stocks[0].ID)}
	return server.New(st, server.Options{Limits: &server.Limits{}}), d, ids
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

// checkAnswer fails on a 5xx or an error answered without a JSON body.
func checkAnswer(t *testing.T, what string, rec *httptest.ResponseRecorder) {
	t.Helper()
	if rec.Code >= 500 {
		t.Fatalf("%s: %d %s", what, rec.Code, rec.Body.Bytes())
	}
	if rec.Code >= 400 && !json.Valid(rec.Body.Bytes()) {
		t.Fatalf("%s: %d without a JSON body: %q", what, rec.Code, rec.Body.Bytes())
	}
}

// FuzzProBodies sends arbitrary JSON bodies to the pro API's and the sync API's write routes
// with a manager key: never a 5xx, every refusal a JSON error.
func FuzzProBodies(f *testing.F) {
	for _, seed := range append([]string{
		`{"name":"La Haine","version":"VF"}`, `{"startsAt":"2030-01-01T20:00:00Z","priceCents":500,"priceLabel":"Plein tarif"}`,
		`{"label":"Compte","iban":"FR7630006000011234567890189","bic":"AGRIFRPP","venueIds":[1]}`, `{"label":"Caisse 2"}`,
		`{"device":"d","events":[{"nonce":"n","token":"ABCDEF","kind":"use","mode":"online","scannedAt":"2026-01-01T00:00:00Z"}]}`,
		`{"theaterId":"C0159","priceCents":500,"capacity":null,"duo":true,"active":true}`, `{"capacity":{"a":1}}`,
	}, func() []string {
		var out []string
		for _, b := range badBodies {
			out = append(out, b)
		}
		return out
	}()...) {
		f.Add(seed)
	}
	h, d, ids := fuzzServer(f)
	routes := []string{"POST /pro/v1/venues/{venueId}/offers", "PATCH /pro/v1/offers/{offerId}", "POST /pro/v1/offers/{offerId}/stocks",
		"PATCH /pro/v1/stocks/{stockId}", "POST /pro/v1/bank-accounts", "PUT /pro/v1/venues/{venueId}/bank-account",
		"PUT /pro/v1/venues/{venueId}/allocine", "POST /sync/v1/scans", "POST /pro/v1/api-keys"}
	f.Fuzz(func(t *testing.T, body string) {
		for _, route := range routes {
			method, path, _ := strings.Cut(route, " ")
			for k, v := range ids {
				path = strings.ReplaceAll(path, k, v)
			}
			req := httptest.NewRequest(method, path, strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+d.Keys.Manager)
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			checkAnswer(t, route, rec)
		}
	})
}

// FuzzRequestLine sends arbitrary paths, methods and Authorization headers: never a 5xx,
// never a redirect, every refusal a JSON error.
func FuzzRequestLine(f *testing.F) {
	h, d, _ := fuzzServer(f)
	for _, seed := range [][3]string{
		{"GET", "/v2/bookings/token/ABCDEF", "Bearer " + d.Keys.Cashier}, {"PATCH", "/v2/bookings/use/token/%00", "bearer x"},
		{"GET", "/pro/v1/venues/0", "Bearer " + d.Keys.Manager}, {"GET", "//pro/../v1/venues/", "Basic abc"},
		{"DELETE", "/pro/v1/api-keys/-1", "Bearer " + d.Keys.Manager}, {"GET", "/pro/v1/statements/F26%2F1/pdf", "Bearer " + d.Keys.Manager},
		{"GET", "/native/v1/offers?latitude=1e400&longitude=NaN&page=-1", ""}, {"GET", "/sync/v1/venues/1/changes?since=-5&limit=0", "BEARER  " + d.Keys.Cashier},
	} {
		f.Add(seed[0], seed[1], seed[2])
	}
	f.Fuzz(func(t *testing.T, method, path, auth string) {
		req, err := http.NewRequest(method, "http://guichet.test"+path, nil)
		if err != nil || req.URL.Path == "" {
			return // not a request a client could send
		}
		req.Header.Set("Authorization", auth)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		checkAnswer(t, method+" "+path, rec)
		if rec.Code >= 300 && rec.Code < 400 {
			t.Fatalf("%s %s: redirect %d to %s", method, path, rec.Code, rec.Header().Get("Location"))
		}
	})
}

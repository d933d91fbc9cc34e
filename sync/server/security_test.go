package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"guichet/app"
	"guichet/sync/importer"
	"guichet/sync/protocol"
	"guichet/sync/server"
)

// publicRoutes need no credentials.
var publicRoutes = map[string]bool{
	"GET /healthz": true, "GET /readyz": true, "GET /metrics": true, "GET /openapi.json": true, "POST /native/v1/signin": true, "GET /native/v1/offers": true,
}

// nativeRoutes take a beneficiary's sign-in token, not an API key.
func nativeRoute(route string) bool {
	return strings.Contains(route, " /native/v1/") && !publicRoutes[route]
}

// managerRoutes are refused to cashier keys.
func managerRoute(route string) bool {
	method, path, _ := strings.Cut(route, " ")
	switch {
	case strings.HasPrefix(path, "/pro/v1/api-keys"), strings.Contains(path, "/allocine"), path == "/pro/v1/payouts",
		strings.HasPrefix(path, "/pro/v1/statements"), strings.HasSuffix(path, "/image"), strings.HasSuffix(path, "/bank-account"):
		return true
	case strings.HasPrefix(path, "/pro/v1/") && method != "GET":
		return true
	}
	return false
}

// credential is one way of calling the API.
type credential struct {
	name   string
	header string // the Authorization header ("" for none)
}

// securityEnv is the demo with a revoked key, a beneficiary's token and ids to fill paths.
type securityEnv struct {
	*env
	creds []credential
	ids   map[string]string // path parameter → a value of the demo's offerer
}

func newSecurityEnv(t *testing.T) *securityEnv {
	e := newEnvOpts(t, server.Options{Limits: &server.Limits{}})
	// An importer whose feed fails: the import route answers with the failed run's report.
	e.srv.Config.Handler = server.New(e.st, server.Options{Limits: &server.Limits{},
		Imports: &importer.Importer{Store: e.st, Source: &feedSource{}}})
	ctx := context.Background()
	d := e.demo
	o, err := e.st.FindOffererBySIREN(ctx, "443061841")
	if err != nil {
		t.Fatal(err)
	}
	revoked, rk, err := e.st.CreateAPIKey(ctx, o.ID, app.RoleManager, "Ancienne clé")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.st.RevokeAPIKey(ctx, rk.ID); err != nil {
		t.Fatal(err)
	}
	_, body := e.send("POST", "/native/v1/signin", "", signinBody(d.Beneficiaries[0].Email, d.Beneficiaries[0].Password))
	var tok protocol.Signin
	if err := json.Unmarshal(body, &tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("signin: %s", body)
	}
	offers, _ := e.st.ListOffers(ctx, d.Venue.ID)
	stocks, _ := e.st.ListStocks(ctx, offers[0].ID)
	b := e.booking(d.Tokens.Confirmed[0])
	keys, _ := e.st.ListAPIKeys(ctx, o.ID)
	return &securityEnv{env: e,
		creds: []credential{
			{"none", ""}, {"garbage", "Bearer not-a-key"}, {"basic", "Basic " + d.Keys.Manager},
			{"revoked", "Bearer " + revoked}, {"beneficiary", "Bearer " + tok.AccessToken},
			{"cashier", "Bearer " + d.Keys.Cashier}, {"manager", "Bearer " + d.Keys.Manager},
			{"other offerer", "Bearer " + d.Keys.OtherOfferer}, {"lowercase manager", "bearer " + d.Keys.Manager},
		},
		ids: map[string]string{"venueId": fmt.Sprint(d.Venue.ID), "offerId": fmt.Sprint(offers[0].ID),
			"stockId": fmt.Sprint(stocks[0].ID), "bookingId": fmt.Sprint(b.ID), "token": b.Token, "conflictId": "1",
			"ref": "F260000001", "keyId": fmt.Sprint(keys[len(keys)-1].ID)},
	}
}

// fill replaces a route's path parameters with the demo's ids.
func (s *securityEnv) fill(path string) string {
	for k, v := range s.ids {
		path = strings.ReplaceAll(path, "{"+k+"}", v)
	}
	return path
}

func (s *securityEnv) call(method, path, auth string, body io.Reader) (int, []byte, http.Header) {
	s.t.Helper()
	req, err := http.NewRequest(method, s.srv.URL+path, body)
	if err != nil {
		s.t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out, resp.Header
}

// TestSecurity_Matrix calls every route with every credential and checks who gets in: no
// credential or a bad one gets 401 (JSON, WWW-Authenticate), a cashier gets 403 on manager
// routes, another offerer's key never gets a 2xx on this offerer's resources, and nothing
// answers 5xx.
func TestSecurity_Matrix(t *testing.T) {
	s := newSecurityEnv(t)
	routes := server.New(s.st, server.Options{}).Routes()
	if len(routes) < 40 {
		t.Fatalf("only %d routes", len(routes))
	}
	for _, route := range routes {
		method, pattern, _ := strings.Cut(route, " ")
		path := s.fill(pattern)
		for _, c := range s.creds {
			var body io.Reader
			if method == "POST" || method == "PUT" || method == "PATCH" && !strings.Contains(pattern, "{token}") {
				body = strings.NewReader("{}")
			}
			status, out, hdr := s.call(method, path, c.header, body)
			what := fmt.Sprintf("%s as %s: %d %.200s", route, c.name, status, out)
			if status >= 500 {
				t.Errorf("%s", what)
				continue
			}
			if status == 401 && route != "POST /native/v1/signin" && (hdr.Get("WWW-Authenticate") == "" || !json.Valid(out)) {
				t.Errorf("%s: 401 without WWW-Authenticate or JSON", what)
			}
			switch {
			case route == "POST /native/v1/signin":
				if status != 401 || !json.Valid(out) { // an empty object: no such account
					t.Errorf("%s, want 401", what)
				}
			case publicRoutes[route]:
				if status == 401 || status == 403 {
					t.Errorf("public %s", what)
				}
			case nativeRoute(route):
				if (c.name == "beneficiary") == (status == 401) {
					t.Errorf("native %s", what)
				}
			case c.name == "none" || c.name == "garbage" || c.name == "basic" || c.name == "revoked" || c.name == "beneficiary":
				if status != 401 {
					t.Errorf("%s, want 401", what)
				}
			case c.name == "cashier" && managerRoute(route):
				if status != 403 {
					t.Errorf("%s, want 403", what)
				}
			case c.name == "other offerer":
				if status < 400 && strings.Contains(pattern, "{") {
					t.Errorf("%s: another offerer reached this offerer's resource", what)
				}
			}
		}
	}
}

// badBodies are request bodies that must be refused with a 4xx JSON error naming the field
// when there is one, on every route that takes a body.
var badBodies = map[string]string{
	"NUL in a name":        `{"name":"La\u0000Haine","label":"Caisse\u0000","email":"a\u0000@b.c","password":"x","device":"d\u0000","events":[]}`,
	"control character":    `{"name":"La\u001bHaine","label":"\u0007","email":"\u0008","password":"\u0001","device":"\u001b[31m","events":[]}`,
	"line break in a name": `{"name":"La\nHaine","label":"Caisse\n1","email":"a\n@b.c","password":"x","device":"a\nb","events":[]}`,
	"huge strings": `{"name":"` + strings.Repeat("x", 20000) + `","label":"` + strings.Repeat("x", 20000) + `","email":"` +
		strings.Repeat("x", 20000) + `","password":"x","device":"` + strings.Repeat("x", 20000) + `","events":[]}`,
	"invalid UTF-8":      "{\"name\":\"\xff\xfe\",\"label\":\"\xff\",\"email\":\"\xff\",\"password\":\"\xff\",\"device\":\"\xff\",\"events\":[]}",
	"date in year 9999":  `{"startsAt":"9999-01-01T00:00:00Z","priceCents":100,"bookingLimit":"9999-01-01T00:00:00Z"}`,
	"date in year 1":     `{"startsAt":"0001-01-01T00:00:00Z","priceCents":100}`,
	"wrong types":        `{"name":12,"label":[],"email":{},"stockId":"x","quantity":"2","events":"x","priceCents":"1"}`,
	"array":              `[]`,
	"number":             `1e999`,
	"deep nesting":       strings.Repeat(`{"name":`, 2000) + `"x"` + strings.Repeat(`}`, 2000),
	"two objects":        `{}{}`,
	"truncated":          `{"name":"x`,
	"unknown field":      `{"admin":true}`,
	"huge integer":       `{"stockId":99999999999999999999999,"quantity":1}`,
	"negative integers":  `{"stockId":-1,"quantity":-1,"priceCents":-1,"capacity":-5,"durationMinutes":-1,"bankAccountId":-1}`,
	"nonce and token":    `{"device":"d","events":[{"nonce":"` + strings.Repeat("n", 100) + `","token":"\u0000","kind":"use","mode":"online","scannedAt":"2026-01-01T00:00:00Z"}]}`,
	"image URL scheme":   `{"name":"x","imageUrl":"javascript:alert(1)"}`,
	"price label of 51":  `{"startsAt":"2030-01-01T20:00:00Z","priceCents":100,"priceLabel":"` + strings.Repeat("é", 51) + `"}`,
	"bank label of 101":  `{"label":"` + strings.Repeat("é", 101) + `","iban":"FR7630006000011234567890189","bic":"AGRIFRPP"}`,
	"allocine theater":   `{"theaterId":"` + strings.Repeat("C", 65) + `","priceCents":500,"duo":true,"active":true}`,
	"bad scan timestamp": `{"device":"d","events":[{"nonce":"n","token":"ABCDEF","kind":"use","mode":"online","scannedAt":"yesterday"}]}`,
}

// TestSecurity_BadBodies sends every bad body to every route that takes one, as the strongest
// credential the route accepts: nothing is accepted, nothing answers 5xx, errors are JSON.
func TestSecurity_BadBodies(t *testing.T) {
	s := newSecurityEnv(t)
	manager := "Bearer " + s.demo.Keys.Manager
	beneficiary := s.creds[4].header
	for _, route := range server.New(s.st, server.Options{}).Routes() {
		method, pattern, _ := strings.Cut(route, " ")
		if method == "GET" || method == "DELETE" || strings.Contains(pattern, "{token}") || strings.HasSuffix(pattern, "/image") ||
			strings.HasSuffix(pattern, "/cancel") || strings.HasSuffix(pattern, "/imports") || strings.HasSuffix(pattern, "/ack") {
			continue // no JSON body
		}
		auth := manager
		if nativeRoute(route) {
			auth = beneficiary
		}
		for name, body := range badBodies {
			status, out, _ := s.call(method, s.fill(pattern), auth, strings.NewReader(body))
			if route == "POST /sync/v1/scans" && status == 200 {
				// A device's queue is judged event by event: each bad event gets its own error.
				var pr protocol.PushResponse
				if json.Unmarshal(out, &pr) != nil || len(pr.Results) == 0 {
					t.Errorf("%s with %s: %d %.300s", route, name, status, out)
				}
				for _, r := range pr.Results {
					if r.Error == nil || r.Error.Field == "" {
						t.Errorf("%s with %s: event accepted: %+v", route, name, r)
					}
				}
				continue
			}
			var e protocol.Error
			if status < 400 || status >= 500 || json.Unmarshal(out, &e) != nil || e.Code == "" || e.Message == "" {
				t.Errorf("%s with %s: %d %.300s", route, name, status, out)
			}
		}
	}
}

// TestSecurity_FieldNamed checks that the refusals name the field at fault.
func TestSecurity_FieldNamed(t *testing.T) {
	s := newSecurityEnv(t)
	manager := "Bearer " + s.demo.Keys.Manager
	for _, tc := range []struct{ method, path, body, field string }{
		{"POST", "/pro/v1/venues/{venueId}/offers", `{"name":"La\u0000Haine"}`, "name"},
		{"PATCH", "/pro/v1/offers/{offerId}", `{"description":"` + strings.Repeat("x", 10001) + `"}`, "description"},
		// pass Culture's limits: a title of 90 characters, a description of 1 000.
		{"PATCH", "/pro/v1/offers/{offerId}", `{"name":"` + strings.Repeat("é", 91) + `"}`, "name"},
		{"PATCH", "/pro/v1/offers/{offerId}", `{"name":"` + strings.Repeat("é", 90) + `"}`, ""},
		{"PATCH", "/pro/v1/offers/{offerId}", `{"description":"` + strings.Repeat("é", 1001) + `"}`, "description"},
		{"PATCH", "/pro/v1/offers/{offerId}", `{"description":"` + strings.Repeat("é", 999) + `\n"}`, ""},
		{"PATCH", "/pro/v1/offers/{offerId}", `{"description":"ligne 1\nligne 2\tfin"}`, ""},
		{"PATCH", "/pro/v1/offers/{offerId}", `{"imageUrl":"javascript:alert(1)"}`, "imageUrl"},
		{"POST", "/pro/v1/offers/{offerId}/stocks", `{"startsAt":"2030-01-01T20:00:00Z","priceCents":100,"priceLabel":"` + strings.Repeat("x", 51) + `"}`, "priceLabel"},
		{"POST", "/pro/v1/offers/{offerId}/stocks", `{"startsAt":"2030-01-01T20:00:00Z","priceCents":100,"priceLabel":"` + strings.Repeat("é", 50) + `"}`, ""},
		{"POST", "/pro/v1/offers/{offerId}/stocks", `{"startsAt":"3000-01-01T20:00:00Z","priceCents":100}`, "startsAt"},
		{"POST", "/pro/v1/bank-accounts", `{"label":"` + strings.Repeat("x", 101) + `","iban":"FR7630006000011234567890189","bic":"AGRIFRPP"}`, "label"},
		{"POST", "/pro/v1/api-keys", `{"label":"Caisse\u00003"}`, "label"},
		{"POST", "/sync/v1/scans", `{"device":"caisse\u001b","events":[]}`, "device"},
	} {
		status, out, _ := s.call(tc.method, s.fill(tc.path), manager, strings.NewReader(tc.body))
		var e protocol.Error
		_ = json.Unmarshal(out, &e)
		if tc.field == "" {
			if status >= 300 {
				t.Errorf("%s %s accepted body refused: %d %s", tc.method, tc.path, status, out)
			}
			continue
		}
		if status != 400 || e.Field != tc.field {
			t.Errorf("%s %s: %d %s, want 400 on field %s", tc.method, tc.path, status, out, tc.field)
		}
	}
	// The device header is capped and checked too.
	for _, h := range []string{strings.Repeat("d", 101), "caisse\t1"} {
		req, _ := http.NewRequest("GET", s.srv.URL+"/sync/v1/me", nil)
		req.Header.Set("Authorization", manager)
		req.Header.Set(server.DeviceHeader, h)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var e protocol.Error
		_ = json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		if resp.StatusCode != 400 || e.Field != server.DeviceHeader {
			t.Errorf("device header %q: %d %+v", h, resp.StatusCode, e)
		}
	}
	// Page numbers are bounded: no offset overflows.
	for _, q := range []string{"/native/v1/offers?latitude=48.8&longitude=2.3&page=9223372036854775807",
		"/pro/v1/venues/{venueId}/bookings?page=9223372036854775807", "/sync/v1/venues/{venueId}/changes?limit=9223372036854775807"} {
		if status, out, _ := s.call("GET", s.fill(q), manager, nil); status != 400 {
			t.Errorf("%s: %d %s", q, status, out)
		}
	}
}

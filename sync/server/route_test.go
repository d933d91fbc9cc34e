package server_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"guichet/sync/protocol"
)

// Odd paths and methods get JSON answers, never the mux's redirects or plain text.
func TestRoute_OddPathsAnswerJSON(t *testing.T) {
	e := newEnv(t)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, tc := range []struct {
		method, path string
		status       int
		code         string
	}{
		{"GET", "/nowhere", 404, "not_found"},
		{"GET", "/v2/bookings/token/", 400, "invalid"},
		{"GET", "/v2//bookings/token/ABC", 400, "invalid"},
		{"GET", "/v2/bookings/../bookings/token/ABC", 400, "invalid"},
		{"GET", "/pro/v1/venues/", 400, "invalid"},
		{"GET", "/healthz/", 400, "invalid"},
		{"DELETE", "/healthz", 405, "invalid"},
		{"POST", "/v2/bookings/token/ABC", 405, "invalid"},
		{"GET", "/pro/v1/venues/0", 401, "unauthorized"},
	} {
		req, _ := http.NewRequest(tc.method, e.srv.URL+tc.path, nil)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body protocol.Error
		err = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || err != nil || body.Code != tc.code || body.Message == "" {
			t.Errorf("%s %s: %d %+v (%v), want %d %s", tc.method, tc.path, resp.StatusCode, body, err, tc.status, tc.code)
		}
		if loc := resp.Header.Get("Location"); loc != "" {
			t.Errorf("%s %s: redirected to %s", tc.method, tc.path, loc)
		}
		if tc.status == 405 && resp.Header.Get("Allow") == "" {
			t.Errorf("%s %s: 405 without Allow", tc.method, tc.path)
		}
	}
}

// The Authorization scheme is case-insensitive (RFC 9110 §11.1), for API keys and sign-in
// tokens alike.
func TestAuth_SchemeCaseInsensitive(t *testing.T) {
	e := newEnv(t)
	for _, h := range []string{"Bearer ", "bearer ", "BEARER ", "  bEaReR   "} {
		req, _ := http.NewRequest("GET", e.srv.URL+"/sync/v1/me", nil)
		req.Header.Set("Authorization", h+e.demo.Keys.Cashier+" ")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("%q: %d", h, resp.StatusCode)
		}
	}
	for _, h := range []string{"Basic " + e.demo.Keys.Cashier, "Bearer", "Bearer ", "Bearer" + e.demo.Keys.Cashier, e.demo.Keys.Cashier} {
		req, _ := http.NewRequest("GET", e.srv.URL+"/sync/v1/me", nil)
		req.Header.Set("Authorization", h)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("%q: %d, want 401 with WWW-Authenticate", h, resp.StatusCode)
		}
	}
	ben := e.demo.Beneficiaries[0]
	_, body := e.send("POST", "/native/v1/signin", "", signinBody(ben.Email, ben.Password))
	var tok protocol.Signin
	if err := json.Unmarshal(body, &tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("signin: %s", body)
	}
	req, _ := http.NewRequest("GET", e.srv.URL+"/native/v1/bookings", nil)
	req.Header.Set("Authorization", "bearer "+tok.AccessToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("lowercase bearer on the native API: %d", resp.StatusCode)
	}
}

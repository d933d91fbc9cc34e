package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"guichet/sync/demo"
	"guichet/sync/protocol"
	"guichet/sync/server"
	"guichet/sync/store/sqlstore"
)

// FuzzNativeBodies sends arbitrary bodies to the native API's sign-in and booking routes: the
// answer is always a JSON error or a booking, never a 500.
func FuzzNativeBodies(f *testing.F) {
	for _, seed := range []string{
		`{"stockId": 1, "quantity": 1}`, `{"stockId": 1, "quantity": 2}`, `{"stockId": 0, "quantity": 3}`,
		`{"stockId": "1", "quantity": 1}`, `{"quantity": 1}`, `{"stockId": 1, "quantity": 1, "price": 0}`,
		`{"stockId": 1e99, "quantity": -1}`, `[`, ``, `null`, `{"email":"a@b.c","password":"x"}`, `{} {}`,
	} {
		f.Add(seed)
	}
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
	srv := httptest.NewServer(server.New(st, server.Options{Limits: &server.Limits{}})) // the bodies, not the limits
	f.Cleanup(srv.Close)
	post := func(path, token, body string) (int, []byte, error) {
		req, _ := http.NewRequest("POST", srv.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		var raw json.RawMessage
		if err := json.NewDecoder(resp.Body).Decode(&raw); err != nil {
			return resp.StatusCode, nil, fmt.Errorf("%s answered %d without JSON: %w", path, resp.StatusCode, err)
		}
		return resp.StatusCode, raw, nil
	}
	cred := d.Beneficiaries[0]
	status, body, err := post("/native/v1/signin", "", `{"email":"`+cred.Email+`","password":"`+cred.Password+`"}`)
	var in protocol.Signin
	if err != nil || status != 200 || json.Unmarshal(body, &in) != nil {
		f.Fatalf("signin: %d %s %v", status, body, err)
	}
	f.Fuzz(func(t *testing.T, body string) {
		for _, path := range []string{"/native/v1/signin", "/native/v1/bookings"} {
			status, out, err := post(path, in.AccessToken, body)
			if err != nil {
				t.Fatal(err)
			}
			if status >= 500 {
				t.Errorf("%s %q: %d %s", path, body, status, out)
			}
		}
	})
}

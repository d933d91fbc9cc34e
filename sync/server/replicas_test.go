package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"guichet/sync/demo"
	"guichet/sync/protocol"
	"guichet/sync/server"
	"guichet/sync/store/sqlstore"
	"guichet/sync/store/sqlstore/sqltest"
)

// Two replicas (two stores, two HTTP servers) on one PostgreSQL database behave as one server:
// a sign-in token issued by one is accepted by the other, and countermarks validated through
// both at once are each validated exactly once.
func TestReplicas_Postgres(t *testing.T) {
	t.Run("postgres", func(t *testing.T) {
		ctx := context.Background()
		dsn := sqltest.DSN(t)
		var urls []string
		var stores []*sqlstore.Store
		for i := 0; i < 2; i++ {
			st, err := sqlstore.Open(ctx, dsn, sqlstore.Options{MaxConns: 16})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			srv := httptest.NewServer(server.New(st, server.Options{}))
			t.Cleanup(srv.Close)
			urls = append(urls, srv.URL)
			stores = append(stores, st)
		}
		paris, _ := time.LoadLocation("Europe/Paris")
		d, err := demo.Seed(ctx, stores[0], time.Now(), paris)
		if err != nil {
			t.Fatal(err)
		}
		do := func(base, method, path, auth, body string) (int, []byte) {
			t.Helper()
			req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
			if auth != "" {
				req.Header.Set("Authorization", "Bearer "+auth)
			}
			if body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return 0, nil
			}
			defer resp.Body.Close()
			out, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, out
		}

		// Sign in on one replica, use the token on the other.
		cred := d.Beneficiaries[0]
		status, body := do(urls[0], "POST", "/native/v1/signin", "", fmt.Sprintf(`{"email":%q,"password":%q}`, cred.Email, cred.Password))
		var signin protocol.Signin
		if status != 200 || json.Unmarshal(body, &signin) != nil {
			t.Fatalf("signin on replica A: %d %s", status, body)
		}
		if status, body := do(urls[1], "GET", "/native/v1/bookings", signin.AccessToken, ""); status != 200 {
			t.Fatalf("replica B refused replica A's token: %d %s", status, body)
		}

		// Every confirmed countermark validated by 6 counters at once, through both replicas.
		tokens := d.Tokens.Confirmed
		var mu sync.Mutex
		ok := map[string]int{}
		var wg sync.WaitGroup
		for c := 0; c < 6; c++ {
			wg.Add(1)
			go func(c int) {
				defer wg.Done()
				for _, tok := range tokens {
					status, body := do(urls[c%2], "PATCH", "/v2/bookings/use/token/"+tok, d.Keys.Cashier, "")
					mu.Lock()
					switch status {
					case http.StatusNoContent:
						ok[tok]++
					case http.StatusGone, http.StatusForbidden:
					default:
						t.Errorf("counter %d, %s: %d %s", c, tok, status, body)
					}
					mu.Unlock()
				}
			}(c)
		}
		wg.Wait()
		admitted := 0
		for _, tok := range tokens {
			b, err := stores[1].GetBookingByToken(ctx, tok)
			if err != nil {
				t.Fatal(err)
			}
			if ok[tok] > 1 {
				t.Errorf("%s validated %d times", tok, ok[tok])
			}
			if ok[tok] == 1 {
				admitted++
				if b.Status != "USED" {
					t.Errorf("%s: validated but %s", tok, b.Status)
				}
			}
		}
		t.Logf("%d of %d countermarks admitted once each, through both replicas", admitted, len(tokens))
		if admitted == 0 {
			t.Fatal("no countermark of the demo could be validated: the test proves nothing")
		}
	})
}

// The sign-in limit per e-mail is one bucket for every replica on the database: three wrong
// guesses spread over two replicas use it up, and the fourth is refused by either, with
// Retry-After (a guesser gets the rule's attempts per account, not that many per replica).
func TestReplicas_SigninLimitShared(t *testing.T) {
	t.Run("postgres", func(t *testing.T) {
		ctx := context.Background()
		dsn := sqltest.DSN(t)
		var urls []string
		var first *sqlstore.Store
		for i := 0; i < 2; i++ {
			st, err := sqlstore.Open(ctx, dsn, sqlstore.Options{MaxConns: 4})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			if first == nil {
				first = st
			}
			srv := httptest.NewServer(server.New(st, server.Options{Limits: &server.Limits{SigninAccount: hour(3)}}))
			t.Cleanup(srv.Close)
			urls = append(urls, srv.URL)
		}
		paris, _ := time.LoadLocation("Europe/Paris")
		d, err := demo.Seed(ctx, first, time.Now(), paris)
		if err != nil {
			t.Fatal(err)
		}
		ben := d.Beneficiaries[0]
		signin := func(base, password string) (*http.Response, []byte) {
			t.Helper()
			body, _ := json.Marshal(map[string]string{"email": ben.Email, "password": password})
			resp, err := http.Post(base+"/native/v1/signin", "application/json", strings.NewReader(string(body)))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp, b
		}
		for i, base := range []string{urls[0], urls[1], urls[0]} {
			if resp, body := signin(base, "wrong"); resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("guess %d: %d %s", i+1, resp.StatusCode, body)
			}
		}
		for i, base := range urls {
			resp, body := signin(base, ben.Password)
			want429(t, fmt.Sprintf("replica %d after three guesses in all", i+1), resp, body)
		}
	})
}

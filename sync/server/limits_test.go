package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"guichet/sync/protocol"
	"guichet/sync/ratelimit"
	"guichet/sync/server"
)

// hour is a rule that gives burst requests and nothing more during a test.
func hour(burst int) ratelimit.Rule { return ratelimit.Rule{Every: time.Hour, Burst: burst} }

// want429 checks a rate-limited answer: 429, a JSON error with code too_many, Retry-After in
// whole seconds ≥ 1.
func want429(t *testing.T, what string, resp *http.Response, body []byte) {
	t.Helper()
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("%s: status %d, want 429 (%s)", what, resp.StatusCode, body)
	}
	if n, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || n < 1 {
		t.Errorf("%s: Retry-After %q", what, resp.Header.Get("Retry-After"))
	}
	var e protocol.Error
	if err := json.Unmarshal(body, &e); err != nil || e.Code != "too_many" || e.Message == "" {
		t.Errorf("%s: body %s", what, body)
	}
}

// send is env.do that also returns the response (its headers).
func (e *env) send(method, path, key string, body any, hdr ...string) (*http.Response, []byte) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, jsonBody(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp, out
}

// jsonBody encodes a request body: nil for none, a string as is, anything else as JSON.
func jsonBody(body any) io.Reader {
	switch b := body.(type) {
	case nil:
		return nil
	case string:
		return strings.NewReader(b)
	case []byte:
		return bytes.NewReader(b)
	default:
		buf, _ := json.Marshal(b)
		return bytes.NewReader(buf)
	}
}

func signinBody(email, password string) map[string]string {
	return map[string]string{"email": email, "password": password}
}

func TestLimits_SigninPerAccount(t *testing.T) {
	e := newEnvOpts(t, server.Options{Limits: &server.Limits{SigninAccount: hour(3)}})
	ben := e.demo.Beneficiaries[0]
	for i := range 3 {
		if resp, body := e.send("POST", "/native/v1/signin", "", signinBody(ben.Email, "wrong")); resp.StatusCode != 401 {
			t.Fatalf("guess %d: %d %s", i+1, resp.StatusCode, body)
		}
	}
	resp, body := e.send("POST", "/native/v1/signin", "", signinBody(ben.Email, "wrong"))
	want429(t, "4th guess", resp, body)
	// The account is locked for everyone, in any case of the e-mail, even with the right password…
	resp, body = e.send("POST", "/native/v1/signin", "", signinBody(" "+ben.Email+" ", ben.Password))
	want429(t, "right password during the lock", resp, body)
	// …but not another account.
	other := e.demo.Beneficiaries[1]
	if resp, body := e.send("POST", "/native/v1/signin", "", signinBody(other.Email, other.Password)); resp.StatusCode != 200 {
		t.Fatalf("another account: %d %s", resp.StatusCode, body)
	}
}

func TestLimits_SigninPerIP(t *testing.T) {
	e := newEnvOpts(t, server.Options{Limits: &server.Limits{SigninIP: hour(2)}})
	for i := range 2 {
		if resp, _ := e.send("POST", "/native/v1/signin", "", signinBody(fmt.Sprintf("x%d@example.org", i), "pw")); resp.StatusCode != 401 {
			t.Fatalf("attempt %d: %d", i+1, resp.StatusCode)
		}
	}
	ben := e.demo.Beneficiaries[0]
	resp, body := e.send("POST", "/native/v1/signin", "", signinBody(ben.Email, ben.Password))
	want429(t, "3rd attempt from the IP", resp, body)
}

// A flood of sign-ins waits for a few password-check slots; those that cannot get one in
// time are refused with 429, none runs bcrypt beyond the cap and none fails with a 5xx.
func TestLimits_PasswordChecksCapped(t *testing.T) {
	e := newEnvOpts(t, server.Options{Limits: &server.Limits{PasswordChecks: 1, PasswordWait: time.Millisecond}})
	var mu sync.Mutex
	codes := map[int]int{}
	var wg sync.WaitGroup
	for i := range 12 {
		wg.Go(func() {
			resp, body := e.send("POST", "/native/v1/signin", "", signinBody(fmt.Sprintf("flood%d@example.org", i), "pw"))
			if resp.StatusCode == 429 {
				want429(t, "flood", resp, body)
			}
			mu.Lock()
			codes[resp.StatusCode]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if codes[401]+codes[429] != 12 || codes[429] == 0 || codes[401] == 0 {
		t.Fatalf("answers %v: want some 401 (checked) and some 429 (no slot), nothing else", codes)
	}
}

func TestLimits_PerKeyAndPerIP(t *testing.T) {
	e := newEnvOpts(t, server.Options{Limits: &server.Limits{Key: hour(3)}})
	for range 3 {
		if resp, body := e.send("GET", "/sync/v1/me", e.demo.Keys.Cashier, nil); resp.StatusCode != 200 {
			t.Fatalf("me: %d %s", resp.StatusCode, body)
		}
	}
	resp, body := e.send("GET", "/sync/v1/me", e.demo.Keys.Cashier, nil)
	want429(t, "4th request of the key", resp, body)
	if resp, body := e.send("GET", "/sync/v1/me", e.demo.Keys.Manager, nil); resp.StatusCode != 200 {
		t.Fatalf("another key: %d %s", resp.StatusCode, body)
	}

	e = newEnvOpts(t, server.Options{Limits: &server.Limits{IP: hour(2)}})
	e.send("GET", "/healthz", "", nil)
	e.send("GET", "/nowhere", "", nil)
	resp, body = e.send("GET", "/healthz", "", nil)
	want429(t, "3rd request of the IP", resp, body)
}

// Behind a trusted proxy the client is the address X-Forwarded-For adds; from anyone else
// the header is ignored (it cannot be used to dodge the limit).
func TestLimits_TrustedProxy(t *testing.T) {
	e := newEnvOpts(t, server.Options{Limits: &server.Limits{IP: hour(1),
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}})
	for _, ip := range []string{"203.0.113.1", "203.0.113.2"} {
		if resp, _ := e.send("GET", "/healthz", "", nil, "X-Forwarded-For", "198.51.100.9, "+ip); resp.StatusCode != 200 {
			t.Fatalf("first request of %s: %d", ip, resp.StatusCode)
		}
	}
	resp, body := e.send("GET", "/healthz", "", nil, "X-Forwarded-For", "203.0.113.1")
	want429(t, "2nd request of 203.0.113.1", resp, body)

	e = newEnvOpts(t, server.Options{Limits: &server.Limits{IP: hour(1)}})
	e.send("GET", "/healthz", "", nil, "X-Forwarded-For", "203.0.113.1")
	resp, body = e.send("GET", "/healthz", "", nil, "X-Forwarded-For", "203.0.113.2")
	want429(t, "untrusted X-Forwarded-For", resp, body)
}

// Countermark guesses: every look-up that finds nothing of the key's offerer is charged; an
// exhausted key gets 429 before any look-up, on both API generations and on sync pushes.
func TestLimits_CountermarkMisses(t *testing.T) {
	e := newEnvOpts(t, server.Options{Limits: &server.Limits{Misses: hour(3)}})
	cashier, d := e.demo.Keys.Cashier, e.demo
	// Hits cost nothing.
	for range 5 {
		if resp, _ := e.send("GET", "/v2/bookings/token/"+d.Tokens.Confirmed[0], cashier, nil); resp.StatusCode != 200 {
			t.Fatalf("hit: %d", resp.StatusCode)
		}
	}
	for _, p := range []string{"/v2/bookings/token/ZZZZZ1", "/public/bookings/v1/token/ZZZZZ2"} {
		if resp, _ := e.send("GET", p, cashier, nil); resp.StatusCode != 404 {
			t.Fatalf("%s: %d", p, resp.StatusCode)
		}
	}
	if resp, _ := e.send("PATCH", "/v2/bookings/use/token/"+d.Tokens.OtherOfferer[0], cashier, nil); resp.StatusCode != 403 {
		t.Fatalf("other offerer: %d", resp.StatusCode)
	}
	for _, p := range [][2]string{{"GET", "/v2/bookings/token/" + d.Tokens.Confirmed[0]},
		{"PATCH", "/public/bookings/v1/use/token/ZZZZZ3"}, {"PATCH", "/v2/bookings/keep/token/ZZZZZ3"}} {
		resp, body := e.send(p[0], p[1], cashier, nil)
		want429(t, p[0]+" "+p[1]+" after 3 misses", resp, body)
	}
	push := protocol.PushRequest{Device: "d", Events: []protocol.ScanEvent{{Nonce: "n1", Token: d.Tokens.Confirmed[1],
		Kind: "use", Mode: "online", ScannedAt: time.Now().UTC().Format(time.RFC3339)}}}
	resp, body := e.send("POST", "/sync/v1/scans", cashier, push)
	want429(t, "push after 3 misses", resp, body)
	if resp, _ := e.send("GET", "/v2/bookings/token/ZZZZZ4", d.Keys.Manager, nil); resp.StatusCode != 404 {
		t.Fatalf("another key is not charged for the cashier's misses: %d", resp.StatusCode)
	}

	// A push charges each event that missed: ten random codes in one push lock the key.
	e = newEnvOpts(t, server.Options{Limits: &server.Limits{Misses: hour(3)}})
	push.Events = nil
	for i := range 10 {
		push.Events = append(push.Events, protocol.ScanEvent{Nonce: fmt.Sprint("g", i), Token: fmt.Sprintf("QQQQ%02d", i),
			Kind: "use", Mode: "online", ScannedAt: time.Now().UTC().Format(time.RFC3339)})
	}
	if resp, body := e.send("POST", "/sync/v1/scans", e.demo.Keys.Cashier, push); resp.StatusCode != 200 {
		t.Fatalf("first push: %d %s", resp.StatusCode, body)
	}
	resp, body = e.send("GET", "/v2/bookings/token/"+e.demo.Tokens.Confirmed[0], e.demo.Keys.Cashier, nil)
	want429(t, "look-up after a push of 10 misses", resp, body)
	if s := resp.Header.Get("Retry-After"); s != strconv.Itoa(int((8*time.Hour)/time.Second)) {
		t.Errorf("Retry-After %s: want the 7 missing tokens plus one, 8 h", s)
	}
}

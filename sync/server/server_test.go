package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"guichet/app"
	"guichet/sync/demo"
	"guichet/sync/server"
	"guichet/sync/store"
	"guichet/sync/store/sqlstore"
	"guichet/sync/store/sqlstore/sqltest"
)

// env is the demo served over real HTTP on a real database: a SQLite file, or a PostgreSQL
// database under sqltest.Run's "postgres" subtest. Every end-to-end test runs on both.
type env struct {
	t     *testing.T
	st    *sqlstore.Store
	srv   *httptest.Server
	demo  *demo.Result
	now   time.Time
	paris *time.Location
}

func TestMain(m *testing.M) { sqltest.Main(m) }

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvOpts(t, server.Options{})
}

// newEnvOpts is newEnv with server options (rate limits…).
func newEnvOpts(t *testing.T, o server.Options) *env {
	t.Helper()
	ctx := context.Background()
	st := sqltest.Open(t, sqlstore.Options{SyncNormal: true})
	paris, _ := time.LoadLocation("Europe/Paris")
	now := time.Now()
	res, err := demo.Seed(ctx, st, now, paris)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.New(st, o))
	t.Cleanup(srv.Close)
	return &env{t: t, st: st, srv: srv, demo: res, now: now, paris: paris}
}

// do sends a request and returns the status and the body.
func (e *env) do(method, path, key string, body any) (int, []byte) {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		buf, _ := json.Marshal(b)
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("X-Guichet-Device", "test-device")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

func (e *env) booking(token string) *app.Booking {
	e.t.Helper()
	b, err := e.st.GetBookingByToken(context.Background(), token)
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}

func jsonEq(t *testing.T, got []byte, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("body %q is not JSON: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad expectation %q: %v", want, err)
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	if !bytes.Equal(gb, wb) {
		t.Errorf("body = %s\nwant   %s", gb, wb)
	}
}

// reimbursed makes one of the demo's used bookings reimbursed.
func (e *env) reimbursed() string {
	tok := e.demo.Tokens.Used[len(e.demo.Tokens.Used)-1]
	if err := e.st.MarkReimbursed(context.Background(), tok, e.now); err != nil {
		e.t.Fatal(err)
	}
	return tok
}

func TestCountermarkV2(t *testing.T) {
	sqltest.Run(t, func(t *testing.T) {
		e := newEnv(t)
		d := e.demo
		cashier, manager := d.Keys.Cashier, d.Keys.Manager
		reimbursed := e.reimbursed()
		notYet := e.booking(d.Tokens.NotYetConfirmed[0])
		notYetMsg := app.NotYetUsableMessage(notYet.CancellationLimit, e.paris)

		for _, tc := range []struct {
			name, method, path, key string
			status                  int
			body                    string
		}{
			{"get unknown", "GET", "/v2/bookings/token/ZZZZZZ", cashier, 404, `{"global":["Cette contremarque n'a pas été trouvée"]}`},
			{"get malformed", "GET", "/v2/bookings/token/AB", cashier, 404, `{"global":["Cette contremarque n'a pas été trouvée"]}`},
			{"get other offerer", "GET", "/v2/bookings/token/" + d.Tokens.OtherOfferer[0], cashier, 403, `{"user":["` + app.MsgOtherOfferer + `"]}`},
			{"get used", "GET", "/v2/bookings/token/" + d.Tokens.Used[0], cashier, 410, `{"booking":["Cette réservation a déjà été validée"]}`},
			{"get cancelled", "GET", "/v2/bookings/token/" + d.Tokens.Cancelled[0], cashier, 410, `{"booking_cancelled":["Cette réservation a été annulée"]}`},
			{"get reimbursed", "GET", "/v2/bookings/token/" + reimbursed, cashier, 403, `{"payment":["Cette réservation a été remboursée"]}`},
			{"get not yet confirmed", "GET", "/v2/bookings/token/" + notYet.Token, cashier, 403, `{"booking":["` + notYetMsg + `"]}`},
			{"use not yet confirmed", "PATCH", "/v2/bookings/use/token/" + notYet.Token, cashier, 403, `{"booking":["` + notYetMsg + `"]}`},
			{"use used", "PATCH", "/v2/bookings/use/token/" + d.Tokens.Used[0], cashier, 410, `{"booking":["Cette réservation a déjà été validée"]}`},
			{"use cancelled", "PATCH", "/v2/bookings/use/token/" + d.Tokens.Cancelled[0], cashier, 410, `{"booking_cancelled":["Cette réservation a été annulée"]}`},
			{"use reimbursed", "PATCH", "/v2/bookings/use/token/" + reimbursed, cashier, 403, `{"payment":["Cette réservation a été remboursée"]}`},
			{"use other offerer", "PATCH", "/v2/bookings/use/token/" + d.Tokens.OtherOfferer[0], cashier, 403, `{"user":["` + app.MsgOtherOfferer + `"]}`},
			{"use unknown", "PATCH", "/v2/bookings/use/token/ZZZZZZ", cashier, 404, `{"global":["Cette contremarque n'a pas été trouvée"]}`},
			{"keep confirmed", "PATCH", "/v2/bookings/keep/token/" + d.Tokens.Confirmed[1], cashier, 410, `{"booking":["Cette réservation n'a pas encore été validée"]}`},
			{"keep reimbursed", "PATCH", "/v2/bookings/keep/token/" + reimbursed, cashier, 410, `{"payment":["Le remboursement est en cours de traitement"]}`},
			{"keep cancelled", "PATCH", "/v2/bookings/keep/token/" + d.Tokens.Cancelled[0], cashier, 410, `{"booking_cancelled":["Cette réservation a été annulée"]}`},
			{"cancel cancelled", "PATCH", "/v2/bookings/cancel/token/" + d.Tokens.Cancelled[0], manager, 410, `{"global":["Cette contremarque a déjà été annulée"]}`},
			{"cancel used", "PATCH", "/v2/bookings/cancel/token/" + d.Tokens.Used[0], manager, 403, `{"global":["Impossible d'annuler une réservation consommée"]}`},
			{"cancel reimbursed", "PATCH", "/v2/bookings/cancel/token/" + reimbursed, manager, 403, `{"global":["Impossible d'annuler une réservation consommée"]}`},
			{"cancel other offerer", "PATCH", "/v2/bookings/cancel/token/" + d.Tokens.OtherOfferer[0], manager, 403, `{"user":["Vous n'avez pas les droits suffisants pour annuler cette réservation."]}`},
			{"cancel by a cashier", "PATCH", "/v2/bookings/cancel/token/" + d.Tokens.Confirmed[2], cashier, 403, `{"user":["Vous n'avez pas les droits suffisants pour annuler cette réservation."]}`},
		} {
			t.Run(tc.name, func(t *testing.T) {
				status, body := e.do(tc.method, tc.path, tc.key, nil)
				if status != tc.status {
					t.Errorf("status %d, want %d (%s)", status, tc.status, body)
				}
				jsonEq(t, body, tc.body)
			})
		}
		if b := e.booking(d.Tokens.Confirmed[2]); b.Status != app.StatusConfirmed {
			t.Errorf("a cashier's refused cancel changed the booking: %s", b.Status)
		}

		t.Run("get, use (lowercase), keep, cancel", func(t *testing.T) {
			tok := d.Tokens.Confirmed[0]
			status, body := e.do("GET", "/v2/bookings/token/"+strings.ToLower(tok), cashier, nil)
			if status != 200 {
				t.Fatalf("get: %d %s", status, body)
			}
			var got map[string]any
			_ = json.Unmarshal(body, &got)
			b := e.booking(tok)
			for k, want := range map[string]any{"bookingId": b.ID, "offerName": "Le Voyage de Chihiro", "formula": "PLACE",
				"offerType": "EVENEMENT", "isUsed": false, "price": 5.0, "quantity": 1.0, "venueName": "Cinéma Le Méliès",
				"venueDepartmentCode": "93", "firstName": b.FirstName, "email": b.Email, "datetime": b.ShowStart.UTC().Format(time.RFC3339)} {
				if k == "bookingId" {
					if got[k] == "" || got[k] == nil {
						t.Errorf("bookingId missing")
					}
					continue
				}
				if got[k] != want {
					t.Errorf("%s = %v, want %v", k, got[k], want)
				}
			}
			for _, k := range []string{"dateOfBirth", "ean13", "offerId", "publicOfferId", "phoneNumber", "priceCategoryLabel", "theater", "userName", "lastName", "venueAddress"} {
				if _, ok := got[k]; !ok {
					t.Errorf("field %s missing", k)
				}
			}
			if status, body := e.do("PATCH", "/v2/bookings/use/token/"+strings.ToLower(tok), cashier, nil); status != 204 || len(body) != 0 {
				t.Fatalf("use: %d %s", status, body)
			}
			b = e.booking(tok)
			if b.Status != app.StatusUsed || b.UsedByKey != "Caisse 1 (démo)" || b.UsedByDevice != "test-device" || time.Since(b.UsedAt) > time.Minute {
				t.Errorf("validation not recorded with who and when: %+v", b)
			}
			if status, _ := e.do("PATCH", "/v2/bookings/use/token/"+tok, cashier, nil); status != 410 {
				t.Errorf("second use: %d", status)
			}
			if status, body := e.do("PATCH", "/v2/bookings/keep/token/"+tok, cashier, nil); status != 204 {
				t.Errorf("keep: %d %s", status, body)
			}
			if status, body := e.do("PATCH", "/v2/bookings/cancel/token/"+tok, manager, nil); status != 204 {
				t.Errorf("cancel: %d %s", status, body)
			}
			if b := e.booking(tok); b.Status != app.StatusCancelled {
				t.Errorf("after cancel: %s", b.Status)
			}
		})
	})
}

func TestCountermarkV1(t *testing.T) {
	sqltest.Run(t, func(t *testing.T) {
		e := newEnv(t)
		d := e.demo
		cashier, manager := d.Keys.Cashier, d.Keys.Manager
		reimbursed := e.reimbursed()
		notYet := e.booking(d.Tokens.NotYetConfirmed[0])
		notYetMsg := app.NotYetUsableMessage(notYet.CancellationLimit, e.paris)
		const p = "/public/bookings/v1"
		for _, tc := range []struct {
			name, method, path, key string
			status                  int
			body                    string
		}{
			{"get unknown", "GET", p + "/token/ZZZZZZ", cashier, 404, `{"global":"This countermark cannot be found"}`},
			{"get other offerer is not found", "GET", p + "/token/" + d.Tokens.OtherOfferer[0], cashier, 404, `{"global":"This countermark cannot be found"}`},
			{"get used", "GET", p + "/token/" + d.Tokens.Used[0], cashier, 410, `{"booking":"This booking has already been validated"}`},
			{"get cancelled", "GET", p + "/token/" + d.Tokens.Cancelled[0], cashier, 410, `{"booking":"This booking has been cancelled"}`},
			{"get reimbursed", "GET", p + "/token/" + reimbursed, cashier, 403, `{"payment":"This booking has already been reimbursed"}`},
			{"get not yet confirmed", "GET", p + "/token/" + notYet.Token, cashier, 403, `{"booking":"` + notYetMsg + `"}`},
			{"use used", "PATCH", p + "/use/token/" + d.Tokens.Used[0], cashier, 410, `{"booking":"This booking has already been validated"}`},
			{"use other offerer", "PATCH", p + "/use/token/" + d.Tokens.OtherOfferer[0], cashier, 404, `{"global":"This countermark cannot be found"}`},
			{"keep confirmed", "PATCH", p + "/keep/token/" + d.Tokens.Confirmed[1], cashier, 403, `{"booking":"This booking has not been used"}`},
			{"keep reimbursed", "PATCH", p + "/keep/token/" + reimbursed, cashier, 403, `{"payment":"This booking has been reimbursed"}`},
			{"keep cancelled", "PATCH", p + "/keep/token/" + d.Tokens.Cancelled[0], cashier, 410, `{"booking":"This booking has been cancelled"}`},
			{"cancel cancelled", "PATCH", p + "/cancel/token/" + d.Tokens.Cancelled[0], manager, 410, `{"booking":"This booking has already been cancelled"}`},
			{"cancel used", "PATCH", p + "/cancel/token/" + d.Tokens.Used[0], manager, 410, `{"booking":"This booking has been validated"}`},
			{"cancel reimbursed", "PATCH", p + "/cancel/token/" + reimbursed, manager, 403, `{"payment":"This booking has been reimbursed"}`},
			{"cancel past its limit", "PATCH", p + "/cancel/token/" + d.Tokens.Confirmed[3], manager, 403, `{"booking":"This booking cannot be cancelled anymore"}`},
		} {
			t.Run(tc.name, func(t *testing.T) {
				status, body := e.do(tc.method, tc.path, tc.key, nil)
				if status != tc.status {
					t.Errorf("status %d, want %d (%s)", status, tc.status, body)
				}
				jsonEq(t, body, tc.body)
			})
		}
		t.Run("get and use, lowercase, prices in cents", func(t *testing.T) {
			tok := d.Tokens.Confirmed[0]
			status, body := e.do("GET", p+"/token/"+strings.ToLower(tok), cashier, nil)
			if status != 200 {
				t.Fatalf("get: %d %s", status, body)
			}
			var got map[string]any
			_ = json.Unmarshal(body, &got)
			if got["price"] != 500.0 || got["status"] != "CONFIRMED" || got["offerName"] != "Le Voyage de Chihiro" {
				t.Errorf("body %s", body)
			}
			if status, _ := e.do("PATCH", p+"/use/token/"+strings.ToLower(tok), cashier, nil); status != 204 {
				t.Errorf("use: %d", status)
			}
			if b := e.booking(tok); b.Status != app.StatusUsed {
				t.Errorf("status %s", b.Status)
			}
		})
		t.Run("cancel inside the limit", func(t *testing.T) {
			if status, body := e.do("PATCH", p+"/cancel/token/"+notYet.Token, manager, nil); status != 204 {
				t.Errorf("cancel: %d %s", status, body)
			}
		})
	})
}

func TestAuth(t *testing.T) {
	sqltest.Run(t, func(t *testing.T) {
		e := newEnv(t)
		ctx := context.Background()
		o, _ := e.st.FindOffererBySIREN(ctx, "443061841")
		revoked, k, err := e.st.CreateAPIKey(ctx, o.ID, app.RoleCashier, "Ancienne caisse")
		if err != nil {
			t.Fatal(err)
		}
		if err := e.st.RevokeAPIKey(ctx, k.ID); err != nil {
			t.Fatal(err)
		}
		tok := "/v2/bookings/token/" + e.demo.Tokens.Confirmed[0]
		for _, tc := range []struct{ name, key string }{
			{"missing", ""}, {"unknown", "gk_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}, {"garbage", "not a key"}, {"revoked", revoked},
		} {
			t.Run(tc.name, func(t *testing.T) {
				status, body := e.do("GET", tok, tc.key, nil)
				if status != 401 {
					t.Errorf("status %d, want 401", status)
				}
				var perr struct{ Code, Message string }
				if json.Unmarshal(body, &perr) != nil || perr.Code != "unauthorized" || perr.Message == "" {
					t.Errorf("body %s", body)
				}
			})
		}
	})
}

func bookingReq(benID, stockID int64) store.BookingRequest {
	return store.BookingRequest{BeneficiaryID: benID, StockID: stockID, Quantity: 1}
}

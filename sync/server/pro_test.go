package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"guichet/sync/store/sqlstore/sqltest"
	"strings"
	"testing"
	"time"

	"guichet/app"
	"guichet/sync/server"
)

type apiError struct {
	Code, Message, Field string
}

func decodeErr(t *testing.T, body []byte) apiError {
	t.Helper()
	var e apiError
	if err := json.Unmarshal(body, &e); err != nil || e.Code == "" || e.Message == "" {
		t.Fatalf("not an API error: %s", body)
	}
	if strings.Contains(string(body), "goroutine") || strings.Contains(string(body), ".go:") {
		t.Errorf("stack trace leaked to the client: %s", body)
	}
	return e
}

func TestProAPI_Programme(t *testing.T) {
	sqltest.Run(t, func(t *testing.T) {
		e := newEnv(t)
		mgr, cashier, other := e.demo.Keys.Manager, e.demo.Keys.Cashier, e.demo.Keys.OtherOfferer
		venue := fmt.Sprintf("/pro/v1/venues/%d", e.demo.Venue.ID)

		status, body := e.do("GET", "/pro/v1/venues", cashier, nil)
		if status != 200 || !strings.Contains(string(body), `"siret":"44306184100047"`) || strings.Contains(string(body), "Lyon") {
			t.Fatalf("venues: %d %s", status, body)
		}
		if status, _ := e.do("GET", venue, other, nil); status != 404 {
			t.Errorf("another offerer's venue: %d, want 404", status)
		}

		// Create a film and a showtime as the manager.
		status, body = e.do("POST", venue+"/offers", mgr, map[string]any{"name": "La Haine", "description": "Vingt-quatre heures.",
			"durationMinutes": 98, "version": "VF", "duo": false, "imageUrl": "https://img.example/haine.jpg"})
		if status != 201 {
			t.Fatalf("create offer: %d %s", status, body)
		}
		var offer struct {
			ID     int64
			Active bool
			Duo    bool
		}
		_ = json.Unmarshal(body, &offer)
		if !offer.Active || offer.Duo {
			t.Errorf("offer %s", body)
		}
		if status, _ := e.do("POST", venue+"/offers", cashier, map[string]any{"name": "X"}); status != 403 {
			t.Errorf("a cashier created an offer: %d", status)
		}
		start := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Minute)
		status, body = e.do("POST", fmt.Sprintf("/pro/v1/offers/%d/stocks", offer.ID), mgr,
			map[string]any{"startsAt": start.Format(time.RFC3339), "priceCents": 650, "capacity": 2})
		if status != 201 {
			t.Fatalf("create stock: %d %s", status, body)
		}
		var stock struct {
			ID           int64
			Capacity     *int
			Remaining    *int
			BookingLimit string
		}
		_ = json.Unmarshal(body, &stock)
		if stock.Capacity == nil || *stock.Capacity != 2 || *stock.Remaining != 2 || stock.BookingLimit != start.Format(time.RFC3339) {
			t.Errorf("stock %s", body)
		}
		stockPath := fmt.Sprintf("/pro/v1/stocks/%d", stock.ID)

		// Book both places, then try to shrink the capacity below them.
		ctx := context.Background()
		for i := 0; i < 2; i++ {
			b := &app.Beneficiary{Email: fmt.Sprintf("p%d@example.org", i), FirstName: "P", LastName: "Q", DateOfBirth: time.Now().AddDate(-18, 0, 0)}
			if err := e.st.CreateBeneficiary(ctx, b); err != nil {
				t.Fatal(err)
			}
			if _, err := e.st.CreateBooking(ctx, bookingReq(b.ID, stock.ID), time.Now()); err != nil {
				t.Fatal(err)
			}
		}
		// A showtime in the other version than the film's.
		status, body = e.do("POST", fmt.Sprintf("/pro/v1/offers/%d/stocks", offer.ID), mgr,
			map[string]any{"startsAt": start.Add(time.Hour).Format(time.RFC3339), "priceCents": 650, "version": "VO"})
		if status != 201 || !strings.Contains(string(body), `"version":"VO"`) {
			t.Errorf("VO showtime of a VF film: %d %s", status, body)
		}
		if status, body := e.do("POST", fmt.Sprintf("/pro/v1/offers/%d/stocks", offer.ID), mgr,
			map[string]any{"startsAt": start.Format(time.RFC3339), "priceCents": 650, "version": "VOST"}); status != 400 {
			t.Errorf("unknown version: %d %s", status, body)
		}
		status, body = e.do("PATCH", stockPath, mgr, map[string]any{"capacity": 1})
		if status != 400 || decodeErr(t, body).Field != "capacity" {
			t.Errorf("capacity below the booked places: %d %s", status, body)
		}
		status, body = e.do("PATCH", stockPath, mgr, map[string]any{"capacity": nil, "priceCents": 700})
		if status != 200 || !strings.Contains(string(body), `"capacity":null`) || !strings.Contains(string(body), `"priceCents":700`) {
			t.Errorf("unlimited capacity: %d %s", status, body)
		}

		// Deactivate the film, then delete the showtime: its bookings are cancelled.
		status, body = e.do("PATCH", fmt.Sprintf("/pro/v1/offers/%d", offer.ID), mgr, map[string]any{"active": false})
		if status != 200 || !strings.Contains(string(body), `"active":false`) {
			t.Errorf("deactivate: %d %s", status, body)
		}
		status, body = e.do("DELETE", stockPath, mgr, nil)
		if status != 200 || !strings.Contains(string(body), `"cancelledBookings":2`) {
			t.Errorf("delete: %d %s", status, body)
		}
		status, body = e.do("GET", fmt.Sprintf("/pro/v1/offers/%d/stocks", offer.ID), cashier, nil)
		if status != 200 || !strings.Contains(string(body), `"deleted":true`) {
			t.Errorf("stocks after delete: %d %s", status, body)
		}
		if status, _ := e.do("GET", stockPath, other, nil); status != 404 {
			t.Errorf("another offerer's stock: %d", status)
		}
	})
}

func TestProAPI_Bookings(t *testing.T) {
	sqltest.Run(t, func(t *testing.T) {
		e := newEnv(t)
		path := fmt.Sprintf("/pro/v1/venues/%d/bookings", e.demo.Venue.ID)
		var page struct {
			Bookings []struct {
				Token, Status string
			}
			Total, Pages, PerPage int
		}
		get := func(q string) int {
			t.Helper()
			page.Bookings = nil
			status, body := e.do("GET", path+q, e.demo.Keys.Cashier, nil)
			if status == 200 {
				_ = json.Unmarshal(body, &page)
			}
			return status
		}
		if get("") != 200 || page.Total != 25 {
			t.Errorf("all: total %d, want 25 (6 in each of 4 states, and one for tomorrow)", page.Total)
		}
		if get("?status=used") != 200 || page.Total != 6 {
			t.Errorf("used: %d", page.Total)
		}
		if get("?perPage=5&page=5") != 200 || len(page.Bookings) != 5 || page.Pages != 5 {
			t.Errorf("page 5 of 5: %d items, %d pages", len(page.Bookings), page.Pages)
		}
		today := time.Now().In(e.paris).Add(-3 * time.Hour).Format(time.DateOnly) // the day of the used bookings' showtime
		if get("?status=USED&date="+today) != 200 || page.Total != 6 {
			t.Errorf("used on %s: %d", today, page.Total)
		}
		for _, q := range []string{"?status=LOST", "?date=25/12/2026", "?perPage=0", "?page=x", "?stockId=abc"} {
			if status := get(q); status != 400 {
				t.Errorf("%s: status %d, want 400", q, status)
			}
		}
		if status, _ := e.do("GET", path, e.demo.Keys.OtherOfferer, nil); status != 404 {
			t.Errorf("another offerer's venue bookings: %d", status)
		}
	})
}

func TestProAPI_BadInput(t *testing.T) {
	sqltest.Run(t, func(t *testing.T) {
		e := newEnv(t)
		mgr := e.demo.Keys.Manager
		offers := fmt.Sprintf("/pro/v1/venues/%d/offers", e.demo.Venue.ID)
		for _, tc := range []struct {
			name   string
			body   string
			status int
			field  string
		}{
			{"malformed JSON", `{"name": "La Haine"`, 400, ""},
			{"not an object", `[1,2]`, 400, ""},
			{"unknown field", `{"name": "La Haine", "price": 5}`, 400, "price"},
			{"wrong type", `{"name": 12}`, 400, "name"},
			{"two objects", `{"name": "A"}{"name": "B"}`, 400, ""},
			{"empty", ``, 400, ""},
			{"missing name", `{"description": "x"}`, 400, "name"},
			{"bad version", `{"name": "A", "version": "VOSTFR"}`, 400, "version"},
			{"oversize", `{"name": "A", "description": "` + strings.Repeat("x", 70_000) + `"}`, 413, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				status, body := e.do("POST", offers, mgr, tc.body)
				if status != tc.status {
					t.Errorf("status %d, want %d: %s", status, tc.status, body)
				}
				if got := decodeErr(t, body); got.Field != tc.field {
					t.Errorf("field %q, want %q", got.Field, tc.field)
				}
			})
		}
		_, list := e.do("GET", offers, mgr, nil)
		if n := strings.Count(string(list), `"id"`); n != 5 {
			t.Errorf("%d offers after refused requests, want the demo's 5: nothing half-written", n)
		}
		var offer struct{ ID int64 }
		_, body := e.do("POST", offers, mgr, map[string]any{"name": "A"})
		_ = json.Unmarshal(body, &offer)
		stocks := fmt.Sprintf("/pro/v1/offers/%d/stocks", offer.ID)
		for _, tc := range []struct {
			name, body, field string
		}{
			{"negative price", `{"startsAt": "2026-12-24T20:00:00Z", "priceCents": -100}`, "priceCents"},
			{"price over 300 €", `{"startsAt": "2026-12-24T20:00:00Z", "priceCents": 30001}`, "priceCents"},
			{"negative capacity", `{"startsAt": "2026-12-24T20:00:00Z", "priceCents": 500, "capacity": -1}`, "capacity"},
			{"missing start", `{"priceCents": 500}`, "startsAt"},
			{"bad date", `{"startsAt": "24/12/2026", "priceCents": 500}`, ""},
			{"booking limit after start", `{"startsAt": "2026-12-24T20:00:00Z", "bookingLimit": "2026-12-25T20:00:00Z", "priceCents": 500}`, "bookingLimit"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				status, body := e.do("POST", stocks, mgr, tc.body)
				if status != 400 {
					t.Errorf("status %d: %s", status, body)
				}
				if got := decodeErr(t, body); tc.field != "" && got.Field != tc.field {
					t.Errorf("field %q, want %q", got.Field, tc.field)
				}
			})
		}
		if status, body := e.do("GET", "/pro/v1/offers/abc", mgr, nil); status != 404 {
			t.Errorf("bad id: %d %s", status, body)
		}
	})
}

func TestHealthzAndOpenAPI(t *testing.T) {
	sqltest.Run(t, func(t *testing.T) {
		e := newEnv(t)
		if status, body := e.do("GET", "/healthz", "", nil); status != 200 || !strings.Contains(string(body), "ok") {
			t.Errorf("healthz: %d %s", status, body)
		}
		status, body := e.do("GET", "/openapi.json", "", nil)
		if status != 200 {
			t.Fatalf("openapi: %d", status)
		}
		var doc struct {
			OpenAPI string                    `json:"openapi"`
			Paths   map[string]map[string]any `json:"paths"`
		}
		if err := json.Unmarshal(body, &doc); err != nil || !strings.HasPrefix(doc.OpenAPI, "3.") {
			t.Fatalf("not an OpenAPI 3 document: %v", err)
		}
		documented := map[string]bool{}
		for path, ops := range doc.Paths {
			for method := range ops {
				if method == "parameters" {
					continue
				}
				documented[strings.ToUpper(method)+" "+path] = true
			}
		}
		// Every route served is documented, and every documented route is served.
		for _, route := range server.New(e.st, server.Options{}).Routes() {
			if !documented[route] {
				t.Errorf("route %s is not in openapi.json", route)
			}
			delete(documented, route)
		}
		for route := range documented {
			t.Errorf("openapi.json documents %s, which is not served", route)
		}
	})
}

func TestProAPI_CancelPaidBooking(t *testing.T) {
	sqltest.Run(t, func(t *testing.T) {
		e := newEnv(t)
		tok := e.reimbursed()
		b := e.booking(tok)
		status, body := e.do("POST", fmt.Sprintf("/pro/v1/bookings/%d/cancel", b.ID), e.demo.Keys.Manager, nil)
		if status != 403 || decodeErr(t, body).Message != app.MsgPaymentPending {
			t.Errorf("cancel of a paid booking: %d %s", status, body)
		}
		if got := e.booking(tok); got.Status != app.StatusReimbursed {
			t.Errorf("status %s", got.Status)
		}
	})
}

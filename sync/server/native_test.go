package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"guichet/sync/store/sqlstore/sqltest"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"guichet/app"
	"guichet/sync/auth"
	"guichet/sync/demo"
	"guichet/sync/protocol"
	"guichet/sync/server"
	"guichet/sync/store"
)

// clock is the server's injectable time.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time           { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration)      { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }
func (c *clock) Set(t time.Time)          { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }
func (e *nativeEnv) ctx() context.Context { return context.Background() }

// fresh returns an e-mail not used yet in this environment.
func (e *nativeEnv) fresh() string {
	e.seq++
	return fmt.Sprintf("jeune%d@example.org", e.seq)
}

// nativeEnv is the demo served with a controllable clock.
type nativeEnv struct {
	*env
	clock *clock
	hash  string
	seq   int
}

func newNativeEnv(t *testing.T) *nativeEnv {
	e := newEnv(t)
	clk := &clock{t: e.now}
	srv := httptest.NewServer(server.New(e.st, server.Options{Now: clk.Now, Limits: &server.Limits{}})) // limits: limits_test.go
	t.Cleanup(srv.Close)
	e.srv = srv
	hash, err := auth.HashPassword("mot-de-passe", bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	return &nativeEnv{env: e, clock: clk, hash: hash}
}

// beneficiary creates a beneficiary with password "mot-de-passe" and returns its sign-in token.
func (e *nativeEnv) beneficiary(email string) (*app.Beneficiary, string) {
	e.t.Helper()
	b := &app.Beneficiary{Email: email, FirstName: "Jeanne", LastName: "Test", Phone: "+33611111111",
		DateOfBirth: time.Date(2008, 1, 2, 0, 0, 0, 0, time.UTC), CreatedAt: e.now.Add(-time.Hour)}
	if err := e.st.CreateBeneficiary(e.ctx(), b); err != nil {
		e.t.Fatal(err)
	}
	if err := e.st.SetBeneficiaryPassword(e.ctx(), b.ID, e.hash); err != nil {
		e.t.Fatal(err)
	}
	return b, e.signin(email, "mot-de-passe")
}

func (e *nativeEnv) signin(email, password string) string {
	e.t.Helper()
	status, body := e.do("POST", "/native/v1/signin", "", map[string]string{"email": email, "password": password})
	if status != 200 {
		e.t.Fatalf("signin %s: %d %s", email, status, body)
	}
	var out protocol.Signin
	if err := json.Unmarshal(body, &out); err != nil || out.AccessToken == "" || out.ExpiresIn != 3600 {
		e.t.Fatalf("signin body %s", body)
	}
	return out.AccessToken
}

// stock adds a showtime to the demo venue's film i (by name; 3 is Parasite, the only one not
// duo) at start with capacity places at 7,50 €.
func (e *nativeEnv) stock(film int, start time.Time, capacity int) *app.Stock {
	e.t.Helper()
	offers, err := e.st.ListOffers(e.ctx(), e.demo.Venue.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	s := &app.Stock{OfferID: offers[film].ID, StartsAt: start, PriceCents: 750, Capacity: &capacity}
	if err := e.st.CreateStock(e.ctx(), s); err != nil {
		e.t.Fatal(err)
	}
	return s
}

func (e *nativeEnv) offer(id int64) *app.Offer {
	e.t.Helper()
	o, err := e.st.GetOffer(e.ctx(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return o
}

func (e *nativeEnv) book(token string, stockID int64, qty int) (int, []byte) {
	e.t.Helper()
	return e.do("POST", "/native/v1/bookings", token, map[string]any{"stockId": stockID, "quantity": qty})
}

func errMessage(t *testing.T, body []byte) string {
	t.Helper()
	var e protocol.Error
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("error body %q: %v", body, err)
	}
	return e.Message
}

// errReason returns the machine-readable reason of an error body ("" when it has none).
func errReason(t *testing.T, body []byte) string {
	t.Helper()
	var e map[string]any
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("error body %q: %v", body, err)
	}
	r, _ := e["reason"].(string)
	return r
}

// TestNative runs the native API's tests on one demo (seeding is the slow part), each with
// fresh beneficiaries and showtimes, the clock put back after each.
func TestNative(t *testing.T) {
	sqltest.Run(t, func(t *testing.T) {
		e := newNativeEnv(t)
		for _, c := range []struct {
			name string
			test func(*testing.T, *nativeEnv)
		}{
			{"Offers", testOffers}, {"Signin", testSignin}, {"Auth", testAuth}, {"Booking", testBooking},
			{"Cancel", testCancel}, {"ProAPI_CancelBookingByID", testProCancel}, {"Concurrent", testConcurrent},
			{"SignedTicket", testSignedTicket},
		} {
			t.Run(c.name, func(t *testing.T) {
				e.t = t
				defer e.clock.Set(e.now)
				c.test(t, e)
			})
		}
	})
}

func testSignin(t *testing.T, e *nativeEnv) {
	cred := e.demo.Beneficiaries[0]
	if cred.Password != demo.Password || !strings.HasSuffix(cred.Email, "@demo.guichet.test") || len(e.demo.Beneficiaries) != 30 {
		t.Errorf("demo credentials %+v (%d)", cred, len(e.demo.Beneficiaries))
	}
	e.signin(strings.ToUpper(cred.Email), cred.Password)
	noPassword := &app.Beneficiary{Email: "sans@example.org", FirstName: "A", LastName: "B", DateOfBirth: time.Now()}
	if err := e.st.CreateBeneficiary(e.ctx(), noPassword); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]any{
		"wrong password":    map[string]string{"email": cred.Email, "password": "nope"},
		"unknown e-mail":    map[string]string{"email": "personne@example.org", "password": demo.Password},
		"no password set":   map[string]string{"email": "sans@example.org", "password": ""},
		"empty credentials": map[string]string{"email": "", "password": ""},
	} {
		status, out := e.do("POST", "/native/v1/signin", "", body)
		if status != 401 || errMessage(t, out) != "Identifiant ou mot de passe incorrect." {
			t.Errorf("%s: %d %s", name, status, out)
		}
	}
	if status, _ := e.do("POST", "/native/v1/signin", "", `{"email":"a@b.c","password":"x","admin":true}`); status != 400 {
		t.Errorf("unknown field: %d", status)
	}
}

func testAuth(t *testing.T, e *nativeEnv) {
	_, token := e.beneficiary(e.fresh())
	forger, _ := auth.NewSigner([]byte(strings.Repeat("k", 32)))
	forged, _ := forger.Issue(1, e.now)
	parts := strings.Split(token, ".")
	tampered := parts[0] + "." + strings.TrimRight(parts[1], "=") + "x." + parts[2]
	if status, _ := e.do("GET", "/native/v1/bookings", token, nil); status != 200 {
		t.Fatalf("valid token: %d", status)
	}
	// Another server on the same database (a restart, a replica) accepts the token: the key is in the database.
	replica := httptest.NewServer(server.New(e.st, server.Options{}))
	defer replica.Close()
	req, _ := http.NewRequest("GET", replica.URL+"/native/v1/bookings", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("the replica refused the token: %v %v", err, resp)
	} else {
		resp.Body.Close()
	}
	for name, tok := range map[string]string{"missing": "", "garbage": "abc", "forged": forged, "tampered": tampered,
		"api key": e.demo.Keys.Manager} {
		status, body := e.do("GET", "/native/v1/bookings", tok, nil)
		if status != 401 || errMessage(t, body) == "" {
			t.Errorf("%s token: %d %s", name, status, body)
		}
	}
	e.clock.Add(61 * time.Minute)
	if status, body := e.do("POST", "/native/v1/bookings", token, map[string]any{"stockId": 1, "quantity": 1}); status != 401 ||
		errMessage(t, body) != "Jeton de connexion invalide ou expiré : reconnectez-vous." {
		t.Errorf("expired token: %d %s", status, body)
	}
	// A beneficiary token is not an API key either.
	if status, _ := e.do("GET", "/pro/v1/venues", token, nil); status != 401 {
		t.Errorf("beneficiary token on the pro API: %d", status)
	}
}

func testOffers(t *testing.T, e *nativeEnv) {
	for _, q := range []string{"", "?latitude=48.8", "?latitude=91&longitude=2", "?latitude=48.8&longitude=-181",
		"?latitude=x&longitude=2", "?latitude=48.8&longitude=2.4&radius=0", "?latitude=48.8&longitude=2.4&radius=-3",
		"?latitude=48.8&longitude=2.4&page=0", "?latitude=48.8&longitude=2.4&perPage=abc", "?latitude=NaN&longitude=2"} {
		if status, body := e.do("GET", "/native/v1/offers"+q, "", nil); status != 400 {
			t.Errorf("%q: %d %s", q, status, body)
		}
	}
	status, body := e.do("GET", "/native/v1/offers?latitude=48.8620&longitude=2.4410&radius=500&perPage=200", "", nil)
	if status != 200 {
		t.Fatalf("search: %d %s", status, body)
	}
	var out protocol.NativeShowtimes
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatal(err)
	}
	if out.RadiusKm != 100 || out.PerPage != 100 || out.Total == 0 || len(out.Showtimes) == 0 {
		t.Fatalf("radius %v, perPage %d, total %d, %d items", out.RadiusKm, out.PerPage, out.Total, len(out.Showtimes))
	}
	prev := ""
	for _, sh := range out.Showtimes {
		if sh.Venue.Name != "Cinéma Le Méliès" || sh.DistanceKm != 0 || sh.Offer.Name == "" || sh.PriceCents == 0 ||
			sh.RemainingPlaces == nil || sh.Venue.City != "Montreuil" {
			t.Fatalf("showtime %+v", sh)
		}
		start, _ := time.Parse(time.RFC3339, sh.StartsAt)
		if !start.After(e.now) || sh.StartsAt < prev {
			t.Errorf("not bookable or out of order: %s after %s", sh.StartsAt, prev)
		}
		prev = sh.StartsAt
	}
	// Lyon is 390 km away: only the Montreuil cinema is found, also around Lyon nothing from Paris.
	status, body = e.do("GET", "/native/v1/offers?latitude=45.7579&longitude=4.8336", "", nil)
	if err := json.Unmarshal(body, &out); status != 200 || err != nil || len(out.Showtimes) == 0 || out.Showtimes[0].Venue.City != "Lyon" {
		t.Errorf("around Lyon: %d %s", status, body)
	}
}

func testBooking(t *testing.T, e *nativeEnv) {
	me, token := e.beneficiary(e.fresh())
	st := e.stock(0, e.now.Add(5*24*time.Hour), 10)
	image := "https://example.org/affiche.jpg"
	if _, err := e.st.UpdateOffer(e.ctx(), st.OfferID, store.OfferPatch{ImageURL: &image}); err != nil {
		t.Fatal(err)
	}
	status, body := e.book(token, st.ID, 2)
	if status != 201 {
		t.Fatalf("book: %d %s", status, body)
	}
	var res protocol.NativeBookingResult
	if err := json.Unmarshal(body, &res); err != nil {
		t.Fatal(err)
	}
	// The offer's duration and image, the venue's street, postal code and city, each in its field.
	venue, err := e.st.GetVenue(e.ctx(), e.demo.Venue.ID)
	if err != nil {
		t.Fatal(err)
	}
	offer := e.offer(st.OfferID)
	if res.Offer.DurationMinutes != offer.DurationMinutes || offer.DurationMinutes == 0 || res.Offer.ImageURL != image ||
		res.Venue.Address != venue.Address || res.Venue.PostalCode != venue.PostalCode || res.Venue.City != venue.City ||
		venue.PostalCode == "" || venue.City == "" {
		t.Errorf("booked offer %+v venue %+v, want %d min, %s, %q %q %q", res.Offer, res.Venue, offer.DurationMinutes, image,
			venue.Address, venue.PostalCode, venue.City)
	}
	if len(res.Token) != 6 || !strings.HasPrefix(res.QRCodeData, "PASSCULTURE:v3;GS:") ||
		!strings.HasSuffix(res.QRCodeData, ";TOKEN:"+res.Token) || res.Status != "CONFIRMED" ||
		res.Quantity != 2 || res.TotalCents != 1500 || res.RemainingCreditCents != 300_00-1500 || res.CancellationLimitDate == nil {
		t.Errorf("booking %+v", res)
	}
	if limit, _ := time.Parse(time.RFC3339, *res.CancellationLimitDate); !limit.Equal(e.now.Add(48 * time.Hour).Truncate(time.Second)) {
		t.Errorf("cancellation limit %s, want booked + 48 h", *res.CancellationLimitDate)
	}
	if s, _ := e.st.GetStock(e.ctx(), st.ID); s.Booked != 2 {
		t.Errorf("stock booked %d", s.Booked)
	}
	status, body = e.do("GET", "/native/v1/bookings", token, nil)
	var mine protocol.NativeBookings
	if err := json.Unmarshal(body, &mine); status != 200 || err != nil || len(mine.Bookings) != 1 || mine.Bookings[0].Token != res.Token ||
		mine.RemainingCreditCents != 300_00-1500 || mine.Bookings[0].Offer != res.Offer || mine.Bookings[0].Venue != res.Venue {
		t.Errorf("my bookings: %d %s", status, body)
	}

	// Bad input, each with pass Culture's message.
	past := e.stock(1, e.now.Add(-time.Hour), 10)
	deleted := e.stock(1, e.now.Add(72*time.Hour), 10)
	if _, err := e.st.DeleteStock(e.ctx(), deleted.ID, e.now); err != nil {
		t.Fatal(err)
	}
	inactive := e.stock(2, e.now.Add(72*time.Hour), 10)
	if _, err := e.st.UpdateOffer(e.ctx(), inactive.OfferID, store.OfferPatch{Active: new(bool)}); err != nil {
		t.Fatal(err)
	}
	solo := e.stock(3, e.now.Add(72*time.Hour), 10) // Parasite is not duo
	again := e.stock(0, e.now.Add(96*time.Hour), 10)
	pricey := &app.Stock{OfferID: solo.OfferID, StartsAt: e.now.Add(80 * time.Hour), PriceCents: 300_00}
	if err := e.st.CreateStock(e.ctx(), pricey); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name    string
		stock   int64
		qty     int
		status  int
		message string
		reason  string
	}{
		{"unknown stock", 999999, 1, 404, "Séance introuvable.", ""},
		{"quantity 0", deleted.ID, 0, 400, "Vous devez réserver une place ou deux dans le cas d'une offre DUO.", ""},
		{"quantity 3", past.ID, 3, 400, "Vous devez réserver une place ou deux dans le cas d'une offre DUO.", ""},
		{"duo of a solo offer", solo.ID, 2, 400, "Vous ne pouvez réserver qu'une place pour cette offre.", ""},
		{"3 places of a solo offer", solo.ID, 3, 400, "Vous ne pouvez réserver qu'une place pour cette offre.", ""},
		{"0 places of a solo offer", solo.ID, 0, 400, "Vous ne pouvez réserver qu'une place pour cette offre.", ""},
		{"past showtime", past.ID, 1, 400, "Ce stock n'est pas réservable", "STOCK_NOT_BOOKABLE"},
		{"deleted showtime", deleted.ID, 1, 400, "Ce stock n'est pas réservable", "STOCK_NOT_BOOKABLE"},
		{"deactivated offer", inactive.ID, 1, 400, "Ce stock n'est pas réservable", "STOCK_NOT_BOOKABLE"},
		{"same offer twice", again.ID, 1, 409, "Cette offre a déjà été reservée par l'utilisateur", "ALREADY_BOOKED"},
		{"same offer twice, 3 places", again.ID, 3, 409, "Cette offre a déjà été reservée par l'utilisateur", "ALREADY_BOOKED"},
		{"over the balance", pricey.ID, 1, 400, "Le solde de votre pass est insuffisant pour réserver cette offre.", "INSUFFICIENT_CREDIT"},
	} {
		status, body := e.book(token, c.stock, c.qty)
		if status != c.status || errMessage(t, body) != c.message || errReason(t, body) != c.reason {
			t.Errorf("%s: %d %s, want %d %q reason %q", c.name, status, body, c.status, c.message, c.reason)
		}
	}
	for _, raw := range []string{`{"stockId": "1", "quantity": 1}`, `{"quantity": 1}`, `{"stockId": 1, "quantity": 1, "price": 0}`, `[`} {
		if status, _ := e.do("POST", "/native/v1/bookings", token, raw); status != 400 {
			t.Errorf("%s: %d", raw, status)
		}
	}
	if b, _ := e.st.GetBeneficiary(e.ctx(), me.ID); b.SpentCents != 1500 {
		t.Errorf("refusals changed the credit: %d", b.SpentCents)
	}
}

func testCancel(t *testing.T, e *nativeEnv) {
	me, token := e.beneficiary(e.fresh())
	_, other := e.beneficiary(e.fresh())
	early := e.stock(0, e.now.Add(5*24*time.Hour), 10)
	lastMinute := e.stock(1, e.now.Add(24*time.Hour), 10)
	var a, b protocol.NativeBookingResult
	for _, x := range []struct {
		st  *app.Stock
		out *protocol.NativeBookingResult
	}{{early, &a}, {lastMinute, &b}} {
		status, body := e.book(token, x.st.ID, 1)
		if status != 201 {
			t.Fatalf("book: %d %s", status, body)
		}
		_ = json.Unmarshal(body, x.out)
	}
	path := func(id int64) string { return fmt.Sprintf("/native/v1/bookings/%d/cancel", id) }
	if status, _ := e.do("POST", path(a.ID), other, nil); status != 404 {
		t.Errorf("another beneficiary's booking: %d", status)
	}
	for _, p := range []string{path(999999), "/native/v1/bookings/abc/cancel"} {
		if status, _ := e.do("POST", p, token, nil); status != 404 {
			t.Errorf("%s: %d", p, status)
		}
	}
	status, body := e.do("POST", path(b.ID), token, nil)
	if status != 400 || errMessage(t, body) != app.MsgTooLateToCancel || errReason(t, body) != "CONFIRMED_BOOKING" ||
		errMessage(t, body) != "Impossible d'annuler une réservation plus de 48h après l'avoir réservée et moins de 48h avant le début de l'évènement" {
		t.Errorf("last-minute booking: %d %s", status, body)
	}
	e.clock.Add(47 * time.Hour)
	token = e.signin(me.Email, "mot-de-passe") // the first token expired meanwhile
	status, body = e.do("POST", path(a.ID), token, nil)
	var res protocol.NativeBookingResult
	if err := json.Unmarshal(body, &res); status != 200 || err != nil || res.Status != "CANCELLED" || res.RemainingCreditCents != 300_00-750 {
		t.Errorf("cancel in time: %d %s", status, body)
	}
	if s, _ := e.st.GetStock(e.ctx(), early.ID); s.Booked != 0 {
		t.Errorf("places not returned: %d", s.Booked)
	}
	if status, body := e.do("POST", path(a.ID), token, nil); status != 400 || errMessage(t, body) != app.MsgAlreadyCancelled ||
		errReason(t, body) != "ALREADY_CANCELLED" {
		t.Errorf("cancel twice: %d %s", status, body)
	}
}

func testProCancel(t *testing.T, e *nativeEnv) {
	me, token := e.beneficiary(e.fresh())
	st := e.stock(0, e.now.Add(24*time.Hour), 10) // last minute: the beneficiary could not cancel it
	status, body := e.book(token, st.ID, 2)
	var res protocol.NativeBookingResult
	if err := json.Unmarshal(body, &res); status != 201 || err != nil {
		t.Fatalf("book: %d %s", status, body)
	}
	path := fmt.Sprintf("/pro/v1/bookings/%d/cancel", res.ID)
	for name, c := range map[string]struct {
		key    string
		status int
	}{"other offerer": {e.demo.Keys.OtherOfferer, 404}, "cashier": {e.demo.Keys.Cashier, 403}, "no key": {"", 401},
		"beneficiary token": {token, 401}} {
		if status, body := e.do("POST", path, c.key, nil); status != c.status {
			t.Errorf("%s: %d %s, want %d", name, status, body, c.status)
		}
	}
	if status, body := e.do("POST", "/pro/v1/bookings/999999/cancel", e.demo.Keys.Manager, nil); status != 404 {
		t.Errorf("unknown booking: %d %s", status, body)
	}
	if status, body := e.do("POST", path, e.demo.Keys.Manager, nil); status != 204 {
		t.Fatalf("cancel: %d %s", status, body)
	}
	ben, _ := e.st.GetBeneficiary(e.ctx(), me.ID)
	s, _ := e.st.GetStock(e.ctx(), st.ID)
	if ben.SpentCents != 0 || s.Booked != 0 {
		t.Errorf("after the venue cancelled: spent %d, booked %d", ben.SpentCents, s.Booked)
	}
	if status, body := e.do("POST", path, e.demo.Keys.Manager, nil); status != 410 || errMessage(t, body) != app.MsgAlreadyCancelled {
		t.Errorf("cancel twice: %d %s", status, body)
	}
	// A used booking cannot be cancelled by the venue.
	used := e.booking(e.demo.Tokens.Used[0])
	if status, body := e.do("POST", fmt.Sprintf("/pro/v1/bookings/%d/cancel", used.ID), e.demo.Keys.Manager, nil); status != 403 ||
		errMessage(t, body) != app.MsgCannotCancelUsed {
		t.Errorf("used booking: %d %s", status, body)
	}
	ns, _ := e.st.ListNotifications(e.ctx(), res.ID)
	if len(ns) != 4 || ns[2].Event != store.EventCancelled || ns[2].Reason != app.CancelledByOfferer {
		t.Errorf("notifications %+v", ns)
	}
}

func testConcurrent(t *testing.T, e *nativeEnv) {
	t.Run("50 bookings at a 10-place showtime get 10", func(t *testing.T) {
		st := e.stock(1, e.now.Add(72*time.Hour), 10) // film 2 is deactivated by testBooking
		tokens := make([]string, 50)
		for i := range tokens {
			_, tokens[i] = e.beneficiary(e.fresh())
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		codes := map[int]int{}
		for _, tok := range tokens {
			wg.Add(1)
			go func() {
				defer wg.Done()
				status, body := e.book(tok, st.ID, 1)
				mu.Lock()
				defer mu.Unlock()
				codes[status]++
				if status == 400 && errMessage(t, body) != "Ce stock n'est pas réservable" {
					t.Errorf("refusal %s", body)
				}
			}()
		}
		wg.Wait()
		s, _ := e.st.GetStock(e.ctx(), st.ID)
		if codes[201] != 10 || codes[400] != 40 || s.Booked != 10 {
			t.Errorf("statuses %v, booked %d; want 10 × 201, 40 × 400, 10 booked", codes, s.Booked)
		}
	})
	t.Run("two bookings racing past the balance get one", func(t *testing.T) {
		b, token := e.beneficiary(e.fresh())
		// Spend 290 € first so that 10 € are left; then race two 7,50 € bookings of two films.
		first := e.stock(0, e.now.Add(72*time.Hour), 10)
		big := e.stock(4, e.now.Add(74*time.Hour), 10)
		bigPrice := int64(290_00)
		if _, err := e.st.UpdateStock(e.ctx(), big.ID, store.StockPatch{PriceCents: &bigPrice}, e.now); err != nil {
			t.Fatal(err)
		}
		if status, body := e.book(token, big.ID, 1); status != 201 {
			t.Fatalf("290 € booking: %d %s", status, body)
		}
		second := e.stock(1, e.now.Add(72*time.Hour), 10)
		results := make(chan int, 2)
		for _, st := range []*app.Stock{first, second} {
			go func() { status, _ := e.book(token, st.ID, 1); results <- status }()
		}
		r1, r2 := <-results, <-results
		if (r1 == 201) == (r2 == 201) {
			t.Errorf("statuses %d and %d: want exactly one booking", r1, r2)
		}
		if ben, _ := e.st.GetBeneficiary(e.ctx(), b.ID); ben.SpentCents != 290_00+750 {
			t.Errorf("spent %d", ben.SpentCents)
		}
	})
}

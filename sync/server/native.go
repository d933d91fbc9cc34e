package server

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"guichet/app"
	"guichet/sync/auth"
	"guichet/sync/protocol"
	"guichet/sync/store"
)

// native serves the beneficiaries' API (/native/v1): sign-in, discovery, bookings.
type native struct {
	*Server
	mu     sync.Mutex
	signer *auth.Signer
}

// dummyHash is a bcrypt hash (default cost) of a password nobody has: an unknown e-mail is
// compared against it so that the answer takes as long as for a known one.
const dummyHash = "$2a$10$fE/ZR30wDSXRCfMKQPyoa.6Z6x8h88Iv/8YMemv9kwVbJ02Roai1a"

// Messages of the native API.
const (
	msgSigninFailed = "Identifiant ou mot de passe incorrect."
	msgTokenMissing = "Authentification requise : en-tête Authorization: Bearer <jeton de connexion>."
	msgTokenInvalid = "Jeton de connexion invalide ou expiré : reconnectez-vous."
)

func (s *Server) registerNative() {
	n := &native{Server: s}
	s.handle("POST /native/v1/signin", n.signin)
	s.handle("GET /native/v1/offers", n.searchOffers)
	s.handle("GET /native/v1/bookings", n.auth(n.listBookings))
	s.handle("POST /native/v1/bookings", n.auth(n.book))
	s.handle("POST /native/v1/bookings/{bookingId}/cancel", n.auth(n.cancel))
	s.handle("POST /pro/v1/bookings/{bookingId}/cancel", s.auth(app.RoleManager, s.cancelBookingByID))
}

// getSigner loads the signing key from the store once.
func (n *native) getSigner(ctx context.Context) (*auth.Signer, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.signer != nil {
		return n.signer, nil
	}
	key, err := n.store.Secret(ctx, auth.SecretName, auth.SecretSize)
	if err != nil {
		return nil, err
	}
	if n.signer, err = auth.NewSigner(key); err != nil {
		return nil, err
	}
	return n.signer, nil
}

func (n *native) signin(w http.ResponseWriter, r *http.Request) {
	var in protocol.SigninInput
	if err := decode(r, &in); err != nil {
		n.writeError(w, r, err)
		return
	}
	if !n.allowSignin(w, r, in.Email) {
		return
	}
	ben, hash, err := n.store.BeneficiaryCredentials(r.Context(), in.Email)
	if err != nil && app.ErrorCode(err) != app.ENOTFOUND {
		n.writeError(w, r, err)
		return
	}
	if ben == nil {
		hash = dummyHash // an unknown e-mail takes as long as a known one
	}
	match, ok := n.checkPassword(r.Context(), func() bool { return auth.CheckPassword(hash, in.Password) })
	if !ok {
		tooMany(w, time.Second)
		return
	}
	if ben == nil || !match {
		n.writeError(w, r, app.Errorf(app.EUNAUTHORIZED, msgSigninFailed))
		return
	}
	signer, err := n.getSigner(r.Context())
	var tok string
	if err == nil {
		tok, err = signer.Issue(ben.ID, n.now())
	}
	if err != nil {
		n.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, protocol.Signin{AccessToken: tok, TokenType: "Bearer", ExpiresIn: int(auth.TokenTTL.Seconds())})
}

// auth wraps a handler with beneficiary authentication by sign-in token.
func (n *native) auth(h func(http.ResponseWriter, *http.Request, *app.Beneficiary)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok, ok := bearer(r)
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="guichet-native"`)
			n.writeError(w, r, app.Errorf(app.EUNAUTHORIZED, msgTokenMissing))
			return
		}
		signer, err := n.getSigner(r.Context())
		if err != nil {
			n.writeError(w, r, err)
			return
		}
		id, err := signer.Verify(tok, n.now())
		var ben *app.Beneficiary
		if err == nil {
			ben, err = n.store.GetBeneficiary(r.Context(), id)
			if app.ErrorCode(err) == app.ENOTFOUND {
				err = auth.ErrBadToken
			}
		}
		if errors.Is(err, auth.ErrBadToken) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="guichet-native", error="invalid_token"`)
			n.writeError(w, r, app.Errorf(app.EUNAUTHORIZED, msgTokenInvalid))
			return
		}
		if err != nil {
			n.writeError(w, r, err)
			return
		}
		h(w, r, ben)
	}
}

// queryFloat reads an optional number from the query string.
func queryFloat(r *http.Request, name string, def, lo, hi float64, msg string) (float64, error) {
	raw := r.URL.Query().Get(name)
	if raw == "" {
		if math.IsNaN(def) {
			return 0, app.FieldError(name, msg)
		}
		return def, nil
	}
	v, err := strconv.ParseFloat(raw, 64)
	if err != nil || math.IsNaN(v) || v < lo || v > hi {
		return 0, app.FieldError(name, msg)
	}
	return v, nil
}

// maxPage bounds page numbers: no offset computed from them can overflow.
const maxPage = 1_000_000

func queryInt(r *http.Request, name string, def, lo int, msg string) (int, error) {
	raw := r.URL.Query().Get(name)
	if raw == "" {
		return def, nil
	}
	v, err := strconv.Atoi(raw)
	if err != nil || v < lo || v > maxPage {
		return 0, app.FieldError(name, msg)
	}
	return v, nil
}

// Discovery limits of the API.
const (
	defaultRadiusKm = 20
	maxRadiusKm     = 100
	maxPerPage      = 100
)

func (n *native) searchOffers(w http.ResponseWriter, r *http.Request) {
	q := store.ShowtimeSearch{}
	var err error
	if q.Latitude, err = queryFloat(r, "latitude", math.NaN(), -90, 90, "La latitude est obligatoire et doit être comprise entre -90 et 90."); err != nil {
		n.writeError(w, r, err)
		return
	}
	if q.Longitude, err = queryFloat(r, "longitude", math.NaN(), -180, 180, "La longitude est obligatoire et doit être comprise entre -180 et 180."); err != nil {
		n.writeError(w, r, err)
		return
	}
	if q.RadiusKm, err = queryFloat(r, "radius", defaultRadiusKm, 0.001, math.MaxFloat64, "Le rayon (en km) doit être un nombre positif."); err != nil {
		n.writeError(w, r, err)
		return
	}
	q.RadiusKm = min(q.RadiusKm, maxRadiusKm)
	if q.Page, err = queryInt(r, "page", 1, 1, "La page doit être un entier positif."); err != nil {
		n.writeError(w, r, err)
		return
	}
	if q.Per, err = queryInt(r, "perPage", 20, 1, "Le nombre de résultats par page doit être un entier positif."); err != nil {
		n.writeError(w, r, err)
		return
	}
	q.Per = min(q.Per, maxPerPage)
	page, err := n.store.SearchShowtimes(r.Context(), q, n.now())
	if err != nil {
		n.writeError(w, r, err)
		return
	}
	out := protocol.NativeShowtimes{Showtimes: make([]protocol.NativeShowtime, len(page.Items)), Total: page.Total,
		Page: page.Page, PerPage: page.Per, RadiusKm: q.RadiusKm}
	for i := range page.Items {
		out.Showtimes[i] = showtimeOf(&page.Items[i])
	}
	writeJSON(w, http.StatusOK, out)
}

// result answers a booking or a cancellation with the credit left.
func (n *native) result(w http.ResponseWriter, r *http.Request, status int, b *app.Booking, benID int64) {
	ben, err := n.store.GetBeneficiary(r.Context(), benID)
	if err != nil {
		n.writeError(w, r, err)
		return
	}
	writeJSON(w, status, protocol.NativeBookingResult{NativeBooking: n.nativeBooking(r.Context(), b),
		RemainingCreditCents: ben.RemainingCents(n.now()), CreditExpiresAt: protocol.Time(ben.DepositExpires)})
}

func (n *native) book(w http.ResponseWriter, r *http.Request, ben *app.Beneficiary) {
	var in protocol.NativeBookingInput
	if err := decode(r, &in); err != nil {
		n.writeError(w, r, err)
		return
	}
	if in.StockID <= 0 {
		n.writeError(w, r, app.FieldError("stockId", "Le champ stockId est obligatoire."))
		return
	}
	b, err := n.store.CreateBooking(r.Context(), store.BookingRequest{BeneficiaryID: ben.ID, StockID: in.StockID, Quantity: in.Quantity}, n.now())
	if err != nil {
		n.writeError(w, r, err)
		return
	}
	n.result(w, r, http.StatusCreated, b, ben.ID)
}

func (n *native) listBookings(w http.ResponseWriter, r *http.Request, ben *app.Beneficiary) {
	bs, err := n.store.ListBeneficiaryBookings(r.Context(), ben.ID)
	if err != nil {
		n.writeError(w, r, err)
		return
	}
	out := protocol.NativeBookings{Bookings: make([]protocol.NativeBooking, len(bs)),
		RemainingCreditCents: ben.RemainingCents(n.now()), CreditExpiresAt: protocol.Time(ben.DepositExpires)}
	for i := range bs {
		out.Bookings[i] = n.nativeBooking(r.Context(), &bs[i])
	}
	writeJSON(w, http.StatusOK, out)
}

func (n *native) cancel(w http.ResponseWriter, r *http.Request, ben *app.Beneficiary) {
	id, err := pathID(r, "bookingId")
	var b *app.Booking
	if err == nil {
		b, err = n.store.CancelBookingByBeneficiary(r.Context(), ben.ID, id, n.now())
	}
	if err != nil {
		n.writeError(w, r, err)
		return
	}
	n.result(w, r, http.StatusOK, b, ben.ID)
}

// cancelBookingByID lets a venue cancel one of its bookings by id (pro API); the credit returns.
func (s *Server) cancelBookingByID(w http.ResponseWriter, r *http.Request, k *app.APIKey) {
	id, err := pathID(r, "bookingId")
	var b *app.Booking
	if err == nil {
		b, err = s.store.GetBooking(r.Context(), id)
	}
	if err == nil && b.OffererID != k.OffererID {
		err = app.Errorf(app.ENOTFOUND, "Réservation introuvable.")
	}
	var out app.Outcome
	if err == nil {
		out, err = s.store.CancelBookingByOfferer(r.Context(), k.OffererID, b.Token, validator(k, r), s.now())
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	switch out.Code {
	case app.OutcomeCancelledOK:
		w.WriteHeader(http.StatusNoContent)
	case app.OutcomeAlreadyCanceled:
		s.writeError(w, r, app.Errorf(app.EGONE, "%s", out.Message))
	case app.OutcomeNotFound, app.OutcomeOtherOfferer:
		s.writeError(w, r, app.Errorf(app.ENOTFOUND, "Réservation introuvable."))
	default:
		s.writeError(w, r, app.Errorf(app.EFORBIDDEN, "%s", out.Message))
	}
}

// showtimeOf converts a discovery result; the distance is rounded to 10 m.
func showtimeOf(sh *store.Showtime) protocol.NativeShowtime {
	out := protocol.NativeShowtime{
		DistanceKm: float64(int64(sh.DistanceKm*100+0.5)) / 100,
		Venue: protocol.NativeVenue{ID: sh.Venue.ID, Name: sh.Venue.Name, Address: sh.Venue.Address, PostalCode: sh.Venue.PostalCode,
			City: sh.Venue.City},
		Offer: protocol.NativeOffer{ID: sh.Offer.ID, Name: sh.Offer.Name, Version: sh.Offer.Version,
			DurationMinutes: sh.Offer.DurationMinutes, ImageURL: sh.Offer.ImageURL, Duo: sh.Offer.Duo},
		StockID: sh.Stock.ID, StartsAt: protocol.Time(sh.Stock.StartsAt), PriceCents: sh.Stock.PriceCents,
	}
	if r := sh.Stock.Remaining(); r >= 0 {
		out.RemainingPlaces = &r
	}
	return out
}

// nativeBooking converts a booking for the beneficiary's app, with its signed QR payload (the
// plain one if signing fails: the countermark still works online and in the copies).
func (n *native) nativeBooking(ctx context.Context, b *app.Booking) protocol.NativeBooking {
	nb := protocol.NativeBookingOf(b)
	if b.Status == app.StatusCancelled {
		return nb
	}
	payload, err := n.tickets.Payload(ctx, b)
	if err != nil {
		n.log.Error("sign ticket", "booking", b.ID, "err", err)
		return nb
	}
	nb.QRCodeData = payload
	return nb
}

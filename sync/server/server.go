// Package server is the sync server's HTTP API: the pro API (venues, offers, showtimes,
// bookings), pass Culture's countermark API (v2 and public v1) so that existing box-office
// software can point at it, health and the OpenAPI description. It depends on the store
// interface only.
package server

import (
	"compress/gzip"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"guichet/app"
	"guichet/sync/metrics"
	"guichet/sync/protocol"
	"guichet/sync/store"
	"guichet/sync/tickets"
)

// DefaultMaxBody caps request bodies.
const DefaultMaxBody = 64 << 10

// MaxPushBody caps a push of scans.
const MaxPushBody = 1 << 20

// Options configure a server.
type Options struct {
	Logger  *slog.Logger
	Now     func() time.Time // the clock (time.Now when nil)
	MaxBody int64            // request body cap in bytes (DefaultMaxBody when 0)
	Imports AllocineImporter // runs Allociné imports on demand; nil answers 503
	Metrics *metrics.Metrics // served at /metrics (a set of its own when nil)
	Ready   func() bool      // /readyz fails while it is false (always ready when nil)
	// Limits are the rate limits; nil means DefaultLimits(), &Limits{} limits nothing.
	Limits *Limits
	// MetricsToken, when set, is the bearer token /metrics asks for (served to anyone otherwise:
	// then keep it private at the reverse proxy).
	MetricsToken string
}

// Server serves the HTTP API over a store.
type Server struct {
	store        store.Store
	log          *slog.Logger
	now          func() time.Time
	maxBody      int64
	mux          *http.ServeMux
	locs         sync.Map // time zone name → *time.Location
	routes       []string
	imports      AllocineImporter
	metrics      *metrics.Metrics
	ready        func() bool
	metricsToken string
	lim          *limiters
	tickets      *tickets.Signer // signs the QR payloads of bookings (issue 16)
}

// New returns a server over st.
func New(st store.Store, o Options) *Server {
	s := &Server{store: st, log: o.Logger, now: o.Now, maxBody: o.MaxBody, mux: http.NewServeMux(), imports: o.Imports,
		metrics: o.Metrics, ready: o.Ready, metricsToken: o.MetricsToken}
	if s.metrics == nil {
		s.metrics = metrics.New()
	}
	if s.ready == nil {
		s.ready = func() bool { return true }
	}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.maxBody <= 0 {
		s.maxBody = DefaultMaxBody
	}
	lim := DefaultLimits()
	if o.Limits != nil {
		lim = *o.Limits
	}
	s.lim = newLimiters(lim)
	s.tickets = tickets.New(st, s.now)
	s.register()
	return s
}

// handle registers a route and remembers its pattern for Routes.
func (s *Server) handle(pattern string, h http.HandlerFunc) {
	s.mux.HandleFunc(pattern, h)
	s.routes = append(s.routes, pattern)
}

// Routes lists the patterns served ("GET /healthz"…), for documentation checks.
func (s *Server) Routes() []string { return append([]string(nil), s.routes...) }

func (s *Server) register() {
	m := s
	m.handle("GET /healthz", s.healthz)
	m.handle("GET /readyz", s.readyz)
	m.handle("GET /metrics", s.serveMetrics(s.metrics.Handler()))
	m.handle("GET /openapi.json", serveOpenAPI)

	// pass Culture's countermark API, v2 (French errors) and public v1 (English errors).
	for _, g := range []generation{v2, v1} {
		m.handle("GET "+g.prefix+"/token/{token}", s.auth(app.RoleCashier, s.countermarkGet(g)))
		m.handle("PATCH "+g.prefix+"/use/token/{token}", s.auth(app.RoleCashier, s.countermarkUse(g)))
		m.handle("PATCH "+g.prefix+"/keep/token/{token}", s.auth(app.RoleCashier, s.countermarkKeep(g)))
		m.handle("PATCH "+g.prefix+"/cancel/token/{token}", s.auth(app.RoleCashier, s.countermarkCancel(g)))
	}

	// The pro API.
	m.handle("GET /pro/v1/venues", s.auth(app.RoleCashier, s.listVenues))
	m.handle("GET /pro/v1/venues/{venueId}", s.auth(app.RoleCashier, s.getVenue))
	m.handle("GET /pro/v1/venues/{venueId}/offers", s.auth(app.RoleCashier, s.listOffers))
	m.handle("POST /pro/v1/venues/{venueId}/offers", s.auth(app.RoleManager, s.createOffer))
	m.handle("GET /pro/v1/venues/{venueId}/bookings", s.auth(app.RoleCashier, s.listBookings))
	m.handle("GET /pro/v1/offers/{offerId}", s.auth(app.RoleCashier, s.getOffer))
	m.handle("PATCH /pro/v1/offers/{offerId}", s.auth(app.RoleManager, s.updateOffer))
	m.handle("GET /pro/v1/offers/{offerId}/stocks", s.auth(app.RoleCashier, s.listStocks))
	m.handle("POST /pro/v1/offers/{offerId}/stocks", s.auth(app.RoleManager, s.createStock))
	m.handle("GET /pro/v1/stocks/{stockId}", s.auth(app.RoleCashier, s.getStock))
	m.handle("PATCH /pro/v1/stocks/{stockId}", s.auth(app.RoleManager, s.updateStock))
	m.handle("DELETE /pro/v1/stocks/{stockId}", s.auth(app.RoleManager, s.deleteStock))

	s.registerSync()
	s.registerNative()
	s.registerProgramme()
	s.registerPayouts()
	s.registerKeys()
}

// ServeHTTP serves a request: panics are logged and answered with a plain 500, every request is
// logged without its secrets.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	defer func() {
		if v := recover(); v != nil {
			s.log.Error("panic", "method", r.Method, "path", r.Pattern, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if !rec.wrote {
				writeJSON(rec, http.StatusInternalServerError, protocol.Error{Code: app.EINTERNAL, Message: "Erreur interne."})
			}
		}
		d := time.Since(start)
		s.metrics.Request(r.Pattern, rec.status, d)
		s.log.Info("request", "method", r.Method, "route", r.Pattern, "status", rec.status,
			"duration_ms", float64(d.Microseconds())/1000)
	}()
	if r.Body != nil {
		limit := s.maxBody
		if r.URL.Path == "/sync/v1/scans" {
			limit = max(limit, MaxPushBody) // a device's queue, up to 500 scans
		}
		if r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, "/image") {
			limit = max(limit, MaxImageBody) // an offer's image file (issue 6)
		}
		r.Body = http.MaxBytesReader(rec, r.Body, limit)
		if strings.HasPrefix(r.URL.Path, "/sync/v1/") && r.Header.Get("Content-Encoding") == "gzip" {
			gz, err := gzip.NewReader(r.Body)
			if err != nil {
				writeJSON(rec, http.StatusBadRequest, protocol.Error{Code: app.EINVALID, Message: "Corps gzip illisible."})
				return
			}
			r.Body = http.MaxBytesReader(rec, gzipBody{gz, r.Body}, limit) // capped once inflated too
			r.Header.Del("Content-Encoding")
		}
	}
	if strings.HasPrefix(r.URL.Path, "/sync/v1/") && acceptsGzip(r) {
		gz := gzipWriters.Get().(*gzip.Writer)
		gz.Reset(rec)
		w := &gzipResponse{ResponseWriter: rec, gz: gz}
		defer w.close()
		s.mux.ServeHTTP(w, r)
		return
	}
	if !s.allowIP(rec, r) {
		return
	}
	s.route(rec, r)
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (r *statusRecorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.ResponseWriter.Write(b)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.log.Error("healthz", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz says whether this replica should get traffic: not while it starts (migrations) or
// drains for a shutdown, nor when its database does not answer.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if !s.ready() {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "not ready"})
		return
	}
	s.healthz(w, r)
}

type keyCtx struct{}

// auth wraps a handler with bearer-key authentication; min is the least role allowed (a
// manager can do everything a cashier can).
func (s *Server) auth(min app.Role, h func(w http.ResponseWriter, r *http.Request, k *app.APIKey)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		clear, ok := bearer(r)
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="guichet"`)
			s.writeError(w, r, app.Errorf(app.EUNAUTHORIZED, "Authentification requise : en-tête Authorization: Bearer <clé d'API>."))
			return
		}
		k, err := s.store.Authenticate(r.Context(), clear)
		if err == nil && k.OffererID <= 0 { // offerer 0 never means "all"
			err = app.Errorf(app.EUNAUTHORIZED, "Clé d'API sans structure.")
		}
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="guichet", error="invalid_token"`)
			s.writeError(w, r, err)
			return
		}
		if !s.allowKey(w, k) {
			return
		}
		if err := checkDeviceHeader(r); err != nil {
			s.writeError(w, r, err)
			return
		}
		if min == app.RoleManager && k.Role != app.RoleManager {
			s.writeError(w, r, app.Errorf(app.EFORBIDDEN, "Cette action est réservée aux responsables (clé « manager »)."))
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), keyCtx{}, k)), k)
	}
}

// serveMetrics serves h, asking for the metrics token when one is set (compared in constant time).
func (s *Server) serveMetrics(h http.Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.metricsToken != "" {
			cred, ok := bearer(r)
			if !ok || subtle.ConstantTimeCompare([]byte(cred), []byte(s.metricsToken)) != 1 {
				w.Header().Set("WWW-Authenticate", `Bearer realm="guichet-metrics"`)
				s.writeError(w, r, app.Errorf(app.EUNAUTHORIZED, "Jeton des métriques requis : en-tête Authorization: Bearer <jeton>."))
				return
			}
		}
		h.ServeHTTP(w, r)
	}
}

// bearer returns the credentials of an "Authorization: Bearer …" header; the scheme is
// case-insensitive (RFC 9110) and blanks around the credentials are ignored.
func bearer(r *http.Request) (string, bool) {
	scheme, cred, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	cred = strings.TrimSpace(cred)
	if !ok || !strings.EqualFold(scheme, "Bearer") || cred == "" {
		return "", false
	}
	return cred, true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if v != nil {
		_ = json.NewEncoder(w).Encode(v)
	}
}

// writeError answers a domain error with its status; anything else is logged and answered with
// a generic 500 that reveals nothing.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var e *app.Error
	if !errors.As(err, &e) {
		s.log.Error("internal error", "method", r.Method, "route", r.Pattern, "err", err)
		e = &app.Error{Code: app.EINTERNAL, Message: "Erreur interne."}
	}
	body := protocol.Error{Code: e.Code, Message: e.Message, Field: e.Field, Reason: e.Reason}
	var kr *app.KeyRevoked
	if errors.As(err, &kr) {
		body.OfflineUntil = protocol.Time(kr.OfflineUntil)
	}
	writeJSON(w, protocol.StatusOf(e.Code), body)
}

// decode reads one JSON object into v: unknown fields, trailing data and bodies over the cap
// are refused.
func decode(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return app.Errorf(app.EINVALID, "Le corps de la requête doit être du JSON (Content-Type: application/json).")
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	var tooBig *http.MaxBytesError
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case err == nil:
	case errors.As(err, &tooBig):
		return app.Errorf(app.ETOOLARGE, "Requête trop volumineuse (%d octets au plus).", tooBig.Limit)
	case errors.Is(err, io.EOF):
		return app.Errorf(app.EINVALID, "Le corps de la requête est vide.")
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF):
		return app.Errorf(app.EINVALID, "JSON mal formé.")
	case errors.As(err, &typ):
		return &app.Error{Code: app.EINVALID, Field: typ.Field, Message: fmt.Sprintf("Le champ %q n'a pas le bon type.", typ.Field)}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &app.Error{Code: app.EINVALID, Field: name, Message: fmt.Sprintf("Champ inconnu : %q.", name)}
	default:
		return app.Errorf(app.EINVALID, "Requête invalide : %v.", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return app.Errorf(app.ETOOLARGE, "Requête trop volumineuse (%d octets au plus).", tooBig.Limit)
		}
		return app.Errorf(app.EINVALID, "Un seul objet JSON est attendu.")
	}
	return sane(v)
}

// loc returns a time zone by name, cached; Europe/Paris when unknown.
func (s *Server) loc(name string) *time.Location {
	if v, ok := s.locs.Load(name); ok {
		return v.(*time.Location)
	}
	l := app.Location(name)
	s.locs.Store(name, l)
	return l
}

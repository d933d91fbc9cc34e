package server

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"guichet/app"
	"guichet/sync/protocol"
	"guichet/sync/store"
)

// registerSync adds the routes counter devices sync with (docs/sync.md).
func (s *Server) registerSync() {
	s.handle("GET /sync/v1/me", s.auth(app.RoleCashier, s.me))
	s.handle("GET /sync/v1/venues/{venueId}/changes", s.auth(app.RoleCashier, s.changes))
	s.handle("GET /sync/v1/venues/{venueId}/digest", s.auth(app.RoleCashier, s.digest))
	s.handle("POST /sync/v1/scans", s.auth(app.RoleCashier, s.pushScans))
	s.handle("GET /sync/v1/venues/{venueId}/conflicts", s.auth(app.RoleCashier, s.conflicts))
	s.handle("POST /sync/v1/conflicts/{conflictId}/ack", s.auth(app.RoleCashier, s.ackConflict))
}

func (s *Server) me(w http.ResponseWriter, r *http.Request, k *app.APIKey) {
	o, err := s.store.GetOfferer(r.Context(), k.OffererID)
	var vs []app.Venue
	if err == nil {
		vs, err = s.store.ListVenues(r.Context(), k.OffererID)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := protocol.Me{OffererID: o.ID, OffererName: o.Name, Role: string(k.Role), KeyLabel: k.Label,
		Venues: make([]protocol.Venue, len(vs)), ServerTime: protocol.Time(s.now())}
	for i := range vs {
		out.Venues[i] = protocol.VenueOf(&vs[i])
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) changes(w http.ResponseWriter, r *http.Request, k *app.APIKey) {
	venueID, err := pathID(r, "venueId")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	q := r.URL.Query()
	since, err := strconv.ParseInt(q.Get("since"), 10, 64)
	if q.Get("since") == "" {
		since, err = 0, nil
	}
	if err != nil || since < 0 {
		s.writeError(w, r, app.FieldError("since", "Curseur invalide."))
		return
	}
	limit := 1000
	if l := q.Get("limit"); l != "" {
		if limit, err = strconv.Atoi(l); err != nil || limit < 1 || limit > 10_000 {
			s.writeError(w, r, app.FieldError("limit", "Limite invalide."))
			return
		}
	}
	var from time.Time
	if f := q.Get("from"); f != "" {
		if from, err = time.Parse(time.RFC3339Nano, f); err != nil {
			s.writeError(w, r, app.FieldError("from", "Début de fenêtre invalide (RFC 3339)."))
			return
		}
	}
	ch, err := s.store.ChangesFrom(r.Context(), k.OffererID, venueID, since, limit, from)
	if err == nil {
		err = copyGone(q.Get("db"), since, ch)
	}
	var lanSecret string
	if err == nil {
		lanSecret, err = s.store.LANSecret(r.Context(), k.OffererID, venueID)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := protocol.Changes{Offers: []protocol.SyncOffer{}, Stocks: []protocol.SyncStock{}, Bookings: []protocol.SyncBooking{},
		Cursor: ch.Cursor, More: ch.More, Database: ch.Database, ServerTime: protocol.Time(s.now()),
		LANSecret: lanSecret}
	for i := range ch.Offers {
		out.Offers = append(out.Offers, protocol.SyncOffer{Offer: protocol.OfferOf(&ch.Offers[i].Item), Rev: ch.Offers[i].Rev})
	}
	for i := range ch.Stocks {
		out.Stocks = append(out.Stocks, protocol.SyncStock{Stock: protocol.StockOf(&ch.Stocks[i].Item), Rev: ch.Stocks[i].Rev})
	}
	for i := range ch.Bookings {
		b := &ch.Bookings[i].Item
		out.Bookings = append(out.Bookings, protocol.SyncBooking{Booking: protocol.BookingOf(b),
			CancellationReason: string(b.CancellationReason), UsedNonce: b.UsedNonce, Rev: ch.Bookings[i].Rev})
	}
	if keys, err := s.tickets.PublicKeys(r.Context(), venueID); err != nil {
		s.log.Error("ticket keys", "venue", venueID, "err", err) // the page goes without: the counter keeps its keys
	} else {
		for _, k := range keys {
			out.TicketKeys = append(out.TicketKeys, protocol.TicketKeyOf(k))
		}
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) pushScans(w http.ResponseWriter, r *http.Request, k *app.APIKey) {
	var in protocol.PushRequest
	if err := decode(r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	if in.Device == "" || len(in.Device) > 100 {
		s.writeError(w, r, app.FieldError("device", "Identifiant d'appareil manquant ou trop long."))
		return
	}
	if len(in.Events) > protocol.MaxPushEvents {
		s.writeError(w, r, app.FieldError("events", "Trop d'événements dans un envoi (500 au plus)."))
		return
	}
	now := s.now()
	skew, correct := clockSkew(in.DeviceTime, now)
	// Each event is judged alone: a malformed one gets its own error, the others apply.
	results := make([]store.ScanResult, len(in.Events))
	events := make([]store.ScanEvent, 0, len(in.Events))
	index := make([]int, 0, len(in.Events))
	for i, e := range in.Events {
		at, err := time.Parse(time.RFC3339Nano, e.ScannedAt)
		switch bad := sane(&e); {
		case bad != nil:
			err = bad
		case e.Nonce == "" || len(e.Nonce) > 64:
			err = app.FieldError("nonce", "Nonce manquant ou trop long.")
		case e.Kind != protocol.KindUse && e.Kind != protocol.KindKeep:
			err = app.FieldError("kind", "Type d'événement inconnu (use ou keep).")
		case e.Mode != protocol.ModeOnline && e.Mode != protocol.ModeOffline:
			err = app.FieldError("mode", "Mode inconnu (online ou offline).")
		case err != nil:
			err = app.FieldError("scannedAt", "Date de passage invalide (RFC 3339).")
		}
		if err != nil {
			results[i] = store.ScanResult{Nonce: e.Nonce, Err: err}
			continue
		}
		switch {
		case correct:
			at = at.Add(skew) // the scan on the server's clock
		case in.DeviceTime != "" && e.Mode == protocol.ModeOffline:
			at = now // a device clock too far off to be trusted: the time received
		}
		events = append(events, store.ScanEvent{Nonce: e.Nonce, Token: e.Token, Kind: e.Kind, Mode: e.Mode, ScannedAt: at,
			LocalVerdict: app.OutcomeCode(e.LocalVerdict), Undoes: e.Undoes, VenueID: in.VenueID,
			AskOtherDay: e.AskOtherDay && e.Mode == protocol.ModeOnline && e.Kind == protocol.KindUse})
		index = append(index, i)
	}
	if !s.missesLeft(w, k) {
		return
	}
	judged, err := s.store.PushScans(r.Context(), k, in.Device, events, now)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	misses := 0
	for j, res := range judged {
		results[index[j]] = res
		if !res.Replayed && isMiss(res.Outcome) {
			misses++
		}
	}
	s.chargeMisses(k, misses)
	out := protocol.PushResponse{Results: make([]protocol.ScanResult, len(results)), ServerTime: protocol.Time(now),
		ClockCorrected: correct}
	if in.DeviceTime != "" {
		ms := skew.Milliseconds()
		out.ClockSkewMs = &ms
	}
	for i, res := range results {
		sr := protocol.ScanResult{Nonce: res.Nonce, Verdict: string(res.Outcome.Code), Message: res.Outcome.Message,
			Warnings: res.Outcome.Warnings, Replayed: res.Replayed}
		if res.Err != nil {
			sr.Verdict, sr.Error = protocol.VerdictRejected, s.eventError(r, res.Err)
			if sr.Error.Code == app.EINTERNAL {
				sr.Verdict = protocol.VerdictError
			}
			sr.Message = sr.Error.Message
		}
		if res.Outcome.Booking != nil {
			b := protocol.BookingOf(res.Outcome.Booking)
			sr.Booking, sr.UsedNonce, sr.Rev = &b, res.Outcome.Booking.UsedNonce, res.Rev
		}
		if res.Conflict != nil {
			c := conflictOf(res.Conflict)
			sr.Conflict = &c
		}
		out.Results[i] = sr
	}
	writeJSON(w, http.StatusOK, out)
}

func conflictOf(c *store.Conflict) protocol.Conflict {
	return protocol.Conflict{ID: c.ID, Kind: c.Kind, Token: c.Token, BookingID: c.BookingID, OfferName: c.OfferName,
		Beneficiary: c.Beneficiary, Device: c.Device, ScannedAt: protocol.Time(c.ScannedAt), OtherDevice: c.OtherDevice,
		OtherAt: protocol.TimePtr(c.OtherAt), Detail: c.Detail, CreatedAt: protocol.Time(c.CreatedAt),
		AcknowledgedAt: protocol.TimePtr(c.AcknowledgedAt)}
}

func (s *Server) conflicts(w http.ResponseWriter, r *http.Request, k *app.APIKey) {
	v, err := s.venueOf(r, k)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	cs, err := s.store.Conflicts(r.Context(), k.OffererID, v.ID, r.URL.Query().Get("all") == "true")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]protocol.Conflict, len(cs))
	for i := range cs {
		out[i] = conflictOf(&cs[i])
	}
	writeJSON(w, http.StatusOK, map[string]any{"conflicts": out})
}

func (s *Server) ackConflict(w http.ResponseWriter, r *http.Request, k *app.APIKey) {
	id, err := pathID(r, "conflictId")
	if err == nil {
		err = s.store.AckConflict(r.Context(), k.OffererID, id, k.Label, s.now())
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// eventError is the body of one event's failure; an internal one is logged and told as such.
func (s *Server) eventError(r *http.Request, err error) *protocol.Error {
	var e *app.Error
	if !errors.As(err, &e) {
		s.log.Error("scan event failed", "route", r.Pattern, "err", err)
		return &protocol.Error{Code: app.EINTERNAL, Message: "Erreur interne sur cet événement : il sera renvoyé."}
	}
	return &protocol.Error{Code: e.Code, Message: e.Message, Field: e.Field}
}

// MsgCopyGone tells a counter that its copy came from another database or another history.
const MsgCopyGone = "La base du serveur a changé (restauration ou remplacement) : la copie du guichet doit être rechargée."

// copyGone refuses (410) a cursor that cannot belong to this database: one from another
// database (its identity differs) or beyond the latest revision (a restore from a backup).
func copyGone(db string, since int64, ch store.Changes) error {
	if (db != "" && db != ch.Database) || since > ch.Head {
		return &app.Error{Code: app.EGONE, Message: MsgCopyGone}
	}
	return nil
}

func (s *Server) digest(w http.ResponseWriter, r *http.Request, k *app.APIKey) {
	venueID, err := pathID(r, "venueId")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var from time.Time
	if f := r.URL.Query().Get("from"); f != "" {
		if from, err = time.Parse(time.RFC3339Nano, f); err != nil {
			s.writeError(w, r, app.FieldError("from", "Début de fenêtre invalide (RFC 3339)."))
			return
		}
	}
	d, err := s.store.Digest(r.Context(), k.OffererID, venueID, from)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := protocol.Digest{Database: d.Database, Cursor: d.Cursor, Showtimes: make([]protocol.ShowtimeDigest, len(d.Showtimes))}
	for i, sd := range d.Showtimes {
		out.Showtimes[i] = protocol.ShowtimeDigest{StockID: sd.StockID, Bookings: sd.Bookings, Hash: sd.Hash}
	}
	writeJSON(w, http.StatusOK, out)
}

// clockSkew estimates the server's clock minus the device's from the device's reading sent
// with a push (the transfer time is neglected), and whether scan times may be corrected by it:
// only within protocol.MaxSkewCorrection. An absent or unreadable reading corrects nothing.
func clockSkew(deviceTime string, now time.Time) (time.Duration, bool) {
	if deviceTime == "" {
		return 0, false
	}
	dt, err := time.Parse(time.RFC3339Nano, deviceTime)
	if err != nil {
		return 0, false
	}
	skew := now.Sub(dt)
	return skew, skew.Abs() <= protocol.MaxSkewCorrection
}

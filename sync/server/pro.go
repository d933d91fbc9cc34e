package server

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"guichet/app"
	"guichet/sync/protocol"
	"guichet/sync/store"
)

func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, app.Errorf(app.ENOTFOUND, "Identifiant %q invalide.", r.PathValue(name))
	}
	return id, nil
}

// venueOf loads a venue of the caller's offerer; another offerer's venue is "not found".
func (s *Server) venueOf(r *http.Request, k *app.APIKey) (*app.Venue, error) {
	id, err := pathID(r, "venueId")
	if err != nil {
		return nil, err
	}
	v, err := s.store.GetVenue(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if v.OffererID != k.OffererID {
		return nil, app.Errorf(app.ENOTFOUND, "Lieu introuvable.")
	}
	return v, nil
}

func (s *Server) offerOf(r *http.Request, k *app.APIKey, id int64) (*app.Offer, error) {
	o, err := s.store.GetOffer(r.Context(), id)
	if err != nil {
		return nil, err
	}
	v, err := s.store.GetVenue(r.Context(), o.VenueID)
	if err != nil {
		return nil, err
	}
	if v.OffererID != k.OffererID {
		return nil, app.Errorf(app.ENOTFOUND, "Offre introuvable.")
	}
	return o, nil
}

func (s *Server) stockOf(r *http.Request, k *app.APIKey) (*app.Stock, error) {
	id, err := pathID(r, "stockId")
	if err != nil {
		return nil, err
	}
	st, err := s.store.GetStock(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if _, err := s.offerOf(r, k, st.OfferID); err != nil {
		return nil, app.Errorf(app.ENOTFOUND, "Séance introuvable.")
	}
	return st, nil
}

func (s *Server) listVenues(w http.ResponseWriter, r *http.Request, k *app.APIKey) {
	vs, err := s.store.ListVenues(r.Context(), k.OffererID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]protocol.Venue, len(vs))
	for i := range vs {
		out[i] = protocol.VenueOf(&vs[i])
	}
	writeJSON(w, http.StatusOK, map[string]any{"venues": out})
}

func (s *Server) getVenue(w http.ResponseWriter, r *http.Request, k *app.APIKey) {
	v, err := s.venueOf(r, k)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, protocol.VenueOf(v))
}

func (s *Server) listOffers(w http.ResponseWriter, r *http.Request, k *app.APIKey) {
	v, err := s.venueOf(r, k)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	os, err := s.store.ListOffers(r.Context(), v.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]protocol.Offer, len(os))
	for i := range os {
		out[i] = protocol.OfferOf(&os[i])
	}
	writeJSON(w, http.StatusOK, map[string]any{"offers": out})
}

func (s *Server) createOffer(w http.ResponseWriter, r *http.Request, k *app.APIKey) {
	v, err := s.venueOf(r, k)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var in protocol.OfferInput
	if err := decode(r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	if in.Name == nil {
		s.writeError(w, r, app.FieldError("name", "Le titre de l'offre est obligatoire."))
		return
	}
	o := &app.Offer{VenueID: v.ID, Name: *in.Name, Version: app.VersionVF, Duo: true, Active: true}
	setIf(&o.Description, in.Description)
	setIf(&o.ImageURL, in.ImageURL)
	setIf(&o.DurationMinutes, in.DurationMinutes)
	setIf(&o.Version, in.Version)
	setIf(&o.Duo, in.Duo)
	setIf(&o.Active, in.Active)
	if err := s.store.CreateOffer(r.Context(), o); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, protocol.OfferOf(o))
}

func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

func (s *Server) getOffer(w http.ResponseWriter, r *http.Request, k *app.APIKey) {
	id, err := pathID(r, "offerId")
	if err == nil {
		var o *app.Offer
		if o, err = s.offerOf(r, k, id); err == nil {
			writeJSON(w, http.StatusOK, protocol.OfferOf(o))
			return
		}
	}
	s.writeError(w, r, err)
}

func (s *Server) updateOffer(w http.ResponseWriter, r *http.Request, k *app.APIKey) {
	id, err := pathID(r, "offerId")
	if err == nil {
		_, err = s.offerOf(r, k, id)
	}
	var in protocol.OfferInput
	if err == nil {
		err = decode(r, &in)
	}
	var o *app.Offer
	if err == nil {
		o, err = s.store.UpdateOffer(r.Context(), id, store.OfferPatch{Name: in.Name, Description: in.Description,
			ImageURL: in.ImageURL, DurationMinutes: in.DurationMinutes, Version: in.Version, Duo: in.Duo, Active: in.Active})
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, protocol.OfferOf(o))
}

func (s *Server) listStocks(w http.ResponseWriter, r *http.Request, k *app.APIKey) {
	id, err := pathID(r, "offerId")
	if err == nil {
		_, err = s.offerOf(r, k, id)
	}
	var sts []app.Stock
	if err == nil {
		sts, err = s.store.ListStocks(r.Context(), id)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]protocol.Stock, len(sts))
	for i := range sts {
		out[i] = protocol.StockOf(&sts[i])
	}
	writeJSON(w, http.StatusOK, map[string]any{"stocks": out})
}

func (s *Server) createStock(w http.ResponseWriter, r *http.Request, k *app.APIKey) {
	id, err := pathID(r, "offerId")
	if err == nil {
		_, err = s.offerOf(r, k, id)
	}
	var in protocol.StockInput
	if err == nil {
		err = decode(r, &in)
	}
	if err == nil && in.StartsAt == nil {
		err = app.FieldError("startsAt", "La date de la séance est obligatoire.")
	}
	if err == nil && in.PriceCents == nil {
		err = app.FieldError("priceCents", "Le prix est obligatoire (0 pour une séance gratuite).")
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	st := &app.Stock{OfferID: id, StartsAt: in.StartsAt.UTC(), PriceCents: *in.PriceCents}
	if in.Capacity.Set && !in.Capacity.Null {
		c := in.Capacity.Value
		st.Capacity = &c
	}
	if in.BookingLimit != nil {
		st.BookingLimit = in.BookingLimit.UTC()
	}
	setIf(&st.PriceLabel, in.PriceLabel)
	setIf(&st.Version, in.Version)
	if err := s.store.CreateStock(r.Context(), st); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, protocol.StockOf(st))
}

func (s *Server) getStock(w http.ResponseWriter, r *http.Request, k *app.APIKey) {
	st, err := s.stockOf(r, k)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, protocol.StockOf(st))
}

func (s *Server) updateStock(w http.ResponseWriter, r *http.Request, k *app.APIKey) {
	st, err := s.stockOf(r, k)
	var in protocol.StockInput
	if err == nil {
		err = decode(r, &in)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	p := store.StockPatch{PriceCents: in.PriceCents, PriceLabel: in.PriceLabel}
	if in.StartsAt != nil {
		t := in.StartsAt.UTC()
		p.StartsAt = &t
	}
	if in.BookingLimit != nil {
		t := in.BookingLimit.UTC()
		p.BookingLimit = &t
	}
	if in.Capacity.Set {
		if in.Capacity.Null {
			p.ClearCapacity = true
		} else {
			p.Capacity = &in.Capacity.Value
		}
	}
	st, err = s.store.UpdateStock(r.Context(), st.ID, p, s.now())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, protocol.StockOf(st))
}

func (s *Server) deleteStock(w http.ResponseWriter, r *http.Request, k *app.APIKey) {
	st, err := s.stockOf(r, k)
	var n int
	if err == nil {
		n, err = s.store.DeleteStock(r.Context(), st.ID, s.now())
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"cancelledBookings": n})
}

func (s *Server) listBookings(w http.ResponseWriter, r *http.Request, k *app.APIKey) {
	v, err := s.venueOf(r, k)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	q := r.URL.Query()
	f := store.BookingFilter{OffererID: k.OffererID, VenueID: v.ID, Page: 1, Per: 50}
	intParam := func(name string, dst *int, lo, hi int) {
		if err != nil || q.Get(name) == "" {
			return
		}
		n, perr := strconv.Atoi(q.Get(name))
		if perr != nil || n < lo || n > hi {
			err = app.FieldError(name, "Paramètre "+name+" invalide (entier entre "+strconv.Itoa(lo)+" et "+strconv.Itoa(hi)+").")
			return
		}
		*dst = n
	}
	intParam("page", &f.Page, 1, 1_000_000)
	intParam("perPage", &f.Per, 1, 500)
	if sid := q.Get("stockId"); err == nil && sid != "" {
		if f.StockID, err = strconv.ParseInt(sid, 10, 64); err != nil {
			err = app.FieldError("stockId", "Paramètre stockId invalide.")
		}
	}
	if d := q.Get("date"); err == nil && d != "" {
		if f.Day, err = time.Parse(time.DateOnly, d); err != nil {
			err = app.FieldError("date", "Paramètre date invalide (AAAA-MM-JJ).")
		}
	}
	if st := strings.ToUpper(q.Get("status")); err == nil && st != "" {
		f.Status = app.BookingStatus(st)
		if !f.Status.Valid() {
			err = app.FieldError("status", "Statut inconnu (CONFIRMED, USED, CANCELLED ou REIMBURSED).")
		}
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	p, err := s.store.ListBookings(r.Context(), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := protocol.BookingPage{Bookings: make([]protocol.Booking, len(p.Items)), Page: p.Page, PerPage: p.Per, Total: p.Total,
		Pages: (p.Total + p.Per - 1) / p.Per}
	for i := range p.Items {
		out.Bookings[i] = protocol.BookingOf(&p.Items[i])
	}
	writeJSON(w, http.StatusOK, out)
}

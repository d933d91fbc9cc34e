package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"guichet/app"
	"guichet/app/allocine"
	"guichet/sync/images"
	"guichet/sync/protocol"
	"guichet/sync/store"
)

// MaxImageBody caps an offer's uploaded image.
const MaxImageBody = 2 << 20

// AllocineImporter runs a venue's Allociné import now (sync/importer.Importer). A feed that
// could not be fetched or read is reported in the report's error, with a non-nil error that is
// not an *app.Error.
type AllocineImporter interface {
	Import(ctx context.Context, venueID int64, feed []byte) (allocine.Report, error)
}

// registerProgramme serves the venue's Allociné import settings, the import on demand, its last
// report and the downloaded posters (issue 6).
func (s *Server) registerProgramme() {
	s.handle("GET /pro/v1/venues/{venueId}/allocine", s.auth(app.RoleManager, s.getAllocine))
	s.handle("PUT /pro/v1/venues/{venueId}/allocine", s.auth(app.RoleManager, s.putAllocine))
	s.handle("POST /pro/v1/venues/{venueId}/allocine/imports", s.auth(app.RoleManager, s.runAllocine))
	s.handle("GET /pro/v1/venues/{venueId}/allocine/imports/last", s.auth(app.RoleManager, s.lastAllocine))
	s.handle("GET /pro/v1/offers/{offerId}/poster", s.auth(app.RoleCashier, s.getPoster))
	s.handle("PUT /pro/v1/offers/{offerId}/image", s.auth(app.RoleManager, s.putImage))
}

func settingsOf(a *store.AllocineSettings) *protocol.AllocineSettings {
	return &protocol.AllocineSettings{TheaterID: a.TheaterID, PriceCents: a.PriceCents, Capacity: a.Capacity, Duo: a.Duo,
		Active: a.Active, UpdatedAt: protocol.Time(a.UpdatedAt)}
}

func runOf(r *store.ImportRun) *protocol.ImportRun {
	return &protocol.ImportRun{At: protocol.Time(r.At), OK: r.OK, Report: r.Report}
}

func (s *Server) getAllocine(w http.ResponseWriter, r *http.Request, k *app.APIKey) {
	v, err := s.venueOf(r, k)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var out protocol.AllocineStatus
	set, err := s.store.AllocineSettings(r.Context(), v.ID)
	switch {
	case err == nil:
		out.Settings = settingsOf(set)
	case app.ErrorCode(err) != app.ENOTFOUND:
		s.writeError(w, r, err)
		return
	}
	run, err := s.store.LastAllocineImport(r.Context(), v.ID)
	switch {
	case err == nil:
		out.LastImport = runOf(run)
	case app.ErrorCode(err) != app.ENOTFOUND:
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) putAllocine(w http.ResponseWriter, r *http.Request, k *app.APIKey) {
	v, err := s.venueOf(r, k)
	var in protocol.AllocineSettings
	if err == nil {
		err = decode(r, &in)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	set := &store.AllocineSettings{VenueID: v.ID, TheaterID: in.TheaterID, PriceCents: in.PriceCents, Capacity: in.Capacity,
		Duo: in.Duo, Active: in.Active}
	if err := s.store.SetAllocineSettings(r.Context(), set, s.now()); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, settingsOf(set))
}

// runAllocine runs an import now ("Lancer la synchronisation"). A feed that failed is still a
// 200: the run happened, changed nothing, and its report says why.
func (s *Server) runAllocine(w http.ResponseWriter, r *http.Request, k *app.APIKey) {
	v, err := s.venueOf(r, k)
	if err == nil && s.imports == nil {
		err = app.Errorf(app.EUNAVAILABLE, "L'import Allociné n'est pas configuré sur ce serveur.")
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	rep, err := s.imports.Import(r.Context(), v.ID, nil)
	var appErr *app.Error
	if err != nil && (errors.As(err, &appErr) || rep.Error == "") {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, protocol.ImportRun{At: protocol.Time(s.now()), OK: err == nil, Report: rep})
}

func (s *Server) lastAllocine(w http.ResponseWriter, r *http.Request, k *app.APIKey) {
	v, err := s.venueOf(r, k)
	var run *store.ImportRun
	if err == nil {
		run, err = s.store.LastAllocineImport(r.Context(), v.ID)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, runOf(run))
}

func (s *Server) getPoster(w http.ResponseWriter, r *http.Request, k *app.APIKey) {
	id, err := pathID(r, "offerId")
	var o *app.Offer
	if err == nil {
		o, err = s.offerOf(r, k, id)
	}
	var p *store.Poster
	if err == nil {
		if o.ImageURL == "" || !ownPoster(o) {
			err = app.Errorf(app.ENOTFOUND, "Affiche introuvable.")
		} else {
			p, err = s.store.Poster(r.Context(), o.ImageURL)
		}
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", p.ContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(p.Data)))
	w.Header().Set("Cache-Control", "private, max-age=86400")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "default-src 'none'")
	_, _ = w.Write(p.Data)
}

// posterPath is where an offer's uploaded image is served; its image URL is this path (with a
// version), never built from the request's Host header.
func posterPath(id int64) string { return "/pro/v1/offers/" + strconv.FormatInt(id, 10) + "/poster" }

// ownPoster reports whether an offer's image URL may be served for it: a downloaded poster, or
// an image uploaded for this very offer (an offer pointing at another offer's upload gets
// nothing, whichever host its URL names).
func ownPoster(o *app.Offer) bool {
	u, err := url.Parse(o.ImageURL)
	if err != nil {
		return false
	}
	if strings.HasPrefix(u.Path, "/pro/v1/offers/") {
		return u.Path == posterPath(o.ID)
	}
	return u.IsAbs()
}

// putImage stores an image uploaded for an offer (JPEG, PNG or WebP, 2 MiB and 16 Mpx at most)
// as a bounded JPEG thumbnail, and points the offer's image at the path that serves it.
func (s *Server) putImage(w http.ResponseWriter, r *http.Request, k *app.APIKey) {
	id, err := pathID(r, "offerId")
	if err == nil {
		_, err = s.offerOf(r, k, id)
	}
	var data []byte
	if err == nil {
		data, err = io.ReadAll(r.Body)
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			err = &app.Error{Code: app.ETOOLARGE, Field: images.Field, Message: fmt.Sprintf("L'image ne doit pas dépasser %d Mo.", MaxImageBody>>20)}
		}
	}
	var th *images.Thumb
	if err == nil {
		leave, ok := s.lim.images.Enter(r.Context(), 5*time.Second)
		if !ok {
			tooMany(w, time.Second)
			return
		}
		th, err = images.Thumbnail(data)
		leave()
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	sum := sha256.Sum256(th.Data)
	url := posterPath(id) + "?v=" + hex.EncodeToString(sum[:6])
	if err := s.store.SavePoster(r.Context(), &store.Poster{URL: url, ContentType: th.ContentType, Data: th.Data, FetchedAt: s.now()}); err != nil {
		s.writeError(w, r, err)
		return
	}
	o, err := s.store.UpdateOffer(r.Context(), id, store.OfferPatch{ImageURL: &url})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, protocol.OfferOf(o))
}

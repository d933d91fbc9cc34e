package client

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"guichet/app"
	"guichet/sync/protocol"
)

// Programme is the manager's programme API for one venue: films, showtimes and the Allociné
// import. Every call needs the server: the server is the truth for the programme.
type Programme struct {
	c       *Client
	venueID int64
}

// Programme returns the programme API of a venue.
func (c *Client) Programme(venueID int64) *Programme { return &Programme{c: c, venueID: venueID} }

func (p *Programme) venue() string { return "/pro/v1/venues/" + strconv.FormatInt(p.venueID, 10) }

// Offers lists the venue's films.
func (p *Programme) Offers(ctx context.Context) ([]protocol.Offer, error) {
	var out struct {
		Offers []protocol.Offer `json:"offers"`
	}
	err := call(ctx, p.c.sync, http.MethodGet, p.venue()+"/offers", nil, &out)
	return out.Offers, err
}

// Stocks lists a film's showtimes (deleted ones included, flagged).
func (p *Programme) Stocks(ctx context.Context, offerID int64) ([]protocol.Stock, error) {
	var out struct {
		Stocks []protocol.Stock `json:"stocks"`
	}
	err := call(ctx, p.c.sync, http.MethodGet, "/pro/v1/offers/"+strconv.FormatInt(offerID, 10)+"/stocks", nil, &out)
	return out.Stocks, err
}

// CreateOffer creates a film.
func (p *Programme) CreateOffer(ctx context.Context, in protocol.OfferInput) (*protocol.Offer, error) {
	var out protocol.Offer
	return &out, call(ctx, p.c.sync, http.MethodPost, p.venue()+"/offers", in, &out)
}

// UpdateOffer changes the given fields of a film (Active false deactivates it).
func (p *Programme) UpdateOffer(ctx context.Context, id int64, in protocol.OfferInput) (*protocol.Offer, error) {
	var out protocol.Offer
	return &out, call(ctx, p.c.sync, http.MethodPatch, "/pro/v1/offers/"+strconv.FormatInt(id, 10), in, &out)
}

// CreateStock adds a showtime to a film.
func (p *Programme) CreateStock(ctx context.Context, offerID int64, in protocol.NewStock) (*protocol.Stock, error) {
	var out protocol.Stock
	in.StartsAt = in.StartsAt.UTC()
	return &out, call(ctx, p.c.sync, http.MethodPost, "/pro/v1/offers/"+strconv.FormatInt(offerID, 10)+"/stocks", in, &out)
}

// UpdateStock changes a showtime's start, price and capacity (nil: unlimited).
func (p *Programme) UpdateStock(ctx context.Context, id int64, in protocol.NewStock) error {
	in.StartsAt = in.StartsAt.UTC()
	return call(ctx, p.c.sync, http.MethodPatch, "/pro/v1/stocks/"+strconv.FormatInt(id, 10), in, nil)
}

// DeleteStock deletes a showtime.
func (p *Programme) DeleteStock(ctx context.Context, id int64) error {
	return call(ctx, p.c.sync, http.MethodDelete, "/pro/v1/stocks/"+strconv.FormatInt(id, 10), nil, nil)
}

// Allocine returns the venue's import settings and last import.
func (p *Programme) Allocine(ctx context.Context) (*protocol.AllocineStatus, error) {
	var out protocol.AllocineStatus
	return &out, call(ctx, p.c.sync, http.MethodGet, p.venue()+"/allocine", nil, &out)
}

// SetAllocine replaces the venue's import settings.
func (p *Programme) SetAllocine(ctx context.Context, s protocol.AllocineSettings) error {
	s.UpdatedAt = ""
	return call(ctx, p.c.sync, http.MethodPut, p.venue()+"/allocine", s, nil)
}

// RunAllocine runs the venue's import now ("Lancer la synchronisation") and returns its report.
func (p *Programme) RunAllocine(ctx context.Context) (*protocol.ImportRun, error) {
	var out protocol.ImportRun
	return &out, call(ctx, p.c.sync, http.MethodPost, p.venue()+"/allocine/imports", nil, &out)
}

// UploadImage sends an image file (JPEG, PNG or WebP, 2 MiB at most) for a film; the film's
// image then points at it.
func (p *Programme) UploadImage(ctx context.Context, offerID int64, data []byte) (*protocol.Offer, error) {
	var out protocol.Offer
	resp, err := p.c.sync.R().SetContext(ctx).SetHeader("Content-Type", http.DetectContentType(data)).SetBody(data).
		Put("/pro/v1/offers/" + strconv.FormatInt(offerID, 10) + "/image")
	if err := responseError(ctx, resp, err); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(resp.Body(), &out); err != nil {
		return nil, &app.Error{Code: app.EUNAVAILABLE, Message: "Réponse illisible du serveur."}
	}
	return &out, nil
}

// Poster returns a film's poster bytes (PNG, JPEG or WebP), or the server's error (404 when the
// film has none).
func (p *Programme) Poster(ctx context.Context, offerID int64) ([]byte, error) {
	var body []byte
	err := callRaw(ctx, p.c.sync, "/pro/v1/offers/"+strconv.FormatInt(offerID, 10)+"/poster", &body)
	return body, err
}

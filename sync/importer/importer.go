package importer

import (
	"context"
	"errors"
	"fmt"
	"guichet/sync/images"
	"io"
	"log/slog"
	"strings"
	"time"

	"guichet/app"
	"guichet/app/allocine"
	"guichet/sync/store"
)

// Store is what an import needs from the server's store.
type Store interface {
	GetVenue(ctx context.Context, id int64) (*app.Venue, error)
	GetOffer(ctx context.Context, id int64) (*app.Offer, error)
	ListOffers(ctx context.Context, venueID int64) ([]app.Offer, error)
	AllocineSettings(ctx context.Context, venueID int64) (*store.AllocineSettings, error)
	ListAllocineSettings(ctx context.Context) ([]store.AllocineSettings, error)
	ApplyAllocineImport(ctx context.Context, venueID int64, films []allocine.Film, now time.Time) (allocine.Report, error)
	RecordAllocineImport(ctx context.Context, run *store.ImportRun) error
	Poster(ctx context.Context, url string) (*store.Poster, error)
	SavePoster(ctx context.Context, p *store.Poster) error
	LastJobRun(ctx context.Context, name string) (time.Time, error)
	RecordJobRun(ctx context.Context, name string, at time.Time, result string) error
}

// Source fetches feeds and posters (Client; tests use a fake Allociné server behind a Client).
type Source interface {
	Fetch(ctx context.Context, theaterID string) ([]byte, error)
	FetchPoster(ctx context.Context, url string) (string, []byte, error)
}

// ErrFeed marks a feed that could not be fetched or read: nothing was changed.
var ErrFeed = errors.New("flux Allociné inutilisable")

// Importer imports a venue's Allociné programme.
type Importer struct {
	Store  Store
	Source Source           // nil: only imports of a given feed (the CLI's --file) work
	Now    func() time.Time // time.Now when nil
	Log    *slog.Logger
}

func (im *Importer) now() time.Time {
	if im.Now == nil {
		return time.Now()
	}
	return im.Now()
}

func (im *Importer) log() *slog.Logger {
	if im.Log == nil {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return im.Log
}

// Import imports a venue's programme from feed, or from Allociné when feed is nil, and records
// the report as the venue's last one. A feed that cannot be fetched or read changes nothing: the
// report says why and the error wraps ErrFeed. Other errors are infrastructure failures (the
// transaction rolled back).
func (im *Importer) Import(ctx context.Context, venueID int64, feed []byte) (allocine.Report, error) {
	rep := allocine.NewReport()
	venue, err := im.Store.GetVenue(ctx, venueID)
	if err != nil {
		return rep, err
	}
	set, err := im.Store.AllocineSettings(ctx, venueID)
	if err != nil {
		return rep, err
	}
	now := im.now()
	if feed == nil {
		if im.Source == nil {
			err = errors.New("aucun jeton d'accès à l'API Allociné n'est configuré sur le serveur")
		} else {
			feed, err = im.Source.Fetch(ctx, set.TheaterID)
		}
	}
	var list *allocine.ShowtimeList
	if err == nil {
		list, err = allocine.Parse(feed)
	}
	if err != nil {
		rep.Error = err.Error()
		if rerr := im.Store.RecordAllocineImport(ctx, &store.ImportRun{VenueID: venueID, At: now, Report: rep}); rerr != nil {
			return rep, rerr
		}
		return rep, fmt.Errorf("%w: %v", ErrFeed, err)
	}
	loc, lerr := time.LoadLocation(venue.Timezone)
	if lerr != nil || venue.Timezone == "" {
		if loc, lerr = time.LoadLocation(app.DefaultTimezone); lerr != nil {
			return rep, fmt.Errorf("import: %w", lerr)
		}
	}
	mapped := allocine.Map(list, allocine.Settings{PriceCents: set.PriceCents, Capacity: set.Capacity, Duo: set.Duo}, loc)
	applied, err := im.Store.ApplyAllocineImport(ctx, venueID, mapped.Films, now)
	if err != nil {
		return rep, fmt.Errorf("import: %w", err)
	}
	rep = applied
	rep.Skipped = append(append([]allocine.Skipped{}, mapped.Skipped...), applied.Skipped...)
	rep.Invalid = append([]allocine.Invalid{}, mapped.Invalid...)
	if err := im.Store.RecordAllocineImport(ctx, &store.ImportRun{VenueID: venueID, At: now, OK: true, Report: rep}); err != nil {
		return rep, err
	}
	im.log().Info("allocine import", "venue", venueID, "offers_created", rep.Offers.Created, "offers_updated", rep.Offers.Updated,
		"stocks_created", rep.Stocks.Created, "stocks_updated", rep.Stocks.Updated, "skipped", len(rep.Skipped),
		"invalid", len(rep.Invalid))
	return rep, nil
}

// PosterAge is how old a downloaded poster may get before it is downloaded again.
const PosterAge = 24 * time.Hour

// RefreshPosters downloads the posters of a venue's imported films that were never downloaded
// or were downloaded more than a day ago. It returns how many it downloaded; a poster that
// fails is logged and skipped.
func (im *Importer) RefreshPosters(ctx context.Context, venueID int64) (int, error) {
	if im.Source == nil {
		return 0, nil
	}
	offers, err := im.Store.ListOffers(ctx, venueID)
	if err != nil {
		return 0, err
	}
	now := im.now()
	n := 0
	for _, o := range offers {
		if o.AllocineID == "" || o.ImageURL == "" || strings.Contains(o.ImageURL, "/pro/v1/offers/") {
			continue // not imported, no poster, or an image uploaded by the venue
		}
		p, err := im.Store.Poster(ctx, o.ImageURL)
		if err == nil && now.Sub(p.FetchedAt) < PosterAge {
			continue
		}
		_, data, err := im.Source.FetchPoster(ctx, o.ImageURL)
		var th *images.Thumb
		if err == nil {
			th, err = images.Thumbnail(data) // what a remote host sends is checked like an upload
		}
		if err != nil {
			im.log().Warn("poster", "url", o.ImageURL, "err", err)
			continue
		}
		if err := im.Store.SavePoster(ctx, &store.Poster{URL: o.ImageURL, ContentType: th.ContentType, Data: th.Data, FetchedAt: now}); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

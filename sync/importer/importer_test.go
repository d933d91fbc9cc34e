package importer

import (
	"bytes"
	"context"
	"errors"
	"image/jpeg"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"guichet/app"
	"guichet/app/allocine"
	"guichet/sync/images/imagetest"
	"guichet/sync/store"
	"guichet/sync/store/sqlstore"
)

// fakeAllocine serves feeds by theater id, like Allociné's movieShowtimeList query.
type fakeAllocine struct {
	feeds map[string]string
	calls atomic.Int32
	token string
}

func (f *fakeAllocine) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.calls.Add(1)
	if strings.HasPrefix(r.URL.Path, "/posters/") {
		if r.Header.Get("Authorization") != "" {
			http.Error(w, "the API token leaked to the image host", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "image/jpeg")
		if strings.Contains(r.URL.Path, "garbage") {
			_, _ = w.Write([]byte("\xff\xd8\xff not really a JPEG"))
			return
		}
		_, _ = w.Write(imagetest.JPEG(100+len(r.URL.Path), 1200)) // each poster its own width
		return
	}
	if r.URL.Path != "/api/query/movieShowtimeList" || r.Header.Get("Authorization") != "Bearer "+f.token {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	switch id := r.URL.Query().Get("theater"); id {
	case "P500":
		http.Error(w, "boom", http.StatusInternalServerError)
	case "SLOW":
		select {
		case <-time.After(2 * time.Second):
		case <-r.Context().Done():
		}
	case "HUGE":
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"movieShowtimeList": {"edges": [`))
		chunk := []byte(strings.Repeat(" ", 64<<10))
		for range 40 { // 2.5 MB, over the test client's 1 MB cap
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	default:
		feed, ok := f.feeds[id]
		if !ok {
			http.Error(w, "unknown theater", http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(feed))
	}
}

type env struct {
	st    *sqlstore.Store
	venue *app.Venue
	fake  *fakeAllocine
	im    *Importer
	now   time.Time
}

func sampleFeed(t testing.TB) string {
	t.Helper()
	data, err := os.ReadFile("../../app/allocine/testdata/feed.json")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func newEnv(t testing.TB, theater string) *env {
	t.Helper()
	ctx := context.Background()
	st, err := sqlstore.OpenSQLite(ctx, filepath.Join(t.TempDir(), "guichet.db"), sqlstore.Options{SyncNormal: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	o := &app.Offerer{SIREN: "443061841", Name: "Cinémas du Centre"}
	must(t, st.CreateOfferer(ctx, o))
	v := &app.Venue{OffererID: o.ID, SIRET: "44306184100047", Name: "Le Grand Écran", Address: "1 rue du Cinéma",
		PostalCode: "75011", City: "Paris", DepartmentCode: "75", Latitude: 48.85, Longitude: 2.37, BookingEmail: "resa@grand-ecran.fr"}
	must(t, st.CreateVenue(ctx, v))
	capacity := 120
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	must(t, st.SetAllocineSettings(ctx, &store.AllocineSettings{VenueID: v.ID, TheaterID: theater, PriceCents: 500,
		Capacity: &capacity, Duo: true, Active: true}, now))
	fake := &fakeAllocine{feeds: map[string]string{"P0001": sampleFeed(t)}, token: "secret"}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	c := NewClient(ClientOptions{BaseURL: srv.URL + "/api/query", Token: "secret", Timeout: 300 * time.Millisecond,
		RetryWait: 10 * time.Millisecond, MaxBytes: 1 << 20})
	e := &env{st: st, venue: v, fake: fake, now: now}
	e.im = &Importer{Store: st, Source: c, Now: func() time.Time { return e.now }}
	return e
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// programme lists the venue's offers and their stocks by Allociné key-less summary.
func (e *env) programme(t *testing.T) (map[string]app.Offer, map[string][]app.Stock) {
	t.Helper()
	ctx := context.Background()
	offers, err := e.st.ListOffers(ctx, e.venue.ID)
	must(t, err)
	byMovie, stocks := map[string]app.Offer{}, map[string][]app.Stock{}
	for _, o := range offers {
		byMovie[o.AllocineID] = o
		sts, err := e.st.ListStocks(ctx, o.ID)
		must(t, err)
		stocks[o.AllocineID] = sts
	}
	return byMovie, stocks
}

const mousquetaires, oppenheimer = "TW92aWU6MTMxODQ2", "TW92aWU6MzAxMDAw"

func TestImporter_Import(t *testing.T) {
	e := newEnv(t, "P0001")
	ctx := context.Background()
	rep, err := e.im.Import(ctx, e.venue.ID, nil)
	must(t, err)
	// Four films (Le Film Abîmé without its unreadable runtime), seven showtimes.
	if rep.Offers != (allocine.Counts{Created: 4}) || rep.Stocks != (allocine.Counts{Created: 7}) ||
		len(rep.Skipped) != 5 || len(rep.Invalid) != 3 || rep.Error != "" {
		t.Fatalf("first import = %+v", rep)
	}
	offers, stocks := e.programme(t)
	o := offers[mousquetaires]
	if o.Name != "Les Trois Mousquetaires" || o.DurationMinutes != 121 || !o.Duo || !o.Active || o.Version != "VF" ||
		!strings.HasPrefix(o.Description, "D'Artagnan arrive à Paris") {
		t.Errorf("offer = %+v", o)
	}
	if len(stocks[mousquetaires]) != 2 || len(stocks[oppenheimer]) != 2 {
		t.Fatalf("stocks = %+v", stocks)
	}
	versions := map[string]int{}
	for _, sts := range stocks {
		for _, st := range sts {
			versions[st.Version]++
		}
	}
	if versions[""] != 0 || versions["VF"]+versions["VO"] != 7 {
		t.Errorf("every imported showtime carries its own version: %v", versions)
	}
	st := stocks[mousquetaires][1]
	if !st.StartsAt.Equal(time.Date(2027, 3, 28, 18, 30, 0, 0, time.UTC)) || st.PriceCents != 500 || *st.Capacity != 120 ||
		!st.BookingLimit.Equal(st.StartsAt) {
		t.Errorf("stock after the spring change = %+v", st)
	}
	last, err := e.st.LastAllocineImport(ctx, e.venue.ID)
	must(t, err)
	if !last.OK || last.Report.Stocks.Created != 7 {
		t.Errorf("last import = %+v", last)
	}

	t.Run("second import changes nothing", func(t *testing.T) {
		rep, err := e.im.Import(ctx, e.venue.ID, nil)
		must(t, err)
		if rep.Offers != (allocine.Counts{}) || rep.Stocks != (allocine.Counts{}) || len(rep.Invalid) != 3 {
			t.Fatalf("second import = %+v", rep)
		}
	})
}

func TestImporter_VenueEdits(t *testing.T) {
	e := newEnv(t, "P0001")
	ctx := context.Background()
	_, err := e.im.Import(ctx, e.venue.ID, nil)
	must(t, err)
	offers, stocks := e.programme(t)
	edited := stocks[mousquetaires][0]
	price, capacity := int64(900), 80
	_, err = e.st.UpdateStock(ctx, edited.ID, store.StockPatch{PriceCents: &price, Capacity: &capacity}, e.now)
	must(t, err)
	off := false
	_, err = e.st.UpdateOffer(ctx, offers[oppenheimer].ID, store.OfferPatch{Active: &off})
	must(t, err)
	anatomie := stocks["TW92aWU6MzAzMDMw"][0]
	_, err = e.st.DeleteStock(ctx, anatomie.ID, e.now)
	must(t, err)
	// Another showtime: only its capacity is the venue's.
	ninety := 90
	_, err = e.st.UpdateStock(ctx, stocks[mousquetaires][1].ID, store.StockPatch{Capacity: &ninety}, e.now)
	must(t, err)
	// The venue raises the import price and stops duo for new films.
	set, err := e.st.AllocineSettings(ctx, e.venue.ID)
	must(t, err)
	set.PriceCents, set.Duo = 700, false
	must(t, e.st.SetAllocineSettings(ctx, set, e.now))

	rep, err := e.im.Import(ctx, e.venue.ID, nil)
	must(t, err)
	// Updated: the second Mousquetaires showtime, the second Anatomie one and Le Film Abîmé's;
	// the edited one, the deleted one and the deactivated film's are left alone.
	if rep.Stocks != (allocine.Counts{Updated: 3}) || rep.Offers != (allocine.Counts{}) {
		t.Fatalf("report = %+v", rep)
	}
	var reasons []string
	for _, s := range rep.Skipped {
		reasons = append(reasons, s.Reason)
	}
	joined := strings.Join(reasons, "|")
	if !strings.Contains(joined, "film désactivé par le lieu") || !strings.Contains(joined, "séance supprimée par le lieu") {
		t.Errorf("skipped = %v", reasons)
	}
	offers, stocks = e.programme(t)
	if got := stocks[mousquetaires][0]; got.PriceCents != 900 || *got.Capacity != 80 {
		t.Errorf("edited showtime = %+v, want the venue's 9 € and 80 places", got)
	}
	if got := stocks[mousquetaires][1]; got.PriceCents != 700 || *got.Capacity != 90 {
		t.Errorf("other showtime = %+v, want the new 7 € and the venue's 90 places", got)
	}
	if !offers[mousquetaires].Duo {
		t.Error("the duo setting changed an existing film")
	}
	if offers[oppenheimer].Active {
		t.Error("a deactivated film was re-activated")
	}
	if got := stocks["TW92aWU6MzAzMDMw"][0]; !got.Deleted {
		t.Error("a deleted showtime came back")
	}
}

func TestImporter_MissingShowtimeKept(t *testing.T) {
	e := newEnv(t, "P0001")
	ctx := context.Background()
	_, err := e.im.Import(ctx, e.venue.ID, nil)
	must(t, err)
	e.fake.feeds["P0001"] = `{"movieShowtimeList": {"totalCount": 0, "edges": []}}`
	rep, err := e.im.Import(ctx, e.venue.ID, nil)
	must(t, err)
	if rep.Stocks != (allocine.Counts{}) {
		t.Errorf("report = %+v", rep)
	}
	_, stocks := e.programme(t)
	for _, sts := range stocks {
		for _, s := range sts {
			if s.Deleted {
				t.Fatalf("showtime %d deleted after it left the feed", s.ID)
			}
		}
	}
}

func TestImporter_BadFeed(t *testing.T) {
	for _, tc := range []struct {
		theater, feed, want string
	}{
		{"P500", "", "HTTP 500"},
		{"SLOW", "", "fetch allocine"},
		{"HUGE", "", "trop volumineuse"},
		{"MALFORMED", `{"movieShowtimeList": {"edges": [{"node": `, "decode feed"},
		{"HTML", `<html><body>Maintenance</body></html>`, "decode feed"},
		{"SHAPE", `{"movieShowtimeList": {"edges": "none"}}`, "decode feed"},
		{"EMPTY", `{"data": null}`, "no movieShowtimeList"},
		{"UNKNOWN", "", "HTTP 404"},
	} {
		t.Run(tc.theater, func(t *testing.T) {
			e := newEnv(t, "P0001")
			ctx := context.Background()
			_, err := e.im.Import(ctx, e.venue.ID, nil)
			must(t, err)
			before, _ := e.programme(t)
			e.fake.feeds[tc.theater] = tc.feed
			if tc.feed == "" {
				delete(e.fake.feeds, tc.theater)
			}
			set, err := e.st.AllocineSettings(ctx, e.venue.ID)
			must(t, err)
			set.TheaterID, set.PriceCents = tc.theater, 100
			must(t, e.st.SetAllocineSettings(ctx, set, e.now))
			rep, err := e.im.Import(ctx, e.venue.ID, nil)
			if !errors.Is(err, ErrFeed) || !strings.Contains(rep.Error, tc.want) {
				t.Fatalf("Import = %+v, %v; want ErrFeed with %q", rep, err, tc.want)
			}
			after, stocks := e.programme(t)
			if len(after) != len(before) || stocks[mousquetaires][0].PriceCents != 500 {
				t.Error("a failed import changed the programme")
			}
			last, err := e.st.LastAllocineImport(ctx, e.venue.ID)
			must(t, err)
			if last.OK || last.Report.Error != rep.Error {
				t.Errorf("last import = %+v", last)
			}
		})
	}
}

func TestImporter_Retry(t *testing.T) {
	e := newEnv(t, "FLAKY")
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte(sampleFeed(t)))
	}))
	defer srv.Close()
	e.im.Source = NewClient(ClientOptions{BaseURL: srv.URL, RetryWait: time.Millisecond})
	rep, err := e.im.Import(context.Background(), e.venue.ID, nil)
	if err != nil || rep.Stocks.Created != 7 || n.Load() != 2 {
		t.Fatalf("Import = %+v, %v after %d calls", rep, err, n.Load())
	}
}

func TestImporter_RefreshPosters(t *testing.T) {
	e := newEnv(t, "P0001")
	ctx := context.Background()
	base := "http://" + strings.TrimPrefix(e.im.Source.(*Client).http.BaseURL, "http://")
	base = strings.TrimSuffix(base, "/api/query")
	e.fake.feeds["P0001"] = strings.ReplaceAll(sampleFeed(t), "https://fr.web.img6.acsta.net/pictures/", base+"/posters/")
	_, err := e.im.Import(ctx, e.venue.ID, nil)
	must(t, err)
	for _, tc := range []struct {
		after time.Duration
		want  int
	}{{0, 2}, {time.Hour, 0}, {25 * time.Hour, 2}} {
		e.now = e.now.Add(tc.after)
		n, err := e.im.RefreshPosters(ctx, e.venue.ID)
		if err != nil || n != tc.want {
			t.Fatalf("after %v: RefreshPosters = %d, %v; want %d", tc.after, n, err, tc.want)
		}
	}
	offers, _ := e.programme(t)
	p, err := e.st.Poster(ctx, offers[mousquetaires].ImageURL)
	must(t, err)
	// Stored as a bounded thumbnail: 1200 px tall becomes 600.
	img, err := jpeg.Decode(bytes.NewReader(p.Data))
	if p.ContentType != "image/jpeg" || err != nil || img.Bounds().Dy() != 600 {
		t.Errorf("poster = %q, %v, %v", p.ContentType, err, img)
	}
}

// A poster host sending garbage leaves the film without a poster; nothing else changes.
func TestImporter_RefreshPostersRefusesGarbage(t *testing.T) {
	e := newEnv(t, "P0001")
	ctx := context.Background()
	base := "http://" + strings.TrimPrefix(e.im.Source.(*Client).http.BaseURL, "http://")
	base = strings.TrimSuffix(base, "/api/query")
	e.fake.feeds["P0001"] = strings.ReplaceAll(sampleFeed(t), "https://fr.web.img6.acsta.net/pictures/", base+"/posters/garbage/")
	_, err := e.im.Import(ctx, e.venue.ID, nil)
	must(t, err)
	if n, err := e.im.RefreshPosters(ctx, e.venue.ID); n != 0 || err != nil {
		t.Fatalf("RefreshPosters = %d, %v; want nothing stored", n, err)
	}
	offers, _ := e.programme(t)
	if _, err := e.st.Poster(ctx, offers[mousquetaires].ImageURL); app.ErrorCode(err) != app.ENOTFOUND {
		t.Errorf("garbage poster stored: %v", err)
	}
}

func TestImporter_MovedShowtimeLeftAlone(t *testing.T) {
	e := newEnv(t, "P0001")
	ctx := context.Background()
	_, err := e.im.Import(ctx, e.venue.ID, nil)
	must(t, err)
	_, stocks := e.programme(t)
	moved := stocks[mousquetaires][0]
	later := moved.StartsAt.Add(time.Hour)
	_, err = e.st.UpdateStock(ctx, moved.ID, store.StockPatch{StartsAt: &later}, e.now)
	must(t, err)
	rep, err := e.im.Import(ctx, e.venue.ID, nil)
	must(t, err)
	got, err := e.st.GetStock(ctx, moved.ID)
	must(t, err)
	if rep.Stocks != (allocine.Counts{}) || !got.StartsAt.Equal(later) || !got.BookingLimit.Equal(later) {
		t.Errorf("moved showtime after import = %+v (report %+v)", got, rep.Stocks)
	}
}

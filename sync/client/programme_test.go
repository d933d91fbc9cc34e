package client_test

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"guichet/app"
	"guichet/sync/client"
	"guichet/sync/demo"
	"guichet/sync/images/imagetest"
	"guichet/sync/importer"
	"guichet/sync/protocol"
	"guichet/sync/server"
	"guichet/sync/store/sqlstore"
)

type fileSource struct{ path string }

func (f fileSource) Fetch(context.Context, string) ([]byte, error) { return os.ReadFile(f.path) }
func (f fileSource) FetchPoster(context.Context, string) (string, []byte, error) {
	return "image/jpeg", imagetest.JPEG(300, 450), nil
}

func TestProgramme_EndToEnd(t *testing.T) {
	ctx := context.Background()
	st, err := sqlstore.OpenSQLite(ctx, filepath.Join(t.TempDir(), "g.db"), sqlstore.Options{SyncNormal: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	paris, _ := time.LoadLocation("Europe/Paris")
	d, err := demo.Seed(ctx, st, time.Now(), paris)
	if err != nil {
		t.Fatal(err)
	}
	im := &importer.Importer{Store: st, Source: fileSource{"../../app/allocine/testdata/feed.json"}}
	srv := httptest.NewServer(server.New(st, server.Options{Imports: im}))
	defer srv.Close()
	p := client.New(srv.URL, d.Keys.Manager, "test", client.Options{Retries: -1}).Programme(d.Venue.ID)

	name, version := "La Haine", app.VersionVF
	o, err := p.CreateOffer(ctx, protocol.OfferInput{Name: &name, Version: &version})
	if err != nil || o.ID == 0 || !o.Active {
		t.Fatalf("CreateOffer = %+v, %v", o, err)
	}
	capacity := 50
	start := time.Now().Add(96 * time.Hour).Truncate(time.Minute)
	s, err := p.CreateStock(ctx, o.ID, protocol.NewStock{StartsAt: start, PriceCents: 600, Capacity: &capacity})
	if err != nil || s.PriceCents != 600 || *s.Capacity != 50 {
		t.Fatalf("CreateStock = %+v, %v", s, err)
	}
	unlimited, err := p.CreateStock(ctx, o.ID, protocol.NewStock{StartsAt: start.Add(24 * time.Hour), PriceCents: 0})
	if err != nil || unlimited.Capacity != nil {
		t.Fatalf("CreateStock unlimited = %+v, %v", unlimited, err)
	}
	if err := p.DeleteStock(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	off := false
	if o, err = p.UpdateOffer(ctx, o.ID, protocol.OfferInput{Active: &off}); err != nil || o.Active {
		t.Fatalf("deactivate = %+v, %v", o, err)
	}
	stocks, err := p.Stocks(ctx, o.ID)
	if err != nil || len(stocks) != 2 || !stocks[0].Deleted {
		t.Fatalf("Stocks = %+v, %v", stocks, err)
	}

	png := imagetest.PNG(200, 200, true) // noise: over the 64 KiB JSON cap
	up, err := p.UploadImage(ctx, o.ID, png)
	if err != nil || up.ImageURL == "" {
		t.Fatalf("UploadImage = %+v, %v", up, err)
	}
	if got, err := p.Poster(ctx, o.ID); err != nil || !bytes.HasPrefix(got, []byte("\xff\xd8\xff")) {
		t.Errorf("Poster: %d bytes, %v; want the uploaded image as a JPEG thumbnail", len(got), err)
	}
	if _, err := p.UploadImage(ctx, o.ID, []byte("not an image")); app.ErrorCode(err) != app.EINVALID {
		t.Errorf("text as image: %v", err)
	}
	if _, err := p.UploadImage(ctx, o.ID, append(png, make([]byte, 2<<20)...)); app.ErrorCode(err) != app.ETOOLARGE {
		t.Errorf("huge image: %v", err)
	}

	if err := p.SetAllocine(ctx, protocol.AllocineSettings{TheaterID: "C0159", PriceCents: 550, Duo: true, Active: true}); err != nil {
		t.Fatal(err)
	}
	run, err := p.RunAllocine(ctx)
	if err != nil || !run.OK || run.Report.Stocks.Created != 7 {
		t.Fatalf("RunAllocine = %+v, %v", run, err)
	}
	status, err := p.Allocine(ctx)
	if err != nil || status.Settings.PriceCents != 550 || status.Settings.Capacity != nil || status.LastImport == nil {
		t.Fatalf("Allocine = %+v, %v", status, err)
	}

	srv.Close()
	if _, err := p.CreateOffer(ctx, protocol.OfferInput{Name: &name}); app.ErrorCode(err) != app.EUNAVAILABLE {
		t.Errorf("offline edit: %v, want EUNAVAILABLE", err)
	}
}

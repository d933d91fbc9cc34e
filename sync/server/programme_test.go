package server_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"image"
	"image/jpeg"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"guichet/sync/images/imagetest"
	"guichet/sync/importer"
	"guichet/sync/protocol"
	"guichet/sync/server"
	"guichet/sync/store"
	"guichet/sync/store/sqlstore/sqltest"
)

// feedSource serves the sample feed, or fails, like Allociné would.
type feedSource struct{ feed string }

func (f *feedSource) Fetch(context.Context, string) ([]byte, error) {
	if f.feed == "" {
		return nil, fmt.Errorf("fetch allocine: HTTP 500")
	}
	return []byte(f.feed), nil
}

func (f *feedSource) FetchPoster(context.Context, string) (string, []byte, error) {
	return "image/jpeg", imagetest.JPEG(300, 450), nil
}

func TestProAPI_Allocine(t *testing.T) {
	sqltest.Run(t, func(t *testing.T) {
		e := newEnv(t)
		data, err := os.ReadFile("../../app/allocine/testdata/feed.json")
		if err != nil {
			t.Fatal(err)
		}
		src := &feedSource{feed: string(data)}
		im := &importer.Importer{Store: e.st, Source: src}
		srv := httptest.NewServer(server.New(e.st, server.Options{Imports: im}))
		defer srv.Close()
		e.srv = srv
		mgr, cashier := e.demo.Keys.Manager, e.demo.Keys.Cashier
		base := fmt.Sprintf("/pro/v1/venues/%d/allocine", e.demo.Venue.ID)

		status, body := e.do("GET", base, mgr, nil)
		if status != 200 || !strings.Contains(string(body), `"theaterId":"C0159"`) || !strings.Contains(string(body), `"priceCents":500`) ||
			!strings.Contains(string(body), `"capacity":120`) || !strings.Contains(string(body), `"lastImport":null`) {
			t.Fatalf("demo settings: %d %s", status, body)
		}
		if status, _ := e.do("GET", base, cashier, nil); status != 403 {
			t.Errorf("cashier read the settings: %d", status)
		}
		if status, _ := e.do("GET", base+"/imports/last", mgr, nil); status != 404 {
			t.Errorf("last import before any: %d", status)
		}
		status, body = e.do("PUT", base, mgr, map[string]any{"theaterId": "C0159", "priceCents": 650, "capacity": nil, "duo": false, "active": true})
		if status != 200 || !strings.Contains(string(body), `"capacity":null`) {
			t.Fatalf("put settings: %d %s", status, body)
		}
		for _, bad := range []map[string]any{
			{"theaterId": "", "priceCents": 500, "duo": true, "active": true},
			{"theaterId": "C1", "priceCents": 40000, "duo": true, "active": true},
			{"theaterId": "C1", "priceCents": 500, "capacity": -1, "duo": true, "active": true},
			{"theaterId": "C1", "priceCents": 500, "duo": true, "active": true, "color": "red"},
		} {
			if status, body := e.do("PUT", base, mgr, bad); status != 400 {
				t.Errorf("put %v: %d %s", bad, status, body)
			}
		}

		status, body = e.do("POST", base+"/imports", mgr, nil)
		var run struct {
			OK     bool
			Report struct {
				Offers, Stocks struct{ Created, Updated int }
				Skipped        []map[string]string
			}
		}
		if err := json.Unmarshal(body, &run); status != 200 || err != nil || !run.OK || run.Report.Stocks.Created != 7 || run.Report.Offers.Created != 4 {
			t.Fatalf("import now: %d %s", status, body)
		}
		if status, _ := e.do("POST", base+"/imports", cashier, nil); status != 403 {
			t.Errorf("cashier ran an import: %d", status)
		}

		// A failing feed: 200, ok false, the reason, nothing changed.
		src.feed = ""
		status, body = e.do("POST", base+"/imports", mgr, nil)
		if status != 200 || !strings.Contains(string(body), `"ok":false`) || !strings.Contains(string(body), "HTTP 500") {
			t.Fatalf("failed import: %d %s", status, body)
		}
		status, body = e.do("GET", base+"/imports/last", mgr, nil)
		if status != 200 || !strings.Contains(string(body), "HTTP 500") {
			t.Errorf("last import: %d %s", status, body)
		}

		// Posters, once downloaded, are served to the app.
		if _, err := im.RefreshPosters(context.Background(), e.demo.Venue.ID); err != nil {
			t.Fatal(err)
		}
		offers, err := e.st.ListOffers(context.Background(), e.demo.Venue.ID)
		if err != nil {
			t.Fatal(err)
		}
		served := 0
		for _, o := range offers {
			status, body := e.do("GET", fmt.Sprintf("/pro/v1/offers/%d/poster", o.ID), cashier, nil)
			switch {
			case o.AllocineID != "" && o.ImageURL != "":
				if img, err := jpeg.Decode(bytes.NewReader(body)); status != 200 || err != nil || img.Bounds().Dx() != 300 {
					t.Errorf("poster of %s: %d", o.Name, status)
				}
				served++
			case status != 404:
				t.Errorf("poster of %s without one: %d", o.Name, status)
			}
		}
		if served != 2 {
			t.Errorf("posters served = %d, want 2", served)
		}
	})
}

func TestProAPI_StockEditMarksVenueEdit(t *testing.T) {
	sqltest.Run(t, func(t *testing.T) {
		e := newEnv(t)
		ctx := context.Background()
		im := &importer.Importer{Store: e.st}
		data, err := os.ReadFile("../../app/allocine/testdata/feed.json")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := im.Import(ctx, e.demo.Venue.ID, data); err != nil {
			t.Fatal(err)
		}
		var stockID int64
		offers, _ := e.st.ListOffers(ctx, e.demo.Venue.ID)
		for _, o := range offers {
			if o.AllocineID == "TW92aWU6MTMxODQ2" {
				sts, _ := e.st.ListStocks(ctx, o.ID)
				stockID = sts[0].ID
			}
		}
		status, body := e.do("PATCH", fmt.Sprintf("/pro/v1/stocks/%d", stockID), e.demo.Keys.Manager, map[string]any{"priceCents": 800})
		if status != 200 {
			t.Fatalf("patch: %d %s", status, body)
		}
		set, _ := e.st.AllocineSettings(ctx, e.demo.Venue.ID)
		set.PriceCents = 450
		if err := e.st.SetAllocineSettings(ctx, set, e.now); err != nil {
			t.Fatal(err)
		}
		if _, err := im.Import(ctx, e.demo.Venue.ID, data); err != nil {
			t.Fatal(err)
		}
		st, _ := e.st.GetStock(ctx, stockID)
		if st.PriceCents != 800 {
			t.Errorf("price after re-import = %d, want the venue's 800", st.PriceCents)
		}
	})
}

// pngBomb is a valid PNG header claiming 100 000 × 100 000 pixels.
func pngBomb(t *testing.T) []byte {
	b := imagetest.PNG(2, 2, false)
	binary.BigEndian.PutUint32(b[16:], 100_000)
	binary.BigEndian.PutUint32(b[20:], 100_000)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

func TestProAPI_OfferImage(t *testing.T) {
	sqltest.Run(t, func(t *testing.T) {
		e := newEnv(t)
		ctx := context.Background()
		offers, err := e.st.ListOffers(ctx, e.demo.Venue.ID)
		if err != nil || len(offers) == 0 {
			t.Fatal(err)
		}
		path := fmt.Sprintf("/pro/v1/offers/%d", offers[0].ID)
		png := string(imagetest.PNG(900, 1350, false))
		if status, _ := e.do("PUT", path+"/image", e.demo.Keys.Cashier, png); status != 403 {
			t.Errorf("cashier upload: %d", status)
		}
		status, body := e.do("PUT", path+"/image", e.demo.Keys.Manager, png)
		var o struct{ ImageURL string }
		if err := json.Unmarshal(body, &o); status != 200 || err != nil || !strings.HasPrefix(o.ImageURL, path+"/poster?v=") {
			t.Fatalf("upload: %d %s (want a path, never built from the Host header)", status, body)
		}
		status, got := e.do("GET", path+"/poster", e.demo.Keys.Cashier, nil)
		if img, err := jpeg.Decode(bytes.NewReader(got)); status != 200 || err != nil || img.Bounds() != image.Rect(0, 0, 400, 600) {
			t.Errorf("served image: %d, %d bytes, %v: want the 400×600 JPEG thumbnail", status, len(got), err)
		}
		// Another offer pointing at this upload gets nothing: images are served by offer id.
		other := offers[1]
		if _, err := e.st.UpdateOffer(ctx, other.ID, store.OfferPatch{ImageURL: &o.ImageURL}); err != nil {
			t.Fatal(err)
		}
		if status, _ := e.do("GET", fmt.Sprintf("/pro/v1/offers/%d/poster", other.ID), e.demo.Keys.Cashier, nil); status != 404 {
			t.Errorf("poster of an offer borrowing another's upload: %d", status)
		}
		for name, bad := range map[string]string{"garbage": "\x89PNG\r\n\x1a\n" + strings.Repeat("\x00", 2000),
			"bomb": string(pngBomb(t))} {
			status, body := e.do("PUT", path+"/image", e.demo.Keys.Manager, bad)
			var pe protocol.Error
			if status != 400 || json.Unmarshal(body, &pe) != nil || pe.Field != "image" {
				t.Errorf("%s: %d %s", name, status, body)
			}
		}
		if status, _ := e.do("PUT", path+"/image", e.demo.Keys.Manager, "<svg onload=alert(1)>"); status != 400 {
			t.Errorf("svg accepted: %d", status)
		}
		if status, _ := e.do("PUT", path+"/image", e.demo.Keys.Manager, png+strings.Repeat("\x00", 2<<20)); status != 413 {
			t.Errorf("huge image: %d", status)
		}
	})
}

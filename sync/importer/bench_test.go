package importer

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"
)

// bigFeed is a feed of films × showtimes (classic, VF and VO alternating, one every 2 hours).
func bigFeed(films, showtimes int) []byte {
	type sh struct {
		StartsAt         string   `json:"startsAt"`
		DiffusionVersion string   `json:"diffusionVersion"`
		Projection       []string `json:"projection"`
		Experience       any      `json:"experience"`
	}
	type edge struct {
		Node struct {
			Movie     map[string]any `json:"movie"`
			Showtimes []sh           `json:"showtimes"`
		} `json:"node"`
	}
	var edges []edge
	start := time.Date(2027, 1, 4, 10, 0, 0, 0, time.UTC)
	for i := range films {
		var e edge
		e.Node.Movie = map[string]any{"id": fmt.Sprintf("TW92aWU6%06d", i), "internalId": i, "title": fmt.Sprintf("Film n°%d", i),
			"type": "FEATURE_FILM", "runtime": "PT1H55M0S", "synopsis": "Un film &amp; une histoire.",
			"poster":   map[string]string{"url": fmt.Sprintf("https://img.example/%d.jpg", i)},
			"backlink": map[string]string{"url": fmt.Sprintf("https://www.allocine.fr/film/fichefilm_gen_cfilm=%d.html", i)}}
		for j := range showtimes {
			v := "LOCAL"
			if j%2 == 1 {
				v = "ORIGINAL"
			}
			e.Node.Showtimes = append(e.Node.Showtimes, sh{StartsAt: start.Add(time.Duration(j*2) * time.Hour).Format("2006-01-02T15:04:05"),
				DiffusionVersion: v, Projection: []string{"DIGITAL"}})
		}
		edges = append(edges, e)
	}
	data, _ := json.Marshal(map[string]any{"movieShowtimeList": map[string]any{"totalCount": films, "edges": edges}})
	return data
}

// BenchmarkImport_500x40 imports 500 films × 40 showtimes into an empty venue (a fresh
// database each iteration, its setup not timed).
func BenchmarkImport_500x40(b *testing.B) {
	feed := bigFeed(500, 40)
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		e := newEnv(b, "P0001")
		b.StartTimer()
		rep, err := e.im.Import(ctx, e.venue.ID, feed)
		if err != nil || rep.Stocks.Created != 20000 {
			b.Fatalf("import = %+v, %v", rep.Stocks, err)
		}
	}
}

// BenchmarkReimport_Unchanged re-imports the same 500 × 40 feed: nothing to write.
func BenchmarkReimport_Unchanged(b *testing.B) {
	feed := bigFeed(500, 40)
	ctx := context.Background()
	e := newEnv(b, "P0001")
	if _, err := e.im.Import(ctx, e.venue.ID, feed); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		rep, err := e.im.Import(ctx, e.venue.ID, feed)
		if err != nil || rep.Stocks.Created+rep.Stocks.Updated+rep.Offers.Created+rep.Offers.Updated != 0 {
			b.Fatalf("re-import = %+v, %v", rep, err)
		}
	}
}

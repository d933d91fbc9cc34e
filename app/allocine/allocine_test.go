package allocine

import (
	"os"
	"strings"
	"testing"
	"time"

	"guichet/app"
)

func paris(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestParseRuntime(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
		ok   bool
	}{
		{"PT2H01M0S", 121, true},
		{"PT1H47M30S", 107, true},
		{"PT90M", 90, true},
		{"PT2H", 120, true},
		{"PT45S", 0, true},
		{"PT0H0M0S", 0, true},
		{"1h45", 0, false},
		{"PT", 0, false},
		{"PT1H-5M", 0, false},
		{"PT+1H", 0, false},
		{"PT-0H", 0, false},
		{"PTH", 0, false},
		{"PT99999999999H", 0, false},
		{"PT1M2H", 0, false},
		{"PT25H", 0, false},
		{"PT1X", 0, false},
		{"", 0, false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseRuntime(tc.in)
			if (err == nil) != tc.ok || got != tc.want {
				t.Fatalf("ParseRuntime(%q) = %d, %v; want %d, ok %v", tc.in, got, err, tc.want, tc.ok)
			}
		})
	}
}

func TestParseStart(t *testing.T) {
	loc := paris(t)
	for _, tc := range []struct {
		name, in, want string // want in UTC, "" for an error
	}{
		{"winter", "2027-01-15T20:30:00", "2027-01-15T19:30:00Z"},
		{"summer", "2027-07-15T20:30:00", "2027-07-15T18:30:00Z"},
		{"without seconds", "2027-07-15T20:30", "2027-07-15T18:30:00Z"},
		{"day of spring change, after", "2027-03-28T20:30:00", "2027-03-28T18:30:00Z"},
		{"day of spring change, before", "2027-03-28T01:30:00", "2027-03-28T00:30:00Z"},
		{"hour skipped in spring", "2027-03-28T02:30:00", ""},
		{"hour repeated in autumn: first", "2027-10-31T02:30:00", "2027-10-31T00:30:00Z"},
		{"after the autumn change", "2027-10-31T03:30:00", "2027-10-31T02:30:00Z"},
		{"explicit offset", "2027-07-15T20:30:00+02:00", "2027-07-15T18:30:00Z"},
		{"not a date", "le 25 octobre", ""},
		{"month 13", "2027-13-01T10:00:00", ""},
		{"empty", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseStart(tc.in, loc)
			if tc.want == "" {
				if err == nil {
					t.Fatalf("ParseStart(%q) = %v, want an error", tc.in, got)
				}
				return
			}
			if err != nil || got.UTC().Format(time.RFC3339) != tc.want {
				t.Fatalf("ParseStart(%q) = %v, %v; want %s", tc.in, got.UTC(), err, tc.want)
			}
		})
	}
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		films    int
		ok       bool
	}{
		{"bare", `{"movieShowtimeList": {"totalCount": 0, "edges": []}}`, 0, true},
		{"graphql data", `{"data": {"movieShowtimeList": {"totalCount": 1, "edges": [{"node": {"movie": {"id": "x", "title": "A"}, "showtimes": null}}]}}}`, 1, true},
		{"null edges", `{"movieShowtimeList": {"totalCount": 0, "edges": null}}`, 0, true},
		{"not json", `<html>502 Bad Gateway</html>`, 0, false},
		{"truncated", `{"movieShowtimeList": {"edges": [`, 0, false},
		{"wrong shape", `{"movieShowtimeList": {"edges": {"node": 1}}}`, 0, false},
		{"no list", `{"errors": [{"message": "Unauthorized"}]}`, 0, false},
		{"trailing", `{"movieShowtimeList": {"edges": []}} {}`, 0, false},
		{"array", `[]`, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := Parse([]byte(tc.in))
			if (err == nil) != tc.ok {
				t.Fatalf("Parse err = %v, want ok %v", err, tc.ok)
			}
			if err == nil && len(l.Edges) != tc.films {
				t.Fatalf("edges = %d, want %d", len(l.Edges), tc.films)
			}
		})
	}
}

func TestMap_Feed(t *testing.T) {
	data, err := os.ReadFile("testdata/feed.json")
	if err != nil {
		t.Fatal(err)
	}
	l, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	capacity := 120
	res := Map(l, Settings{PriceCents: 500, Capacity: &capacity, Duo: true}, paris(t))

	type film struct {
		name, version, image, desc string
		minutes                    int
		stocks                     []string
	}
	want := map[string]film{
		"TW92aWU6MTMxODQ2": {name: "Les Trois Mousquetaires", version: "VF", minutes: 121,
			image:  "https://fr.web.img6.acsta.net/pictures/23/01/mousquetaires.jpg",
			desc:   "D'Artagnan arrive à Paris & rencontre Athos, Porthos et Aramis.\nTous les détails du film sur AlloCiné: https://www.allocine.fr/film/fichefilm_gen_cfilm=131846.html",
			stocks: []string{"VF/2027-03-27T19:30:00Z", "VF/2027-03-28T18:30:00Z"}},
		"TW92aWU6MzAxMDAw": {name: "Oppenheimer", version: "VF", minutes: 0,
			desc:   "L’histoire du physicien « père de la bombe ».\nTous les détails du film sur AlloCiné: https://www.allocine.fr/film/fichefilm_gen_cfilm=301000.html",
			stocks: []string{"VO/2027-03-27T20:00:00Z", "VF/2027-03-27T20:00:00Z"}},
		// A runtime that cannot be read spoils only itself: the film is imported without a duration.
		"TW92aWU6MjAyMDIw": {name: "Le Film Abîmé", version: "VF", minutes: 0,
			desc:   "\nTous les détails du film sur AlloCiné: ",
			stocks: []string{"VF/2027-03-27T19:00:00Z"}},
		"TW92aWU6MzAzMDMw": {name: "Anatomie d'une chute", version: "VF", minutes: 151,
			image:  "https://fr.web.img6.acsta.net/pictures/23/05/anatomie.jpg",
			desc:   "Sandra, une écrivaine allemande…\nTous les détails du film sur AlloCiné: https://www.allocine.fr/film/fichefilm_gen_cfilm=303030.html",
			stocks: []string{"VF/2027-10-31T00:30:00Z", "VO/2027-10-31T15:00:00Z"}},
	}
	if len(res.Films) != len(want) {
		t.Fatalf("films = %d, want %d: %+v", len(res.Films), len(want), res.Films)
	}
	for _, f := range res.Films {
		w, ok := want[f.MovieID]
		if !ok {
			t.Fatalf("unexpected film %s", f.MovieID)
		}
		o := f.Offer
		if o.Name != w.name || o.Version != w.version || o.DurationMinutes != w.minutes || o.ImageURL != w.image ||
			o.Description != w.desc || !o.Duo || !o.Active || o.AllocineID != f.MovieID {
			t.Errorf("offer %s = %+v, want %+v", f.MovieID, o, w)
		}
		var keys []string
		for _, st := range f.Stocks {
			keys = append(keys, st.Key)
			s := st.Stock
			if s.PriceCents != 500 || s.Capacity == nil || *s.Capacity != 120 || !s.BookingLimit.Equal(s.StartsAt) ||
				s.PriceLabel != PriceLabel || !strings.HasPrefix(st.Key, st.Version+"/") {
				t.Errorf("stock %s = %+v", st.Key, s)
			}
		}
		if strings.Join(keys, " ") != strings.Join(w.stocks, " ") {
			t.Errorf("stocks of %s = %v, want %v", f.MovieID, keys, w.stocks)
		}
	}
	reasons := map[string]int{}
	for _, s := range res.Skipped {
		reasons[s.Reason]++
	}
	for r, n := range map[string]int{"séance en double": 1, "projection 3D": 1, "expérience IMAX": 1,
		"expérience DOLBY_ATMOS": 1, "évènement spécial (SPECIAL_EVENT)": 1} {
		if reasons[r] != n {
			t.Errorf("skipped %q = %d, want %d (all: %v)", r, reasons[r], n, res.Skipped)
		}
	}
	if len(res.Skipped) != 5 {
		t.Errorf("skipped = %v", res.Skipped)
	}
	if len(res.Invalid) != 3 {
		t.Fatalf("invalid = %+v, want 3", res.Invalid)
	}
	for i, frag := range []string{"inexistante", "durée invalide", "date de séance invalide"} {
		if !strings.Contains(res.Invalid[i].Error, frag) {
			t.Errorf("invalid[%d] = %+v, want %q", i, res.Invalid[i], frag)
		}
	}
}

func TestMap_Settings(t *testing.T) {
	feed := `{"movieShowtimeList": {"edges": [
	  {"node": {"movie": {"id": "m1", "title": "A", "type": "FEATURE_FILM", "runtime": "PT1H30M0S"},
	    "showtimes": [{"startsAt": "2027-01-10T20:00:00", "diffusionVersion": "ORIGINAL", "projection": ["DIGITAL"]}]}},
	  {"node": {"movie": {"id": "m1", "title": "A", "type": "FEATURE_FILM", "runtime": "PT1H30M0S"},
	    "showtimes": [{"startsAt": "2027-01-11T20:00:00", "diffusionVersion": "ORIGINAL", "projection": ["DIGITAL"]},
	                  {"startsAt": "2027-01-10T20:00:00", "diffusionVersion": "ORIGINAL", "projection": ["DIGITAL"]}]}},
	  {"node": {"movie": {"id": "m2", "title": "", "type": "FEATURE_FILM"}, "showtimes": []}},
	  {"node": {"movie": {"id": "m3", "title": "C", "type": "FEATURE_FILM"},
	    "showtimes": [{"startsAt": "2027-01-10T20:00:00", "diffusionVersion": "KLINGON", "projection": ["DIGITAL"]},
	                  {"startsAt": "2027-01-10T20:00:00", "diffusionVersion": "LOCAL", "projection": null}]}}
	]}}`
	l, err := Parse([]byte(feed))
	if err != nil {
		t.Fatal(err)
	}
	res := Map(l, Settings{PriceCents: 0, Duo: false}, paris(t))
	if len(res.Films) != 1 || len(res.Films[0].Stocks) != 2 {
		t.Fatalf("films = %+v", res.Films)
	}
	f := res.Films[0]
	if f.Offer.Version != app.VersionVO || f.Offer.Duo || f.Offer.DurationMinutes != 90 {
		t.Errorf("offer = %+v", f.Offer)
	}
	if st := f.Stocks[0].Stock; st.Capacity != nil || st.PriceCents != 0 {
		t.Errorf("stock = %+v, want unlimited and free", st)
	}
	if len(res.Invalid) != 2 || len(res.Skipped) != 3 {
		t.Errorf("invalid = %+v, skipped = %+v", res.Invalid, res.Skipped)
	}
}

func FuzzMap(f *testing.F) {
	if data, err := os.ReadFile("testdata/feed.json"); err == nil {
		f.Add(data)
	}
	for _, s := range []string{`{"movieShowtimeList": {"edges": null}}`, `{"data": {"movieShowtimeList": {"edges": [{"node": {"movie": {"id": "x", "title": "A", "runtime": "PT1H"}, "showtimes": [{"startsAt": "2027-03-28T02:30:00", "diffusionVersion": "LOCAL", "projection": ["DIGITAL"], "experience": [null]}]}}]}}}`, `[]`, `{`} {
		f.Add([]byte(s))
	}
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := Parse(data)
		if err != nil {
			return
		}
		res := Map(l, Settings{PriceCents: 500, Duo: true}, loc)
		seen := map[string]bool{}
		for _, film := range res.Films {
			if err := film.Offer.Validate(); err != nil {
				t.Fatalf("mapped offer invalid: %v", err)
			}
			if seen[film.MovieID] || len(film.Stocks) == 0 {
				t.Fatalf("film %q listed twice or without showtime", film.MovieID)
			}
			seen[film.MovieID] = true
			keys := map[string]bool{}
			for _, st := range film.Stocks {
				if keys[st.Key] {
					t.Fatalf("duplicate stock key %s", st.Key)
				}
				keys[st.Key] = true
				if err := st.Stock.Validate(); err != nil {
					t.Fatalf("mapped stock invalid: %v", err)
				}
			}
		}
	})
}

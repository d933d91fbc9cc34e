package allocine

import (
	"strings"
	"testing"
)

// TestMap_BadFieldSpoilsOnlyItself: a film whose runtime, poster, synopsis or link cannot be read
// (bad format or wrong JSON type) is imported without that field, which is listed under
// "invalid"; only a film without an id or a title is left out whole, and the rest of the feed
// is imported.
func TestMap_BadFieldSpoilsOnlyItself(t *testing.T) {
	show := `"showtimes": [{"startsAt": "2027-01-15T20:30:00", "diffusionVersion": "LOCAL", "projection": ["DIGITAL"], "experience": null}]`
	film := func(movie string) string { return `{"node": {"movie": {` + movie + `}, ` + show + `}}` }
	feed := `{"movieShowtimeList": {"totalCount": 7, "edges": [` + strings.Join([]string{
		film(`"id": "a", "title": "Mauvais format", "type": "FEATURE_FILM", "runtime": "PT1H30X"`),
		film(`"id": "b", "title": "Durée en nombre", "type": "FEATURE_FILM", "runtime": 95`),
		film(`"id": "c", "title": "Affiche texte", "type": "FEATURE_FILM", "runtime": "PT1H", "poster": "affiche.jpg"`),
		film(`"id": "d", "title": "Synopsis nombre", "type": "FEATURE_FILM", "runtime": "PT2H", "synopsis": 12, "backlink": [1]`),
		film(`"id": "e", "type": "FEATURE_FILM", "runtime": "PT1H"`),
		film(`"id": 6, "title": "Identifiant nombre", "type": "FEATURE_FILM"`),
		film(`"id": "g", "title": "Correct", "type": "FEATURE_FILM", "runtime": "PT1H47M"`),
	}, ",") + `]}}`
	l, err := Parse([]byte(feed))
	if err != nil {
		t.Fatalf("the feed was refused whole: %v", err)
	}
	res := Map(l, Settings{PriceCents: 500, Duo: true}, paris(t))
	got := map[string]int{} // imported film → minutes
	for _, f := range res.Films {
		got[f.Offer.Name] = f.Offer.DurationMinutes
		if len(f.Stocks) != 1 {
			t.Errorf("%s: %d showtimes", f.Offer.Name, len(f.Stocks))
		}
	}
	want := map[string]int{"Mauvais format": 0, "Durée en nombre": 0, "Affiche texte": 60, "Synopsis nombre": 120, "Correct": 107}
	if len(got) != len(want) {
		t.Errorf("imported %v, want %v", got, want)
	}
	for name, minutes := range want {
		if m, ok := got[name]; !ok || m != minutes {
			t.Errorf("%s: imported %v with %d min, want %d", name, ok, m, minutes)
		}
	}
	invalid := map[string][]string{}
	for _, iv := range res.Invalid {
		invalid[iv.MovieID] = append(invalid[iv.MovieID], iv.Error)
	}
	for id, field := range map[string]string{"a": "runtime", "b": "runtime", "c": "poster", "d": "synopsis", "e": "titre", "": "identifiant"} {
		found := false
		for _, e := range invalid[id] {
			found = found || strings.Contains(e, field)
		}
		if !found {
			t.Errorf("film %q: invalid %v, want one about %s", id, invalid[id], field)
		}
	}
	if len(invalid["d"]) != 2 || len(invalid["g"]) != 0 {
		t.Errorf("invalid %v: want synopsis and backlink for d, nothing for g", invalid)
	}
}

// TestMap_LongTextShortened: a title over pass Culture's 90 characters and a synopsis that would
// make the description pass 1 000 are shortened (with a note for the title), not refused: the
// film is imported with the link to Allociné kept.
func TestMap_LongTextShortened(t *testing.T) {
	title := strings.Repeat("Très long titre ", 8) // 128 characters
	synopsis := strings.Repeat("Une phrase du synopsis. ", 100)
	feed := `{"movieShowtimeList": {"totalCount": 1, "edges": [{"node": {"movie": {"id": "long", "title": "` + title +
		`", "type": "FEATURE_FILM", "synopsis": "` + synopsis + `", "backlink": {"url": "https://www.allocine.fr/film/1", "label": "x"}},
		"showtimes": [{"startsAt": "2027-01-15T20:30:00", "diffusionVersion": "LOCAL", "projection": ["DIGITAL"], "experience": null}]}}]}}`
	l, err := Parse([]byte(feed))
	if err != nil {
		t.Fatal(err)
	}
	res := Map(l, Settings{PriceCents: 500}, paris(t))
	if len(res.Films) != 1 {
		t.Fatalf("imported %d films, invalid %v", len(res.Films), res.Invalid)
	}
	o := res.Films[0].Offer
	if n := len([]rune(o.Name)); n > 90 || !strings.HasSuffix(o.Name, "…") || !strings.HasPrefix(o.Name, "Très long titre") {
		t.Errorf("title %q (%d characters)", o.Name, n)
	}
	if n := len([]rune(o.Description)); n > 1000 || !strings.HasSuffix(o.Description, "AlloCiné: https://www.allocine.fr/film/1") ||
		!strings.Contains(o.Description, "…\nTous les détails") {
		t.Errorf("description (%d characters): %q", n, o.Description)
	}
	if err := o.Validate(); err != nil {
		t.Errorf("the imported offer breaks the rules: %v", err)
	}
	noted := false
	for _, iv := range res.Invalid {
		noted = noted || iv.MovieID == "long" && strings.Contains(iv.Error, "raccourci")
	}
	if !noted {
		t.Errorf("the shortened title is not reported: %v", res.Invalid)
	}
}

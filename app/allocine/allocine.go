// Package allocine maps Allociné's movieShowtimeList feed to Guichet offers and stocks, following
// the rules of domain.md "Allociné import": classic showtimes only, one offer per film, one stock
// per version and start. It is pure: no I/O and no clock; fetching the feed lives in the server.
package allocine

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"guichet/app"
)

// Document is the feed as Allociné sends it. The query answer may come bare
// ({"movieShowtimeList": …}) or wrapped in GraphQL's {"data": …}.
type Document struct {
	MovieShowtimeList *ShowtimeList `json:"movieShowtimeList"`
	Data              *struct {
		MovieShowtimeList *ShowtimeList `json:"movieShowtimeList"`
	} `json:"data"`
}

// ShowtimeList is movieShowtimeList.
type ShowtimeList struct {
	TotalCount int    `json:"totalCount"`
	Edges      []Edge `json:"edges"`
}

// Edge is one film with its showtimes.
type Edge struct {
	Node struct {
		Movie     Movie      `json:"movie"`
		Showtimes []Showtime `json:"showtimes"`
	} `json:"node"`
}

// Movie is the part of Allociné's movie the import uses.
type Movie struct {
	ID            string  `json:"id"`
	InternalID    int64   `json:"internalId"`
	Title         string  `json:"title"`
	OriginalTitle string  `json:"originalTitle"`
	Type          string  `json:"type"`
	Runtime       *string `json:"runtime"`
	Poster        *struct {
		URL string `json:"url"`
	} `json:"poster"`
	Synopsis string `json:"synopsis"`
	Backlink *struct {
		URL   string `json:"url"`
		Label string `json:"label"`
	} `json:"backlink"`

	unreadable []string // fields of the wrong type, left empty (see UnmarshalJSON)
}

// UnmarshalJSON reads a movie leniently: a field of the wrong type is left empty and noted, so
// that one bad field spoils only itself (Map imports the film without it and lists it as
// invalid; a film left without an id or a title is dropped). A movie that is not an object is
// a malformed feed.
func (m *Movie) UnmarshalJSON(data []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	*m = Movie{}
	for name, dst := range map[string]any{"id": &m.ID, "internalId": &m.InternalID, "title": &m.Title,
		"originalTitle": &m.OriginalTitle, "type": &m.Type, "runtime": &m.Runtime, "poster": &m.Poster,
		"synopsis": &m.Synopsis, "backlink": &m.Backlink} {
		r, ok := raw[name]
		if !ok || string(r) == "null" {
			continue
		}
		if err := json.Unmarshal(r, dst); err != nil {
			m.unreadable = append(m.unreadable, name)
		}
	}
	// A field that failed may hold a partial value: empty it.
	for _, name := range m.unreadable {
		switch name {
		case "id":
			m.ID = ""
		case "internalId":
			m.InternalID = 0
		case "title":
			m.Title = ""
		case "originalTitle":
			m.OriginalTitle = ""
		case "type":
			m.Type = ""
		case "runtime":
			m.Runtime = nil
		case "poster":
			m.Poster = nil
		case "synopsis":
			m.Synopsis = ""
		case "backlink":
			m.Backlink = nil
		}
	}
	sort.Strings(m.unreadable)
	return nil
}

// Showtime is one Allociné showtime.
type Showtime struct {
	StartsAt         string          `json:"startsAt"`
	DiffusionVersion string          `json:"diffusionVersion"`
	Projection       []string        `json:"projection"`
	Experience       json.RawMessage `json:"experience"`
}

// Parse decodes a feed. Anything that is not JSON of the documented shape is an error: the
// import then changes nothing.
func Parse(data []byte) (*ShowtimeList, error) {
	var d Document
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("decode feed: %w", err)
	}
	if dec.More() {
		return nil, errors.New("decode feed: trailing data after the document")
	}
	l := d.MovieShowtimeList
	if l == nil && d.Data != nil {
		l = d.Data.MovieShowtimeList
	}
	if l == nil {
		return nil, errors.New("decode feed: no movieShowtimeList")
	}
	return l, nil
}

// Settings are a venue's import settings: one price for every showtime ("Tarif unique"), the
// capacity per showtime (nil: unlimited) and whether bookings are duo.
type Settings struct {
	PriceCents int64
	Capacity   *int
	Duo        bool
}

// PriceLabel is the label of the single price of imported showtimes.
const PriceLabel = "Tarif unique"

// Film is one imported film: its offer (without venue) and its classic showtimes.
type Film struct {
	MovieID string
	Offer   app.Offer
	Stocks  []Stock
}

// Stock is one imported showtime with its key (version + start) that identifies it from one
// import to the next.
type Stock struct {
	Key     string
	Version string
	Stock   app.Stock
}

// Skipped is a film or showtime left out on purpose (not classic, special event, duplicate).
type Skipped struct {
	Reason   string `json:"reason"`
	MovieID  string `json:"movieId,omitempty"`
	Title    string `json:"title,omitempty"`
	StartsAt string `json:"startsAt,omitempty"`
}

// Invalid is an entry that could not be read (bad date, bad runtime, no title…).
type Invalid struct {
	Error    string `json:"error"`
	MovieID  string `json:"movieId,omitempty"`
	Title    string `json:"title,omitempty"`
	StartsAt string `json:"startsAt,omitempty"`
}

// Result is a mapped feed.
type Result struct {
	Films   []Film
	Skipped []Skipped
	Invalid []Invalid
}

// Map converts a feed for a venue in time zone loc. Films keep the feed's order; a film listed
// twice is merged; invalid entries are listed and left out, the rest mapped.
func Map(l *ShowtimeList, s Settings, loc *time.Location) Result {
	var res Result
	index := map[string]int{}
	for _, e := range l.Edges {
		m := e.Node.Movie
		if m.Type == "SPECIAL_EVENT" {
			res.Skipped = append(res.Skipped, Skipped{Reason: "évènement spécial (SPECIAL_EVENT)", MovieID: m.ID, Title: m.Title})
			continue
		}
		offer, notes, err := mapOffer(&m, s)
		if err != nil {
			res.Invalid = append(res.Invalid, Invalid{Error: err.Error(), MovieID: m.ID, Title: m.Title})
			continue
		}
		for _, n := range notes {
			res.Invalid = append(res.Invalid, Invalid{Error: n, MovieID: m.ID, Title: m.Title})
		}
		i, seen := index[m.ID]
		if !seen {
			i = len(res.Films)
			index[m.ID] = i
			res.Films = append(res.Films, Film{MovieID: m.ID, Offer: offer})
		}
		f := &res.Films[i]
		for _, sh := range e.Node.Showtimes {
			res.addShowtime(f, &m, sh, s, loc)
		}
	}
	kept := res.Films[:0]
	for _, f := range res.Films {
		if len(f.Stocks) == 0 {
			res.Skipped = append(res.Skipped, Skipped{Reason: "aucune séance classique", MovieID: f.MovieID, Title: f.Offer.Name})
			continue
		}
		f.Offer.Version = app.VersionVO
		for _, st := range f.Stocks {
			if st.Version == app.VersionVF {
				f.Offer.Version = app.VersionVF
				break
			}
		}
		kept = append(kept, f)
	}
	res.Films = kept
	return res
}

func (res *Result) addShowtime(f *Film, m *Movie, sh Showtime, s Settings, loc *time.Location) {
	if reason := notClassic(sh); reason != "" {
		res.Skipped = append(res.Skipped, Skipped{Reason: reason, MovieID: m.ID, Title: m.Title, StartsAt: sh.StartsAt})
		return
	}
	version, ok := versions[sh.DiffusionVersion]
	if !ok {
		res.Invalid = append(res.Invalid, Invalid{Error: fmt.Sprintf("version de diffusion inconnue %q", sh.DiffusionVersion),
			MovieID: m.ID, Title: m.Title, StartsAt: sh.StartsAt})
		return
	}
	start, err := ParseStart(sh.StartsAt, loc)
	if err != nil {
		res.Invalid = append(res.Invalid, Invalid{Error: err.Error(), MovieID: m.ID, Title: m.Title, StartsAt: sh.StartsAt})
		return
	}
	key := version + "/" + start.UTC().Format(time.RFC3339)
	for _, st := range f.Stocks {
		if st.Key == key {
			res.Skipped = append(res.Skipped, Skipped{Reason: "séance en double", MovieID: m.ID, Title: m.Title, StartsAt: sh.StartsAt})
			return
		}
	}
	st := app.Stock{StartsAt: start.UTC(), PriceCents: s.PriceCents, BookingLimit: start.UTC(), PriceLabel: PriceLabel,
		Version: version}
	if s.Capacity != nil {
		c := *s.Capacity
		st.Capacity = &c
	}
	f.Stocks = append(f.Stocks, Stock{Key: key, Version: version, Stock: st})
}

var versions = map[string]string{"LOCAL": app.VersionVF, "DUBBED": app.VersionVF, "ORIGINAL": app.VersionVO}

// notClassic returns why a showtime is not a classic one ("" when it is): the first projection
// must be DIGITAL and there must be no experience (null, "" or an empty list).
func notClassic(sh Showtime) string {
	if len(sh.Projection) == 0 {
		return "projection inconnue"
	}
	if p := sh.Projection[0]; p != "DIGITAL" {
		return "projection " + p
	}
	if exp := experiences(sh.Experience); len(exp) > 0 {
		return "expérience " + strings.Join(exp, ", ")
	}
	return ""
}

func experiences(raw json.RawMessage) []string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		if one == "" {
			return nil
		}
		return []string{one}
	}
	var list []*string
	if json.Unmarshal(raw, &list) == nil {
		var out []string
		for _, v := range list {
			if v != nil && *v != "" {
				out = append(out, *v)
			}
		}
		return out
	}
	return []string{string(raw)} // an unexpected shape is not "no experience"
}

// mapOffer maps a film to its offer. A film without an id or a valid title is an error (left
// out whole); an optional field that cannot be read or breaks the offer's limits is left out,
// each with a note for the report's "invalid" list.
func mapOffer(m *Movie, s Settings) (app.Offer, []string, error) {
	o := app.Offer{Name: strings.TrimSpace(html.UnescapeString(m.Title)), Duo: s.Duo, Active: true,
		AllocineID: m.ID, Version: app.VersionVF}
	if m.ID == "" {
		return o, nil, errors.New("film sans identifiant")
	}
	var notes []string
	if long := o.Name; utf8.RuneCountInString(long) > app.MaxOfferNameLength { // pass Culture's limit: shortened, not lost
		o.Name = app.Shorten(long, app.MaxOfferNameLength)
		notes = append(notes, fmt.Sprintf("titre de plus de %d caractères, raccourci en « %s »", app.MaxOfferNameLength, o.Name))
	}
	for _, f := range m.unreadable {
		if f != "id" && f != "title" {
			notes = append(notes, fmt.Sprintf("champ %s illisible : film importé sans", f))
		}
	}
	if m.Runtime != nil {
		d, err := ParseRuntime(*m.Runtime)
		if err != nil {
			notes = append(notes, fmt.Sprintf("champ runtime illisible (%v) : film importé sans durée", err))
		}
		o.DurationMinutes = d
	}
	o.Description = Description(m)
	if m.Poster != nil && (strings.HasPrefix(m.Poster.URL, "https://") || strings.HasPrefix(m.Poster.URL, "http://")) {
		o.ImageURL = m.Poster.URL
	}
	for range 3 { // at most description, duration and image are dropped
		err := o.Validate()
		var fe *app.Error
		if err == nil || !errors.As(err, &fe) {
			return o, notes, err
		}
		switch fe.Field {
		case "description":
			o.Description = ""
		case "durationMinutes":
			o.DurationMinutes = 0
		case "imageUrl":
			o.ImageURL = ""
		default:
			return o, notes, err // the title: the film is left out
		}
		notes = append(notes, fmt.Sprintf("%s : film importé sans ce champ", fe.Message))
	}
	return o, notes, o.Validate()
}

// Description is the offer's description: the synopsis (HTML entities decoded), a newline, then
// the link to the film's page on Allociné. A synopsis too long for pass Culture's 1 000
// characters is shortened (ending with "…") so that the link stays.
func Description(m *Movie) string {
	link := ""
	if m.Backlink != nil {
		link = m.Backlink.URL
	}
	tail := "\nTous les détails du film sur AlloCiné: " + link
	room := app.MaxDescriptionLength - utf8.RuneCountInString(tail)
	return app.Shorten(strings.TrimSpace(html.UnescapeString(m.Synopsis)), max(room, 0)) + tail
}

// ParseRuntime reads an ISO 8601 duration PT{H}H{M}M{S}S (each part optional, at least one) and
// returns whole minutes; seconds are dropped, as pass Culture does.
func ParseRuntime(s string) (int, error) {
	bad := fmt.Errorf("durée invalide %q", s)
	rest, ok := strings.CutPrefix(s, "PT")
	if !ok || rest == "" {
		return 0, bad
	}
	var total int64
	for _, unit := range []struct {
		sep byte
		sec int64
	}{{'H', 3600}, {'M', 60}, {'S', 1}} {
		i := strings.IndexByte(rest, unit.sep)
		if i < 0 {
			continue
		}
		if i == 0 || strings.TrimLeft(rest[:i], "0123456789") != "" {
			return 0, bad
		}
		n, err := strconv.ParseInt(rest[:i], 10, 32)
		if err != nil {
			return 0, bad
		}
		total += n * unit.sec
		rest = rest[i+1:]
	}
	if rest != "" || total > 24*3600 {
		return 0, bad
	}
	return int(total / 60), nil
}

// ParseStart reads a showtime's start, the cinema's naive local time ("2026-03-29T20:30:00"),
// in loc. A time that does not exist (skipped by the spring daylight-saving change) is an
// error; an ambiguous one (the autumn change repeats an hour) is its first occurrence (summer
// time). A start with an explicit offset is taken as is.
func ParseStart(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04"} {
		t, err := time.ParseInLocation(layout, s, loc)
		if err != nil {
			continue
		}
		// The wall clock must survive the round trip, or the hour does not exist in loc.
		if t.Format(layout) != s {
			return time.Time{}, fmt.Errorf("heure de séance inexistante (changement d'heure) %q", s)
		}
		if e := t.Add(-time.Hour); e.Format(layout) == s {
			return e, nil // the hour repeated in autumn: its first occurrence
		}
		return t, nil
	}
	return time.Time{}, fmt.Errorf("date de séance invalide %q", s)
}

// Counts are how many items an import created and updated.
type Counts struct {
	Created int `json:"created"`
	Updated int `json:"updated"`
}

// Report is what an import did: offers and stocks created and updated, what it skipped and why,
// the entries it could not read, and, when the feed could not be fetched or read, the error
// (nothing was changed then).
type Report struct {
	Offers  Counts    `json:"offers"`
	Stocks  Counts    `json:"stocks"`
	Skipped []Skipped `json:"skipped"`
	Invalid []Invalid `json:"invalid"`
	Error   string    `json:"error,omitempty"`
}

// NewReport returns an empty report whose lists encode as [] rather than null.
func NewReport() Report {
	return Report{Skipped: []Skipped{}, Invalid: []Invalid{}}
}

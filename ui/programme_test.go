package ui

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"guichet/app"
	"guichet/app/allocine"
)

// fakeProgramme records the programme calls; offline makes every call fail as unreachable.
type fakeProgramme struct {
	posters    []int64 // films whose poster was asked for
	offline    bool
	offers     []app.ProOffer
	stocks     []app.ProStock
	created    []app.OfferInput
	updated    map[int64]app.OfferInput
	newStock   []app.NewStock
	deleted    []int64
	stockEdits map[int64]app.NewStock
	uploads    map[int64]int
	settings   *allocine.VenueSettings
	run        allocine.Run
}

func (f *fakeProgramme) fail() error {
	if f.offline {
		return &app.Error{Code: app.EUNAVAILABLE, Message: "Serveur injoignable : connection refused"}
	}
	return nil
}

func (f *fakeProgramme) Offers(context.Context) ([]app.ProOffer, error) { return f.offers, f.fail() }
func (f *fakeProgramme) Poster(_ context.Context, id int64) ([]byte, error) {
	f.posters = append(f.posters, id)
	return tinyPNG, f.fail()
}

// tinyPNG is a 1×1 PNG.
var tinyPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" +
	"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")

func (f *fakeProgramme) Stocks(context.Context, int64) ([]app.ProStock, error) {
	return f.stocks, f.fail()
}
func (f *fakeProgramme) CreateOffer(_ context.Context, in app.OfferInput) (*app.ProOffer, error) {
	if err := f.fail(); err != nil {
		return nil, err
	}
	f.created = append(f.created, in)
	return &app.ProOffer{ID: 99, Name: *in.Name}, nil
}
func (f *fakeProgramme) UpdateOffer(_ context.Context, id int64, in app.OfferInput) (*app.ProOffer, error) {
	if err := f.fail(); err != nil {
		return nil, err
	}
	f.updated[id] = in
	return &app.ProOffer{ID: id}, nil
}
func (f *fakeProgramme) CreateStock(_ context.Context, _ int64, in app.NewStock) (*app.ProStock, error) {
	if err := f.fail(); err != nil {
		return nil, err
	}
	f.newStock = append(f.newStock, in)
	return &app.ProStock{}, nil
}
func (f *fakeProgramme) DeleteStock(_ context.Context, id int64) error {
	if err := f.fail(); err != nil {
		return err
	}
	f.deleted = append(f.deleted, id)
	return nil
}
func (f *fakeProgramme) UploadImage(_ context.Context, id int64, data []byte) (*app.ProOffer, error) {
	if err := f.fail(); err != nil {
		return nil, err
	}
	f.uploads[id] = len(data)
	return &app.ProOffer{ID: id}, nil
}
func (f *fakeProgramme) Allocine(context.Context) (*allocine.Status, error) {
	return &allocine.Status{Settings: f.settings}, f.fail()
}
func (f *fakeProgramme) SetAllocine(_ context.Context, s allocine.VenueSettings) error {
	if err := f.fail(); err != nil {
		return err
	}
	f.settings = &s
	return nil
}
func (f *fakeProgramme) RunAllocine(context.Context) (*allocine.Run, error) {
	return &f.run, f.fail()
}

type programmeBackend struct {
	*fakeBackend
	prog *fakeProgramme
}

func (b *programmeBackend) Programme(Pairing) Programme { return b.prog }

var paris = loadLocation("Europe/Paris")

// newProgrammeUI opens the app paired with role; the programme tab is selected when present.
func newProgrammeUI(t *testing.T, role app.Role, pin bool) (*UI, *fakeProgramme, *fakeCounter) {
	t.Helper()
	a := test.NewTempApp(t)
	capacity, hundred := 120, 100
	fc := &fakeCounter{shows: []app.Showtime{
		{StockID: 11, OfferID: 1, OfferName: "Parasite", Version: "VO", Start: time.Date(2027, 3, 26, 20, 30, 0, 0, paris), Capacity: &hundred, Booked: 3},
		{StockID: 12, OfferID: 1, OfferName: "Parasite", Version: "VO", Start: time.Date(2027, 3, 26, 14, 0, 0, 0, paris), Capacity: &capacity},
		{StockID: 13, OfferID: 2, OfferName: "Intouchables", Version: "VF", Start: time.Date(2027, 3, 26, 18, 0, 0, 0, paris)},
	}}
	fp := &fakeProgramme{updated: map[int64]app.OfferInput{}, uploads: map[int64]int{},
		offers: []app.ProOffer{{ID: 1, Name: "Parasite", Version: "VO", DurationMinutes: 132, Duo: true, Active: true, AllocineID: "263856",
			ImageURL: "http://guichet.example/pro/v1/offers/1/poster"},
			{ID: 2, Name: "Intouchables", Version: "VF", Active: false}},
		stocks: []app.ProStock{{ID: 12, PriceCents: 650}}}
	u := New(context.Background(), a, &programmeBackend{fakeBackend: &fakeBackend{c: fc}, prog: fp})
	u.async = func(f func()) { f() }
	u.now = func() time.Time { return time.Date(2027, 3, 26, 10, 0, 0, 0, paris) }
	if pin {
		u.prefs.SetString(prefPIN, hashPIN("1234"))
	}
	u.Pair(Pairing{ServerURL: "http://x", Key: "gk_good", Role: role, Venue: app.ProVenue{ID: 1, Name: "Le Méliès", Timezone: "Europe/Paris"}})
	u.Show()
	for i, item := range u.tabs.Items {
		if item.Text == "Programme" {
			u.tabs.SelectIndex(i)
		}
	}
	return u, fp, fc
}

func programmeOf(t *testing.T, u *UI) *programmeScreen {
	t.Helper()
	for _, v := range u.views {
		if p, ok := v.(*programmeScreen); ok {
			return p
		}
	}
	t.Fatal("no programme screen")
	return nil
}

// allText gathers the labels and buttons under o.
func allText(o fyne.CanvasObject) string {
	var out []string
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Label:
			out = append(out, w.Text)
		case *widget.Button:
			out = append(out, "["+w.Text+"]")
		case *container.Scroll:
			walk(w.Content)
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		}
	}
	walk(o)
	return strings.Join(out, " | ")
}

func button(t *testing.T, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	var found *widget.Button
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Button:
			if (w.Text == text || w.Text == "" && w.Icon != nil && w.Icon.Name() == text) && found == nil { // by text, or an icon's name
				found = w
			}
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		}
	}
	walk(o)
	if found == nil {
		t.Fatalf("no button %q in %s", text, allText(o))
	}
	return found
}

func TestProgrammeScreen_Access(t *testing.T) {
	for _, tc := range []struct {
		name   string
		role   app.Role
		pin    bool
		tab    bool
		locked bool
	}{
		{"cashier: no tab", app.RoleCashier, false, false, false},
		{"manager", app.RoleManager, false, true, false},
		{"manager behind the PIN", app.RoleManager, true, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, _, _ := newProgrammeUI(t, tc.role, tc.pin)
			has := false
			for _, item := range u.tabs.Items {
				has = has || item.Text == "Programme"
			}
			if has != tc.tab {
				t.Fatalf("programme tab = %v, want %v", has, tc.tab)
			}
			if !tc.tab {
				return
			}
			got := allText(programmeOf(t, u).content)
			if strings.Contains(got, "verrouillés") != tc.locked || strings.Contains(got, "Parasite") == tc.locked {
				t.Errorf("locked %v, screen shows %s", tc.locked, got)
			}
		})
	}
}

func TestProgrammeScreen_Day(t *testing.T) {
	u, fp, _ := newProgrammeUI(t, app.RoleManager, false)
	s := programmeOf(t, u)
	got := allText(s.days)
	for _, want := range []string{"Séances du vendredi 26/03/2027", "Intouchables (VF)", "Parasite (VO)",
		"14:00 — 0 réservé(s) / 120 places | [Modifier] | [Dupliquer] | [Supprimer] | 20:30 — 3 réservé(s) / 100 places", "18:00 — 0 réservé(s) / jauge illimitée"} {
		if !strings.Contains(got, want) {
			t.Errorf("day view lacks %q: %s", want, got)
		}
	}
	if i, p := strings.Index(got, "Intouchables"), strings.Index(got, "Parasite"); i > p {
		t.Errorf("films not in order: %s", got)
	}
	films := allText(s.films)
	if !strings.Contains(films, "Parasite (VO, 132 min) — importé d'Allociné") || !strings.Contains(films, "Intouchables (VF, 0 min) — désactivé") {
		t.Errorf("films: %s", films)
	}
	// The film with an image gets its poster, the one without is not asked for.
	if len(fp.posters) == 0 || fp.posters[0] != 1 || slices.Contains(fp.posters, 2) {
		t.Errorf("posters asked: %v", fp.posters)
	}
	test.Tap(button(t, s.unlocked.(*fyne.Container), theme.NavigateNextIcon().Name())) // the next-day arrow
	if !strings.Contains(s.dayLabel.Text, "samedi 27/03/2027") {
		t.Errorf("next day: %q", s.dayLabel.Text)
	}
}

func TestProgrammeScreen_Edits(t *testing.T) {
	u, fp, _ := newProgrammeUI(t, app.RoleManager, false)
	s := programmeOf(t, u)

	f := newOfferForm(nil)
	f.name.SetText("La Haine")
	f.duration.SetText("98")
	f.version.SetSelected("VO")
	f.duo.SetChecked(false)
	s.saveOffer(nil, f)
	if len(fp.created) != 1 || *fp.created[0].Name != "La Haine" || *fp.created[0].DurationMinutes != 98 ||
		*fp.created[0].Version != "VO" || *fp.created[0].Duo {
		t.Fatalf("created = %+v", fp.created)
	}
	if !strings.Contains(s.message.Text, "enregistré") {
		t.Errorf("message %q", s.message.Text)
	}
	if len(fp.uploads) != 0 {
		t.Errorf("uploaded without a file: %v", fp.uploads)
	}
	f.pick = widget.NewButton("Choisir…", nil)
	s.setImage(f, "affiche.png", make([]byte, 3<<20), nil)
	if f.upload != nil || !strings.Contains(s.message.Text, "2 Mo") {
		t.Errorf("oversized image kept: %q", s.message.Text)
	}
	s.setImage(f, "affiche.png", []byte("\x89PNG"), nil)
	s.saveOffer(&fp.offers[0], f)
	if fp.uploads[1] != 4 || f.uploadName.Text != "affiche.png" {
		t.Errorf("uploads = %v", fp.uploads)
	}
	f.duration.SetText("deux heures")
	s.saveOffer(nil, f)
	if len(fp.created) != 1 || !strings.Contains(s.message.Text, "durée") {
		t.Errorf("bad duration: %q", s.message.Text)
	}

	test.Tap(button(t, s.films, "Désactiver"))
	if in := fp.updated[1]; in.Active != nil {
		t.Errorf("deactivated before the confirmation: %+v", fp.updated)
	}
	confirmDialog(t, u.win)
	if in, ok := fp.updated[1]; !ok || in.Active == nil || *in.Active {
		t.Errorf("deactivate: %+v", fp.updated)
	}

	sf := newStockForm(s.day)
	sf.hour.SetText("21:15")
	sf.price.SetText("6,5")
	sf.capacity.SetText("")
	s.addShowtime(fp.offers[0], sf)
	if len(fp.newStock) != 1 || fp.newStock[0].PriceCents != 650 || fp.newStock[0].Capacity != nil ||
		!fp.newStock[0].StartsAt.Equal(time.Date(2027, 3, 26, 20, 15, 0, 0, time.UTC)) {
		t.Fatalf("new stock = %+v", fp.newStock)
	}

	// Deleting: refused with bookings, done without.
	s.deleteShowtime(s.shows[0])
	if len(fp.deleted) != 0 || !strings.Contains(s.message.Text, "3 place(s) réservée(s)") {
		t.Errorf("delete with bookings: %v %q", fp.deleted, s.message.Text)
	}
	s.deleteShowtime(s.shows[1])
	if len(fp.deleted) != 1 || fp.deleted[0] != 12 {
		t.Errorf("delete: %v", fp.deleted)
	}
}

func TestProgrammeScreen_DuplicateOverDST(t *testing.T) {
	u, fp, _ := newProgrammeUI(t, app.RoleManager, false)
	s := programmeOf(t, u)
	s.duplicate(s.shows[1], 3) // 14:00 on Friday 26/03/2027, price 6,50 €, 120 places
	if len(fp.newStock) != 3 {
		t.Fatalf("created %d showtimes", len(fp.newStock))
	}
	for i, want := range []time.Time{
		time.Date(2027, 3, 27, 13, 0, 0, 0, time.UTC), // CET
		time.Date(2027, 3, 28, 12, 0, 0, 0, time.UTC), // summer time from that night
		time.Date(2027, 3, 29, 12, 0, 0, 0, time.UTC),
	} {
		got := fp.newStock[i]
		if !got.StartsAt.Equal(want) || got.PriceCents != 650 || got.Capacity == nil || *got.Capacity != 120 {
			t.Errorf("copy %d = %+v, want %v", i, got, want)
		}
	}
	s.duplicate(s.shows[1], 0)
	if len(fp.newStock) != 3 || !strings.Contains(s.message.Text, "entre 1 et 31") {
		t.Errorf("0 days: %q", s.message.Text)
	}
}

func TestProgrammeScreen_Offline(t *testing.T) {
	u, fp, _ := newProgrammeUI(t, app.RoleManager, false)
	fp.offline = true
	s := programmeOf(t, u)
	s.refresh()
	if !strings.Contains(allText(s.days), "Parasite (VO)") {
		t.Error("the day should still show from the cache offline")
	}
	if !strings.Contains(allText(s.films), "hors ligne") {
		t.Errorf("films offline: %s", allText(s.films))
	}
	f := newOfferForm(&fp.offers[0])
	s.saveOffer(&fp.offers[0], f)
	s.duplicate(s.shows[1], 2)
	s.deleteShowtime(s.shows[1])
	if s.message.Text != msgOffline || len(fp.updated)+len(fp.newStock)+len(fp.deleted) != 0 {
		t.Errorf("offline edit: %q", s.message.Text)
	}
}

func TestProgrammeScreen_Allocine(t *testing.T) {
	u, fp, _ := newProgrammeUI(t, app.RoleManager, false)
	capacity := 120
	fp.settings = &allocine.VenueSettings{TheaterID: "C0159", PriceCents: 500, Capacity: &capacity, Duo: true, Active: true}
	s := programmeOf(t, u)
	s.refresh()
	p := s.imports
	if p.theater.Text != "C0159" || p.price.Text != "5,00" || p.capacity.Text != "120" || !p.duo.Checked {
		t.Fatalf("settings shown: %q %q %q", p.theater.Text, p.price.Text, p.capacity.Text)
	}
	p.price.SetText("4,50")
	p.capacity.SetText("")
	u.refreshViews() // a sync status change while the manager types
	if p.price.Text != "4,50" {
		t.Fatalf("a refresh overwrote the typed price: %q", p.price.Text)
	}
	test.Tap(p.save)
	if fp.settings.PriceCents != 450 || fp.settings.Capacity != nil {
		t.Errorf("saved settings: %+v", fp.settings)
	}
	fp.run = allocine.Run{At: "2027-03-26T09:00:00Z", OK: true, Report: allocine.Report{
		Offers: allocine.Counts{Created: 3}, Stocks: allocine.Counts{Created: 6},
		Skipped: []allocine.Skipped{{Reason: "projection 3D", Title: "Les Trois Mousquetaires"}},
		Invalid: []allocine.Invalid{{Error: "durée invalide \"1h45\"", Title: "Le Film Abîmé"}}}}
	test.Tap(p.run)
	for _, want := range []string{"26/03/2027 à 10:00", "films 3 créé(s)", "séances 6 créée(s)", "projection 3D", "durée invalide"} {
		if !strings.Contains(p.report.Text, want) {
			t.Errorf("report %q lacks %q", p.report.Text, want)
		}
	}
	fp.run = allocine.Run{At: "2027-03-26T09:05:00Z", OK: false, Report: allocine.Report{Error: "fetch allocine: HTTP 500"}}
	test.Tap(p.run)
	if !strings.Contains(p.report.Text, "échec, rien n'a été modifié") || !strings.Contains(s.message.Text, "HTTP 500") {
		t.Errorf("failed run: %q / %q", p.report.Text, s.message.Text)
	}
}

func TestParseEuros(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"5", 500, true}, {"5,50", 550, true}, {"5.5", 550, true}, {"0", 0, true}, {"6,05 €", 605, true},
		{"300", 30000, true}, {"301", 0, false}, {"", 0, false}, {"-1", 0, false}, {"5,555", 0, false}, {"cinq", 0, false},
	} {
		got, err := parseEuros(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("parseEuros(%q) = %d, %v; want %d, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

// confirmDialog taps the confirming button of the dialog on top of w.
func confirmDialog(t *testing.T, w fyne.Window) {
	t.Helper()
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no confirmation dialog")
	}
	var found *widget.Button
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch v := o.(type) {
		case *widget.Button:
			if v.Importance == widget.HighImportance && found == nil {
				found = v
			}
			return
		case *fyne.Container:
			for _, c := range v.Objects {
				walk(c)
			}
			return
		}
		if wd, ok := o.(fyne.Widget); ok {
			for _, c := range test.WidgetRenderer(wd).Objects() {
				walk(c)
			}
		}
	}
	walk(top)
	if found == nil {
		t.Fatal("no confirming button in the dialog")
	}
	test.Tap(found)
}

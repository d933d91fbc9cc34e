package ui

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"guichet/app"
	"guichet/counter"
)

// fakeCounter answers with canned verdicts and records what it was asked.
type fakeCounter struct {
	mu        sync.Mutex
	inputs    []string
	kept      []string
	confirmed []string
	verdicts  map[string]counter.Verdict
	status    counter.Status
	shows     []app.Showtime
	day       []app.Booking
	found     []app.Booking  // what Search finds
	issues    []app.Conflict // what Conflicts lists
}

func (f *fakeCounter) Validate(_ context.Context, in string) counter.Verdict {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.inputs = append(f.inputs, in)
	scan := app.ParseScan(in)
	if !scan.OK() {
		return counter.Verdict{Outcome: app.ScanOutcome(scan)}
	}
	if v, ok := f.verdicts[scan.Token]; ok {
		return v
	}
	return counter.Verdict{Outcome: app.NotFoundOutcome(), Token: scan.Token}
}
func (f *fakeCounter) Keep(_ context.Context, tok string) counter.Verdict {
	f.kept = append(f.kept, tok)
	return counter.Verdict{Outcome: app.Outcome{Code: app.OutcomeKept, Message: app.MsgKept}}
}
func (f *fakeCounter) Search(context.Context, string) ([]app.Booking, error) { return f.found, nil }
func (f *fakeCounter) Showtimes(context.Context, time.Time) ([]app.Showtime, error) {
	return f.shows, nil
}
func (f *fakeCounter) Conflicts(context.Context) ([]app.Conflict, error) { return f.issues, nil }
func (f *fakeCounter) Ack(context.Context, int64) error                  { return nil }
func (f *fakeCounter) Status() counter.Status                            { return f.status }
func (f *fakeCounter) OnStatus(func(counter.Status))                     {}
func (f *fakeCounter) Kick()                                             {}

type fakeBackend struct {
	c       *fakeCounter
	started []Pairing
}

func (b *fakeBackend) Me(_ context.Context, url, key string) (*app.Caller, error) {
	if key != "gk_good" {
		return nil, app.Errorf(app.EUNAUTHORIZED, "Clé d'API inconnue.")
	}
	return &app.Caller{OffererName: "Ciné", Role: "cashier", Venues: []app.ProVenue{{ID: 1, Name: "Le Méliès", Timezone: "Europe/Paris"}}}, nil
}
func (b *fakeBackend) Start(_ context.Context, p Pairing) (Counter, error) {
	b.started = append(b.started, p)
	return b.c, nil
}

// timers holds what the UI scheduled, for the tests to fire.
var timers []func()

var show = time.Date(2026, 12, 1, 19, 45, 0, 0, time.UTC)

func booking(token string, qty int, status app.BookingStatus) *app.Booking {
	return &app.Booking{Token: token, Status: status, Quantity: qty, OfferName: "Parasite", Version: "VO", ShowStart: show,
		FirstName: "Léa", LastName: "Martin"}
}

func newTestUI(t *testing.T) (*UI, *fakeCounter, *fakeBackend) {
	t.Helper()
	a := test.NewTempApp(t)
	used := booking("USED22", 1, app.StatusUsed)
	used.UsedAt, used.UsedByDevice = show.Add(-50*time.Minute), "caisse-1"
	fc := &fakeCounter{verdicts: map[string]counter.Verdict{
		"ABC234": {Token: "ABC234", Outcome: app.Outcome{Code: app.OutcomeAdmitted, Message: app.MsgAdmitted, Booking: booking("ABC234", 2, app.StatusUsed)}},
		"USED22": {Token: "USED22", Outcome: app.Outcome{Code: app.OutcomeAlreadyUsed, Message: app.MsgAlreadyUsed, Booking: used}},
		"OFFLN2": {Token: "OFFLN2", Offline: true, Outcome: app.Outcome{Code: app.OutcomeAdmitted, Message: app.MsgAdmitted, Booking: booking("OFFLN2", 1, app.StatusUsed)}},
	}}
	fb := &fakeBackend{c: fc}
	u := New(context.Background(), a, fb)
	u.async = func(f func()) { f() }
	u.animate = false
	u.after = func(_ time.Duration, f func()) func() {
		timers = append(timers, f)
		return func() {}
	}
	u.now = func() time.Time { return show.Add(-20 * time.Minute) } // the door opens for the 20:45 showing
	u.Pair(Pairing{ServerURL: "http://x", Key: "gk_good", Role: app.RoleManager, Venue: app.ProVenue{ID: 1, Name: "Le Méliès", Timezone: "Europe/Paris"}})
	u.Show()
	if u.screen == nil {
		t.Fatal("the counter screen did not open with a saved pairing")
	}
	return u, fc, fb
}

func TestWrap(t *testing.T) {
	msg := "Vous pourrez valider cette contremarque à partir du 27/11/2026 à 20:04, une fois le délai d’annulation passé."
	lines := wrap(msg, 56)
	if strings.Join(lines, " ") != msg || len(lines) != 3 {
		t.Errorf("wrap = %q", lines)
	}
	for _, l := range lines {
		if len([]rune(l)) > 56 {
			t.Errorf("line %q longer than 56", l)
		}
	}
	if got := wrap("", 10); len(got) != 1 || got[0] != "" {
		t.Errorf("wrap of empty = %q", got)
	}
}

func texts(u *UI) string {
	var out []string
	out = append(out, u.screen.title.Text)
	for _, o := range u.screen.lines.Objects {
		out = append(out, o.(*canvas.Text).Text)
	}
	return strings.Join(out, " ")
}

func TestCounterScreen_Verdicts(t *testing.T) {
	u, _, _ := newTestUI(t)
	s := u.screen
	for _, tc := range []struct {
		name, input string
		color       any
		want        []string
		keep        bool
	}{
		{"admitted duo", "PASSCULTURE:v3;TOKEN:ABC234", colorAdmitted, []string{"Entrée validée", "Parasite (VO)", "Séance du 01/12/2026 à 20:45", "2 places (DUO) — Léa Martin", app.MsgCheckIdentity}, false},
		{"already used", "used22", colorUsed, []string{"Déjà validée", "Validée il y a 30 min sur « caisse-1 »"}, true},
		{"not found", "ZZZZZZ", colorRefused, []string{"Entrée refusée", app.MsgNotFound}, false},
		{"garbage", "https://example.org", colorRefused, []string{app.MsgNotCountermark}, false},
		{"too short", "AB", colorRefused, []string{app.MsgTokenLength}, false},
		{"offline", "OFFLN2", colorAdmitted, []string{"hors ligne"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			test.Type(s.entry, tc.input)
			s.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
			got := texts(u)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("screen shows %q, missing %q", got, w)
				}
			}
			if s.bg.FillColor != tc.color {
				t.Errorf("colour %v, want %v", s.bg.FillColor, tc.color)
			}
			if s.keepBtn.Visible() != tc.keep {
				t.Errorf("keep button visible = %v", s.keepBtn.Visible())
			}
			if s.entry.Text != "" {
				t.Errorf("the input should be cleared for the next scan, has %q", s.entry.Text)
			}
		})
	}
}

func TestCounterScreen_Keyboard(t *testing.T) {
	u, fc, _ := newTestUI(t)
	s := u.screen
	c := u.win.Canvas()

	// A USB scanner types a burst and Enter while the focus is elsewhere.
	c.Unfocus()
	for _, r := range "PASSCULTURE:v3;TOKEN:ABC234" {
		c.OnTypedRune()(r)
	}
	c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if len(fc.inputs) != 1 || fc.inputs[0] != "PASSCULTURE:v3;TOKEN:ABC234" {
		t.Fatalf("counter got %q", fc.inputs)
	}
	if s.title.Text != app.MsgAdmitted {
		t.Errorf("title %q", s.title.Text)
	}
	// Space (on the empty input) and Escape return to scanning.
	s.entry.TypedRune(' ')
	if s.shown != nil || s.entry.Text != "" {
		t.Error("space should return to scanning without typing a space")
	}
	test.Type(s.entry, "ZZZZZZ")
	s.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if s.shown == nil {
		t.Fatal("no verdict shown")
	}
	s.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if s.shown != nil || s.title.Text != "Prêt à scanner" {
		t.Error("escape should return to scanning")
	}
	// Keep asks first: nothing is undone until confirmed.
	test.Type(s.entry, "USED22")
	s.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	test.Tap(s.keepBtn)
	if len(fc.kept) != 0 {
		t.Error("keep ran without confirmation")
	}
	if c.Overlays().Top() == nil {
		t.Error("no confirmation dialog")
	}
}

func TestUI_StatusBar(t *testing.T) {
	u, _, _ := newTestUI(t)
	u.showStatus(counter.Status{Online: false, Pending: 12, Conflicts: 2, ClockSkew: 3 * time.Minute, Error: "Serveur injoignable"})
	got := u.statusLabel.Text
	for _, w := range []string{"Hors ligne", "12 en attente", "2 conflit", "horloge décalée de 3m0s", "Serveur injoignable"} {
		if !strings.Contains(got, w) {
			t.Errorf("status %q lacks %q", got, w)
		}
	}
	u.showStatus(counter.Status{Online: true, LastSync: show})
	if got := u.statusLabel.Text; !strings.Contains(got, "En ligne — synchro 20:45:00") || strings.Contains(got, "horloge") {
		t.Errorf("status %q", got)
	}
}

func TestUI_CurrentShowtime(t *testing.T) {
	u, fc, _ := newTestUI(t)
	capacity := 120
	fc.shows = []app.Showtime{
		{StockID: 1, OfferName: "Intouchables", Version: "VF", Start: show.Add(-3 * time.Hour), Capacity: &capacity},
		{StockID: 2, OfferName: "Parasite", Version: "VO", Start: show, Capacity: &capacity, Booked: 80, Admitted: 34},
		{StockID: 3, OfferName: "Parasite", Version: "VO", Start: show.Add(3 * time.Hour)},
	}
	u.refreshViews()
	if got := u.screen.current.Text; !strings.Contains(got, "20:45  Parasite (VO) — 34 entrés / 80 réservés / 120 places") {
		t.Errorf("current showtime %q", got)
	}
	// A ticket for the 23:45 showing while the 20:45 one is on: admitted, in the attention state.
	late := booking("LATE22", 1, app.StatusUsed)
	late.StockID, late.ShowStart = 3, show.Add(3*time.Hour)
	fc.verdicts["LATE22"] = counter.Verdict{Token: "LATE22", Outcome: app.Outcome{Code: app.OutcomeAdmitted, Booking: late}}
	test.Type(u.screen.entry, "LATE22")
	u.screen.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if got := texts(u); !strings.Contains(got, "Séance de 23:45 : dans 200 min") || u.screen.bg.FillColor != colorAttention {
		t.Errorf("no attention for a showtime more than 30 minutes away: %q", got)
	}
}

func TestUI_Pairing(t *testing.T) {
	a := test.NewTempApp(t)
	fb := &fakeBackend{c: &fakeCounter{}}
	u := New(context.Background(), a, fb)
	u.async = func(f func()) { f() }
	u.Show()
	if u.screen != nil {
		t.Fatal("no pairing saved: the pairing screen must come first")
	}
	u.finishPairing("http://x", "gk_good", &app.Caller{OffererName: "Ciné", Role: "cashier",
		Venues: []app.ProVenue{{ID: 1, Name: "Le Méliès", Timezone: "Europe/Paris"}}}, 0, widget.NewLabel(""))
	if len(fb.started) != 1 || u.screen == nil {
		t.Fatalf("pairing did not start the counter: %+v", fb.started)
	}
	if u.prefs.String(prefKey) != "gk_good" || u.prefs.Int(prefVenue) != 1 {
		t.Error("pairing not saved")
	}
	if got := maskKey("gk_abcdefghijkl"); strings.Contains(got, "ghijkl") {
		t.Errorf("key shown in clear: %q", got)
	}
}

func TestCounterScreen_PartialBurst(t *testing.T) {
	u, fc, _ := newTestUI(t)
	s := u.screen
	timers = nil
	test.Type(s.entry, "PASSCULTURE:v3;TOK") // the scanner stops mid-payload, no Enter
	if len(timers) == 0 {
		t.Fatal("no check scheduled")
	}
	timers[len(timers)-1]() // the pause has passed
	if s.shown == nil || !strings.Contains(texts(u), "Lecture incomplète") || s.entry.Text != "" {
		t.Errorf("a partial burst must be cleared with a message: %q, input %q", texts(u), s.entry.Text)
	}
	if len(fc.inputs) != 0 {
		t.Errorf("a partial burst was validated: %q", fc.inputs)
	}
}

// fakeScanner films codes: it sends a frame and the given texts, then waits for the end.
type fakeScanner struct {
	texts  []string
	frames int
	err    error // what Run returns (the camera failing), after one frame
}

func (f *fakeScanner) Devices() ([]string, error) { return []string{"/dev/video0"}, nil }
func (f *fakeScanner) Run(_ context.Context, _ string, onFrame func([]byte, int, int), onText func(string)) error {
	onFrame(make([]byte, 64*48), 64, 48)
	f.frames++
	for _, t := range f.texts {
		onText(t)
	}
	return f.err // the test runs the camera inline: it stops here, as if unplugged
}

func TestCameraPanel(t *testing.T) {
	a := test.NewTempApp(t)
	fc := &fakeCounter{verdicts: map[string]counter.Verdict{
		"ABC234": {Token: "ABC234", Outcome: app.Outcome{Code: app.OutcomeAdmitted, Booking: booking("ABC234", 1, app.StatusUsed)}},
	}}
	u := New(context.Background(), a, &fakeBackend{c: fc})
	u.async = func(f func()) { f() }
	u.animate = false
	u.after = func(time.Duration, func()) func() { return func() {} }
	// The phone stays in view: the camera reads the same code three times.
	sc := &fakeScanner{texts: []string{"PASSCULTURE:v3;TOKEN:ABC234", "PASSCULTURE:v3;TOKEN:ABC234", "PASSCULTURE:v3;TOKEN:ABC234"}}
	u.SetScanner(sc)
	u.Pair(Pairing{ServerURL: "http://x", Key: "gk_good", Role: app.RoleCashier, Venue: app.ProVenue{ID: 1, Name: "Le Méliès"}})
	u.Show()
	inputs := fc.inputs
	if len(inputs) != 1 || inputs[0] != "PASSCULTURE:v3;TOKEN:ABC234" {
		t.Errorf("the filmed code must be validated once while its verdict shows, got %q", inputs)
	}
	if sc.frames != 1 || u.screen.camera.img.Image.Bounds().Dx() != 64 {
		t.Errorf("the preview did not show the frame")
	}
	// The settings list the cameras and remember the choice.
	sg := newSettingsScreen(u)
	if len(sg.camSel.Options) != 2 || sg.camSel.Options[1] != "/dev/video0" {
		t.Fatalf("camera choices %q", sg.camSel.Options)
	}
	sg.camSel.SetSelected("/dev/video0")
	if got := u.prefs.String(prefCameraDevice); got != "/dev/video0" {
		t.Errorf("camera choice not saved: %q", got)
	}
	// A camera that fails (none plugged in) offers to try again, besides switching it off; a
	// retry that finds it runs it, and the retry button goes.
	cam := u.screen.camera
	if cam.retry.Visible() {
		t.Error("a retry button while the camera works")
	}
	sc.err = errors.New("Aucune caméra détectée. Branchez une webcam ou saisissez la contremarque.")
	test.Tap(cam.toggle) // off
	test.Tap(cam.toggle) // on again: the camera fails
	if !cam.retry.Visible() || cam.retry.Text != "Réessayer la caméra" || cam.toggle.Text != "Désactiver la caméra" ||
		cam.status.Text != sc.err.Error() || cam.aim.Visible() {
		t.Fatalf("after a failure: retry shown %v %q, toggle %q, panel %q, aim box %v", cam.retry.Visible(), cam.retry.Text,
			cam.toggle.Text, cam.status.Text, cam.aim.Visible())
	}
	test.Tap(cam.retry) // still none
	if !cam.retry.Visible() {
		t.Error("a retry that failed again hid the retry button")
	}
	sc.err = nil
	frames := sc.frames
	test.Tap(cam.retry)
	if sc.frames != frames+1 || u.prefs.Bool(prefCameraOff) || cam.retry.Visible() || !cam.aim.Visible() {
		t.Errorf("retrying: frames %d → %d, off %v, retry shown %v, aim box %v", frames, sc.frames,
			u.prefs.Bool(prefCameraOff), cam.retry.Visible(), cam.aim.Visible())
	}
	// A failed camera can be switched off too (a counter that scans with a USB scanner only).
	sc.err = errors.New("Aucune caméra détectée.")
	test.Tap(cam.toggle)
	test.Tap(cam.toggle)
	test.Tap(cam.toggle)
	if !u.prefs.Bool(prefCameraOff) || cam.retry.Visible() || cam.toggle.Text != "Activer la caméra" {
		t.Errorf("switching a failed camera off: off %v, retry shown %v, toggle %q", u.prefs.Bool(prefCameraOff),
			cam.retry.Visible(), cam.toggle.Text)
	}
	sc.err = nil
	test.Tap(cam.toggle) // on again, working
	// Switching the camera off is remembered.
	test.Tap(u.screen.camera.toggle)
	if !u.prefs.Bool(prefCameraOff) || u.screen.camera.toggle.Text != "Activer la caméra" {
		t.Error("the camera should be off")
	}
}

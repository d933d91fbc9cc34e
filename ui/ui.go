// Package ui is the counter app's Fyne interface: pairing, the counter screen with its
// full-screen verdicts, today's showtimes, conflicts, search and settings. It holds every Fyne
// import except the driver (main.go) and talks to the engine through the Counter interface; no
// I/O ever runs inside a Fyne callback.
package ui

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"guichet/app"
	"guichet/counter"
)

// Counter is the engine as the screens use it (counter.Engine implements it).
type Counter interface {
	Validate(ctx context.Context, input string) counter.Verdict
	Confirm(ctx context.Context, input string) counter.Verdict // after counter.OutcomeConfirm
	Keep(ctx context.Context, token string) counter.Verdict
	Search(ctx context.Context, q string) ([]app.Booking, error)
	DayBookings(ctx context.Context, day time.Time) ([]app.Booking, error) // from the copy, offline too
	Showtimes(ctx context.Context, day time.Time) ([]app.Showtime, error)
	Conflicts(ctx context.Context) ([]app.Conflict, error)
	Ack(ctx context.Context, id int64) error
	Status() counter.Status
	OnStatus(fn func(counter.Status))
	Kick()
}

// Pairing is what the first start asks for, and what main needs to start the engine.
type Pairing struct {
	ServerURL string
	Key       string
	Role      app.Role
	Venue     app.ProVenue
	Offerer   string
}

// Backend is what the UI needs from main: checking a key against a server, and starting the
// engine once paired.
type Backend interface {
	Me(ctx context.Context, serverURL, key string) (*app.Caller, error)
	Start(ctx context.Context, p Pairing) (Counter, error)
}

// Preference keys.
const (
	prefServer    = "server.url"
	prefKey       = "server.key"
	prefVenue     = "venue.id"
	prefVenueName = "venue.name"
	prefVenueTZ   = "venue.timezone"
	prefRole      = "key.role"
	prefOfferer   = "offerer.name"
	prefPIN       = "manager.pin"
	prefHideNames = "counter.hide_names"
)

// runner runs work off the UI goroutine; tests replace it to run inline.
type runner func(func())

// UI is the app's window and screens.
type UI struct {
	app     fyne.App
	win     fyne.Window
	backend Backend
	prefs   fyne.Preferences
	ctx     context.Context
	async   runner
	now     func() time.Time

	pairing Pairing
	counter Counter
	loc     *time.Location
	locked  bool   // manager screens locked behind the PIN
	relock  func() // stops the pending re-lock of the manager screens
	animate bool   // flash verdicts (off in tests)
	// after runs f once d has passed, off the UI goroutine, and returns a function that cancels it
	// (tests replace it to fire timers by hand).
	after func(d time.Duration, f func()) (stop func())

	scanner    Scanner               // the webcam; nil when the app has none
	sounds     Sounds                // nil: silent
	payoutsAPI func(Pairing) Payouts // nil: no payouts tab
	keysAPI    func(Pairing) Keys    // nil: no key list in the manager's settings

	door        map[int64]bool // the showtimes this door admits (none ticked: every one)
	screen      *counterScreen
	settings    *settingsScreen
	search      *searchScreen
	views       []refresher
	statusLabel *widget.Label
	banner      *banner // offline or key refused, above the tabs
	statusDot   *statusDot
	tabs        *container.AppTabs
}

// New builds the UI in a new window of a.
func New(ctx context.Context, a fyne.App, b Backend) *UI {
	u := &UI{app: a, backend: b, prefs: a.Preferences(), ctx: ctx, now: time.Now, animate: true,
		async: func(f func()) { go f() },
		after: func(d time.Duration, f func()) func() {
			t := time.AfterFunc(d, f)
			return func() { t.Stop() }
		}}
	u.win = a.NewWindow("Guichet")
	u.win.Resize(fyne.NewSize(1100, 720))
	return u
}

// SetPreferences keeps the UI's settings (pairing, camera, PIN) in p rather than in the Fyne
// app's own preferences (before Show).
func (u *UI) SetPreferences(p fyne.Preferences) { u.prefs = p }

// SetScanner gives the counter screen a webcam (before Show).
func (u *UI) SetScanner(sc Scanner) { u.scanner = sc }

// Window is the main window.
func (u *UI) Window() fyne.Window { return u.win }

// Show opens the pairing screen, or goes straight to the counter when a pairing is saved.
func (u *UI) Show() {
	if p, ok := u.savedPairing(); ok {
		u.start(p, nil)
	} else {
		u.showPairing("")
	}
	u.win.Show()
}

func (u *UI) savedPairing() (Pairing, bool) {
	p := Pairing{ServerURL: u.prefs.String(prefServer), Key: u.prefs.String(prefKey), Role: app.Role(u.prefs.String(prefRole)),
		Offerer: u.prefs.String(prefOfferer)}
	p.Venue.ID = int64(u.prefs.Int(prefVenue))
	p.Venue.Name = u.prefs.String(prefVenueName)
	p.Venue.Timezone = u.prefs.String(prefVenueTZ)
	return p, p.ServerURL != "" && p.Key != "" && p.Venue.ID != 0
}

func (u *UI) savePairing(p Pairing) {
	u.prefs.SetString(prefServer, p.ServerURL)
	u.prefs.SetString(prefKey, p.Key)
	u.prefs.SetString(prefRole, string(p.Role))
	u.prefs.SetString(prefOfferer, p.Offerer)
	u.prefs.SetInt(prefVenue, int(p.Venue.ID))
	u.prefs.SetString(prefVenueName, p.Venue.Name)
	u.prefs.SetString(prefVenueTZ, p.Venue.Timezone)
}

// Pair saves a pairing without asking (make run pairs the app with the demo server).
func (u *UI) Pair(p Pairing) { u.savePairing(p) }

// start starts the engine off the UI goroutine, then shows the counter.
func (u *UI) start(p Pairing, onErr func(error)) {
	u.background(func() func() {
		c, err := u.backend.Start(u.ctx, p)
		return func() {
			if err != nil {
				if onErr != nil {
					onErr(err)
					return
				}
				u.showPairing(fmt.Sprintf(lang.L("Démarrage impossible : %s"), trErr(err)))
				return
			}
			u.pairing, u.counter = p, c
			u.loc = loadLocation(p.Venue.Timezone)
			u.locked = u.prefs.String(prefPIN) != ""
			u.showMain()
		}
	})
}

func loadLocation(name string) *time.Location { return app.Location(name) }

// pinRelockAfter is how long the manager screens stay unlocked without the manager doing anything
// there: changing tab, moving through the programme's days, opening or saving a form, running an
// Allociné import, downloading a statement, creating or revoking a key. (Fyne has no global
// input hook: a manager only reading a screen for that long has it locked again.)
const pinRelockAfter = 5 * time.Minute

// touchUnlock restarts the re-lock countdown while the manager screens are unlocked by a PIN.
func (u *UI) touchUnlock() {
	if u.locked || u.prefs.String(prefPIN) == "" {
		return
	}
	if u.relock != nil {
		u.relock()
	}
	u.relock = u.after(pinRelockAfter, func() { toUI(u.lock) })
}

// lock locks the manager screens again (the PIN asks for them).
func (u *UI) lock() {
	if u.prefs.String(prefPIN) == "" {
		return
	}
	u.locked, u.relock = true, nil
	if u.settings != nil {
		u.settings.render()
	}
	u.refreshViews()
}

// setDoor says whether this door admits a showtime.
func (u *UI) setDoor(stockID int64, admitted bool) {
	if u.door == nil {
		u.door = map[int64]bool{}
	}
	if admitted {
		u.door[stockID] = true
	} else {
		delete(u.door, stockID)
	}
}

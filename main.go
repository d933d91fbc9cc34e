// Command guichet is the counter app: a Fyne desktop program that validates pass Culture
// countermarks at the cinema's door, online against the sync server and offline from its own
// cache, and syncs every validation back. Main is the only place that wires the parts.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"
	_ "time/tzdata" // venues' time zones on any system

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/lang"

	"guichet/app"
	"guichet/assets"
	"guichet/counter"
	"guichet/counter/cache"
	"guichet/counter/lan"
	"guichet/prefs"
	"guichet/sound"
	"guichet/sync/client"
	"guichet/sync/protocol"
	"guichet/ui"
)

// appID identifies the app's preferences and storage (FyneApp.toml says the same).
const appID = "fr.guichet.counter"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := NewMain()
	err := m.Run(ctx, os.Args[1:])
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "guichet:", err)
		os.Exit(1)
	}
}

// Main wires the app: Fyne, the UI, the engine, its cache and its client.
type Main struct {
	log     *slog.Logger
	dataDir string
	device  string
	prefs   fyne.Preferences // the LAN switch and port (nil: the exchange stays off)

	mu      sync.Mutex
	running map[string]*engineRun // by cache folder
}

// engineRun is an engine running on its cache.
type engineRun struct {
	cache  *cache.Cache
	cancel context.CancelFunc
	done   chan struct{} // closed when the engine's loop has returned
}

// stop stops the engine and closes its cache.
func (r *engineRun) stop() error {
	r.cancel()
	select {
	case <-r.done:
	case <-time.After(10 * time.Second): // a sync stuck past its timeouts: close anyway
	}
	return r.cache.Close()
}

// NewMain returns an unstarted app.
func NewMain() *Main {
	return &Main{log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))}
}

type options struct {
	data      string
	server    string
	key       string
	demo      string
	venue     int64
	smoke     string
	smokeScan string
	synthetic string
}

// Run parses the flags, opens the window and blocks until it is closed.
func (m *Main) Run(ctx context.Context, args []string) error {
	var o options
	fs := flag.NewFlagSet("guichet", flag.ContinueOnError)
	fs.StringVar(&o.data, "data", defaultDataDir(runtime.GOOS), "folder of the offline cache and the preferences")
	fs.StringVar(&o.server, "server", "", "pair with this server (skips the pairing screen with --key or --demo)")
	fs.StringVar(&o.key, "key", os.Getenv("GUICHET_KEY"), "API key to pair with (or $GUICHET_KEY)")
	fs.StringVar(&o.demo, "demo", "", "pair with the demo: the JSON printed by guichet-server demo (uses its manager key)")
	fs.Int64Var(&o.venue, "venue", 0, "venue id when the key sees several")
	fs.StringVar(&o.smoke, "smoke", "", "smoke test: scan --smoke-scan, save screenshots of each screen into this folder, quit")
	fs.StringVar(&o.smokeScan, "smoke-scan", "", "what the smoke test scans (comma-separated)")
	fs.StringVar(&o.synthetic, "camera-synthetic", "", "use a synthetic camera filming this QR payload instead of a webcam (demo, tests)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	m.dataDir = o.data
	if o.demo != "" {
		if err := readDemo(&o); err != nil {
			return err
		}
	}

	if err := lang.AddTranslationsFS(assets.Translations, "translations"); err != nil {
		m.log.Warn("translations", "err", err)
	}
	// The language the screens speak, from the system's settings (LANG on Linux, the user's
	// language on Windows): logged so that a support call, and the Windows test, can tell.
	m.log.Info("language", "system", lang.SystemLocale().String(), "sample", lang.L("Hors ligne"))
	a := fyneapp.NewWithID(appID)
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	// Earlier versions kept the preferences where Fyne does (roaming on Windows): imported once.
	legacy := filepath.Join(a.Storage().RootURI().Path(), "preferences.json")
	settings, err := prefs.Open(filepath.Join(o.data, "preferences.json"), legacy, m.log)
	if err != nil {
		return err
	}
	defer settings.Close() // writes a change still waiting
	m.device = deviceID(settings)
	m.prefs = settings
	u := ui.New(ctx, a, m)
	u.SetPreferences(settings)
	u.SetScanner(webcam{synthetic: o.synthetic, log: m.log})
	u.SetSounds(sounds{sound.New(m.log)})
	if o.smoke != "" {
		u.SetCameraOn(false) // the smoke test switches it on last, once the scripted scans are done
	}
	u.SetPayouts(func(p ui.Pairing) ui.Payouts { return m.client(p.ServerURL, p.Key) })
	u.SetKeys(func(p ui.Pairing) ui.Keys { return m.client(p.ServerURL, p.Key) })
	if o.server != "" && o.key != "" {
		p, err := m.pair(ctx, o.server, o.key, o.venue)
		if err != nil {
			return fmt.Errorf("pair with %s: %w", o.server, err)
		}
		u.Pair(p)
	}
	u.Show()
	if o.smoke != "" {
		go func() {
			if err := u.Smoke(o.smoke, o.smokeScan); err != nil {
				m.log.Error("smoke test", "err", err)
				os.Exit(3)
			}
			fyne.Do(a.Quit)
		}()
	}
	go func() {
		<-ctx.Done()
		fyne.Do(a.Quit)
	}()
	a.Run()
	return nil
}

// defaultDataDir is where the offline cache and the preferences live: the user's local
// application data on Windows (%LOCALAPPDATA%\Guichet: per machine, never roaming with the
// profile), the user's configuration folder elsewhere (~/.config/guichet on Linux).
func defaultDataDir(goos string) string {
	if goos == "windows" {
		if dir, err := os.UserCacheDir(); err == nil { // %LocalAppData% on Windows
			return filepath.Join(dir, "Guichet")
		}
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		dir = "."
	}
	return filepath.Join(dir, "guichet")
}

// readDemo takes the server key of the demo seed.
func readDemo(o *options) error {
	b, err := os.ReadFile(o.demo)
	if err != nil {
		return fmt.Errorf("read demo: %w", err)
	}
	var d struct {
		Venue struct{ ID int64 }
		Keys  struct{ Manager string }
	}
	if err := json.Unmarshal(b, &d); err != nil || d.Keys.Manager == "" {
		return fmt.Errorf("read demo %s: not the output of guichet-server demo", o.demo)
	}
	if o.server == "" {
		o.server = "http://127.0.0.1:8080"
	}
	o.key, o.venue = d.Keys.Manager, d.Venue.ID
	return nil
}

// deviceID returns this counter's stable id, made once.
func deviceID(p fyne.Preferences) string {
	id := p.String("device.id")
	if id == "" {
		host, _ := os.Hostname()
		host = strings.ToLower(strings.Split(host, ".")[0])
		if host == "" {
			host = "poste"
		}
		b := make([]byte, 3)
		_, _ = rand.Read(b)
		id = "caisse-" + host + "-" + hex.EncodeToString(b)
		p.SetString("device.id", id)
	}
	return id
}

func (m *Main) client(serverURL, key string) *client.Client {
	return client.New(serverURL, key, m.device, client.Options{})
}

var _ ui.ProgrammeBackend = (*Main)(nil)

// Programme is the manager's programme API of the paired venue (the programme screen).
func (m *Main) Programme(p ui.Pairing) ui.Programme {
	return m.client(p.ServerURL, p.Key).Programme(p.Venue.ID)
}

// Me checks a key against a server (ui.Backend).
func (m *Main) Me(ctx context.Context, serverURL, key string) (*protocol.Me, error) {
	return m.client(serverURL, key).Me(ctx)
}

func (m *Main) pair(ctx context.Context, serverURL, key string, venueID int64) (ui.Pairing, error) {
	me, err := m.Me(ctx, serverURL, key)
	if err != nil {
		return ui.Pairing{}, errors.New(app.ErrorMessage(err))
	}
	for _, v := range me.Venues {
		if venueID == 0 || v.ID == venueID {
			return ui.Pairing{ServerURL: serverURL, Key: key, Role: app.Role(me.Role), Venue: v, Offerer: me.OffererName}, nil
		}
	}
	return ui.Pairing{}, fmt.Errorf("venue %d is not visible to this key", venueID)
}

// Start opens the cache of the paired venue and starts the engine, without waiting for the
// server (ui.Backend).
func (m *Main) Start(ctx context.Context, p ui.Pairing) (ui.Counter, error) {
	dir := filepath.Join(m.dataDir, fmt.Sprintf("venue-%d", p.Venue.ID))
	m.mu.Lock()
	prev := m.running[dir]
	delete(m.running, dir)
	m.mu.Unlock()
	if prev != nil { // paired again with the same venue: one engine per cache (it is held exclusively)
		if err := prev.stop(); err != nil {
			m.log.Warn("close the previous cache", "err", err)
		}
	}
	c, err := cache.Open(ctx, dir)
	if err != nil {
		return nil, err
	}
	if why := c.Rebuilt(); why != "" {
		m.log.Warn("offline cache was unreadable and is rebuilt from the server; pending scans are kept", "why", why)
	}
	if stored, _ := c.Meta(ctx, "server"); stored != "" && stored != p.ServerURL {
		if err := c.Reset(ctx); err != nil { // another server: the copy is not of this one
			c.Close()
			return nil, err
		}
	}
	_ = c.SetMeta(ctx, "server", p.ServerURL)
	loc := app.Location(p.Venue.Timezone)
	e := counter.New(c, m.client(p.ServerURL, p.Key), counter.Config{Device: m.device, VenueID: p.Venue.ID, Location: loc, Logger: m.log})
	runCtx, cancel := context.WithCancel(ctx)
	r := &engineRun{cache: c, cancel: cancel, done: make(chan struct{})}
	m.mu.Lock()
	if m.running == nil {
		m.running = map[string]*engineRun{}
	}
	m.running[dir] = r
	m.mu.Unlock()
	// The counter opens at once on its local copy; the engine syncs in the background from now
	// (an outage at start shows as offline instead of an empty window).
	go func() {
		defer close(r.done)
		e.Run(runCtx)
	}()
	m.startLAN(runCtx, e, p.Venue.ID)
	return e, nil
}

// startLAN runs the exchange of offline validations with the venue's other counters on the
// local network while the Réglages switch says so (off by default), on the port and with the
// peer addresses they set.
func (m *Main) startLAN(ctx context.Context, e *counter.Engine, venueID int64) {
	if m.prefs == nil {
		return
	}
	sw := lan.NewSwitch(lan.Config{VenueID: venueID, Device: m.device, Logger: m.log}, e.LANLedger())
	e.SetPeers(sw)
	apply := func() {
		if ctx.Err() != nil {
			return
		}
		peers, bad := counter.ParseLANPeers(m.prefs.String(ui.PrefLANPeers))
		if bad != "" {
			m.log.Warn("LAN peer address ignored", "address", bad)
		}
		st := lan.Settings{On: m.prefs.Bool(ui.PrefLANOn), Port: m.prefs.IntWithFallback(ui.PrefLANPort, lan.DefaultPort), Peers: peers}
		if err := sw.Set(ctx, st); err != nil {
			m.log.Warn("LAN exchange with the other counters not started", "port", st.Port, "err", err)
		}
	}
	go apply()
	m.prefs.AddChangeListener(func() { go apply() }) // off the UI goroutine: a switch waits for sockets
	go func() {
		<-ctx.Done()
		_ = sw.Close()
	}()
}

// Close stops the engines and closes the caches.
func (m *Main) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	var err error
	for _, r := range m.running {
		err = errors.Join(err, r.stop())
	}
	m.running = nil
	return err
}

// sounds plays the UI's verdict sounds through the sound package.
type sounds struct{ p *sound.Player }

func (s sounds) Play(k ui.Sound, volume float64) {
	s.p.Play(map[ui.Sound]sound.Kind{ui.SoundAdmitted: sound.Admitted, ui.SoundAttention: sound.Attention,
		ui.SoundRefused: sound.Refused}[k], volume)
}

package ui

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"

	"guichet/counter"
)

// Smoke drives the real window for the smoke test: wait for the counter, scan each of the
// comma-separated codes, and have a screenshot taken of every verdict and screen into dir.
func (u *UI) Smoke(dir, scan string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		ready := make(chan bool)
		toUI(func() { ready <- u.screen != nil })
		if <-ready {
			break
		}
		if time.Now().After(deadline) {
			return errors.New("the counter screen never appeared")
		}
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(time.Second) // let the first sync and the showtimes land
	// Each screen is announced with NAME.ready; the smoke script photographs the real X
	// display (the GL canvas cannot be read back under a software renderer) and writes NAME.png.
	shot := func(name string) error {
		time.Sleep(700 * time.Millisecond) // let the frame reach the screen
		if err := os.WriteFile(filepath.Join(dir, name+".ready"), nil, 0o644); err != nil {
			return err
		}
		for i := 0; i < 100; i++ {
			if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
				return nil
			}
			time.Sleep(100 * time.Millisecond)
		}
		return fmt.Errorf("no screenshot %s was taken", name)
	}
	if err := shot("counter-idle.png"); err != nil {
		return err
	}
	for n, code := range strings.Split(scan, ",") {
		if code == "" {
			continue
		}
		fyne.DoAndWait(func() {
			u.screen.onDismiss()
			u.screen.entry.SetText(code)
			u.screen.onSubmit(u.screen.entry.Text)
		})
		for i := 0; ; i++ {
			shown := make(chan bool)
			toUI(func() { shown <- u.screen.shown != nil })
			if <-shown {
				break
			}
			if i > 100 {
				return fmt.Errorf("no verdict for %q", code)
			}
			time.Sleep(100 * time.Millisecond)
		}
		if err := shot(fmt.Sprintf("counter-verdict-%d.png", n+1)); err != nil {
			return err
		}
	}
	if u.scanner != nil {
		// The webcam last: switch it on and wait for the code it films to give a verdict.
		var before *counter.Verdict
		fyne.DoAndWait(func() {
			u.screen.onDismiss()
			before = u.screen.shown
			u.screen.camera.onToggle()
		})
		for i := 0; ; i++ {
			got := make(chan bool)
			toUI(func() { got <- u.screen.shown != nil && u.screen.shown != before })
			if <-got {
				break
			}
			if i > 150 {
				return errors.New("the camera gave no verdict")
			}
			time.Sleep(100 * time.Millisecond)
		}
		time.Sleep(300 * time.Millisecond) // a few preview frames
		if err := shot("camera.png"); err != nil {
			return err
		}
	}
	// Every other tab, by its screenshot name (the manager's tabs come last).
	names := []string{"", "showtimes.png", "search.png", "conflicts.png", "settings.png", "payouts.png", "programme.png"}
	var count int
	fyne.DoAndWait(func() { count = len(u.tabs.Items) })
	for i := 1; i < count && i < len(names); i++ {
		fyne.DoAndWait(func() { u.tabs.SelectIndex(i) })
		time.Sleep(800 * time.Millisecond) // the manager's tabs load from the server
		if err := shot(names[i]); err != nil {
			return err
		}
	}
	return nil
}

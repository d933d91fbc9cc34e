package ui

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"

	"guichet/app"
	"guichet/counter"
)

// smokeScan submits code (Entrée alone when empty) as a scanner would and waits for its verdict.
func (u *UI) smokeScan(code string, v *counter.Verdict) error {
	var before *counter.Verdict
	fyne.DoAndWait(func() {
		before = u.screen.shown
		if code != "" {
			u.screen.onDismiss()
			before = nil
		}
		u.screen.entry.SetText(code)
		u.screen.onSubmit(u.screen.entry.Text)
	})
	for i := 0; ; i++ {
		got := make(chan *counter.Verdict)
		toUI(func() {
			if u.screen.shown != nil && u.screen.shown != before && !u.screen.queue.busy {
				got <- u.screen.shown
				return
			}
			got <- nil
		})
		if shown := <-got; shown != nil {
			*v = *shown
			return nil
		}
		if i > 100 {
			return fmt.Errorf("no verdict for %q", code)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Smoke drives the real window for the smoke test: wait for the counter, scan each of the
// comma-separated codes, and have a screenshot taken of every verdict and screen into dir. A
// code may say the verdict it must get ("CODE=ADMITTED"); "offline:CODE" asks the script to pause
// the server first (stop-server.ready), then checks the verdict was decided offline under the
// banner. A countermark for another day is confirmed with Entrée, as the cashier would.
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
	var online, offline []string // the offline scans come last, once the server is paused
	for _, item := range strings.Split(scan, ",") {
		if strings.HasPrefix(item, "offline:") || strings.HasPrefix(item, "signed:") {
			offline = append(offline, item)
		} else if item != "" {
			online = append(online, item)
		}
	}
	if err := u.smokeScans(dir, online, shot); err != nil {
		return err
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
	fyne.DoAndWait(func() { u.tabs.SelectIndex(0) })
	err := u.smokeScans(dir, offline, shot)
	if u.scanner != nil {
		// The webcam stops before the app quits: a preview frame handed over after the UI loop
		// has ended would touch widgets off it (Fyne's thread check, which fails the smoke test).
		fyne.DoAndWait(func() { u.screen.camera.stop() })
		time.Sleep(300 * time.Millisecond)
	}
	return err
}

// smokeScans scans each item ("CODE=VERDICT", "offline:CODE=VERDICT") and photographs its verdict.
func (u *UI) smokeScans(dir string, items []string, shot func(string) error) error {
	for n, item := range items {
		if item == "" {
			continue
		}
		code, want, _ := strings.Cut(item, "=")
		signed := strings.HasPrefix(code, "signed:")
		if signed { // a booking made after the server was paused: its signed payload, from the script
			var err error
			if code, err = u.smokeSigned(dir, strings.TrimPrefix(code, "signed:")); err != nil {
				return err
			}
		}
		offline := signed || strings.HasPrefix(code, "offline:")
		if offline && !signed { // the script pauses the server when asked: the counter must say it is offline
			code = strings.TrimPrefix(code, "offline:")
			if err := os.WriteFile(filepath.Join(dir, "stop-server.ready"), nil, 0o644); err != nil {
				return err
			}
			time.Sleep(time.Second)
		}
		var v counter.Verdict
		if err := u.smokeScan(code, &v); err != nil {
			return err
		}
		if want != "" && string(v.Code) != want {
			return fmt.Errorf("scan %q: verdict %s (%s), want %s", code, v.Code, v.Message, want)
		}
		if v.Code == counter.OutcomeConfirm { // Entrée confirms: then the admission
			if err := u.smokeScan("", &v); err != nil {
				return err
			}
			if v.Code != app.OutcomeAdmitted {
				return fmt.Errorf("scan %q confirmed: verdict %s (%s), want ADMITTED", code, v.Code, v.Message)
			}
		}
		name := fmt.Sprintf("counter-verdict-%d.png", n+1)
		if signed && !v.Signed {
			return fmt.Errorf("signed ticket %q was not admitted by its signature: %s (%s)", code, v.Code, v.Message)
		}
		if offline {
			name = "counter-offline.png"
			if signed {
				name = "counter-signed.png"
			}
			if !v.Offline {
				return fmt.Errorf("scan %q with the server paused was not decided offline", code)
			}
			for i := 0; ; i++ { // the banner follows the engine's status
				shown := make(chan bool)
				toUI(func() { shown <- u.banner != nil && u.banner.content.Visible() })
				if <-shown {
					break
				}
				if i > 100 {
					return errors.New("no offline banner with the server paused")
				}
				time.Sleep(100 * time.Millisecond)
			}
		}
		if err := shot(name); err != nil {
			return err
		}
	}
	return nil
}

// smokeSigned asks the script for a booking made while the server is paused (book-signed.ready)
// and returns its QR payload, which the script writes to file: a signed ticket the counter's
// copy cannot have (issue 16).
func (u *UI) smokeSigned(dir, file string) (string, error) {
	if err := os.WriteFile(filepath.Join(dir, "book-signed.ready"), nil, 0o644); err != nil {
		return "", err
	}
	for i := 0; i < 600; i++ {
		if data, err := os.ReadFile(file); err == nil && strings.HasSuffix(string(data), "\n") {
			// Booked this very second: its cancellation limit is the booking time, rounded up to
			// the second in the ticket. The beneficiary takes longer than that to reach the door.
			time.Sleep(1500 * time.Millisecond)
			return strings.TrimSpace(string(data)), nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return "", fmt.Errorf("no signed payload in %s", file)
}

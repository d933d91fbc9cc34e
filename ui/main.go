package ui

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"guichet/counter"
)

// showMain shows the paired app: the counter and the other screens in tabs, a status bar.
func (u *UI) showMain() {
	u.screen = newCounterScreen(u)
	st := newShowtimesScreen(u)
	cf := newConflictsScreen(u)
	se := newSearchScreen(u)
	u.search = se
	sg := newSettingsScreen(u)
	u.settings = sg
	u.views = []refresher{st, cf}
	status := widget.NewLabel("")
	status.Truncation = fyne.TextTruncateEllipsis
	u.statusLabel = status
	u.statusDot = newStatusDot()
	tabs := container.NewAppTabs(
		container.NewTabItem(lang.L("Caisse"), u.screen.content),
		container.NewTabItem(lang.L("Séances du jour"), st.content),
		container.NewTabItem(lang.L("Recherche"), se.content),
		container.NewTabItem(lang.L("Conflits"), cf.content),
		container.NewTabItem(lang.L("Réglages"), sg.content),
	)
	u.payoutsTab(tabs)
	tabs.OnSelected = func(t *container.TabItem) {
		u.touchUnlock()
		if tabs.SelectedIndex() == 0 {
			u.win.Canvas().Focus(u.screen.entry)
		}
		u.refreshViews()
	}
	if pr := newProgrammeScreen(u); pr != nil { // managers only, behind the PIN lock
		tabs.Append(container.NewTabItem(lang.L("Programme"), pr.content))
		u.views = append(u.views, pr)
	}
	u.tabs = tabs
	u.win.SetTitle(fmt.Sprintf(lang.L("Guichet — %s"), u.pairing.Venue.Name))
	syncNow := widget.NewButton(lang.L("Synchroniser"), func() { u.counter.Kick() })
	u.banner = newBanner()
	u.win.SetContent(container.NewBorder(u.banner.content, container.NewBorder(nil, nil, u.statusDot.content, syncNow, status), nil, nil, tabs))
	u.installWedge()
	u.counter.OnStatus(func(s counter.Status) { toUI(func() { u.showStatus(s); u.refreshViews() }) })
	u.showStatus(u.counter.Status())
	u.refreshViews()
	u.win.Canvas().Focus(u.screen.entry)
	u.counter.Kick()
	u.screen.camera.start()
}

// refresher is a screen that reloads its data (off the UI goroutine).
type refresher interface{ refresh() }

func (u *UI) refreshViews() {
	for _, v := range u.views {
		v.refresh()
	}
}

// installWedge sends keystrokes typed while nothing has the focus (a USB scanner acting as a
// keyboard, after a click elsewhere) to the counter input: the burst and its Enter validate.
func (u *UI) installWedge() {
	c := u.win.Canvas()
	c.SetOnTypedRune(func(r rune) {
		if u.tabs != nil {
			u.tabs.SelectIndex(0)
		}
		c.Focus(u.screen.entry)
		u.screen.entry.TypedRune(r)
	})
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) {
		u.openSearch()
	})
	c.SetOnTypedKey(func(k *fyne.KeyEvent) {
		if u.functionKey(k.Name) {
			return
		}
		switch k.Name {
		case fyne.KeyReturn, fyne.KeyEnter:
			u.screen.onSubmit(u.screen.entry.Text)
		case fyne.KeyEscape:
			u.screen.onDismiss()
		}
	})
}

// functionKey handles the window's function keys wherever the focus is: F11 full screen, F5
// sync now. It reports whether the key was one of them.
func (u *UI) functionKey(k fyne.KeyName) bool {
	switch k {
	case fyne.KeyF11:
		u.win.SetFullScreen(!u.win.FullScreen())
	case fyne.KeyF5:
		u.counter.Kick()
	default:
		return false
	}
	return true
}

// openSearch shows the search tab with the focus in its input (Ctrl+F).
func (u *UI) openSearch() {
	if u.tabs == nil || u.search == nil {
		return
	}
	for i, item := range u.tabs.Items {
		if item.Content == u.search.content {
			u.tabs.SelectIndex(i)
		}
	}
	u.win.Canvas().Focus(u.search.entry)
}

// showStatus fills the status bar: online or not, last sync, queue, conflicts, clock skew.
func (u *UI) showStatus(s counter.Status) {
	if u.statusLabel == nil {
		return
	}
	text, state := lang.L("En ligne"), dotOnline
	if !s.Online {
		text, state = lang.L("Hors ligne"), dotOffline
	}
	if s.AuthRefused {
		text, state = lang.L("Clé refusée"), dotRefused
	}
	if u.statusDot != nil {
		u.statusDot.set(state)
	}
	if u.banner != nil {
		u.banner.show(s, u)
	}
	parts := []string{text}
	if s.LastSync.IsZero() {
		parts = append(parts, lang.L("jamais synchronisé"))
	} else {
		parts = append(parts, fmt.Sprintf(lang.L("synchro %s"), s.LastSync.In(u.loc).Format("15:04:05")))
	}
	parts = append(parts, fmt.Sprintf(lang.L("%d en attente d'envoi"), s.Pending))
	if s.Conflicts > 0 {
		parts = append(parts, fmt.Sprintf(lang.L("%d conflit(s) à voir"), s.Conflicts))
	}
	if s.ClockSkew > time.Minute || s.ClockSkew < -time.Minute {
		parts = append(parts, fmt.Sprintf(lang.L("horloge décalée de %s avec le serveur"), s.ClockSkew.Round(time.Second)))
	}
	if s.Error != "" && !s.Online {
		parts = append(parts, tr(s.Error))
	}
	parts = append(parts, u.pairing.Venue.Name)
	u.statusLabel.SetText(strings.Join(parts, " — "))
}

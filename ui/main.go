package ui

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
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
	sg := newSettingsScreen(u)
	u.views = []refresher{st, cf}
	status := widget.NewLabel("")
	status.Truncation = fyne.TextTruncateEllipsis
	u.statusLabel = status
	tabs := container.NewAppTabs(
		container.NewTabItem(lang.L("Caisse"), u.screen.content),
		container.NewTabItem(lang.L("Séances du jour"), st.content),
		container.NewTabItem(lang.L("Recherche"), se.content),
		container.NewTabItem(lang.L("Conflits"), cf.content),
		container.NewTabItem(lang.L("Réglages"), sg.content),
	)
	u.payoutsTab(tabs)
	tabs.OnSelected = func(t *container.TabItem) {
		if tabs.SelectedIndex() == 0 {
			u.win.Canvas().Focus(u.screen.entry)
		}
		u.refreshViews()
	}
	if pr := newProgrammeScreen(u); pr != nil { // managers only, behind the PIN lock
		tabs.Append(container.NewTabItem("Programme", pr.content))
		u.views = append(u.views, pr)
	}
	u.tabs = tabs
	u.win.SetTitle("Guichet — " + u.pairing.Venue.Name)
	syncNow := widget.NewButton(lang.L("Synchroniser"), func() { u.counter.Kick() })
	u.win.SetContent(container.NewBorder(nil, container.NewBorder(nil, nil, nil, syncNow, status), nil, nil, tabs))
	u.installWedge()
	u.counter.OnStatus(func(s counter.Status) { fyne.Do(func() { u.showStatus(s); u.refreshViews() }) })
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
	c.SetOnTypedKey(func(k *fyne.KeyEvent) {
		switch k.Name {
		case fyne.KeyReturn, fyne.KeyEnter:
			u.screen.onSubmit(u.screen.entry.Text)
		case fyne.KeyEscape:
			u.screen.onDismiss()
		}
	})
}

// showStatus fills the status bar: online or not, last sync, queue, conflicts, clock skew.
func (u *UI) showStatus(s counter.Status) {
	if u.statusLabel == nil {
		return
	}
	text := lang.L("● En ligne")
	if !s.Online {
		text = lang.L("○ Hors ligne")
	}
	if s.AuthRefused {
		text = lang.L("⚠ Clé refusée")
	}
	if s.LastSync.IsZero() {
		text += " — jamais synchronisé"
	} else {
		text += " — synchro " + s.LastSync.In(u.loc).Format("15:04:05")
	}
	text += fmt.Sprintf(" — %d en attente d'envoi", s.Pending)
	if s.Conflicts > 0 {
		text += fmt.Sprintf(" — %d conflit(s) à voir", s.Conflicts)
	}
	if s.ClockSkew > time.Minute || s.ClockSkew < -time.Minute {
		text += fmt.Sprintf(" — ⚠ horloge décalée de %s avec le serveur", s.ClockSkew.Round(time.Second))
	}
	if s.Error != "" && !s.Online {
		text += " — " + s.Error
	}
	text += " — " + u.pairing.Venue.Name
	u.statusLabel.SetText(text)
}

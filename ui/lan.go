package ui

import (
	"fmt"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"guichet/counter"
)

// Preference keys of the exchange with the venue's other counters on the local network
// (counter/lan): main starts and stops it when they change.
const (
	PrefLANOn   = "lan.on"   // off by default
	PrefLANPort = "lan.port" // counter.DefaultLANPort when unset
)

// lanChoice is the Réglages switch of the exchange of offline validations with the venue's other
// counters on the local network, and its port (UDP announcements and the peers' HTTP endpoint).
func (s *settingsScreen) lanChoice() fyne.CanvasObject {
	u := s.u
	port := widget.NewEntry()
	port.SetText(strconv.Itoa(u.prefs.IntWithFallback(PrefLANPort, counter.DefaultLANPort)))
	info := widget.NewLabel(lang.L("Désactivé par défaut. Sous Windows, autorisez Guichet sur les réseaux privés quand le pare-feu le demande."))
	info.Wrapping = fyne.TextWrapWord
	apply := func() {
		n, err := strconv.Atoi(port.Text)
		if err != nil || n < 1024 || n > 65535 {
			info.SetText(lang.L("Port invalide : un nombre de 1024 à 65535."))
			return
		}
		u.prefs.SetInt(PrefLANPort, n)
		info.SetText(fmt.Sprintf(lang.L("Port %d enregistré."), n))
	}
	port.OnSubmitted = func(string) { apply() }
	on := widget.NewCheck(lang.L("Caisses en réseau local : pendant une coupure du serveur, refuser un billet déjà validé sur une autre caisse du lieu"),
		func(on bool) { u.prefs.SetBool(PrefLANOn, on) })
	on.SetChecked(u.prefs.Bool(PrefLANOn))
	s.lanOn, s.lanPort = on, port
	return container.NewVBox(on,
		widget.NewForm(widget.NewFormItem(lang.L("Port réseau local"),
			container.NewBorder(nil, nil, nil, widget.NewButton(lang.L("Appliquer"), apply), port))),
		info)
}

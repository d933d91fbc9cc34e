package ui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"guichet/counter"
)

// Preference keys of the exchange with the venue's other counters on the local network
// (counter/lan): main starts, stops and restarts it when they change.
const (
	PrefLANOn    = "lan.on"    // off by default
	PrefLANPort  = "lan.port"  // counter.DefaultLANPort when unset
	PrefLANPeers = "lan.peers" // peer addresses contacted without discovery (counter.ParseLANPeers)
)

// lanChoice is the Réglages switch of the exchange of offline validations with the venue's other
// counters on the local network, its port (UDP announcements and the peers' HTTP endpoint) and
// the addresses of peers to contact where multicast does not pass.
func (s *settingsScreen) lanChoice() fyne.CanvasObject {
	u := s.u
	port := widget.NewEntry()
	port.SetText(strconv.Itoa(u.prefs.IntWithFallback(PrefLANPort, counter.DefaultLANPort)))
	peers := widget.NewEntry()
	peers.SetPlaceHolder(lang.L("Facultatif : adresse:port des autres caisses, séparées par des virgules"))
	peers.SetText(u.prefs.String(PrefLANPeers))
	info := widget.NewLabel(lang.L("Désactivé par défaut. Sous Windows, autorisez Guichet sur les réseaux privés quand le pare-feu le demande."))
	info.Wrapping = fyne.TextWrapWord
	apply := func() {
		n, err := strconv.Atoi(strings.TrimSpace(port.Text))
		if err != nil || n < 1024 || n > 65535 {
			info.SetText(lang.L("Port invalide : un nombre de 1024 à 65535."))
			return
		}
		list, bad := counter.ParseLANPeers(peers.Text)
		if bad != "" {
			info.SetText(fmt.Sprintf(lang.L("Adresse invalide : %s (attendu : 192.168.1.12:47390)."), bad))
			return
		}
		u.prefs.SetString(PrefLANPeers, strings.Join(list, ", "))
		u.prefs.SetInt(PrefLANPort, n)
		info.SetText(fmt.Sprintf(lang.L("Port %d enregistré."), n))
	}
	state := widget.NewLabel("")
	state.Wrapping = fyne.TextWrapWord
	refresh := func() { state.SetText(s.lanState()) }
	later := func() { u.after(time.Second, func() { toUI(refresh) }) } // main applies a change in the background
	port.OnSubmitted = func(string) { apply(); later() }
	peers.OnSubmitted = func(string) { apply(); later() }
	on := widget.NewCheck(lang.L("Caisses en réseau local : pendant une coupure du serveur, refuser un billet déjà validé sur une autre caisse du lieu"),
		func(on bool) { u.prefs.SetBool(PrefLANOn, on); later() })
	on.SetChecked(u.prefs.Bool(PrefLANOn))
	s.lanOn, s.lanPort, s.lanPeers, s.lanInfo = on, port, peers, state
	refresh()
	return container.NewVBox(on,
		widget.NewForm(
			widget.NewFormItem(lang.L("Port réseau local"), port),
			widget.NewFormItem(lang.L("Autres caisses"), container.NewBorder(nil, nil, nil,
				widget.NewButton(lang.L("Appliquer"), func() { apply(); later() }), peers))),
		info,
		container.NewBorder(nil, nil, nil, widget.NewButton(lang.L("Actualiser"), refresh), state))
}

// lanStatuser is the engine's side of the exchange's state (counter.Engine implements it).
type lanStatuser interface{ LANStatus() counter.LANStatus }

// lanState says what the exchange is doing now: off, on with the counters found, or why it could
// not start. It reads memory only (no I/O).
func (s *settingsScreen) lanState() string {
	c, ok := s.u.counter.(lanStatuser)
	if !ok {
		return ""
	}
	st := c.LANStatus()
	var out string
	switch {
	case !st.On && st.Error != "":
		return fmt.Sprintf(lang.L("Réseau local : impossible de démarrer (%s)."), tr(st.Error))
	case !st.On:
		return lang.L("Réseau local : arrêté.")
	case len(st.Peers) == 0:
		out = lang.L("Réseau local : en marche, aucune autre caisse trouvée pour l'instant.")
	default:
		out = fmt.Sprintf(lang.L("Réseau local : en marche, caisses trouvées : %s."), strings.Join(st.Peers, ", "))
	}
	if st.Error != "" { // on, without discovery: the addresses typed in only
		out += "\n" + fmt.Sprintf(lang.L("Sans découverte automatique (%s) : saisissez les adresses des autres caisses."), tr(st.Error))
	}
	return out
}

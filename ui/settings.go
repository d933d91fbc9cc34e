package ui

import (
	"crypto/sha256"
	"encoding/hex"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"guichet/app"
)

// settingsScreen shows the pairing (the key masked) and, for managers, the PIN that locks the
// manager screens.
type settingsScreen struct {
	u        *UI
	camSel   *widget.Select // the webcam choice
	keys     *keysSection   // managers only
	lanOn    *widget.Check  // the exchange with the venue's other counters (lan.go)
	lanPort  *widget.Entry
	lanPeers *widget.Entry
	lanInfo  *widget.Label // what the exchange is doing
	body     *fyne.Container
	content  fyne.CanvasObject
}

func newSettingsScreen(u *UI) *settingsScreen {
	s := &settingsScreen{u: u, body: container.NewVBox()}
	s.content = container.NewVScroll(s.body)
	s.render()
	return s
}

func hashPIN(pin string) string {
	sum := sha256.Sum256([]byte("guichet-pin:" + pin))
	return hex.EncodeToString(sum[:])
}

// maskKey shows only the start of a key: it is never displayed in clear again.
func maskKey(k string) string {
	if len(k) < 8 {
		return "••••"
	}
	return k[:7] + "••••••••••••"
}

func (s *settingsScreen) render() {
	u := s.u
	s.body.RemoveAll()
	if u.pairing.Role == app.RoleManager && u.locked {
		pin := widget.NewPasswordEntry()
		pin.SetPlaceHolder(lang.L("Code PIN responsable"))
		unlock := func() {
			if hashPIN(pin.Text) == u.prefs.String(prefPIN) {
				u.locked = false
				u.touchUnlock()
				s.render()
				return
			}
			dialog.ShowInformation(lang.L("Code PIN"), lang.L("Code PIN incorrect."), u.win)
		}
		pin.OnSubmitted = func(string) { unlock() }
		s.body.Add(widget.NewLabel(lang.L("Écrans responsable verrouillés.")))
		s.body.Add(container.NewBorder(nil, nil, nil, widget.NewButton(lang.L("Déverrouiller"), unlock), pin))
		return
	}
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Serveur"), widget.NewLabel(u.pairing.ServerURL)),
		widget.NewFormItem(lang.L("Structure"), widget.NewLabel(u.pairing.Offerer)),
		widget.NewFormItem(lang.L("Lieu"), widget.NewLabel(u.pairing.Venue.Name)),
		widget.NewFormItem(lang.L("Clé d'API"), widget.NewLabel(maskKey(u.pairing.Key))),
		widget.NewFormItem(lang.L("Rôle"), widget.NewLabel(map[app.Role]string{app.RoleManager: lang.L("responsable"), app.RoleCashier: lang.L("caisse")}[u.pairing.Role])),
	)
	s.body.Add(form)
	s.body.Add(s.cameraChoice())
	s.body.Add(newScannerTest().content)
	s.body.Add(s.soundChoice())
	hide := widget.NewCheck(lang.L("Masquer le nom des bénéficiaires sur l'écran de caisse"), func(on bool) { u.prefs.SetBool(prefHideNames, on) })
	hide.SetChecked(u.prefs.Bool(prefHideNames))
	s.body.Add(hide)
	s.body.Add(s.lanChoice())
	s.body.Add(widget.NewLabel(lang.L("Raccourcis : F11 plein écran, F5 synchroniser, Ctrl+F rechercher, Entrée valider, Échap scanner le suivant.")))
	if u.pairing.Role == app.RoleManager {
		pin := widget.NewPasswordEntry()
		pin.SetPlaceHolder(lang.L("Nouveau code PIN (4 chiffres ou plus), vide pour aucun"))
		s.body.Add(widget.NewLabel(lang.L("Verrouiller les écrans responsable par un code PIN :")))
		s.body.Add(container.NewBorder(nil, nil, nil, widget.NewButton(lang.L("Enregistrer le PIN"), func() {
			switch {
			case pin.Text == "":
				u.prefs.SetString(prefPIN, "")
				dialog.ShowInformation(lang.L("Code PIN"), lang.L("Code PIN supprimé."), u.win)
			case len(pin.Text) < 4:
				dialog.ShowInformation(lang.L("Code PIN"), lang.L("Le code PIN doit comporter au moins 4 caractères."), u.win)
			default:
				u.prefs.SetString(prefPIN, hashPIN(pin.Text))
				u.locked = true
				s.render()
			}
		}), pin))
		if u.keysAPI != nil {
			s.keys = newKeysSection(u, u.keysAPI(u.pairing))
			s.body.Add(s.keys.content)
		}
	}
	if u.pairing.Role != app.RoleManager { // a cashier cannot unpair the counter
		s.body.Add(widget.NewLabel(lang.L("Seul un responsable peut dissocier ce poste.")))
		return
	}
	s.body.Add(widget.NewButton(lang.L("Dissocier ce poste (nouvelle clé au prochain démarrage)"), func() {
		dialog.ShowConfirm(lang.L("Dissocier"), lang.L("Oublier la clé et le serveur de ce poste ? Les validations en attente restent "+
			"enregistrées et seront envoyées après la nouvelle association."), func(ok bool) {
			if ok {
				u.prefs.SetString(prefKey, "")
				u.prefs.SetInt(prefVenue, 0)
				u.showPairing(lang.L("Poste dissocié. Associez-le à nouveau."))
			}
		}, u.win)
	}))
}

// cameraChoice lets the counter pick its webcam; the list is read off the UI goroutine.
func (s *settingsScreen) cameraChoice() fyne.CanvasObject {
	u := s.u
	first := lang.L("Première caméra trouvée")
	sel := widget.NewSelect([]string{first}, nil)
	s.camSel = sel
	if d := u.prefs.String(prefCameraDevice); d != "" {
		sel.Options = append(sel.Options, d)
		sel.SetSelected(d)
	} else {
		sel.SetSelected(first)
	}
	info := widget.NewLabel("")
	sel.OnChanged = func(choice string) {
		device := choice
		if choice == first {
			device = ""
		}
		if device == u.prefs.String(prefCameraDevice) {
			return
		}
		u.prefs.SetString(prefCameraDevice, device)
		if cam := u.screenCamera(); cam != nil && (cam.cancel != nil || cam.failed) { // (re)start on the new device
			cam.stop()
			cam.failed = false
			cam.render()
			cam.start()
		}
	}
	if u.scanner != nil {
		u.background(func() func() {
			devices, err := u.scanner.Devices()
			return func() {
				if err != nil {
					info.SetText(tr(err.Error()))
					return
				}
				if len(devices) == 0 {
					info.SetText(lang.L("Aucune caméra détectée."))
				}
				sel.Options = append([]string{first}, devices...)
				sel.Refresh()
			}
		})
	}
	return widget.NewForm(widget.NewFormItem(lang.L("Caméra"), container.NewVBox(sel, info)))
}

// soundChoice turns the verdict sounds on or off and sets their volume.
func (s *settingsScreen) soundChoice() fyne.CanvasObject {
	u := s.u
	volume := widget.NewSlider(0, 1)
	volume.Step = 0.05
	volume.SetValue(u.prefs.FloatWithFallback(prefSoundVolume, 0.8))
	volume.OnChangeEnded = func(v float64) {
		u.prefs.SetFloat(prefSoundVolume, v)
		u.play(SymbolAdmitted) // hear the new volume
	}
	on := widget.NewCheck(lang.L("Sons des verdicts (validée, attention, refusée)"), func(on bool) {
		u.prefs.SetBool(prefSoundOff, !on)
		if on {
			volume.Enable()
		} else {
			volume.Disable()
		}
	})
	on.SetChecked(!u.prefs.Bool(prefSoundOff))
	return container.NewBorder(nil, nil, on, nil, volume)
}

// screenCamera is the counter screen's camera panel (nil before the screen exists).
func (u *UI) screenCamera() *cameraPanel {
	if u.screen == nil {
		return nil
	}
	return u.screen.camera
}

package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"guichet/app"
)

// showPairing asks for the server and an API key, checks them, lets the user pick the venue
// and starts the counter.
func (u *UI) showPairing(message string) {
	server := widget.NewEntry()
	server.SetPlaceHolder("https://guichet.mon-cinema.fr")
	server.SetText(u.prefs.StringWithFallback(prefServer, "http://127.0.0.1:8080"))
	key := widget.NewPasswordEntry()
	key.SetPlaceHolder("gk_…")
	info := widget.NewLabel(message)
	info.Wrapping = fyne.TextWrapWord
	venues := widget.NewSelect(nil, nil)
	venues.Hide()
	var me *app.Caller
	connect := widget.NewButton(lang.L("Associer ce poste"), nil)
	connect.Importance = widget.HighImportance
	connect.OnTapped = func() {
		url, k := strings.TrimSpace(server.Text), strings.TrimSpace(key.Text)
		if url == "" || k == "" {
			info.SetText(lang.L("Saisissez l'adresse du serveur et la clé d'API."))
			return
		}
		if me != nil && venues.Selected != "" {
			u.finishPairing(url, k, me, venues.SelectedIndex(), info)
			return
		}
		connect.Disable()
		info.SetText(lang.L("Connexion…"))
		u.background(func() func() {
			got, err := u.backend.Me(u.ctx, url, k)
			return func() {
				connect.Enable()
				if err != nil {
					info.SetText(fmt.Sprintf(lang.L("Association impossible : %s"), trErr(err)))
					return
				}
				if len(got.Venues) == 0 {
					info.SetText(lang.L("Cette clé ne donne accès à aucun lieu."))
					return
				}
				me = got
				if len(got.Venues) == 1 {
					u.finishPairing(url, k, me, 0, info)
					return
				}
				var names []string
				for _, v := range got.Venues {
					names = append(names, v.Name+" ("+v.City+")")
				}
				venues.Options = names
				venues.Show()
				info.SetText(lang.L("Choisissez le lieu de ce poste, puis Associer."))
			}
		})
	}
	form := widget.NewForm(widget.NewFormItem(lang.L("Serveur"), server), widget.NewFormItem(lang.L("Clé d'API"), key),
		widget.NewFormItem(lang.L("Lieu"), venues))
	title := widget.NewLabel(lang.L("Associer ce poste de caisse à votre serveur Guichet"))
	title.TextStyle = fyne.TextStyle{Bold: true}
	u.win.SetContent(container.NewPadded(container.NewVBox(title, form, connect, info)))
	u.win.Canvas().Focus(key)
}

func (u *UI) finishPairing(url, key string, me *app.Caller, venue int, info *widget.Label) {
	p := Pairing{ServerURL: url, Key: key, Role: app.Role(me.Role), Venue: me.Venues[venue], Offerer: me.OffererName}
	info.SetText(lang.L("Téléchargement des séances et réservations…"))
	u.start(p, func(err error) { info.SetText(fmt.Sprintf(lang.L("Démarrage impossible : %s"), trErr(err))) })
	u.savePairing(p)
}

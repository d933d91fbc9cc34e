package ui

import (
	"fmt"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"

	"guichet/counter"
)

// Banner colours: amber while offline (the counter still decides, from its copy), red when the
// server refused the key (the counter no longer decides).
var (
	colorBannerOffline = color.NRGBA{R: 0xb2, G: 0x5e, B: 0x00, A: 0xff}
	colorBannerRefused = colorRefused
)

// banner is the full-width strip above the tabs that says the counter is offline, since when
// and how many validations wait to be sent, or that the server refused the key. It is hidden
// while online.
type banner struct {
	bg      *canvas.Rectangle
	text    *canvas.Text
	detail  *canvas.Text
	content *fyne.Container
}

func newBanner() *banner {
	b := &banner{bg: canvas.NewRectangle(colorBannerOffline), text: canvas.NewText("", color.White),
		detail: canvas.NewText("", color.White)}
	b.text.TextSize = 22
	b.text.TextStyle = fyne.TextStyle{Bold: true}
	b.text.Alignment = fyne.TextAlignCenter
	b.detail.TextSize = 15
	b.detail.Alignment = fyne.TextAlignCenter
	b.content = container.NewStack(b.bg, container.NewPadded(container.NewVBox(b.text, b.detail)))
	b.content.Hide()
	return b
}

// show reflects the engine's status.
func (b *banner) show(s counter.Status, u *UI) {
	switch {
	case s.AuthRefused:
		b.bg.FillColor = colorBannerRefused
		b.text.Text = lang.L("CLÉ REFUSÉE — cet appareil ne valide plus")
		b.detail.Text = lang.L("Le serveur a refusé la clé d'API. Un responsable doit appairer l'appareil avec une nouvelle clé (Réglages).")
		if u.now().Before(s.RevokedUntil) {
			b.text.Text = fmt.Sprintf(lang.L("CLÉ REFUSÉE — validations hors ligne jusqu'au %s seulement"),
				s.RevokedUntil.In(u.loc).Format(lang.L("02/01 à 15:04")))
		}
	case !s.Online:
		b.bg.FillColor = colorBannerOffline
		if s.OfflineSince.IsZero() {
			b.text.Text = fmt.Sprintf(lang.L("HORS LIGNE — %d validation(s) à envoyer"), s.Pending)
		} else {
			b.text.Text = fmt.Sprintf(lang.L("HORS LIGNE depuis %s — %d validation(s) à envoyer"),
				s.OfflineSince.In(u.loc).Format("15:04"), s.Pending)
		}
		if s.LastSync.IsZero() {
			b.detail.Text = lang.L("Décisions prises sur la copie locale, jamais synchronisée.")
		} else {
			b.detail.Text = fmt.Sprintf(lang.L("Décisions prises sur la copie locale du %s : les réservations plus récentes n'y sont pas."),
				s.LastSync.In(u.loc).Format(lang.L("02/01/2006 à 15:04")))
		}
	case s.ClockOff: // issue 13: scan times are corrected by the server, but the clock must be set
		b.bg.FillColor = colorBannerOffline
		b.text.Text = fmt.Sprintf(lang.L("HORLOGE DÉCALÉE de %s"), s.ClockSkew.Round(time.Second))
		b.detail.Text = lang.L("L'horloge de cet ordinateur n'est pas à l'heure du serveur : faites-la régler.")
	default:
		b.content.Hide()
		return
	}
	b.bg.Refresh()
	b.text.Refresh()
	b.detail.Refresh()
	b.content.Show()
}

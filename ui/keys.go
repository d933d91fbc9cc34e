package ui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"guichet/app"
)

// Keys is the server's API keys API as the manager's settings use it (sync/client implements it).
type Keys interface {
	Keys(ctx context.Context) ([]app.KeyInfo, error)
	CreateKey(ctx context.Context, label string) (*app.NewKey, error)
	RevokeKey(ctx context.Context, id int64) error
}

// SetKeys tells the UI how to reach the keys API of a pairing; without it the manager's
// settings have no key list.
func (u *UI) SetKeys(open func(Pairing) Keys) { u.keysAPI = open }

// keysSection lists the offerer's API keys for a manager: one key per counter, each revocable
// (but the one this app uses), and a new key for a new counter. Loaded off the UI goroutine.
type keysSection struct {
	u       *UI
	api     Keys
	list    *fyne.Container
	content fyne.CanvasObject
	// show displays a created key once; tests replace it.
	show func(k *app.NewKey)
	// confirm asks before revoking; tests replace it.
	confirm func(k app.KeyInfo, yes func())
}

func newKeysSection(u *UI, api Keys) *keysSection {
	s := &keysSection{u: u, api: api, list: container.NewVBox()}
	label := widget.NewEntry()
	label.SetPlaceHolder(lang.L("Nom de la nouvelle caisse (par exemple « Caisse 3 »)"))
	create := widget.NewButton(lang.L("Créer une clé de caisse"), func() { s.create(label.Text); label.SetText("") })
	s.content = container.NewVBox(
		widget.NewLabelWithStyle(lang.L("Clés des caisses"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		widget.NewLabel(lang.L("Une clé par caisse : une validation porte le nom de la clé qui l'a faite.")),
		s.list, container.NewBorder(nil, nil, nil, create, label))
	s.show = func(k *app.NewKey) {
		entry := widget.NewEntry()
		entry.SetText(k.Key)
		dialog.ShowCustom(lang.L("Nouvelle clé"), lang.L("Fermer"), container.NewVBox(
			widget.NewLabel(fmt.Sprintf(lang.L("Clé de « %s » : notez-la, elle ne sera plus affichée."), k.Label)), entry), u.win)
	}
	s.confirm = func(k app.KeyInfo, yes func()) {
		dialog.ShowConfirm(lang.L("Révoquer"), fmt.Sprintf(lang.L("Révoquer la clé « %s » ? La caisse qui l'utilise ne pourra plus valider en ligne."), k.Label),
			func(ok bool) {
				if ok {
					yes()
				}
			}, u.win)
	}
	s.load()
	return s
}

// load fetches the keys off the UI goroutine and shows them.
func (s *keysSection) load() {
	s.u.async(func() {
		keys, err := s.api.Keys(s.u.ctx)
		fyne.Do(func() { s.render(keys, err) })
	})
}

func (s *keysSection) render(keys []app.KeyInfo, err error) {
	s.list.RemoveAll()
	if err != nil {
		s.list.Add(widget.NewLabel(lang.L("Clés indisponibles : ") + tr(app.ErrorMessage(err))))
		return
	}
	for _, k := range keys {
		role := lang.L("caisse")
		if k.Role == string(app.RoleManager) {
			role = lang.L("responsable")
		}
		state := lang.L("active")
		switch {
		case k.RevokedAt != "":
			state = lang.L("révoquée")
		case k.Current:
			state = lang.L("ce poste")
		}
		line := widget.NewLabel(fmt.Sprintf("%s — %s — %s… — %s", k.Label, role, k.Prefix, state))
		revoke := widget.NewButton(lang.L("Révoquer"), func() { s.confirm(k, func() { s.revoke(k.ID) }) })
		if k.RevokedAt != "" || k.Current {
			revoke.Disable()
		}
		s.list.Add(container.NewBorder(nil, nil, nil, revoke, line))
	}
}

func (s *keysSection) create(label string) {
	s.u.touchUnlock()
	s.u.async(func() {
		k, err := s.api.CreateKey(s.u.ctx, label)
		fyne.Do(func() {
			if err != nil {
				dialog.ShowInformation(lang.L("Nouvelle clé"), tr(app.ErrorMessage(err)), s.u.win)
				return
			}
			s.show(k)
		})
		s.load()
	})
}

func (s *keysSection) revoke(id int64) {
	s.u.touchUnlock()
	s.u.async(func() {
		err := s.api.RevokeKey(s.u.ctx, id)
		fyne.Do(func() {
			if err != nil {
				dialog.ShowInformation(lang.L("Révoquer"), tr(app.ErrorMessage(err)), s.u.win)
			}
		})
		s.load()
	})
}

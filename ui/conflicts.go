package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"guichet/app"
)

// conflictsScreen lists what the server found reconciling offline admissions, until someone
// acknowledges each one.
type conflictsScreen struct {
	u       *UI
	items   []app.Conflict
	list    *widget.List
	content fyne.CanvasObject
}

func newConflictsScreen(u *UI) *conflictsScreen {
	s := &conflictsScreen{u: u}
	s.list = widget.NewList(func() int { return len(s.items) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Wrapping = fyne.TextWrapWord
			return container.NewBorder(nil, nil, nil, widget.NewButton(lang.L("Acquitter"), nil), l)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			c := s.items[i]
			box := o.(*fyne.Container)
			box.Objects[0].(*widget.Label).SetText(s.line(c))
			box.Objects[1].(*widget.Button).OnTapped = func() { s.ack(c.ID) }
		})
	help := widget.NewLabel(lang.L("Billets admis hors ligne puis refusés par le serveur : une même contremarque entrée deux fois, " +
		"ou annulée avant le passage en caisse. Chaque réservation n'est comptée qu'une fois."))
	help.Wrapping = fyne.TextWrapWord
	s.content = container.NewBorder(help, nil, nil, nil, s.list)
	return s
}

func (s *conflictsScreen) line(c app.Conflict) string {
	kind, ok := map[string]string{"DOUBLE_ADMISSION": lang.L("Entrée en double"), "CANCELLED_BEFORE_SCAN": lang.L("Réservation annulée"),
		"NOT_USABLE": lang.L("Validation refusée"), "KEEP_NOT_APPLIED": lang.L("Invalidation non appliquée"),
		"UNKNOWN_COUNTERMARK": lang.L("Contremarque inconnue")}[c.Kind]
	if !ok {
		kind = c.Kind // a kind newer than this app: its code
	}
	text := fmt.Sprintf("%s — %s — %s (%s)\n", kind, c.Token, c.Beneficiary, c.OfferName) +
		fmt.Sprintf(lang.L("Scannée sur « %s » le %s"), c.Device, c.ScannedAt.In(s.u.loc).Format(lang.L("02/01 à 15:04")))
	if c.OtherDevice != "" || !c.OtherAt.IsZero() {
		if c.OtherAt.IsZero() {
			text += fmt.Sprintf(lang.L(" ; déjà %s"), c.OtherDevice)
		} else {
			text += fmt.Sprintf(lang.L(" ; déjà %s le %s"), c.OtherDevice, c.OtherAt.In(s.u.loc).Format(lang.L("02/01 à 15:04")))
		}
	}
	return text + "\n" + tr(c.Detail)
}

func (s *conflictsScreen) ack(id int64) {
	s.u.background(func() func() {
		err := s.u.counter.Ack(s.u.ctx, id)
		return func() {
			if err != nil {
				dialog.ShowInformation(lang.L("Conflit"), fmt.Sprintf(lang.L("Acquittement impossible : %s"), trErr(err)), s.u.win)
				return
			}
			s.refresh()
		}
	})
}

func (s *conflictsScreen) refresh() {
	s.u.background(func() func() {
		items, err := s.u.counter.Conflicts(s.u.ctx)
		return func() {
			if err == nil {
				s.items = items
				s.list.Refresh()
			}
		}
	})
}

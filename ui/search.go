package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"guichet/app"
)

// searchScreen finds a booking by countermark, name or e-mail (from the cache, so it works
// offline) and validates it from there.
type searchScreen struct {
	u       *UI
	entry   *widget.Entry
	items   []app.Booking
	list    *widget.List
	info    *widget.Label
	content fyne.CanvasObject
}

func newSearchScreen(u *UI) *searchScreen {
	s := &searchScreen{u: u}
	s.entry = widget.NewEntry()
	s.entry.SetPlaceHolder(lang.L("Nom, prénom, e-mail ou contremarque"))
	s.entry.OnSubmitted = s.search
	s.info = widget.NewLabel("")
	s.list = widget.NewList(func() int { return len(s.items) },
		func() fyne.CanvasObject {
			return container.NewBorder(nil, nil, nil, widget.NewButton(lang.L("Valider"), nil), widget.NewLabel(""))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			b := s.items[i]
			box := o.(*fyne.Container)
			box.Objects[0].(*widget.Label).SetText(fmt.Sprintf("%s — %s %s — %s (%s) %s — %s", b.Token, b.FirstName, b.LastName,
				b.OfferName, b.Version, b.ShowStart.In(u.loc).Format("02/01 15:04"), statusText(b.Status)))
			box.Objects[1].(*widget.Button).OnTapped = func() {
				u.tabs.SelectIndex(0)
				u.screen.onSubmit(b.Token)
			}
		})
	bar := container.NewBorder(nil, nil, nil, widget.NewButton(lang.L("Chercher"), func() { s.search(s.entry.Text) }), s.entry)
	s.content = container.NewBorder(container.NewVBox(bar, s.info), nil, nil, nil, s.list)
	return s
}

func statusText(s app.BookingStatus) string {
	switch s {
	case app.StatusConfirmed:
		return lang.L("à valider")
	case app.StatusUsed:
		return lang.L("validée")
	case app.StatusCancelled:
		return lang.L("annulée")
	case app.StatusReimbursed:
		return lang.L("remboursée")
	}
	return string(s)
}

func (s *searchScreen) search(q string) {
	s.u.background(func() func() {
		items, err := s.u.counter.Search(s.u.ctx, q)
		return func() {
			s.items = items
			switch {
			case err != nil:
				s.info.SetText(fmt.Sprintf(lang.L("Recherche impossible : %s"), trErr(err)))
			case len(items) == 0:
				s.info.SetText(lang.L("Aucune réservation trouvée."))
			default:
				s.info.SetText(fmt.Sprintf(lang.L("%d réservation(s)"), len(items)))
			}
			s.list.Refresh()
		}
	})
}

package ui

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"guichet/app"
)

// showtimesScreen lists today's showtimes with admitted, booked and capacity, the one on now
// first in bold; it works offline from the cache. A tick per showtime chooses the ones this door
// admits: once any is ticked, a ticket for another showtime is shown in the attention state.
type showtimesScreen struct {
	u       *UI
	list    *widget.List
	items   []app.Showtime
	current int64
	content fyne.CanvasObject
}

func newShowtimesScreen(u *UI) *showtimesScreen {
	s := &showtimesScreen{u: u}
	s.list = widget.NewList(func() int { return len(s.items) },
		func() fyne.CanvasObject {
			return container.NewBorder(nil, nil, widget.NewCheck(lang.L("Admise à cette porte"), nil), nil, widget.NewLabel(""))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			row := o.(*fyne.Container)
			l, check := row.Objects[0].(*widget.Label), row.Objects[1].(*widget.Check)
			st := s.items[i]
			l.SetText(s.line(st))
			l.TextStyle = fyne.TextStyle{Bold: st.StockID == s.current}
			l.Refresh()
			check.OnChanged = nil
			check.SetChecked(s.u.door[st.StockID])
			check.OnChanged = func(on bool) { s.u.setDoor(st.StockID, on) }
		})
	title := widget.NewLabel(lang.L("Séances du jour — entrées / réservations / jauge"))
	title.TextStyle = fyne.TextStyle{Bold: true}
	bookings := widget.NewButton(lang.L("Réservations du jour…"), u.showDayBookings)
	s.content = container.NewBorder(container.NewBorder(nil, nil, nil, bookings, title), nil, nil, nil, s.list)
	return s
}

func (s *showtimesScreen) line(st app.Showtime) string {
	capacity := lang.L("illimitée")
	if st.Capacity != nil {
		capacity = fmt.Sprintf(lang.L("%d places"), *st.Capacity)
	}
	return fmt.Sprintf(lang.L("%s  %s (%s) — %d entrés / %d réservés / %s"), st.Start.In(s.u.loc).Format("15:04"),
		st.OfferName, st.Version, st.Admitted, st.Booked, capacity)
}

// currentShowtime picks the showtime on now: started less than 30 minutes ago or the next one
// to start.
func currentShowtime(items []app.Showtime, now time.Time) *app.Showtime {
	var best *app.Showtime
	for i := range items {
		st := &items[i]
		if st.Deleted {
			continue
		}
		if st.Start.After(now.Add(-30*time.Minute)) && (best == nil || st.Start.Before(best.Start)) {
			best = st
		}
	}
	return best
}

func (s *showtimesScreen) refresh() {
	now := s.u.now()
	s.u.background(func() func() {
		items, err := s.u.counter.Showtimes(s.u.ctx, now)
		return func() {
			if err != nil {
				return
			}
			s.items = items
			s.current = 0
			text := lang.L("Aucune séance à venir aujourd'hui")
			var start time.Time
			if cur := currentShowtime(items, now); cur != nil {
				s.current, start = cur.StockID, cur.Start
				text = fmt.Sprintf(lang.L("Séance en cours : %s"), s.line(*cur))
			}
			s.list.Refresh()
			if s.u.screen != nil {
				s.u.screen.setCurrent(s.current, start, text)
			}
		}
	})
}

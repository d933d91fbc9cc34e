package ui

import (
	"context"
	"fmt"
	"sort"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"guichet/app"
	"guichet/app/allocine"
)

// Programme is the manager's programme API of the paired venue (sync/client.Programme
// implements it). Every method needs the server: edits are refused offline.
type Programme interface {
	Offers(ctx context.Context) ([]app.ProOffer, error)
	Stocks(ctx context.Context, offerID int64) ([]app.ProStock, error)
	CreateOffer(ctx context.Context, in app.OfferInput) (*app.ProOffer, error)
	UpdateOffer(ctx context.Context, id int64, in app.OfferInput) (*app.ProOffer, error)
	CreateStock(ctx context.Context, offerID int64, in app.NewStock) (*app.ProStock, error)
	DeleteStock(ctx context.Context, id int64) error
	// UpdateStock changes a showtime's start, price and capacity (nil: unlimited).
	UpdateStock(ctx context.Context, id int64, in app.NewStock) error
	UploadImage(ctx context.Context, offerID int64, data []byte) (*app.ProOffer, error)
	Allocine(ctx context.Context) (*allocine.Status, error)
	SetAllocine(ctx context.Context, s allocine.VenueSettings) error
	RunAllocine(ctx context.Context) (*allocine.Run, error)
	// Poster returns a film's poster (downloaded from Allociné or uploaded), or an error when it has none.
	Poster(ctx context.Context, offerID int64) ([]byte, error)
}

// ProgrammeBackend is a Backend that also gives managers the programme API (main.Main).
type ProgrammeBackend interface {
	Programme(p Pairing) Programme
}

// msgOffline is shown when an edit of the programme cannot reach the server.
const msgOffline = "Serveur injoignable : le programme ne peut être modifié qu'en ligne (le serveur fait foi). " +
	"Réessayez une fois la connexion rétablie."

// programmeScreen is the manager's programme by day: the day's showtimes by film, read from the
// counter's cache (so it works offline), the venue's films from the server, and the edits
// (films, showtimes, duplication, deactivation, deletion) and the Allociné import, online only.
type programmeScreen struct {
	u        *UI
	prog     Programme
	day      time.Time // midnight of the day shown, venue time
	dayLabel *widget.Label
	message  *widget.Label
	days     *fyne.Container // the day's showtimes by film
	films    *fyne.Container // every film (online)
	shows    []app.Showtime
	offers   []app.ProOffer
	imports  *allocinePanel
	locked   *fyne.Container
	unlocked fyne.CanvasObject
	content  *fyne.Container
}

// newProgrammeScreen returns the programme screen, or nil when the key is not a manager's or the
// backend has no programme API.
func newProgrammeScreen(u *UI) *programmeScreen {
	pb, ok := u.backend.(ProgrammeBackend)
	if !ok || u.pairing.Role != app.RoleManager {
		return nil
	}
	s := &programmeScreen{u: u, prog: pb.Programme(u.pairing), dayLabel: widget.NewLabel(""), message: widget.NewLabel(""),
		days: container.NewVBox(), films: container.NewVBox()}
	s.message.Wrapping = fyne.TextWrapWord
	s.message.Importance = widget.DangerImportance
	s.day = midnight(u.now(), u.loc)
	s.imports = newAllocinePanel(s)
	nav := container.NewHBox(
		widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { s.setDay(s.day.AddDate(0, 0, -1)) }),
		widget.NewButton(lang.L("Aujourd'hui"), func() { s.setDay(midnight(u.now(), u.loc)) }),
		widget.NewButtonWithIcon("", theme.NavigateNextIcon(), func() { s.setDay(s.day.AddDate(0, 0, 1)) }),
		s.dayLabel,
		widget.NewButton(lang.L("Nouveau film"), func() { s.editOffer(nil) }),
	)
	filmsTitle := widget.NewLabel(lang.L("Films du lieu"))
	filmsTitle.TextStyle = fyne.TextStyle{Bold: true}
	body := container.NewVBox(s.days, widget.NewSeparator(), filmsTitle, s.films, widget.NewSeparator(), s.imports.content)
	s.unlocked = container.NewBorder(container.NewVBox(nav, s.message), nil, nil, nil, container.NewVScroll(body))
	s.locked = container.NewVBox(widget.NewLabel(lang.L("Écrans responsable verrouillés : déverrouillez-les dans Réglages avec le code PIN.")))
	s.content = container.NewStack()
	return s
}

func midnight(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc)
}

func (s *programmeScreen) setDay(d time.Time) {
	s.u.touchUnlock()
	s.day = d
	s.refresh()
}

// say shows a message (an error in red, or a confirmation).
func (s *programmeScreen) say(err error, ok string) {
	if err != nil {
		s.message.Importance = widget.DangerImportance
		if app.ErrorCode(err) == app.EUNAVAILABLE {
			s.message.SetText(lang.L(msgOffline))
		} else {
			s.message.SetText(trErr(err))
		}
		return
	}
	s.message.Importance = widget.SuccessImportance
	s.message.SetText(ok)
}

// refresh reloads the day from the cache and the films from the server (off the UI goroutine).
func (s *programmeScreen) refresh() {
	if t := s.u.tabs; t != nil && t.Selected() != nil && t.Selected().Text != lang.L("Programme") {
		return // not shown: no calls to the server on every sync
	}
	if s.u.locked {
		s.content.Objects = []fyne.CanvasObject{s.locked}
		s.content.Refresh()
		return
	}
	s.content.Objects = []fyne.CanvasObject{s.unlocked}
	s.content.Refresh()
	s.dayLabel.SetText(dayText(s.day))
	day := s.day
	s.u.background(func() func() {
		shows, serr := s.u.counter.Showtimes(s.u.ctx, day.Add(12*time.Hour))
		offers, oerr := s.prog.Offers(s.u.ctx)
		return func() {
			if serr == nil {
				s.shows = shows
			}
			if oerr == nil {
				s.offers = offers
			}
			s.renderDay()
			s.renderFilms(oerr)
		}
	})
	s.imports.refresh()
}

// dayText is a day as "lundi 01/12/2026".
func dayText(d time.Time) string {
	return weekdayName(d.Weekday()) + " " + d.Format("02/01/2006")
}

func (s *programmeScreen) renderDay() {
	s.days.RemoveAll()
	title := widget.NewLabel(fmt.Sprintf(lang.L("Séances du %s"), dayText(s.day)))
	title.TextStyle = fyne.TextStyle{Bold: true}
	s.days.Add(title)
	if len(s.shows) == 0 {
		s.days.Add(widget.NewLabel(lang.L("Aucune séance ce jour.")))
		return
	}
	shows := append([]app.Showtime(nil), s.shows...)
	sort.SliceStable(shows, func(i, j int) bool { return shows[i].Start.Before(shows[j].Start) })
	byFilm := map[int64][]app.Showtime{}
	var order []int64
	for _, st := range shows {
		if _, ok := byFilm[st.OfferID]; !ok {
			order = append(order, st.OfferID)
		}
		byFilm[st.OfferID] = append(byFilm[st.OfferID], st)
	}
	sort.SliceStable(order, func(i, j int) bool { return byFilm[order[i]][0].OfferName < byFilm[order[j]][0].OfferName })
	for _, id := range order {
		list := byFilm[id]
		film := widget.NewLabel(fmt.Sprintf("%s (%s)", list[0].OfferName, list[0].Version))
		film.TextStyle = fyne.TextStyle{Bold: true}
		s.days.Add(film)
		for _, st := range list {
			s.days.Add(s.showtimeRow(st))
		}
	}
}

func (s *programmeScreen) showtimeRow(st app.Showtime) fyne.CanvasObject {
	capacity := lang.L("jauge illimitée")
	if st.Capacity != nil {
		capacity = fmt.Sprintf(lang.L("%d places"), *st.Capacity)
	}
	text := fmt.Sprintf(lang.L("%s — %d réservé(s) / %s"), st.Start.In(s.u.loc).Format("15:04"), st.Booked, capacity)
	if st.Deleted {
		return widget.NewLabel(fmt.Sprintf(lang.L("%s — supprimée"), text))
	}
	return container.NewHBox(widget.NewLabel(text),
		widget.NewButton(lang.L("Modifier"), func() { s.editShowtimeDialog(st, st.PriceCents) }),
		widget.NewButton(lang.L("Dupliquer"), func() { s.duplicateDialog(st) }),
		widget.NewButton(lang.L("Supprimer"), func() {
			dialog.ShowConfirm(lang.L("Supprimer"), fmt.Sprintf(lang.L("Supprimer la séance de %s ?"), st.Start.In(s.u.loc).Format("15:04")),
				func(ok bool) {
					if ok {
						s.deleteShowtime(st)
					}
				}, s.u.win)
		}))
}

func (s *programmeScreen) renderFilms(err error) {
	s.films.RemoveAll()
	if err != nil {
		s.films.Add(widget.NewLabel(lang.L("Liste des films indisponible hors ligne (les séances ci-dessus viennent du poste).")))
		return
	}
	if len(s.offers) == 0 {
		s.films.Add(widget.NewLabel(lang.L("Aucun film : créez-en un avec « Nouveau film ».")))
	}
	for i := range s.offers {
		o := s.offers[i]
		text := fmt.Sprintf(lang.L("%s (%s, %d min)"), o.Name, o.Version, o.DurationMinutes)
		if o.AllocineID != "" {
			text = fmt.Sprintf(lang.L("%s — importé d'Allociné"), text)
		}
		if !o.Active {
			text = fmt.Sprintf(lang.L("%s — désactivé"), text)
		}
		row := container.NewHBox(s.poster(o), widget.NewLabel(text),
			widget.NewButton(lang.L("Modifier"), func() { s.editOffer(&o) }),
			widget.NewButton(lang.L("Ajouter une séance"), func() { s.addShowtimeDialog(o) }))
		if o.Active {
			row.Add(widget.NewButton(lang.L("Désactiver"), func() {
				dialog.ShowConfirm(lang.L("Désactiver"), fmt.Sprintf(lang.L("Désactiver « %s » ? Ses séances ne seront plus réservables."), o.Name),
					func(ok bool) {
						if ok {
							s.setActive(o, false)
						}
					}, s.u.win)
			}))
		} else {
			row.Add(widget.NewButton(lang.L("Réactiver"), func() { s.setActive(o, true) }))
		}
		s.films.Add(row)
	}
}

// poster is a film's thumbnail, filled off the UI goroutine; a film without one keeps the blank.
func (s *programmeScreen) poster(o app.ProOffer) fyne.CanvasObject {
	img := canvas.NewImageFromResource(nil)
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSize(40, 56))
	if o.ImageURL == "" {
		return img
	}
	s.u.background(func() func() {
		data, err := s.prog.Poster(s.u.ctx, o.ID)
		if err != nil || len(data) == 0 {
			return nil
		}
		return func() {
			img.Resource = fyne.NewStaticResource(fmt.Sprintf("poster-%d", o.ID), data)
			img.Refresh()
		}
	})
	return img
}

// changed is called after a successful edit: the counter pulls the change, the screen reloads.
func (s *programmeScreen) changed(msg string) {
	s.u.touchUnlock()
	s.say(nil, msg)
	s.u.counter.Kick()
	s.refresh()
}

// setActive deactivates a film (its showtimes are no longer bookable) or reactivates it.
func (s *programmeScreen) setActive(o app.ProOffer, active bool) {
	s.u.background(func() func() {
		_, err := s.prog.UpdateOffer(s.u.ctx, o.ID, app.OfferInput{Active: &active})
		return func() {
			if err != nil {
				s.say(err, "")
				return
			}
			if active {
				s.changed(fmt.Sprintf(lang.L("« %s » est réactivé : ses séances sont de nouveau réservables."), o.Name))
				return
			}
			s.changed(fmt.Sprintf(lang.L("« %s » est désactivé : ses séances ne sont plus réservables."), o.Name))
		}
	})
}

// deleteShowtime deletes a showtime that has no booking; one with bookings is refused here (the
// server would cancel them).
func (s *programmeScreen) deleteShowtime(st app.Showtime) {
	if st.Booked > 0 {
		s.say(app.Errorf(app.EINVALID, lang.L("Impossible de supprimer cette séance : elle a %d place(s) réservée(s)."), st.Booked), "")
		return
	}
	s.u.background(func() func() {
		err := s.prog.DeleteStock(s.u.ctx, st.StockID)
		return func() {
			if err != nil {
				s.say(err, "")
				return
			}
			s.changed(fmt.Sprintf(lang.L("Séance de %s supprimée."), st.Start.In(s.u.loc).Format("15:04")))
		}
	})
}

// duplicate copies a showtime (same time of day, price and capacity) on the next days.
func (s *programmeScreen) duplicate(st app.Showtime, days int) {
	if days < 1 || days > 31 {
		s.say(app.Errorf(app.EINVALID, "%s", lang.L("Indiquez un nombre de jours entre 1 et 31.")), "")
		return
	}
	loc := s.u.loc
	s.u.background(func() func() {
		err := s.duplicateNow(st, days, loc)
		return func() {
			if err != nil {
				s.say(err, "")
				return
			}
			s.changed(fmt.Sprintf(lang.L("Séance de %s dupliquée sur %d jour(s)."), st.Start.In(loc).Format("15:04"), days))
		}
	})
}

func (s *programmeScreen) duplicateNow(st app.Showtime, days int, loc *time.Location) error {
	stocks, err := s.prog.Stocks(s.u.ctx, st.OfferID)
	if err != nil {
		return err
	}
	var price int64 = -1
	for _, x := range stocks {
		if x.ID == st.StockID {
			price = x.PriceCents
		}
	}
	if price < 0 {
		return app.Errorf(app.ENOTFOUND, "%s", lang.L("Séance introuvable sur le serveur."))
	}
	l := st.Start.In(loc)
	for i := 1; i <= days; i++ {
		start := time.Date(l.Year(), l.Month(), l.Day()+i, l.Hour(), l.Minute(), 0, 0, loc)
		if _, err := s.prog.CreateStock(s.u.ctx, st.OfferID, app.NewStock{StartsAt: start, PriceCents: price,
			Capacity: st.Capacity}); err != nil {
			return err
		}
	}
	return nil
}

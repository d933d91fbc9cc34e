package ui

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"guichet/app"
)

// offerForm is the film form: name, short description, image URL, duration, version, duo.
type offerForm struct {
	name, desc, image, duration *widget.Entry
	version                     *widget.RadioGroup
	duo                         *widget.Check
	upload                      []byte // an image file chosen from disk, sent after the film is saved
	uploadName                  *widget.Label
	pick                        *widget.Button
}

func newOfferForm(o *app.ProOffer) *offerForm {
	f := &offerForm{name: widget.NewEntry(), desc: widget.NewMultiLineEntry(), image: widget.NewEntry(), duration: widget.NewEntry(),
		version: widget.NewRadioGroup([]string{app.VersionVF, app.VersionVO}, nil), duo: widget.NewCheck(lang.L("Accepter les réservations DUO"), nil),
		uploadName: widget.NewLabel(lang.L("aucun fichier"))}
	f.image.SetPlaceHolder("https://…")
	f.duration.SetPlaceHolder(lang.L("minutes"))
	// The form's button stays off while a field is wrong: a bad input keeps the form open.
	f.name.Validator = func(v string) error {
		if strings.TrimSpace(v) == "" {
			return errors.New(lang.L("Le titre du film est obligatoire."))
		}
		return nil
	}
	f.duration.Validator = func(v string) error { _, err := parseMinutes(v); return err }
	f.version.Horizontal = true
	f.version.SetSelected(app.VersionVF)
	f.duo.SetChecked(true)
	if o != nil {
		f.name.SetText(o.Name)
		f.desc.SetText(o.Description)
		f.image.SetText(o.ImageURL)
		if o.DurationMinutes > 0 {
			f.duration.SetText(strconv.Itoa(o.DurationMinutes))
		}
		f.version.SetSelected(o.Version)
		f.duo.SetChecked(o.Duo)
	}
	return f
}

func (f *offerForm) items() []*widget.FormItem {
	return []*widget.FormItem{widget.NewFormItem(lang.L("Titre"), f.name), widget.NewFormItem(lang.L("Description courte"), f.desc),
		widget.NewFormItem(lang.L("Image (adresse)"), f.image), widget.NewFormItem(lang.L("ou fichier image"), container.NewHBox(f.pick, f.uploadName)),
		widget.NewFormItem(lang.L("Durée (min)"), f.duration),
		widget.NewFormItem(lang.L("Version"), f.version), widget.NewFormItem("", f.duo)}
}

// input reads the form; the server checks the rest (length, image URL scheme).
func (f *offerForm) input() (app.OfferInput, error) {
	name, desc, image, version, duo := strings.TrimSpace(f.name.Text), f.desc.Text, strings.TrimSpace(f.image.Text), f.version.Selected, f.duo.Checked
	if name == "" {
		return app.OfferInput{}, app.FieldError("name", lang.L("Le titre du film est obligatoire."))
	}
	minutes, err := parseMinutes(f.duration.Text)
	if err != nil {
		return app.OfferInput{}, err
	}
	return app.OfferInput{Name: &name, Description: &desc, ImageURL: &image, DurationMinutes: &minutes, Version: &version, Duo: &duo}, nil
}

// parseMinutes reads a film's duration in minutes; empty is 0 (unknown).
func parseMinutes(s string) (int, error) {
	d := strings.TrimSpace(s)
	if d == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(d)
	if err != nil || n < 0 || n > 24*60 {
		return 0, app.FieldError("durationMinutes", lang.L("La durée doit être un nombre de minutes (0 à 1 440)."))
	}
	return n, nil
}

// editOffer opens the film form: a new film when o is nil.
func (s *programmeScreen) editOffer(o *app.ProOffer) {
	s.u.touchUnlock() // a form opened: the manager is at work
	f := newOfferForm(o)
	f.pick = widget.NewButton(lang.L("Choisir…"), func() { s.pickImage(f) })
	title := lang.L("Nouveau film")
	if o != nil {
		title = fmt.Sprintf(lang.L("Modifier « %s »"), o.Name)
	}
	d := dialog.NewForm(title, lang.L("Enregistrer"), lang.L("Annuler"), f.items(), func(ok bool) {
		if ok {
			s.saveOffer(o, f)
		}
	}, s.u.win)
	d.Resize(fyne.NewSize(560, 440))
	d.Show()
}

func (s *programmeScreen) saveOffer(o *app.ProOffer, f *offerForm) {
	in, err := f.input()
	if err != nil {
		s.say(err, "")
		return
	}
	upload := f.upload
	s.u.background(func() func() {
		var saved *app.ProOffer
		var err error
		if o == nil {
			saved, err = s.prog.CreateOffer(s.u.ctx, in)
		} else {
			saved, err = s.prog.UpdateOffer(s.u.ctx, o.ID, in)
		}
		if err == nil && upload != nil {
			_, err = s.prog.UploadImage(s.u.ctx, saved.ID, upload)
		}
		return func() {
			if err != nil {
				s.say(err, "")
				return
			}
			s.changed(fmt.Sprintf(lang.L("Film « %s » enregistré."), *in.Name))
		}
	})
}

// stockForm is the showtime form: date (picked on a calendar or typed), time, price, capacity
// (empty: unlimited). Each field says what is wrong as it is typed, and the form's button stays
// off until every field is right, so a bad input keeps the form open with its error.
type stockForm struct {
	date                  *widget.DateEntry
	hour, price, capacity *widget.Entry
}

func newStockForm(day time.Time) *stockForm {
	f := &stockForm{date: widget.NewDateEntry(), hour: widget.NewEntry(), price: widget.NewEntry(), capacity: widget.NewEntry()}
	d := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
	f.date.SetDate(&d)
	f.hour.SetPlaceHolder(lang.L("HH:MM"))
	f.price.SetPlaceHolder("5,00")
	f.capacity.SetPlaceHolder(lang.L("vide = illimitée"))
	f.hour.Validator = func(s string) error {
		if _, err := time.Parse("15:04", strings.TrimSpace(s)); err != nil {
			return errors.New(lang.L("Heure invalide (HH:MM)."))
		}
		return nil
	}
	f.price.Validator = func(s string) error { _, err := parseEuros(s); return err }
	f.capacity.Validator = func(s string) error { _, err := parseCapacity(s); return err }
	return f
}

// editStockForm is the form filled with a showtime's time, price and capacity.
func editStockForm(st app.Showtime, priceCents int64, loc *time.Location) *stockForm {
	start := st.Start.In(loc)
	f := newStockForm(start)
	f.hour.SetText(start.Format("15:04"))
	f.price.SetText(strings.ReplaceAll(app.FormatDecimalPlain(priceCents), ".", ","))
	if st.Capacity != nil {
		f.capacity.SetText(strconv.Itoa(*st.Capacity))
	}
	return f
}

func (f *stockForm) items() []*widget.FormItem {
	return []*widget.FormItem{widget.NewFormItem(lang.L("Date"), f.date), widget.NewFormItem(lang.L("Heure"), f.hour),
		widget.NewFormItem(lang.L("Prix (€)"), f.price), widget.NewFormItem(lang.L("Nombre de places"), f.capacity)}
}

func (f *stockForm) input(loc *time.Location) (app.NewStock, error) {
	h, err := time.Parse("15:04", strings.TrimSpace(f.hour.Text))
	if err != nil || f.date.Date == nil {
		return app.NewStock{}, app.FieldError("startsAt", lang.L("Date ou heure invalide (JJ/MM/AAAA et HH:MM)."))
	}
	d := *f.date.Date
	start := time.Date(d.Year(), d.Month(), d.Day(), h.Hour(), h.Minute(), 0, 0, loc)
	cents, err := parseEuros(f.price.Text)
	if err != nil {
		return app.NewStock{}, err
	}
	in := app.NewStock{StartsAt: start, PriceCents: cents}
	if in.Capacity, err = parseCapacity(f.capacity.Text); err != nil {
		return app.NewStock{}, err
	}
	return in, nil
}

// parseCapacity reads a number of places; empty is unlimited (nil).
func parseCapacity(s string) (*int, error) {
	c := strings.TrimSpace(s)
	if c == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(c)
	if err != nil || n < 0 {
		return nil, app.FieldError("capacity", lang.L("Le nombre de places doit être un entier positif, ou vide pour illimité."))
	}
	return &n, nil
}

// parseEuros reads a price typed in euros ("5", "5,50", "5.5") into cents.
func parseEuros(s string) (int64, error) {
	bad := app.FieldError("priceCents", lang.L("Prix invalide (par exemple 5,50)."))
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "€"))
	euros, cents, _ := strings.Cut(strings.ReplaceAll(s, ".", ","), ",")
	if euros == "" || len(cents) > 2 {
		return 0, bad
	}
	e, err := strconv.ParseInt(euros, 10, 64)
	if err != nil || e < 0 || e > app.MaxPriceCents/100 {
		return 0, bad
	}
	c := int64(0)
	if cents != "" {
		if len(cents) == 1 {
			cents += "0"
		}
		if c, err = strconv.ParseInt(cents, 10, 64); err != nil || c < 0 {
			return 0, bad
		}
	}
	return e*100 + c, nil
}

func (s *programmeScreen) addShowtimeDialog(o app.ProOffer) {
	s.u.touchUnlock() // a form opened: the manager is at work
	f := newStockForm(s.day)
	dialog.NewForm(fmt.Sprintf(lang.L("Nouvelle séance de « %s »"), o.Name), lang.L("Ajouter"), lang.L("Annuler"), f.items(), func(ok bool) {
		if ok {
			s.addShowtime(o, f)
		}
	}, s.u.win).Show()
}

func (s *programmeScreen) addShowtime(o app.ProOffer, f *stockForm) {
	in, err := f.input(s.u.loc)
	if err != nil {
		s.say(err, "")
		return
	}
	s.u.background(func() func() {
		_, err := s.prog.CreateStock(s.u.ctx, o.ID, in)
		return func() {
			if err != nil {
				s.say(err, "")
				return
			}
			s.changed(fmt.Sprintf(lang.L("Séance ajoutée le %s."), in.StartsAt.In(s.u.loc).Format(lang.L("02/01/2006 à 15:04"))))
		}
	})
}

// editShowtimeDialog changes a showtime's date, time, price and capacity (the server moves its
// bookings' cancellation limits with it).
func (s *programmeScreen) editShowtimeDialog(st app.Showtime, priceCents int64) {
	s.u.touchUnlock() // a form opened: the manager is at work
	f := editStockForm(st, priceCents, s.u.loc)
	dialog.NewForm(fmt.Sprintf(lang.L("Modifier la séance de %s"), st.Start.In(s.u.loc).Format("15:04")), lang.L("Enregistrer"),
		lang.L("Annuler"), f.items(), func(ok bool) {
			if ok {
				s.editShowtime(st, f)
			}
		}, s.u.win).Show()
}

func (s *programmeScreen) editShowtime(st app.Showtime, f *stockForm) {
	in, err := f.input(s.u.loc)
	if err != nil {
		s.say(err, "")
		return
	}
	s.u.background(func() func() {
		err := s.prog.UpdateStock(s.u.ctx, st.StockID, in)
		return func() {
			if err != nil {
				s.say(err, "")
				return
			}
			s.changed(fmt.Sprintf(lang.L("Séance modifiée : %s."), in.StartsAt.In(s.u.loc).Format(lang.L("02/01/2006 à 15:04"))))
		}
	})
}

func (s *programmeScreen) duplicateDialog(st app.Showtime) {
	s.u.touchUnlock() // a form opened: the manager is at work
	days := widget.NewEntry()
	days.SetText("6")
	dialog.NewForm(fmt.Sprintf(lang.L("Dupliquer la séance de %s"), st.Start.In(s.u.loc).Format("15:04")), lang.L("Dupliquer"), lang.L("Annuler"),
		[]*widget.FormItem{widget.NewFormItem(lang.L("Sur les jours suivants"), days)}, func(ok bool) {
			if !ok {
				return
			}
			n, err := strconv.Atoi(strings.TrimSpace(days.Text))
			if err != nil {
				n = 0
			}
			s.duplicate(st, n)
		}, s.u.win).Show()
}

// maxImageBytes is the server's cap on an uploaded image.
const maxImageBytes = 2 << 20

// pickImage lets the manager choose an image file; it is read off the UI goroutine and sent
// when the film is saved.
func (s *programmeScreen) pickImage(f *offerForm) {
	d := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil || rc == nil {
			return
		}
		name := rc.URI().Name()
		s.u.background(func() func() {
			data, err := io.ReadAll(io.LimitReader(rc, maxImageBytes+1))
			rc.Close()
			return func() { s.setImage(f, name, data, err) }
		})
	}, s.u.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".jpg", ".jpeg", ".png", ".webp"}))
	d.Show()
}

func (s *programmeScreen) setImage(f *offerForm, name string, data []byte, err error) {
	switch {
	case err != nil:
		s.say(app.Errorf(app.EINVALID, lang.L("Lecture de l'image impossible : %s"), tr(err.Error())), "")
	case len(data) > maxImageBytes:
		s.say(app.Errorf(app.ETOOLARGE, "%s", lang.L("L'image ne doit pas dépasser 2 Mo.")), "")
	default:
		f.upload = data
		f.uploadName.SetText(name)
	}
}

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

	"guichet/app"
	"guichet/app/allocine"
)

// allocinePanel is the venue's Allociné import: its settings, the "Lancer la synchronisation"
// button and the last import's report.
type allocinePanel struct {
	s                        *programmeScreen
	theater, price, capacity *widget.Entry
	duo, active              *widget.Check
	report                   *widget.Label
	save, run                *widget.Button
	loaded                   bool // the form was filled from the server once: later refreshes keep what is typed
	content                  fyne.CanvasObject
}

func newAllocinePanel(s *programmeScreen) *allocinePanel {
	p := &allocinePanel{s: s, theater: widget.NewEntry(), price: widget.NewEntry(), capacity: widget.NewEntry(),
		duo: widget.NewCheck(lang.L("Accepter les réservations DUO"), nil), active: widget.NewCheck(lang.L("Import quotidien actif"), nil),
		report: widget.NewLabel(lang.L("Aucun import pour l'instant."))}
	p.report.Wrapping = fyne.TextWrapWord
	p.duo.SetChecked(true)
	p.active.SetChecked(true)
	p.capacity.SetPlaceHolder(lang.L("vide = illimité"))
	p.price.SetPlaceHolder("5,00")
	p.save = widget.NewButton(lang.L("Enregistrer les paramètres"), p.onSave)
	p.run = widget.NewButton(lang.L("Lancer la synchronisation"), p.onRun)
	title := widget.NewLabel(lang.L("Import Allociné"))
	title.TextStyle = fyne.TextStyle{Bold: true}
	form := widget.NewForm(widget.NewFormItem(lang.L("Identifiant Allociné du cinéma"), p.theater),
		widget.NewFormItem(lang.L("Prix de vente/place (€)"), p.price), widget.NewFormItem(lang.L("Nombre de places/séance"), p.capacity),
		widget.NewFormItem("", p.duo), widget.NewFormItem("", p.active))
	p.content = container.NewVBox(title, form, container.NewHBox(p.save, p.run), p.report)
	return p
}

func (p *allocinePanel) refresh() {
	s := p.s
	s.u.background(func() func() {
		st, err := s.prog.Allocine(s.u.ctx)
		return func() {
			if err != nil {
				p.report.SetText(lang.L("Paramètres d'import indisponibles hors ligne."))
				return
			}
			p.show(st)
		}
	})
}

func (p *allocinePanel) show(st *allocine.Status) {
	if set := st.Settings; set != nil && !p.loaded {
		p.loaded = true
		p.theater.SetText(set.TheaterID)
		p.price.SetText(strings.TrimSuffix(app.FormatEuros(set.PriceCents), "\u00a0€"))
		p.capacity.SetText("")
		if set.Capacity != nil {
			p.capacity.SetText(strconv.Itoa(*set.Capacity))
		}
		p.duo.SetChecked(set.Duo)
		p.active.SetChecked(set.Active)
	}
	if st.LastImport != nil {
		p.report.SetText(reportText(st.LastImport, p.s.u.loc))
	}
}

func (p *allocinePanel) settings() (allocine.VenueSettings, error) {
	cents, err := parseEuros(p.price.Text)
	if err != nil {
		return allocine.VenueSettings{}, err
	}
	out := allocine.VenueSettings{TheaterID: strings.TrimSpace(p.theater.Text), PriceCents: cents, Duo: p.duo.Checked, Active: p.active.Checked}
	if c := strings.TrimSpace(p.capacity.Text); c != "" {
		n, err := strconv.Atoi(c)
		if err != nil || n < 0 {
			return out, app.FieldError("capacity", lang.L("Le nombre de places doit être un entier positif, ou vide pour illimité."))
		}
		out.Capacity = &n
	}
	return out, nil
}

func (p *allocinePanel) onSave() {
	s := p.s
	s.u.touchUnlock()
	set, err := p.settings()
	if err != nil {
		s.say(err, "")
		return
	}
	s.u.background(func() func() {
		err := s.prog.SetAllocine(s.u.ctx, set)
		return func() { s.say(err, lang.L("Paramètres d'import Allociné enregistrés.")) }
	})
}

func (p *allocinePanel) onRun() {
	s := p.s
	s.u.touchUnlock()
	p.run.Disable()
	p.report.SetText(lang.L("Synchronisation en cours…"))
	s.u.background(func() func() {
		run, err := s.prog.RunAllocine(s.u.ctx)
		return func() {
			p.run.Enable()
			if err != nil {
				p.report.SetText(lang.L("Synchronisation impossible."))
				s.say(err, "")
				return
			}
			p.report.SetText(reportText(run, s.u.loc))
			if run.OK {
				s.changed(lang.L("Synchronisation Allociné terminée."))
			} else {
				s.say(app.Errorf(app.EINVALID, lang.L("La synchronisation a échoué, rien n'a été modifié : %s"), tr(run.Report.Error)), "")
			}
		}
	})
}

// reportText is an import's report, translated.
func reportText(run *allocine.Run, loc *time.Location) string {
	var b strings.Builder
	at := run.At
	if t, err := time.Parse(time.RFC3339Nano, run.At); err == nil {
		at = t.In(loc).Format(lang.L("02/01/2006 à 15:04"))
	}
	r := run.Report
	if !run.OK {
		fmt.Fprintf(&b, lang.L("Dernier import le %s : échec, rien n'a été modifié (%s)."), at, tr(r.Error))
		return b.String()
	}
	fmt.Fprintf(&b, lang.L("Dernier import le %s : films %d créé(s), %d mis à jour ; séances %d créée(s), %d mise(s) à jour ; "+
		"%d ignorée(s), %d invalide(s)."), at, r.Offers.Created, r.Offers.Updated, r.Stocks.Created, r.Stocks.Updated,
		len(r.Skipped), len(r.Invalid))
	for _, sk := range r.Skipped {
		fmt.Fprintf(&b, "\n• "+lang.L("Ignoré : %s — %s %s"), sk.Title, tr(sk.Reason), sk.StartsAt)
	}
	for _, in := range r.Invalid {
		fmt.Fprintf(&b, "\n• "+lang.L("Invalide : %s — %s"), in.Title, tr(in.Error))
	}
	return b.String()
}

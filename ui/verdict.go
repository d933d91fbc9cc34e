package ui

import (
	"fmt"
	"image/color"
	"time"

	"fyne.io/fyne/v2/lang"

	"guichet/app"
	"guichet/counter"
)

// Verdict colours: green to let in, orange for "already validated", red for every refusal.
var (
	colorAdmitted = color.NRGBA{R: 0x1b, G: 0x7f, B: 0x3b, A: 0xff}
	colorUsed     = color.NRGBA{R: 0xe0, G: 0x6c, B: 0x00, A: 0xff}
	colorRefused  = color.NRGBA{R: 0xc6, G: 0x28, B: 0x28, A: 0xff}
	colorIdle     = color.NRGBA{R: 0x2b, G: 0x3a, B: 0x4a, A: 0xff}
)

// verdictView is what a verdict shows: a colour, a title and lines, translated.
type verdictView struct {
	Color   color.Color
	Title   string
	Lines   []string
	CanKeep bool // "Invalider" is offered
}

// describe turns a verdict into what the screen shows, in the venue's time zone.
func describe(v counter.Verdict, loc *time.Location) verdictView {
	b := v.Booking
	var out verdictView
	switch v.Code {
	case app.OutcomeAdmitted:
		out = verdictView{Color: colorAdmitted, Title: tr(app.MsgAdmitted)}
	case app.OutcomeAlreadyUsed:
		out = verdictView{Color: colorUsed, Title: lang.L("Déjà validée"), CanKeep: b != nil}
		if b != nil && !b.UsedAt.IsZero() {
			where := b.UsedByDevice
			if where == "" {
				where = b.UsedByKey
			}
			line := fmt.Sprintf(lang.L("Validée le %s"), b.UsedAt.In(loc).Format(lang.L("02/01/2006 à 15:04")))
			if where != "" {
				line = fmt.Sprintf(lang.L("Validée le %s sur « %s »"), b.UsedAt.In(loc).Format(lang.L("02/01/2006 à 15:04")), where)
			}
			out.Lines = append(out.Lines, line)
		}
	case app.OutcomeKept:
		out = verdictView{Color: colorUsed, Title: lang.L("Validation annulée"), Lines: []string{tr(v.Message)}}
	default:
		out = verdictView{Color: colorRefused, Title: lang.L("Entrée refusée"), Lines: []string{tr(v.Message)}}
	}
	if b != nil {
		film := b.OfferName
		if b.Version != "" {
			film = fmt.Sprintf("%s (%s)", b.OfferName, b.Version)
		}
		out.Lines = append(out.Lines, film)
		if !b.ShowStart.IsZero() {
			out.Lines = append(out.Lines, fmt.Sprintf(lang.L("Séance du %s"), b.ShowStart.In(loc).Format(lang.L("02/01/2006 à 15:04"))))
		}
		places := lang.L("1 place")
		if b.Quantity > 1 {
			places = fmt.Sprintf(lang.L("%d places (DUO)"), b.Quantity)
		}
		out.Lines = append(out.Lines, fmt.Sprintf("%s — %s %s", places, b.FirstName, b.LastName))
	}
	for _, w := range v.Warnings {
		out.Lines = append(out.Lines, tr(w))
	}
	if v.Code == app.OutcomeAdmitted {
		out.Lines = append(out.Lines, tr(app.MsgCheckIdentity))
	}
	if v.Duplicate {
		out.Lines = append(out.Lines, lang.L("Même code scanné à nouveau : verdict déjà donné, rien de plus n'est enregistré."))
	}
	if v.Offline {
		out.Lines = append(out.Lines, lang.L("(décision hors ligne : sera transmise au serveur)"))
	}
	return out
}

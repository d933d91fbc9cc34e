package ui

import (
	"fmt"
	"image/color"
	"time"

	"fyne.io/fyne/v2/lang"

	"guichet/app"
	"guichet/counter"
)

// Verdict colours, each with its symbol and word so that colour is never the only sign: green
// ✓ to let in, amber ! to look first, orange ↺ for "already validated", red ✗ for a refusal.
var (
	colorAdmitted  = color.NRGBA{R: 0x1b, G: 0x7f, B: 0x3b, A: 0xff}
	colorAttention = color.NRGBA{R: 0xb2, G: 0x6a, B: 0x00, A: 0xff}
	colorUsed      = color.NRGBA{R: 0x8a, G: 0x3f, B: 0x00, A: 0xff}
	colorRefused   = color.NRGBA{R: 0xc6, G: 0x28, B: 0x28, A: 0xff}
	colorKept      = color.NRGBA{R: 0x45, G: 0x5a, B: 0x6e, A: 0xff}
	colorIdle      = color.NRGBA{R: 0x2b, G: 0x3a, B: 0x4a, A: 0xff}
)

// attentionAhead is how far ahead a showtime makes an admission worth a look.
const attentionAhead = 30 * time.Minute

// verdictView is what a verdict shows: a colour, a symbol, a title and lines, translated.
type verdictView struct {
	Color   color.Color
	Symbol  Symbol
	Title   string
	Lines   []string
	Duo     bool // a big ×2
	CanKeep bool // "Invalider" is offered
	Confirm bool // Entrée validates anyway, Échap refuses
}

// describeOptions are the counter's display settings.
type describeOptions struct {
	now       time.Time
	hideNames bool
	door      map[int64]bool // the showtimes this door admits (empty: every one)
}

// describe turns a verdict into what the screen shows, in the venue's time zone.
func describe(v counter.Verdict, loc *time.Location, opt describeOptions) verdictView {
	b := v.Booking
	var out verdictView
	switch v.Code {
	case app.OutcomeAdmitted:
		out = verdictView{Color: colorAdmitted, Symbol: SymbolAdmitted, Title: tr(app.MsgAdmitted)}
		if b != nil && len(opt.door) > 0 && !opt.door[b.StockID] {
			out.Lines = append(out.Lines, fmt.Sprintf(lang.L("Séance de %s : pas admise à cette porte"), b.ShowStart.In(loc).Format("15:04")))
		} else if w := timingWarning(b, opt.now, loc); w != "" {
			out.Lines = append(out.Lines, w)
		}
		if len(out.Lines) > 0 || len(v.Warnings) > 0 {
			out.Color, out.Symbol = colorAttention, SymbolWarning
			out.Title = lang.L("Entrée validée — attention")
		}
	case counter.OutcomeConfirm:
		out = verdictView{Color: colorAttention, Symbol: SymbolWarning, Title: lang.L("Attention : autre jour"), Confirm: true,
			Lines: []string{tr(counter.MsgConfirm)}}
	case app.OutcomeAlreadyUsed:
		// A peer's validation (counter/lan) cannot be undone here: that counter holds it.
		out = verdictView{Color: colorUsed, Symbol: SymbolUndone, Title: lang.L("Déjà validée"), CanKeep: b != nil && v.PeerDevice == ""}
		switch {
		case b != nil && !b.UsedAt.IsZero():
			out.Lines = append(out.Lines, usedLine(b, opt.now, loc))
		case v.PeerDevice != "": // a countermark the copy lacks, admitted on a peer
			out.Lines = append(out.Lines, usedLine(&app.Booking{UsedAt: v.PeerAt, UsedByDevice: v.PeerDevice}, opt.now, loc))
		}
	case app.OutcomeKept:
		out = verdictView{Color: colorKept, Symbol: SymbolUndone, Title: lang.L("Validation annulée"), Lines: []string{tr(v.Message)}}
	default:
		out = verdictView{Color: colorRefused, Symbol: SymbolRefused, Title: lang.L("Entrée refusée"), Lines: []string{tr(v.Message)}}
	}
	if v.Signed && (v.Code == app.OutcomeAdmitted || out.Confirm) {
		// Issue 16: the copy lacked the booking, its QR code's signature vouched for it.
		out.Lines = append([]string{lang.L("Vérifié par signature")}, out.Lines...)
	}
	for _, w := range v.Warnings {
		out.Lines = append(out.Lines, tr(w))
	}
	if b != nil {
		out.Lines = append(out.Lines, bookingLines(b, loc, opt)...)
		out.Duo = b.Quantity > 1 && (v.Code == app.OutcomeAdmitted || v.Code == counter.OutcomeConfirm)
	}
	if v.Code == app.OutcomeAdmitted || out.Confirm {
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

// usedLine says when and where a countermark was validated: "il y a 3 min sur « Caisse 1 »".
// Where is the API key's label — the validator's identity, one key per counter — with the
// device name the counter sent as a detail: "Caisse 1 (poste-2)".
func usedLine(b *app.Booking, now time.Time, loc *time.Location) string {
	where := app.ValidatorName(b.UsedByKey, b.UsedByDevice)
	when := fmt.Sprintf(lang.L("le %s"), b.UsedAt.In(loc).Format(lang.L("02/01/2006 à 15:04")))
	if ago := now.Sub(b.UsedAt); ago >= 0 && ago < 12*time.Hour {
		if ago < time.Minute {
			when = lang.L("il y a moins d'une minute")
		} else if ago < time.Hour {
			when = fmt.Sprintf(lang.L("il y a %d min"), int(ago/time.Minute))
		} else {
			when = fmt.Sprintf(lang.L("il y a %d h %02d"), int(ago/time.Hour), int(ago%time.Hour/time.Minute))
		}
	}
	if where == "" {
		return fmt.Sprintf(lang.L("Validée %s"), when)
	}
	return fmt.Sprintf(lang.L("Validée %s sur « %s »"), when, where)
}

// timingWarning flags an admission for a showtime of today more than 30 minutes away or over.
func timingWarning(b *app.Booking, now time.Time, loc *time.Location) string {
	if b == nil || b.ShowStart.IsZero() || now.IsZero() {
		return ""
	}
	start := b.ShowStart.In(loc)
	if start.Format(time.DateOnly) != now.In(loc).Format(time.DateOnly) {
		return "" // another day: the domain's warning says so
	}
	minutes := b.OfferMinutes
	if minutes <= 0 {
		minutes = 120
	}
	switch {
	case start.Sub(now) > attentionAhead:
		return fmt.Sprintf(lang.L("Séance de %s : dans %d min"), start.Format("15:04"), int(start.Sub(now)/time.Minute))
	case now.After(start.Add(time.Duration(minutes) * time.Minute)):
		return fmt.Sprintf(lang.L("Séance de %s terminée"), start.Format("15:04"))
	}
	return ""
}

// bookingLines are the film, showtime, places, price and (unless hidden) the beneficiary.
func bookingLines(b *app.Booking, loc *time.Location, opt describeOptions) []string {
	var out []string
	film := b.OfferName
	if b.Version != "" {
		film = fmt.Sprintf("%s (%s)", b.OfferName, b.Version)
	}
	out = append(out, film)
	if !b.ShowStart.IsZero() {
		out = append(out, fmt.Sprintf(lang.L("Séance du %s"), b.ShowStart.In(loc).Format(lang.L("02/01/2006 à 15:04"))))
	}
	places := lang.L("1 place")
	if b.Quantity > 1 {
		places = fmt.Sprintf(lang.L("%d places (DUO)"), b.Quantity)
	}
	if b.UnitPriceCents > 0 || b.PriceLabel != "" {
		price := app.FormatEuros(b.UnitPriceCents)
		if b.PriceLabel != "" {
			price = fmt.Sprintf(lang.L("%s (%s)"), price, b.PriceLabel)
		}
		places = fmt.Sprintf(lang.L("%s à %s"), places, price)
	}
	if opt.hideNames {
		out = append(out, places)
	} else {
		out = append(out, fmt.Sprintf("%s — %s %s", places, b.FirstName, b.LastName))
	}
	return out
}

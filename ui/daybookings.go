package ui

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"guichet/app"
)

// showDayBookings lists the day's bookings from the counter's copy and offers a CSV export.
func (u *UI) showDayBookings() {
	day := u.now()
	u.background(func() func() {
		list, err := u.counter.DayBookings(u.ctx, day)
		return func() {
			if err != nil {
				dialog.ShowError(err, u.win)
				return
			}
			lines := make([]string, len(list))
			for i, b := range list {
				lines[i] = fmt.Sprintf("%s  %s  %s (%s)  %s %s  %s", b.ShowStart.In(u.loc).Format("15:04"), b.Token, b.OfferName,
					b.Version, b.FirstName, b.LastName, statusWord(b.Status))
			}
			text := widget.NewLabel(strings.Join(lines, "\n"))
			export := widget.NewButton(lang.L("Exporter en CSV…"), func() { u.exportDayBookings(list, day) })
			content := container.NewBorder(widget.NewLabel(fmt.Sprintf(lang.L("%d réservation(s) pour les séances du %s"), len(list),
				day.In(u.loc).Format("02/01/2006"))), export, nil, nil, container.NewVScroll(text))
			d := dialog.NewCustom(lang.L("Réservations du jour"), lang.L("Fermer"), content, u.win)
			d.Resize(fyne.NewSize(760, 520))
			d.Show()
		}
	})
}

// exportDayBookings asks where to save the CSV and writes it off the UI goroutine.
func (u *UI) exportDayBookings(list []app.Booking, day time.Time) {
	data := dayBookingsCSV(list, u.loc)
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		u.background(func() func() {
			_, werr := w.Write(data)
			if cerr := w.Close(); werr == nil {
				werr = cerr
			}
			return func() {
				if werr != nil {
					dialog.ShowError(werr, u.win)
				}
			}
		})
	}, u.win)
	d.SetFileName("reservations-" + day.In(u.loc).Format(time.DateOnly) + ".csv")
	d.Show()
}

// dayBookingsCSV writes the bookings as a CSV for a spreadsheet (semicolons, as French
// spreadsheets expect; UTF-8 with its byte-order mark so that accents open right).
func dayBookingsCSV(list []app.Booking, loc *time.Location) []byte {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	w.Comma = ';'
	_ = w.Write([]string{lang.L("Contremarque"), lang.L("Film"), lang.L("Version"), lang.L("Séance"), lang.L("Places"),
		lang.L("Prix unitaire"), lang.L("Statut"), lang.L("Nom"), lang.L("Prénom"), lang.L("Validée le"), lang.L("Poste")})
	for _, b := range list {
		used := ""
		if !b.UsedAt.IsZero() {
			used = b.UsedAt.In(loc).Format("02/01/2006 15:04")
		}
		_ = w.Write([]string{b.Token, b.OfferName, b.Version, b.ShowStart.In(loc).Format("02/01/2006 15:04"), strconv.Itoa(b.Quantity),
			app.FormatDecimalPlain(b.UnitPriceCents), statusWord(b.Status), b.LastName, b.FirstName, used, app.ValidatorName(b.UsedByKey, b.UsedByDevice)})
	}
	w.Flush()
	return buf.Bytes()
}

// statusWord names a booking's status.
func statusWord(s app.BookingStatus) string {
	switch s {
	case app.StatusUsed:
		return lang.L("validée")
	case app.StatusCancelled:
		return lang.L("annulée")
	case app.StatusReimbursed:
		return lang.L("remboursée")
	default:
		return lang.L("à valider")
	}
}

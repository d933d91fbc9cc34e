package payouts

import (
	"fmt"
	"io"
	"sort"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"

	"guichet/app"
)

// RateRow is one line of a statement's table by rate.
type RateRow struct {
	Rate            app.Rate
	BookingCents    int64 // validated bookings
	ContribCents    int64 // the offerer's contribution: bookings − reimbursed
	ReimbursedCents int64
}

// VenueRow is one line of a statement's table by venue.
type VenueRow struct {
	Name, SIRET     string
	BookingCents    int64
	ReimbursedCents int64
}

// Totals sums lines by rate and by venue.
func Totals(d Document) ([]RateRow, []VenueRow) {
	rates := map[app.Rate]*RateRow{}
	venues := map[string]*VenueRow{}
	for _, l := range d.Lines {
		r := rates[l.Rate]
		if r == nil {
			r = &RateRow{Rate: l.Rate}
			rates[l.Rate] = r
		}
		r.BookingCents += l.AmountCents
		r.ReimbursedCents += l.ReimbursedCents
		r.ContribCents += l.AmountCents - l.ReimbursedCents
		v := venues[l.VenueSIRET]
		if v == nil {
			v = &VenueRow{Name: l.VenueName, SIRET: l.VenueSIRET}
			venues[l.VenueSIRET] = v
		}
		v.BookingCents += l.AmountCents
		v.ReimbursedCents += l.ReimbursedCents
	}
	var rr []RateRow
	for _, r := range rates {
		rr = append(rr, *r)
	}
	sort.Slice(rr, func(i, j int) bool { return rr[i].Rate > rr[j].Rate })
	var vr []VenueRow
	for _, v := range venues {
		vr = append(vr, *v)
	}
	sort.Slice(vr, func(i, j int) bool { return vr[i].SIRET < vr[j].SIRET })
	return rr, vr
}

func date(t interface{ Format(string) string }) string { return t.Format("02/01/2006") }

// WritePDF writes the "Justificatif de remboursement" of a statement: the period, the table by
// rate (subtotal and total), the transfer and the table by venue. The Go fonts are embedded so
// that accents render in every viewer.
func WritePDF(w io.Writer, d Document) error {
	st := d.Statement
	p := fpdf.New("P", "mm", "A4", "")
	p.SetTitle("Justificatif de remboursement "+st.Reference, true)
	p.SetCreator("Guichet", true)
	p.AddUTF8FontFromBytes("go", "", goregular.TTF)
	p.AddUTF8FontFromBytes("go", "B", gobold.TTF)
	p.SetMargins(15, 15, 15)
	p.AddPage()

	p.SetFont("go", "B", 18)
	p.CellFormat(0, 10, "Justificatif de remboursement", "", 1, "L", false, 0, "")
	p.SetFont("go", "", 10)
	p.CellFormat(0, 6, fmt.Sprintf("%s — SIREN %s", d.OffererName, d.OffererSIREN), "", 1, "L", false, 0, "")
	p.CellFormat(0, 6, fmt.Sprintf("N° du justificatif : %s    Date : %s", st.Reference, date(st.CutDay.In(paris))), "", 1, "L", false, 0, "")
	first, last := app.FortnightPeriod(st.CutDay.In(paris), paris)
	p.CellFormat(0, 6, fmt.Sprintf("Remboursement des réservations validées entre le %s et le %s", date(first), date(last)), "", 1, "L", false, 0, "")
	p.Ln(4)

	rates, venues := Totals(d)
	header := func(cols []string, widths []float64) {
		p.SetFont("go", "B", 8.5)
		p.SetFillColor(230, 230, 240)
		for i, c := range cols {
			p.CellFormat(widths[i], 9, c, "1", 0, "C", true, 0, "")
		}
		p.Ln(-1)
		p.SetFont("go", "", 9)
	}
	row := func(cells []string, widths []float64, bold bool) {
		if bold {
			p.SetFont("go", "B", 9)
		}
		for i, c := range cells {
			align := "R"
			if i == 0 {
				align = "L"
			}
			p.CellFormat(widths[i], 7, c, "1", 0, align, false, 0, "")
		}
		p.Ln(-1)
		p.SetFont("go", "", 9)
	}

	p.SetFont("go", "B", 12)
	p.CellFormat(0, 8, "Détail des remboursements par barème", "", 1, "L", false, 0, "")
	rw := []float64{48, 36, 30, 31, 35}
	header([]string{"Barème", "Réservations validées", "Contribution offreur", "Montant contribution", "Montant remboursé"}, rw)
	var tot RateRow
	for _, r := range rates {
		row([]string{r.Rate.String(), app.FormatEuros(r.BookingCents), (app.Rate100 - r.Rate).String(),
			app.FormatEuros(r.ContribCents), app.FormatEuros(r.ReimbursedCents)}, rw, false)
		tot.BookingCents += r.BookingCents
		tot.ContribCents += r.ContribCents
		tot.ReimbursedCents += r.ReimbursedCents
	}
	row([]string{"Sous-total offre grand public", app.FormatEuros(tot.BookingCents), "", app.FormatEuros(tot.ContribCents),
		app.FormatEuros(tot.ReimbursedCents)}, rw, true)
	row([]string{"Total", app.FormatEuros(tot.BookingCents), "", app.FormatEuros(tot.ContribCents), app.FormatEuros(tot.ReimbursedCents)}, rw, true)
	p.Ln(5)

	p.SetFont("go", "B", 12)
	p.CellFormat(0, 8, "Virement", "", 1, "L", false, 0, "")
	tw := []float64{45, 135}
	for _, kv := range [][2]string{
		{"Compte bancaire", st.AccountLabel},
		{"IBAN", app.FormatIBAN(st.IBAN)},
		{"BIC", st.BIC},
		{"N° de virement", st.BatchLabel},
		{"Date du virement", date(st.CutDay.In(paris))},
		{"Montant du virement", app.FormatEuros(st.AmountCents)},
	} {
		p.SetFont("go", "B", 9)
		p.CellFormat(tw[0], 7, kv[0], "1", 0, "L", false, 0, "")
		p.SetFont("go", "", 9)
		p.CellFormat(tw[1], 7, kv[1], "1", 1, "L", false, 0, "")
	}
	p.Ln(5)

	p.SetFont("go", "B", 12)
	p.CellFormat(0, 8, "Détail par lieu", "", 1, "L", false, 0, "")
	vw := []float64{65, 35, 40, 40}
	header([]string{"Lieu", "SIRET", "Réservations validées", "Montant remboursé"}, vw)
	for _, v := range venues {
		row([]string{v.Name, v.SIRET, app.FormatEuros(v.BookingCents), app.FormatEuros(v.ReimbursedCents)}, vw, false)
	}
	p.Ln(4)
	p.SetFont("go", "", 8)
	p.MultiCell(0, 4.5, fmt.Sprintf("%d réservation(s). Le détail réservation par réservation figure dans l'export CSV du justificatif %s. "+
		"pass Culture ne prélève aucune commission.", len(d.Lines), st.Reference), "", "L", false)
	return p.Output(w)
}

// Package payouts renders the documents of pass Culture's reimbursements from the store's
// statements: the booking-details CSV and the PDF "Justificatif de remboursement". It does no
// I/O besides writing to the given writer.
package payouts

import (
	"encoding/csv"
	"io"
	"time"

	"guichet/app"
	"guichet/sync/store"
)

// Document is one statement with what its documents show.
type Document struct {
	Statement    store.Statement
	Lines        []store.StatementLine
	OffererName  string
	OffererSIREN string
}

// CSVColumns are the columns of the booking-details CSV, in domain.md's order.
var CSVColumns = []string{
	"Réservations concernées par le remboursement", "Date du justificatif", "N° du justificatif", "N° de virement",
	"Intitulé du compte bancaire", "IBAN", "SIRET de la structure", "Raison sociale de la structure", "Nom de l'offre",
	"Adresse de l'offre", "N° de réservation (offre collective)", "Nom (offre collective)", "Prénom (offre collective)",
	"Nom de l'établissement (offre collective)", "Date de l'évènement (offre collective)", "Contremarque",
	"Date de validation de la réservation", "Intitulé du tarif", "Montant de la réservation", "Barème", "Montant remboursé",
	"Type d'offre",
}

var paris = func() *time.Location {
	l, err := time.LoadLocation(app.DefaultTimezone)
	if err != nil {
		return time.UTC
	}
	return l
}()

// WriteCSV writes the booking-details CSV of a statement: UTF-8 with a BOM, ';' separators,
// CRLF line ends, one line per booking, amounts with a decimal comma.
func WriteCSV(w io.Writer, d Document) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.UseCRLF = true
	if err := cw.Write(CSVColumns); err != nil {
		return err
	}
	st := d.Statement
	period := app.FortnightLabel(st.CutDay.In(paris))
	for _, l := range d.Lines {
		if err := cw.Write([]string{
			period, st.CutDay.In(paris).Format(time.DateOnly), st.Reference, st.BatchLabel,
			st.AccountLabel, st.IBAN, l.VenueSIRET, l.VenueName, l.OfferName,
			l.VenueAddress, "", "", "",
			"", "", l.Token,
			l.UsedAt.In(paris).Format(time.DateTime), l.PriceLabel, app.FormatDecimalPlain(l.AmountCents), l.Rate.String(),
			app.FormatDecimalPlain(l.ReimbursedCents),
			"offre grand public",
		}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

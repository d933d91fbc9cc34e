// Package payouts renders the documents of pass Culture's reimbursements from the store's
// statements: the booking-details CSV and the PDF "Justificatif de remboursement". It does no
// I/O besides writing to the given writer.
package payouts

import (
	"io"
	"strings"
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

// WriteCSV writes the booking-details CSV of a statement as pass Culture exports it: UTF-8 with
// a BOM, ';' separators, every field quoted (quotes doubled inside), CRLF line ends, one line per
// booking, amounts with a decimal comma, the address as "street postal code city" and the
// validation date in the venue's time zone.
func WriteCSV(w io.Writer, d Document) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	if err := writeQuoted(w, CSVColumns); err != nil {
		return err
	}
	st := d.Statement
	period := app.FortnightLabel(st.CutDay.In(paris))
	for _, l := range d.Lines {
		if err := writeQuoted(w, []string{
			period, st.CutDay.In(paris).Format(time.DateOnly), st.Reference, st.BatchLabel,
			st.AccountLabel, st.IBAN, l.VenueSIRET, l.VenueName, l.OfferName,
			oneLineAddress(l), "", "", "",
			"", "", l.Token,
			l.UsedAt.In(app.Location(l.VenueTimezone)).Format(time.DateTime), l.PriceLabel, app.FormatDecimalPlain(l.AmountCents),
			l.Rate.String(), app.FormatDecimalPlain(l.ReimbursedCents),
			"offre grand public",
		}); err != nil {
			return err
		}
	}
	return nil
}

// writeQuoted writes one CSV record with every field quoted, as Python's csv.QUOTE_ALL.
func writeQuoted(w io.Writer, fields []string) error {
	var b strings.Builder
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteByte('"')
		b.WriteString(strings.ReplaceAll(f, `"`, `""`))
		b.WriteByte('"')
	}
	b.WriteString("\r\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// oneLineAddress is the venue's address as pass Culture's export writes it: "street postal city".
func oneLineAddress(l store.StatementLine) string {
	var parts []string
	for _, p := range []string{l.VenueAddress, l.VenuePostal, l.VenueCity} {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " ")
}

// Package notify sends the e-mails of the notification outbox: to a venue's booking address on
// each booking and cancellation, and to the beneficiary (countermark and QR code). Messages are
// built with go-mail and delivered over SMTP, or written as .eml files into a folder when no
// SMTP server is configured. A Worker drains the outbox with retries and back-off.
package notify

import (
	"bytes"
	"fmt"
	"html/template"
	"net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"guichet/app"
	"guichet/sync/store"
)

// field is one labelled line of a message.
type field struct{ Label, Value string }

// content is what a message says, rendered to text and HTML.
type content struct {
	Subject string
	Title   string
	Intro   string
	Fields  []field
	Outro   string
	QR      bool // embed the QR code image (cid:qrcode.png)
}

// ErrBadAddress marks a recipient that can never be delivered: the row fails for good.
type ErrBadAddress struct{ Address string }

func (e *ErrBadAddress) Error() string { return fmt.Sprintf("malformed address %q", e.Address) }

// When formats a showtime in the venue's time zone: "01/12/2026 à 20:45".
func When(t time.Time, loc *time.Location) string { return t.In(loc).Format("02/01/2006 à 15:04") }

// Price is the unit price as shown to people: "7,50 €" or "Gratuit".
func Price(cents int64) string {
	if cents == 0 {
		return "Gratuit"
	}
	return app.FormatEuros(cents)
}

func reasonText(r app.CancellationReason) string {
	switch r {
	case app.CancelledByBeneficiary:
		return "par le bénéficiaire"
	case app.CancelledByOfferer:
		return "par le lieu"
	case app.CancelledByExpiry:
		return "automatiquement (expiration)"
	}
	return ""
}

// compose says what the notification n of booking b says.
func compose(n *store.Notification, b *app.Booking, loc *time.Location, payload string) content {
	when := When(b.ShowStart, loc)
	if n.Audience == store.AudienceVenue {
		c := content{Fields: []field{
			{"Contremarque", b.Token}, {"Offre", b.OfferName}, {"Date et heure", when}, {"Prix unitaire", Price(b.UnitPriceCents)},
			{"Quantité", fmt.Sprint(b.Quantity)}, {"Lieu", b.VenueName}, {"Version", b.Version},
			{"E-mail du bénéficiaire", b.Email}, {"Prénom", b.FirstName}, {"Nom", b.LastName}, {"Téléphone", b.Phone},
		}}
		if n.Event == store.EventBooked {
			c.Subject = fmt.Sprintf("Nouvelle réservation pour %s - %s", b.OfferName, when)
			c.Title = "Nouvelle réservation pass Culture"
			c.Intro = fmt.Sprintf("%s %s vient de réserver « %s ».", b.FirstName, b.LastName, b.OfferName)
			c.Outro = "Vérifiez la pièce d'identité du bénéficiaire avant de valider la contremarque. Répondez à ce message pour écrire au bénéficiaire."
		} else {
			c.Subject = fmt.Sprintf("Réservation annulée pour %s - %s", b.OfferName, when)
			c.Title = "Annulation d'une réservation pass Culture"
			c.Intro = fmt.Sprintf("La réservation %s de %s %s a été annulée %s.", b.Token, b.FirstName, b.LastName, reasonText(n.Reason))
			c.Outro = "Les places sont de nouveau disponibles."
		}
		return c
	}
	fields := []field{{"Contremarque", b.Token}, {"Offre", b.OfferName}, {"Date et heure", when},
		{"Lieu", b.VenueName + ", " + b.FullAddress()}, {"Quantité", fmt.Sprint(b.Quantity)},
		{"Prix unitaire", Price(b.UnitPriceCents)}, {"Version", b.Version}}
	if n.Event == store.EventBooked {
		c := content{Subject: fmt.Sprintf("Votre réservation pour %s est confirmée", b.OfferName),
			Title: "Votre réservation est confirmée", QR: true,
			Intro:  fmt.Sprintf("Bonjour %s, présentez ce QR code ou la contremarque %s à l'entrée.", b.FirstName, b.Token),
			Fields: append(fields, field{"Code QR", payload}),
			Outro:  "Munissez-vous d'une pièce d'identité."}
		if !b.CancellationLimit.IsZero() && b.CancellationLimit.After(b.BookedAt) {
			c.Outro += fmt.Sprintf(" Vous pouvez annuler cette réservation jusqu'au %s.", When(b.CancellationLimit, loc))
		} else {
			c.Outro += " Cette réservation n'est pas annulable."
		}
		return c
	}
	return content{Subject: fmt.Sprintf("Votre réservation pour %s a été annulée", b.OfferName),
		Title:  "Votre réservation a été annulée",
		Intro:  fmt.Sprintf("Bonjour %s, votre réservation %s a été annulée %s.", b.FirstName, b.Token, reasonText(n.Reason)),
		Fields: fields, Outro: "Le montant de la réservation a été recrédité sur votre pass."}
}

var htmlTmpl = template.Must(template.New("mail").Parse(`<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family: sans-serif">
<h1>{{.Title}}</h1>
<p>{{.Intro}}</p>
{{if .QR}}<p><img src="cid:qrcode.png" alt="QR code de la contremarque" width="300" height="300"></p>{{end}}
<table>
{{range .Fields}}<tr><th align="left">{{.Label}}</th><td>{{.Value}}</td></tr>
{{end}}</table>
<p>{{.Outro}}</p>
</body></html>
`))

func (c content) text() string {
	var b strings.Builder
	b.WriteString(c.Title + "\n\n" + c.Intro + "\n\n")
	for _, f := range c.Fields {
		b.WriteString(f.Label + " : " + f.Value + "\n")
	}
	b.WriteString("\n" + c.Outro + "\n")
	return b.String()
}

// MessageID is the deterministic Message-ID of an outbox row: a resend of the same row (after
// a crash between delivery and bookkeeping) carries the same id, so it can be deduplicated.
func MessageID(rowID int64, domain string) string {
	return fmt.Sprintf("guichet-outbox-%d@%s", rowID, domain)
}

// Build renders the e-mail of outbox row n about booking b, from the address from, with the
// plain QR payload.
func Build(n *store.Notification, b *app.Booking, loc *time.Location, from string, now time.Time) (*gomail.Msg, error) {
	return BuildSigned(n, b, loc, from, now, "PASSCULTURE:v3;TOKEN:"+b.Token)
}

// BuildSigned is Build with the QR payload to show and draw (a signed ticket, issue 16).
func BuildSigned(n *store.Notification, b *app.Booking, loc *time.Location, from string, now time.Time, payload string) (*gomail.Msg, error) {
	to, err := mail.ParseAddress(n.Recipient)
	if err != nil || !app.ValidEmail(to.Address) || to.Address != strings.TrimSpace(n.Recipient) {
		return nil, &ErrBadAddress{Address: n.Recipient}
	}
	c := compose(n, b, loc, payload)
	m := gomail.NewMsg()
	if err := m.From(from); err != nil {
		return nil, fmt.Errorf("from address: %w", err)
	}
	if err := m.To(to.Address); err != nil {
		return nil, &ErrBadAddress{Address: n.Recipient}
	}
	if n.Audience == store.AudienceVenue && app.ValidEmail(b.Email) {
		if err := m.ReplyToFormat(b.FirstName+" "+b.LastName, b.Email); err != nil {
			return nil, fmt.Errorf("reply-to: %w", err)
		}
	}
	domain := "guichet.local"
	if at := strings.LastIndexByte(from, '@'); at >= 0 {
		domain = strings.Trim(from[at+1:], "> ")
	}
	m.SetMessageIDWithValue(MessageID(n.ID, domain))
	m.SetDateWithValue(now)
	m.SetGenHeader("X-Guichet-Event", n.Event)
	m.Subject(c.Subject)
	m.SetBodyString(gomail.TypeTextPlain, c.text())
	var html bytes.Buffer
	if err := htmlTmpl.Execute(&html, c); err != nil {
		return nil, fmt.Errorf("render html: %w", err)
	}
	m.AddAlternativeString(gomail.TypeTextHTML, html.String())
	if c.QR {
		png, err := QRPNG(payload, 300) // 5–6 px a module for a signed ticket (41–45 modules + quiet zone)
		if err != nil {
			return nil, err
		}
		if err := m.EmbedReader("qrcode.png", bytes.NewReader(png), gomail.WithFileContentType(gomail.ContentType("image/png")),
			gomail.WithFileContentID("<qrcode.png>")); err != nil {
			return nil, fmt.Errorf("embed qr: %w", err)
		}
	}
	return m, nil
}

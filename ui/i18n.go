package ui

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"guichet/app"
	"guichet/assets"
	"guichet/counter"
)

// The interface is written in French: every user-visible string goes through Fyne's lang
// package with its French text as the key (assets/translations/fr.json and en.json).

// layoutDateTime is how the domain writes a date and time in its messages ("01/12/2026 à 20:45").
const layoutDateTime = "02/01/2006 à 15:04"

// formattedMessages are the messages built from a format (%s and %d verbs) that the counter shows:
// the domain's, the sync client's and the counter engine's. tr finds their arguments in the
// French text and puts them, translated in turn, into the translated format.
var formattedMessages = []string{app.MsgNotYetUsable, app.MsgShowtimeWarning,
	"Serveur injoignable : %s",
	"Clé d'API refusée par le serveur : %s",
	"Le serveur a répondu %d.",
	"Entrée validée hors ligne, mais le serveur n'a pas pu valider la contremarque : %s",
	"Enregistrement impossible : %s Ne laissez pas entrer sans vérifier, et prévenez un responsable.",
	counter.MsgKeyRevokedStop}

// tr translates a message the domain or the server wrote in French (app.Msg* constants, verdict
// and error messages) at display time: its French text is the key. A message with no
// translation (pass Culture's wording on a French system, an unknown server message) shows as is.
func tr(msg string) string {
	if msg == "" || strings.Contains(msg, "{{") { // not a template: shown as received
		return msg
	}
	for _, format := range formattedMessages {
		if args, ok := matchFormat(format, msg); ok {
			vals := make([]any, len(args))
			for i, a := range args {
				if t, err := time.Parse(layoutDateTime, a); err == nil {
					vals[i] = t.Format(lang.L("02/01/2006 à 15:04"))
				} else {
					vals[i] = tr(a) // shorter than msg: this ends
				}
			}
			return fmt.Sprintf(strings.ReplaceAll(lang.L(format), "%d", "%s"), vals...) // numbers as found
		}
	}
	if !translationKeys()[msg] {
		return msg // lang would log a failure for every message it does not know
	}
	return lang.L(msg)
}

// translationKeys are the keys of the translation files (the same in every language).
var translationKeys = sync.OnceValue(func() map[string]bool {
	keys := map[string]bool{}
	data, err := assets.Translations.ReadFile("translations/fr.json")
	if err == nil {
		var m map[string]string
		err = json.Unmarshal(data, &m)
		for k := range m {
			keys[k] = true
		}
	}
	if err != nil {
		fyne.LogError("read the translation keys", err)
	}
	return keys
})

// trErr is the translated user-facing message of an error (app.ErrorMessage).
func trErr(err error) string { return tr(app.ErrorMessage(err)) }

// matchFormat returns the arguments of msg when it was written by format (with %s and %d verbs only).
func matchFormat(format, msg string) ([]string, bool) {
	parts := strings.Split(strings.ReplaceAll(format, "%d", "%s"), "%s")
	if len(parts) < 2 || !strings.HasPrefix(msg, parts[0]) {
		return nil, false
	}
	rest := msg[len(parts[0]):]
	var args []string
	for i, p := range parts[1:] {
		var at int
		if i == len(parts)-2 { // the last literal ends the message
			if !strings.HasSuffix(rest, p) {
				return nil, false
			}
			at = len(rest) - len(p)
		} else if at = strings.Index(rest, p); at < 0 || p == "" {
			return nil, false
		}
		args = append(args, rest[:at])
		rest = rest[at+len(p):]
	}
	return args, true
}

// weekdayName is the translated name of a day of the week ("lundi").
func weekdayName(d time.Weekday) string {
	return [...]string{lang.L("dimanche"), lang.L("lundi"), lang.L("mardi"), lang.L("mercredi"), lang.L("jeudi"),
		lang.L("vendredi"), lang.L("samedi")}[d]
}

// monthName is the translated name of a month ("janvier").
func monthName(m time.Month) string {
	return [...]string{lang.L("janvier"), lang.L("février"), lang.L("mars"), lang.L("avril"), lang.L("mai"), lang.L("juin"),
		lang.L("juillet"), lang.L("août"), lang.L("septembre"), lang.L("octobre"), lang.L("novembre"),
		lang.L("décembre")}[m-1]
}

// longDate writes a day in words: "lundi 1 décembre 2026".
func longDate(t time.Time) string {
	return fmt.Sprintf(lang.L("%[1]s %[2]d %[3]s %[4]d"), weekdayName(t.Weekday()), t.Day(), monthName(t.Month()), t.Year())
}

package ui

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"guichet/app"
	"guichet/assets"
	"guichet/counter"
)

// childLang names the system language of TestScreens_Child: the translations are loaded once
// per process (Fyne's lang package is global), so each language runs in a process of its own.
const childLang = "GUICHET_I18N_CHILD"

// TestScreens_Languages opens every screen with the app's translations on an English and on a
// French system (LANG, as the app reads it) and checks what they draw: English only on the
// first, French on the second, and no key missing at run time (Fyne logs "Translation failure").
func TestScreens_Languages(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("a Windows program takes its language from the user's Windows settings, not LANG: " +
			"make test-windows starts the installed app on a French and on an English Wine instead")
	}
	for _, l := range []string{"en_US.UTF-8", "fr_FR.UTF-8"} {
		t.Run(l, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestScreens_Child$", "-test.count=1", "-test.v")
			var env []string
			for _, e := range os.Environ() {
				if !strings.HasPrefix(e, "LANG=") && !strings.HasPrefix(e, "LANGUAGE=") && !strings.HasPrefix(e, "LC_") {
					env = append(env, e)
				}
			}
			cmd.Env = append(env, "LANG="+l, childLang+"="+l)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("screens in %s: %v\n%s", l, err, out)
			}
			if !strings.Contains(string(out), "--- PASS: TestScreens_Child") {
				t.Fatalf("the child test did not run:\n%s", out)
			}
			if strings.Contains(string(out), "Translation failure") {
				t.Errorf("a key is missing at run time in %s:\n%s", l, out)
			}
		})
	}
}

// testData are names, shown as they are: the fake data's venue, cashier, device and films,
// Allociné, and the system's error text.
var testData = []string{"Le Méliès", "Léa Martin", "Léa", "caisse-1", "Ciné", "Parasite", "Intouchables", "Allociné", "connection refused"}

// frenchWords are words an English screen never shows.
var frenchWords = regexp.MustCompile(`(?i)(^|[^\p{L}])(le|la|les|des|du|une|est|pas|sur|avec|pour|aucun|aucune|séance|séances|` +
	`réservation|réservations|contremarque|entrée|caméra|réglages|caisse|hors|ligne|validée|annulée|à|jauge|places|lieu|clé)([^\p{L}]|$)`)

// TestScreens_Child is run by TestScreens_Languages.
func TestScreens_Child(t *testing.T) {
	want := os.Getenv(childLang)
	if want == "" {
		t.Skip("run by TestScreens_Languages in a process of its own")
	}
	if err := lang.AddTranslationsFS(assets.Translations, "translations"); err != nil {
		t.Fatal(err)
	}
	english := strings.HasPrefix(want, "en")
	shown := allScreens(t)
	text := strings.Join(shown, " ") // a long line is cut into several texts
	if english {
		for _, s := range []string{"Ready to scan", "Counter", "Settings", "Entry validated", "Already validated",
			"This countermark was not found", "You can validate this countermark from 01/12/2026 at 20:00",
			"Note: upcoming showtime, on 01/12/2026 at 20:45 — not today", "Offline", "Server unreachable: connection refused",
			"Undo countermark USED22", "Pair this counter", "Reimbursements", "Wednesday 16 December 2026", "Showtimes on Friday",
			"Validation refused", "Admitted offline, but the server could not validate the countermark: This booking has been cancelled",
			"1 booking(s)", "validated"} {
			if !strings.Contains(text, s) {
				t.Errorf("English screens lack %q", s)
			}
		}
		for _, s := range shown {
			clean := s
			for _, d := range testData {
				clean = strings.ReplaceAll(clean, d, "")
			}
			if m := frenchWords.FindString(clean); m != "" || strings.ContainsAny(clean, "éèêàâçôûùîœ«»") {
				t.Errorf("French on an English screen (%q): %q", strings.TrimSpace(m), s)
			}
		}
		for in, want := range map[string]string{
			"Le serveur a répondu 502.":                              "The server answered 502.",
			"Clé d'API refusée par le serveur : Clé d'API inconnue.": "API key refused by the server: Unknown API key.",
			"Enregistrement impossible : Erreur interne. Ne laissez pas entrer sans vérifier, et prévenez un responsable.": "Could not record: Internal error. Do not let in without checking, and tell a manager.",
			"Un message que personne ne traduit": "Un message que personne ne traduit", // shown as received
			"":                                   "",
		} {
			if got := tr(in); got != want {
				t.Errorf("tr(%q) = %q, want %q", in, got, want)
			}
		}
		var french []string
		for k, v := range loadTranslations(t, "en") {
			if k != v {
				french = append(french, k)
			}
		}
		for _, l := range leaks(shown, french) {
			t.Errorf("untranslated French on an English screen: %s", l)
		}
		return
	}
	var inEnglish []string
	for k, v := range loadTranslations(t, "en") {
		if k != v {
			inEnglish = append(inEnglish, v)
		}
	}
	for _, l := range leaks(shown, inEnglish) {
		t.Errorf("English on a French screen: %s", l)
	}
	for _, s := range []string{"Prêt à scanner", "Caisse", "Réglages", "Entrée validée", "Déjà validée",
		"Vous pourrez valider cette contremarque à partir du 01/12/2026 à 20:00", "Hors ligne",
		"Serveur injoignable : connection refused", "Invalider la contremarque USED22", "Associer ce poste",
		"Remboursements", "mercredi 16 décembre 2026",
		"Validation refusée", "1 réservation(s)"} {
		if !strings.Contains(text, s) {
			t.Errorf("French screens lack %q", s)
		}
	}
	for _, s := range []string{"Ready to scan", "Settings", "Counter", "Showtime", "Validated", "Online", "Offline", "Search"} {
		if strings.Contains(text, s) {
			t.Errorf("English %q on a French screen", s)
		}
	}
}

// leaks returns the texts drawn that contain one of the other language's strings (the words
// between a format's verbs; a single word must stand as a word).
func leaks(shown, other []string) []string {
	var out []string
	for _, o := range other {
		chunks := verbRe.Split(o, -1)
		for _, chunk := range chunks {
			chunk = strings.TrimSpace(strings.Trim(chunk, " —:;,.()«»“”"))
			single := !strings.ContainsAny(chunk, " '’")
			if len([]rune(chunk)) < 3 || !strings.ContainsFunc(chunk, unicode.IsLetter) || single && len(chunks) > 1 {
				continue // a lone word between verbs may be either language's
			}
			for _, s := range shown {
				for _, d := range testData {
					s = strings.ReplaceAll(s, d, "")
				}
				hit := strings.Contains(s, chunk)
				if single {
					hit = slices.Contains(strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) }), chunk)
				}
				if hit {
					out = append(out, fmt.Sprintf("%q in %q", chunk, s))
				}
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// allScreens opens every screen with data and returns the texts each draws.
func allScreens(t *testing.T) []string {
	var shown []string
	u, fc, _ := newTestUI(t)
	fc.found = []app.Booking{*booking("FIND22", 2, app.StatusUsed)}
	fc.issues = []app.Conflict{{ID: 1, Kind: "NOT_USABLE", Token: "FIND22", OfferName: "Parasite", Beneficiary: "Léa Martin",
		Device: "caisse-1", ScannedAt: show, OtherDevice: "caisse-1", OtherAt: show.Add(time.Minute),
		Detail: "Entrée validée hors ligne, mais le serveur n'a pas pu valider la contremarque : " + app.MsgCancelled}}
	u.refreshViews()
	grab := func() { shown = append(shown, drawn(u.win.Canvas())...) }
	grab()
	soon := booking("SOON22", 1, app.StatusConfirmed)
	fc.verdicts["SOON22"] = counter.Verdict{Token: "SOON22", Outcome: app.Outcome{Code: app.OutcomeNotYetUsable,
		Message: app.NotYetUsableMessage(show.Add(-45*time.Minute), paris), Booking: soon}}
	fc.verdicts["WARN22"] = counter.Verdict{Token: "WARN22", Outcome: app.Outcome{Code: app.OutcomeAdmitted,
		Message: app.MsgAdmitted, Booking: soon, Warnings: []string{app.ShowtimeWarning(soon, show.Add(-48*time.Hour), paris)}}}
	for _, in := range []string{"ABC234", "ZZZZZZ", "https://example.org", "AB", "OFFLN2", "SOON22", "WARN22", "USED22"} {
		test.Type(u.screen.entry, in)
		u.screen.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		grab()
	}
	test.Tap(u.screen.keepBtn) // the confirmation dialog
	grab()
	u.showStatus(counter.Status{Online: false, Pending: 3, Conflicts: 1, ClockSkew: 2 * time.Minute,
		Error: "Serveur injoignable : connection refused"})
	grab()
	shown = append(shown, u.statusLabel.Text) // drawn cut to the window's width
	for i := range u.tabs.Items {
		u.tabs.SelectIndex(i)
		grab()
	}
	se := newSearchScreen(u)
	se.search("Martin")
	sw := test.NewTempWindow(t, se.content)
	shown = append(shown, drawn(sw.Canvas())...)
	p, _, _ := newProgrammeUI(t, app.RoleManager, false)
	shown = append(shown, drawn(p.win.Canvas())...)
	pay, _ := payoutsUI(t, app.RoleManager)
	pay.tabs.Select(payoutsTab(pay))
	shown = append(shown, drawn(pay.win.Canvas())...)
	fresh := New(u.ctx, test.NewTempApp(t), &fakeBackend{c: &fakeCounter{}}) // not paired yet
	fresh.Show()
	shown = append(shown, drawn(fresh.win.Canvas())...)
	if len(shown) < 100 {
		t.Fatalf("only %d texts drawn: the walk is broken", len(shown))
	}
	return shown
}

// drawn returns the texts a canvas draws (its content and overlays), as rendered.
func drawn(c fyne.Canvas) []string {
	var out []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		switch o := o.(type) {
		case *canvas.Text:
			if strings.TrimSpace(o.Text) != "" {
				out = append(out, o.Text)
			}
		case *fyne.Container:
			for _, c := range o.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(o).Objects() {
				walk(c)
			}
		}
	}
	walk(c.Content())
	for _, o := range c.Overlays().List() {
		walk(o)
	}
	return out
}

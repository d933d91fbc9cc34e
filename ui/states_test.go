package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"guichet/app"
	"guichet/counter"
)

// TestCounterScreen_FourStates: each state has its colour, its drawn symbol and its word.
func TestCounterScreen_FourStates(t *testing.T) {
	u, fc, _ := newTestUI(t)
	s := u.screen
	over := booking("OVER23", 1, app.StatusUsed)
	over.ShowStart = show.Add(-3 * time.Hour)
	fc.verdicts["OVER23"] = counter.Verdict{Token: "OVER23", Outcome: app.Outcome{Code: app.OutcomeAdmitted, Booking: over}}
	priced := booking("PRIC23", 1, app.StatusUsed)
	priced.UnitPriceCents, priced.PriceLabel = 750, "Tarif unique"
	fc.verdicts["PRIC23"] = counter.Verdict{Token: "PRIC23", Outcome: app.Outcome{Code: app.OutcomeAdmitted, Booking: priced}}
	for _, tc := range []struct {
		input  string
		color  any
		symbol Symbol
		want   []string
		duo    bool
	}{
		{"ABC234", colorAdmitted, SymbolAdmitted, []string{"Entrée validée", "2 places (DUO)"}, true},
		{"PRIC23", colorAdmitted, SymbolAdmitted, []string{"1 place à 7,50\u00a0€ (Tarif unique) — Léa Martin"}, false},
		{"OVER23", colorAttention, SymbolWarning, []string{"Entrée validée — attention", "Séance de 17:45 terminée"}, false},
		{"USED22", colorUsed, SymbolUndone, []string{"Déjà validée", "Validée il y a 30 min sur « caisse-1 »"}, false},
		{"ZZZZZZ", colorRefused, SymbolRefused, []string{"Entrée refusée", app.MsgNotFound}, false},
	} {
		s.onDismiss()
		s.onSubmit(tc.input)
		got := texts(u)
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s shows %q, missing %q", tc.input, got, w)
			}
		}
		if s.bg.FillColor != tc.color || !s.symbol.Visible() || len(s.symbol.Objects) != 1 {
			t.Errorf("%s: colour %v, symbol shown %v", tc.input, s.bg.FillColor, s.symbol.Visible())
		}
		if want := describe(*s.shown, u.loc, s.options()).Symbol; want != tc.symbol {
			t.Errorf("%s: symbol %d, want %d", tc.input, want, tc.symbol)
		}
		if s.duo.Visible() != tc.duo {
			t.Errorf("%s: ×2 shown = %v", tc.input, s.duo.Visible())
		}
	}
	s.onDismiss()
	if s.symbol.Visible() || s.duo.Visible() {
		t.Error("symbol or ×2 left on the idle screen")
	}
}

// TestCounterScreen_AnotherDayConfirmedWithEnter: a ticket for another day asks first, with
// the identity reminder; Entrée validates it, Échap refuses it.
func TestCounterScreen_AnotherDayConfirmedWithEnter(t *testing.T) {
	u, fc, _ := newTestUI(t)
	s := u.screen
	other := booking("DAY234", 2, app.StatusConfirmed)
	fc.verdicts["DAY234"] = counter.Verdict{Token: "DAY234", Outcome: app.Outcome{Code: counter.OutcomeConfirm,
		Message: counter.MsgConfirm, Booking: other, Warnings: []string{"Attention : séance à venir, le 02/12/2026 à 20:45 — pas aujourd'hui"}}}
	s.onSubmit("DAY234")
	got := texts(u)
	if s.bg.FillColor != colorAttention || !strings.Contains(got, "Entrée pour valider quand même") ||
		!strings.Contains(got, app.MsgCheckIdentity) || !s.duo.Visible() {
		t.Fatalf("question shows %q", got)
	}
	s.onDismiss() // Échap: refused, nothing confirmed
	s.onSubmit("")
	if len(fc.confirmed) != 0 {
		t.Fatalf("confirmed after Échap: %q", fc.confirmed)
	}
	s.onSubmit("DAY234")
	s.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // Entrée on the empty input
	if len(fc.confirmed) != 1 || fc.confirmed[0] != "DAY234" || s.shown.Code != app.OutcomeAdmitted {
		t.Errorf("Entrée: confirmed %q, shown %s", fc.confirmed, s.shown.Code)
	}
}

// TestCounterScreen_HideNames: the option keeps beneficiaries' names off the screen.
func TestCounterScreen_HideNames(t *testing.T) {
	u, _, _ := newTestUI(t)
	u.prefs.SetBool(prefHideNames, true)
	u.screen.onSubmit("ABC234")
	if got := texts(u); strings.Contains(got, "Martin") || !strings.Contains(got, "2 places (DUO)") {
		t.Errorf("names hidden, yet: %q", got)
	}
}

// TestUI_Shortcuts: F11 full screen, Ctrl+F search, wherever the focus is.
func TestUI_Shortcuts(t *testing.T) {
	u, _, _ := newTestUI(t)
	u.win.Canvas().Focus(u.screen.entry)
	u.screen.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyF11})
	if !u.win.FullScreen() {
		t.Error("F11 did not go full screen")
	}
	u.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyF11})
	if u.win.FullScreen() {
		t.Error("F11 again did not leave full screen")
	}
	sc := &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}
	sh, ok := u.win.Canvas().(fyne.Shortcutable)
	if !ok {
		t.Fatal("the test canvas takes no shortcut")
	}
	sh.TypedShortcut(sc)
	if u.tabs.Selected().Content != u.search.content || u.win.Canvas().Focused() != u.search.entry {
		t.Errorf("Ctrl+F: tab %q", u.tabs.Selected().Text)
	}
}

package ui

import (
	"context"
	"image/png"
	"os"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"guichet/app"
)

type fakePayouts struct {
	calls []string
}

func (f *fakePayouts) Payouts(context.Context) (*app.Payouts, error) {
	f.calls = append(f.calls, "payouts")
	return &app.Payouts{NextPayment: "2026-12-16", ValidatedCents: 123456,
		Thresholds: []int64{app.Threshold1, app.Threshold2, app.Threshold3},
		Venues: []app.VenueRevenue{{VenueID: 1, Name: "Le Méliès", RevenueCents: 2_500_000, RateBP: 9500,
			AccountStatus: app.BankAccepted, AccountMasked: "FR76 **** **** 0189"}},
		Awaiting: []app.AwaitingBooking{{Token: "AUTO22", OfferName: "Parasite", VenueName: "Le Méliès",
			ShowStart: "2026-11-30T19:00:00Z", AutoUseAt: "2026-12-02T19:00:00Z", AmountCents: 750}},
	}, nil
}

func (f *fakePayouts) Statements(context.Context) ([]app.Statement, error) {
	return []app.Statement{{Reference: "F260000001", Date: "2026-12-01", TransferLabel: "VIR2",
		IBANMasked: "FR76 **** **** 0189", AmountCents: 2_001_625}}, nil
}

func (f *fakePayouts) StatementFile(_ context.Context, ref, format string) ([]byte, error) {
	f.calls = append(f.calls, ref+"."+format)
	return []byte("%PDF-1.3"), nil
}

// labels collects the texts of the labels under o.
func labels(o fyne.CanvasObject) string {
	var out []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Label:
			out = append(out, w.Text)
		case *container.Scroll:
			walk(w.Content)
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		}
	}
	walk(o)
	return strings.Join(out, "\n")
}

func payoutsUI(t *testing.T, role app.Role) (*UI, *fakePayouts) {
	t.Helper()
	a := test.NewTempApp(t)
	fp := &fakePayouts{}
	u := New(context.Background(), a, &fakeBackend{c: &fakeCounter{}})
	u.async = func(f func()) { f() }
	u.SetPayouts(func(Pairing) Payouts { return fp })
	u.Pair(Pairing{ServerURL: "http://x", Key: "gk_good", Role: role, Venue: app.ProVenue{ID: 1, Name: "Le Méliès", Timezone: "Europe/Paris"}})
	u.Show()
	return u, fp
}

func payoutsTab(u *UI) *container.TabItem {
	for _, it := range u.tabs.Items {
		if it.Text == lang.L("Remboursements") {
			return it
		}
	}
	return nil
}

func TestPayoutsScreen_Manager(t *testing.T) {
	u, fp := payoutsUI(t, app.RoleManager)
	tab := payoutsTab(u)
	if tab == nil {
		t.Fatal("no payouts tab for a manager")
	}
	u.tabs.Select(tab)
	text := labels(tab.Content)
	for _, want := range []string{
		"Prochain paiement : mercredi 16 décembre 2026 — montant validé à ce jour : 1\u00a0234,56\u00a0€",
		"Le Méliès — 25\u00a0000,00\u00a0€ — barème actuel 95\u00a0% — compte FR76 **** **** 0189",
		"AUTO22 — Parasite (Le Méliès) — séance du 30/11 à 20:00 — validée automatiquement le 02/12 à 20:00 — 7,50\u00a0€",
		"01/12/2026 — FR76 **** **** 0189 — F260000001 — VIR2 — 20\u00a0016,25\u00a0€",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %q in:\n%s", want, text)
		}
	}
	calls := len(fp.calls)
	u.refreshViews() // a status bar update while the tab is in view: no new request within a minute
	if len(fp.calls) != calls {
		t.Errorf("reloaded on a status update: %v", fp.calls)
	}
	u.tabs.Select(u.tabs.Items[0])
	u.refreshViews()
	if len(fp.calls) != calls {
		t.Errorf("loaded while not in view: %v", fp.calls)
	}
	u.tabs.Select(tab)
	if len(fp.calls) != calls+1 {
		t.Errorf("not reloaded when the tab is opened again: %v", fp.calls)
	}
	s := u.views[len(u.views)-1].(*payoutsScreen)
	var saved string
	s.save = func(name string, data []byte) { saved = name + ":" + string(data) }
	s.download("F260000001", "pdf")
	if saved != "F260000001.pdf:%PDF-1.3" {
		t.Errorf("saved %q (calls %v)", saved, fp.calls)
	}
}

func TestPayoutsScreen_CashierHasNoTab(t *testing.T) {
	u, _ := payoutsUI(t, app.RoleCashier)
	if payoutsTab(u) != nil {
		t.Error("a cashier sees the payouts tab")
	}
}

func TestPayoutsScreen_LockedByPIN(t *testing.T) {
	a := test.NewTempApp(t)
	a.Preferences().SetString(prefPIN, hashPIN("4321"))
	fp := &fakePayouts{}
	u := New(context.Background(), a, &fakeBackend{c: &fakeCounter{}})
	u.async = func(f func()) { f() }
	u.SetPayouts(func(Pairing) Payouts { return fp })
	u.Pair(Pairing{ServerURL: "http://x", Key: "gk_good", Role: app.RoleManager, Venue: app.ProVenue{ID: 1, Name: "Le Méliès", Timezone: "Europe/Paris"}})
	u.Show()
	tab := payoutsTab(u)
	u.tabs.Select(tab)
	if text := labels(tab.Content); !strings.Contains(text, "verrouillé") || strings.Contains(text, "Prochain paiement") {
		t.Errorf("locked screen shows:\n%s", text)
	}
	if len(fp.calls) != 0 {
		t.Errorf("the locked screen called the server: %v", fp.calls)
	}
	u.locked = false // what the PIN entry in Réglages does
	u.tabs.Select(u.tabs.Items[0])
	u.tabs.Select(tab)
	if text := labels(tab.Content); !strings.Contains(text, "Prochain paiement") {
		t.Errorf("unlocked screen shows:\n%s", text)
	}
}

// TestPayoutsScreen_Screenshot renders the screen with the software painter when
// GUICHET_PAYOUTS_PNG names a file (docs/screenshots/payouts.png).
func TestPayoutsScreen_Screenshot(t *testing.T) {
	out := os.Getenv("GUICHET_PAYOUTS_PNG")
	if out == "" {
		t.Skip("set GUICHET_PAYOUTS_PNG to write the screenshot")
	}
	u, _ := payoutsUI(t, app.RoleManager)
	u.win.Resize(fyne.NewSize(1100, 720))
	u.tabs.Select(payoutsTab(u))
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, u.win.Canvas().Capture()); err != nil {
		t.Fatal(err)
	}
}

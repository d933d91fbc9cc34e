package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"guichet/app"
)

type fakeKeys struct {
	keys    []app.KeyInfo
	revoked []int64
	created []string
}

func (f *fakeKeys) Keys(context.Context) ([]app.KeyInfo, error) { return f.keys, nil }

func (f *fakeKeys) CreateKey(_ context.Context, label string) (*app.NewKey, error) {
	if strings.TrimSpace(label) == "" {
		return nil, app.FieldError("label", "Donnez un nom à la clé (par exemple « Caisse 1 »).")
	}
	f.created = append(f.created, label)
	k := app.KeyInfo{ID: int64(10 + len(f.created)), Prefix: "gk_new", Role: "cashier", Label: label}
	f.keys = append(f.keys, k)
	return &app.NewKey{KeyInfo: k, Key: "gk_newsecret"}, nil
}

func (f *fakeKeys) RevokeKey(_ context.Context, id int64) error {
	f.revoked = append(f.revoked, id)
	for i := range f.keys {
		if f.keys[i].ID == id {
			f.keys[i].RevokedAt = "2026-11-30T10:00:00Z"
		}
	}
	return nil
}

// A manager sees the offerer's keys in Réglages, creates one for a new counter (shown once) and
// revokes another; the key in use and revoked keys cannot be revoked.
func TestKeysSection_Manager(t *testing.T) {
	a := test.NewTempApp(t)
	fk := &fakeKeys{keys: []app.KeyInfo{
		{ID: 1, Prefix: "gk_mgr", Role: "manager", Label: "Direction", Current: true},
		{ID: 2, Prefix: "gk_c1", Role: "cashier", Label: "Caisse 1"},
		{ID: 3, Prefix: "gk_old", Role: "cashier", Label: "Ancienne", RevokedAt: "2026-01-01T00:00:00Z"},
	}}
	u := New(context.Background(), a, &fakeBackend{c: &fakeCounter{}})
	u.async = func(f func()) { f() }
	u.SetKeys(func(Pairing) Keys { return fk })
	u.Pair(Pairing{ServerURL: "http://x", Key: "gk_good", Role: app.RoleManager, Venue: app.ProVenue{ID: 1, Name: "Le Méliès", Timezone: "Europe/Paris"}})
	u.Show()
	s := newSettingsScreen(u)
	if s.keys == nil {
		t.Fatal("no key list for a manager")
	}
	text := labels(s.keys.content)
	for _, want := range []string{"Direction — responsable — gk_mgr… — ce poste", "Caisse 1 — caisse — gk_c1… — active",
		"Ancienne — caisse — gk_old… — révoquée"} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %q in:\n%s", want, text)
		}
	}
	buttons := map[string]*widget.Button{}
	for _, row := range s.keys.list.Objects {
		r := row.(*fyne.Container)
		var label string
		var btn *widget.Button
		for _, o := range r.Objects {
			switch w := o.(type) {
			case *widget.Label:
				label = w.Text
			case *widget.Button:
				btn = w
			}
		}
		buttons[strings.SplitN(label, " — ", 2)[0]] = btn
	}
	if !buttons["Direction"].Disabled() || !buttons["Ancienne"].Disabled() || buttons["Caisse 1"].Disabled() {
		t.Error("revoke buttons: only live keys other than this station's may be revoked")
	}
	s.keys.confirm = func(k app.KeyInfo, yes func()) { yes() }
	test.Tap(buttons["Caisse 1"])
	if len(fk.revoked) != 1 || fk.revoked[0] != 2 || !strings.Contains(labels(s.keys.content), "Caisse 1 — caisse — gk_c1… — révoquée") {
		t.Errorf("revoke: %v\n%s", fk.revoked, labels(s.keys.content))
	}
	var shown *app.NewKey
	s.keys.show = func(k *app.NewKey) { shown = k }
	s.keys.create("Caisse 3")
	if shown == nil || shown.Key != "gk_newsecret" || !strings.Contains(labels(s.keys.content), "Caisse 3 — caisse — gk_new… — active") {
		t.Errorf("create: %+v\n%s", shown, labels(s.keys.content))
	}
}

// A cashier's settings have no key list.
func TestKeysSection_CashierHasNone(t *testing.T) {
	a := test.NewTempApp(t)
	u := New(context.Background(), a, &fakeBackend{c: &fakeCounter{}})
	u.async = func(f func()) { f() }
	u.SetKeys(func(Pairing) Keys { t.Fatal("keys API opened for a cashier"); return nil })
	u.Pair(Pairing{ServerURL: "http://x", Key: "gk_good", Role: app.RoleCashier, Venue: app.ProVenue{ID: 1, Name: "Le Méliès", Timezone: "Europe/Paris"}})
	u.Show()
	if s := newSettingsScreen(u); s.keys != nil {
		t.Fatal("a cashier sees the keys")
	}
}

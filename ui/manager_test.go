package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"guichet/app"
)

// TestUI_PINRelocks: unlocked by the PIN, the manager screens lock again once the countdown
// started by the last activity runs out.
func TestUI_PINRelocks(t *testing.T) {
	u, _, _ := newTestUI(t)
	u.prefs.SetString(prefPIN, hashPIN("2468"))
	u.locked = false
	timers = nil
	u.touchUnlock()
	if len(timers) != 1 || u.locked {
		t.Fatalf("%d re-lock timers, locked %v", len(timers), u.locked)
	}
	u.tabs.SelectIndex(1) // activity: the countdown starts again
	if len(timers) != 2 {
		t.Fatalf("changing tab did not restart the countdown (%d timers)", len(timers))
	}
	timers[len(timers)-1]()
	if !u.locked || !strings.Contains(allText(u.settings.content), "verrouillés") {
		t.Errorf("not locked again after inactivity: %v, %q", u.locked, allText(u.settings.content))
	}
}

// TestSettings_CashierCannotUnpair: only a manager key shows "Dissocier ce poste".
func TestSettings_CashierCannotUnpair(t *testing.T) {
	u, _, _ := newTestUI(t)
	if !strings.Contains(allText(u.settings.content), "Dissocier ce poste") {
		t.Fatalf("a manager cannot unpair: %q", allText(u.settings.content))
	}
	u.pairing.Role = app.RoleCashier
	u.settings.render()
	got := allText(u.settings.content)
	if strings.Contains(got, "Dissocier ce poste") || !strings.Contains(got, "Seul un responsable") {
		t.Errorf("a cashier key can unpair: %q", got)
	}
}

// UpdateStock records a showtime edit.
func (f *fakeProgramme) UpdateStock(_ context.Context, id int64, in app.NewStock) error {
	if err := f.fail(); err != nil {
		return err
	}
	if f.stockEdits == nil {
		f.stockEdits = map[int64]app.NewStock{}
	}
	f.stockEdits[id] = in
	return nil
}

// TestProgrammeScreen_EditShowtime: a showtime's time, price and capacity are edited through
// the form filled with its values; a bad field says so and keeps the form from being sent.
func TestProgrammeScreen_EditShowtime(t *testing.T) {
	u, fp, _ := newProgrammeUI(t, app.RoleManager, false)
	s := programmeOf(t, u)
	st := s.shows[0]
	st.PriceCents = 650
	f := editStockForm(st, st.PriceCents, u.loc)
	if f.price.Text != "6,50" || f.hour.Text != st.Start.In(u.loc).Format("15:04") {
		t.Fatalf("form filled with %q at %q", f.price.Text, f.hour.Text)
	}
	for _, bad := range []struct {
		e    interface{ Validate() error }
		set  func()
		what string
	}{
		{f.price, func() { f.price.SetText("cinq") }, "price"},
		{f.hour, func() { f.hour.SetText("25h") }, "time"},
		{f.capacity, func() { f.capacity.SetText("-3") }, "capacity"},
	} {
		bad.set()
		if bad.e.Validate() == nil {
			t.Errorf("a bad %s passes the form", bad.what)
		}
	}
	f = editStockForm(st, st.PriceCents, u.loc)
	f.hour.SetText("22:10")
	f.price.SetText("7")
	f.capacity.SetText("")
	s.editShowtime(st, f)
	in, ok := fp.stockEdits[st.StockID]
	if !ok || in.PriceCents != 700 || in.Capacity != nil || in.StartsAt.In(u.loc).Format("02/01 15:04") != st.Start.In(u.loc).Format("02/01")+" 22:10" {
		t.Errorf("edit sent %+v", in)
	}
}

// TestCounterScreen_DoorChoosesShowtimes: once the door ticks the showtimes it admits, a ticket
// for another one is admitted in the attention state; unticked, every showtime is admitted.
func TestCounterScreen_DoorChoosesShowtimes(t *testing.T) {
	u, fc, _ := newTestUI(t)
	capacity := 100
	fc.shows = []app.Showtime{{StockID: 7, OfferName: "Parasite", Start: show, Capacity: &capacity}, {StockID: 8, OfferName: "Parasite", Start: show}}
	u.refreshViews()
	b := fc.verdicts["ABC234"]
	b.Booking.StockID = 8
	u.screen.onSubmit("ABC234")
	if u.screen.bg.FillColor != colorAdmitted {
		t.Fatalf("nothing ticked: %q", texts(u))
	}
	st := u.views[0].(*showtimesScreen)
	row := st.list.CreateItem()
	st.list.UpdateItem(0, row) // the 20:45 showtime (stock 7): tick it
	test.Tap(row.(*fyne.Container).Objects[1].(*widget.Check))
	if !u.door[7] || len(u.door) != 1 {
		t.Fatalf("door after the tick: %v", u.door)
	}
	u.screen.onDismiss()
	u.screen.onSubmit("ABC234")
	if got := texts(u); u.screen.bg.FillColor != colorAttention || !strings.Contains(got, "pas admise à cette porte") {
		t.Errorf("ticket for a showtime this door does not admit: %q", got)
	}
	u.setDoor(7, false)
	u.screen.onDismiss()
	u.screen.onSubmit("ABC234")
	if u.screen.bg.FillColor != colorAdmitted {
		t.Errorf("unticked again, yet: %q", texts(u))
	}
}

// DayBookings answers with the fake's day list.
func (f *fakeCounter) DayBookings(context.Context, time.Time) ([]app.Booking, error) {
	return f.day, nil
}

// TestDayBookingsCSV: the day's bookings as a spreadsheet reads them (semicolons, accents kept).
func TestDayBookingsCSV(t *testing.T) {
	test.NewTempApp(t)
	used := booking("USED22", 2, app.StatusUsed)
	used.UnitPriceCents, used.UsedAt, used.UsedByDevice = 650, show.Add(-5*time.Minute), "caisse-1"
	got := string(dayBookingsCSV([]app.Booking{*booking("ABC234", 1, app.StatusConfirmed), *used}, app.Location("Europe/Paris")))
	want := "\ufeffContremarque;Film;Version;Séance;Places;Prix unitaire;Statut;Nom;Prénom;Validée le;Poste\n" +
		"ABC234;Parasite;VO;01/12/2026 20:45;1;0,00;à valider;Martin;Léa;;\n" +
		"USED22;Parasite;VO;01/12/2026 20:45;2;6,50;validée;Martin;Léa;01/12/2026 20:40;caisse-1\n"
	if got != want {
		t.Errorf("CSV:\n%s\nwant:\n%s", got, want)
	}
}

// TestShowtimes_DayBookings: the showtimes tab lists the day's bookings from the copy.
func TestShowtimes_DayBookings(t *testing.T) {
	u, fc, _ := newTestUI(t)
	fc.day = []app.Booking{*booking("ABC234", 2, app.StatusConfirmed)}
	st := u.views[0].(*showtimesScreen)
	test.Tap(button(t, st.content, "Réservations du jour…"))
	top := u.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no list of the day's bookings")
	}
	var texts []string
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch v := o.(type) {
		case *widget.Label:
			texts = append(texts, v.Text)
		case *fyne.Container:
			for _, c := range v.Objects {
				walk(c)
			}
		default:
			if wd, ok := o.(fyne.Widget); ok {
				for _, c := range test.WidgetRenderer(wd).Objects() {
					walk(c)
				}
			}
		}
	}
	walk(top)
	got := strings.Join(texts, " | ")
	if !strings.Contains(got, "1 réservation(s) pour les séances du") || !strings.Contains(got, "ABC234  Parasite (VO)  Léa Martin  à valider") {
		t.Errorf("the day's bookings show %q", got)
	}
}

// TestOfferForm_Validation: a bad title or duration is flagged in the form itself.
func TestOfferForm_Validation(t *testing.T) {
	test.NewTempApp(t)
	f := newOfferForm(nil)
	f.name.SetText("")
	f.duration.SetText("deux heures")
	if f.name.Validate() == nil || f.duration.Validate() == nil {
		t.Error("an empty title or a duration in words passes the form")
	}
	f.name.SetText("Parasite")
	f.duration.SetText("132")
	if f.name.Validate() != nil || f.duration.Validate() != nil {
		t.Error("a good film is refused by the form")
	}
}

// TestUI_PINRelockCountsManagerWork: moving through the programme's days and opening a form are
// activity too: each restarts the countdown, and the screens lock only once it runs out.
func TestUI_PINRelockCountsManagerWork(t *testing.T) {
	u, _, _ := newProgrammeUI(t, app.RoleManager, true)
	var timers []func()
	u.after = func(_ time.Duration, f func()) func() {
		timers = append(timers, f)
		return func() {}
	}
	u.locked = false
	u.touchUnlock()
	p := programmeOf(t, u)
	p.setDay(p.day.AddDate(0, 0, 1))
	if len(timers) != 2 {
		t.Fatalf("the next day did not restart the countdown (%d timers)", len(timers))
	}
	p.editOffer(nil)
	if len(timers) != 3 {
		t.Fatalf("opening the film form did not restart the countdown (%d timers)", len(timers))
	}
	if u.locked {
		t.Fatal("locked while the manager works")
	}
	timers[len(timers)-1]()
	if !u.locked {
		t.Error("not locked once the last countdown ran out")
	}
}

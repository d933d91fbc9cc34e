package ui

import (
	"context"
	"fmt"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"guichet/app"
)

// Payouts is the server's payouts API as the manager's screen uses it (sync/client implements it).
type Payouts interface {
	Payouts(ctx context.Context) (*app.Payouts, error)
	Statements(ctx context.Context) ([]app.Statement, error)
	StatementFile(ctx context.Context, ref, format string) ([]byte, error)
}

// SetPayouts tells the UI how to reach the payouts API of a pairing; without it there is no
// payouts tab.
func (u *UI) SetPayouts(open func(Pairing) Payouts) { u.payoutsAPI = open }

// payoutsTab adds the manager's payouts tab when the key is a manager's.
func (u *UI) payoutsTab(tabs *container.AppTabs) {
	if u.pairing.Role != app.RoleManager || u.payoutsAPI == nil {
		return
	}
	s := newPayoutsScreen(u, u.payoutsAPI(u.pairing))
	s.tab = container.NewTabItem(lang.L("Remboursements"), s.content)
	u.views = append(u.views, s)
	tabs.Append(s.tab)
}

// payoutsScreen shows what pass Culture owes the offerer: the next payment, this year's revenue
// per venue against the scale, the bookings awaiting the automatic validation, and the
// statements with their PDF and CSV. Behind the manager PIN.
type payoutsScreen struct {
	u       *UI
	api     Payouts
	body    *fyne.Container
	content fyne.CanvasObject
	data    *app.Payouts
	sts     []app.Statement
	err     string
	// save asks where to write a downloaded file; tests replace it.
	save func(name string, data []byte)

	tab     *container.TabItem
	showing bool      // the tab was already selected at the last refresh
	loaded  time.Time // when the data was last asked for
}

// payoutsReload is how often the screen reloads while it stays in view (the status bar's
// updates ask every screen to refresh; the payouts change slowly and come from the server).
const payoutsReload = time.Minute

func newPayoutsScreen(u *UI, api Payouts) *payoutsScreen {
	s := &payoutsScreen{u: u, api: api, body: container.NewVBox()}
	s.content = container.NewVScroll(s.body)
	s.save = s.saveDialog
	s.render()
	return s
}

func (s *payoutsScreen) refresh() {
	if s.u.tabs != nil && s.tab != nil && s.u.tabs.Selected() != s.tab {
		s.showing = false // not in view: load when the manager opens the tab
		return
	}
	if s.u.locked {
		s.render()
		return
	}
	if s.showing && s.u.now().Sub(s.loaded) < payoutsReload {
		return
	}
	s.showing, s.loaded = true, s.u.now()
	s.u.background(func() func() {
		p, err := s.api.Payouts(s.u.ctx)
		var sts []app.Statement
		if err == nil {
			sts, err = s.api.Statements(s.u.ctx)
		}
		return func() {
			s.err = ""
			if err != nil {
				s.err = fmt.Sprintf(lang.L("Remboursements indisponibles : %s"), trErr(err))
			} else {
				s.data, s.sts = p, sts
			}
			s.render()
		}
	})
}

func bold(text string) *widget.Label {
	return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

func (s *payoutsScreen) render() {
	u := s.u
	s.body.RemoveAll()
	if u.locked {
		s.body.Add(widget.NewLabel(lang.L("Écran responsable verrouillé : saisissez le code PIN dans Réglages.")))
		return
	}
	if s.err != "" {
		s.body.Add(widget.NewLabel(s.err))
	}
	if s.data == nil {
		s.body.Add(widget.NewLabel(lang.L("Chargement des remboursements…")))
		return
	}
	p := s.data
	next, _ := time.ParseInLocation(time.DateOnly, p.NextPayment, u.loc)
	s.body.Add(bold(fmt.Sprintf(lang.L("Prochain paiement : %s — montant validé à ce jour : %s"),
		longDate(next), app.FormatEuros(p.ValidatedCents))))
	s.body.Add(widget.NewLabel(lang.L("Réservations validées avant minuit la veille, séances passées, lieux au compte bancaire accepté.")))

	s.body.Add(bold(lang.L("Chiffre d'affaires de l'année par lieu (barème de remboursement)")))
	for _, v := range p.Venues {
		account := lang.L("aucun compte bancaire")
		switch v.AccountStatus {
		case app.BankAccepted:
			account = fmt.Sprintf(lang.L("compte %s"), v.AccountMasked)
		case app.BankPending:
			account = fmt.Sprintf(lang.L("compte %s en attente de validation"), v.AccountMasked)
		case app.BankRefused:
			account = fmt.Sprintf(lang.L("compte %s refusé"), v.AccountMasked)
		}
		s.body.Add(widget.NewLabel(fmt.Sprintf(lang.L("%s — %s — barème actuel %s — %s"), v.Name, app.FormatEuros(v.RevenueCents),
			app.Rate(v.RateBP).String(), account)))
		s.body.Add(revenueBar(v.RevenueCents, p.Thresholds))
	}

	s.body.Add(bold(fmt.Sprintf(lang.L("Réservations en attente de validation automatique (%d)"), len(p.Awaiting))))
	if len(p.Awaiting) == 0 {
		s.body.Add(widget.NewLabel(lang.L("Aucune : toutes les séances passées ont été validées.")))
	}
	for _, b := range p.Awaiting {
		start, _ := time.Parse(time.RFC3339, b.ShowStart)
		auto, _ := time.Parse(time.RFC3339, b.AutoUseAt)
		s.body.Add(widget.NewLabel(fmt.Sprintf(lang.L("%s — %s (%s) — séance du %s — validée automatiquement le %s — %s"), b.Token,
			b.OfferName, b.VenueName, start.In(u.loc).Format(lang.L("02/01 à 15:04")), auto.In(u.loc).Format(lang.L("02/01 à 15:04")),
			app.FormatEuros(b.AmountCents))))
	}

	s.body.Add(bold(lang.L("Justificatifs de remboursement")))
	if len(s.sts) == 0 {
		s.body.Add(widget.NewLabel(lang.L("Aucun paiement pour l'instant.")))
	}
	for _, st := range s.sts {
		day, _ := time.ParseInLocation(time.DateOnly, st.Date, u.loc)
		line := fmt.Sprintf("%s — %s — %s — %s — %s", day.Format("02/01/2006"), st.IBANMasked, st.Reference, st.TransferLabel,
			app.FormatEuros(st.AmountCents))
		ref := st.Reference
		s.body.Add(container.NewBorder(nil, nil, nil, container.NewHBox(
			widget.NewButton("PDF", func() { s.download(ref, "pdf") }),
			widget.NewButton("CSV", func() { s.download(ref, "csv") }),
		), widget.NewLabel(line)))
	}
}

func (s *payoutsScreen) download(ref, format string) {
	s.u.touchUnlock()
	s.u.background(func() func() {
		data, err := s.api.StatementFile(s.u.ctx, ref, format)
		return func() {
			if err != nil {
				dialog.ShowInformation(lang.L("Justificatif"), fmt.Sprintf(lang.L("Téléchargement impossible : %s"), trErr(err)), s.u.win)
				return
			}
			s.save(ref+"."+format, data)
		}
	})
}

func (s *payoutsScreen) saveDialog(name string, data []byte) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		_, werr := w.Write(data)
		if cerr := w.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			dialog.ShowInformation(lang.L("Justificatif"), fmt.Sprintf(lang.L("Enregistrement impossible : %s"), tr(werr.Error())), s.u.win)
		}
	}, s.u.win)
	d.SetFileName(name)
	d.Show()
}

// Bar colours: the revenue, and the thresholds of the scale.
var (
	barBack  = color.NRGBA{R: 0xe4, G: 0xe4, B: 0xea, A: 0xff}
	barFill  = color.NRGBA{R: 0x32, G: 0x6b, B: 0xd6, A: 0xff}
	barLine  = color.NRGBA{R: 0xc0, G: 0x30, B: 0x30, A: 0xff}
	barWidth = float32(640)
)

// revenueBar draws a venue's revenue on a bar scaled to the last threshold plus 10 % (or the
// revenue when above), with a mark and the rate at each threshold of the scale.
func revenueBar(revenue int64, thresholds []int64) fyne.CanvasObject {
	top := int64(0)
	for _, t := range thresholds {
		top = max(top, t)
	}
	top = max(top+top/10, revenue, 1)
	x := func(c int64) float32 { return barWidth * float32(c) / float32(top) }
	const h, labelY = float32(18), float32(22)
	back := canvas.NewRectangle(barBack)
	back.Resize(fyne.NewSize(barWidth, h))
	fill := canvas.NewRectangle(barFill)
	fill.Resize(fyne.NewSize(x(revenue), h))
	objs := []fyne.CanvasObject{back, fill}
	for i, t := range thresholds {
		line := canvas.NewRectangle(barLine)
		line.Move(fyne.NewPos(x(t)-1, -3))
		// Labels alternate between two rows: 20 000 € and 40 000 € are close on a linear axis.
		label := canvas.NewText(fmt.Sprintf("%s › %s", app.FormatEuros(t), app.RateFor(t+1).String()), barLine)
		label.TextSize = 10
		line.Resize(fyne.NewSize(2, h+6+float32(i%2)*13))
		label.Move(fyne.NewPos(x(t)+3, labelY-2+float32(i%2)*13))
		objs = append(objs, line, label)
	}
	bar := container.NewWithoutLayout(objs...)
	return container.New(&fixedSize{size: fyne.NewSize(barWidth+120, labelY+28)}, bar)
}

// fixedSize gives its only child a fixed minimum size.
type fixedSize struct{ size fyne.Size }

func (f *fixedSize) MinSize([]fyne.CanvasObject) fyne.Size { return f.size }
func (f *fixedSize) Layout(objs []fyne.CanvasObject, _ fyne.Size) {
	for _, o := range objs {
		o.Resize(f.size)
	}
}

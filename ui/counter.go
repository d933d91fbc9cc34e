package ui

import (
	"fmt"
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"guichet/app"
	"guichet/counter"
)

// verdictTimeout returns the counter to scanning on its own.
const verdictTimeout = 8 * time.Second

// counterScreen is where the cashier scans: an input that takes typed codes and USB scanner
// bursts, and a verdict that fills the screen.
type counterScreen struct {
	u            *UI
	entry        *scanEntry
	bg           *canvas.Rectangle
	title        *canvas.Text
	symbol       *fyne.Container // the state's symbol, drawn
	duo          *canvas.Text    // "×2" for a DUO booking
	lines        *fyne.Container
	keepBtn      *widget.Button
	current      *widget.Label // the showtime on now
	shown        *counter.Verdict
	burst        func() // stops the pending check of a partial scanner burst
	timer        func() // stops the pending return to scanning
	seq          int    // verdicts shown so far, to ignore stale timers
	queue        scanQueue
	waiting      *widget.Label // how many scans wait for a decision
	history      []string      // the last verdicts, newest first
	historyLabel *widget.Label
	content      fyne.CanvasObject
	camera       *cameraPanel
}

func newCounterScreen(u *UI) *counterScreen {
	s := &counterScreen{u: u}
	s.entry = newScanEntry()
	s.entry.SetPlaceHolder(lang.L("Scannez le QR code ou saisissez la contremarque (6 caractères), puis Entrée"))
	s.entry.OnSubmitted = s.onSubmit
	s.entry.OnChanged = s.onChanged
	s.entry.onEscape = s.onDismiss
	s.entry.onKey = u.functionKey
	s.entry.onSpace = func() bool {
		if s.shown == nil {
			return false
		}
		s.onDismiss()
		return true
	}
	validate := widget.NewButton(lang.L("Valider"), func() { s.onSubmit(s.entry.Text) })
	validate.Importance = widget.HighImportance
	s.bg = canvas.NewRectangle(colorIdle)
	s.title = canvas.NewText(lang.L("Prêt à scanner"), color.White)
	s.title.TextSize = 44
	s.title.TextStyle = fyne.TextStyle{Bold: true}
	s.title.Alignment = fyne.TextAlignCenter
	s.symbol = container.NewStack()
	s.duo = canvas.NewText("×2", color.White)
	s.duo.TextSize = 96
	s.duo.TextStyle = fyne.TextStyle{Bold: true}
	s.duo.Hide()
	s.lines = container.NewVBox()
	s.keepBtn = widget.NewButton(lang.L("Invalider cette validation…"), s.onKeep)
	s.keepBtn.Hide()
	s.current = widget.NewLabel("")
	s.current.TextStyle = fyne.TextStyle{Bold: true}
	verdict := container.NewStack(s.bg, container.NewVBox(layout.NewSpacer(),
		container.NewCenter(container.NewHBox(s.symbol, s.duo)), s.title, s.lines,
		container.NewCenter(s.keepBtn), layout.NewSpacer()))
	hint := widget.NewLabel(lang.L("Espace ou Échap : scanner le suivant.") + " " + tr(app.MsgCheckIdentity))
	hint.Wrapping = fyne.TextWrapWord
	s.waiting = widget.NewLabel("")
	s.waiting.Importance = widget.WarningImportance
	s.waiting.Hide()
	s.historyLabel = widget.NewLabel("")
	bottom := container.NewVBox(s.waiting, container.NewBorder(nil, nil, nil, validate, s.entry), hint, s.historyLabel)
	s.camera = newCameraPanel(s)
	s.content = container.NewBorder(s.current, bottom, nil, nil,
		container.NewHSplit(verdict, s.camera.content))
	if split, ok := s.content.(*fyne.Container).Objects[0].(*container.Split); ok {
		split.SetOffset(0.68)
	}
	s.idle()
	return s
}

// onCamera handles a code the webcam decoded: the same path as typed input, except that the
// phone still held up while its verdict shows, or while it is being decided, is not taken again.
func (s *counterScreen) onCamera(text string) {
	if scan := app.ParseScan(text); scan.OK() {
		if (s.shown != nil && scan.Token == s.shown.Token) || s.queue.holds(scan.Token) {
			return
		}
	}
	s.onSubmit(text)
}

// onSubmit validates what was typed or scanned, off the UI goroutine; a scan that arrives while
// another is being decided waits its turn (none is dropped).
func (s *counterScreen) onSubmit(text string) {
	text = strings.TrimSpace(text)
	s.entry.SetText("")
	if text == "" {
		if s.shown != nil && s.shown.Code == counter.OutcomeConfirm && !s.queue.busy {
			s.confirm(s.shown.Token)
		}
		return
	}
	if s.queue.busy {
		s.queue.push(text)
		s.showWaiting()
		return
	}
	s.decide(text)
}

// partialBurstDelay is how long a scanner burst may pause before it is taken as incomplete.
const partialBurstDelay = 2500 * time.Millisecond

// onChanged watches for a QR payload that stops without its Enter (a scanner that misread): after
// a pause it is cleared with a message instead of lingering in the input.
func (s *counterScreen) onChanged(text string) {
	if s.burst != nil {
		s.burst()
	}
	if !strings.HasPrefix(strings.ToUpper(text), "PASSCULTURE") {
		return
	}
	s.burst = s.u.after(partialBurstDelay, func() {
		toUI(func() {
			if s.entry.Text != text {
				return
			}
			s.entry.SetText("")
			s.show(counter.Verdict{At: s.u.now(), Outcome: app.Outcome{Code: app.OutcomeInvalidInput,
				Message: lang.L("Lecture incomplète du QR code : scannez à nouveau.")}})
		})
	})
}

// show fills the screen with a verdict, with a short flash so that a glance catches it.
func (s *counterScreen) show(v counter.Verdict) {
	s.shown = &v
	view := describe(v, s.u.loc, s.options())
	if v.Code != app.OutcomeKept {
		s.u.play(view.Symbol)
	}
	if v.Offline && v.Code == app.OutcomeNotFound {
		view.Lines = append(view.Lines, s.notFoundOffline())
	}
	s.bg.FillColor = view.Color
	s.bg.Refresh()
	if target, ok := view.Color.(color.NRGBA); ok && s.u.animate {
		flash := canvas.NewColorRGBAAnimation(color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}, target, 250*time.Millisecond,
			func(c color.Color) {
				s.bg.FillColor = c
				s.bg.Refresh()
			})
		flash.Start()
	}
	s.title.Text = view.Title
	s.title.Refresh()
	s.symbol.Objects = []fyne.CanvasObject{SymbolIcon(view.Symbol, color.White, 110)}
	s.symbol.Show()
	s.symbol.Refresh()
	if view.Duo {
		s.duo.Show()
	} else {
		s.duo.Hide()
	}
	s.lines.RemoveAll()
	for i, l := range view.Lines {
		size, max := float32(26), 70
		if i == 0 {
			size, max = 30, 56
		}
		for _, part := range wrap(l, max) { // canvas.Text does not wrap: long messages are cut here
			t := canvas.NewText(part, color.White)
			t.Alignment = fyne.TextAlignCenter
			t.TextSize = size
			t.TextStyle = fyne.TextStyle{Bold: i == 0}
			s.lines.Add(t)
		}
	}
	s.lines.Refresh()
	if view.CanKeep {
		s.keepBtn.Show()
	} else {
		s.keepBtn.Hide()
	}
	s.seq++
	seq := s.seq
	if s.timer != nil {
		s.timer()
	}
	s.timer = s.u.after(verdictTimeout, func() {
		toUI(func() {
			if s.seq == seq {
				s.idle()
			}
		})
	})
	s.u.win.Canvas().Focus(s.entry)
}

// notFoundOffline explains an offline "not found": the copy may be older than the booking.
func (s *counterScreen) notFoundOffline() string {
	last := s.u.counter.Status().LastSync
	if last.IsZero() {
		return lang.L("Hors ligne : la copie locale n'a jamais été synchronisée, la réservation y manque peut-être. Vérifiez-la dans l'application du bénéficiaire.")
	}
	return fmt.Sprintf(lang.L("Hors ligne : la réservation est peut-être plus récente que la dernière synchronisation (%s). Vérifiez-la dans l'application du bénéficiaire."),
		last.In(s.u.loc).Format(lang.L("02/01/2006 à 15:04")))
}

// options are the display settings of the verdicts.
func (s *counterScreen) options() describeOptions {
	return describeOptions{now: s.u.now(), hideNames: s.u.prefs.Bool(prefHideNames), door: s.u.door}
}

// confirm validates a countermark for another day once the cashier has pressed Entrée.
func (s *counterScreen) confirm(token string) {
	s.queue.current = token
	s.run(func() counter.Verdict { return s.u.counter.Confirm(s.u.ctx, token) })
}

// idle returns to scanning.
func (s *counterScreen) idle() {
	s.shown = nil
	s.bg.FillColor = colorIdle
	s.bg.Refresh()
	s.title.Text = lang.L("Prêt à scanner")
	s.title.Refresh()
	s.symbol.Hide()
	s.duo.Hide()
	s.lines.RemoveAll()
	t := canvas.NewText(lang.L("Présentez le QR code du pass Culture"), color.NRGBA{R: 0xdd, G: 0xe6, B: 0xee, A: 0xff})
	t.Alignment = fyne.TextAlignCenter
	t.TextSize = 24
	s.lines.Add(t)
	s.keepBtn.Hide()
}

func (s *counterScreen) onDismiss() {
	s.seq++
	s.idle()
	s.u.win.Canvas().Focus(s.entry)
}

// onKeep asks for confirmation, then undoes the validation.
func (s *counterScreen) onKeep() {
	if s.shown == nil || s.shown.Booking == nil {
		return
	}
	token := s.shown.Booking.Token
	msg := widget.NewLabel(tr(app.MsgKeepConfirm))
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm(fmt.Sprintf(lang.L("Invalider la contremarque %s"), token), lang.L("Invalider"), lang.L("Annuler"), msg, func(ok bool) {
		if !ok {
			return
		}
		s.u.background(func() func() {
			v := s.u.counter.Keep(s.u.ctx, token)
			return func() {
				s.show(v)
				s.u.refreshViews()
			}
		})
	}, s.u.win)
	d.Resize(fyne.NewSize(520, 220))
	d.Show()
}

// setCurrent shows which showtime is on now.
func (s *counterScreen) setCurrent(stockID int64, start time.Time, text string) {
	s.current.SetText(text)
}

// scanEntry is the input: Escape and Space (while a verdict shows) return to scanning instead
// of editing.
type scanEntry struct {
	widget.Entry
	onKey    func(fyne.KeyName) bool // the window's shortcuts (F5, F11)
	onEscape func()
	onSpace  func() bool
}

func newScanEntry() *scanEntry {
	e := &scanEntry{}
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey handles Escape, and lets the entry handle the rest.
func (e *scanEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape && e.onEscape != nil {
		e.onEscape()
		return
	}
	if e.onKey != nil && e.onKey(k.Name) {
		return
	}
	e.Entry.TypedKey(k)
}

// TypedRune treats a space on an empty input as "next".
func (e *scanEntry) TypedRune(r rune) {
	if r == ' ' && e.Text == "" && e.onSpace != nil && e.onSpace() {
		return
	}
	e.Entry.TypedRune(r)
}

// wrap breaks a line at spaces into lines of at most max runes (a longer word stays whole).
func wrap(line string, max int) []string {
	var out []string
	cur := ""
	for _, w := range strings.Split(line, " ") { // not Fields: a no-break space (money) holds
		if w == "" {
			continue
		}
		switch {
		case cur == "":
			cur = w
		case len([]rune(cur))+1+len([]rune(w)) <= max:
			cur += " " + w
		default:
			out = append(out, cur)
			cur = w
		}
	}
	if cur != "" || len(out) == 0 {
		out = append(out, cur)
	}
	return out
}

package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2/lang"

	"guichet/app"
	"guichet/counter"
)

// historySize is how many earlier verdicts the counter screen lists under the current one.
const historySize = 4

// scanQueue holds the scans typed, scanned or read by the webcam while one is being decided:
// none is dropped, each is decided in its turn, in the order it came.
type scanQueue struct {
	busy    bool
	current string   // the token being decided ("" for input that is not a countermark)
	waiting []string // raw inputs, oldest first
}

func (q *scanQueue) push(text string) { q.waiting = append(q.waiting, text) }

func (q *scanQueue) pop() (string, bool) {
	if len(q.waiting) == 0 {
		return "", false
	}
	next := q.waiting[0]
	q.waiting = q.waiting[1:]
	return next, true
}

// holds reports whether token is being decided or waits its turn.
func (q *scanQueue) holds(token string) bool {
	if q.busy && q.current == token {
		return true
	}
	for _, w := range q.waiting {
		if scan := app.ParseScan(w); scan.OK() && scan.Token == token {
			return true
		}
	}
	return false
}

// decide asks the engine about one input, off the UI goroutine; when its verdict is shown, the
// next waiting scan is decided.
func (s *counterScreen) decide(text string) {
	s.queue.current = ""
	if scan := app.ParseScan(text); scan.OK() {
		s.queue.current = scan.Token
	}
	s.run(func() counter.Verdict { return s.u.counter.Validate(s.u.ctx, text) })
}

// run asks the engine off the UI goroutine; when its verdict is shown, the next waiting scan
// is decided.
func (s *counterScreen) run(ask func() counter.Verdict) {
	s.queue.busy = true
	s.showWaiting()
	s.u.background(func() func() {
		v := ask()
		return func() {
			s.queue.busy = false
			s.show(v)
			s.addHistory(v)
			s.u.refreshViews()
			if next, ok := s.queue.pop(); ok {
				s.decide(next)
				return
			}
			s.showWaiting()
		}
	})
}

// showWaiting says how many scans wait for the one being decided.
func (s *counterScreen) showWaiting() {
	n := len(s.queue.waiting)
	if s.queue.busy {
		n++
	}
	if n == 0 {
		s.waiting.SetText("")
		s.waiting.Hide()
		return
	}
	s.waiting.SetText(fmt.Sprintf(lang.L("%d scan(s) en cours de décision, dans l'ordre d'arrivée"), n))
	s.waiting.Show()
}

// addHistory lists a verdict at the top of the earlier ones, so that a verdict replaced on
// screen by the next scan's can still be read.
func (s *counterScreen) addHistory(v counter.Verdict) {
	view := describe(v, s.u.loc, s.options())
	who := v.Token
	if who == "" {
		who = "—"
	}
	line := fmt.Sprintf(lang.L("%s  %s  %s"), v.At.In(s.u.loc).Format("15:04:05"), who, view.Title)
	if v.Duplicate {
		line += " " + lang.L("(même code, déjà décidé)")
	}
	s.history = append([]string{line}, s.history...)
	if len(s.history) > historySize {
		s.history = s.history[:historySize]
	}
	s.historyLabel.SetText(strings.Join(s.history, "\n"))
}

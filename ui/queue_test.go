package ui

import (
	"context"
	"strings"
	"testing"

	"guichet/app"
	"guichet/counter"
)

// TestCounterScreen_BurstIsQueued drives scans faster than the engine answers: each one that
// arrives while another is being decided waits its turn, and every one is decided, in order.
func TestCounterScreen_BurstIsQueued(t *testing.T) {
	u, fc, _ := newTestUI(t)
	var running []func() // work started off the UI goroutine and not yet finished
	u.async = func(f func()) { running = append(running, f) }
	answer := func() { // the engine answers the validation started first
		for len(running) > 0 {
			f, n := running[0], len(fc.inputs)
			running = running[1:]
			if f(); len(fc.inputs) > n {
				return
			}
		}
		t.Fatal("no validation was started")
	}
	s := u.screen
	burst := []string{"PASSCULTURE:v3;TOKEN:ABC234", "USED22", "ZZZ777", "ABC234"}
	for _, in := range burst {
		s.onSubmit(in)
	}
	if !s.waiting.Visible() || !strings.HasPrefix(s.waiting.Text, "4 ") {
		t.Errorf("waiting = %q (visible %v), want 4 scans being decided", s.waiting.Text, s.waiting.Visible())
	}
	wantTitles := []string{tr(app.MsgAdmitted), "Déjà validée", "Entrée refusée", tr(app.MsgAdmitted)}
	for i := range burst {
		answer()
		if len(fc.inputs) != i+1 {
			t.Fatalf("after %d answers, %d scans decided", i+1, len(fc.inputs))
		}
		if s.title.Text != wantTitles[i] {
			t.Errorf("verdict %d = %q, want %q", i, s.title.Text, wantTitles[i])
		}
	}
	if strings.Join(fc.inputs, ",") != strings.Join(burst, ",") {
		t.Errorf("decided %q, want every scan in order %q", fc.inputs, burst)
	}
	if s.waiting.Visible() {
		t.Errorf("waiting still shown: %q", s.waiting.Text)
	}
	if got := strings.Count(s.historyLabel.Text, "\n") + 1; got != len(burst) || !strings.Contains(s.historyLabel.Text, "ZZZ777") {
		t.Errorf("history = %q, want the %d verdicts", s.historyLabel.Text, len(burst))
	}
}

// TestCounterScreen_RepeatReshowsVerdict: a repeat within the engine's window shows the earlier
// verdict again, marked as a repeat, instead of nothing.
func TestCounterScreen_RepeatReshowsVerdict(t *testing.T) {
	u, fc, _ := newTestUI(t)
	v := fc.verdicts["ABC234"]
	v.Duplicate = true
	fc.verdicts["ABC234"] = v
	u.screen.onSubmit("ABC234")
	got := texts(u)
	if !strings.Contains(got, tr(app.MsgAdmitted)) || !strings.Contains(got, "Même code scanné à nouveau") {
		t.Errorf("repeat shows %q, want the earlier verdict marked as a repeat", got)
	}
}

// TestCounterScreen_CameraDoesNotQueueTheCodeBeingDecided: the phone held in front of the
// webcam is read many times a second; it is decided once.
func TestCounterScreen_CameraDoesNotQueueTheCodeBeingDecided(t *testing.T) {
	u, fc, _ := newTestUI(t)
	var running []func()
	u.async = func(f func()) { running = append(running, f) }
	for i := 0; i < 5; i++ {
		u.screen.onCamera("PASSCULTURE:v3;TOKEN:ABC234")
	}
	u.screen.onCamera("PASSCULTURE:v3;TOKEN:USED22")
	for len(running) > 0 {
		f := running[0]
		running = running[1:]
		f()
	}
	if strings.Join(fc.inputs, ",") != "PASSCULTURE:v3;TOKEN:ABC234,PASSCULTURE:v3;TOKEN:USED22" {
		t.Errorf("decided %q, want each code once", fc.inputs)
	}
}

// Confirm records the confirmation and answers with the verdict of confirmed[token].
func (f *fakeCounter) Confirm(_ context.Context, token string) counter.Verdict {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.confirmed = append(f.confirmed, token)
	v := f.verdicts[token]
	v.Code = app.OutcomeAdmitted
	return v
}

package ui

import (
	"testing"
)

type fakeSounds struct {
	played  []Sound
	volumes []float64
}

func (f *fakeSounds) Play(s Sound, v float64) {
	f.played = append(f.played, s)
	f.volumes = append(f.volumes, v)
}

// TestCounterScreen_Sounds: each verdict plays its state's sound at the chosen volume, and
// nothing once the sounds are off.
func TestCounterScreen_Sounds(t *testing.T) {
	u, _, _ := newTestUI(t)
	fs := &fakeSounds{}
	u.SetSounds(fs)
	u.prefs.SetFloat(prefSoundVolume, 0.3)
	for _, in := range []string{"ABC234", "USED22", "ZZZZZZ"} {
		u.screen.onDismiss()
		u.screen.onSubmit(in)
	}
	want := []Sound{SoundAdmitted, SoundRefused, SoundRefused}
	if len(fs.played) != len(want) {
		t.Fatalf("played %v, want %v", fs.played, want)
	}
	for i := range want {
		if fs.played[i] != want[i] || fs.volumes[i] != 0.3 {
			t.Errorf("sound %d: %v at %v, want %v at 0.3", i, fs.played[i], fs.volumes[i], want[i])
		}
	}
	u.prefs.SetBool(prefSoundOff, true)
	u.screen.onDismiss()
	u.screen.onSubmit("ABC234")
	if len(fs.played) != len(want) {
		t.Errorf("a sound played while sounds are off: %v", fs.played)
	}
	if soundOf(SymbolWarning) != SoundAttention {
		t.Error("the attention state has no attention sound")
	}
}

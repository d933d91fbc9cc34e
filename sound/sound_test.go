package sound

import (
	"bytes"
	"encoding/binary"
	"io"
	"log/slog"
	"math"
	"os"
	"runtime"
	"testing"
	"time"
)

func samples(pcm []byte) []int16 {
	out := make([]int16, len(pcm)/2)
	for i := range out {
		out[i] = int16(binary.LittleEndian.Uint16(pcm[2*i:]))
	}
	return out
}

// TestSynth: three short, different sounds that never clip and start and end at silence.
func TestSynth(t *testing.T) {
	seen := map[string]Kind{}
	for _, k := range []Kind{Admitted, Attention, Refused} {
		pcm := Synth(k)
		s := samples(pcm)
		d := time.Duration(len(s)) * time.Second / SampleRate
		if d < 150*time.Millisecond || d > 600*time.Millisecond {
			t.Errorf("sound %d lasts %s, want a short sound", k, d)
		}
		var peak int
		for _, v := range s {
			peak = max(peak, int(math.Abs(float64(v))))
		}
		if peak > 29818 || peak < 16384 { // 0.91 and 0.5 of full scale
			t.Errorf("sound %d peaks at %d", k, peak)
		}
		if abs(s[0]) > 200 || abs(s[len(s)-1]) > 2000 {
			t.Errorf("sound %d clicks: starts at %d, ends at %d", k, s[0], s[len(s)-1])
		}
		if other, ok := seen[string(pcm)]; ok {
			t.Errorf("sounds %d and %d are the same", k, other)
		}
		seen[string(pcm)] = k
	}
}

func abs(v int16) int16 {
	if v < 0 {
		return -v
	}
	return v
}

func TestScale(t *testing.T) {
	pcm := Synth(Admitted)
	if got := scale(pcm, 0); !bytes.Equal(got, make([]byte, len(pcm))) {
		t.Error("volume 0 is not silent")
	}
	half := samples(scale(pcm, 0.5))
	for i, v := range samples(pcm) {
		if d := int(half[i]) - int(v)/2; d < -1 || d > 1 {
			t.Fatalf("sample %d: %d at half volume of %d", i, half[i], v)
		}
	}
	if !bytes.Equal(scale(pcm, 3), pcm) {
		t.Error("a volume above 1 must be taken as 1")
	}
}

// TestPlayer_SilentWithoutDevice: on a Linux machine without a sound card (this one), Play
// neither blocks nor fails; the player says why it is silent.
func TestPlayer_SilentWithoutDevice(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("tells a machine without a sound card by /dev/snd: Linux only (Wine, for one, gives Windows programs a device)")
	}
	if _, err := os.Stat("/dev/snd"); err == nil {
		t.Skip("this machine has a sound card")
	}
	p := New(slog.New(slog.NewTextHandler(io.Discard, nil)))
	start := time.Now()
	for _, k := range []Kind{Admitted, Attention, Refused} {
		p.Play(k, 1)
	}
	if time.Since(start) > 100*time.Millisecond {
		t.Errorf("Play blocked the caller for %s", time.Since(start))
	}
	for deadline := time.Now().Add(5 * time.Second); p.Err() == nil && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if p.Err() == nil {
		t.Error("no audio device, yet the player does not say it is silent")
	}
}

//go:build cgo || windows

package sound

import (
	"bytes"
	"io"
	"log/slog"
	"testing"
	"time"
)

// TestPlayer_PlaysToTheEnd: where the system gives the player an audio device (make
// test-windows runs this under Wine, through oto's Windows back end), a sound plays to its end
// without error; without one, the player says why it is silent (TestPlayer_SilentWithoutDevice).
func TestPlayer_PlaysToTheEnd(t *testing.T) {
	p := New(slog.New(slog.NewTextHandler(io.Discard, nil)))
	p.once.Do(p.open)
	if err := p.Err(); err != nil {
		t.Skip("no audio device here:", err)
	}
	pl := p.ctx.NewPlayer(bytes.NewReader(scale(p.clips[Admitted], 0.1)))
	pl.Play()
	for deadline := time.Now().Add(10 * time.Second); pl.IsPlaying() && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if pl.IsPlaying() {
		t.Error("a sound of a fraction of a second still plays after 10 s")
	}
	if err := pl.Err(); err != nil {
		t.Errorf("playing: %v", err)
	}
}

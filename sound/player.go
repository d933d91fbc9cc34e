//go:build cgo || windows

package sound

import (
	"bytes"
	"fmt"
	"log/slog"
	"sync"

	"github.com/ebitengine/oto/v3"
)

// Player plays the sounds on the default audio device, or nothing when there is none.
type Player struct {
	log   *slog.Logger
	clips map[Kind][]byte

	once sync.Once
	mu   sync.Mutex
	ctx  *oto.Context // nil: silent
	err  error
}

// New returns a player; the audio device is opened on the first Play, off the caller's
// goroutine.
func New(log *slog.Logger) *Player {
	p := &Player{log: log, clips: map[Kind][]byte{}}
	for _, k := range []Kind{Admitted, Attention, Refused} {
		p.clips[k] = Synth(k)
	}
	return p
}

func (p *Player) open() {
	ctx, ready, err := oto.NewContext(&oto.NewContextOptions{SampleRate: SampleRate, ChannelCount: 1, Format: oto.FormatSignedInt16LE})
	if err != nil {
		p.mu.Lock()
		p.err = fmt.Errorf("open audio: %w", err)
		p.mu.Unlock()
		p.log.Info("no sound: no audio device", "err", err)
		return
	}
	<-ready
	if err := ctx.Err(); err != nil { // the device is opened in the background (ALSA on Linux)
		p.mu.Lock()
		p.err = fmt.Errorf("open audio: %w", err)
		p.mu.Unlock()
		p.log.Info("no sound: no audio device", "err", err)
		return
	}
	p.mu.Lock()
	p.ctx = ctx
	p.mu.Unlock()
}

// Play plays a sound at volume (0–1) without waiting for it; it does nothing without an audio
// device.
func (p *Player) Play(k Kind, volume float64) {
	go func() {
		p.once.Do(p.open)
		p.mu.Lock()
		ctx := p.ctx
		p.mu.Unlock()
		if ctx == nil || volume <= 0 || ctx.Err() != nil {
			return
		}
		pl := ctx.NewPlayer(bytes.NewReader(scale(p.clips[k], volume)))
		pl.Play()
		// The player is closed by the garbage collector once played (oto keeps it alive
		// while it plays).
	}()
}

// Err says why the player is silent (nil when it plays, or before the first Play).
func (p *Player) Err() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

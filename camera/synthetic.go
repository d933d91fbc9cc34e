package camera

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"time"

	"guichet/camera/internal/scene"
)

// SyntheticOptions describe the scene a SyntheticSource films.
type SyntheticOptions struct {
	Payload       string  // text of the QR code; "" films an empty scene
	Width, Height int     // frame size (default 640x480)
	FPS           float64 // frame rate (default 30; negative: as fast as asked)
	Module        float64 // module size in pixels (default: a code about 40 % of the height)
	Motion        bool    // the code drifts around the centre and turns slowly
	Noise         float64 // sensor noise, grey levels (standard deviation)
	Contrast      float64 // dark-to-light span, grey levels (default 200)
	Seed          uint64  // noise seed (same seed, same frames)
}

// SyntheticSource renders frames showing a QR code, as a webcam pointed at
// a phone would: for demos and previews without a camera (e.g. under Xvfb)
// and for pipeline tests.
type SyntheticSource struct {
	opts   SyntheticOptions
	code   *scene.Code
	rng    *rand.Rand
	seq    uint64
	start  time.Time
	next   time.Time
	stats  SourceStats
	closed chan struct{}
	once   sync.Once
}

// NewSyntheticSource prepares a synthetic scene; it fails only when the
// payload cannot be encoded as a QR code.
func NewSyntheticSource(opts SyntheticOptions) (*SyntheticSource, error) {
	if opts.Width <= 0 || opts.Height <= 0 {
		opts.Width, opts.Height = 640, 480
	}
	if opts.FPS == 0 {
		opts.FPS = 30
	}
	if opts.Contrast <= 0 {
		opts.Contrast = 200
	}
	s := &SyntheticSource{opts: opts, closed: make(chan struct{}),
		rng: rand.New(rand.NewPCG(opts.Seed, opts.Seed+1))}
	if opts.Payload != "" {
		code, err := scene.Encode(opts.Payload)
		if err != nil {
			return nil, fmt.Errorf("synthetic source: %w", err)
		}
		s.code = code
		if s.opts.Module <= 0 {
			s.opts.Module = 0.4 * float64(opts.Height) / float64(code.Size+8)
		}
	}
	return s, nil
}

// Next renders the next frame, waiting for its time slot at the set rate.
func (s *SyntheticSource) Next(ctx context.Context) (Frame, error) {
	now := time.Now()
	if s.start.IsZero() {
		s.start, s.next = now, now
	}
	if s.opts.FPS > 0 {
		if wait := s.next.Sub(now); wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return Frame{}, ctx.Err()
			case <-s.closed:
				t.Stop()
				return Frame{}, ErrClosed
			case <-t.C:
			}
		}
		s.next = s.next.Add(time.Duration(float64(time.Second) / s.opts.FPS))
	}
	select {
	case <-s.closed:
		return Frame{}, ErrClosed
	default:
	}
	if err := ctx.Err(); err != nil {
		return Frame{}, err
	}
	s.seq++
	o := s.opts
	p := scene.Params{
		Width: o.Width, Height: o.Height, Module: o.Module,
		CX: float64(o.Width) / 2, CY: float64(o.Height) / 2,
		Noise: o.Noise, Supersample: 1,
		Dark: 128 - o.Contrast/2, Light: 128 + o.Contrast/2,
	}
	if o.Motion {
		t := float64(s.seq) / 30
		p.CX += 0.12 * float64(o.Width) * math.Sin(t*0.9)
		p.CY += 0.10 * float64(o.Height) * math.Sin(t*1.3)
		p.Rotation = 30 * math.Sin(t*0.5)
		p.Tilt = 12 * math.Sin(t*0.7)
	}
	gray := scene.Render(s.code, p, s.rng)
	s.stats.Frames++
	return Frame{Gray: gray, Width: o.Width, Height: o.Height, Time: time.Now(), Seq: s.seq}, nil
}

// Stats counts rendered frames (a synthetic source never skips).
func (s *SyntheticSource) Stats() SourceStats { return s.stats }

// Close ends the source; a pending or later Next returns ErrClosed.
func (s *SyntheticSource) Close() error {
	s.once.Do(func() { close(s.closed) })
	return nil
}

var _ Source = (*SyntheticSource)(nil)

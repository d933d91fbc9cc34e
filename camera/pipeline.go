package camera

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// PipelineOptions tune a Pipeline. The zero value is usable.
type PipelineOptions struct {
	// Repeat suppresses the same text decoded again less than this long
	// after it was last seen (a code stays in view for many frames, and a
	// reconnection must not report it twice); Forget lifts it at once.
	// 0 means 2 s; negative reports every decode.
	Repeat time.Duration
	// Now is the clock (tests inject one); nil means time.Now.
	Now func() time.Time
}

// PipelineStats counts what a Pipeline did since it was created.
type PipelineStats struct {
	Captured   uint64 // frames received from the source
	Decoded    uint64 // frames that went through the decoder
	Stale      uint64 // frames dropped because a newer one arrived first
	Invalid    uint64 // frames with a plane that does not match their size
	Found      uint64 // decodes that gave a code
	Suppressed uint64 // codes not reported again (Repeat window)
	Lost       uint64 // results dropped because nobody read Results
	Skipped    uint64 // frames the source itself skipped (bad MJPEG...)
}

// Pipeline connects a frame source to a Decoder. It always decodes the
// newest frame, one at a time: frames that arrive while a decode runs
// replace each other and only the last one is decoded (the others are
// counted as Stale). Decoded texts come out of Results; the newest frame is
// offered on Preview, which never slows capture or decoding.
//
// A UI reads Preview and Results from its own goroutines (hopping to its
// UI thread for display) and calls Run, again after an error if it wants to
// reconnect, with a freshly opened Source.
type Pipeline struct {
	dec     *Decoder
	opts    PipelineOptions
	results chan Result
	preview chan Frame
	running atomic.Bool
	forget  atomic.Bool
	// Last reported text and when it was last seen; only the decoding
	// goroutine of the current Run touches them (Run waits for it).
	lastText string
	lastAt   time.Time

	captured, decoded, stale, invalid atomic.Uint64
	found, suppressed, lost, skipped  atomic.Uint64
}

// NewPipeline returns a pipeline around dec (NewDecoder if nil). The
// decoder must not be used elsewhere while the pipeline runs; the pipeline
// turns its tracking on (a code located in a frame but not read is looked
// for again where it was in the next few frames).
func NewPipeline(dec *Decoder, opts PipelineOptions) *Pipeline {
	if dec == nil {
		dec = NewDecoder()
	}
	// Consecutive frames of a camera show the same scene: a code located
	// in one frame is looked for at the same place in the next ones.
	dec.tracking = !dec.plain
	// A newer frame arrives every 33 ms at 30 fps: the slow resampled
	// passes stop after this long and leave the next frame its turn.
	dec.budget = frameBudget
	if opts.Repeat == 0 {
		opts.Repeat = 2 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Pipeline{
		dec:     dec,
		opts:    opts,
		results: make(chan Result, 8),
		preview: make(chan Frame, 1),
	}
}

// Results delivers decoded texts. Sends never block: when 8 results are
// waiting unread, newer ones are dropped and counted as Lost.
func (p *Pipeline) Results() <-chan Result { return p.results }

// Preview holds at most the newest frame; an unread frame is replaced by
// the next one. Frames are read-only and never reused by the pipeline.
func (p *Pipeline) Preview() <-chan Frame { return p.preview }

// Stats returns the counters; safe to call at any time.
func (p *Pipeline) Stats() PipelineStats {
	return PipelineStats{
		Captured: p.captured.Load(), Decoded: p.decoded.Load(), Stale: p.stale.Load(),
		Invalid: p.invalid.Load(), Found: p.found.Load(), Suppressed: p.suppressed.Load(),
		Lost: p.lost.Load(), Skipped: p.skipped.Load(),
	}
}

// Forget makes the pipeline report the next decode even if it is the text
// it reported last (e.g. the cashier dismissed the result and shows the
// same ticket again at once). Safe to call from any goroutine.
func (p *Pipeline) Forget() { p.forget.Store(true) }

// frameBudget is the decode time after which the pipeline's decoder skips
// its remaining resampled passes on a frame.
const frameBudget = 40 * time.Millisecond

// ErrRunning is returned by Run when the pipeline is already running.
var ErrRunning = errors.New("pipeline already running")

// Run captures from src and decodes until ctx ends or src is closed (nil),
// src is exhausted (nil, after the last frame is decoded) or src fails (the
// error, wrapped; errors.Is works with ErrDisconnected etc.). Run does not
// close src.
func (p *Pipeline) Run(ctx context.Context, src Source) error {
	if !p.running.CompareAndSwap(false, true) {
		return ErrRunning
	}
	defer p.running.Store(false)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	latest := make(chan Frame, 1)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		p.decodeLoop(ctx, latest)
	}()

	skippedBefore := src.Stats().Skipped
	var err error
	for {
		var f Frame
		f, err = src.Next(ctx)
		if s := src.Stats().Skipped; s > skippedBefore {
			p.skipped.Add(s - skippedBefore)
			skippedBefore = s
		}
		if err != nil {
			break
		}
		p.captured.Add(1)
		if !f.Valid() {
			p.invalid.Add(1)
			continue
		}
		offer(latest, f, &p.stale)
		offer(p.preview, f, nil)
	}
	close(latest) // the decoder finishes the frame in hand and the last one queued
	if errors.Is(err, io.EOF) {
		wg.Wait()
		return nil
	}
	cancel()
	wg.Wait()
	// Stopped on purpose: the caller's context ended or it closed the source.
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrClosed) {
		return nil
	}
	return fmt.Errorf("capture: %w", err)
}

// offer puts f in a one-slot channel, replacing (and counting) a frame
// nobody took yet. There is a single producer, so the final send never blocks.
func offer(ch chan Frame, f Frame, dropped *atomic.Uint64) {
	select {
	case ch <- f:
		return
	default:
	}
	select {
	case <-ch:
		if dropped != nil {
			dropped.Add(1)
		}
	default:
	}
	select {
	case ch <- f:
	default: // a consumer raced us; the frame it took is the older one
	}
}

func (p *Pipeline) decodeLoop(ctx context.Context, latest <-chan Frame) {
	for {
		var f Frame
		var ok bool
		select {
		case f, ok = <-latest:
		case <-ctx.Done():
			return
		}
		if !ok {
			return
		}
		res, found := p.dec.Decode(f.Gray, f.Width, f.Height)
		p.decoded.Add(1)
		if !found {
			continue
		}
		p.found.Add(1)
		if p.forget.Swap(false) {
			p.lastText = ""
		}
		now := p.opts.Now()
		if p.opts.Repeat > 0 && res.Text == p.lastText && now.Sub(p.lastAt) < p.opts.Repeat {
			p.suppressed.Add(1)
			p.lastAt = now
			continue
		}
		p.lastText, p.lastAt = res.Text, now
		res.FrameSeq, res.Captured, res.Decoded = f.Seq, f.Time, now
		select {
		case p.results <- res:
		default:
			p.lost.Add(1)
		}
	}
}

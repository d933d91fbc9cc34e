package camera

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"guichet/camera/internal/scene"
)

// fakeSource plays scripted frames, then returns err (io.EOF by default).
type fakeSource struct {
	frames  []Frame
	err     error
	skipped uint64
	delay   time.Duration
	i       int
	stats   SourceStats
}

func (s *fakeSource) Next(ctx context.Context) (Frame, error) {
	if s.delay > 0 {
		select {
		case <-ctx.Done():
			return Frame{}, ctx.Err()
		case <-time.After(s.delay):
		}
	}
	if s.i >= len(s.frames) {
		s.stats.Skipped = s.skipped
		if s.err != nil {
			return Frame{}, s.err
		}
		return Frame{}, io.EOF
	}
	f := s.frames[s.i]
	s.i++
	f.Seq = uint64(s.i)
	f.Time = time.Now()
	s.stats.Frames++
	return f, nil
}

func (s *fakeSource) Stats() SourceStats { return s.stats }
func (s *fakeSource) Close() error       { return nil }

func codeFrame(t testing.TB, payload string) Frame {
	return Frame{Gray: render(t, payload, scene.Params{Module: 6}), Width: 640, Height: 480}
}

func emptyFrame(t testing.TB) Frame {
	return Frame{Gray: render(t, "", scene.Params{Clutter: 5, Noise: 4}), Width: 640, Height: 480}
}

// drain collects the results waiting in the channel.
func drain(ch <-chan Result) []Result {
	var out []Result
	for {
		select {
		case r := <-ch:
			out = append(out, r)
		default:
			return out
		}
	}
}

func TestPipeline_Run(t *testing.T) {
	code := codeFrame(t, v3)
	other := codeFrame(t, "https://example.org/not-a-countermark")
	empty := emptyFrame(t)
	tests := []struct {
		name      string
		src       *fakeSource
		opts      PipelineOptions
		wantTexts []string
		wantErr   error
		check     func(t *testing.T, s PipelineStats)
	}{
		{
			name:      "decodes the code and reports it once while it stays in view",
			src:       &fakeSource{frames: []Frame{empty, code, code, code}, delay: 30 * time.Millisecond},
			wantTexts: []string{v3},
			check: func(t *testing.T, s PipelineStats) {
				// Frames may go stale on a loaded machine; every decode of
				// the code after the first must be suppressed.
				if s.Found < 1 || s.Suppressed != s.Found-1 {
					t.Errorf("found %d, suppressed %d: want all but the first suppressed", s.Found, s.Suppressed)
				}
			},
		},
		{
			name:      "any text is handed out, the caller decides",
			src:       &fakeSource{frames: []Frame{other}},
			wantTexts: []string{"https://example.org/not-a-countermark"},
		},
		{
			name:      "repeat disabled reports every decode",
			src:       &fakeSource{frames: []Frame{code, code}, delay: 30 * time.Millisecond},
			opts:      PipelineOptions{Repeat: -1},
			wantTexts: []string{v3, v3},
		},
		{
			name: "frames of the wrong size are skipped and counted",
			src: &fakeSource{frames: []Frame{
				{Gray: make([]byte, 10), Width: 640, Height: 480}, code,
			}, skipped: 3},
			wantTexts: []string{v3},
			check: func(t *testing.T, s PipelineStats) {
				if s.Invalid != 1 || s.Skipped != 3 {
					t.Errorf("invalid %d skipped %d, want 1 and 3", s.Invalid, s.Skipped)
				}
			},
		},
		{
			name:    "a device unplugged mid-scan surfaces its error",
			src:     &fakeSource{frames: []Frame{empty}, err: fmt.Errorf("read: %w", ErrDisconnected)},
			wantErr: ErrDisconnected,
		},
		{
			name: "no code, no result",
			src:  &fakeSource{frames: []Frame{empty, empty}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := NewPipeline(nil, tt.opts)
			err := p.Run(context.Background(), tt.src)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("Run = %v, want %v", err, tt.wantErr)
			}
			var texts []string
			for _, r := range drain(p.Results()) {
				texts = append(texts, r.Text)
				if r.FrameSeq == 0 || r.Captured.IsZero() || r.Decoded.Before(r.Captured) {
					t.Errorf("result without frame info: %+v", r)
				}
			}
			if fmt.Sprint(texts) != fmt.Sprint(tt.wantTexts) {
				t.Errorf("texts = %q, want %q", texts, tt.wantTexts)
			}
			if tt.check != nil {
				tt.check(t, p.Stats())
			}
		})
	}
}

// A fast source and a slow decoder: only the newest frames get decoded,
// the rest are counted as stale, and an unread preview never blocks.
func TestPipeline_Run_dropsStaleFrames(t *testing.T) {
	frames := make([]Frame, 60)
	for i := range frames {
		frames[i] = emptyFrame(t)
	}
	frames[len(frames)-1] = codeFrame(t, v3)
	p := NewPipeline(nil, PipelineOptions{})
	if err := p.Run(context.Background(), &fakeSource{frames: frames}); err != nil {
		t.Fatal(err)
	}
	s := p.Stats()
	if s.Captured != 60 || s.Stale == 0 || s.Decoded+s.Stale != s.Captured {
		t.Fatalf("stats %+v: want 60 captured = decoded + stale, some stale", s)
	}
	res := drain(p.Results())
	if len(res) != 1 || res[0].FrameSeq != 60 {
		t.Fatalf("results %+v: want the last frame's code", res)
	}
	select {
	case f := <-p.Preview():
		if f.Seq != 60 {
			t.Errorf("preview holds frame %d, want the newest (60)", f.Seq)
		}
	default:
		t.Error("no preview frame")
	}
}

func TestPipeline_Run_reconnectAndCancel(t *testing.T) {
	p := NewPipeline(nil, PipelineOptions{})
	err := p.Run(context.Background(), &fakeSource{frames: []Frame{emptyFrame(t)}, err: ErrDisconnected})
	if !errors.Is(err, ErrDisconnected) {
		t.Fatalf("first run: %v", err)
	}
	// Reconnect: the same pipeline runs again on a new source.
	if err := p.Run(context.Background(), &fakeSource{frames: []Frame{codeFrame(t, v3)}}); err != nil {
		t.Fatalf("second run: %v", err)
	}
	if got := drain(p.Results()); len(got) != 1 || got[0].Text != v3 {
		t.Fatalf("after reconnect got %+v", got)
	}
	// Cancel: an endless source stops with the context, without error.
	ctx, cancel := context.WithCancel(context.Background())
	endless, err := NewSyntheticSource(SyntheticOptions{Payload: "ABC234", FPS: 60})
	if err != nil {
		t.Fatal(err)
	}
	before := p.Stats().Captured
	var wg sync.WaitGroup
	wg.Add(1)
	var runErr error
	go func() {
		defer wg.Done()
		runErr = p.Run(ctx, endless)
	}()
	for deadline := time.Now().Add(10 * time.Second); p.Stats().Captured == before; {
		if time.Now().After(deadline) {
			t.Fatal("pipeline never captured a frame")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := p.Run(ctx, endless); !errors.Is(err, ErrRunning) {
		t.Errorf("concurrent Run = %v, want ErrRunning", err)
	}
	cancel()
	wg.Wait()
	if runErr != nil {
		t.Fatalf("cancelled run = %v, want nil", runErr)
	}
}

// Low light at 5 fps: dark, noisy, low-contrast frames still decode.
func TestPipeline_Run_lowLight5fps(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for i := 0; i < 4; i++ {
		gray := render(t, v3, scene.Params{Module: 5, Dark: 20, Light: 62, Noise: 5, Blur: 1, Rotation: 12})
		paths = append(paths, writePNG(t, dir, fmt.Sprintf("dark%d.png", i), gray, 640, 480))
	}
	src := NewFileSource(paths, FileOptions{FPS: 5})
	p := NewPipeline(nil, PipelineOptions{})
	start := time.Now()
	if err := p.Run(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	if time.Since(start) < 500*time.Millisecond {
		t.Errorf("4 frames at 5 fps took %v: source not paced", time.Since(start))
	}
	if got := drain(p.Results()); len(got) != 1 || got[0].Text != v3 {
		t.Fatalf("got %+v, want the code once", got)
	}
}

func TestPipeline_Forget(t *testing.T) {
	code := codeFrame(t, v3)
	now := time.Unix(1000, 0)
	p := NewPipeline(nil, PipelineOptions{Now: func() time.Time { return now }})
	run := func() []Result {
		t.Helper()
		if err := p.Run(context.Background(), &fakeSource{frames: []Frame{code}}); err != nil {
			t.Fatal(err)
		}
		return drain(p.Results())
	}
	if got := run(); len(got) != 1 {
		t.Fatalf("first scan: %d results", len(got))
	}
	if got := run(); len(got) != 0 {
		t.Fatalf("same code again within the repeat window: %d results, want 0", len(got))
	}
	p.Forget()
	if got := run(); len(got) != 1 {
		t.Fatalf("after Forget: %d results, want 1", len(got))
	}
	now = now.Add(3 * time.Second)
	if got := run(); len(got) != 1 {
		t.Fatalf("after the repeat window: %d results, want 1", len(got))
	}
}

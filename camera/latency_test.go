package camera

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"guichet/camera/internal/scene"
)

// recordingSource remembers when each frame was captured.
type recordingSource struct {
	Source
	mu    sync.Mutex
	times map[uint64]time.Time
}

func (r *recordingSource) Next(ctx context.Context) (Frame, error) {
	f, err := r.Source.Next(ctx)
	if err == nil {
		r.mu.Lock()
		r.times[f.Seq] = f.Time
		r.mu.Unlock()
	}
	return f, err
}

// BenchmarkPipeline_Latency measures "code enters the frame → decoded text
// out" through the real file source (paced at 30 fps) and pipeline: each
// trial plays frames without a code, then frames with a moderately degraded
// code; the latency runs from the capture of the first frame showing the
// code to the result leaving the pipeline. Reported: p50 and p95 in ms,
// and the share of trials decoded before the code left the frame.
func BenchmarkPipeline_Latency(b *testing.B) {
	const before, during, trials = 4, 10, 12
	dir := b.TempDir()
	rng := rand.New(rand.NewPCG(11, 12))
	type trial struct {
		paths   []string
		payload string
	}
	var set []trial
	for i := 0; i < trials; i++ {
		var tr trial
		for j := 0; j < before; j++ {
			shot := scene.Random(rng, scene.None, 29, 640, 480)
			tr.paths = append(tr.paths, writePNG(b, dir, fmt.Sprintf("t%02d_%02d.png", i, j), scene.Render(nil, shot.Params, rng), 640, 480))
		}
		tr.payload = scene.Payload(rng)
		code, err := scene.Encode(tr.payload)
		if err != nil {
			b.Fatal(err)
		}
		diff := scene.Easy
		if i%2 == 1 {
			diff = scene.Moderate
		}
		for j := 0; j < during; j++ {
			shot := scene.Random(rng, diff, code.Size, 640, 480)
			tr.paths = append(tr.paths, writePNG(b, dir, fmt.Sprintf("t%02d_%02d.png", i, before+j), scene.Render(code, shot.Params, rng), 640, 480))
		}
		set = append(set, tr)
	}
	var lat []float64
	decoded, runs := 0, 0
	for b.Loop() {
		for _, tr := range set {
			runs++
			src := &recordingSource{Source: NewFileSource(tr.paths, FileOptions{FPS: 30}), times: map[uint64]time.Time{}}
			p := NewPipeline(nil, PipelineOptions{})
			if err := p.Run(context.Background(), src); err != nil {
				b.Fatal(err)
			}
			for _, r := range drain(p.Results()) {
				if r.Text == tr.payload {
					entered := src.times[before+1]
					lat = append(lat, float64(r.Decoded.Sub(entered))/float64(time.Millisecond))
					decoded++
					break
				}
			}
		}
	}
	slices.Sort(lat)
	if len(lat) > 0 {
		b.ReportMetric(lat[len(lat)/2], "p50-ms")
		b.ReportMetric(lat[min(len(lat)-1, len(lat)*95/100)], "p95-ms")
	}
	b.ReportMetric(float64(decoded)/float64(runs), "decoded-share")
}

// cycleSource replays pre-rendered frames as fast as asked, until ctx ends.
type cycleSource struct {
	frames []Frame
	seq    uint64
	wait   time.Duration
}

func (c *cycleSource) Next(ctx context.Context) (Frame, error) {
	if c.wait > 0 {
		time.Sleep(c.wait)
	}
	if err := ctx.Err(); err != nil {
		return Frame{}, err
	}
	f := c.frames[c.seq%uint64(len(c.frames))]
	c.seq++
	f.Seq, f.Time = c.seq, time.Now()
	return f, nil
}

func (c *cycleSource) Stats() SourceStats { return SourceStats{Frames: c.seq} }
func (c *cycleSource) Close() error       { return nil }

// BenchmarkPipeline_Throughput reports how many 720p frames per second the
// pipeline decodes when frames arrive every millisecond (a mix of frames
// without code and with moderately degraded codes). Run it with -cpu 1 to
// check that one core keeps up with a 30 fps camera.
func BenchmarkPipeline_Throughput(b *testing.B) {
	rng := rand.New(rand.NewPCG(21, 22))
	var frames []Frame
	for i := 0; i < 8; i++ {
		diff := []string{scene.None, scene.Moderate}[i%2]
		code, _ := scene.Encode(scene.Payload(rng))
		if diff == scene.None {
			code = nil
		}
		shot := scene.Random(rng, diff, 29, 1280, 720)
		frames = append(frames, Frame{Gray: scene.Render(code, shot.Params, rng), Width: 1280, Height: 720})
	}
	var decoded uint64
	var elapsed time.Duration
	for b.Loop() {
		p := NewPipeline(nil, PipelineOptions{Repeat: -1})
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		start := time.Now()
		if err := p.Run(ctx, &cycleSource{frames: frames, wait: time.Millisecond}); err != nil {
			b.Fatal(err)
		}
		cancel()
		elapsed += time.Since(start)
		decoded += p.Stats().Decoded
		drain(p.Results())
	}
	b.ReportMetric(float64(decoded)/elapsed.Seconds(), "decoded-fps")
}

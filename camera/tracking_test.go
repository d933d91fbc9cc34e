package camera

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"guichet/camera/internal/scene"
)

// A code located in one frame and lost in the next (motion blur, glare...)
// is read in that next frame by looking where it was, when tracking; a
// decoder that does not track (Decode on unrelated frames, the bench) reads
// exactly what a fresh one reads.
func TestDecoder_tracking(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 21))
	reads := func(d *Decoder, gray []byte) bool { _, ok := d.Decode(gray, 320, 240); return ok }
	rescued, tried := 0, 0
	for i := 0; i < 80 && rescued < 1; i++ {
		payload := scene.Payload(rng)
		code, err := scene.Encode(payload)
		if err != nil {
			t.Fatal(err)
		}
		shot := scene.Random(rng, []string{scene.Moderate, scene.Hard}[i%2], code.Size, 320, 240)
		blurred := scene.Render(code, shot.Params, rng)
		// The frame before: the same code at the same place, still
		// (no motion, focus, reflection or exposure trouble).
		still := shot.Params
		still.MotionLen, still.Defocus, still.Glare, still.Gain, still.Exposure = 0, 0, nil, 0, 0
		before := scene.Render(code, still, rng)
		inView := shot.Payloads(payload)

		if reads(NewDecoder(), blurred) {
			continue // read without help: not the case under test
		}
		if !reads(NewDecoder(), before) {
			continue
		}
		tried++
		d := NewDecoder()
		d.tracking = true
		d.Decode(before, 320, 240)
		r, ok := d.Decode(blurred, 320, 240)
		if ok && !slices.Contains(inView, r.Text) {
			t.Fatalf("frame %d: wrong payload %q", i, r.Text)
		}
		if ok && strings.HasPrefix(r.Pass, "track-") {
			rescued++
		}
		// Without tracking, the previous frame changes nothing.
		plainD := NewDecoder()
		plainD.Decode(before, 320, 240)
		if reads(plainD, blurred) {
			t.Fatalf("frame %d: read after an unrelated decode without tracking", i)
		}
	}
	t.Logf("%d lost frames after a located code, %d read by tracking", tried, rescued)
	if rescued == 0 {
		t.Fatalf("tracking read none of %d frames", tried)
	}
}

// Tracking forgets a code after a few frames, and after a change of size.
func TestDecoder_tracking_forgets(t *testing.T) {
	d := NewDecoder()
	d.tracking = true
	if !decodes(d, render(t, v3, scene.Params{Module: 6})) || d.recent(640, 480) == nil {
		t.Fatal("a read code is not remembered")
	}
	if d.recent(1280, 720) != nil {
		t.Fatal("remembered across a change of frame size")
	}
	empty := make([]byte, 640*480)
	for i := 0; i <= maxTrackAge; i++ {
		d.Decode(empty, 640, 480)
	}
	if d.recent(640, 480) != nil {
		t.Fatalf("still remembered after %d empty frames", maxTrackAge+1)
	}
}

// With a time budget (the pipeline's), a frame that needs the slow
// resampled passes is cut short once the budget is spent; without one (the
// default) the same frame is read.
func TestDecoder_budget(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 31))
	for i := 0; i < 200; i++ {
		payload := scene.Payload(rng)
		code, err := scene.Encode(payload)
		if err != nil {
			t.Fatal(err)
		}
		shot := scene.Random(rng, scene.Moderate, code.Size, 320, 240)
		gray := scene.Render(code, shot.Params, rng)
		r, ok := NewDecoder().Decode(gray, 320, 240)
		if !ok || r.Pass != "roi-rot" {
			continue
		}
		d := NewDecoder()
		d.budget = time.Nanosecond
		if r2, ok := d.Decode(gray, 320, 240); ok && r2.Pass == "roi-rot" {
			t.Fatalf("frame %d read by the resampled passes past the budget", i)
		}
		if d.Stats().OverBudget != 1 {
			t.Fatalf("over budget counted %d times, want 1", d.Stats().OverBudget)
		}
		return
	}
	t.Fatal("no frame read by the resampled passes; test premise broken")
}

package camera

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"

	"guichet/camera/internal/scene"
)

// hybridBits must give gozxing's HybridBinarizer's bits exactly, on whole
// planes and on crops whose sides are not multiples of the block size.
func TestHybridBits_matchesGozxing(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	code, err := scene.Encode(v3)
	if err != nil {
		t.Fatal(err)
	}
	var sc binScratch
	for i := 0; i < 12; i++ {
		shot := scene.Random(rng, []string{scene.Easy, scene.Moderate, scene.Hard, scene.None}[i%4], code.Size, 320, 240)
		var c *scene.Code
		if i%4 != 3 {
			c = code
		}
		p := plane{scene.Render(c, shot.Params, rng), 320, 240}
		for _, r := range []rect{{0, 0, 320, 240}, {13, 7, 203, 149}, {100, 50, 41, 43}, {0, 0, 40, 40}, {5, 5, 64, 64}} {
			got, ok := hybridBits(p, r, &sc)
			if !ok {
				t.Fatalf("frame %d %v: not binarized", i, r)
			}
			want := gozxingBits(t, p, r)
			for y := 0; y < r.h; y++ {
				for x := 0; x < r.w; x++ {
					if got.Get(x, y) != want.Get(x, y) {
						t.Fatalf("frame %d %v: bit (%d,%d) = %v, gozxing %v", i, r, x, y, got.Get(x, y), want.Get(x, y))
					}
				}
			}
		}
	}
	if _, ok := hybridBits(plane{make([]byte, 39*100), 39, 100}, rect{0, 0, 39, 100}, &sc); ok {
		t.Fatal("binarized a plane narrower than 40 px")
	}
}

func gozxingBits(t testing.TB, p plane, r rect) *gozxing.BitMatrix {
	src, err := gozxing.NewPlanarYUVLuminanceSource(p.pix, p.w, p.h, r.x, r.y, r.w, r.h, false)
	if err != nil {
		t.Fatal(err)
	}
	m, err := gozxing.NewHybridBinarizer(src).GetBlackMatrix()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// BenchmarkHybridBits compares hybridBits with gozxing's HybridBinarizer on
// a 320x240 plane (what the first pass binarizes at 640x480), alternating
// them so that machine load hits both alike.
func BenchmarkHybridBits(b *testing.B) {
	code, _ := scene.Encode(v3)
	rng := rand.New(rand.NewPCG(5, 5))
	shot := scene.Random(rng, scene.Moderate, code.Size, 320, 240)
	p := plane{scene.Render(code, shot.Params, rng), 320, 240}
	r := rect{0, 0, 320, 240}
	var sc binScratch
	var ours, theirs time.Duration
	for b.Loop() {
		t0 := time.Now()
		hybridBits(p, r, &sc)
		t1 := time.Now()
		gozxingBits(b, p, r)
		ours += t1.Sub(t0)
		theirs += time.Since(t1)
	}
	b.ReportMetric(float64(ours.Nanoseconds())/float64(b.N), "ours-ns/op")
	b.ReportMetric(float64(theirs.Nanoseconds())/float64(b.N), "gozxing-ns/op")
}

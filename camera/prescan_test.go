package camera

import (
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode/detector"

	"guichet/camera/internal/scene"
)

// mayHoldFinder may only rule out a search that would have found nothing:
// whenever it says no row passes, gozxing's Find sees no candidate at all.
// It must also rule out most frames without a code (that is its use).
func TestFinderRows_neverHidesACandidate(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	code, err := scene.Encode(v3)
	if err != nil {
		t.Fatal(err)
	}
	var sc binScratch
	skipped, empty := 0, 0
	for i := 0; i < 40; i++ {
		diff := []string{scene.Easy, scene.Moderate, scene.Hard, scene.None}[i%4]
		shot := scene.Random(rng, diff, code.Size, 320, 240)
		var c *scene.Code
		if diff != scene.None {
			c = code
		}
		p := plane{scene.Render(c, shot.Params, rng), 320, 240}
		m, ok := hybridBits(p, rect{0, 0, 320, 240}, &sc)
		if !ok {
			t.Fatal("not binarized")
		}
		for _, pol := range []struct {
			name string
			pass bool
		}{{"dark", false}, {"light", false}} {
			if pol.name == "light" {
				m.FlipAll()
			}
			pol.pass = mayHoldFinder(m, &sc)
			seen := 0
			cb := gozxing.ResultPointCallback(func(gozxing.ResultPoint) { seen++ })
			_, _ = detector.NewFinderPatternFinder(m, cb).Find(nil)
			if !pol.pass && seen > 0 {
				t.Fatalf("frame %d (%s), %s: prescan ruled out a search that found %d candidates", i, diff, pol.name, seen)
			}
			if diff == scene.None {
				empty++
				if !pol.pass {
					skipped++
				}
			}
		}
	}
	t.Logf("searches ruled out on frames without a code: %d of %d", skipped, empty)
	if skipped < empty/2 {
		t.Errorf("prescan ruled out only %d of %d searches on frames without a code", skipped, empty)
	}
}

func TestRowRuns(t *testing.T) {
	// bits 0-2 set, 3-39 clear, 40-69 set (width 70)
	words := []uint32{0b111, 0xffffff00, 0x3f}
	got := rowRuns(words, 70, nil)
	want := []int{3, 37, 30}
	if len(got) != len(want) {
		t.Fatalf("runs %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("runs %v, want %v", got, want)
		}
	}
}

package camera

import (
	"math/rand/v2"
	"testing"

	"guichet/camera/internal/scene"
)

// render draws payload with p (size defaults to 640x480, centred).
func render(t testing.TB, payload string, p scene.Params) []byte {
	t.Helper()
	if p.Width == 0 {
		p.Width, p.Height = 640, 480
	}
	if p.CX == 0 {
		p.CX, p.CY = float64(p.Width)/2, float64(p.Height)/2
	}
	var code *scene.Code
	if payload != "" {
		var err error
		if code, err = scene.Encode(payload); err != nil {
			t.Fatal(err)
		}
	}
	return scene.Render(code, p, rand.New(rand.NewPCG(1, 2)))
}

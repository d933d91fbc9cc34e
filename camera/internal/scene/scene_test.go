package scene

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestRender_deterministic(t *testing.T) {
	code, err := Encode("PASSCULTURE:v3;TOKEN:ABC234")
	if err != nil {
		t.Fatal(err)
	}
	frame := func() []byte {
		rng := rand.New(rand.NewPCG(3, 4))
		shot := Random(rng, Moderate, code.Size, 320, 240)
		return Render(code, shot.Params, rng)
	}
	a, b := frame(), frame()
	if !bytes.Equal(a, b) {
		t.Fatal("same seed gave different frames")
	}
	if len(a) != 320*240 {
		t.Fatalf("plane of %d bytes", len(a))
	}
}

func TestToken(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200; i++ {
		tok := Token(rng)
		if len(tok) != 6 || strings.Trim(tok, TokenAlphabet) != "" {
			t.Fatalf("token %q", tok)
		}
		p := Payload(rng)
		if !strings.HasPrefix(p, "PASSCULTURE:v") && len(p) != 6 {
			t.Fatalf("payload %q", p)
		}
	}
}

// Each camera degradation must change the frame the way it claims to.
func TestRender_degradations(t *testing.T) {
	code, err := Encode("PASSCULTURE:v3;TOKEN:ABC234")
	if err != nil {
		t.Fatal(err)
	}
	base := Params{Width: 320, Height: 240, CX: 160, CY: 120, Module: 4, Dark: 30, Light: 200}
	render := func(p Params) []byte { return Render(code, p, rand.New(rand.NewPCG(1, 1))) }
	// edges sums the squared horizontal differences: blur spreads each
	// edge over more pixels and lowers it.
	edges := func(g []byte) int {
		s := 0
		for i := 1; i < len(g); i++ {
			d := int(g[i]) - int(g[i-1])
			s += d * d
		}
		return s
	}
	// flatVar is the variance of a background patch (no code there).
	flatVar := func(g []byte) float64 {
		var sum, sq float64
		n := 0
		for y := 5; y < 25; y++ {
			for x := 5; x < 25; x++ {
				v := float64(g[y*320+x])
				sum, sq, n = sum+v, sq+v*v, n+1
			}
		}
		m := sum / float64(n)
		return sq/float64(n) - m*m
	}
	clean := render(base)
	with := func(f func(*Params)) []byte { p := base; f(&p); return render(p) }

	for name, f := range map[string]func(*Params){
		"defocus": func(p *Params) { p.Defocus = 2 },
		"motion":  func(p *Params) { p.MotionLen = 5; p.MotionAngle = 30 },
	} {
		if e, e0 := edges(with(f)), edges(clean); e >= e0/2 {
			t.Errorf("%s: edge energy %d, clean %d: not blurred", name, e, e0)
		}
	}
	if v := flatVar(with(func(p *Params) { p.Exposure = 0.2 })); v < 20 {
		t.Errorf("low light: background variance %.1f, want noise", v)
	}
	if v := flatVar(clean); v > 1 {
		t.Errorf("clean background variance %.1f", v)
	}
	glare := with(func(p *Params) {
		p.Gain = 1.5
		p.Glare = []Glare{{X: 160, Y: 120, SX: 20, SY: 10, Amp: 200}}
	})
	if glare[120*320+160] != 255 || clean[120*320+160] == 255 {
		t.Errorf("glare centre %d (clean %d), want clipped at 255", glare[120*320+160], clean[120*320+160])
	}
	// A screen's pixel grid puts texture into the light quiet zone.
	quietVar := func(g []byte) float64 {
		var sum, sq float64
		for x := 0; x < 8; x++ {
			v := float64(g[120*320+160-int(18*4)+x]) // inside the quiet zone, left of the code
			sum, sq = sum+v, sq+v*v
		}
		return sq/8 - (sum/8)*(sum/8)
	}
	screen := with(func(p *Params) { p.Screen, p.ScreenPitch, p.ScreenGrid = true, 1.0/3, 0.5 })
	if quietVar(screen) < 10*quietVar(clean)+4 {
		t.Errorf("screen grid: quiet-zone variance %.1f, clean %.1f", quietVar(screen), quietVar(clean))
	}
}

// Random draws the camera situations it lists, with two (moderate) or
// three (hard) per frame, and a second code in view carries its payload.
func TestRandom_situations(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	seen := map[string]int{}
	for i := 0; i < 300; i++ {
		diff := []string{Moderate, Hard}[i%2]
		s := Random(rng, diff, 29, 640, 480)
		want := 3
		if diff == Hard {
			want = 4
		}
		if len(s.Tags) != want || (s.Tags[0] != "screen" && s.Tags[0] != "paper") {
			t.Fatalf("%s frame tags %v", diff, s.Tags)
		}
		for _, tag := range s.Tags {
			seen[tag]++
		}
		for _, o := range s.Others {
			if o.Code == nil || o.Payload == "" || len(s.Payloads("main")) != 2 {
				t.Fatalf("second code without payload: %+v", o)
			}
		}
		if s.Rotation < -180 || s.Rotation > 180 || s.JPEGQuality < 40 {
			t.Fatalf("rotation %.0f, jpeg %d", s.Rotation, s.JPEGQuality)
		}
	}
	for _, d := range Degradations {
		if seen[d] == 0 {
			t.Errorf("situation %q never drawn", d)
		}
	}
}

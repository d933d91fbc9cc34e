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

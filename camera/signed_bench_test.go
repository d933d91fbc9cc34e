package camera

import (
	"crypto/ed25519"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing/qrcode/decoder"

	"guichet/app"
	"guichet/camera/internal/scene"
)

// signedFor is the signed ticket of a booking with countermark tok, as the server makes it:
// 6- and 7-digit ids, a duo, a 19-character name.
func signedFor(tok string) string {
	start := time.Date(2026, 12, 1, 19, 30, 0, 0, time.UTC)
	b := &app.Booking{ID: 1_234_567, Token: tok, Quantity: 2, VenueID: 1234, StockID: 456_789, ShowStart: start,
		CancellationLimit: start.Add(-48 * time.Hour), FirstName: "Léa", LastName: "Dupont-Martin"}
	return app.SignedPayload(tok, app.TicketOf(b, 3), ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize)))
}

// ticketKinds are the QR codes compared: today's plain payload, the signed ticket in one mode
// (gozxing's encoder) and the signed ticket in segments (internal/qrseg, what the server draws).
var ticketKinds = []struct {
	name   string
	encode func(tok string) (*scene.Code, string, error)
}{
	{"plain", func(tok string) (*scene.Code, string, error) {
		p := "PASSCULTURE:v3;TOKEN:" + tok
		c, err := scene.Encode(p)
		return c, p, err
	}},
	{"signed-onemode", func(tok string) (*scene.Code, string, error) {
		p := signedFor(tok)
		c, err := scene.Encode(p)
		return c, p, err
	}},
	{"signed", func(tok string) (*scene.Code, string, error) {
		p := signedFor(tok)
		c, err := scene.EncodeSegmented(p)
		return c, p, err
	}},
	{"signed-L", func(tok string) (*scene.Code, string, error) { // error correction L: 45 modules
		p := signedFor(tok)
		c, err := scene.EncodeSegmentedAt(p, decoder.ErrorCorrectionLevel_L)
		return c, p, err
	}},
}

// BenchmarkDecoder_SignedVsPlain (issue 16) reads phone screens showing the same ticket as a
// plain payload and as a signed one, at the same physical size: the code's side (quiet zone
// excluded) is px pixels of a 1280×720 webcam frame whatever its number of modules, so a signed
// code's modules are smaller. Frame i is the same scene for every kind (scene.Random's easy or
// moderate situations, forced onto a phone screen whose pixels per module shrink with the
// number of modules; a second code in view is dropped). Reports read% (frames read with the
// right text) and the decoder's time per frame. docs/bench.md gives the run and how px maps to
// distances.
//
//	go test -run '^$' -bench 'Decoder_SignedVsPlain' -benchtime 40x -cpu 1 ./camera/
//
// The frames are those of PCG stream 16, on which the server's encoding (segments, level L) was
// chosen; GUICHET_SCAN_STREAM=1016 draws the held-out frames it is checked on.
func BenchmarkDecoder_SignedVsPlain(b *testing.B) {
	const w, h = 1280, 720
	stream := uint64(16)
	if s := os.Getenv("GUICHET_SCAN_STREAM"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			b.Fatalf("GUICHET_SCAN_STREAM=%q: %v", s, err)
		}
		stream = n
	}
	for _, diff := range []string{scene.Easy, scene.Moderate} {
		for _, px := range []int{80, 100, 130, 170, 220, 280} {
			for _, k := range ticketKinds {
				b.Run(fmt.Sprintf("%s/%dpx/%s", diff, px, k.name), func(b *testing.B) {
					d := NewDecoder()
					reads, modules := 0, 0
					for i := 0; i < b.N; i++ {
						b.StopTimer()
						rng := rand.New(rand.NewPCG(uint64(i), stream))
						code, payload, err := k.encode(scene.Token(rng))
						if err != nil {
							b.Fatal(err)
						}
						modules = code.Size
						gray := scene.Render(code, phoneAt(rng, diff, code.Size, px, w, h), rng)
						b.StartTimer()
						if res, ok := d.Decode(gray, w, h); ok {
							if res.Text != payload {
								b.Fatalf("frame %d read %q, want %q", i, res.Text, payload)
							}
							reads++
						}
					}
					b.ReportMetric(100*float64(reads)/float64(b.N), "read%")
					b.ReportMetric(float64(modules), "modules")
				})
			}
		}
	}
}

// phoneAt draws frame parameters like scene.Random, then puts the code on a phone screen with
// its side at px pixels.
func phoneAt(rng *rand.Rand, diff string, size, px, w, h int) scene.Params {
	shot := scene.Random(rng, diff, size, w, h)
	p := shot.Params
	module := float64(px) / float64(size)
	f := module / p.Module
	for i := range p.Glare { // the reflection keeps its place and size relative to the code
		g := &p.Glare[i]
		g.X, g.Y = p.CX+(g.X-p.CX)*f, p.CY+(g.Y-p.CY)*f
		g.SX, g.SY = g.SX*f, g.SY*f
	}
	p.Module, p.Others = module, nil
	// A phone draws the whole code (with its quiet zone) in about the same number of its own
	// pixels: 3 to 9 per module for the 37-module plain code with its quiet zone.
	p.Screen = true
	p.ScreenPitch = float64(size+8) / (37 * (3 + 6*rng.Float64()))
	if p.ScreenGrid == 0 {
		p.ScreenGrid = 0.15 + 0.35*rng.Float64()
	}
	return p
}

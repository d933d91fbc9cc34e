package scene

import (
	"math/rand/v2"
	"strings"
)

// Difficulty classes of the bench frame set.
const (
	Easy     = "easy"
	Moderate = "moderate"
	Hard     = "hard"
	None     = "none" // no code in the frame
)

// TokenAlphabet is the countermark alphabet (no 0, 1, 8, 9, I, O).
const TokenAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ234567"

// Token draws a 6-character countermark from rng.
func Token(rng *rand.Rand) string {
	var b strings.Builder
	for i := 0; i < 6; i++ {
		b.WriteByte(TokenAlphabet[rng.IntN(len(TokenAlphabet))])
	}
	return b.String()
}

// Payload draws what a beneficiary's phone shows: mostly the v3 payload,
// sometimes the older v2 one or a bare token.
func Payload(rng *rand.Rand) string {
	t := Token(rng)
	switch r := rng.IntN(10); {
	case r < 6:
		return "PASSCULTURE:v3;TOKEN:" + t
	case r < 8:
		return "PASSCULTURE:v2;TOKEN:" + t
	default:
		return t
	}
}

// Shot is one frame of the bench set: how to render it and how to store it.
type Shot struct {
	Params
	JPEGQuality int // 0: store losslessly (PNG)
}

func uniform(rng *rand.Rand, lo, hi float64) float64 { return lo + rng.Float64()*(hi-lo) }

func sign(rng *rand.Rand) float64 {
	if rng.IntN(2) == 0 {
		return -1
	}
	return 1
}

// Random draws the rendering parameters of one frame of the given
// difficulty for a code of codeSize modules in a width x height frame.
// Module sizes scale with the frame height (a 720p webcam sees the same
// scene with more pixels).
func Random(rng *rand.Rand, difficulty string, codeSize, width, height int) Shot {
	scale := float64(height) / 480
	var s Shot
	p := &s.Params
	p.Width, p.Height = width, height
	p.Clutter = rng.IntN(6)
	contrast := 215.0
	switch difficulty {
	case Easy:
		p.Module = uniform(rng, 4, 8) * scale
		p.Rotation = uniform(rng, -15, 15)
		p.Tilt = uniform(rng, -8, 8)
		p.Blur = uniform(rng, 0, 0.6) * scale
		p.Noise = uniform(rng, 0, 3)
		p.Gradient = uniform(rng, 0, 0.15)
		if rng.IntN(3) == 0 {
			s.JPEGQuality = 90
		}
	case Moderate:
		p.Module = uniform(rng, 2.8, 6) * scale
		p.Rotation = sign(rng) * uniform(rng, 15, 45)
		p.Tilt = sign(rng) * uniform(rng, 5, 25)
		p.Blur = uniform(rng, 0.8, 1.6) * scale
		p.Noise = uniform(rng, 3, 8)
		contrast = uniform(rng, 50, 120)
		p.Gradient = uniform(rng, 0.1, 0.35)
		s.JPEGQuality = 50 + rng.IntN(30)
	case Hard:
		p.Module = uniform(rng, 2.6, 5) * scale
		p.Rotation = uniform(rng, -45, 45)
		p.Tilt = sign(rng) * uniform(rng, 15, 35)
		p.Blur = uniform(rng, 1.3, 2.0) * scale
		p.Noise = uniform(rng, 5, 10)
		contrast = uniform(rng, 35, 70)
		p.Gradient = uniform(rng, 0.2, 0.45)
		p.Inverted = rng.IntN(6) == 0
		s.JPEGQuality = 35 + rng.IntN(25)
	default: // None: clutter, blur and noise, no code
		p.Clutter = 5 + rng.IntN(20)
		p.Blur = uniform(rng, 0, 1.5)
		p.Noise = uniform(rng, 0, 10)
		contrast = uniform(rng, 40, 215)
		if rng.IntN(2) == 0 {
			s.JPEGQuality = 40 + rng.IntN(50)
		}
	}
	mid := uniform(rng, 100, 150)
	p.Dark, p.Light = mid-contrast/2, mid+contrast/2
	if p.Dark < 0 {
		p.Dark, p.Light = 5, 5+contrast
	}
	// Keep the whole code (and its quiet zone) in the frame, near the centre
	// where the cashier's aim box is, but not exactly on it.
	half := (float64(codeSize)/2 + 4) * p.Module * 1.42
	p.CX = float64(width)/2 + uniform(rng, -1, 1)*max(0, float64(width)/2-half)*0.5
	p.CY = float64(height)/2 + uniform(rng, -1, 1)*max(0, float64(height)/2-half)*0.5
	return s
}

package scene

import (
	"math"
	"math/rand/v2"
	"slices"
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
	JPEGQuality int      // 0: store losslessly (PNG); webcams send MJPEG at q 40-90
	Tags        []string // the camera situations drawn (see Degradations)
}

// Payloads returns the texts of every code in the shot, the main one
// first (payload is the main code's).
func (s Shot) Payloads(payload string) []string {
	out := []string{payload}
	for _, o := range s.Others {
		out = append(out, o.Payload)
	}
	return out
}

// Degradations are the camera situations Random draws from, as tags.
var Degradations = []string{
	"defocus",     // fixed-focus webcam, code at 30-60 cm
	"motion",      // the phone moves during the exposure
	"lowlight",    // dim hall: amplified shot noise
	"glare",       // reflection of a lamp on the screen, clipped
	"clipping",    // overexposed bright screen
	"far",         // small code, far from the camera
	"perspective", // strongly tilted
	"curved",      // bent paper or curved screen
	"inverted",    // dark-mode screen
	"multi",       // two codes in view
}

func uniform(rng *rand.Rand, lo, hi float64) float64 { return lo + rng.Float64()*(hi-lo) }

func sign(rng *rand.Rand) float64 {
	if rng.IntN(2) == 0 {
		return -1
	}
	return 1
}

// level gives a degradation's strength: lo..hi for moderate frames, hi..top
// for hard ones.
func level(rng *rand.Rand, hard bool, lo, hi, top float64) float64 {
	if hard {
		return uniform(rng, hi, top)
	}
	return uniform(rng, lo, hi)
}

// Random draws the rendering parameters of one frame of the given
// difficulty for a code of codeSize modules in a width x height frame.
// Sizes in pixels are drawn for 640x480 and scale with the frame height (a
// 720p webcam sees the same scene with more pixels).
//
// Every frame is a phone screen (¾: pixel grid, bezel) or paper, at any
// rotation, with a mild perspective, focus blur, noise and MJPEG
// compression. Moderate frames add two camera situations drawn from
// Degradations at moderate strength, hard frames three at high strength;
// frames without code are screens or tables with clutter and text-like
// marks, with the same kinds of degradation.
func Random(rng *rand.Rand, difficulty string, codeSize, width, height int) Shot {
	scale := float64(height) / 480
	var s Shot
	p := &s.Params
	p.Width, p.Height = width, height
	p.Clutter = rng.IntN(6)
	p.Screen = rng.IntN(4) != 0
	if p.Screen {
		// 3 to 9 phone pixels per module, seen by a grey webcam.
		p.ScreenPitch = 1 / uniform(rng, 3, 9)
		p.ScreenGrid = uniform(rng, 0.15, 0.5)
		s.Tags = append(s.Tags, "screen")
	} else {
		s.Tags = append(s.Tags, "paper")
	}
	p.Rotation = uniform(rng, -180, 180)
	p.Tilt = uniform(rng, -12, 12)
	p.Yaw = uniform(rng, -12, 12)
	p.Blur = uniform(rng, 0.3, 0.7) * scale
	p.Noise = uniform(rng, 1, 4)
	s.JPEGQuality = 60 + rng.IntN(31)
	contrast := uniform(rng, 150, 215)
	mid := uniform(rng, 110, 150)
	p.Gradient = uniform(rng, 0, 0.2)
	module := 0.0
	hard := difficulty == Hard
	var picks []string
	switch difficulty {
	case Easy:
		module = uniform(rng, 4, 8)
		p.Blur = uniform(rng, 0, 0.6) * scale
	case Moderate, Hard:
		module = uniform(rng, 3, 6)
		n := 2
		if hard {
			n = 3
			module = uniform(rng, 2.6, 5)
			s.JPEGQuality = 40 + rng.IntN(31)
		}
		for _, i := range rng.Perm(len(Degradations))[:n] {
			picks = append(picks, Degradations[i])
		}
	default: // None: clutter, text and the degradations, no code
		p.Clutter = 5 + rng.IntN(20)
		p.Text = rng.IntN(400)
		for _, i := range rng.Perm(5)[:2] { // defocus, motion, lowlight, glare, clipping
			picks = append(picks, Degradations[i])
		}
		module = uniform(rng, 3, 6)
	}
	for _, d := range picks {
		switch d {
		case "defocus":
			p.Defocus = level(rng, hard, 1.2, 2.2, 3) * scale
			p.Blur = 0
		case "motion":
			p.MotionLen = level(rng, hard, 2, 4.5, 7) * scale
			p.MotionAngle = uniform(rng, 0, 180)
		case "lowlight":
			p.Exposure = level(rng, !hard, 0.12, 0.25, 0.5)
			contrast *= uniform(rng, 0.4, 0.7)
			mid *= uniform(rng, 0.5, 0.8)
		case "glare":
			// Placed by the code below, once its position is known.
		case "clipping":
			p.Gain = level(rng, hard, 1.3, 1.7, 2.2)
			mid += uniform(rng, 20, 50)
		case "far":
			module = level(rng, !hard, 1.5, 2, 2.6)
			p.Blur = min(p.Blur, 0.5*scale)
		case "perspective":
			t := level(rng, hard, 22, 35, 45)
			a := uniform(rng, 0, math.Pi/2)
			p.Tilt, p.Yaw = sign(rng)*t*math.Cos(a), sign(rng)*t*math.Sin(a)
		case "curved":
			p.Curve = level(rng, hard, 0.3, 0.6, 0.9)
		case "inverted":
			p.Inverted = true
		case "multi":
			module = min(module, level(rng, !hard, 2.8, 3.3, 4.2))
		}
	}
	s.Tags = append(s.Tags, picks...)
	p.Module = module * scale
	p.Dark, p.Light = mid-contrast/2, mid+contrast/2
	if p.Dark < 5 {
		p.Dark, p.Light = 5, 5+contrast
	}
	// Keep the whole code (and its quiet zone) in the frame, mostly near
	// the centre where the cashier aims, but not exactly on it.
	half := (float64(codeSize)/2 + 4) * p.Module * 1.42
	spread := 0.6
	if slices.Contains(picks, "far") {
		spread = 0.85
	}
	p.CX = float64(width)/2 + uniform(rng, -1, 1)*max(0, float64(width)/2-half)*spread
	p.CY = float64(height)/2 + uniform(rng, -1, 1)*max(0, float64(height)/2-half)*spread
	if slices.Contains(picks, "multi") {
		// Two phones (or a printout of two tickets) side by side.
		payload := Payload(rng)
		if code, err := Encode(payload); err == nil {
			dx := (float64(max(codeSize, code.Size))/2 + 6) * p.Module * 1.15
			p.CX = min(max(p.CX, dx+half/2), float64(width)-dx-half/2)
			side := sign(rng)
			o := Other{Code: code, Payload: payload, CX: p.CX + side*dx, CY: p.CY + uniform(rng, -1, 1)*dx*0.2,
				Rotation: p.Rotation + uniform(rng, -20, 20)}
			p.CX -= side * dx
			p.Others = append(p.Others, o)
		}
	}
	if slices.Contains(picks, "glare") {
		size := float64(codeSize) * p.Module
		p.Glare = append(p.Glare, Glare{
			X: p.CX + uniform(rng, -0.4, 0.4)*size, Y: p.CY + uniform(rng, -0.4, 0.4)*size,
			SX: uniform(rng, 0.1, 0.35) * size, SY: uniform(rng, 0.05, 0.2) * size,
			Angle: uniform(rng, 0, 180), Amp: level(rng, hard, 60, 140, 220),
		})
	}
	return s
}

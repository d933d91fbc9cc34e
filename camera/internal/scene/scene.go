// Package scene renders synthetic camera frames that contain QR codes, the
// way a counter webcam sees them: the code is placed, rotated, tilted in
// perspective, bent, shown on a phone screen (pixel grid, bezel, glare) or
// paper, and the frame is then degraded as a webcam does (defocus, motion
// blur, low light noise, clipping, uneven light; JPEG artefacts are added
// when the frame is stored). It backs the camera package's synthetic source
// and the bench frame-set generator, and is deterministic for a given
// random source.
package scene

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"

	"guichet/internal/qrseg"
)

// Code is a QR symbol as a square grid of modules (true = dark), without
// quiet zone.
type Code struct {
	Size    int
	modules []bool
}

// Encode builds the QR symbol for payload with error-correction level M, the
// level phone apps typically use.
func Encode(payload string) (*Code, error) {
	hints := map[gozxing.EncodeHintType]interface{}{
		gozxing.EncodeHintType_MARGIN:           0,
		gozxing.EncodeHintType_ERROR_CORRECTION: decoder.ErrorCorrectionLevel_M,
	}
	m, err := qrcode.NewQRCodeWriter().Encode(payload, gozxing.BarcodeFormat_QR_CODE, 0, 0, hints)
	if err != nil {
		return nil, fmt.Errorf("encode qr: %w", err)
	}
	n := m.GetWidth()
	c := &Code{Size: n, modules: make([]bool, n*n)}
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			c.modules[y*n+x] = m.Get(x, y)
		}
	}
	return c, nil
}

// Dark reports whether module (x, y) is dark; outside the symbol is light.
func (c *Code) Dark(x, y int) bool {
	if x < 0 || y < 0 || x >= c.Size || y >= c.Size {
		return false
	}
	return c.modules[y*c.Size+x]
}

// Params describes where and how the code appears and how the frame is
// degraded. The zero value of every degradation means "none".
type Params struct {
	Width, Height int
	CX, CY        float64 // code centre in pixels
	Module        float64 // module size in pixels
	Rotation      float64 // in-plane rotation, degrees
	Tilt          float64 // perspective tilt around the horizontal axis, degrees
	Blur          float64 // gaussian-like blur radius (sigma, pixels)
	Noise         float64 // gaussian noise standard deviation (grey levels)
	Dark, Light   float64 // grey level of dark and light modules (default 20 and 235)
	Gradient      float64 // illumination falloff across the frame, 0..1
	Inverted      bool    // light modules on dark background (dark-mode screens)
	Clutter       int     // number of random rectangles in the background
	Quiet         float64 // quiet zone in modules (default 4)
	Supersample   int     // samples per pixel axis for antialiasing (default 3)

	Yaw   float64 // perspective turn around the vertical axis, degrees
	Curve float64 // bend around the code's vertical axis: half-width over radius (0 flat, ~1 strongly curved)
	// Screen shows the code on a phone: a light screen area around the
	// quiet zone, a dark bezel, and the screen's pixel grid (Pitch modules
	// per phone pixel, Grid the strength of its sub-pixel stripes and black
	// matrix, 0..1), which the camera's pixels alias into moiré.
	Screen      bool
	ScreenPitch float64
	ScreenGrid  float64
	Glare       []Glare // reflections on the screen (added light, before the optics)
	Defocus     float64 // defocus disk radius (pixels)
	MotionLen   float64 // motion blur length (pixels)
	MotionAngle float64 // motion blur direction, degrees
	Gain        float64 // exposure gain around mid grey: > 1 clips highlights and shadows (0 means 1)
	// Exposure below 1 is low light: the sensor gathers Exposure times the
	// light and the camera amplifies it back, so shot noise grows as
	// sqrt(level / Exposure). 0 means 1 (no extra noise).
	Exposure float64
	Text     int     // small dark glyph-like marks in the background (printed text, UI)
	Others   []Other // more codes in view, drawn with the same module size, tilt and degradations
}

// Other is an extra code in the frame.
type Other struct {
	Code     *Code
	Payload  string
	CX, CY   float64
	Rotation float64
}

// Glare is a bright elliptical reflection: Amp grey levels at the centre,
// falling off as a gaussian of sigma SX by SY pixels turned by Angle.
type Glare struct {
	X, Y, SX, SY, Angle, Amp float64
}

// Render draws the frame described by p as a row-major grey plane.
// code may be nil for a frame without code (background and degradations only).
func Render(code *Code, p Params, rng *rand.Rand) []byte {
	w, h := p.Width, p.Height
	dark, light := p.Dark, p.Light
	if dark == 0 && light == 0 {
		dark, light = 20, 235
	}
	quiet := p.Quiet
	if quiet == 0 {
		quiet = 4
	}
	buf := make([]float64, w*h)
	// Background: mid grey table/hand with clutter.
	bg := (dark + light) / 2
	for i := range buf {
		buf[i] = bg
	}
	for i := 0; i < p.Clutter; i++ {
		rx, ry := rng.IntN(w), rng.IntN(h)
		rw, rh := 5+rng.IntN(w/4+1), 5+rng.IntN(h/4+1)
		v := dark + rng.Float64()*(light-dark)
		for y := ry; y < ry+rh && y < h; y++ {
			for x := rx; x < rx+rw && x < w; x++ {
				buf[y*w+x] = v
			}
		}
	}
	for i := 0; i < p.Text; i++ {
		rx, ry := rng.IntN(w), rng.IntN(h)
		rw, rh := 1+rng.IntN(6), 2+rng.IntN(7)
		for y := ry; y < ry+rh && y < h; y++ {
			for x := rx; x < rx+rw && x < w; x++ {
				buf[y*w+x] = dark + (light-dark)*0.1
			}
		}
	}
	if code != nil {
		drawCode(buf, code, p, dark, light, quiet)
	} else if p.Screen {
		drawCode(buf, &Code{Size: 25, modules: make([]bool, 25*25)}, p, dark, light, quiet)
	}
	for _, o := range p.Others {
		q := p
		q.CX, q.CY, q.Rotation = o.CX, o.CY, o.Rotation
		drawCode(buf, o.Code, q, dark, light, quiet)
	}
	camera(buf, p, rng)
	return quantize(buf)
}

// drawCode draws code as the camera sees it: the code plane is turned by
// Rotation in its own plane, bent by Curve, tilted by Tilt (around the
// horizontal axis) and Yaw (vertical axis) and projected through a pinhole
// whose focal length is 1.6 times the frame's larger side, so that the
// code's centre lands on (CX, CY) with Module pixels per module there.
func drawCode(buf []float64, code *Code, p Params, dark, light, quiet float64) {
	w, h := p.Width, p.Height
	sin, cos := math.Sincos(p.Rotation * math.Pi / 180)
	ts, tc := math.Sincos(p.Tilt * math.Pi / 180)
	ys, yc := math.Sincos(p.Yaw * math.Pi / 180)
	f := 1.6 * float64(max(w, h)) // focal length in pixels
	// The plane's axes and normal in camera coordinates (x right, y down,
	// z forward): tilt turns around x, then yaw around y.
	ex := [3]float64{yc, 0, -ys}
	ey := [3]float64{ys * ts, tc, yc * ts}
	n := [3]float64{ys * tc, -ts, yc * tc}
	on := f * n[2] // plane origin (0, 0, f) dotted with n
	half := float64(code.Size)/2 + quiet
	outer := half // light screen, then bezel, in modules from the centre
	var screenU, screenV, bezel float64
	if p.Screen {
		screenU, screenV, bezel = half+1.5, half+5, 3
		outer = screenV + bezel
	}
	tilt := max(math.Abs(p.Tilt), math.Abs(p.Yaw))
	reach := outer * p.Module * math.Sqrt2 * (1 + 2*math.Sin(tilt*math.Pi/180))
	x0, x1 := int(max(0, p.CX-reach)), int(min(float64(w), p.CX+reach+1))
	y0, y1 := int(max(0, p.CY-reach)), int(min(float64(h), p.CY+reach+1))
	fg, bgc := dark, light
	if p.Inverted {
		fg, bgc = light, dark
	}
	bezelLevel := min(dark, 25)
	ss := p.Supersample
	if ss <= 0 {
		ss = 3
	}
	radius := 0.0 // curvature radius in pixels of the code plane
	if p.Curve > 0 {
		radius = half * p.Module / p.Curve
	}
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			acc, hits := 0.0, 0
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					ix := float64(x) + (float64(sx)+0.5)/float64(ss) - p.CX
					iy := float64(y) + (float64(sy)+0.5)/float64(ss) - p.CY
					// Intersect the ray through (ix, iy) with the plane.
					dn := ix*n[0] + iy*n[1] + f*n[2]
					if dn <= 1e-9 {
						continue
					}
					t := on / dn
					px, py, pz := t*ix, t*iy, t*f-f
					X := px*ex[0] + py*ex[1] + pz*ex[2]
					Y := px*ey[0] + py*ey[1] + pz*ey[2]
					if radius > 0 {
						// Unroll the bent surface: X is the chord, the
						// arc length along the surface is what the code
						// is printed on; the edges also come closer.
						r := X / radius
						if math.Abs(r) >= 1 {
							continue
						}
						a := math.Asin(r)
						X = radius * a
						Y *= 1 - (1-math.Cos(a))*radius/f
					}
					u := (X*cos + Y*sin) / p.Module
					v := (-X*sin + Y*cos) / p.Module
					au, av := math.Abs(u), math.Abs(v)
					if au > outer || av > outer {
						continue
					}
					var val float64
					switch {
					case au <= half && av <= half:
						mx := int(math.Floor(u + float64(code.Size)/2))
						my := int(math.Floor(v + float64(code.Size)/2))
						val = bgc
						if code.Dark(mx, my) {
							val = fg
						}
					case p.Screen && au <= screenU && av <= screenV:
						val = bgc
					case p.Screen && au <= screenU+bezel && av <= screenV+bezel:
						val = bezelLevel
					default:
						continue
					}
					if p.Screen && au <= screenU && av <= screenV && p.ScreenGrid > 0 {
						val = bezelLevel + (val-bezelLevel)*screenCell(u, v, p.ScreenPitch, p.ScreenGrid)
					}
					hits++
					acc += val
				}
			}
			if hits > 0 {
				i := y*w + x
				buf[i] = (acc + buf[i]*float64(ss*ss-hits)) / float64(ss*ss)
			}
		}
	}
}

// screenCell is the light a phone's pixel grid lets through at (u, v)
// modules, relative to a uniform screen: each phone pixel (pitch modules
// wide) has red, green and blue stripes that a grey camera sees with
// different weights, and a dark gap (the black matrix) around them.
// strength 0 is uniform, 1 the full pattern.
func screenCell(u, v, pitch, strength float64) float64 {
	if pitch <= 0 {
		return 1
	}
	fu := u/pitch - math.Floor(u/pitch)
	fv := v/pitch - math.Floor(v/pitch)
	var m float64
	switch {
	case fv > 0.85 || fu > 0.93:
		m = 0 // black matrix
	case fu < 0.31:
		m = 0.9 // red
	case fu < 0.62:
		m = 1.75 // green
	default:
		m = 0.35 // blue
	}
	return 1 + strength*(m-1)
}

func clamp(v float64) byte {
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return byte(v + 0.5)
}

// EncodeSegmented builds the QR symbol for payload at level M as the server draws a signed
// ticket (internal/qrseg: byte and alphanumeric segments, a smaller symbol than Encode's one
// mode for such payloads).
func EncodeSegmented(payload string) (*Code, error) {
	return EncodeSegmentedAt(payload, decoder.ErrorCorrectionLevel_M)
}

// EncodeSegmentedAt is EncodeSegmented at another error correction level.
func EncodeSegmentedAt(payload string, ec decoder.ErrorCorrectionLevel) (*Code, error) {
	q, err := qrseg.Encode(payload, ec)
	if err != nil {
		return nil, err
	}
	c := &Code{Size: q.Size, modules: make([]bool, q.Size*q.Size)}
	for y := 0; y < q.Size; y++ {
		for x := 0; x < q.Size; x++ {
			c.modules[y*q.Size+x] = q.Dark(x, y)
		}
	}
	return c, nil
}

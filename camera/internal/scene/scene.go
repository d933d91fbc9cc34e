// Package scene renders synthetic camera frames that contain a QR code: the
// code is placed, rotated, tilted in perspective and then degraded (blur,
// noise, low contrast, uneven light, JPEG artefacts). It backs the camera
// package's synthetic source and the bench frame-set generator, and is
// deterministic for a given random source.
package scene

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
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
	if code != nil {
		drawCode(buf, code, p, dark, light, quiet)
	}
	if p.Blur > 0 {
		blur(buf, w, h, p.Blur)
	}
	out := make([]byte, w*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := buf[y*w+x]
			if p.Gradient > 0 {
				// Light falls off towards the right and bottom edges.
				f := 1 - p.Gradient*(float64(x)/float64(w)+float64(y)/float64(h))/2
				v *= f
			}
			if p.Noise > 0 {
				v += rng.NormFloat64() * p.Noise
			}
			out[y*w+x] = clamp(v)
		}
	}
	return out
}

func drawCode(buf []float64, code *Code, p Params, dark, light, quiet float64) {
	w, h := p.Width, p.Height
	sin, cos := math.Sincos(p.Rotation * math.Pi / 180)
	ts, tc := math.Sincos(p.Tilt * math.Pi / 180)
	f := 1.6 * float64(max(w, h)) // focal length in pixels
	half := float64(code.Size)/2 + quiet
	reach := half * p.Module * 1.5 * math.Sqrt2
	x0, x1 := int(max(0, p.CX-reach)), int(min(float64(w), p.CX+reach+1))
	y0, y1 := int(max(0, p.CY-reach)), int(min(float64(h), p.CY+reach+1))
	fg, bgc := dark, light
	if p.Inverted {
		fg, bgc = light, dark
	}
	ss := p.Supersample
	if ss <= 0 {
		ss = 3
	}
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			acc, hits := 0.0, 0
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					ix := float64(x) + (float64(sx)+0.5)/float64(ss) - p.CX
					iy := float64(y) + (float64(sy)+0.5)/float64(ss) - p.CY
					// Undo the perspective tilt, then the rotation and scale.
					den := f*tc - iy*ts
					if den <= 0 {
						continue
					}
					Y := iy * f / den
					X := ix * (f + Y*ts) / f
					u := (X*cos + Y*sin) / p.Module
					v := (-X*sin + Y*cos) / p.Module
					if math.Abs(u) > half || math.Abs(v) > half {
						continue
					}
					hits++
					mx := int(math.Floor(u + float64(code.Size)/2))
					my := int(math.Floor(v + float64(code.Size)/2))
					if code.Dark(mx, my) {
						acc += fg
					} else {
						acc += bgc
					}
				}
			}
			if hits > 0 {
				i := y*w + x
				buf[i] = (acc + buf[i]*float64(ss*ss-hits)) / float64(ss*ss)
			}
		}
	}
}

// blur applies a separable gaussian of the given sigma (pixels).
func blur(buf []float64, w, h int, sigma float64) {
	r := int(math.Ceil(3 * sigma))
	kernel := make([]float64, 2*r+1)
	sum := 0.0
	for i := range kernel {
		d := float64(i - r)
		kernel[i] = math.Exp(-d * d / (2 * sigma * sigma))
		sum += kernel[i]
	}
	for i := range kernel {
		kernel[i] /= sum
	}
	tmp := make([]float64, max(w, h))
	for y := 0; y < h; y++ {
		convolve(buf[y*w:], 1, w, kernel, tmp)
	}
	for x := 0; x < w; x++ {
		convolve(buf[x:], w, h, kernel, tmp)
	}
}

// convolve filters n samples of line (stride apart) with kernel, clamping
// at the ends.
func convolve(line []float64, stride, n int, kernel, tmp []float64) {
	r := len(kernel) / 2
	for i := 0; i < n; i++ {
		tmp[i] = line[i*stride]
	}
	for i := 0; i < n; i++ {
		acc := 0.0
		for k, kv := range kernel {
			acc += kv * tmp[min(max(i+k-r, 0), n-1)]
		}
		line[i*stride] = acc
	}
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

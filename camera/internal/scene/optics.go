package scene

import (
	"math"
	"math/rand/v2"
)

// camera applies what the webcam does to the light of the scene, in
// place: reflections on the screen, then the optics (defocus disk, motion
// streak, gaussian blur), uneven light, exposure (gain and clipping), and
// sensor noise (shot noise amplified in low light, plus read noise).
func camera(buf []float64, p Params, rng *rand.Rand) {
	w, h := p.Width, p.Height
	for _, g := range p.Glare {
		addGlare(buf, w, h, g)
	}
	if p.Defocus > 0 {
		defocus(buf, w, h, p.Defocus)
	}
	if p.MotionLen > 0 {
		motion(buf, w, h, p.MotionLen, p.MotionAngle)
	}
	if p.Blur > 0 {
		blur(buf, w, h, p.Blur)
	}
	gain := p.Gain
	if gain == 0 {
		gain = 1
	}
	exposure := p.Exposure
	if exposure <= 0 || exposure > 1 {
		exposure = 1
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			i := y*w + x
			v := buf[i]
			if p.Gradient > 0 {
				// Light falls off towards the right and bottom edges.
				v *= 1 - p.Gradient*(float64(x)/float64(w)+float64(y)/float64(h))/2
			}
			v = 128 + (v-128)*gain
			if exposure < 1 {
				// Photon noise of a dim scene, amplified by the gain that
				// brings the level back up.
				v += rng.NormFloat64() * math.Sqrt(max(v, 0)*0.15/exposure)
			}
			if p.Noise > 0 {
				v += rng.NormFloat64() * p.Noise
			}
			buf[i] = v
		}
	}
}

// addGlare adds a gaussian reflection.
func addGlare(buf []float64, w, h int, g Glare) {
	sin, cos := math.Sincos(g.Angle * math.Pi / 180)
	r := 3 * max(g.SX, g.SY)
	x0, x1 := max(0, int(g.X-r)), min(w, int(g.X+r)+1)
	y0, y1 := max(0, int(g.Y-r)), min(h, int(g.Y+r)+1)
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			dx, dy := float64(x)-g.X, float64(y)-g.Y
			a := (dx*cos + dy*sin) / g.SX
			b := (-dx*sin + dy*cos) / g.SY
			buf[y*w+x] += g.Amp * math.Exp(-(a*a+b*b)/2)
		}
	}
}

// defocus convolves with a disk of the given radius (a fixed-focus lens
// out of its depth of field), with soft edges.
func defocus(buf []float64, w, h int, radius float64) {
	type tap struct {
		dx, dy int
		w      float64
	}
	var taps []tap
	r := int(math.Ceil(radius + 0.5))
	sum := 0.0
	for dy := -r; dy <= r; dy++ {
		for dx := -r; dx <= r; dx++ {
			d := math.Hypot(float64(dx), float64(dy))
			wt := min(max(radius+0.5-d, 0), 1)
			if wt > 0 {
				taps = append(taps, tap{dx, dy, wt})
				sum += wt
			}
		}
	}
	src := append([]float64(nil), buf...)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			acc := 0.0
			for _, t := range taps {
				xx, yy := min(max(x+t.dx, 0), w-1), min(max(y+t.dy, 0), h-1)
				acc += t.w * src[yy*w+xx]
			}
			buf[y*w+x] = acc / sum
		}
	}
}

// motion averages the frame along a straight streak of length pixels
// (the code moving while the shutter is open).
func motion(buf []float64, w, h int, length, deg float64) {
	n := int(math.Ceil(length)) + 1
	sin, cos := math.Sincos(deg * math.Pi / 180)
	src := append([]float64(nil), buf...)
	at := func(x, y float64) float64 {
		x, y = min(max(x, 0), float64(w-1)), min(max(y, 0), float64(h-1))
		xi, yi := min(int(x), w-2), min(int(y), h-2)
		fx, fy := x-float64(xi), y-float64(yi)
		i := yi*w + xi
		top := src[i]*(1-fx) + src[i+1]*fx
		bot := src[i+w]*(1-fx) + src[i+w+1]*fx
		return top*(1-fy) + bot*fy
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			acc := 0.0
			for k := 0; k < n; k++ {
				t := (float64(k)/float64(n-1) - 0.5) * length
				acc += at(float64(x)+t*cos, float64(y)+t*sin)
			}
			buf[y*w+x] = acc / float64(n)
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

// quantize turns the light into 8-bit grey levels, clipping like a sensor.
func quantize(buf []float64) []byte {
	out := make([]byte, len(buf))
	for i, v := range buf {
		out[i] = clamp(v)
	}
	return out
}

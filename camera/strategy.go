package camera

import (
	"math"
	"slices"
)

// The retry strategy, cheapest first. What the bench frames (scangen) showed
// about plain gozxing, and the pass that answers it:
//
//   - Most misses on degraded frames are not detection misses: gozxing finds
//     the three finder patterns but the grid it samples is off (rotation near
//     45° plus perspective, blur) or the modules binarize wrongly. Resampling
//     the code's region rotated by 45° (and ±22.5°) gives the sampler and the
//     8x8-block hybrid binarizer a different pixel grid, and recovers most of
//     them ("roi-rot*" passes).
//   - Low contrast (a dark-to-light span under ~60 grey levels): the hybrid
//     binarizer treats 8x8 blocks whose span is under 24 levels as flat and
//     guesses; stretching the region's histogram first fixes it
//     ("roi-stretch").
//   - Small modules (under ~3.5 px) with blur: the region is upsampled 2x
//     before the rotated attempts so that the binarizer's block is small
//     compared to a module and the sampler lands inside modules.
//   - 720p frames start at half resolution: 4x fewer pixels, box averaging
//     removes sensor noise, and big modules fit the binarizer's window better.
//
// Harder passes run only when gozxing reported at least one finder-pattern
// candidate, so a frame without a code costs one or two cheap attempts.

// lowContrast is the aim box's 1st-to-99th percentile span (grey levels)
// under which a stretched attempt is worth it.
const lowContrast = 110

// minContrast is the span under which the aim box holds nothing but
// noise: stretching it would only turn noise into fake finder patterns.
const minContrast = 32

// maxROISide bounds the side of a resampled region (cost control).
const maxROISide = 640

// run tries the passes in order and returns the first decoded text.
func (d *Decoder) run(gray []byte, w, h int) (string, string, bool) {
	d.cands = d.cands[:0]
	full := plane{gray, w, h}

	// Pass 1: the whole frame at half resolution. Most codes held up to
	// the camera have modules of 4 px or more and are read here, 4x cheaper.
	f := 1
	first := full
	if h >= 240 {
		f = 2
		d.scratch.small, first = halve(d.scratch.small, full)
	}
	if text, ok := d.try(first, rect{0, 0, first.w, first.h}, hybrid, false); ok {
		return text, "fast", true
	}
	scaleCands(d.cands, float64(f))
	// Pass 2: full resolution, for small or far codes: the whole frame up
	// to 640x480, the aim box (centre quarter) above that.
	second := rect{0, 0, w, h}
	if w*h > 640*480 {
		second = rect{w / 4, h / 4, w / 2, h / 2}
	}
	if text, ok := d.try(full, second, hybrid, false); ok {
		return text, "full", true
	}
	group := worthCandidates(d.cands)
	if len(group) == 0 {
		// Low contrast (dim light, screen glare) hides the finder patterns
		// from the hybrid binarizer: stretch and look again.
		if lo, hi := spread(first, rect{first.w / 4, first.h / 4, first.w / 2, first.h / 2}); hi-lo < lowContrast && hi-lo >= minContrast {
			// At 320 px wide at most: cheap, and a stretched frame of
			// clutter can hold many fake finder patterns that gozxing
			// would otherwise spend milliseconds combining.
			var st plane
			sf := f
			src := first
			if src.w > 400 {
				d.scratch.inv, src = halve(d.scratch.inv, first)
				sf *= 2
			}
			d.scratch.work, st = applyLUT(d.scratch.work, src, stretchLUT(lo, hi))
			n := len(d.cands)
			if text, ok := d.try(st, rect{0, 0, st.w, st.h}, hybrid, false); ok {
				return text, "stretch", true
			}
			scaleCands(d.cands[n:], float64(sf))
			group = worthCandidates(d.cands)
		}
	}
	if len(group) == 0 {
		// Nothing that looks like a code's finder patterns: try an inverted
		// code (light modules on a dark phone screen) at low resolution,
		// where such codes are big, then give up.
		var inv plane
		d.scratch.inv, inv = halve(d.scratch.inv, first)
		if text, ok := d.try(inv, rect{0, 0, inv.w, inv.h}, hybrid, true); ok {
			return text, "inverted", true
		}
		return "", "", false
	}
	d.stats.Retries++
	return d.hard(full, group)
}

// minModule is the smallest module size, in pixels of the plane where the
// candidate was seen, that a readable code has; smaller finder-pattern
// candidates are sensor noise or texture.
const minModule = 1.8

// worthCandidates returns the candidates that could be one code's finder
// patterns: a pair of candidates with similar module sizes (within a factor
// 1.45) at a distance that a QR code's finder patterns have (version 1 to
// 10: 14 to 50 modules, with slack for perspective), plus the candidates
// around them. Noise and clutter give scattered or tiny candidates and no
// such pair, so frames without a code skip the expensive passes.
func worthCandidates(cs []candidate) []candidate {
	for i, a := range cs {
		if a.planeModule < minModule {
			continue
		}
		for _, b := range cs[i+1:] {
			if b.planeModule < minModule || b.module > a.module*1.45 || b.module < a.module/1.45 {
				continue
			}
			m := (a.module + b.module) / 2
			dist := math.Hypot(a.x-b.x, a.y-b.y)
			if dist < 10*m || dist > 75*m {
				continue
			}
			cx, cy := (a.x+b.x)/2, (a.y+b.y)/2
			var group []candidate
			for _, c := range cs {
				if c.planeModule >= minModule && c.module < m*1.45 && c.module > m/1.45 &&
					math.Hypot(c.x-cx, c.y-cy) < 80*m {
					group = append(group, c)
				}
			}
			if len(group) >= minGroup {
				return group
			}
		}
	}
	return nil
}

// minGroup is how many agreeing candidates make the hard passes worth it.
const minGroup = 3

// hard runs the expensive passes on the region around the candidates.
func (d *Decoder) hard(full plane, group []candidate) (string, string, bool) {
	roi, module := candidateROI(group, full.w, full.h)
	sc := &d.scratch
	var ok bool
	var st plane
	sc.work, st, ok = stretch(sc.work, full, roi)
	if !ok {
		return "", "", false
	}
	stRect := rect{0, 0, st.w, st.h}
	if text, ok := d.try(st, stRect, hybrid, false); ok {
		return text, "roi-stretch", true
	}
	// Resample so that modules are at least ~6 px: the hybrid binarizer's
	// 8 px blocks then sit inside modules and the grid sampler has room.
	scale := 1.0
	switch {
	case module < 3.5:
		scale = 2
	case module < 5.5:
		scale = 1.5
	}
	side := float64(max(roi.w, roi.h)) * scale
	if side > maxROISide {
		scale *= maxROISide / side
	}
	angles := []float64{45, -30, 15}
	if scale > 1 {
		angles = append([]float64{0}, angles...)
	}
	for _, deg := range angles {
		var rp plane
		sc.rot, rp = rotate(sc.rot, st, stRect, deg, scale)
		if text, ok := d.try(rp, rect{0, 0, rp.w, rp.h}, hybrid, false); ok {
			return text, "roi-rot", true
		}
	}
	if text, ok := d.try(st, stRect, global, false); ok {
		return text, "roi-global", true
	}
	return "", "", false
}

// scaleCands maps candidates found on a plane downscaled by f back to the
// full frame.
func scaleCands(cs []candidate, f float64) {
	if f == 1 {
		return
	}
	for i := range cs {
		cs[i].x *= f
		cs[i].y *= f
		cs[i].module *= f
	}
}

// candidateROI returns the region that holds the code whose finder patterns
// were seen, and their median module size. The margin covers the rest of a
// code up to version 10 around its finder patterns, plus the quiet zone.
func candidateROI(cs []candidate, w, h int) (rect, float64) {
	mods := make([]float64, len(cs))
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for i, c := range cs {
		mods[i] = c.module
		x0, y0 = min(x0, c.x), min(y0, c.y)
		x1, y1 = max(x1, c.x), max(y1, c.y)
	}
	slices.Sort(mods)
	m := mods[len(mods)/2]
	// With fewer than three patterns the code may extend far on one side.
	margin := 10 * m
	if len(cs) < 3 {
		// The third finder pattern lies on either side of the seen pair.
		margin += max(x1-x0, y1-y0)
	}
	r := rect{
		x: clampInt(int(x0-margin), 0, w),
		y: clampInt(int(y0-margin), 0, h),
	}
	r.w = clampInt(int(x1+margin), 0, w) - r.x
	r.h = clampInt(int(y1+margin), 0, h) - r.y
	if r.w < 32 || r.h < 32 {
		return rect{0, 0, w, h}, m
	}
	return r, m
}

func clampInt(v, lo, hi int) int { return min(max(v, lo), hi) }

// scratch holds the decoder's reusable work buffers.
type scratch struct {
	small, inv, work, rot []byte
}

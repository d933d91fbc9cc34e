package camera

import (
	"math"
	"slices"
	"time"
)

// The retry strategy, cheapest first. What the bench frames (scangen)
// showed about plain gozxing, and the pass that answers it (docs/bench.md):
//
//   - Most misses on degraded frames are not detection misses: gozxing finds
//     the three finder patterns but cannot read the grid it samples (rotation
//     near 45° with perspective, blur), or the modules binarize wrongly.
//     The region of those finder patterns is resampled so that modules are
//     about 13 px, turned by 45°, 0°, -30° and 15°: the hybrid
//     binarizer's 8 px blocks then sit inside modules and the sampler lands
//     inside each module ("roi-rot").
//   - Low contrast (a dark-to-light span under ~60 grey levels): the hybrid
//     binarizer takes 8x8 blocks whose span is under 24 levels for flat and
//     guesses their threshold from neighbours; stretching the histogram
//     first fixes it ("stretch" over the aim box, "roi-stretch" on the
//     code's region).
//   - Frames start at half resolution: 4x fewer pixels, the 2x2 averaging
//     removes sensor noise, and the codes held up to a counter webcam have
//     modules big enough ("fast"). Full resolution comes second, over the
//     aim box ("full"), and around small candidates outside it ("small").
//   - Inverted codes (dark-mode phone screens) are searched in the same
//     thresholded bits, inverted (see Decoder.try).
//   - Several codes in view: every finder-pattern triple is tried (read).
//   - In the pipeline, a code located in a recent frame is looked for where
//     it was ("track-..."), and the resampled passes stop when the frame's
//     time budget is spent.
//
// The expensive passes run only when gozxing located a code's three finder
// patterns with a plausible geometry, or agreeing candidates that could be
// some of them; noise and clutter do not pass that gate, so a frame without
// a code costs two cheap attempts and never gives a result: every text
// comes out of gozxing's Reed-Solomon-checked decoder.

// lowContrast is the aim box's 1st-to-99th percentile span (grey levels)
// under which a stretched attempt is worth it.
const lowContrast = 110

// minContrast is the span under which the aim box holds nothing but
// noise: stretching it would only turn noise into fake finder patterns.
const minContrast = 32

// maxROISide bounds the side of a resampled region (cost control).
const maxROISide = 900

// targetModule is the module size (px) the hard passes resample to.
const targetModule = 13

// run tries the passes in order and returns the first decoded text.
func (d *Decoder) run(gray []byte, w, h int) (string, string, bool) {
	full := plane{gray, w, h}

	// Pass 1: the whole frame at half resolution.
	f := 1.0
	first := full
	if h >= 240 {
		f = 2
		d.scratch.small, first = halve(d.scratch.small, full)
	}
	if text, ok := d.try(first, rect{0, 0, first.w, first.h}, hybrid, true, f); ok {
		return text, "fast", true
	}
	nFast := len(d.cands)
	// Pass 2: full resolution over the aim box, for small or far codes:
	// the centre two thirds of frames up to 640x480; above, the centre
	// half, or two thirds when the first pass saw finder-pattern candidates.
	// The inverted bits are searched too only when the first pass saw some
	// finder-pattern candidate: frames without a code show none, and an
	// inverted code that showed nothing at half resolution is rare.
	second := rect{w / 6, h / 6, w - w/3, h - h/3}
	if w*h > 640*480 {
		second = rect{w / 4, h / 4, w / 2, h / 2}
		if len(d.cands) > 0 {
			second = rect{w / 6, h / 6, w - w/3, h - h/3}
		}
	}
	if text, ok := d.try(full, second, hybrid, len(d.cands) > 0, 1); ok {
		return text, "full", true
	}
	// Pass 2b, small codes outside the aim box: finder-pattern candidates
	// too small at half resolution to be worth the hard passes (a far
	// code's) are looked at again at full resolution, around them.
	if f > 1 {
		if small := worthCandidates(d.cands[:nFast], minSmallModule, 2); small != nil {
			roi, _ := candidateROI(small, w, h)
			if !inside(roi, second) {
				if text, ok := d.try(full, roi, hybrid, false, 1); ok {
					return text, "small", true
				}
			}
		}
	}
	group := d.worthwhile()
	if group == nil {
		// Pass 3, low contrast only: stretch and look again over the aim
		// box (centre 2/3), at 320 px wide at most: cheap, and a stretched
		// frame of clutter can hold many fake finder patterns that gozxing
		// spends milliseconds combining.
		aim := rect{first.w / 4, first.h / 4, first.w / 2, first.h / 2}
		if lo, hi := spread(first, aim); hi-lo < lowContrast && hi-lo >= minContrast {
			src, sf := first, f
			if src.w > 400 {
				d.scratch.inv, src = halve(d.scratch.inv, first)
				sf *= 2
			}
			var st plane
			d.scratch.work, st = applyLUT(d.scratch.work, src, stretchLUT(lo, hi))
			box := rect{st.w / 6, st.h / 6, st.w - st.w/3, st.h - st.h/3}
			if text, ok := d.try(st, box, hybrid, false, sf); ok {
				return text, "stretch", true
			}
			group = d.worthwhile()
		}
	}
	if group == nil {
		if seen := d.recent(w, h); seen != nil {
			// Nothing located in this frame, but a code was in a recent
			// one: the phone is likely still there (blurred by motion,
			// caught in a reflection). Look where it was.
			d.stats.Retries++
			text, pass, ok := d.hard(full, seen)
			return text, "track-" + pass, ok
		}
		return "", "", false
	}
	d.located = append(d.located[:0], group...)
	d.stats.Retries++
	return d.hard(full, group)
}

// overBudget reports (and counts, once per frame) that the frame's time
// budget is spent: the remaining resampled attempts are skipped, since a
// newer frame is waiting.
func (d *Decoder) overBudget() bool {
	if d.deadline.IsZero() || time.Now().Before(d.deadline) {
		return false
	}
	d.stats.OverBudget++
	d.deadline = time.Time{}
	return true
}

// maxTrackAge is how many frames a located code is looked for again
// (about 0.1 s at 30 fps).
const maxTrackAge = 3

// recent returns the finder patterns of the code located in one of the
// last maxTrackAge frames of the same size, when tracking.
func (d *Decoder) recent(w, h int) []candidate {
	if !d.tracking || len(d.seen) == 0 || d.seenAge > maxTrackAge || d.seenSize != [2]int{w, h} {
		return nil
	}
	return d.seen
}

// remember keeps this frame's located code for the next frames (tracking
// only): called once per frame, after the passes.
func (d *Decoder) remember(w, h int) {
	if !d.tracking {
		return
	}
	if len(d.located) > 0 {
		d.seen = append(d.seen[:0], d.located...)
		d.seenAge, d.seenSize = 0, [2]int{w, h}
		return
	}
	d.seenAge++
}

// worthwhile returns the finder patterns that justify the expensive
// passes: the three gozxing located on an unread code, or else a group of
// agreeing candidates (see worthCandidates); nil when there are none.
func (d *Decoder) worthwhile() []candidate {
	if len(d.triple) == 3 && plausibleTriple(d.triple) {
		for i := range d.triple {
			d.triple[i].inv = d.tripleInverted
		}
		return d.triple
	}
	return worthCandidates(d.cands, minModule, 3)
}

// plausibleTriple checks that top-left, top-right and bottom-left finder
// patterns have the geometry of a QR code of version 1 to 7 seen with some
// perspective: sides of similar length at roughly a right angle, 8 to 40
// modules apart, with agreeing module sizes. Clutter gives triples that
// gozxing accepts but fail this (measured on the bench set: a fake triple
// sent a frame without code through every expensive pass).
func plausibleTriple(t []candidate) bool {
	tl, tr, bl := t[0], t[1], t[2]
	ux, uy := tr.x-tl.x, tr.y-tl.y
	vx, vy := bl.x-tl.x, bl.y-tl.y
	lu, lv := math.Hypot(ux, uy), math.Hypot(vx, vy)
	if lu == 0 || lv == 0 {
		return false
	}
	cos := (ux*vx + uy*vy) / (lu * lv)
	m := (tl.module + tr.module + bl.module) / 3
	mods := []float64{tl.module, tr.module, bl.module}
	spreadMod := slices.Max(mods) / slices.Min(mods)
	dim := (lu + lv) / 2 / m
	return lu/lv > 0.7 && lu/lv < 1.43 && math.Abs(cos) < 0.34 && // 70° to 110°
		dim >= 8 && dim <= 40 && spreadMod <= 1.25
}

// hard runs the expensive passes on the region around the finder patterns
// (turned dark-on-light first when they were seen light-on-dark).
func (d *Decoder) hard(full plane, group []candidate) (string, string, bool) {
	roi, module := candidateROI(group, full.w, full.h)
	sc := &d.scratch
	var ok bool
	var st plane
	sc.work, st, ok = stretch(sc.work, full, roi, group[0].inv)
	if !ok {
		return "", "", false
	}
	stRect := rect{0, 0, st.w, st.h}
	if text, ok := d.try(st, stRect, hybrid, false, 0); ok {
		return text, "roi-stretch", true
	}
	scale := min(max(targetModule/module, 1), 3.5)
	if side := float64(max(roi.w, roi.h)) * scale; side > maxROISide {
		scale *= maxROISide / side
	}
	angles := []float64{45, 0, -30, 15}
	for _, deg := range angles {
		if d.overBudget() {
			return "", "", false
		}
		var rp plane
		sc.rot, rp = rotate(sc.rot, st, stRect, deg, scale)
		if text, ok := d.try(rp, rect{0, 0, rp.w, rp.h}, hybrid, false, 0); ok {
			return text, "roi-rot", true
		}
	}
	if d.overBudget() {
		return "", "", false
	}
	if text, ok := d.try(st, stRect, global, false, 0); ok {
		return text, "roi-global", true
	}
	return "", "", false
}

// minModule is the smallest module size, in pixels of the plane where the
// candidate was seen, that a readable code has; smaller finder-pattern
// candidates are sensor noise or texture.
const minModule = 1.8

// minSmallModule is the smallest module size (px of the half-resolution
// plane) of candidates that send a region to a full-resolution look.
const minSmallModule = 0.9

// inside reports whether a lies within b.
func inside(a, b rect) bool {
	return a.x >= b.x && a.y >= b.y && a.x+a.w <= b.x+b.w && a.y+a.h <= b.y+b.h
}

// worthCandidates returns the candidates that could be one code's finder
// patterns: a pair of candidates with similar module sizes (within a factor
// 1.45) at a distance that a QR code's finder patterns have (version 1 to
// 10: 14 to 50 modules, with slack for perspective), plus the candidates
// around them. Noise and clutter give scattered or tiny candidates and no
// such pair, so frames without a code skip the expensive passes.
func worthCandidates(cs []candidate, minModule float64, minGroup int) []candidate {
	for i, a := range cs {
		if a.planeModule < minModule {
			continue
		}
		for _, b := range cs[i+1:] {
			if b.planeModule < minModule || b.inv != a.inv || b.module > a.module*1.45 || b.module < a.module/1.45 {
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
				if c.planeModule >= minModule && c.inv == a.inv && c.module < m*1.45 && c.module > m/1.45 &&
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

// candidateROI returns the region that holds the code whose finder patterns
// were seen, and their median module size. Three finder patterns leave the
// fourth corner out of their bounding box (far out when the code is turned
// 45°), so the box also takes in each parallelogram completion
// a + b - c; the margin adds the finder pattern's own extent and the quiet
// zone.
func candidateROI(cs []candidate, w, h int) (rect, float64) {
	mods := make([]float64, len(cs))
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	add := func(x, y float64) {
		x0, y0 = min(x0, x), min(y0, y)
		x1, y1 = max(x1, x), max(y1, y)
	}
	for i, c := range cs {
		mods[i] = c.module
		add(c.x, c.y)
	}
	slices.Sort(mods)
	m := mods[len(mods)/2]
	if n := len(cs); n <= 8 {
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				for k := 0; k < n; k++ {
					if k != i && k != j {
						add(cs[i].x+cs[j].x-cs[k].x, cs[i].y+cs[j].y-cs[k].y)
					}
				}
			}
		}
	}
	margin := 9 * m
	if len(cs) < 3 || len(cs) > 8 {
		// Unknown third pattern or too many to combine: be generous.
		margin += max(x1-x0, y1-y0) / 2
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
	bin                   binScratch
}

package camera

import (
	"time"

	"math"

	"github.com/makiuchi-d/gozxing"
	multidetector "github.com/makiuchi-d/gozxing/multi/qrcode/detector"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// Result is one decoded QR code.
type Result struct {
	Text     string        // the code's content, as is (the caller parses it)
	Pass     string        // which attempt found it (for stats and tuning)
	Elapsed  time.Duration // decode time of the frame
	FrameSeq uint64        // Seq of the frame it came from (pipeline only)
	Captured time.Time     // capture time of that frame (pipeline only)
	Decoded  time.Time     // when the text came out (pipeline only)
}

// DecodeStats counts what a Decoder did.
type DecodeStats struct {
	Frames   uint64            // frames decoded
	Found    uint64            // frames that gave a code
	Passes   map[string]uint64 // successful attempts by pass name
	Retries  uint64            // frames that went past the cheap passes
	Attempts uint64            // gozxing attempts, all passes together
	Panics   uint64            // frames on which gozxing panicked (frame dropped)
	// OverBudget counts frames whose resampled passes were cut short by
	// the time budget (pipeline only).
	OverBudget uint64
}

// Decoder finds one QR code in a grey plane. It keeps scratch buffers
// between calls, so it is not safe for concurrent use: give each goroutine
// its own (the Pipeline uses one).
type Decoder struct {
	qr     *decoder.Decoder
	hints  map[gozxing.DecodeHintType]interface{}
	cands  []candidate // finder-pattern candidates of the current frame
	triple []candidate // the three finder patterns of an unread code
	// tripleInverted: triple was seen light-on-dark
	tripleInverted bool
	flipped        bool // the current read runs on flipped bits
	scratch        scratch
	stats          DecodeStats
	plain          bool
	// Tracking (pipeline only): the finder patterns of the code located
	// in a recent frame, and how many frames ago.
	tracking bool
	// budget bounds a frame's decode time (pipeline only: 0 means none,
	// so that a frame's result never depends on the machine's load);
	// deadline is the current frame's end, zero once it has passed.
	budget   time.Duration
	deadline time.Time
	located  []candidate
	seen     []candidate
	seenAge  int
	seenSize [2]int
}

// NewDecoder returns a decoder restricted to QR codes with the full retry
// strategy (see strategy.go).
func NewDecoder() *Decoder {
	d := &Decoder{qr: decoder.NewDecoder()}
	d.hints = map[gozxing.DecodeHintType]interface{}{
		gozxing.DecodeHintType_POSSIBLE_FORMATS: []gozxing.BarcodeFormat{gozxing.BarcodeFormat_QR_CODE},
		gozxing.DecodeHintType_NEED_RESULT_POINT_CALLBACK: gozxing.ResultPointCallback(func(p gozxing.ResultPoint) {
			if fp, ok := p.(*detector.FinderPattern); ok {
				m := fp.GetEstimatedModuleSize()
				d.cands = append(d.cands, candidate{fp.GetX(), fp.GetY(), m, m, d.flipped})
			}
		}),
	}
	d.stats.Passes = map[string]uint64{}
	return d
}

// NewPlainDecoder returns the baseline: one gozxing attempt with the hybrid
// binarizer on the full grey plane. It exists to measure the strategy
// against; the camera pipeline uses NewDecoder.
func NewPlainDecoder() *Decoder {
	d := NewDecoder()
	d.plain = true
	return d
}

// Stats returns a copy of the decoder's counters.
func (d *Decoder) Stats() DecodeStats {
	s := d.stats
	s.Passes = make(map[string]uint64, len(d.stats.Passes))
	for k, v := range d.stats.Passes {
		s.Passes[k] = v
	}
	return s
}

// Decode looks for a QR code in gray (w*h bytes). ok is false when there is
// none or it cannot be read; a frame without a code never yields a result.
func (d *Decoder) Decode(gray []byte, w, h int) (res Result, ok bool) {
	// gozxing is a port of Java code whose exceptions became panics in
	// places; a frame that trips one is dropped, it must not take the
	// counter application down. (Fuzzing found none; this is a backstop.)
	defer func() {
		if r := recover(); r != nil {
			d.stats.Panics++
			res, ok = Result{}, false
		}
	}()
	start := time.Now()
	d.deadline = time.Time{}
	if d.budget > 0 {
		d.deadline = start.Add(d.budget)
	}
	d.stats.Frames++
	d.cands, d.triple, d.tripleInverted, d.located = d.cands[:0], d.triple[:0], false, d.located[:0]
	if w <= 0 || h <= 0 || len(gray) < w*h {
		return Result{}, false
	}
	var text, pass string
	if d.plain {
		text, ok = d.plainDecode(gray, w, h)
		pass = "plain"
	} else {
		text, pass, ok = d.run(gray, w, h)
		d.remember(w, h)
	}
	if !ok {
		return Result{}, false
	}
	d.stats.Found++
	d.stats.Passes[pass]++
	return Result{Text: text, Pass: pass, Elapsed: time.Since(start)}, true
}

// plainDecode is the baseline: gozxing's own QRCodeReader on the whole
// plane with the hybrid binarizer.
func (d *Decoder) plainDecode(gray []byte, w, h int) (string, bool) {
	d.stats.Attempts++
	src, err := gozxing.NewPlanarYUVLuminanceSource(gray, w, h, 0, 0, w, h, false)
	if err != nil {
		return "", false
	}
	bmp, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(src))
	if err != nil {
		return "", false
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, d.hints)
	if err != nil || res.GetText() == "" {
		return "", false
	}
	return res.GetText(), true
}

// binarizer picks gozxing's thresholding.
type binarizer int

const (
	hybrid binarizer = iota // local 8x8-block thresholds (zxing's default)
	global                  // one threshold from the histogram
)

// plane is a grey image.
type plane struct {
	pix  []byte
	w, h int
}

type rect struct{ x, y, w, h int }

// try runs one gozxing attempt on r inside p. scale maps p's pixels to the
// full frame's (2 for a half-resolution plane); with scale > 0 the
// finder-pattern candidates gozxing saw are kept in d.cands and, when it
// chose a code's three finder patterns but could not read the code, those
// are kept in d.triple (the first such triple of the frame), all in
// full-frame coordinates. scale 0 (resampled planes) keeps nothing.
//
// With flip, when the plane shows no code's three finder patterns, the same
// thresholded bits are inverted and searched again: a light-on-dark code
// (dark-mode screen) costs one more finder scan, not another binarization
// (the local thresholds of an inverted plane are the inverted thresholds).
// d.tripleInverted says which polarity d.triple was seen in.
func (d *Decoder) try(p plane, r rect, b binarizer, flip bool, scale float64) (string, bool) {
	d.stats.Attempts++
	m, err := d.binarize(p, r, b)
	if err != nil {
		return "", false
	}
	n := len(d.cands)
	var text string
	var triple *detector.FinderPatternInfo
	if mayHoldFinder(m, &d.scratch.bin) {
		text, triple = d.read(m)
	}
	flipped := false
	if text == "" && flip {
		m.FlipAll()
		var t2 string
		var tri2 *detector.FinderPatternInfo
		if mayHoldFinder(m, &d.scratch.bin) {
			d.flipped = true
			t2, tri2 = d.read(m)
			d.flipped = false
		}
		if t2 != "" {
			text, triple, flipped = t2, tri2, true
		} else if tri2 != nil && (triple == nil || !plausibleInfo(triple, scale) && plausibleInfo(tri2, scale)) {
			triple, flipped = tri2, true
		}
	}
	if text != "" {
		if scale > 0 && triple != nil {
			d.located = d.located[:0]
			for _, fp := range []*detector.FinderPattern{triple.GetTopLeft(), triple.GetTopRight(), triple.GetBottomLeft()} {
				ms := fp.GetEstimatedModuleSize()
				d.located = append(d.located, candidate{(fp.GetX() + float64(r.x)) * scale, (fp.GetY() + float64(r.y)) * scale, ms * scale, ms, flipped})
			}
		}
		return text, true
	}
	if scale <= 0 {
		d.cands = d.cands[:n]
		return "", false
	}
	toFull := func(c candidate) candidate {
		return candidate{(c.x + float64(r.x)) * scale, (c.y + float64(r.y)) * scale, c.module * scale, c.planeModule, c.inv}
	}
	for i := n; i < len(d.cands); i++ {
		d.cands[i] = toFull(d.cands[i])
	}
	if triple != nil && len(d.triple) == 0 {
		for _, fp := range []*detector.FinderPattern{triple.GetTopLeft(), triple.GetTopRight(), triple.GetBottomLeft()} {
			ms := fp.GetEstimatedModuleSize()
			d.triple = append(d.triple, toFull(candidate{fp.GetX(), fp.GetY(), ms, ms, false}))
		}
		d.tripleInverted = flipped
	}
	return "", false
}

// binarize thresholds r of p: the hybrid binarizer through hybridBits
// (gozxing's, bit for bit, faster), the global one through gozxing.
func (d *Decoder) binarize(p plane, r rect, b binarizer) (*gozxing.BitMatrix, error) {
	if b == hybrid {
		if m, ok := hybridBits(p, r, &d.scratch.bin); ok {
			return m, nil
		}
	}
	src, err := gozxing.NewPlanarYUVLuminanceSource(p.pix, p.w, p.h, r.x, r.y, r.w, r.h, false)
	if err != nil {
		return nil, err
	}
	if b == global {
		return gozxing.NewGlobalHistgramBinarizer(src).GetBlackMatrix()
	}
	return gozxing.NewHybridBinarizer(src).GetBlackMatrix()
}

// read is gozxing's QRCodeReader.Decode (non-pure path) taken apart: find
// the finder patterns, sample the grid, decode. Doing the steps here keeps
// the three finder patterns gozxing chose when it then fails to read the
// code, at no extra cost; the hard passes work around them. When the
// matrix holds more finder patterns than one code has (several codes in
// view, or one code and look-alikes), the three gozxing chose may belong
// to different codes: every plausible triple is then tried.
func (d *Decoder) read(m *gozxing.BitMatrix) (string, *detector.FinderPatternInfo) {
	n := len(d.cands)
	cb, _ := d.hints[gozxing.DecodeHintType_NEED_RESULT_POINT_CALLBACK].(gozxing.ResultPointCallback)
	info, err := detector.NewFinderPatternFinder(m, cb).Find(d.hints)
	if err != nil {
		return "", nil
	}
	if text := d.decodeAt(m, info); text != "" {
		return text, info
	}
	if len(d.cands)-n >= 5 {
		infos, _ := multidetector.NewMultiFinderPatternFinder(m, nil).FindMulti(d.hints)
		for i, in := range infos {
			if i >= 6 {
				break
			}
			if sameTriple(in, info) {
				continue
			}
			if text := d.decodeAt(m, in); text != "" {
				return text, info
			}
		}
	}
	return "", info
}

// decodeAt samples and decodes the code whose finder patterns are info.
func (d *Decoder) decodeAt(m *gozxing.BitMatrix, info *detector.FinderPatternInfo) string {
	det, err := detector.NewDetector(m).ProcessFinderPatternInfo(info)
	if err != nil {
		return ""
	}
	res, err := d.qr.Decode(det.GetBits(), d.hints)
	if err != nil {
		return ""
	}
	return res.GetText()
}

// plausibleInfo applies plausibleTriple to gozxing's finder patterns.
func plausibleInfo(info *detector.FinderPatternInfo, scale float64) bool {
	var t []candidate
	for _, fp := range []*detector.FinderPattern{info.GetTopLeft(), info.GetTopRight(), info.GetBottomLeft()} {
		ms := fp.GetEstimatedModuleSize() * max(scale, 1)
		t = append(t, candidate{x: fp.GetX() * max(scale, 1), y: fp.GetY() * max(scale, 1), module: ms, planeModule: ms})
	}
	return plausibleTriple(t)
}

func sameTriple(a, b *detector.FinderPatternInfo) bool {
	near := func(p, q *detector.FinderPattern) bool {
		return math.Abs(p.GetX()-q.GetX()) < 2 && math.Abs(p.GetY()-q.GetY()) < 2
	}
	return near(a.GetTopLeft(), b.GetTopLeft()) && near(a.GetTopRight(), b.GetTopRight()) &&
		near(a.GetBottomLeft(), b.GetBottomLeft())
}

// candidate is a finder pattern gozxing saw, in the attempted plane's
// coordinates, with its estimated module size in pixels.
// planeModule keeps the module size in that plane (before mapping to the
// full frame), which tells noise (under 2 px) from a code.
// inv marks a candidate seen light-on-dark.
type candidate struct {
	x, y, module, planeModule float64
	inv                       bool
}

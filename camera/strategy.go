package camera

// run is the retry strategy: cheap attempts first, harder ones only when a
// finder pattern was seen.
func (d *Decoder) run(gray []byte, w, h int) (string, string, bool) {
	d.cands = d.cands[:0]
	full := plane{gray, w, h}
	if text, ok := d.try(full, rect{0, 0, w, h}, hybrid, false); ok {
		return text, "full", true
	}
	return "", "", false
}

// scratch holds the decoder's reusable work buffers.
type scratch struct {
	small, work []byte
}

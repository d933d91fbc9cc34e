package camera

import "github.com/makiuchi-d/gozxing"

// hybridBits thresholds r of p exactly as gozxing's HybridBinarizer does
// (8x8 blocks, each block's black point from its min, max and mean, the
// threshold of a block the mean black point of the 5x5 blocks around it,
// low-range blocks taken as background unless their neighbours say
// otherwise; a dark pixel is <= its threshold), but reads the plane in
// place, reuses its work arrays and writes the bits 32 at a time without
// branches. ok is false when r is smaller than 40x40 px (gozxing then uses
// its global binarizer).
func hybridBits(p plane, r rect, sc *binScratch) (*gozxing.BitMatrix, bool) {
	const block, minRange = 8, 24
	w, h := r.w, r.h
	if w < 5*block || h < 5*block {
		return nil, false
	}
	subW, subH := (w+block-1)/block, (h+block-1)/block
	maxX, maxY := w-block, h-block
	sc.black = growInts(sc.black, subW*subH)
	bp := sc.black
	for by := 0; by < subH; by++ {
		y0 := r.y + min(by*block, maxY)
		for bx := 0; bx < subW; bx++ {
			x0 := r.x + min(bx*block, maxX)
			sum, lo, hi := 0, 255, 0
			yy := 0
			for ; yy < block; yy++ {
				row := p.pix[(y0+yy)*p.w+x0:][:block]
				a, b, c, d := int(row[0]), int(row[1]), int(row[2]), int(row[3])
				e, f, g, k := int(row[4]), int(row[5]), int(row[6]), int(row[7])
				sum += a + b + c + d + e + f + g + k
				lo = min(lo, a, b, c, d, e, f, g, k)
				hi = max(hi, a, b, c, d, e, f, g, k)
				if hi-lo > minRange {
					yy++
					break
				}
			}
			for ; yy < block; yy++ {
				row := p.pix[(y0+yy)*p.w+x0:][:block]
				sum += int(row[0]) + int(row[1]) + int(row[2]) + int(row[3]) +
					int(row[4]) + int(row[5]) + int(row[6]) + int(row[7])
			}
			avg := sum >> 6
			if hi-lo <= minRange {
				avg = lo / 2
				if by > 0 && bx > 0 {
					nb := (bp[(by-1)*subW+bx] + 2*bp[by*subW+bx-1] + bp[(by-1)*subW+bx-1]) / 4
					if lo < nb {
						avg = nb
					}
				}
			}
			bp[by*subW+bx] = avg
		}
	}
	// Threshold of each block: the mean black point of the 5x5 blocks
	// around it (clamped at the edges), as a sum of five row sums.
	sc.rows = growInts(sc.rows, subW*subH)
	rows := sc.rows
	for by := 0; by < subH; by++ {
		line := bp[by*subW : (by+1)*subW]
		for bx := 0; bx < subW; bx++ {
			left := min(max(bx, 2), subW-3)
			five := line[left-2 : left+3]
			rows[by*subW+bx] = five[0] + five[1] + five[2] + five[3] + five[4]
		}
	}
	sc.thr = growInts(sc.thr, subW*subH)
	thr := sc.thr
	for by := 0; by < subH; by++ {
		top := min(max(by, 2), subH-3)
		for bx := 0; bx < subW; bx++ {
			i := (top-2)*subW + bx
			thr[by*subW+bx] = (rows[i] + rows[i+subW] + rows[i+2*subW] + rows[i+3*subW] + rows[i+4*subW]) / 25
		}
	}
	m, err := gozxing.NewBitMatrix(w, h)
	if err != nil {
		return nil, false
	}
	words := (w + 31) / 32
	if sc.row == nil || sc.row.GetSize() < w || len(sc.row.GetBitArray()) < words {
		sc.row = gozxing.NewBitArray(w)
	}
	bits := sc.row.GetBitArray()[:words]
	if cap(sc.rowThr) < words*32 {
		sc.rowThr = make([]int16, words*32)
	}
	sc.rowThr = sc.rowThr[:words*32]
	rowThr := sc.rowThr
	// gozxing sets a pixel's bit from every block covering it: the last
	// block of a row or column is moved back to end at the edge and
	// overlaps its neighbour, so there the larger threshold wins.
	lastBX, lastBY := subW-1, subH-1
	for y := 0; y < h; y++ {
		if y%block == 0 || y >= maxY {
			by := min(y/block, lastBY)
			for x := 0; x < w; x++ {
				bx := min(x/block, lastBX)
				t := thr[by*subW+bx]
				if x >= maxX {
					t = max(t, thr[by*subW+lastBX])
				}
				if y >= maxY {
					t = max(t, thr[lastBY*subW+bx])
					if x >= maxX {
						t = max(t, thr[lastBY*subW+lastBX])
					}
				}
				rowThr[x] = int16(t)
			}
			for x := w; x < len(rowThr); x++ {
				rowThr[x] = -1 // past the edge: never dark
			}
		}
		src := p.pix[(r.y+y)*p.w+r.x:][:w]
		for i := range bits {
			var word uint32
			ts := rowThr[i*32 : i*32+32]
			px := src[i*32 : min(i*32+32, w)]
			for k, v := range px {
				// dark when v <= t: t-v is then >= 0, its sign bit 0
				word |= uint32(1+int32((ts[k]-int16(v))>>15)) << uint(k)
			}
			bits[i] = word
		}
		m.SetRow(y, sc.row)
	}
	return m, true
}

// binScratch holds hybridBits' work arrays between frames.
type binScratch struct {
	black, rows, thr, runs []int
	rowThr                 []int16
	row, scan              *gozxing.BitArray
}

func growInts(buf []int, n int) []int {
	if cap(buf) < n {
		return make([]int, n)
	}
	return buf[:n]
}

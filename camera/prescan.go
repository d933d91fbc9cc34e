package camera

import (
	"math"
	"math/bits"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// mayHoldFinder reports whether gozxing's finder-pattern search could find
// anything in m. It runs the first two tests of FinderPatternFinder.Find
// on the very rows Find scans before it has a candidate: the 1:1:3:1:1
// test of five consecutive runs (FinderPatternFinder_foundPatternCross),
// then gozxing's own vertical cross-check at the centre of the runs that
// pass. Every candidate Find keeps passed both, so when nothing does, Find
// would find nothing and need not run. It costs far less than Find because
// it reads each row's 32-bit words run by run instead of pixel by pixel:
// that is most of what a frame without a code costs.
func mayHoldFinder(m *gozxing.BitMatrix, sc *binScratch) bool {
	w, h := m.GetWidth(), m.GetHeight()
	skip := max((3*h)/(4*detector.FinderPatternFinder_MAX_MODULES), detector.FinderPatternFinder_MIN_SKIP)
	var finder *detector.FinderPatternFinder
	var window [5]int
	for y := skip - 1; y < h; y += skip {
		sc.scan = m.GetRow(y, sc.scan)
		sc.runs = rowRuns(sc.scan.GetBitArray(), w, sc.runs[:0])
		k := 0
		if !m.Get(0, y) {
			k = 1 // windows start on a dark run
		}
		end := 0
		for i := 0; i < k+5 && i < len(sc.runs); i++ {
			end += sc.runs[i]
		}
		for ; k+5 <= len(sc.runs); k += 2 {
			copy(window[:], sc.runs[k:k+5])
			if detector.FinderPatternFinder_foundPatternCross(window[:]) {
				if finder == nil {
					finder = detector.NewFinderPatternFinder(m, nil)
				}
				total := window[0] + window[1] + window[2] + window[3] + window[4]
				centerJ := detector.FinderPatternFinder_centerFromEnd(window[:], end)
				if !math.IsNaN(finder.CrossCheckVertical(y, int(centerJ), window[2], total)) {
					return true
				}
			}
			if k+6 < len(sc.runs) {
				end += sc.runs[k+5] + sc.runs[k+6]
			}
		}
	}
	return false
}

// rowRuns appends the lengths of the runs of equal bits in the first w
// bits of words, starting with bit 0's run.
func rowRuns(words []uint32, w int, runs []int) []int {
	pos := 0
	for pos < w {
		cur := words[pos/32]>>(pos%32)&1 == 1
		next := w
		for i := pos / 32; i < len(words) && i*32 < w; i++ {
			x := words[i]
			if cur {
				x = ^x
			}
			if i == pos/32 {
				x &= ^uint32(0) << (pos % 32)
			}
			if x != 0 {
				next = min(i*32+bits.TrailingZeros32(x), w)
				break
			}
		}
		runs = append(runs, next-pos)
		pos = next
	}
	return runs
}

// Package qrseg encodes QR codes whose text mixes byte and alphanumeric segments. gozxing's
// encoder (which it reuses for error correction, masking and placement) puts the whole text in
// one mode: a signed ticket (`PASSCULTURE:v3;GS:<base32>;TOKEN:…`, issue 16) goes into byte mode
// because of its ';' and lower-case 'v', at 8 bits a character. Its base32 part and TOKEN:… only
// use the alphanumeric set (5.5 bits a character), so segments make the symbol smaller: version
// 8 instead of 10 at level M (49 modules a side instead of 57), 7 at L. Any QR reader reads them.
package qrseg

import (
	"fmt"
	"strings"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common/reedsolomon"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/encoder"
)

// alnum is the QR alphanumeric character set, in code order.
const alnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"

// minAlnumRun is the shortest run of alphanumeric characters worth its own segment: a segment
// header costs 4 + 9–13 bits, an alphanumeric character saves 2.5 bits over a byte.
const minAlnumRun = 11

type segment struct {
	mode *decoder.Mode
	text string
}

// segments splits text into byte and alphanumeric segments (adjacent byte runs joined).
func segments(text string) []segment {
	var out []segment
	add := func(mode *decoder.Mode, s string) {
		if n := len(out); n > 0 && out[n-1].mode == mode {
			out[n-1].text += s
			return
		}
		out = append(out, segment{mode, s})
	}
	for i := 0; i < len(text); {
		j := i
		for j < len(text) && strings.IndexByte(alnum, text[j]) >= 0 {
			j++
		}
		if j-i >= minAlnumRun {
			add(decoder.Mode_ALPHANUMERIC, text[i:j])
			i = j
			continue
		}
		if j == i {
			j++
		}
		add(decoder.Mode_BYTE, text[i:j])
		i = j
	}
	return out
}

// Code is an encoded symbol: Size×Size modules, without quiet zone.
type Code struct {
	Size    int
	Version int
	dark    []bool
}

// Dark reports whether module (x, y) is dark (outside the symbol: light).
func (c *Code) Dark(x, y int) bool {
	if x < 0 || y < 0 || x >= c.Size || y >= c.Size {
		return false
	}
	return c.dark[y*c.Size+x]
}

// Encode encodes text (UTF-8, read back as is by readers that take bytes as UTF-8 or Latin-1
// for ASCII text) at error correction level ec in the smallest version that holds it.
func Encode(text string, ec decoder.ErrorCorrectionLevel) (*Code, error) {
	if text == "" {
		return nil, fmt.Errorf("encode qr: empty text")
	}
	segs := segments(text)
	for v := 1; v <= 40; v++ {
		version, err := decoder.Version_GetVersionForNumber(v)
		if err != nil {
			return nil, fmt.Errorf("encode qr: %w", err)
		}
		blocks := version.GetECBlocksForLevel(ec)
		dataBytes := version.GetTotalCodewords() - blocks.GetTotalECCodewords()
		bits, ok := dataBits(segs, version, dataBytes)
		if !ok {
			continue
		}
		return place(bits, version, blocks, ec)
	}
	return nil, fmt.Errorf("encode qr: %d bytes do not fit in a QR code", len(text))
}

// dataBits writes the segments for version and pads them to dataBytes; false when they do not fit.
func dataBits(segs []segment, version *decoder.Version, dataBytes int) (*gozxing.BitArray, bool) {
	b := gozxing.NewEmptyBitArray()
	for _, s := range segs {
		n := len(s.text)
		if n >= 1<<s.mode.GetCharacterCountBits(version) {
			return nil, false
		}
		_ = b.AppendBits(s.mode.GetBits(), 4)
		_ = b.AppendBits(n, s.mode.GetCharacterCountBits(version))
		if s.mode == decoder.Mode_BYTE {
			for i := 0; i < n; i++ {
				_ = b.AppendBits(int(s.text[i]), 8)
			}
			continue
		}
		for i := 0; i < n; i += 2 {
			c := strings.IndexByte(alnum, s.text[i])
			if i+1 < n {
				_ = b.AppendBits(c*45+strings.IndexByte(alnum, s.text[i+1]), 11)
			} else {
				_ = b.AppendBits(c, 6)
			}
		}
	}
	capacity := dataBytes * 8
	if b.GetSize() > capacity {
		return nil, false
	}
	_ = b.AppendBits(0, min(4, capacity-b.GetSize())) // terminator
	if r := b.GetSize() % 8; r != 0 {
		_ = b.AppendBits(0, 8-r)
	}
	for pad := 0; b.GetSizeInBytes() < dataBytes; pad++ {
		_ = b.AppendBits([]int{0xEC, 0x11}[pad%2], 8)
	}
	return b, true
}

// place adds the error correction codewords (blocks interleaved), picks the mask with the
// lowest penalty and lays the modules out.
func place(data *gozxing.BitArray, version *decoder.Version, blocks *decoder.ECBlocks, ec decoder.ErrorCorrectionLevel) (*Code, error) {
	raw := make([]byte, data.GetSizeInBytes())
	data.ToBytes(0, raw, 0, len(raw))
	perBlock := blocks.GetECCodewordsPerBlock()
	rs := reedsolomon.NewReedSolomonEncoder(reedsolomon.GenericGF_QR_CODE_FIELD_256)
	var dataBlocks, ecBlocks [][]byte
	off := 0
	for _, group := range blocks.GetECBlocks() {
		for i := 0; i < group.GetCount(); i++ {
			n := group.GetDataCodewords()
			words := make([]int, n+perBlock)
			for j := 0; j < n; j++ {
				words[j] = int(raw[off+j])
			}
			if err := rs.Encode(words, perBlock); err != nil {
				return nil, fmt.Errorf("encode qr: %w", err)
			}
			ecw := make([]byte, perBlock)
			for j := range ecw {
				ecw[j] = byte(words[n+j])
			}
			dataBlocks, ecBlocks = append(dataBlocks, raw[off:off+n]), append(ecBlocks, ecw)
			off += n
		}
	}
	final := gozxing.NewEmptyBitArray()
	for _, set := range [][][]byte{dataBlocks, ecBlocks} {
		longest := 0
		for _, blk := range set {
			longest = max(longest, len(blk))
		}
		for i := 0; i < longest; i++ {
			for _, blk := range set {
				if i < len(blk) {
					_ = final.AppendBits(int(blk[i]), 8)
				}
			}
		}
	}
	dim := version.GetDimensionForVersion()
	var best *encoder.ByteMatrix
	bestPenalty := -1
	for mask := 0; mask < 8; mask++ {
		m := encoder.NewByteMatrix(dim, dim)
		if err := encoder.MatrixUtil_buildMatrix(final, ec, version, mask, m); err != nil {
			return nil, fmt.Errorf("encode qr: %w", err)
		}
		p := encoder.MaskUtil_applyMaskPenaltyRule1(m) + encoder.MaskUtil_applyMaskPenaltyRule2(m) +
			encoder.MaskUtil_applyMaskPenaltyRule3(m) + encoder.MaskUtil_applyMaskPenaltyRule4(m)
		if bestPenalty < 0 || p < bestPenalty {
			best, bestPenalty = m, p
		}
	}
	c := &Code{Size: dim, Version: version.GetVersionNumber(), dark: make([]bool, dim*dim)}
	for y := 0; y < dim; y++ {
		for x := 0; x < dim; x++ {
			c.dark[y*dim+x] = best.Get(x, y) == 1
		}
	}
	return c, nil
}

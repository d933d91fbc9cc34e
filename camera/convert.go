package camera

import (
	"bytes"
	"image"
	"image/jpeg"
)

// YUYVToGray writes the luminance of a packed YUYV 4:2:2 frame into dst
// (width*height bytes, reallocated if too small) and returns it. A frame whose
// length does not match width*height*2 is rejected with ErrBadFrame.
func YUYVToGray(dst, src []byte, width, height int) ([]byte, error) {
	n := width * height
	if width <= 0 || height <= 0 || len(src) != 2*n {
		return dst, badFrame("yuyv: got %d bytes for %dx%d", len(src), width, height)
	}
	if cap(dst) < n {
		dst = make([]byte, n)
	}
	dst = dst[:n]
	for i := range dst {
		dst[i] = src[2*i]
	}
	return dst, nil
}

// MJPEGToGray decodes one MJPEG frame and returns its luminance plane
// (copied into dst when it has room). Frames without Huffman tables, as many
// webcams send them, get the standard tables inserted first. A truncated or
// corrupt frame, or one whose size differs from width x height (when those
// are non-zero), is rejected with ErrBadFrame.
func MJPEGToGray(dst, src []byte, width, height int) ([]byte, int, int, error) {
	src = WithHuffmanTables(src)
	if width != 0 || height != 0 {
		// Check the announced size first: a corrupt header must not make
		// the decoder allocate a huge image.
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(src))
		if err != nil {
			return dst, 0, 0, badFrame("mjpeg header: %v", err)
		}
		if cfg.Width != width || cfg.Height != height {
			return dst, 0, 0, badFrame("mjpeg: got %dx%d, want %dx%d", cfg.Width, cfg.Height, width, height)
		}
	}
	img, err := jpeg.Decode(bytes.NewReader(src))
	if err != nil {
		return dst, 0, 0, badFrame("mjpeg: %v", err)
	}
	w, h, err := grayInto(&dst, img)
	if err != nil {
		return dst, 0, 0, err
	}
	if (width != 0 || height != 0) && (w != width || h != height) {
		return dst, 0, 0, badFrame("mjpeg: got %dx%d, want %dx%d", w, h, width, height)
	}
	return dst, w, h, nil
}

// grayInto copies the luminance of a decoded JPEG (YCbCr or Gray) into *dst.
func grayInto(dst *[]byte, img image.Image) (int, int, error) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if cap(*dst) < w*h {
		*dst = make([]byte, w*h)
	}
	out := (*dst)[:w*h]
	*dst = out
	switch m := img.(type) {
	case *image.YCbCr:
		for y := 0; y < h; y++ {
			copy(out[y*w:(y+1)*w], m.Y[y*m.YStride:y*m.YStride+w])
		}
	case *image.Gray:
		for y := 0; y < h; y++ {
			copy(out[y*w:(y+1)*w], m.Pix[y*m.Stride:y*m.Stride+w])
		}
	default:
		ImageToGray(out, img)
	}
	return w, h, nil
}

// ImageToGray writes the BT.601 luminance of any image into dst, which must
// hold Dx*Dy bytes.
func ImageToGray(dst []byte, img image.Image) {
	b := img.Bounds()
	w := b.Dx()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			// Same weights as color.GrayModel, on 16-bit channels.
			lum := (19595*r + 38470*g + 7471*bl + 1<<15) >> 24
			dst[(y-b.Min.Y)*w+(x-b.Min.X)] = byte(lum)
		}
	}
}

// Package imagetest makes real images for tests: encoded JPEG and PNG files of a given size
// whose pixels are a deterministic pattern (or noise, which does not compress).
package imagetest

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
)

// Picture returns a w × h image; with noise its pixels are pseudo-random (seeded, the same
// every time), otherwise a gradient.
func Picture(w, h int, noise bool) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(uint64(w), uint64(h)))
	for y := range h {
		for x := range w {
			c := color.RGBA{uint8(x), uint8(y), 128, 255}
			if noise {
				c = color.RGBA{uint8(r.Uint32()), uint8(r.Uint32()), uint8(r.Uint32()), 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

// PNG returns a w × h PNG file.
func PNG(w, h int, noise bool) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, Picture(w, h, noise)); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// JPEG returns a w × h JPEG file.
func JPEG(w, h int) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, Picture(w, h, false), nil); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// Package images checks the images that come from outside — a venue's uploaded poster, a
// poster downloaded from Allociné — and turns them into a bounded thumbnail for the app. The
// dimensions are read from the header first and refused above MaxPixels, so a small file that
// claims a huge picture (a decompression bomb) is never decoded; then the whole image is
// decoded (garbage and truncated files are refused) and re-encoded as a JPEG that fits in
// ThumbWidth × ThumbHeight.
package images

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"net/http"

	"golang.org/x/image/draw"
	"golang.org/x/image/webp"

	"guichet/app"
)

// Limits of an accepted image and of its thumbnail.
const (
	MaxPixels   = 16_000_000 // 16 Mpx
	MaxSide     = 16_384     // neither side longer, whatever the product
	ThumbWidth  = 400
	ThumbHeight = 600
	// ThumbQuality is the JPEG quality of thumbnails.
	ThumbQuality = 85
)

// Thumb is a checked image re-encoded for the app.
type Thumb struct {
	Data          []byte // JPEG
	ContentType   string // image/jpeg
	Width, Height int    // the thumbnail's
	SourceFormat  string // jpeg, png or webp
	SourceWidth   int
	SourceHeight  int
}

// Field is the input field named in the errors.
const Field = "image"

// codec is one accepted format.
type codec struct {
	config func([]byte) (image.Config, error)
	decode func([]byte) (image.Image, error)
}

var codecs = map[string]codec{
	"image/jpeg": {
		config: func(b []byte) (image.Config, error) { return jpeg.DecodeConfig(bytes.NewReader(b)) },
		decode: func(b []byte) (image.Image, error) { return jpeg.Decode(bytes.NewReader(b)) },
	},
	"image/png": {
		config: func(b []byte) (image.Config, error) { return png.DecodeConfig(bytes.NewReader(b)) },
		decode: func(b []byte) (image.Image, error) { return png.Decode(bytes.NewReader(b)) },
	},
	"image/webp": {
		config: func(b []byte) (image.Config, error) { return webp.DecodeConfig(bytes.NewReader(b)) },
		decode: func(b []byte) (image.Image, error) { return webp.Decode(bytes.NewReader(b)) },
	},
}

func invalid(format string, args ...any) error {
	return &app.Error{Code: app.EINVALID, Field: Field, Message: fmt.Sprintf(format, args...)}
}

// Check reads an image's format and dimensions without decoding its pixels: JPEG, PNG or
// WebP, at most MaxPixels and MaxSide. Refusals are EINVALID errors on the field "image".
func Check(data []byte) (contentType string, cfg image.Config, err error) {
	ct := http.DetectContentType(data)
	c, ok := codecs[ct]
	if !ok {
		return "", cfg, invalid("L'image doit être un fichier JPEG, PNG ou WebP.")
	}
	if cfg, err = c.config(data); err != nil {
		return "", cfg, invalid("Image illisible (%s).", short(err))
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return "", cfg, invalid("Image vide.")
	}
	if cfg.Width > MaxSide || cfg.Height > MaxSide || int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return "", cfg, invalid("Image trop grande (%d × %d pixels ; 16 millions de pixels au plus).", cfg.Width, cfg.Height)
	}
	return ct, cfg, nil
}

// Thumbnail checks an image (Check), decodes it fully and re-encodes it as a JPEG that fits
// in ThumbWidth × ThumbHeight (a smaller image keeps its size).
func Thumbnail(data []byte) (*Thumb, error) {
	ct, cfg, err := Check(data)
	if err != nil {
		return nil, err
	}
	img, err := codecs[ct].decode(data)
	if err != nil {
		return nil, invalid("Image illisible (%s).", short(err))
	}
	b := img.Bounds()
	if b.Dx() != cfg.Width || b.Dy() != cfg.Height {
		return nil, invalid("Image incohérente (en-tête %d × %d, contenu %d × %d).", cfg.Width, cfg.Height, b.Dx(), b.Dy())
	}
	w, h := fit(b.Dx(), b.Dy(), ThumbWidth, ThumbHeight)
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, dst, &jpeg.Options{Quality: ThumbQuality}); err != nil {
		return nil, fmt.Errorf("encode thumbnail: %w", err)
	}
	return &Thumb{Data: buf.Bytes(), ContentType: "image/jpeg", Width: w, Height: h, SourceFormat: ct[len("image/"):],
		SourceWidth: cfg.Width, SourceHeight: cfg.Height}, nil
}

// fit scales w × h down to fit in maxW × maxH, keeping the ratio; never up, never to 0.
func fit(w, h, maxW, maxH int) (int, int) {
	if w <= maxW && h <= maxH {
		return w, h
	}
	if int64(w)*int64(maxH) > int64(h)*int64(maxW) { // wider than the box
		return maxW, max(1, int(int64(h)*int64(maxW)/int64(w)))
	}
	return max(1, int(int64(w)*int64(maxH)/int64(h))), maxH
}

// short keeps a decoder's error readable.
func short(err error) string {
	var fe interface{ Error() string }
	if errors.As(err, &fe) && len(fe.Error()) < 120 {
		return fe.Error()
	}
	return "format invalide"
}

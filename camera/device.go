package camera

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// PixelFormat is a V4L2 FourCC code.
type PixelFormat uint32

// The device formats the package converts.
const (
	FormatYUYV  PixelFormat = 'Y' | 'U'<<8 | 'Y'<<16 | 'V'<<24
	FormatMJPEG PixelFormat = 'M' | 'J'<<8 | 'P'<<16 | 'G'<<24
	// FormatNV12 is planar 4:2:0 (a Y plane, then interleaved U/V at half resolution),
	// what most webcams deliver through Windows' Media Foundation.
	FormatNV12 PixelFormat = 'N' | 'V'<<8 | '1'<<16 | '2'<<24
)

// String returns the FourCC, e.g. "MJPG".
func (f PixelFormat) String() string {
	return string([]byte{byte(f), byte(f >> 8), byte(f >> 16), byte(f >> 24)})
}

// Size is a frame size in pixels.
type Size struct{ Width, Height int }

func (s Size) String() string { return fmt.Sprintf("%dx%d", s.Width, s.Height) }

// Format is one pixel format a device offers and its frame sizes.
type Format struct {
	Pixel       PixelFormat
	Description string
	Sizes       []Size
}

// Device describes a capture device for a settings screen.
type Device struct {
	Path    string // what Open takes: /dev/video0 on Linux, the camera's unique name on Windows
	Name    string // the driver's card name, or Windows' friendly name
	Formats []Format
}

// Options select the device and frame size for Open (V4L2 on Linux, Media Foundation on
// Windows).
type Options struct {
	// Device is a Device.Path from ListDevices (a /dev/video path on Linux, the camera's
	// name on Windows); "" takes the first capture device found.
	Device string
	Size   Size // wanted size; zero means 640x480
	// StallAfter is how long without any frame counts as a lost device
	// (default 5 s; the driver wait itself works in whole seconds).
	StallAfter time.Duration
}

// V4L2Options is the former name of Options.
type V4L2Options = Options

// ErrPermission: the device exists but this user may not open it.
var ErrPermission = errors.New("camera permission denied")

// ConvertFrame turns one raw device buffer into a grey plane of w x h.
// It reads src only during the call (src may be a driver buffer handed
// back right after). Wrong sizes and truncated or corrupt MJPEG give
// ErrBadFrame.
func ConvertFrame(f PixelFormat, src []byte, w, h int) ([]byte, error) {
	switch f {
	case FormatYUYV:
		return YUYVToGray(nil, src, w, h)
	case FormatMJPEG:
		gray, _, _, err := MJPEGToGray(nil, src, w, h)
		return gray, err
	case FormatNV12:
		return NV12ToGray(nil, src, w, h)
	default:
		return nil, badFrame("unsupported pixel format %s", f)
	}
}

// Negotiate picks the format and size to ask a device for, given what it
// offers and the wanted size: MJPEG for 720p and above (YUYV at that size
// exceeds USB 2 bandwidth at 30 fps), YUYV or NV12 below (no decode cost), and
// the others when the preferred is missing. The size is the offered one
// closest to the wanted one.
func Negotiate(formats []Format, want Size) (PixelFormat, Size, error) {
	prefer := []PixelFormat{FormatYUYV, FormatNV12, FormatMJPEG}
	if want.Width >= 1280 || want.Height >= 720 {
		prefer = []PixelFormat{FormatMJPEG, FormatNV12, FormatYUYV}
	}
	for _, pf := range prefer {
		i := slices.IndexFunc(formats, func(f Format) bool { return f.Pixel == pf && len(f.Sizes) > 0 })
		if i < 0 {
			continue
		}
		best := formats[i].Sizes[0]
		for _, s := range formats[i].Sizes[1:] {
			if sizeDistance(s, want) < sizeDistance(best, want) {
				best = s
			}
		}
		return pf, best, nil
	}
	return 0, Size{}, fmt.Errorf("negotiate format: device offers none of YUYV, NV12 and MJPEG: %w", ErrNoCamera)
}

func sizeDistance(a, b Size) int {
	dw, dh := a.Width-b.Width, a.Height-b.Height
	return dw*dw + dh*dh
}

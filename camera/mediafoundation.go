package camera

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// This file is the platform-neutral half of the Windows camera source (Media Foundation): what
// it decides in Go — which native type to ask for, how HRESULTs and reader flags become this
// package's errors, how samples become grey frames, how devices are named — so that all of it
// is unit-tested on Linux. mf_windows.go binds it to Media Foundation through cgo.

// fourccYUY2 is Media Foundation's name for packed YUYV 4:2:2.
const fourccYUY2 = 'Y' | 'U'<<8 | 'Y'<<16 | '2'<<24

// windowsPermissionMessage is UserMessage(ErrPermission) on Windows, where the camera privacy
// setting denies desktop apps.
const windowsPermissionMessage = "Accès à la caméra refusé : autorisez les applications de bureau à " +
	"utiliser la caméra (Paramètres Windows > Confidentialité > Caméra)."

// linuxPermissionMessage is UserMessage(ErrPermission) elsewhere.
const linuxPermissionMessage = "Accès à la caméra refusé : l'utilisateur doit faire partie du groupe « video »."

// mfPixelFormat maps a Media Foundation video subtype (its GUID's first field is a FourCC)
// to the formats the package converts; 0 for any other.
func mfPixelFormat(fourcc uint32) PixelFormat {
	switch PixelFormat(fourcc) {
	case FormatNV12, FormatMJPEG, FormatYUYV:
		return PixelFormat(fourcc)
	}
	if fourcc == fourccYUY2 {
		return FormatYUYV
	}
	return 0
}

// mfType is one native media type of a device, in the order the device lists them.
type mfType struct {
	FourCC        uint32
	Width, Height int
}

// mfFormats groups a device's native types by convertible pixel format (Negotiate's input).
func mfFormats(types []mfType) []Format {
	var out []Format
	for _, t := range types {
		pf := mfPixelFormat(t.FourCC)
		if pf == 0 || t.Width <= 0 || t.Height <= 0 {
			continue
		}
		i := -1
		for j := range out {
			if out[j].Pixel == pf {
				i = j
			}
		}
		if i < 0 {
			out = append(out, Format{Pixel: pf, Description: pf.String()})
			i = len(out) - 1
		}
		out[i].Sizes = append(out[i].Sizes, Size{t.Width, t.Height})
	}
	return out
}

// mfChoose returns the index of the native type to select for the wanted size, with the same
// preferences as V4L2 (Negotiate).
func mfChoose(types []mfType, want Size) (int, PixelFormat, Size, error) {
	if want == (Size{}) {
		want = Size{640, 480}
	}
	pf, size, err := Negotiate(mfFormats(types), want)
	if err != nil {
		return -1, 0, Size{}, err
	}
	for i, t := range types {
		if mfPixelFormat(t.FourCC) == pf && t.Width == size.Width && t.Height == size.Height {
			return i, pf, size, nil
		}
	}
	return -1, 0, Size{}, fmt.Errorf("negotiate format: %w", ErrNoCamera)
}

// HRESULTs the source tells apart (mferror.h, winerror.h).
const (
	hrAccessDenied        = 0x80070005 // E_ACCESSDENIED: Windows' camera privacy setting
	hrShutdown            = 0xC00D3E85 // MF_E_SHUTDOWN: the source was shut down
	hrDeviceInvalidated   = 0xC00D3E86 // MF_E_VIDEO_RECORDING_DEVICE_INVALIDATED: unplugged
	hrDevicePreempted     = 0xC00D3E87 // MF_E_VIDEO_RECORDING_DEVICE_PREEMPTED: taken by another app
	hrHWStartFailed       = 0xC00D3704 // MF_E_HW_MFT_FAILED_START_STREAMING: in use elsewhere
	hrNotFound            = 0x80070002 // the symbolic link names no device any more
	hrDeviceNotConnected  = 0x8007048F // ERROR_DEVICE_NOT_CONNECTED
	hrNoSuchDeviceOrPath  = 0x80070003
	hrNotImplemented      = 0x80004001 // E_NOTIMPL
	hrClassNotRegistered  = 0x80040154 // REGDB_E_CLASSNOTREG: Media Foundation absent (Windows N)
	hrPlatformUnsupported = 0xC00D36B0 // MF_E_PLATFORM_NOT_INITIALIZED
)

// Source reader flags (MF_SOURCE_READER_FLAG).
const (
	mfReaderError       = 0x1
	mfReaderEndOfStream = 0x2
)

// mfError turns a failed HRESULT of operation op into the package's errors.
func mfError(op string, hr uint32) error {
	if hr&0x80000000 == 0 {
		return nil
	}
	var kind error
	switch hr {
	case hrAccessDenied:
		kind = ErrPermission
	case hrDeviceInvalidated, hrDeviceNotConnected:
		kind = ErrDisconnected
	case hrDevicePreempted, hrHWStartFailed:
		kind = ErrCameraBusy
	case hrNotFound, hrNoSuchDeviceOrPath:
		kind = ErrNoCamera
	case hrShutdown:
		kind = ErrClosed
	case hrNotImplemented, hrClassNotRegistered, hrPlatformUnsupported:
		kind = ErrUnsupported
	default:
		return fmt.Errorf("media foundation: %s: HRESULT 0x%08X", op, hr)
	}
	return fmt.Errorf("media foundation: %s: HRESULT 0x%08X: %w", op, hr, kind)
}

// mfDevice is one capture device as Media Foundation lists it.
type mfDevice struct{ Name, Link string }

// parseMFList reads gc_list's "name\tlink\n" lines and gives each device a unique display
// name ("HD Webcam", "HD Webcam (2)"): that name is the Device.Path the settings keep.
func parseMFList(s string) []mfDevice {
	var out []mfDevice
	seen := map[string]int{}
	for line := range strings.SplitSeq(s, "\n") {
		name, link, ok := strings.Cut(line, "\t")
		if !ok || link == "" {
			continue
		}
		name = strings.TrimSpace(name)
		if name == "" {
			name = "Caméra"
		}
		seen[name]++
		if n := seen[name]; n > 1 {
			name = fmt.Sprintf("%s (%d)", name, n)
		}
		out = append(out, mfDevice{Name: name, Link: link})
	}
	return out
}

// pickMFDevice returns the device named want ("" for the first one).
func pickMFDevice(devs []mfDevice, want string) (mfDevice, error) {
	if len(devs) == 0 {
		return mfDevice{}, fmt.Errorf("open camera: no video capture device: %w", ErrNoCamera)
	}
	if want == "" {
		return devs[0], nil
	}
	for _, d := range devs {
		if d.Name == want || d.Link == want {
			return d, nil
		}
	}
	return mfDevice{}, fmt.Errorf("open camera %q: not connected: %w", want, ErrNoCamera)
}

// NV12ToGray writes the Y plane of an NV12 frame into dst (width*height bytes, reallocated
// if too small). Rows may be padded: the stride is taken from the length, which must be
// stride*height*3/2 with stride >= width; anything else is ErrBadFrame.
func NV12ToGray(dst, src []byte, width, height int) ([]byte, error) {
	if width <= 0 || height <= 0 || height%2 != 0 {
		return dst, badFrame("nv12: bad size %dx%d", width, height)
	}
	rows := height + height/2
	if len(src)%rows != 0 || len(src)/rows < width {
		return dst, badFrame("nv12: got %d bytes for %dx%d", len(src), width, height)
	}
	stride := len(src) / rows
	n := width * height
	if cap(dst) < n {
		dst = make([]byte, n)
	}
	dst = dst[:n]
	if stride == width {
		copy(dst, src[:n])
		return dst, nil
	}
	for y := range height {
		copy(dst[y*width:(y+1)*width], src[y*stride:y*stride+width])
	}
	return dst, nil
}

// mfReader is a Media Foundation source reader as mfSource drives it (cgo on Windows, a fake
// in tests). ReadSample blocks for the next sample and copies it into buf: n is its size (0 for
// a stream tick; larger than len(buf) when nothing was copied because buf was too small).
// Shutdown may be called from any goroutine and makes a blocked ReadSample return.
type mfReader interface {
	ReadSample(buf []byte) (n int, flags uint32, hr uint32)
	Shutdown()
	Release()
}

// mfSource is a Source over a Media Foundation reader whose media type is chosen.
type mfSource struct {
	r          mfReader
	pix        PixelFormat
	size       Size
	stallAfter time.Duration

	mu      sync.Mutex // held by Next while it uses r; Close takes it to release r
	buf     []byte
	seq     uint64
	closed  atomic.Bool
	stalled atomic.Bool
	frames  atomic.Uint64
	skipped atomic.Uint64
}

func newMFSource(r mfReader, pix PixelFormat, size Size, stallAfter time.Duration) *mfSource {
	if stallAfter <= 0 {
		stallAfter = 5 * time.Second
	}
	return &mfSource{r: r, pix: pix, size: size, stallAfter: stallAfter,
		buf: make([]byte, size.Width*size.Height*2)}
}

// Format reports the negotiated pixel format and size.
func (s *mfSource) Format() (PixelFormat, Size) { return s.pix, s.size }

// Next returns the next convertible frame. An unplugged camera, a reader error or no frame for
// stallAfter give ErrDisconnected; a closed source ErrClosed; the context's end its error (the
// reader is shut down then: a source is not reused after its context ends).
func (s *mfSource) Next(ctx context.Context) (Frame, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	stop := context.AfterFunc(ctx, s.r.Shutdown)
	defer stop()
	for {
		if s.closed.Load() {
			return Frame{}, ErrClosed
		}
		if err := ctx.Err(); err != nil {
			return Frame{}, err
		}
		watchdog := time.AfterFunc(s.stallAfter, func() {
			s.stalled.Store(true)
			s.r.Shutdown()
		})
		n, flags, hr := s.r.ReadSample(s.buf)
		watchdog.Stop()
		switch {
		case s.closed.Load():
			return Frame{}, ErrClosed
		case ctx.Err() != nil:
			return Frame{}, ctx.Err()
		case s.stalled.Load():
			return Frame{}, fmt.Errorf("media foundation: no frame for %v: %w", s.stallAfter, ErrDisconnected)
		}
		if err := mfError("read sample", hr); err != nil {
			if errors.Is(err, ErrClosed) { // shut down under us: the device went away
				return Frame{}, fmt.Errorf("%w (%w)", ErrDisconnected, err)
			}
			return Frame{}, err
		}
		if flags&(mfReaderError|mfReaderEndOfStream) != 0 {
			return Frame{}, fmt.Errorf("media foundation: reader flags 0x%x: %w", flags, ErrDisconnected)
		}
		if n == 0 {
			continue // stream tick: no sample
		}
		if n > len(s.buf) {
			s.buf = make([]byte, n) // this sample is lost; the next fits
			s.skipped.Add(1)
			continue
		}
		gray, err := ConvertFrame(s.pix, s.buf[:n], s.size.Width, s.size.Height)
		if err != nil {
			s.skipped.Add(1)
			continue
		}
		s.seq++
		s.frames.Add(1)
		return Frame{Gray: gray, Width: s.size.Width, Height: s.size.Height, Time: time.Now(), Seq: s.seq}, nil
	}
}

// Stats counts frames returned and samples skipped.
func (s *mfSource) Stats() SourceStats {
	return SourceStats{Frames: s.frames.Load(), Skipped: s.skipped.Load()}
}

// Close interrupts a blocked Next and releases the reader; it is safe to call twice.
func (s *mfSource) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	s.r.Shutdown()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.r.Release()
	return nil
}

package camera

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Frame is one captured picture as a grey (luminance) plane.
// Gray holds Width*Height bytes, row-major, one byte per pixel.
type Frame struct {
	Gray          []byte
	Width, Height int
	Time          time.Time // capture time
	Seq           uint64    // position in the source's stream, from 1
}

// Valid reports whether the plane matches the announced size.
func (f Frame) Valid() bool {
	return f.Width > 0 && f.Height > 0 && len(f.Gray) == f.Width*f.Height
}

// Source yields frames. Next blocks until a frame is available, the context
// ends, or the source fails; it returns io.EOF when a finite source is
// exhausted. Frames the source could not convert (wrong size, truncated
// MJPEG) are skipped and counted in Stats, never returned. A Source is used
// by one goroutine at a time, except Close, which may be called from another
// goroutine to interrupt Next.
type Source interface {
	Next(ctx context.Context) (Frame, error)
	Stats() SourceStats
	Close() error
}

// SourceStats counts what a source delivered and what it had to skip.
type SourceStats struct {
	Frames  uint64 // frames returned by Next
	Skipped uint64 // frames dropped because they could not be converted
}

// Errors a caller may test with errors.Is.
var (
	// ErrNoCamera: no capture device is present or the chosen one is absent.
	ErrNoCamera = errors.New("no camera")
	// ErrCameraBusy: the device exists but another program holds it.
	ErrCameraBusy = errors.New("camera busy")
	// ErrUnsupported: this platform has no capture support.
	ErrUnsupported = errors.New("camera unsupported on this platform")
	// ErrDisconnected: the device went away while streaming; reopen to retry.
	ErrDisconnected = errors.New("camera disconnected")
	// ErrBadFrame: a frame could not be converted (the source skips it).
	ErrBadFrame = errors.New("bad frame")
	// ErrClosed: the source was closed.
	ErrClosed = errors.New("source closed")
)

// UserMessage turns a capture error into a short French sentence for the
// counter screen. Unknown errors get a generic message.
func UserMessage(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrNoCamera):
		return "Aucune caméra détectée. Branchez une webcam ou saisissez la contremarque."
	case errors.Is(err, ErrCameraBusy):
		return "La caméra est déjà utilisée par une autre application."
	case errors.Is(err, ErrPermission):
		return permissionMessage
	case errors.Is(err, ErrUnsupported):
		return unsupportedMessage
	case errors.Is(err, ErrDisconnected):
		return "La caméra a été débranchée. Rebranchez-la puis relancez la lecture."
	default:
		return "La caméra ne répond pas. Saisissez la contremarque au clavier."
	}
}

// badFrame wraps a conversion failure so that errors.Is(err, ErrBadFrame).
func badFrame(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrBadFrame, fmt.Sprintf(format, args...))
}

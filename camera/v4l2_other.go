//go:build !linux && !windows

package camera

import "context"

// Capture exists on Linux (V4L2) and Windows (Media Foundation); macOS and the others
// get these stubs (see docs/decisions.md).

// Open is not available on this platform: it returns ErrUnsupported.
func Open(Options) (Source, error) { return nil, ErrUnsupported }

// ListDevices is not available on this platform: it returns ErrUnsupported.
func ListDevices() ([]Device, error) { return nil, ErrUnsupported }

// OpenV4L2 is not available outside Linux: it returns ErrUnsupported, whose
// UserMessage reads "Caméra indisponible sur cette plate-forme".
func OpenV4L2(V4L2Options) (Source, error) { return nil, ErrUnsupported }

// V4L2Source exists on every platform so that callers compile everywhere;
// outside Linux none is ever opened.
type V4L2Source struct{}

// Format reports nothing outside Linux.
func (*V4L2Source) Format() (PixelFormat, Size) { return 0, Size{} }

// Next always fails outside Linux.
func (*V4L2Source) Next(context.Context) (Frame, error) { return Frame{}, ErrUnsupported }

// Stats is always zero outside Linux.
func (*V4L2Source) Stats() SourceStats { return SourceStats{} }

// Close does nothing outside Linux.
func (*V4L2Source) Close() error { return nil }

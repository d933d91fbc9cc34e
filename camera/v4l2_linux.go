//go:build linux

package camera

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/blackjack/webcam"
)

// ListDevices returns the V4L2 capture devices, with their formats and
// sizes. No device gives an empty list and no error.
func ListDevices() ([]Device, error) {
	paths, err := filepath.Glob("/dev/video*")
	if err != nil {
		return nil, fmt.Errorf("list devices: %w", err)
	}
	slices.Sort(paths)
	var out []Device
	for _, p := range paths {
		cam, err := webcam.Open(p)
		if err != nil {
			continue // metadata node, busy or not a capture device
		}
		out = append(out, describe(p, cam))
		cam.Close()
	}
	return out, nil
}

func describe(path string, cam *webcam.Webcam) Device {
	d := Device{Path: path}
	d.Name, _ = cam.GetName()
	for pf, desc := range cam.GetSupportedFormats() {
		f := Format{Pixel: PixelFormat(pf), Description: desc}
		for _, fs := range cam.GetSupportedFrameSizes(pf) {
			f.Sizes = append(f.Sizes, Size{int(fs.MaxWidth), int(fs.MaxHeight)})
			if fs.MinWidth != fs.MaxWidth || fs.MinHeight != fs.MaxHeight {
				f.Sizes = append(f.Sizes, Size{int(fs.MinWidth), int(fs.MinHeight)})
			}
		}
		d.Formats = append(d.Formats, f)
	}
	slices.SortFunc(d.Formats, func(a, b Format) int { return int(a.Pixel) - int(b.Pixel) })
	return d
}

// streamer is the part of *webcam.Webcam that streaming uses (a seam for
// tests: this machine has no camera).
type streamer interface {
	WaitForFrame(timeoutSeconds uint32) error
	GetFrame() ([]byte, uint32, error)
	ReleaseFrame(index uint32) error
	Close() error
}

// maxBadRun is how many unconvertible frames in a row make the stream
// fail instead of being skipped (a driver that sends a format we cannot
// read would otherwise leave the preview frozen without an error).
const maxBadRun = 60

// V4L2Source streams frames from a webcam.
type V4L2Source struct {
	cam    streamer
	path   string
	format PixelFormat
	size   Size
	stall  time.Duration
	seq    uint64
	stats  SourceStats
	badRun int

	mu      sync.Mutex // guards closed, inNext and closing the device
	closed  bool
	inNext  bool
	camGone bool
}

// OpenV4L2 opens a webcam, negotiates format and size (see Negotiate),
// asks for 4 buffers and starts streaming. Errors match ErrNoCamera,
// ErrCameraBusy or ErrPermission with errors.Is.
func OpenV4L2(opts V4L2Options) (Source, error) {
	path := opts.Device
	if path == "" {
		devs, err := ListDevices()
		if err != nil {
			return nil, err
		}
		if len(devs) == 0 {
			return nil, fmt.Errorf("open camera: %w", ErrNoCamera)
		}
		path = devs[0].Path
	}
	want := opts.Size
	if want.Width <= 0 || want.Height <= 0 {
		want = Size{640, 480}
	}
	cam, err := webcam.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, mapErrno(err, ErrNoCamera))
	}
	src, err := start(cam, path, want)
	if err != nil {
		cam.Close()
		return nil, err
	}
	src.stall = opts.StallAfter
	if src.stall <= 0 {
		src.stall = 5 * time.Second
	}
	return src, nil
}

func start(cam *webcam.Webcam, path string, want Size) (*V4L2Source, error) {
	pf, size, err := Negotiate(describe(path, cam).Formats, want)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	got, w, h, err := cam.SetImageFormat(webcam.PixelFormat(pf), uint32(size.Width), uint32(size.Height))
	if err != nil {
		return nil, fmt.Errorf("set format %s %s: %w", pf, size, mapErrno(err, ErrCameraBusy))
	}
	// The driver may answer with another size (or even format) than asked.
	pf, size = PixelFormat(got), Size{int(w), int(h)}
	if pf != FormatYUYV && pf != FormatMJPEG {
		return nil, fmt.Errorf("set format: device chose %s: %w", pf, ErrNoCamera)
	}
	if err := cam.SetBufferCount(4); err != nil {
		return nil, fmt.Errorf("set buffer count: %w", mapErrno(err, ErrCameraBusy))
	}
	if err := cam.StartStreaming(); err != nil {
		// blackjack/webcam flattens errors to strings here; a device held
		// by another program fails at this point.
		return nil, fmt.Errorf("start streaming %s: %w: %v", path, ErrCameraBusy, err)
	}
	return &V4L2Source{cam: cam, path: path, format: pf, size: size}, nil
}

// Format reports the negotiated pixel format and frame size.
func (s *V4L2Source) Format() (PixelFormat, Size) { return s.format, s.size }

// Next waits for the next frame the device can convert. A device that
// stops delivering (unplugged) gives an error matching ErrDisconnected:
// close this source and open a new one to reconnect.
func (s *V4L2Source) Next(ctx context.Context) (Frame, error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return Frame{}, ErrClosed
	}
	s.inNext = true
	s.mu.Unlock()
	defer s.leaveNext()

	deadline := time.Now().Add(s.stall)
	for {
		if err := ctx.Err(); err != nil {
			return Frame{}, err
		}
		if s.isClosed() {
			return Frame{}, ErrClosed
		}
		err := s.cam.WaitForFrame(1) // seconds
		var timeout *webcam.Timeout
		switch {
		case errors.As(err, &timeout):
			if time.Now().After(deadline) {
				return Frame{}, fmt.Errorf("%s: no frame for %s: %w", s.path, s.stall, ErrDisconnected)
			}
			continue
		case err != nil:
			return Frame{}, fmt.Errorf("%s: wait for frame: %w", s.path, mapErrno(err, ErrDisconnected))
		}
		raw, index, err := s.cam.GetFrame()
		if errors.Is(err, syscall.EAGAIN) {
			continue
		}
		if err != nil {
			return Frame{}, fmt.Errorf("%s: read frame: %w", s.path, mapErrno(err, ErrDisconnected))
		}
		// Convert (which copies) before the buffer goes back to the driver.
		gray, convErr := ConvertFrame(s.format, raw, s.size.Width, s.size.Height)
		if err := s.cam.ReleaseFrame(index); err != nil {
			return Frame{}, fmt.Errorf("%s: release frame: %w", s.path, mapErrno(err, ErrDisconnected))
		}
		deadline = time.Now().Add(s.stall)
		if convErr != nil {
			s.stats.Skipped++
			if s.badRun++; s.badRun >= maxBadRun {
				return Frame{}, fmt.Errorf("%s: %d frames in a row unreadable: %w", s.path, s.badRun, convErr)
			}
			continue
		}
		s.badRun = 0
		s.seq++
		s.stats.Frames++
		return Frame{Gray: gray, Width: s.size.Width, Height: s.size.Height, Time: time.Now(), Seq: s.seq}, nil
	}
}

func (s *V4L2Source) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

func (s *V4L2Source) leaveNext() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inNext = false
	if s.closed && !s.camGone {
		s.camGone = true
		s.cam.Close()
	}
}

// Stats counts delivered frames and skipped (unconvertible) ones.
func (s *V4L2Source) Stats() SourceStats { return s.stats }

// Close stops streaming and releases the device. Called while Next waits,
// it takes effect within a second (Next then returns ErrClosed).
func (s *V4L2Source) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	if s.inNext || s.camGone {
		return nil
	}
	s.camGone = true
	if err := s.cam.Close(); err != nil {
		return fmt.Errorf("close %s: %w", s.path, err)
	}
	return nil
}

// mapErrno classifies a device error; unknown errnos get fallback.
func mapErrno(err error, fallback error) error {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return fmt.Errorf("%w: %v", fallback, err)
	}
	switch errno {
	case syscall.ENOENT, syscall.ENXIO, syscall.ENOTTY:
		return fmt.Errorf("%w: %v", ErrNoCamera, err)
	case syscall.ENODEV, syscall.EIO:
		if fallback == ErrDisconnected {
			return fmt.Errorf("%w: %v", ErrDisconnected, err)
		}
		return fmt.Errorf("%w: %v", ErrNoCamera, err)
	case syscall.EBUSY:
		return fmt.Errorf("%w: %v", ErrCameraBusy, err)
	case syscall.EACCES, syscall.EPERM:
		return fmt.Errorf("%w: %v", ErrPermission, err)
	}
	return fmt.Errorf("%w: %v", fallback, err)
}

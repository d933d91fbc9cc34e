//go:build linux

package camera

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/blackjack/webcam"
)

// This machine has no camera: these are the error paths a counter without
// a webcam (or with a broken one) goes through. None may panic.
func TestOpenV4L2_errors(t *testing.T) {
	regular := filepath.Join(t.TempDir(), "video0")
	if err := os.WriteFile(regular, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		dev  string
		want error
	}{
		{"missing device", "/dev/video-guichet-missing", ErrNoCamera},
		{"not a video device", "/dev/null", ErrNoCamera},
		{"regular file", regular, ErrNoCamera},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := OpenV4L2(V4L2Options{Device: tt.dev})
			if src != nil || !errors.Is(err, tt.want) {
				t.Fatalf("OpenV4L2(%s) = %v, %v; want %v", tt.dev, src, err, tt.want)
			}
			if UserMessage(err) == "" {
				t.Error("no user message")
			}
		})
	}
}

func TestOpenV4L2_defaultDevice(t *testing.T) {
	if devs, _ := filepath.Glob("/dev/video*"); len(devs) > 0 {
		t.Skip("this machine has video devices")
	}
	devs, err := ListDevices()
	if err != nil || len(devs) != 0 {
		t.Fatalf("ListDevices = %v, %v; want none, no error", devs, err)
	}
	if _, err := OpenV4L2(V4L2Options{}); !errors.Is(err, ErrNoCamera) {
		t.Fatalf("OpenV4L2 without device = %v, want ErrNoCamera", err)
	}
}

func TestMapErrno(t *testing.T) {
	tests := []struct {
		err      error
		fallback error
		want     error
	}{
		{syscall.ENOENT, ErrNoCamera, ErrNoCamera},
		{syscall.EBUSY, ErrNoCamera, ErrCameraBusy},
		{syscall.EACCES, ErrNoCamera, ErrPermission},
		{syscall.ENODEV, ErrDisconnected, ErrDisconnected},
		{syscall.EIO, ErrDisconnected, ErrDisconnected},
		{syscall.ENODEV, ErrNoCamera, ErrNoCamera},
		{errors.New("Not a video capture device"), ErrNoCamera, ErrNoCamera},
		{syscall.EINVAL, ErrCameraBusy, ErrCameraBusy},
	}
	for _, tt := range tests {
		if got := mapErrno(tt.err, tt.fallback); !errors.Is(got, tt.want) {
			t.Errorf("mapErrno(%v, %v) = %v, want %v", tt.err, tt.fallback, got, tt.want)
		}
	}
}

// fakeCam scripts a streaming device: each entry of frames is one buffer
// (nil: WaitForFrame times out once); after the script, GetFrame fails
// with err, or WaitForFrame keeps timing out when err is nil.
type fakeCam struct {
	frames   [][]byte
	err      error
	i        int
	got      int
	released int
	closed   int
}

func (f *fakeCam) WaitForFrame(uint32) error {
	if f.i < len(f.frames) && f.frames[f.i] == nil {
		f.i++
		return new(webcam.Timeout)
	}
	if f.i >= len(f.frames) && f.err == nil {
		return new(webcam.Timeout)
	}
	return nil
}

func (f *fakeCam) GetFrame() ([]byte, uint32, error) {
	if f.i >= len(f.frames) {
		return nil, 0, f.err
	}
	f.i++
	f.got++
	return f.frames[f.i-1], uint32(f.i), nil
}

func (f *fakeCam) ReleaseFrame(uint32) error { f.released++; return nil }
func (f *fakeCam) Close() error              { f.closed++; return nil }

func fakeV4L2(cam *fakeCam, pf PixelFormat, w, h int) *V4L2Source {
	return &V4L2Source{cam: cam, path: "/dev/fake", format: pf, size: Size{w, h}, stall: 30 * time.Millisecond}
}

func TestV4L2Source_Next(t *testing.T) {
	yuyv := []byte{10, 128, 20, 128, 30, 128, 40, 128, 50, 1, 60, 2, 70, 3, 80, 4} // 4x2
	full, _ := testJPEG(t)
	bare := stripDHT(t, full)
	ctx := context.Background()

	t.Run("frames are converted, bad ones skipped and counted, buffers handed back", func(t *testing.T) {
		raw := append([]byte{}, yuyv...)
		cam := &fakeCam{frames: [][]byte{raw, yuyv[:5], nil, yuyv}, err: syscall.ENODEV}
		src := fakeV4L2(cam, FormatYUYV, 4, 2)
		f, err := src.Next(ctx)
		if err != nil || f.Seq != 1 || string(f.Gray) != string([]byte{10, 20, 30, 40, 50, 60, 70, 80}) {
			t.Fatalf("first frame %+v, %v", f, err)
		}
		raw[0] = 99 // the driver reuses its buffer: the frame must not change
		if f.Gray[0] != 10 {
			t.Fatal("frame aliases the driver buffer")
		}
		f, err = src.Next(ctx)
		if err != nil || f.Seq != 2 {
			t.Fatalf("second frame %+v, %v", f, err)
		}
		if s := src.Stats(); s.Frames != 2 || s.Skipped != 1 {
			t.Fatalf("stats %+v, want 2 frames, 1 skipped", s)
		}
		// Unplugged mid-scan.
		_, err = src.Next(ctx)
		if !errors.Is(err, ErrDisconnected) || !strings.Contains(UserMessage(err), "débranchée") {
			t.Fatalf("unplugged: %v", err)
		}
		if cam.released != cam.got {
			t.Fatalf("%d buffers taken, %d handed back", cam.got, cam.released)
		}
	})

	t.Run("MJPEG with and without Huffman tables", func(t *testing.T) {
		cam := &fakeCam{frames: [][]byte{full, bare, bare[:len(bare)/2]}, err: syscall.EIO}
		src := fakeV4L2(cam, FormatMJPEG, 64, 48)
		for i := 0; i < 2; i++ {
			if f, err := src.Next(ctx); err != nil || len(f.Gray) != 64*48 {
				t.Fatalf("frame %d: %v", i, err)
			}
		}
		if _, err := src.Next(ctx); !errors.Is(err, ErrDisconnected) {
			t.Fatalf("after the truncated frame: %v", err)
		}
		if s := src.Stats(); s.Skipped != 1 {
			t.Fatalf("truncated frame not counted: %+v", s)
		}
	})

	t.Run("a device that stops sending is reported as disconnected", func(t *testing.T) {
		src := fakeV4L2(&fakeCam{}, FormatYUYV, 4, 2)
		if _, err := src.Next(ctx); !errors.Is(err, ErrDisconnected) {
			t.Fatalf("stalled: %v", err)
		}
	})

	t.Run("a stream of unreadable frames fails instead of freezing", func(t *testing.T) {
		frames := make([][]byte, maxBadRun)
		for i := range frames {
			frames[i] = []byte{1, 2, 3}
		}
		src := fakeV4L2(&fakeCam{frames: frames}, FormatYUYV, 4, 2)
		if _, err := src.Next(ctx); !errors.Is(err, ErrBadFrame) {
			t.Fatalf("bad stream: %v", err)
		}
	})

	t.Run("close and cancel", func(t *testing.T) {
		cam := &fakeCam{frames: [][]byte{yuyv}}
		src := fakeV4L2(cam, FormatYUYV, 4, 2)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := src.Next(cctx); !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled: %v", err)
		}
		if err := src.Close(); err != nil {
			t.Fatal(err)
		}
		src.Close()
		if _, err := src.Next(ctx); !errors.Is(err, ErrClosed) {
			t.Fatalf("after Close: %v", err)
		}
		if cam.closed != 1 {
			t.Fatalf("device closed %d times", cam.closed)
		}
	})
}

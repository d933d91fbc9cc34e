//go:build linux

package camera

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
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

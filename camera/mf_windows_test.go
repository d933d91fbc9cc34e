package camera

import (
	"errors"
	"strings"
	"testing"
)

// TestListDevices_mediaFoundation runs the real enumeration (under Wine in make test-windows,
// where there is no camera; on a Windows PC with a webcam it lists it).
func TestListDevices_mediaFoundation(t *testing.T) {
	devs, err := ListDevices()
	if err != nil {
		t.Fatalf("ListDevices: %v (%s)", err, UserMessage(err))
	}
	t.Logf("Media Foundation lists %d video capture device(s): %v", len(devs), devs)
	src, err := Open(Options{})
	if len(devs) == 0 {
		if !errors.Is(err, ErrNoCamera) || !strings.HasPrefix(UserMessage(err), "Aucune caméra détectée") {
			t.Fatalf("Open without a camera = %v (%q), want ErrNoCamera", err, UserMessage(err))
		}
		return
	}
	if err != nil {
		t.Fatalf("Open %s: %v", devs[0].Path, err)
	}
	defer src.Close()
}

//go:build !linux && !windows

package camera

import (
	"errors"
	"strings"
	"testing"
)

func TestOpenV4L2_unsupported(t *testing.T) {
	if _, err := ListDevices(); !errors.Is(err, ErrUnsupported) {
		t.Errorf("ListDevices = %v, want ErrUnsupported", err)
	}
	_, err := OpenV4L2(V4L2Options{})
	if !errors.Is(err, ErrUnsupported) || !strings.Contains(UserMessage(err), "plate-forme") {
		t.Errorf("OpenV4L2 = %v (%q)", err, UserMessage(err))
	}
}

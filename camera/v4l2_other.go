//go:build !linux

package camera

// V4L2Options select the device and frame size (see the Linux version).
type V4L2Options struct {
	Device string
	Size   Size
}

// ListDevices is not available outside Linux.
func ListDevices() ([]Device, error) { return nil, ErrUnsupported }

// OpenV4L2 is not available outside Linux: it returns ErrUnsupported, whose
// UserMessage reads "Caméra indisponible sur cette plate-forme".
func OpenV4L2(V4L2Options) (Source, error) { return nil, ErrUnsupported }

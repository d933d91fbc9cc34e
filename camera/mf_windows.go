package camera

/*
#cgo LDFLAGS: -lmfuuid -lole32
#include <stdlib.h>
#include "mf_windows.h"
*/
import "C"

import (
	"fmt"
	"sync"
	"unsafe"
)

// Media Foundation starts once per process.
var mfStartup = sync.OnceValue(func() error { return mfError("startup", uint32(C.gc_startup())) })

// ListDevices returns the video capture devices Media Foundation sees, each with a unique
// name as its Path. No device gives an empty list and no error.
func ListDevices() ([]Device, error) {
	devs, err := listMF()
	if err != nil {
		return nil, err
	}
	out := make([]Device, len(devs))
	for i, d := range devs {
		out[i] = Device{Path: d.Name, Name: d.Name}
	}
	return out, nil
}

func listMF() ([]mfDevice, error) {
	if err := mfStartup(); err != nil {
		return nil, fmt.Errorf("list devices: %w", err)
	}
	var buf *C.char
	var n C.int
	if err := mfError("enumerate devices", uint32(C.gc_list(&buf, &n))); err != nil {
		return nil, fmt.Errorf("list devices: %w", err)
	}
	defer C.free(unsafe.Pointer(buf))
	return parseMFList(C.GoString(buf)), nil
}

// OpenV4L2 does not exist on Windows: it opens the Media Foundation device like Open.
func OpenV4L2(o Options) (Source, error) { return Open(o) }

// Open opens a capture device through Media Foundation: the device named o.Device (its Path
// from ListDevices; "" for the first), in the native type closest to o.Size.
func Open(o Options) (Source, error) {
	devs, err := listMF()
	if err != nil {
		return nil, err
	}
	d, err := pickMFDevice(devs, o.Device)
	if err != nil {
		return nil, err
	}
	link := C.CString(d.Link)
	defer C.free(unsafe.Pointer(link))
	var cam *C.gc_cam
	if err := mfError("open "+d.Name, uint32(C.gc_open(link, &cam))); err != nil {
		return nil, err
	}
	r := &mfCgoReader{cam: cam}
	types, err := r.types()
	if err == nil {
		var i int
		var pix PixelFormat
		var size Size
		if i, pix, size, err = mfChoose(types, o.Size); err == nil {
			if err = mfError("select media type", uint32(C.gc_select(cam, C.int(i)))); err == nil {
				return newMFSource(r, pix, size, o.StallAfter), nil
			}
		}
	}
	r.Release()
	return nil, fmt.Errorf("open %s: %w", d.Name, err)
}

// mfCgoReader is the mfReader of one opened device.
type mfCgoReader struct{ cam *C.gc_cam }

func (r *mfCgoReader) types() ([]mfType, error) {
	const max = 256
	ts := (*[max]C.gc_type)(C.malloc(C.size_t(max) * C.size_t(unsafe.Sizeof(C.gc_type{}))))
	defer C.free(unsafe.Pointer(ts))
	var n C.int
	if err := mfError("list media types", uint32(C.gc_types(r.cam, &ts[0], max, &n))); err != nil {
		return nil, err
	}
	out := make([]mfType, int(n))
	for i := range out {
		out[i] = mfType{FourCC: uint32(ts[i].fourcc), Width: int(ts[i].width), Height: int(ts[i].height)}
	}
	return out, nil
}

func (r *mfCgoReader) ReadSample(buf []byte) (int, uint32, uint32) {
	var n C.int
	var flags C.uint32_t
	var p *C.uint8_t
	if len(buf) > 0 {
		p = (*C.uint8_t)(unsafe.Pointer(&buf[0]))
	}
	hr := C.gc_read(r.cam, p, C.int(len(buf)), &n, &flags)
	return int(n), uint32(flags), uint32(hr)
}

func (r *mfCgoReader) Shutdown() { C.gc_shutdown(r.cam) }
func (r *mfCgoReader) Release()  { C.gc_free(r.cam) }

//go:build refdecoders

// Package refdec wraps the reference QR decoders zxing-cpp (libzxing-dev)
// and zbar (libzbar-dev) through cgo so that the bench can time them
// in-process on the very same grey planes as the camera pipeline. It is
// compiled only with the refdecoders build tag, so ordinary builds and tests
// never need those C libraries.
package refdec

/*
#cgo pkg-config: zxing zbar
#cgo CXXFLAGS: -std=c++17 -O2
#include <stdlib.h>
#include "refdec.h"
*/
import "C"

import (
	"errors"
	"unsafe"
)

// ZXingCPP decodes one QR code with zxing-cpp's defaults (try harder,
// rotate, downscale) restricted to QR. It returns "" when nothing is found.
func ZXingCPP(gray []byte, w, h int) string {
	out := make([]byte, 4096)
	n := C.zxing_decode((*C.uchar)(unsafe.Pointer(&gray[0])), C.int(w), C.int(h),
		(*C.char)(unsafe.Pointer(&out[0])), C.int(len(out)))
	if n <= 0 {
		return ""
	}
	return string(out[:n])
}

// ZBar decodes QR codes with zbar's image scanner (QR only); it returns the
// first symbol's text or "".
type ZBar struct{ s unsafe.Pointer }

// NewZBar creates a zbar scanner; Close releases it.
func NewZBar() (*ZBar, error) {
	s := C.zbar_new()
	if s == nil {
		return nil, errors.New("zbar: cannot create scanner")
	}
	return &ZBar{s: s}, nil
}

// Decode scans one grey frame.
func (z *ZBar) Decode(gray []byte, w, h int) string {
	out := make([]byte, 4096)
	n := C.zbar_decode(z.s, (*C.uchar)(unsafe.Pointer(&gray[0])), C.int(w), C.int(h),
		(*C.char)(unsafe.Pointer(&out[0])), C.int(len(out)))
	if n <= 0 {
		return ""
	}
	return string(out[:n])
}

// Close frees the scanner.
func (z *ZBar) Close() { C.zbar_free(z.s) }

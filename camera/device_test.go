package camera

import (
	"errors"
	"strings"
	"testing"
)

func TestNegotiate(t *testing.T) {
	yuyv := Format{Pixel: FormatYUYV, Sizes: []Size{{640, 480}, {1280, 720}, {320, 240}}}
	mjpg := Format{Pixel: FormatMJPEG, Sizes: []Size{{1280, 720}, {1920, 1080}, {640, 480}}}
	other := Format{Pixel: PixelFormat(0x34324742), Sizes: []Size{{640, 480}}}
	tests := []struct {
		name     string
		formats  []Format
		want     Size
		wantPix  PixelFormat
		wantSize Size
		wantErr  bool
	}{
		{"720p prefers MJPEG", []Format{yuyv, mjpg}, Size{1280, 720}, FormatMJPEG, Size{1280, 720}, false},
		{"1080p prefers MJPEG", []Format{yuyv, mjpg}, Size{1920, 1080}, FormatMJPEG, Size{1920, 1080}, false},
		{"VGA prefers YUYV", []Format{mjpg, yuyv}, Size{640, 480}, FormatYUYV, Size{640, 480}, false},
		{"closest size", []Format{yuyv}, Size{600, 400}, FormatYUYV, Size{640, 480}, false},
		{"MJPEG only at VGA", []Format{mjpg}, Size{640, 480}, FormatMJPEG, Size{640, 480}, false},
		{"YUYV only at 720p", []Format{yuyv}, Size{1280, 720}, FormatYUYV, Size{1280, 720}, false},
		{"nothing usable", []Format{other}, Size{640, 480}, 0, Size{}, true},
		{"no formats", nil, Size{640, 480}, 0, Size{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pix, size, err := Negotiate(tt.formats, tt.want)
			if tt.wantErr {
				if !errors.Is(err, ErrNoCamera) {
					t.Fatalf("err = %v, want ErrNoCamera", err)
				}
				return
			}
			if err != nil || pix != tt.wantPix || size != tt.wantSize {
				t.Fatalf("got %s %s %v, want %s %s", pix, size, err, tt.wantPix, tt.wantSize)
			}
		})
	}
}

func TestConvertFrame(t *testing.T) {
	full, _ := testJPEG(t)
	bare := stripDHT(t, full)
	tests := []struct {
		name    string
		pix     PixelFormat
		src     []byte
		w, h    int
		wantErr bool
	}{
		{"yuyv", FormatYUYV, make([]byte, 64*48*2), 64, 48, false},
		{"yuyv wrong size", FormatYUYV, make([]byte, 64*48), 64, 48, true},
		{"mjpeg", FormatMJPEG, full, 64, 48, false},
		{"mjpeg without Huffman tables", FormatMJPEG, bare, 64, 48, false},
		{"mjpeg truncated", FormatMJPEG, bare[:len(bare)-200], 64, 48, true},
		{"mjpeg other size than negotiated", FormatMJPEG, full, 640, 480, true},
		{"unknown format", PixelFormat(1), full, 64, 48, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gray, err := ConvertFrame(tt.pix, tt.src, tt.w, tt.h)
			if tt.wantErr {
				if !errors.Is(err, ErrBadFrame) {
					t.Fatalf("err = %v, want ErrBadFrame", err)
				}
				return
			}
			if err != nil || len(gray) != tt.w*tt.h {
				t.Fatalf("got %d bytes, %v", len(gray), err)
			}
		})
	}
}

func TestPixelFormat_String(t *testing.T) {
	if FormatMJPEG.String() != "MJPG" || FormatYUYV.String() != "YUYV" {
		t.Fatalf("got %s %s", FormatMJPEG, FormatYUYV)
	}
}

func TestUserMessage(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{nil, ""},
		{ErrNoCamera, "Aucune caméra"},
		{ErrCameraBusy, "déjà utilisée"},
		{ErrUnsupported, "indisponible sur cette plate-forme"},
		{ErrDisconnected, "débranchée"},
		{ErrPermission, "refusé"},
		{errors.New("boom"), "ne répond pas"},
	} {
		if got := UserMessage(tc.err); !strings.Contains(got, tc.want) || (tc.want == "" && got != "") {
			t.Errorf("UserMessage(%v) = %q, want it to contain %q", tc.err, got, tc.want)
		}
	}
}

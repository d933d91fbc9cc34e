package camera

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

func TestNV12ToGray(t *testing.T) {
	// 4x2 frame: Y plane then one row of interleaved UV.
	packed := []byte{1, 2, 3, 4, 5, 6, 7, 8, 90, 91, 92, 93}
	padded := []byte{1, 2, 3, 4, 0, 0, 5, 6, 7, 8, 0, 0, 90, 91, 92, 93, 0, 0} // stride 6
	tests := []struct {
		name string
		src  []byte
		w, h int
		want []byte
		err  bool
	}{
		{"packed", packed, 4, 2, []byte{1, 2, 3, 4, 5, 6, 7, 8}, false},
		{"padded rows", padded, 4, 2, []byte{1, 2, 3, 4, 5, 6, 7, 8}, false},
		{"truncated", packed[:11], 4, 2, nil, true},
		{"stride below width", packed[:9], 4, 2, nil, true},
		{"odd height", packed, 4, 3, nil, true},
		{"zero size", packed, 0, 0, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NV12ToGray(nil, tt.src, tt.w, tt.h)
			if tt.err {
				if !errors.Is(err, ErrBadFrame) {
					t.Fatalf("err = %v, want ErrBadFrame", err)
				}
				return
			}
			if err != nil || !bytes.Equal(got, tt.want) {
				t.Fatalf("got %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

func TestConvertFrame_NV12(t *testing.T) {
	w, h := 8, 4
	src := make([]byte, w*h*3/2)
	for i := range w * h {
		src[i] = byte(i)
	}
	got, err := ConvertFrame(FormatNV12, src, w, h)
	if err != nil || len(got) != w*h || got[w*h-1] != byte(w*h-1) {
		t.Fatalf("ConvertFrame(NV12) = %v, %v", got, err)
	}
	if FormatNV12.String() != "NV12" {
		t.Errorf("FourCC = %q", FormatNV12.String())
	}
}

func TestMFPixelFormat(t *testing.T) {
	fcc := func(s string) uint32 { return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24 }
	tests := map[string]PixelFormat{"NV12": FormatNV12, "YUY2": FormatYUYV, "MJPG": FormatMJPEG, "RGB3": 0, "H264": 0}
	for s, want := range tests {
		if got := mfPixelFormat(fcc(s)); got != want {
			t.Errorf("mfPixelFormat(%s) = %v, want %v", s, got, want)
		}
	}
}

func TestMFChoose(t *testing.T) {
	fcc := func(s string) uint32 { return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24 }
	webcam := []mfType{
		{fcc("MJPG"), 1920, 1080}, {fcc("MJPG"), 1280, 720}, {fcc("MJPG"), 640, 480},
		{fcc("YUY2"), 640, 480}, {fcc("YUY2"), 320, 240}, {fcc("H264"), 1920, 1080},
	}
	nv12Only := []mfType{{fcc("NV12"), 1280, 720}, {fcc("NV12"), 640, 360}, {fcc("RGB3"), 640, 480}}
	tests := []struct {
		name  string
		types []mfType
		want  Size
		idx   int
		pix   PixelFormat
		err   error
	}{
		{"default size takes uncompressed 640x480", webcam, Size{}, 3, FormatYUYV, nil},
		{"720p takes MJPEG", webcam, Size{1280, 720}, 1, FormatMJPEG, nil},
		{"NV12 camera", nv12Only, Size{640, 480}, 1, FormatNV12, nil},
		{"nothing convertible", []mfType{{fcc("H264"), 640, 480}}, Size{}, -1, 0, ErrNoCamera},
		{"no types", nil, Size{}, -1, 0, ErrNoCamera},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			i, pix, _, err := mfChoose(tt.types, tt.want)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil || i != tt.idx || pix != tt.pix {
				t.Fatalf("mfChoose = %d %v %v, want %d %v", i, pix, err, tt.idx, tt.pix)
			}
		})
	}
}

func TestMFError(t *testing.T) {
	tests := []struct {
		hr   uint32
		want error
		msg  string
	}{
		{0x80070005, ErrPermission, "Paramètres"},
		{0xC00D3E86, ErrDisconnected, "débranchée"},
		{0xC00D3704, ErrCameraBusy, "autre application"},
		{0x80070002, ErrNoCamera, "Aucune caméra"},
		{0x80004001, ErrUnsupported, "Caméra indisponible"},
		{0x80004005, nil, "ne répond pas"}, // E_FAIL: generic
	}
	for _, tt := range tests {
		err := mfError("op", tt.hr)
		if err == nil {
			t.Fatalf("0x%08X: no error", tt.hr)
		}
		if tt.want != nil && !errors.Is(err, tt.want) {
			t.Errorf("0x%08X: %v, want %v", tt.hr, err, tt.want)
		}
		if tt.want == ErrPermission {
			if got := windowsPermissionMessage; !bytes.Contains([]byte(got), []byte(tt.msg)) {
				t.Errorf("Windows permission message %q lacks %q", got, tt.msg)
			}
			continue
		}
		if got := UserMessage(err); !bytes.Contains([]byte(got), []byte(tt.msg)) {
			t.Errorf("0x%08X: UserMessage = %q, want it to say %q", tt.hr, got, tt.msg)
		}
	}
	if mfError("op", 0) != nil || mfError("op", 1) != nil {
		t.Error("S_OK and S_FALSE are not errors")
	}
}

func TestParseMFList(t *testing.T) {
	got := parseMFList("HD Webcam\t\\\\?\\usb#vid_1\nHD Webcam\t\\\\?\\usb#vid_2\n\t\\\\?\\usb#vid_3\nbroken line\n")
	want := []mfDevice{{"HD Webcam", `\\?\usb#vid_1`}, {"HD Webcam (2)", `\\?\usb#vid_2`}, {"Caméra", `\\?\usb#vid_3`}}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("device %d = %v, want %v", i, got[i], want[i])
		}
	}
	if d, err := pickMFDevice(got, "HD Webcam (2)"); err != nil || d.Link != `\\?\usb#vid_2` {
		t.Errorf("pick by name = %v, %v", d, err)
	}
	if d, err := pickMFDevice(got, ""); err != nil || d.Name != "HD Webcam" {
		t.Errorf("pick first = %v, %v", d, err)
	}
	if _, err := pickMFDevice(got, "Unplugged cam"); !errors.Is(err, ErrNoCamera) {
		t.Errorf("pick unplugged = %v", err)
	}
	if _, err := pickMFDevice(nil, ""); !errors.Is(err, ErrNoCamera) || UserMessage(err)[:len("Aucune caméra détectée")] != "Aucune caméra détectée" {
		t.Errorf("no device = %v", err)
	}
}

// fakeReader replays samples, then an HRESULT or flags, like a webcam being unplugged.
type fakeReader struct {
	mu       sync.Mutex
	samples  [][]byte
	endHR    uint32
	endFlags uint32
	block    chan struct{} // when set, ReadSample blocks on it once samples are out
	shut     chan struct{}
	released bool
	once     sync.Once
}

func newFakeReader(samples ...[]byte) *fakeReader {
	return &fakeReader{samples: samples, shut: make(chan struct{})}
}

func (f *fakeReader) ReadSample(buf []byte) (int, uint32, uint32) {
	f.mu.Lock()
	if len(f.samples) > 0 {
		s := f.samples[0]
		f.samples = f.samples[1:]
		f.mu.Unlock()
		if len(s) > len(buf) {
			return len(s), 0, 0
		}
		return copy(buf, s), 0, 0
	}
	block := f.block
	f.mu.Unlock()
	if block != nil {
		select {
		case <-block:
		case <-f.shut:
			return 0, 0, hrShutdown
		}
	}
	return 0, f.endFlags, f.endHR
}
func (f *fakeReader) Shutdown() { f.once.Do(func() { close(f.shut) }) }
func (f *fakeReader) Release()  { f.mu.Lock(); f.released = true; f.mu.Unlock() }

func TestMFSource_framesThenUnplug(t *testing.T) {
	w, h := 4, 2
	frame := []byte{10, 20, 30, 40, 50, 60, 70, 80, 1, 1, 1, 1}
	big := make([]byte, 64) // larger than the buffer: skipped, the next fits
	tests := []struct {
		name  string
		hr    uint32
		flags uint32
		want  error
	}{
		{"device invalidated", hrDeviceInvalidated, 0, ErrDisconnected},
		{"reader error flag", 0, mfReaderError, ErrDisconnected},
		{"end of stream", 0, mfReaderEndOfStream, ErrDisconnected},
		{"preempted by another app", hrDevicePreempted, 0, ErrCameraBusy},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newFakeReader(frame, []byte{1, 2, 3}, big, nil, frame)
			r.endHR, r.endFlags = tt.hr, tt.flags
			s := newMFSource(r, FormatNV12, Size{w, h}, time.Minute)
			s.buf = make([]byte, 16)
			for i := range 2 {
				f, err := s.Next(context.Background())
				if err != nil || !f.Valid() || f.Gray[0] != 10 || f.Seq != uint64(i+1) {
					t.Fatalf("frame %d = %+v, %v", i, f, err)
				}
			}
			_, err := s.Next(context.Background())
			if !errors.Is(err, tt.want) {
				t.Fatalf("after unplug: %v, want %v", err, tt.want)
			}
			if st := s.Stats(); st.Frames != 2 || st.Skipped != 2 {
				t.Errorf("stats = %+v, want 2 frames, 2 skipped (truncated, too big)", st)
			}
			_ = s.Close()
			if !r.released {
				t.Error("Close did not release the reader")
			}
		})
	}
}

func TestMFSource_closeInterruptsNext(t *testing.T) {
	r := newFakeReader()
	r.block = make(chan struct{})
	s := newMFSource(r, FormatNV12, Size{4, 2}, time.Minute)
	done := make(chan error, 1)
	go func() { _, err := s.Next(context.Background()); done <- err }()
	time.Sleep(20 * time.Millisecond)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; !errors.Is(err, ErrClosed) {
		t.Fatalf("Next after Close = %v, want ErrClosed", err)
	}
	if !r.released {
		t.Error("reader not released")
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
}

func TestMFSource_stallIsDisconnect(t *testing.T) {
	r := newFakeReader()
	r.block = make(chan struct{}) // a camera that stops sending without an error
	s := newMFSource(r, FormatNV12, Size{4, 2}, 30*time.Millisecond)
	_, err := s.Next(context.Background())
	if !errors.Is(err, ErrDisconnected) {
		t.Fatalf("stalled camera: %v, want ErrDisconnected", err)
	}
}

func TestMFSource_contextEnds(t *testing.T) {
	r := newFakeReader()
	r.block = make(chan struct{})
	s := newMFSource(r, FormatNV12, Size{4, 2}, time.Minute)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := s.Next(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Next = %v, want the context's error", err)
	}
}

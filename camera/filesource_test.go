package camera

import (
	"context"
	"errors"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"testing"

	"guichet/camera/internal/scene"
)

func writePNG(t testing.TB, dir, name string, gray []byte, w, h int) string {
	t.Helper()
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img := &image.Gray{Pix: gray, Stride: w, Rect: image.Rect(0, 0, w, h)}
	if filepath.Ext(name) == ".jpg" {
		err = jpeg.Encode(f, img, &jpeg.Options{Quality: 80})
	} else {
		err = png.Encode(f, img)
	}
	if err != nil {
		t.Fatal(err)
	}
	return path
}

func TestFileSource_Next(t *testing.T) {
	dir := t.TempDir()
	gray := render(t, v3, scene.Params{Module: 6})
	writePNG(t, dir, "a.png", gray, 640, 480)
	writePNG(t, dir, "b.jpg", gray, 640, 480)
	if err := os.WriteFile(filepath.Join(dir, "c.png"), []byte("not a png"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("ignored"), 0o644); err != nil {
		t.Fatal(err)
	}
	src, err := NewDirSource(dir, FileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := 1; i <= 2; i++ {
		f, err := src.Next(ctx)
		if err != nil || !f.Valid() || f.Width != 640 || f.Seq != uint64(i) {
			t.Fatalf("frame %d: %+v, %v", i, f.Seq, err)
		}
	}
	if _, err := src.Next(ctx); !errors.Is(err, io.EOF) {
		t.Fatalf("after the files: %v, want io.EOF", err)
	}
	if s := src.Stats(); s.Frames != 2 || s.Skipped != 1 {
		t.Fatalf("stats %+v, want 2 frames and 1 skipped (the broken PNG)", s)
	}

	loop := NewFileSource([]string{filepath.Join(dir, "a.png")}, FileOptions{Loop: true})
	for i := 0; i < 3; i++ {
		if _, err := loop.Next(ctx); err != nil {
			t.Fatalf("loop %d: %v", i, err)
		}
	}
	loop.Close()
	loop.Close() // idempotent
	if _, err := loop.Next(ctx); !errors.Is(err, ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
}

func TestNewDirSource_errors(t *testing.T) {
	if _, err := NewDirSource(filepath.Join(t.TempDir(), "missing"), FileOptions{}); err == nil {
		t.Error("missing folder: no error")
	}
	if _, err := NewDirSource(t.TempDir(), FileOptions{}); err == nil {
		t.Error("empty folder: no error")
	}
	onlyBroken := NewFileSource([]string{"/nonexistent.png"}, FileOptions{Loop: true})
	if _, err := onlyBroken.Next(context.Background()); !errors.Is(err, io.EOF) {
		t.Errorf("looping over unreadable files: %v, want io.EOF (no endless loop)", err)
	}
}

func TestSyntheticSource_Next(t *testing.T) {
	src, err := NewSyntheticSource(SyntheticOptions{Payload: v3, Motion: true, Noise: 4, FPS: -1, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	d := NewDecoder()
	decoded := 0
	for i := 0; i < 20; i++ {
		f, err := src.Next(context.Background())
		if err != nil || !f.Valid() {
			t.Fatalf("frame %d: %v", i, err)
		}
		if r, ok := d.Decode(f.Gray, f.Width, f.Height); ok {
			if r.Text != v3 {
				t.Fatalf("decoded %q", r.Text)
			}
			decoded++
		}
	}
	if decoded < 18 {
		t.Errorf("decoded %d/20 synthetic frames", decoded)
	}
	src.Close()
	if _, err := src.Next(context.Background()); !errors.Is(err, ErrClosed) {
		t.Errorf("after Close: %v", err)
	}
	tooLong := make([]byte, 8000)
	for i := range tooLong {
		tooLong[i] = 'A'
	}
	if _, err := NewSyntheticSource(SyntheticOptions{Payload: string(tooLong)}); err == nil {
		t.Error("payload beyond QR capacity: no error")
	}
}

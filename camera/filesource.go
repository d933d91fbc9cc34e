package camera

import (
	"context"
	"fmt"
	"image"
	_ "image/jpeg" // register JPEG for image.Decode
	_ "image/png"  // register PNG for image.Decode
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// LoadGray reads a PNG or JPEG file and returns its luminance plane.
func LoadGray(path string) ([]byte, int, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("open image: %w", err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("decode %s: %w", filepath.Base(path), err)
	}
	var gray []byte
	w, h, err := grayInto(&gray, img)
	return gray, w, h, err
}

// ImageFiles lists the PNG and JPEG files of dir, sorted by name.
func ImageFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("list images: %w", err)
	}
	var out []string
	for _, e := range entries {
		switch strings.ToLower(filepath.Ext(e.Name())) {
		case ".png", ".jpg", ".jpeg":
			if !e.IsDir() {
				out = append(out, filepath.Join(dir, e.Name()))
			}
		}
	}
	slices.Sort(out)
	return out, nil
}

// FileOptions tune a file source.
type FileOptions struct {
	FPS  float64 // pace frames at this rate; 0 delivers them as fast as asked
	Loop bool    // start again after the last file instead of returning io.EOF
}

// FileSource plays a list of image files as a camera would. Unreadable
// files are skipped and counted.
type FileSource struct {
	paths  []string
	opts   FileOptions
	next   int
	seq    uint64
	last   time.Time
	stats  SourceStats
	closed chan struct{}
	once   sync.Once
}

// NewFileSource plays the given files in order.
func NewFileSource(paths []string, opts FileOptions) *FileSource {
	return &FileSource{paths: slices.Clone(paths), opts: opts, closed: make(chan struct{})}
}

// NewDirSource plays the PNG and JPEG files of dir in name order.
func NewDirSource(dir string, opts FileOptions) (*FileSource, error) {
	paths, err := ImageFiles(dir)
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("list images: no PNG or JPEG in %s", dir)
	}
	return NewFileSource(paths, opts), nil
}

// Next returns the next readable file as a frame, or io.EOF.
func (s *FileSource) Next(ctx context.Context) (Frame, error) {
	for {
		select {
		case <-s.closed:
			return Frame{}, ErrClosed
		default:
		}
		if s.next >= len(s.paths) {
			if !s.opts.Loop || len(s.paths) == 0 || s.stats.Frames == 0 {
				return Frame{}, io.EOF
			}
			s.next = 0
		}
		if err := s.pace(ctx); err != nil {
			return Frame{}, err
		}
		path := s.paths[s.next]
		s.next++
		gray, w, h, err := LoadGray(path)
		if err != nil {
			s.stats.Skipped++
			continue
		}
		s.seq++
		s.stats.Frames++
		return Frame{Gray: gray, Width: w, Height: h, Time: time.Now(), Seq: s.seq}, nil
	}
}

func (s *FileSource) pace(ctx context.Context) error {
	if s.opts.FPS <= 0 {
		return ctx.Err()
	}
	period := time.Duration(float64(time.Second) / s.opts.FPS)
	if wait := time.Until(s.last.Add(period)); wait > 0 && !s.last.IsZero() {
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-s.closed:
			return ErrClosed
		case <-t.C:
		}
	}
	s.last = time.Now()
	return ctx.Err()
}

// Stats reports delivered and skipped files (call it from the goroutine
// that calls Next).
func (s *FileSource) Stats() SourceStats { return s.stats }

// Close stops the source; a pending or later Next returns ErrClosed.
func (s *FileSource) Close() error {
	s.once.Do(func() { close(s.closed) })
	return nil
}

var _ Source = (*FileSource)(nil)

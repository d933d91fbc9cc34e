// Package prefs keeps the counter app's preferences (pairing, device id, camera, PIN) in one
// JSON file of the app's data folder, beside its offline cache: on Windows that folder is the
// user's local application data, so nothing of a counter roams to another PC with the user's
// profile (two PCs sharing one device id would confuse the server's conflict reports).
// File implements fyne.Preferences; every change is written atomically by a background writer,
// never on the caller's goroutine (the UI's), and Close writes what is left.
package prefs

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	"fyne.io/fyne/v2"
)

// File is a fyne.Preferences stored in a JSON file.
type File struct {
	path string
	log  *slog.Logger

	mu        sync.Mutex
	values    map[string]any
	listeners []func()
	changed   int64      // changes made (under mu)
	saved     int64      // changes written (under mu)
	written   *sync.Cond // signalled when saved moves (on mu)
	closed    bool

	kick chan struct{} // a change waits to be written (capacity 1)
	stop chan struct{} // closed by Close
	done chan struct{} // closed when the writer has returned
}

var _ fyne.Preferences = (*File)(nil)

// Open reads the preferences at path. When the file does not exist yet, the values of the
// JSON file legacy (Fyne's own preferences file, where earlier versions kept them) are
// imported if it exists. An unreadable file is set aside (path.corrupt) and starts empty,
// rather than stopping the counter.
func Open(path, legacy string, log *slog.Logger) (*File, error) {
	f := &File{path: path, log: log, values: map[string]any{}, kick: make(chan struct{}, 1), stop: make(chan struct{}),
		done: make(chan struct{})}
	f.written = sync.NewCond(&f.mu)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("open preferences: %w", err)
	}
	err := f.load(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && legacy != "":
		if lerr := f.load(legacy); lerr == nil {
			log.Info("preferences imported", "from", legacy, "to", path)
			f.save(f.snapshot())
		}
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		log.Warn("preferences unreadable, starting afresh", "path", path, "err", err)
		_ = os.Rename(path, path+".corrupt")
	}
	go f.writer()
	return f, nil
}

// writer writes the preferences after each change (several changes in a row, once) until Close.
func (f *File) writer() {
	defer close(f.done)
	for {
		select {
		case <-f.kick:
		case <-f.stop:
			return
		}
		f.mu.Lock()
		gen, b := f.changed, f.snapshot()
		f.mu.Unlock()
		f.save(b)
		f.mu.Lock()
		f.saved = max(f.saved, gen)
		f.written.Broadcast()
		f.mu.Unlock()
	}
}

// Flush waits until every change made so far is written.
func (f *File) Flush() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for f.saved < f.changed && !f.closed {
		f.written.Wait()
	}
}

// Close writes what is left and stops the writer; later changes are written at once, by the
// caller.
func (f *File) Close() error {
	f.Flush()
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return nil
	}
	f.closed = true
	f.written.Broadcast()
	f.mu.Unlock()
	close(f.stop)
	<-f.done
	return nil
}

func (f *File) load(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	values := map[string]any{}
	if err := json.Unmarshal(b, &values); err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	f.values = values
	return nil
}

// snapshot encodes the values (under mu).
func (f *File) snapshot() []byte {
	b, err := json.MarshalIndent(f.values, "", " ")
	if err != nil {
		f.log.Error("preferences not encoded", "err", err)
		return nil
	}
	return b
}

// save writes the file through a temporary file and a rename, so that a crash leaves the old or
// the new preferences, never half of them.
func (f *File) save(b []byte) {
	if b == nil {
		return
	}
	tmp := f.path + ".tmp"
	err := os.WriteFile(tmp, b, 0o600)
	if err == nil {
		err = os.Rename(tmp, f.path)
	}
	if err != nil {
		f.log.Error("preferences not saved", "path", f.path, "err", err)
	}
}

func (f *File) set(key string, v any) {
	f.mu.Lock()
	if v == nil {
		delete(f.values, key)
	} else {
		f.values[key] = v
	}
	f.changed++
	if f.closed {
		f.save(f.snapshot())
		f.saved = f.changed
	} else {
		select {
		case f.kick <- struct{}{}:
		default: // a write is already due: it will take this change too
		}
	}
	ls := append([]func(){}, f.listeners...)
	f.mu.Unlock()
	for _, l := range ls {
		l()
	}
}

func (f *File) get(key string) (any, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.values[key]
	return v, ok
}

// value reads key as a T; JSON numbers come back as float64 and lists as []any.
func value[T any](f *File, key string, fallback T, conv func(any) (T, bool)) T {
	v, ok := f.get(key)
	if !ok {
		return fallback
	}
	if t, ok := conv(v); ok {
		return t
	}
	return fallback
}

func asBool(v any) (bool, bool)     { b, ok := v.(bool); return b, ok }
func asString(v any) (string, bool) { s, ok := v.(string); return s, ok }
func asFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	}
	return 0, false
}
func asInt(v any) (int, bool) { n, ok := asFloat(v); return int(n), ok }

func asList[T any](conv func(any) (T, bool)) func(any) ([]T, bool) {
	return func(v any) ([]T, bool) {
		switch l := v.(type) {
		case []T:
			return l, true
		case []any:
			out := make([]T, 0, len(l))
			for _, e := range l {
				t, ok := conv(e)
				if !ok {
					return nil, false
				}
				out = append(out, t)
			}
			return out, true
		}
		return nil, false
	}
}

func (f *File) Bool(key string) bool { return f.BoolWithFallback(key, false) }
func (f *File) BoolWithFallback(key string, fb bool) bool {
	return value(f, key, fb, asBool)
}
func (f *File) SetBool(key string, v bool) { f.set(key, v) }
func (f *File) BoolList(key string) []bool { return f.BoolListWithFallback(key, nil) }
func (f *File) BoolListWithFallback(key string, fb []bool) []bool {
	return value(f, key, fb, asList(asBool))
}
func (f *File) SetBoolList(key string, v []bool) { f.set(key, v) }

func (f *File) Float(key string) float64 { return f.FloatWithFallback(key, 0) }
func (f *File) FloatWithFallback(key string, fb float64) float64 {
	return value(f, key, fb, asFloat)
}
func (f *File) SetFloat(key string, v float64) { f.set(key, v) }
func (f *File) FloatList(key string) []float64 { return f.FloatListWithFallback(key, nil) }
func (f *File) FloatListWithFallback(key string, fb []float64) []float64 {
	return value(f, key, fb, asList(asFloat))
}
func (f *File) SetFloatList(key string, v []float64) { f.set(key, v) }

func (f *File) Int(key string) int { return f.IntWithFallback(key, 0) }
func (f *File) IntWithFallback(key string, fb int) int {
	return value(f, key, fb, asInt)
}
func (f *File) SetInt(key string, v int) { f.set(key, v) }
func (f *File) IntList(key string) []int { return f.IntListWithFallback(key, nil) }
func (f *File) IntListWithFallback(key string, fb []int) []int {
	return value(f, key, fb, asList(asInt))
}
func (f *File) SetIntList(key string, v []int) { f.set(key, v) }

func (f *File) String(key string) string { return f.StringWithFallback(key, "") }
func (f *File) StringWithFallback(key, fb string) string {
	return value(f, key, fb, asString)
}
func (f *File) SetString(key string, v string) { f.set(key, v) }
func (f *File) StringList(key string) []string { return f.StringListWithFallback(key, nil) }
func (f *File) StringListWithFallback(key string, fb []string) []string {
	return value(f, key, fb, asList(asString))
}
func (f *File) SetStringList(key string, v []string) { f.set(key, v) }

// RemoveValue deletes key.
func (f *File) RemoveValue(key string) { f.set(key, nil) }

// AddChangeListener calls l after every change.
func (f *File) AddChangeListener(l func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.listeners = append(f.listeners, l)
}

// ChangeListeners returns the listeners.
func (f *File) ChangeListeners() []func() {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]func(){}, f.listeners...)
}

//go:build !linux

package cache

import "os"

// datasync makes f's data durable: FlushFileBuffers on Windows, F_FULLFSYNC on macOS (os.File.Sync).
func datasync(f *os.File) error { return f.Sync() }

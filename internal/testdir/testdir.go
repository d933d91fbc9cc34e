// Package testdir gives tests a temporary folder that is removed afterwards on every platform the
// tests run on, Wine included: Wine refuses the POSIX-semantics deletion Go 1.26's os.RemoveAll
// tries first on Windows ("Invalid function"), which testing.T.TempDir's clean-up uses, while
// removing each file, then each folder, works. make test-windows runs tests there.
package testdir

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// New makes a temporary folder removed when the test ends (a failure to remove it fails the test).
func New(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "guichet-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if os.RemoveAll(dir) == nil {
			return
		}
		var paths []string
		_ = filepath.WalkDir(dir, func(p string, _ fs.DirEntry, _ error) error {
			paths = append(paths, p)
			return nil
		})
		for i := len(paths) - 1; i >= 0; i-- { // files and folders before the folders holding them
			if err := os.Remove(paths[i]); err != nil && !os.IsNotExist(err) {
				t.Errorf("clean up: %v", err)
			}
		}
	})
	return dir
}

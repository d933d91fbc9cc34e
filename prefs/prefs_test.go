package prefs

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"guichet/internal/testdir"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func TestFile_survivesRestart(t *testing.T) {
	// A Windows-like data folder with spaces and accents.
	dir := filepath.Join(testdir.New(t), "Données locales", "Cinéma Le Méliès")
	path := filepath.Join(dir, "preferences.json")
	p, err := Open(path, "", quiet())
	if err != nil {
		t.Fatal(err)
	}
	changes := 0
	p.AddChangeListener(func() { changes++ })
	p.SetString("pairing.server", "http://127.0.0.1:8080")
	p.SetInt("pairing.venue", 42)
	p.SetBool("camera.off", true)
	p.SetFloat("sound.volume", 0.5)
	p.SetStringList("door", []string{"a", "b"})
	p.SetIntList("ids", []int{3, 4})
	p.SetString("gone", "x")
	p.RemoveValue("gone")
	if changes != 8 {
		t.Errorf("listeners called %d times, want 8", changes)
	}
	if err := p.Close(); err != nil { // the writer's last write done
		t.Fatal(err)
	}

	q, err := Open(path, "", quiet())
	if err != nil {
		t.Fatal(err)
	}
	if q.String("pairing.server") != "http://127.0.0.1:8080" || q.Int("pairing.venue") != 42 ||
		!q.Bool("camera.off") || q.Float("sound.volume") != 0.5 {
		t.Errorf("after reopening: %v", q.values)
	}
	if !slices.Equal(q.StringList("door"), []string{"a", "b"}) || !slices.Equal(q.IntList("ids"), []int{3, 4}) {
		t.Errorf("lists after reopening: %v %v", q.StringList("door"), q.IntList("ids"))
	}
	if q.String("gone") != "" || q.StringWithFallback("missing", "fb") != "fb" || q.IntWithFallback("pairing.server", 7) != 7 {
		t.Error("missing or mistyped keys must give the fallback")
	}
	if _, err := os.Stat(path + ".tmp"); !os.IsNotExist(err) {
		t.Error("temporary file left behind")
	}
}

func TestOpen_importsLegacyOnce(t *testing.T) {
	dir := testdir.New(t)
	legacy := filepath.Join(dir, "fyne", "preferences.json")
	_ = os.MkdirAll(filepath.Dir(legacy), 0o700)
	if err := os.WriteFile(legacy, []byte(`{"device.id":"caisse-poste-abc123","pairing.venue":7}`), 0o600); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "guichet", "preferences.json")
	p, err := Open(path, legacy, quiet())
	if err != nil {
		t.Fatal(err)
	}
	if p.String("device.id") != "caisse-poste-abc123" || p.Int("pairing.venue") != 7 {
		t.Fatalf("legacy not imported: %v", p.values)
	}
	p.SetString("device.id", "caisse-new")
	p.Flush()
	_ = os.WriteFile(legacy, []byte(`{"device.id":"stale"}`), 0o600)
	q, _ := Open(path, legacy, quiet())
	if q.String("device.id") != "caisse-new" {
		t.Errorf("legacy imported again over the new file: %q", q.String("device.id"))
	}
}

func TestOpen_corruptFileSetAside(t *testing.T) {
	path := filepath.Join(testdir.New(t), "preferences.json")
	_ = os.WriteFile(path, []byte(`{"device.id": "caisse-`), 0o600)
	p, err := Open(path, "", quiet())
	if err != nil {
		t.Fatalf("a corrupt file must not stop the app: %v", err)
	}
	if p.String("device.id") != "" {
		t.Error("corrupt values kept")
	}
	if _, err := os.Stat(path + ".corrupt"); err != nil {
		t.Errorf("corrupt file not kept aside for support: %v", err)
	}
	p.SetString("k", "v")
	p.Flush()
	if q, _ := Open(path, "", quiet()); q.String("k") != "v" {
		t.Error("new preferences not saved after a corrupt file")
	}
}

// TestFile_writesInTheBackground: a change returns before it is written (the UI never waits on
// the disk), Flush waits for it, and after Close a change is written at once.
func TestFile_writesInTheBackground(t *testing.T) {
	path := filepath.Join(testdir.New(t), "preferences.json")
	p, err := Open(path, "", quiet())
	if err != nil {
		t.Fatal(err)
	}
	for i := range 200 {
		p.SetInt("n", i)
	}
	p.Flush()
	if q, _ := Open(path, "", quiet()); q.Int("n") != 199 {
		t.Errorf("after Flush the file says %d, want the last value 199", q.Int("n"))
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	p.SetString("late", "x") // after Close: written by the caller
	if q, _ := Open(path, "", quiet()); q.String("late") != "x" {
		t.Error("a change after Close was not written")
	}
}

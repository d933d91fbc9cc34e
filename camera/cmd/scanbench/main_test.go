package main

import (
	"bytes"
	"image"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"guichet/camera/internal/scene"
)

func writeFrame(t *testing.T, dir, name, payload string) {
	t.Helper()
	var code *scene.Code
	if payload != "" {
		var err error
		if code, err = scene.Encode(payload); err != nil {
			t.Fatal(err)
		}
	}
	gray := scene.Render(code, scene.Params{Width: 320, Height: 240, CX: 160, CY: 120, Module: 4}, rand.New(rand.NewPCG(1, 1)))
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, &image.Gray{Pix: gray, Stride: 320, Rect: image.Rect(0, 0, 320, 240)}); err != nil {
		t.Fatal(err)
	}
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	writeFrame(t, dir, "a_easy.png", "PASSCULTURE:v3;TOKEN:ABC234")
	writeFrame(t, dir, "b_none.png", "")
	manifest := "file\tdifficulty\tpayload\na_easy.png\teasy\tPASSCULTURE:v3;TOKEN:ABC234\nb_none.png\tnone\t-\n"
	if err := os.WriteFile(filepath.Join(dir, "manifest.tsv"), []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(&out, dir, []string{"guichet"}, false, 1, true); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	line := regexp.MustCompile(`^[^\t]+\t[^\t]+\t[0-9]+$`)
	if len(lines) < 3 || !line.MatchString(lines[0]) || !line.MatchString(lines[1]) {
		t.Fatalf("output:\n%s", out.String())
	}
	if !strings.HasPrefix(lines[0], "a_easy.png\tPASSCULTURE:v3;TOKEN:ABC234\t") {
		t.Errorf("first line %q", lines[0])
	}
	if !strings.HasPrefix(lines[1], "b_none.png\t-\t") {
		t.Errorf("second line %q", lines[1])
	}
	for _, l := range lines[2:] {
		if !strings.HasPrefix(l, "#") {
			t.Errorf("summary line %q does not start with #", l)
		}
	}
	if !strings.Contains(out.String(), "easy       1/  1 100.0 %") || !strings.Contains(out.String(), "false positives 0") {
		t.Errorf("summary:\n%s", out.String())
	}
	if err := run(&out, dir, []string{"nope"}, false, 1, true); err == nil {
		t.Error("unknown decoder accepted")
	}
}

func TestPercentile(t *testing.T) {
	v := []int64{5, 1, 4, 2, 3}
	for _, tc := range []struct {
		p    int
		want int64
	}{{50, 3}, {95, 5}, {100, 5}, {1, 1}} {
		if got := percentile(v, tc.p); got != tc.want {
			t.Errorf("percentile(%d) = %d, want %d", tc.p, got, tc.want)
		}
	}
	if percentile(nil, 50) != 0 {
		t.Error("empty slice")
	}
}

// With several codes in view, reading any of them is right; the tags
// column gives the per-situation table.
func TestRun_severalCodesAndTags(t *testing.T) {
	dir := t.TempDir()
	writeFrame(t, dir, "a_moderate.png", "PASSCULTURE:v3;TOKEN:ABC234")
	manifest := "file\tdifficulty\tpayload\tmodule_px\ttags\n" +
		"a_moderate.png\tmoderate\tOTHER|PASSCULTURE:v3;TOKEN:ABC234\t4\tscreen,multi\n"
	if err := os.WriteFile(filepath.Join(dir, "manifest.tsv"), []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(&out, dir, []string{"guichet", "plain"}, true, 1, false); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{"moderate   1/  1 100.0 %", "wrong payloads 0", "| multi | 1 | 100 % | 100 % |", "| screen | 1 | 100 % | 100 % |"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
}

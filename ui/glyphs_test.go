package ui

import (
	"fmt"
	"go/ast"
	"go/token"
	"image/color"
	"sort"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"golang.org/x/image/font/sfnt"

	"guichet/counter"
)

// bundledFonts are the fonts the app draws its texts with: Fyne's theme text fonts, regular and
// bold. A Windows PC (and Wine) has no fallback font for a character they lack.
func bundledFonts(t *testing.T) map[string]*sfnt.Font {
	t.Helper()
	out := map[string]*sfnt.Font{}
	for _, st := range []fyne.TextStyle{{}, {Bold: true}} {
		res := theme.DefaultTheme().Font(st)
		f, err := sfnt.Parse(res.Content())
		if err != nil {
			t.Fatalf("parse %s: %v", res.Name(), err)
		}
		out[res.Name()] = f
	}
	return out
}

// literals returns every string literal of a package's non-test files, with where it is.
func literals(t *testing.T, dir string) map[string]string {
	p := parsePkg(t, dir)
	out := map[string]string{}
	for _, f := range p.files {
		ast.Inspect(f, func(n ast.Node) bool {
			if l, ok := n.(*ast.BasicLit); ok && (l.Kind == token.STRING || l.Kind == token.CHAR) {
				if s, err := strconv.Unquote(l.Value); err == nil { // "text", `text` and 'c'
					out[s] = dir + "/" + p.pos(l)
				}
			}
			return true
		})
	}
	return out
}

// TestGlyphs fails when a character of a translation (key or value), of a ui/ or counter/ string or of an
// app/ string (the domain's messages, money and rates) is missing from a bundled font: it would
// show as a replacement box where no system font fills in.
func TestGlyphs(t *testing.T) {
	fonts := bundledFonts(t)
	texts := map[string]string{}
	for _, lang := range []string{"fr", "en"} {
		for k, v := range loadTranslations(t, lang) {
			texts[k] = lang + ".json"
			texts[v] = lang + ".json"
		}
	}
	for _, dir := range []string{".", "../app", "../counter"} {
		for s, at := range literals(t, dir) {
			texts[s] = at
		}
	}
	if len(texts) < 300 {
		t.Fatalf("only %d texts: the scan is broken", len(texts))
	}
	var buf sfnt.Buffer
	missing := map[string]bool{}
	for s, at := range texts {
		for _, r := range s {
			if r < 0x20 || r == 0x7f {
				continue // \n, \t: not drawn
			}
			for name, f := range fonts {
				if g, err := f.GlyphIndex(&buf, r); err != nil || g == 0 {
					missing[fmt.Sprintf("%q (%U) missing from %s, in %s %q", r, r, name, at, s)] = true
				}
			}
		}
	}
	var out []string
	for m := range missing {
		out = append(out, m)
	}
	sort.Strings(out)
	for _, m := range out {
		t.Error(m)
	}
}

// TestGlyphs_Catches checks the check: characters the old screens typed are reported missing.
func TestGlyphs_Catches(t *testing.T) {
	var buf sfnt.Buffer
	for name, f := range bundledFonts(t) {
		for _, r := range "●○⚠✓✗↺◀▶→" {
			if g, _ := f.GlyphIndex(&buf, r); g != 0 {
				t.Errorf("%s has %q: the symbol would need no drawing", name, r)
			}
		}
		for _, r := range "Aéàœ€—«»…’\u00a0" {
			if g, _ := f.GlyphIndex(&buf, r); g == 0 {
				t.Errorf("%s lacks %q: the lookup is broken", name, r)
			}
		}
	}
}

// TestStatusDot: the status bar's light is a drawn disc (filled online, a ring offline) and the
// theme's warning icon when the key is refused; the label carries no symbol character.
func TestStatusDot(t *testing.T) {
	u, _, _ := newTestUI(t)
	d := u.statusDot
	u.showStatus(counter.Status{Online: true})
	if !d.circle.Visible() || d.warning.Visible() || d.circle.FillColor != colorDotOnline {
		t.Errorf("online: circle visible %v fill %v, warning visible %v", d.circle.Visible(), d.circle.FillColor, d.warning.Visible())
	}
	u.showStatus(counter.Status{Online: false})
	if !d.circle.Visible() || d.circle.FillColor != color.Transparent || d.circle.StrokeColor != colorDotOffline {
		t.Errorf("offline: fill %v stroke %v", d.circle.FillColor, d.circle.StrokeColor)
	}
	u.showStatus(counter.Status{AuthRefused: true})
	if d.circle.Visible() || !d.warning.Visible() {
		t.Error("refused key: the warning icon should replace the dot")
	}
	if strings.ContainsAny(u.statusLabel.Text, "●○⚠") {
		t.Errorf("status text still types a symbol: %q", u.statusLabel.Text)
	}
}

// TestSymbolIcon: each state symbol is drawn with strokes of the asked colour inside its size.
func TestSymbolIcon(t *testing.T) {
	white := color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}
	for _, s := range []Symbol{SymbolAdmitted, SymbolWarning, SymbolRefused, SymbolUndone} {
		o := SymbolIcon(s, white, 96)
		if got := o.MinSize(); got != fyne.NewSquareSize(96) {
			t.Errorf("symbol %d: size %v", s, got)
		}
		strokes := 0
		var walk func(fyne.CanvasObject)
		walk = func(o fyne.CanvasObject) {
			switch o := o.(type) {
			case *fyne.Container:
				for _, c := range o.Objects {
					walk(c)
				}
			case *canvas.Line:
				strokes++
				if o.StrokeColor != white {
					t.Errorf("symbol %d: stroke colour %v", s, o.StrokeColor)
				}
				for _, p := range []fyne.Position{o.Position1, o.Position2} {
					if p.X < 0 || p.Y < 0 || p.X > 96 || p.Y > 96 {
						t.Errorf("symbol %d: stroke out of its box at %v", s, p)
					}
				}
			}
		}
		walk(o)
		if strokes == 0 {
			t.Errorf("symbol %d draws nothing", s)
		}
	}
}

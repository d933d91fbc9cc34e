package ui

import (
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Symbols are drawn, never typed: the fonts the app bundles (Noto Sans in Fyne's theme) lack
// "●", "⚠", "✓", "✗", "↺"…, and a Windows PC (or Wine) has no fallback font, so such a character
// would show as a replacement box. TestGlyphs checks every string against the bundled fonts.

// dotState is what the status bar's dot says about the connection.
type dotState int

const (
	dotOnline dotState = iota
	dotOffline
	dotRefused
)

var (
	colorDotOnline  = color.NRGBA{R: 0x2e, G: 0xa0, B: 0x4f, A: 0xff}
	colorDotOffline = color.NRGBA{R: 0x9e, G: 0x9e, B: 0x9e, A: 0xff}
)

// statusDot is the status bar's connection light: a filled green disc online, a grey ring
// offline, the theme's warning icon when the server refused the key.
type statusDot struct {
	circle  *canvas.Circle
	warning *widget.Icon
	content fyne.CanvasObject
	state   dotState
}

func newStatusDot() *statusDot {
	d := &statusDot{circle: canvas.NewCircle(colorDotOnline), warning: widget.NewIcon(theme.WarningIcon())}
	d.circle.StrokeWidth = 2
	d.circle.StrokeColor = colorDotOnline
	size := fyne.NewSquareSize(theme.IconInlineSize())
	d.content = container.NewCenter(container.NewStack(
		container.NewGridWrap(fyne.NewSquareSize(size.Width*0.75), d.circle), d.warning))
	d.set(dotOnline)
	return d
}

// set shows a state.
func (d *statusDot) set(s dotState) {
	d.state = s
	switch s {
	case dotOnline:
		d.circle.FillColor, d.circle.StrokeColor = colorDotOnline, colorDotOnline
	case dotOffline:
		d.circle.FillColor, d.circle.StrokeColor = color.Transparent, colorDotOffline
	}
	if s == dotRefused {
		d.circle.Hide()
		d.warning.Show()
	} else {
		d.warning.Hide()
		d.circle.Show()
	}
	d.circle.Refresh()
}

// Symbol names a state symbol of the verdict screen, drawn as lines because the bundled fonts
// have no "✓", "✗" or "↺".
type Symbol int

// The verdict's state symbols.
const (
	SymbolAdmitted Symbol = iota // ✓: let in
	SymbolWarning                // !: already validated, look
	SymbolRefused                // ✗: refused
	SymbolUndone                 // ↺: validation undone
)

// symbolStrokes are the symbols' strokes, as polylines in a unit square (y down), and their dots.
func symbolStrokes(s Symbol) (lines [][]fyne.Position, dots []fyne.Position) {
	switch s {
	case SymbolAdmitted:
		return [][]fyne.Position{{{X: 0.12, Y: 0.55}, {X: 0.4, Y: 0.82}, {X: 0.88, Y: 0.2}}}, nil
	case SymbolWarning:
		return [][]fyne.Position{{{X: 0.5, Y: 0.1}, {X: 0.5, Y: 0.62}}}, []fyne.Position{{X: 0.5, Y: 0.85}}
	case SymbolRefused:
		return [][]fyne.Position{{{X: 0.18, Y: 0.18}, {X: 0.82, Y: 0.82}}, {{X: 0.82, Y: 0.18}, {X: 0.18, Y: 0.82}}}, nil
	default: // SymbolUndone: three quarters of a circle, anticlockwise, with its arrow head at the top
		var arc []fyne.Position
		for i := 0; i <= 18; i++ {
			a := math.Pi*1.5 - float64(i)*(math.Pi*1.5)/18 // from the top, anticlockwise to the right
			arc = append(arc, fyne.Position{X: float32(0.5 + 0.36*math.Cos(a+math.Pi)), Y: float32(0.5 + 0.36*math.Sin(a+math.Pi))})
		}
		head := arc[0]
		return [][]fyne.Position{arc, {{X: head.X + 0.16, Y: head.Y - 0.14}, head, {X: head.X + 0.16, Y: head.Y + 0.14}}}, nil
	}
}

// SymbolIcon draws a state symbol of size×size in colour c (white on a verdict colour, for
// example): use it instead of typing the character into a text.
func SymbolIcon(s Symbol, c color.Color, size float32) fyne.CanvasObject {
	lines, dots := symbolStrokes(s)
	width := size / 9
	var objs []fyne.CanvasObject
	for _, pl := range lines {
		for i := 1; i < len(pl); i++ {
			l := canvas.NewLine(c)
			l.StrokeWidth = width
			l.Position1 = fyne.NewPos(pl[i-1].X*size, pl[i-1].Y*size)
			l.Position2 = fyne.NewPos(pl[i].X*size, pl[i].Y*size)
			objs = append(objs, l)
		}
	}
	for _, d := range dots {
		dot := canvas.NewCircle(c)
		dot.Position1 = fyne.NewPos(d.X*size-width*0.7, d.Y*size-width*0.7)
		dot.Position2 = fyne.NewPos(d.X*size+width*0.7, d.Y*size+width*0.7)
		objs = append(objs, dot)
	}
	box := container.NewWithoutLayout(objs...)
	box.Resize(fyne.NewSquareSize(size))
	return container.NewGridWrap(fyne.NewSquareSize(size), box)
}

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
	d.content = container.NewPadded(container.NewCenter(container.NewStack(
		container.NewGridWrap(fyne.NewSquareSize(size.Width*0.75), d.circle), d.warning)))
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
	default: // SymbolUndone: a circle open at the top, run anticlockwise, its head at the top right
		const r = 0.36
		at := func(a float64) fyne.Position {
			return fyne.Position{X: float32(0.5 + r*math.Cos(a)), Y: float32(0.5 - r*math.Sin(a))}
		}
		var arc []fyne.Position
		from, to := 2*math.Pi/3, 7*math.Pi/3
		for i := 0; i <= 20; i++ {
			arc = append(arc, at(from+(to-from)*float64(i)/20))
		}
		end := arc[len(arc)-1]
		dx, dy := -math.Sin(to), -math.Cos(to) // the direction of travel at the end
		wing := func(turn float64) fyne.Position {
			c, sn := math.Cos(turn), math.Sin(turn)
			return fyne.Position{X: end.X - float32(0.2*(dx*c-dy*sn)), Y: end.Y - float32(0.2*(dx*sn+dy*c))}
		}
		return [][]fyne.Position{arc, {wing(0.6), end, wing(-0.6)}}, nil
	}
}

// SymbolIcon draws a state symbol of size×size in colour c (white on a verdict colour, for
// example): use it instead of typing the character into a text.
func SymbolIcon(s Symbol, c color.Color, size float32) fyne.CanvasObject {
	lines, dots := symbolStrokes(s)
	width := size / 9
	var objs []fyne.CanvasObject
	for _, pl := range lines {
		for _, v := range pl { // round joints and ends
			j := canvas.NewCircle(c)
			j.Position1 = fyne.NewPos(v.X*size-width/2, v.Y*size-width/2)
			j.Position2 = fyne.NewPos(v.X*size+width/2, v.Y*size+width/2)
			objs = append(objs, j)
		}
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

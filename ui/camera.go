package ui

import (
	"context"
	"image"
	"image/color"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// Scanner is the webcam as the counter screen uses it; main wires the camera package behind it.
type Scanner interface {
	// Devices lists the cameras, for the settings.
	Devices() ([]string, error)
	// Run captures from device ("" for the first one) until ctx ends, handing the newest frames
	// to onFrame and each decoded text to onText, both from its own goroutines. It returns a
	// message for the cashier when the camera fails, nil when stopped.
	Run(ctx context.Context, device string, onFrame func(gray []byte, w, h int), onText func(string)) error
}

// Preference keys of the camera.
const (
	prefCameraOff    = "camera.off"
	prefCameraDevice = "camera.device"
)

// previewEvery throttles the preview: decoding runs at the camera's pace, the screen at ~12 fps.
const previewEvery = 80 * time.Millisecond

// cameraPanel is the live preview beside the verdict, with its aim box and on/off switch.
type cameraPanel struct {
	s       *counterScreen
	img     *canvas.Image
	aim     *canvas.Rectangle
	status  *widget.Label
	toggle  *widget.Button
	retry   *widget.Button // shown while the camera is on but failed (none plugged in, taken)
	cancel  context.CancelFunc
	run     int          // the current run of the camera: a finished older one changes nothing
	failed  bool         // on, but the camera failed
	last    atomic.Int64 // unix nanoseconds of the last preview frame shown
	content fyne.CanvasObject
}

func newCameraPanel(s *counterScreen) *cameraPanel {
	p := &cameraPanel{s: s}
	p.img = canvas.NewImageFromImage(image.NewGray(image.Rect(0, 0, 4, 3)))
	p.img.FillMode = canvas.ImageFillContain
	p.img.ScaleMode = canvas.ImageScaleFastest
	p.img.SetMinSize(fyne.NewSize(320, 240))
	p.aim = canvas.NewRectangle(color.Transparent)
	p.aim.StrokeColor = color.NRGBA{R: 0x4c, G: 0xd9, B: 0x64, A: 0xff}
	p.aim.StrokeWidth = 3
	aim := container.New(aimLayout{}, p.aim)
	p.status = widget.NewLabel("")
	p.status.Wrapping = fyne.TextWrapWord
	p.toggle = widget.NewButton("", p.onToggle)
	p.retry = widget.NewButton(lang.L("Réessayer la caméra"), p.onRetry)
	p.content = container.NewBorder(nil, container.NewVBox(p.retry, p.toggle, p.status), nil, nil, container.NewStack(p.img, aim))
	p.render()
	return p
}

// SetCameraOn switches the webcam on or off as a saved preference (before Show).
func (u *UI) SetCameraOn(on bool) { u.prefs.SetBool(prefCameraOff, !on) }

func (p *cameraPanel) on() bool { return !p.s.u.prefs.Bool(prefCameraOff) }

func (p *cameraPanel) render() {
	if p.on() && p.failed {
		p.retry.Show()
	} else {
		p.retry.Hide()
	}
	switch {
	case p.on() && p.failed:
		p.toggle.SetText(lang.L("Désactiver la caméra"))
		p.aim.Hide() // nothing to aim at
	case p.on():
		p.toggle.SetText(lang.L("Désactiver la caméra"))
		p.aim.Show()
	default:
		p.toggle.SetText(lang.L("Activer la caméra"))
		p.aim.Hide()
		p.status.SetText(lang.L("Caméra désactivée : scannez avec la douchette ou saisissez la contremarque."))
	}
}

// onRetry runs a failed camera again: a webcam plugged in since, or freed by another program.
func (p *cameraPanel) onRetry() {
	p.failed = false
	p.render()
	p.start()
	p.s.u.win.Canvas().Focus(p.s.entry)
}

func (p *cameraPanel) onToggle() {
	p.failed = false
	p.s.u.prefs.SetBool(prefCameraOff, p.on())
	if p.on() {
		p.start()
	} else {
		p.stop()
	}
	p.render()
	p.s.u.win.Canvas().Focus(p.s.entry)
}

// start runs the camera on its own goroutine; frames and codes come back through toUI.
func (p *cameraPanel) start() {
	u := p.s.u
	if u.scanner == nil || !p.on() || p.cancel != nil {
		return
	}
	ctx, cancel := context.WithCancel(u.ctx)
	p.cancel = cancel
	p.run++
	run := p.run
	p.status.SetText(lang.L("Présentez le QR code dans le cadre vert."))
	device := u.prefs.String(prefCameraDevice)
	u.background(func() func() {
		err := u.scanner.Run(ctx, device, p.onFrame, func(text string) {
			toUI(func() { p.s.onCamera(text) })
		})
		return func() {
			if run != p.run {
				return // a run stopped and replaced (another camera chosen): the new one stands
			}
			p.cancel = nil
			if err != nil && ctx.Err() == nil {
				p.failed = true
				p.render()
				p.status.SetText(tr(err.Error()))
			}
		}
	})
}

func (p *cameraPanel) stop() {
	if p.cancel != nil {
		p.cancel()
		p.cancel = nil
	}
}

// onFrame shows the newest frame, at most every previewEvery; frames in between are skipped so
// that the preview never slows the decoding.
func (p *cameraPanel) onFrame(gray []byte, w, h int) {
	now := time.Now().UnixNano()
	if last := p.last.Load(); now-last < int64(previewEvery) || !p.last.CompareAndSwap(last, now) {
		return
	}
	img := &image.Gray{Pix: gray, Stride: w, Rect: image.Rect(0, 0, w, h)} // frames are never reused
	toUI(func() {
		p.img.Image = img
		p.img.Refresh()
	})
}

// aimLayout draws the aim box over the centre two thirds of the preview, where the decoder
// looks first.
type aimLayout struct{}

func (aimLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	w, h := size.Width*2/3, size.Height*2/3
	if h > w*3/4 { // the frame is 4:3 and letterboxed: keep the box square-ish inside it
		h = w * 3 / 4
	}
	for _, o := range objs {
		o.Resize(fyne.NewSize(w, h))
		o.Move(fyne.NewPos((size.Width-w)/2, (size.Height-h)/2))
	}
}

func (aimLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(0, 0) }

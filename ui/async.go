package ui

import "fyne.io/fyne/v2"

// background runs work off the UI goroutine (through u.async, which tests make inline), then
// runs the function work returns, if any, on the UI goroutine: the way every screen does its
// I/O and comes back to its widgets.
func (u *UI) background(work func() (then func())) {
	u.async(func() {
		if then := work(); then != nil {
			toUI(then)
		}
	})
}

// toUI runs f on the UI goroutine. It is the one goroutine→UI hop of the package: background
// uses it, and so do the long-lived goroutines (camera frames, the engine's status, timers).
func toUI(f func()) { fyne.Do(f) }

//go:build !cgo && !windows

package sound

import (
	"errors"
	"log/slog"
)

// Player is silent: this build has no cgo, so no ALSA (the headless test builds).
type Player struct{}

// New returns a silent player.
func New(*slog.Logger) *Player { return &Player{} }

// Play does nothing.
func (p *Player) Play(Kind, float64) {}

// Err says why the player is silent.
func (p *Player) Err() error { return errors.New("no sound in a build without cgo") }

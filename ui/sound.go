package ui

// Sound is a verdict's sound.
type Sound int

// The verdict sounds (main.go maps them to the sound package's).
const (
	SoundAdmitted Sound = iota
	SoundAttention
	SoundRefused
)

// Sounds plays the verdict sounds; it must not block and stays silent without an audio device.
type Sounds interface {
	Play(s Sound, volume float64)
}

// Preference keys of the sounds.
const (
	prefSoundOff    = "sound.off"
	prefSoundVolume = "sound.volume"
)

// SetSounds gives the counter its sounds (before Show); without them it is silent.
func (u *UI) SetSounds(s Sounds) { u.sounds = s }

// soundOf is the sound of a verdict's state.
func soundOf(s Symbol) Sound {
	switch s {
	case SymbolAdmitted:
		return SoundAdmitted
	case SymbolWarning:
		return SoundAttention
	default:
		return SoundRefused
	}
}

// play plays a verdict's sound unless the sounds are off in Réglages.
func (u *UI) play(s Symbol) {
	if u.sounds == nil || u.prefs.Bool(prefSoundOff) {
		return
	}
	u.sounds.Play(soundOf(s), u.prefs.FloatWithFallback(prefSoundVolume, 0.8))
}

// Package sound plays the counter's short verdict sounds (admitted, attention, refused) so that
// the cashier need not look at the screen for every ticket. The sounds are synthesised at start
// (no files to ship) and played through github.com/ebitengine/oto; without an audio device the
// player stays silent. It imports no Fyne.
package sound

import (
	"encoding/binary"
	"math"
)

// Kind is which sound to play.
type Kind int

// The sounds.
const (
	Admitted  Kind = iota // two rising notes
	Attention             // two notes of the same pitch
	Refused               // one low buzz
)

// SampleRate is the rate of the synthesised sounds (mono, signed 16-bit little-endian).
const SampleRate = 44100

// note is a tone of frequency hz for ms milliseconds; square mixes in odd harmonics (a buzz).
type note struct {
	hz, ms float64
	square bool
}

var tunes = map[Kind][]note{
	Admitted:  {{hz: 880, ms: 90}, {ms: 30}, {hz: 1318.5, ms: 140}},
	Attention: {{hz: 740, ms: 120}, {ms: 70}, {hz: 740, ms: 120}},
	Refused:   {{hz: 196, ms: 420, square: true}},
}

// Synth returns a sound as 16-bit mono PCM at SampleRate, each note with a short fade in and
// out so that it does not click, at most 0.9 of full scale.
func Synth(k Kind) []byte {
	var pcm []byte
	for _, n := range tunes[k] {
		count := int(n.ms * SampleRate / 1000)
		fade := min(count/2, SampleRate*5/1000)
		for i := 0; i < count; i++ {
			var v float64
			if n.hz > 0 {
				ph := 2 * math.Pi * n.hz * float64(i) / SampleRate
				v = math.Sin(ph)
				if n.square {
					v = (math.Sin(ph) + math.Sin(3*ph)/3 + math.Sin(5*ph)/5) * 0.8
				}
			}
			env := 1.0
			if i < fade {
				env = float64(i) / float64(fade)
			} else if count-i < fade {
				env = float64(count-i) / float64(fade)
			}
			pcm = binary.LittleEndian.AppendUint16(pcm, uint16(int16(v*env*0.9*math.MaxInt16)))
		}
	}
	return pcm
}

// scale returns pcm at volume (0 silent, 1 as synthesised).
func scale(pcm []byte, volume float64) []byte {
	volume = max(0, min(1, volume))
	out := make([]byte, len(pcm))
	for i := 0; i+1 < len(pcm); i += 2 {
		s := int16(binary.LittleEndian.Uint16(pcm[i:]))
		binary.LittleEndian.PutUint16(out[i:], uint16(int16(float64(s)*volume)))
	}
	return out
}

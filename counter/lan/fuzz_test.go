package lan

import (
	"testing"
	"time"

	"guichet/app"
)

// FuzzOpen feeds the peer endpoint's reader with sealed messages (valid, altered, cut) and
// arbitrary bytes, as the MAC's holder could: it never panics, and what it accepts is a push of
// this venue whose validations are all the sender's, with a countermark's shape, a nonce and a time.
func FuzzOpen(f *testing.F) {
	key := venueKey(secret, 7)
	now := time.Date(2026, 12, 1, 20, 0, 0, 0, time.UTC)
	good, _ := seal(key, push("caisse-b", 7, now, Validation{Token: "ABC234", Nonce: "n1", Device: "caisse-b", At: now}))
	other, _ := seal(key, &message{Kind: kindReply, Venue: 7, Device: "caisse-b", Sent: now, Nonce: "r"})
	f.Add(good)
	f.Add(other)
	f.Add(good[:len(good)/2])
	f.Add([]byte(magic))
	f.Add([]byte("GLAN1 zz\n{}"))
	f.Add([]byte(`{"kind":"push"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, in := range [][]byte{data, sealHex(key, data)} { // as sent, and as a key holder would seal it
			m, err := open(key, in, kindPush, 7)
			if err != nil {
				continue
			}
			if m.Kind != kindPush || m.Venue != 7 || m.Device == "" || m.Nonce == "" {
				t.Fatalf("accepted %+v", m)
			}
			if checkValidations(m) != nil {
				continue
			}
			for _, v := range m.Validations {
				if !app.IsTokenShaped(v.Token) || v.Device != m.Device || v.Nonce == "" || v.At.IsZero() {
					t.Fatalf("accepted validation %+v of %q", v, m.Device)
				}
			}
		}
	})
}

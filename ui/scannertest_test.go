package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

// TestScannerTest says which layout the scanner types with, from what it typed.
func TestScannerTest(t *testing.T) {
	test.NewTempApp(t)
	st := newScannerTest()
	for _, tc := range []struct{ typed, want string }{
		{"PASSCULTURE:v3;TOKEN:ABC234", "rien à régler"},
		{`PQSSCULTUREMv"mTOKENMQBCé"'`, "tape en QWERTY alors que ce poste est en AZERTY"},
		{"PQSSCULTURE.v#,TOKEN.QBC@#$", "tape en AZERTY alors que ce poste est en QWERTY"},
		{"ABC234", "pas un QR code pass Culture"},
	} {
		test.Type(st.entry, tc.typed)
		st.entry.OnSubmitted(st.entry.Text)
		if !strings.Contains(st.result.Text, tc.want) || st.entry.Text != "" {
			t.Errorf("scanner typed %q: %q, want %q", tc.typed, st.result.Text, tc.want)
		}
	}
}

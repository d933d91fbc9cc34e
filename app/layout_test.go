package app

import "testing"

func TestParseScan_KeyboardLayouts(t *testing.T) {
	for _, tc := range []struct {
		name, in, token string
		layout          ScanLayout
	}{
		{"same layout", "PASSCULTURE:v3;TOKEN:ABC234", "ABC234", LayoutSame},
		{"QWERTY scanner on AZERTY", `PQSSCULTUREMv"mTOKENMQBCé"'`, "ABC234", LayoutQwertyOnAzerty},
		{"QWERTY scanner on AZERTY, v2", `PQSSCULTUREMvémTOKENMZQ(-èè`, "WA5677", LayoutQwertyOnAzerty},
		{"AZERTY scanner on QWERTY", "PQSSCULTURE.v#,TOKEN.QBC@#$", "ABC234", LayoutAzertyOnQwerty},
		{"AZERTY scanner on QWERTY, M in the token", "PQSSCULTURE.v#,TOKEN.;W%^&Q", "MZ567A", LayoutAzertyOnQwerty},
		{"bare token is never remapped", "QBCDEF", "QBCDEF", LayoutSame},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := ParseScan(tc.in)
			if !s.OK() || s.Token != tc.token || s.Layout != tc.layout {
				t.Errorf("ParseScan(%q) = %+v, want token %s layout %d", tc.in, s, tc.token, tc.layout)
			}
		})
	}
	// Garbage stays garbage: no layout makes it a payload.
	if s := ParseScan("https://example.org/?q=1"); s.OK() || s.Format != ScanForeign {
		t.Errorf("a URL was recovered: %+v", s)
	}
}

// TestRecoverScan_RoundTrip types every payload character through each mismatch and reads it back.
func TestRecoverScan_RoundTrip(t *testing.T) {
	meant := "PASSCULTURE:v2;EAN13:9782070612758;TOKEN:MW2Q7Z"
	typed := map[ScanLayout]string{
		LayoutQwertyOnAzerty: replacer(0, 1).Replace(meant),
		LayoutAzertyOnQwerty: replacer(1, 0).Replace(meant),
	}
	for layout, in := range typed {
		got, l := RecoverScan(in)
		if got != meant || l != layout {
			t.Errorf("RecoverScan(%q) = %q, %d; want %q, %d", in, got, l, meant, layout)
		}
	}
}

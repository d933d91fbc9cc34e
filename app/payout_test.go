package app

import (
	"testing"
	"time"
)

func TestRateFor(t *testing.T) {
	for _, tc := range []struct {
		revenue int64
		want    Rate
	}{
		{0, Rate100}, {20_000_00, Rate100}, {20_000_01, Rate95}, {40_000_00, Rate95}, {40_000_01, Rate92},
		{150_000_00, Rate92}, {150_000_01, Rate90}, {10_000_000_00, Rate90},
	} {
		if got := RateFor(tc.revenue); got != tc.want {
			t.Errorf("RateFor(%d) = %v, want %v", tc.revenue, got, tc.want)
		}
	}
}

func TestReimbursed(t *testing.T) {
	for _, tc := range []struct {
		amount int64
		rate   Rate
		want   int64
	}{
		{1000, Rate100, 1000},
		{1000, Rate95, 950},
		{1010, Rate95, 960}, // 959.5 rounds half-up
		{1030, Rate95, 979}, // 978.5 → 979
		{1001, Rate95, 951}, // 950.95 → 951
		{1003, Rate92, 923}, // 922.76 → 923
		{1006, Rate90, 905}, // 905.4 → 905
		{1005, Rate90, 905}, // 904.5 → 905
		{0, Rate90, 0},
	} {
		if got := Reimbursed(tc.amount, tc.rate); got != tc.want {
			t.Errorf("Reimbursed(%d, %v) = %d, want %d", tc.amount, tc.rate, got, tc.want)
		}
	}
}

func TestRate_String(t *testing.T) {
	for r, want := range map[Rate]string{Rate100: "100\u00a0%", Rate95: "95\u00a0%", 9250: "92,5\u00a0%"} {
		if got := r.String(); got != want {
			t.Errorf("%d: %q, want %q", r, got, want)
		}
	}
}

func TestPriceInOrder(t *testing.T) {
	// 19 990 € already priced; a 15 € booking straddles 20 000 € and is priced wholly at 95 %.
	got := PriceInOrder(19_990_00, []int64{1, 2, 3}, []int64{500, 1500, 1000})
	want := []Pricing{
		{1, 500, 19_995_00, Rate100, 500},
		{2, 1500, 20_010_00, Rate95, 1425},
		{3, 1000, 20_020_00, Rate95, 950},
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%d: %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestCheckCutDay(t *testing.T) {
	now := at("2026-03-16 09:00")
	for _, tc := range []struct {
		day  string
		ok   bool
		name string
	}{
		{"2026-03-16 00:00", true, "today, the 16th"},
		{"2026-03-01 00:00", true, "past 1st"},
		{"2026-04-01 00:00", false, "future"},
		{"2026-03-10 00:00", false, "not a payment day"},
	} {
		err := CheckCutDay(at(tc.day), now, paris)
		if (err == nil) != tc.ok {
			t.Errorf("%s: err %v", tc.name, err)
		}
	}
}

func TestNextPaymentDay(t *testing.T) {
	for _, tc := range []struct{ now, next, last string }{
		{"2026-03-10 12:00", "2026-03-16 00:00", "2026-03-01 00:00"},
		{"2026-03-16 00:00", "2026-04-01 00:00", "2026-03-16 00:00"},
		{"2026-12-20 12:00", "2027-01-01 00:00", "2026-12-16 00:00"},
		{"2026-03-01 00:30", "2026-03-16 00:00", "2026-03-01 00:00"},
	} {
		if got := NextPaymentDay(at(tc.now), paris); !got.Equal(at(tc.next)) {
			t.Errorf("next(%s) = %v", tc.now, got)
		}
		if got := LastPaymentDay(at(tc.now), paris); !got.Equal(at(tc.last)) {
			t.Errorf("last(%s) = %v", tc.now, got)
		}
	}
}

func TestCutCutoff(t *testing.T) {
	// Midnight Paris: 23:00 UTC the day before in winter, 22:00 in summer.
	if got := CutCutoff(time.Date(2026, 3, 16, 0, 0, 0, 0, time.UTC), paris).UTC(); !got.Equal(time.Date(2026, 3, 15, 23, 0, 0, 0, time.UTC)) {
		t.Errorf("winter cutoff %v", got)
	}
	if got := CutCutoff(time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), paris).UTC(); !got.Equal(time.Date(2026, 6, 30, 22, 0, 0, 0, time.UTC)) {
		t.Errorf("summer cutoff %v", got)
	}
}

func TestFortnightLabel(t *testing.T) {
	for day, want := range map[string]string{
		"2026-03-16 00:00": "Validées et remboursables sur mars : 1ère quinzaine",
		"2026-04-01 00:00": "Validées et remboursables sur mars : 2nde quinzaine",
		"2027-01-01 00:00": "Validées et remboursables sur décembre : 2nde quinzaine",
	} {
		if got := FortnightLabel(at(day)); got != want {
			t.Errorf("%s: %q", day, got)
		}
	}
}

func TestFortnightPeriod(t *testing.T) {
	f, l := FortnightPeriod(at("2026-03-01 00:00"), paris)
	if !f.Equal(at("2026-02-16 00:00")) || !l.Equal(at("2026-02-28 00:00")) {
		t.Errorf("1 March: %v – %v", f, l)
	}
	f, l = FortnightPeriod(at("2026-03-16 00:00"), paris)
	if !f.Equal(at("2026-03-01 00:00")) || !l.Equal(at("2026-03-15 00:00")) {
		t.Errorf("16 March: %v – %v", f, l)
	}
}

func TestStatementReference(t *testing.T) {
	if got := StatementReference(2026, 1); got != "F260000001" {
		t.Errorf("got %q", got)
	}
	if got := StatementReference(2027, 1234567); got != "F271234567" {
		t.Errorf("got %q", got)
	}
	for ref, ok := range map[string]bool{"F260000001": true, "f260000042": true, "F26000001": false, "G260000001": false, "F260000000": false, "F26000000A": false} {
		y, n, err := ParseStatementReference(ref)
		if (err == nil) != ok {
			t.Errorf("%s: err %v", ref, err)
		}
		if ok && (y != 2026 || n == 0) {
			t.Errorf("%s: %d %d", ref, y, n)
		}
	}
	if BatchLabel(3) != "VIR3" {
		t.Error(BatchLabel(3))
	}
}

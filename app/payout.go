package app

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Rate is a reimbursement rate in basis points: 10000 is 100 %, 9500 is 95 %.
type Rate int64

// The reimbursement scale of pass Culture (bareme): thresholds on the year-to-date revenue of a
// pricing point, in cents, the booking being priced included.
const (
	Threshold1 int64 = 20_000_00  // up to 20 000 €: 100 %
	Threshold2 int64 = 40_000_00  // up to 40 000 €: 95 %
	Threshold3 int64 = 150_000_00 // up to 150 000 €: 92 %, above: 90 %

	Rate100 Rate = 10000
	Rate95  Rate = 9500
	Rate92  Rate = 9200
	Rate90  Rate = 9000
)

// RateFor returns the rate of a booking whose venue's year-to-date revenue, that booking
// included, is revenueCents: the whole booking takes the rate of the bracket it ends in.
func RateFor(revenueCents int64) Rate {
	switch {
	case revenueCents <= Threshold1:
		return Rate100
	case revenueCents <= Threshold2:
		return Rate95
	case revenueCents <= Threshold3:
		return Rate92
	}
	return Rate90
}

// Reimbursed returns amountCents × rate rounded half-up to the cent (amounts are never negative).
func Reimbursed(amountCents int64, r Rate) int64 {
	return (amountCents*int64(r) + 5000) / 10000
}

// String renders a rate as the statements show it: "95 %" with a no-break space, "92,5 %" if
// a rate ever has a fraction.
func (r Rate) String() string {
	s := strconv.FormatInt(int64(r)/100, 10)
	if f := int64(r) % 100; f != 0 {
		s += "," + strings.TrimRight(fmt.Sprintf("%02d", f), "0")
	}
	return s + nbsp + "%"
}

// Pricing is the reimbursement of one used booking.
type Pricing struct {
	BookingID       int64
	AmountCents     int64 // price × quantity
	RevenueCents    int64 // the venue's revenue of the year up to and including this booking
	Rate            Rate
	ReimbursedCents int64
}

// PriceInOrder prices bookings of one pricing point and one calendar year, given in their
// stable order (use date, then id), after revenueBefore cents already priced that year.
func PriceInOrder(revenueBefore int64, ids []int64, amounts []int64) []Pricing {
	out := make([]Pricing, len(ids))
	rev := revenueBefore
	for i, id := range ids {
		rev += amounts[i]
		r := RateFor(rev)
		out[i] = Pricing{BookingID: id, AmountCents: amounts[i], RevenueCents: rev, Rate: r, ReimbursedCents: Reimbursed(amounts[i], r)}
	}
	return out
}

// YearStart returns midnight on 1 January, in loc, of the year t falls in (in loc).
func YearStart(t time.Time, loc *time.Location) time.Time {
	return time.Date(t.In(loc).Year(), 1, 1, 0, 0, 0, 0, loc)
}

// IsPaymentDay reports whether a calendar date is a payment day: the 1st or the 16th.
func IsPaymentDay(day time.Time) bool { return day.Day() == 1 || day.Day() == 16 }

// CutCutoff returns the cutoff of the payment cut of a calendar day: midnight in loc at the
// start of that day. Bookings used before it (and, for events, whose showtime started before
// it) are paid by that cut.
func CutCutoff(day time.Time, loc *time.Location) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, loc)
}

// NextPaymentDay returns the first payment day (1st or 16th, at midnight in loc) strictly
// after now.
func NextPaymentDay(now time.Time, loc *time.Location) time.Time {
	l := now.In(loc)
	if l.Day() < 16 {
		return time.Date(l.Year(), l.Month(), 16, 0, 0, 0, 0, loc)
	}
	return time.Date(l.Year(), l.Month()+1, 1, 0, 0, 0, 0, loc)
}

// LastPaymentDay returns the latest payment day (1st or 16th, at midnight in loc) at or before now.
func LastPaymentDay(now time.Time, loc *time.Location) time.Time {
	l := now.In(loc)
	if l.Day() >= 16 {
		return time.Date(l.Year(), l.Month(), 16, 0, 0, 0, 0, loc)
	}
	return time.Date(l.Year(), l.Month(), 1, 0, 0, 0, 0, loc)
}

// CheckCutDay refuses a payment cut for a day that is not the 1st or the 16th, or that has not
// begun yet at now (in loc).
func CheckCutDay(day, now time.Time, loc *time.Location) error {
	if !IsPaymentDay(day) {
		return FieldError("date", "Les paiements ont lieu le 1er et le 16 de chaque mois.")
	}
	if CutCutoff(day, loc).After(now) {
		return FieldError("date", "Impossible de lancer un paiement pour une date future.")
	}
	return nil
}

// FortnightPeriod returns the first and last days (in loc) of the fortnight a cut pays: for the
// 16th, the 1st to the 15th; for the 1st, the 16th to the end of the previous month.
func FortnightPeriod(day time.Time, loc *time.Location) (first, last time.Time) {
	cut := CutCutoff(day, loc)
	last = cut.AddDate(0, 0, -1)
	if day.Day() >= 16 {
		return time.Date(day.Year(), day.Month(), 1, 0, 0, 0, 0, loc), last
	}
	return time.Date(last.Year(), last.Month(), 16, 0, 0, 0, 0, loc), last
}

var frMonths = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
	"septembre", "octobre", "novembre", "décembre"}

// MonthName is the French name of a month, lower case.
func MonthName(m time.Month) string { return frMonths[m-1] }

// FortnightLabel is the first column of the booking-details CSV for a cut's day:
// "Validées et remboursables sur mars : 1ère quinzaine" for the 16 March cut,
// "… sur mars : 2nde quinzaine" for the 1 April cut.
func FortnightLabel(day time.Time) string {
	if day.Day() >= 16 {
		return "Validées et remboursables sur " + MonthName(day.Month()) + " : 1ère quinzaine"
	}
	prev := time.Date(day.Year(), day.Month(), 0, 0, 0, 0, 0, time.UTC)
	return "Validées et remboursables sur " + MonthName(prev.Month()) + " : 2nde quinzaine"
}

// StatementReference is a statement's reference: "F" + the 2-digit year + the 7-digit
// gap-free number of the statement in that year ("F260000001").
func StatementReference(year, number int) string {
	return fmt.Sprintf("F%02d%07d", year%100, number)
}

// ParseStatementReference checks a reference's shape and returns its year (2000 + yy) and number.
func ParseStatementReference(ref string) (year, number int, err error) {
	ref = strings.ToUpper(strings.TrimSpace(ref))
	bad := FieldError("ref", "Référence de justificatif invalide (attendu : F suivi de 9 chiffres, par exemple F260000001).")
	if len(ref) != 10 || ref[0] != 'F' || !allDigits(ref[1:]) {
		return 0, 0, bad
	}
	yy, _ := strconv.Atoi(ref[1:3])
	n, _ := strconv.Atoi(ref[3:])
	if n == 0 {
		return 0, 0, bad
	}
	return 2000 + yy, n, nil
}

// BatchLabel is the label of the n-th payment batch: "VIR1", "VIR2"…
func BatchLabel(n int64) string { return "VIR" + strconv.FormatInt(n, 10) }

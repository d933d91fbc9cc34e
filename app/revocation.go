package app

import "time"

// KeyRevoked is the refusal of a revoked API key. Its counter may go on admitting offline
// until OfflineUntil (the grace a manager sets when revoking, by default the end of that day),
// then refuses every scan until it is paired again with a live key.
type KeyRevoked struct {
	Err          *Error
	OfflineUntil time.Time
}

// Error implements the error interface.
func (k *KeyRevoked) Error() string { return k.Err.Error() }

// Unwrap makes ErrorCode, ErrorMessage and errors.As see the EUNAUTHORIZED error.
func (k *KeyRevoked) Unwrap() error { return k.Err }

// MsgKeyRevoked is the refusal of a revoked key.
const MsgKeyRevoked = "Cette clé d'API a été révoquée."

// EndOfDay is the next midnight after t in loc: the default end of a revoked key's grace.
func EndOfDay(t time.Time, loc *time.Location) time.Time {
	d := t.In(loc)
	return time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, loc)
}

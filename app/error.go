package app

import (
	"errors"
	"fmt"
)

// Error codes shared by every layer. The server maps them to HTTP statuses and the
// client maps statuses back to codes (see sync/protocol).
const (
	ECONFLICT     = "conflict"     // the request clashes with the current state
	EINTERNAL     = "internal"     // a bug or an unavailable dependency
	EINVALID      = "invalid"      // the input is malformed or breaks a rule
	ENOTFOUND     = "not_found"    // no such thing (or not visible to the caller)
	EUNAUTHORIZED = "unauthorized" // no credentials, or unknown ones
	EFORBIDDEN    = "forbidden"    // known caller, not allowed to do this
	ETOOLARGE     = "too_large"    // the request body is over the cap
	EGONE         = "gone"         // the thing existed but can no longer be acted on
	EUNAVAILABLE  = "unavailable"  // try again later
	ETOOMANY      = "too_many"     // the caller is over a rate limit: try again after a while
)

// Error is a domain error: a machine-readable code and a message that may be shown to a
// user (French for users, as pass Culture words it).
type Error struct {
	Code    string
	Message string
	// Field names the input field at fault, when there is one.
	Field string
	// Reason is the machine-readable reason of a refusal, in pass Culture's native API's words
	// (ReasonInsufficientCredit…), when there is one.
	Reason string
}

// Reasons of refused bookings and cancellations, as pass Culture's native API gives them in
// its "code" (routes/native/v1/bookings.py); ReasonAlreadyCancelled is Guichet's own (pass
// Culture answers a second cancellation with success).
const (
	ReasonInsufficientCredit = "INSUFFICIENT_CREDIT"
	ReasonAlreadyBooked      = "ALREADY_BOOKED"
	ReasonStockNotBookable   = "STOCK_NOT_BOOKABLE"
	ReasonConfirmedBooking   = "CONFIRMED_BOOKING"
	ReasonAlreadyUsed        = "ALREADY_USED"
	ReasonAlreadyCancelled   = "ALREADY_CANCELLED"
)

// Refusal returns an error with a code, a user-facing message and a machine-readable reason.
func Refusal(code, reason, message string) *Error {
	return &Error{Code: code, Reason: reason, Message: message}
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s: %s", e.Code, e.Field, e.Message)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf returns a domain error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldError returns an EINVALID error about one input field.
func FieldError(field, message string) *Error {
	return &Error{Code: EINVALID, Field: field, Message: message}
}

// ErrorCode returns the code of a domain error anywhere in err's chain, EINTERNAL for any
// other non-nil error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EINTERNAL
	}
}

// ErrorReason returns the machine-readable reason of a domain error anywhere in err's chain,
// or "".
func ErrorReason(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ""
}

// ErrorMessage returns the user-facing message of a domain error, or a generic one.
func ErrorMessage(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Message
	default:
		return "Erreur interne."
	}
}

package server

import (
	"net/http"
	"strings"

	"guichet/app"
	"guichet/sync/protocol"
	"guichet/sync/store"
)

// generation is one of the two generations of pass Culture's countermark API: same routes under
// another prefix, other error bodies.
type generation struct {
	prefix string
	// errorBody maps a refusal of operation op ("get", "use", "keep", "cancel") to pass Culture's
	// status and body for that generation.
	errorBody func(op string, o app.Outcome) (int, any)
	body      func(b *app.Booking) any
}

var v2 = generation{prefix: "/v2/bookings", errorBody: v2Error, body: func(b *app.Booking) any { return protocol.V2BookingOf(b) }}

var v1 = generation{prefix: "/public/bookings/v1", errorBody: v1Error, body: func(b *app.Booking) any { return protocol.V1BookingOf(b) }}

// v2 errors are lists of French messages keyed by a field.
func v2Error(op string, o app.Outcome) (int, any) {
	list := func(status int, key, msg string) (int, any) { return status, map[string][]string{key: {msg}} }
	switch o.Code {
	case app.OutcomeNotFound:
		return list(http.StatusNotFound, "global", app.MsgNotFound)
	case app.OutcomeOtherOfferer:
		if op == "cancel" {
			return list(http.StatusForbidden, "user", app.MsgOtherOffererCancel)
		}
		return list(http.StatusForbidden, "user", app.MsgOtherOfferer)
	case app.OutcomeReimbursed:
		return list(http.StatusForbidden, "payment", app.MsgReimbursed)
	case app.OutcomeAlreadyUsed:
		return list(http.StatusGone, "booking", app.MsgAlreadyUsed)
	case app.OutcomeCancelled:
		return list(http.StatusGone, "booking_cancelled", app.MsgCancelled)
	case app.OutcomeOffererClosed, app.OutcomeNotYetUsable:
		return list(http.StatusForbidden, "booking", o.Message)
	case app.OutcomeNotUsed:
		return list(http.StatusGone, "booking", app.MsgNotUsed)
	case app.OutcomePaymentPending:
		if op == "cancel" { // pass Culture's v2 treats paid like used here
			return list(http.StatusForbidden, "global", app.MsgCannotCancelUsed)
		}
		return list(http.StatusGone, "payment", app.MsgPaymentPending)
	case app.OutcomeAlreadyCanceled:
		return list(http.StatusGone, "global", app.MsgAlreadyCancelled)
	case app.OutcomeCannotCancel:
		return list(http.StatusForbidden, "global", app.MsgCannotCancelUsed)
	}
	return list(http.StatusBadRequest, "global", o.Message)
}

// v1 errors are single English strings keyed by a field; a booking the key cannot see is
// simply not found.
func v1Error(op string, o app.Outcome) (int, any) {
	one := func(status int, key, msg string) (int, any) { return status, map[string]string{key: msg} }
	switch o.Code {
	case app.OutcomeNotFound, app.OutcomeOtherOfferer:
		return one(http.StatusNotFound, "global", "This countermark cannot be found")
	case app.OutcomeReimbursed, app.OutcomePaymentPending:
		if op == "get" || op == "use" {
			return one(http.StatusForbidden, "payment", "This booking has already been reimbursed")
		}
		return one(http.StatusForbidden, "payment", "This booking has been reimbursed")
	case app.OutcomeAlreadyUsed:
		return one(http.StatusGone, "booking", "This booking has already been validated")
	case app.OutcomeCancelled:
		return one(http.StatusGone, "booking", "This booking has been cancelled")
	case app.OutcomeNotYetUsable, app.OutcomeOffererClosed:
		return one(http.StatusForbidden, "booking", o.Message)
	case app.OutcomeNotUsed:
		return one(http.StatusForbidden, "booking", "This booking has not been used")
	case app.OutcomeAlreadyCanceled:
		return one(http.StatusGone, "booking", "This booking has already been cancelled")
	case app.OutcomeCannotCancel:
		if o.Booking != nil && o.Booking.Status == app.StatusReimbursed {
			return one(http.StatusForbidden, "payment", "This booking has been reimbursed")
		}
		return one(http.StatusGone, "booking", "This booking has been validated")
	case app.OutcomeTooLate:
		return one(http.StatusForbidden, "booking", "This booking cannot be cancelled anymore")
	}
	return one(http.StatusBadRequest, "global", o.Message)
}

// DeviceHeader names the counter device making a request: a detail recorded beside the API
// key, whose label is the validator's identity (one key per counter is the recommended pairing).
const DeviceHeader = "X-Guichet-Device"

// validator is who validates: the key, and the device header (checked by auth) or else the key's
// label.
func validator(k *app.APIKey, r *http.Request) store.Validator {
	device := strings.TrimSpace(r.Header.Get(DeviceHeader))
	if device == "" {
		device = k.Label
	}
	return store.Validator{KeyID: k.ID, KeyLabel: k.Label, Device: device}
}

// checkDeviceHeader refuses a device header that is too long or holds control characters.
func checkDeviceHeader(r *http.Request) error {
	if len(r.Header.Values(DeviceHeader)) > 1 {
		return app.FieldError(DeviceHeader, "Un seul en-tête "+DeviceHeader+" est attendu.")
	}
	return app.CheckText(DeviceHeader, strings.TrimSpace(r.Header.Get(DeviceHeader)), app.MaxDeviceLength, false)
}

func (s *Server) answer(w http.ResponseWriter, g generation, op string, o app.Outcome, okStatus int) {
	if o.OK() {
		if okStatus == http.StatusOK {
			writeJSON(w, okStatus, g.body(o.Booking))
			return
		}
		w.WriteHeader(okStatus)
		return
	}
	status, body := g.errorBody(op, o)
	writeJSON(w, status, body)
}

// countermarkGet is GET …/token/{token}: the booking if it can be validated now, else the
// refusal pass Culture would give (same checks as use, nothing written).
func (s *Server) countermarkGet(g generation) func(http.ResponseWriter, *http.Request, *app.APIKey) {
	return func(w http.ResponseWriter, r *http.Request, k *app.APIKey) {
		if !s.missesLeft(w, k) {
			return
		}
		b, err := s.store.GetBookingByToken(r.Context(), r.PathValue("token"))
		var o app.Outcome
		switch {
		case app.ErrorCode(err) == app.ENOTFOUND:
			o = app.NotFoundOutcome()
		case err != nil:
			s.writeError(w, r, err)
			return
		case b.OffererID != k.OffererID:
			o = app.OtherOffererOutcome()
		default:
			o = app.CheckUse(b, s.now(), s.loc(b.VenueTimezone))
		}
		if isMiss(o) {
			s.chargeMisses(k, 1)
		}
		s.answer(w, g, "get", o, http.StatusOK)
	}
}

func (s *Server) countermarkUse(g generation) func(http.ResponseWriter, *http.Request, *app.APIKey) {
	return func(w http.ResponseWriter, r *http.Request, k *app.APIKey) {
		if !s.missesLeft(w, k) {
			return
		}
		o, err := s.store.UseBooking(r.Context(), k.OffererID, r.PathValue("token"), validator(k, r), s.now())
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if isMiss(o) {
			s.chargeMisses(k, 1)
		}
		s.answer(w, g, "use", o, http.StatusNoContent)
	}
}

func (s *Server) countermarkKeep(g generation) func(http.ResponseWriter, *http.Request, *app.APIKey) {
	return func(w http.ResponseWriter, r *http.Request, k *app.APIKey) {
		if !s.missesLeft(w, k) {
			return
		}
		o, err := s.store.KeepBooking(r.Context(), k.OffererID, r.PathValue("token"), validator(k, r), s.now())
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if isMiss(o) {
			s.chargeMisses(k, 1)
		}
		s.answer(w, g, "keep", o, http.StatusNoContent)
	}
}

// countermarkCancel cancels for the venue; cashiers may not. The public v1 API, like pass
// Culture's, also refuses to cancel an event booking whose cancellation limit has passed.
func (s *Server) countermarkCancel(g generation) func(http.ResponseWriter, *http.Request, *app.APIKey) {
	return func(w http.ResponseWriter, r *http.Request, k *app.APIKey) {
		if k.Role != app.RoleManager {
			if g.prefix == v2.prefix {
				writeJSON(w, http.StatusForbidden, map[string][]string{"user": {app.MsgOtherOffererCancel}})
			} else {
				writeJSON(w, http.StatusForbidden, map[string]string{"user": "This API key cannot cancel bookings"})
			}
			return
		}
		if g.prefix == v1.prefix {
			b, err := s.store.GetBookingByToken(r.Context(), r.PathValue("token"))
			if err == nil && b.OffererID == k.OffererID && app.CheckCancelByOfferer(b).OK() && b.IsEvent() && b.IsConfirmedAt(s.now()) {
				s.answer(w, g, "cancel", app.Outcome{Code: app.OutcomeTooLate, Booking: b}, http.StatusNoContent)
				return
			}
		}
		o, err := s.store.CancelBookingByOfferer(r.Context(), k.OffererID, r.PathValue("token"), validator(k, r), s.now())
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		s.answer(w, g, "cancel", o, http.StatusNoContent)
	}
}

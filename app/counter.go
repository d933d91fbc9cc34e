package app

import (
	"fmt"
	"time"
)

// OutcomeCode classifies what the counter (or the countermark API) says about a countermark.
type OutcomeCode string

// Outcome codes. Admitted, Kept and CancelledOK are successes; the rest are refusals.
const (
	OutcomeAdmitted        OutcomeCode = "ADMITTED"
	OutcomeAlreadyUsed     OutcomeCode = "ALREADY_USED"
	OutcomeCancelled       OutcomeCode = "CANCELLED"
	OutcomeReimbursed      OutcomeCode = "REIMBURSED"
	OutcomeOffererClosed   OutcomeCode = "OFFERER_CLOSED"
	OutcomeNotYetUsable    OutcomeCode = "NOT_YET_USABLE"
	OutcomeNotFound        OutcomeCode = "NOT_FOUND"
	OutcomeOtherOfferer    OutcomeCode = "OTHER_OFFERER"
	OutcomeInvalidInput    OutcomeCode = "INVALID_INPUT"
	OutcomeNotCountermark  OutcomeCode = "NOT_COUNTERMARK"
	OutcomeKept            OutcomeCode = "KEPT"
	OutcomeNotUsed         OutcomeCode = "NOT_USED"
	OutcomePaymentPending  OutcomeCode = "PAYMENT_PENDING"
	OutcomeCancelledOK     OutcomeCode = "CANCELLED_OK"
	OutcomeAlreadyCanceled OutcomeCode = "ALREADY_CANCELLED"
	OutcomeCannotCancel    OutcomeCode = "CANNOT_CANCEL_USED"
	OutcomeTooLate         OutcomeCode = "TOO_LATE_TO_CANCEL"
	// OutcomeConfirm is the answer, when the counter asked for it, about a countermark that
	// would be admitted for a showtime on another day: nothing is consumed until the cashier
	// confirms (Guichet's own, not pass Culture's).
	OutcomeConfirm OutcomeCode = "CONFIRM"
)

// MsgConfirm asks the cashier to confirm a ticket for another day, before anything is consumed.
const MsgConfirm = "Billet pour un autre jour : Entrée pour valider quand même, Échap pour refuser."

// AskFirst turns an admission for a showtime on another day (CheckUse's warning) into the
// question OutcomeConfirm; any other outcome is returned as is.
func AskFirst(o Outcome) Outcome {
	if o.Code != OutcomeAdmitted || len(o.Warnings) == 0 {
		return o
	}
	return Outcome{Code: OutcomeConfirm, Message: MsgConfirm, Booking: o.Booking, Warnings: o.Warnings}
}

// pass Culture's messages.
const (
	MsgReimbursed         = "Cette réservation a été remboursée"
	MsgAlreadyUsed        = "Cette réservation a déjà été validée"
	MsgCancelled          = "Cette réservation a été annulée"
	MsgOffererClosed      = "Vous ne pouvez plus valider de contremarque sur une structure fermée"
	MsgNotFound           = "Cette contremarque n'a pas été trouvée"
	MsgOtherOfferer       = "Vous n’avez pas les droits suffisants pour valider cette contremarque car cette réservation n'a pas été faite sur une de vos offres, ou que votre rattachement à la structure est encore en cours de validation"
	MsgOtherOffererCancel = "Vous n'avez pas les droits suffisants pour annuler cette réservation."
	MsgAdmitted           = "Entrée validée"
	MsgKept               = "La validation de la contremarque a été annulée"
	MsgNotUsed            = "Cette réservation n'a pas encore été validée"
	MsgPaymentPending     = "Le remboursement est en cours de traitement"
	MsgCancelledOK        = "La réservation a été annulée"
	MsgAlreadyCancelled   = "Cette contremarque a déjà été annulée"
	MsgCannotCancelUsed   = "Impossible d'annuler une réservation consommée"
	MsgTooLateToCancel    = "Impossible d'annuler une réservation plus de 48h après l'avoir réservée et moins de 48h avant le début de l'évènement"
	MsgKeepConfirm        = "Cette contremarque a déjà été validée. Si vous l’invalidez, la réservation ne vous sera pas remboursée."
	MsgCheckIdentity      = "Vérifiez la pièce d'identité du bénéficiaire avant de valider."
	// MsgNotYetUsable is a format: the limit, "02/01/2006 à 15:04" in the venue's time zone.
	MsgNotYetUsable = "Vous pourrez valider cette contremarque à partir du %s, une fois le délai d’annulation passé."
	// MsgShowtimeWarning is a format: "à venir" or "passée", then the showtime as MsgNotYetUsable.
	MsgShowtimeWarning = "Attention : séance %s, le %s — pas aujourd'hui"
)

// NotYetUsableMessage is pass Culture's refusal for an event booking still inside its
// cancellation limit; the limit is shown in the venue's time zone.
func NotYetUsableMessage(limit time.Time, loc *time.Location) string {
	return fmt.Sprintf(MsgNotYetUsable, limit.In(loc).Format("02/01/2006 à 15:04"))
}

// Outcome is the counter's verdict on a countermark: a code, the message to show and, when the
// caller may see it, the booking.
type Outcome struct {
	Code    OutcomeCode
	Message string
	Booking *Booking
	// Warnings are shown without refusing (for instance a showtime that is not today).
	Warnings []string
}

// OK reports whether the outcome is a success.
func (o Outcome) OK() bool {
	switch o.Code {
	case OutcomeAdmitted, OutcomeKept, OutcomeCancelledOK:
		return true
	}
	return false
}

func refuse(code OutcomeCode, msg string, b *Booking) Outcome {
	return Outcome{Code: code, Message: msg, Booking: b}
}

// NotFoundOutcome is the verdict for an unknown token.
func NotFoundOutcome() Outcome { return refuse(OutcomeNotFound, MsgNotFound, nil) }

// OtherOffererOutcome is the verdict for a token of another offerer's venue: it reveals nothing
// about the booking.
func OtherOffererOutcome() Outcome { return refuse(OutcomeOtherOfferer, MsgOtherOfferer, nil) }

// ScanOutcome turns a scan that yielded no token into a verdict.
func ScanOutcome(s Scan) Outcome {
	if s.Format == ScanForeign {
		return refuse(OutcomeNotCountermark, s.Message, nil)
	}
	return refuse(OutcomeInvalidInput, s.Message, nil)
}

// CheckUse applies pass Culture's checks, in its order, before a booking is validated at the
// counter at now; loc is the venue's time zone. On success the outcome is OutcomeAdmitted (the
// caller then records the validation), with a warning when the showtime is not today.
func CheckUse(b *Booking, now time.Time, loc *time.Location) Outcome {
	switch {
	case b.Status == StatusReimbursed:
		return refuse(OutcomeReimbursed, MsgReimbursed, b)
	case b.Status == StatusUsed:
		return refuse(OutcomeAlreadyUsed, MsgAlreadyUsed, b)
	case b.Status == StatusCancelled:
		return refuse(OutcomeCancelled, MsgCancelled, b)
	case b.OffererClosed:
		return refuse(OutcomeOffererClosed, MsgOffererClosed, b)
	case b.IsEvent() && !b.IsConfirmedAt(now):
		return refuse(OutcomeNotYetUsable, NotYetUsableMessage(b.CancellationLimit, loc), b)
	}
	o := Outcome{Code: OutcomeAdmitted, Message: MsgAdmitted, Booking: b}
	if w := ShowtimeWarning(b, now, loc); w != "" {
		o.Warnings = append(o.Warnings, w)
	}
	return o
}

// ShowtimeWarning returns a warning when the booking's showtime is not on the day of now in the
// venue's time zone, or "" when it is today (or the booking is not for an event).
func ShowtimeWarning(b *Booking, now time.Time, loc *time.Location) string {
	if !b.IsEvent() {
		return ""
	}
	start, today := b.ShowStart.In(loc), now.In(loc)
	if sameDay(start, today) {
		return ""
	}
	when := "à venir"
	if start.Before(today) {
		when = "passée"
	}
	return fmt.Sprintf(MsgShowtimeWarning, when, start.Format("02/01/2006 à 15:04"))
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}

// CheckKeep applies pass Culture's checks before a validation is undone ("keep"): allowed only
// for a USED booking, neither cancelled nor reimbursed. The counter asks MsgKeepConfirm first.
func CheckKeep(b *Booking) Outcome {
	switch {
	case b.Status == StatusCancelled:
		return refuse(OutcomeCancelled, MsgCancelled, b)
	case b.Status == StatusReimbursed:
		return refuse(OutcomePaymentPending, MsgPaymentPending, b)
	case b.Status != StatusUsed:
		return refuse(OutcomeNotUsed, MsgNotUsed, b)
	}
	return Outcome{Code: OutcomeKept, Message: MsgKept, Booking: b}
}

// CheckCancelByOfferer applies pass Culture's checks before the venue cancels a booking: not
// already cancelled, not used, not reimbursed (paid: "Le remboursement est en cours de
// traitement"; the countermark API words it as pass Culture does).
func CheckCancelByOfferer(b *Booking) Outcome {
	switch b.Status {
	case StatusCancelled:
		return refuse(OutcomeAlreadyCanceled, MsgAlreadyCancelled, b)
	case StatusReimbursed:
		return refuse(OutcomePaymentPending, MsgPaymentPending, b)
	case StatusUsed:
		return refuse(OutcomeCannotCancel, MsgCannotCancelUsed, b)
	}
	return Outcome{Code: OutcomeCancelledOK, Message: MsgCancelledOK, Booking: b}
}

// CheckCancelByBeneficiary applies pass Culture's checks before the beneficiary cancels a
// booking at now: not cancelled, not used, and (for events) still inside the cancellation limit.
func CheckCancelByBeneficiary(b *Booking, now time.Time) Outcome {
	switch {
	case b.Status == StatusCancelled:
		return refuse(OutcomeAlreadyCanceled, MsgAlreadyCancelled, b)
	case b.Status == StatusUsed || b.Status == StatusReimbursed:
		return refuse(OutcomeCannotCancel, MsgCannotCancelUsed, b)
	case b.IsEvent() && b.IsConfirmedAt(now):
		return refuse(OutcomeTooLate, MsgTooLateToCancel, b)
	}
	return Outcome{Code: OutcomeCancelledOK, Message: MsgCancelledOK, Booking: b}
}

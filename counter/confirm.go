package counter

import (
	"context"
	"time"

	"guichet/app"
)

// OutcomeConfirm is the verdict of a countermark for another day: nothing is consumed until
// the cashier confirms (Engine.Confirm). The server gives it too, to an online scan that asks.
const OutcomeConfirm = app.OutcomeConfirm

// MsgConfirm asks the cashier to confirm, with the identity reminder before the validation.
const MsgConfirm = app.MsgConfirm

// askFirst, before an online scan, looks the countermark up in the copy (not the outbox, not the
// server) and, when it would be admitted for a showtime on another day, returns the question
// instead of consuming it (offline, Cache.DecideSigned asks in its own look-up).
// A countermark the copy does not know yet goes on to the usual validation, which asks the
// server the same question when online (protocol.ScanEvent.AskOtherDay).
func (e *Engine) askFirst(ctx context.Context, token string, now time.Time) (Verdict, bool) {
	b, err := e.cache.Lookup(ctx, token)
	if err != nil {
		return Verdict{}, false
	}
	out := app.AskFirst(app.CheckUse(&b.Booking, now, e.cfg.Location))
	if out.Code != OutcomeConfirm {
		return Verdict{}, false
	}
	return Verdict{Token: token, At: now, Outcome: out}, true
}

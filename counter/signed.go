package counter

import (
	"context"
	"time"

	"guichet/app"
)

// ticket returns, for a scan carrying a signed ticket, the function the cache calls when its
// copy lacks the countermark: the ticket's booking when it verifies with one of the venue's keys
// valid now, nil otherwise (tampered, another venue's, an unknown, expired or not yet valid key:
// the scan is then "not found" as without a ticket). nil for a scan without a ticket. The keys
// are read now (the cache's one connection is busy while the cache calls the function); the
// signature is checked only when called.
func (e *Engine) ticket(ctx context.Context, scan app.Scan, now time.Time) func() *app.Booking {
	if scan.Ticket == nil {
		return nil
	}
	keys, err := e.cache.TicketKeys(ctx)
	if err != nil {
		e.log.Error("ticket keys", "err", err)
		return nil
	}
	return func() *app.Booking {
		if err := scan.Ticket.Verify(scan.Token, keys, e.cfg.VenueID, now); err != nil {
			e.log.Warn("signed ticket refused", "token", scan.Token, "err", err)
			return nil
		}
		b := scan.Ticket.Booking(scan.Token)
		return &b
	}
}

// askSigned is askFirst for a countermark the copy lacks whose signed ticket verifies: a
// showtime on another day is asked about before anything is consumed, as for one the copy knows.
func (e *Engine) askSigned(ctx context.Context, scan app.Scan, now time.Time) (Verdict, bool) {
	get := e.ticket(ctx, scan, now)
	if get == nil {
		return Verdict{}, false
	}
	if _, err := e.cache.Lookup(ctx, scan.Token); app.ErrorCode(err) != app.ENOTFOUND {
		return Verdict{}, false // known (askFirst decided) or unreadable (the validation will say)
	}
	b := get()
	if b == nil {
		return Verdict{}, false
	}
	out := app.AskFirst(app.CheckUse(b, now, e.cfg.Location))
	if out.Code != OutcomeConfirm {
		return Verdict{}, false
	}
	return Verdict{Token: scan.Token, At: now, Outcome: out, Signed: true}, true
}

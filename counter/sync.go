package counter

import (
	"context"
	"time"

	"guichet/app"
	"guichet/counter/cache"
	"guichet/sync/protocol"
)

// Sync pushes the outbox, pulls the venue's changes and refreshes the conflicts. It leaves the
// engine online when everything went through, offline with the reason otherwise.
func (e *Engine) Sync(ctx context.Context) error {
	e.syncMu.Lock()
	defer e.syncMu.Unlock()
	start := e.cfg.Now()
	err := e.sync(ctx)
	if err != nil {
		e.wentOffline(err)
		return err
	}
	e.forgetPeerValidations(ctx, start)
	n, _ := e.cache.PendingCount(ctx)
	if !e.Status().RevokedUntil.IsZero() {
		e.clearRevoked(ctx) // paired again with a live key
	}
	now := e.cfg.Now()
	e.update(func(s *Status) {
		s.Online, s.Error, s.LastSync, s.Pending, s.OfflineSince = true, "", now, n, time.Time{}
		s.AuthRefused, s.RevokedUntil = false, time.Time{}
	})
	if err := e.cache.SetMeta(ctx, metaLastSync, now.UTC().Format(time.RFC3339Nano)); err != nil {
		e.log.Warn("keep sync time", "err", err)
	}
	if err := e.cache.SetMeta(ctx, metaOfflineSince, ""); err != nil {
		e.log.Warn("keep sync time", "err", err)
	}
	return nil
}

func (e *Engine) sync(ctx context.Context) error {
	if err := e.push(ctx); err != nil {
		return err
	}
	if err := e.pull(ctx); err != nil {
		return err
	}
	if err := e.cache.Purge(ctx, e.windowStart()); err != nil {
		return err
	}
	if err := e.check(ctx); err != nil {
		return err
	}
	cs, err := e.remote.Conflicts(ctx, e.cfg.VenueID)
	if err != nil {
		return err
	}
	conflicts := make([]cache.Conflict, len(cs))
	for i, c := range cs {
		conflicts[i] = cache.Conflict{ID: c.ID, Kind: c.Kind, Token: c.Token, OfferName: c.OfferName, Beneficiary: c.Beneficiary,
			Device: c.Device, ScannedAt: protocol.ParseTime(c.ScannedAt), OtherDevice: c.OtherDevice,
			OtherAt: protocol.ParseTimePtr(c.OtherAt), Detail: c.Detail}
	}
	if err := e.cache.SetConflicts(ctx, conflicts); err != nil {
		return err
	}
	e.update(func(s *Status) { s.Conflicts = len(conflicts) })
	return nil
}

// push sends the outbox in batches, oldest first, until it is empty.
func (e *Engine) push(ctx context.Context) error {
	for {
		pending, err := e.cache.Pending(ctx, protocol.MaxPushEvents)
		if err != nil || len(pending) == 0 {
			return err
		}
		events := make([]protocol.ScanEvent, len(pending))
		nonces := make([]string, len(pending))
		for i, p := range pending {
			events[i] = protocol.ScanEvent{Nonce: p.Nonce, Token: p.Token, Kind: p.Kind, Mode: p.Mode,
				ScannedAt: p.ScannedAt.UTC().Format(time.RFC3339Nano), LocalVerdict: string(p.LocalVerdict), Undoes: p.Undoes}
			nonces[i] = p.Nonce
		}
		resp, err := e.remote.Push(ctx, protocol.PushRequest{VenueID: e.cfg.VenueID, Events: events,
			DeviceTime: e.cfg.Now().UTC().Format(time.RFC3339Nano)})
		if err != nil {
			_ = e.cache.Attempted(ctx, nonces)
			return err
		}
		e.noteSkew(resp.ServerTime)
		// Each event has its own answer: a rejected one (a bad event) is settled with its error
		// and kept in the outbox; one the server failed on stays pending for the next sync.
		rs := make([]cache.Resolution, 0, len(resp.Results))
		var retry []string
		for _, r := range resp.Results {
			if r.Verdict == protocol.VerdictError {
				retry = append(retry, r.Nonce)
				e.log.Warn("scan event failed on the server", "nonce", r.Nonce, "message", r.Message)
				continue
			}
			res := cache.Resolution{Nonce: r.Nonce, Verdict: app.OutcomeCode(r.Verdict), Message: r.Message}
			if r.Booking != nil {
				res.Booking = &cache.Booking{Booking: r.Booking.Domain(), Rev: r.Rev}
				res.Booking.UsedNonce = r.UsedNonce
			}
			rs = append(rs, res)
		}
		if err := e.cache.ResolveAll(ctx, rs, e.cfg.Now()); err != nil {
			return err
		}
		if len(retry) > 0 {
			return e.cache.Attempted(ctx, retry) // retried at the next sync, after the others
		}
		if len(pending) < protocol.MaxPushEvents {
			return nil
		}
	}
}

// pull applies pages of changes until the server has no more. A cursor the server cannot
// honour (410: its database was restored or replaced) makes it download the copy again, once;
// the outbox is kept and its pending admissions applied again to the new copy.
func (e *Engine) pull(ctx context.Context) error {
	reset := false
	for {
		cursor, err := e.cache.Cursor(ctx)
		if err != nil {
			return err
		}
		db, err := e.cache.Database(ctx)
		if err != nil {
			return err
		}
		if cursor == 0 {
			e.lastCheck = e.cfg.Now() // a copy downloaded whole needs no check now
		}
		ch, err := e.remote.Changes(ctx, e.cfg.VenueID, db, cursor, 2000, e.windowStart())
		if app.ErrorCode(err) == app.EGONE && !reset {
			e.log.Warn("server database changed, downloading the copy again", "err", err)
			if err := e.cache.Reset(ctx); err != nil {
				return err
			}
			reset = true
			continue
		}
		if err != nil {
			return err
		}
		e.noteSkew(ch.ServerTime)
		page := cache.Changes{Cursor: ch.Cursor, Database: ch.Database}
		if ch.TicketKeys != nil {
			page.TicketKeys = make([]app.TicketKey, len(ch.TicketKeys))
			for i, k := range ch.TicketKeys {
				page.TicketKeys[i] = k.Domain()
			}
		}
		for _, o := range ch.Offers {
			page.Offers = append(page.Offers, cache.Offer{Rev: o.Rev, Offer: app.Offer{ID: o.ID, VenueID: o.VenueID, Name: o.Name,
				Version: o.Version, DurationMinutes: o.DurationMinutes, Duo: o.Duo, Active: o.Active}})
		}
		for _, s := range ch.Stocks {
			page.Stocks = append(page.Stocks, cache.Stock{Rev: s.Rev, Stock: app.Stock{ID: s.ID, OfferID: s.OfferID,
				StartsAt: protocol.ParseTime(s.StartsAt), PriceCents: s.PriceCents, Capacity: s.Capacity, Booked: s.Booked,
				Version: s.Version, Deleted: s.Deleted}})
		}
		for _, b := range ch.Bookings {
			d := b.Domain()
			d.CancellationReason, d.UsedNonce = app.CancellationReason(b.CancellationReason), b.UsedNonce
			page.Bookings = append(page.Bookings, cache.Booking{Rev: b.Rev, Booking: d})
		}
		if err := e.cache.Apply(ctx, page); err != nil {
			return err
		}
		if err := e.keepLANSecret(ctx, ch.LANSecret); err != nil {
			return err
		}
		if !ch.More {
			return nil
		}
	}
}

func (e *Engine) noteSkew(serverTime string) {
	st := protocol.ParseTime(serverTime)
	if st.IsZero() {
		return
	}
	skew := st.Sub(e.cfg.Now())
	e.update(func(s *Status) { s.ClockSkew, s.ClockOff = skew, skew.Abs() > protocol.ClockOffAfter })
}

// Search finds bookings in the cache by countermark, name or e-mail.
func (e *Engine) Search(ctx context.Context, q string) ([]app.Booking, error) {
	res, err := e.cache.Search(ctx, q, 50)
	out := make([]app.Booking, len(res))
	for i := range res {
		out[i] = res[i].Booking
	}
	return out, err
}

// Showtimes lists the showtimes of a day (venue time) with their counts.
func (e *Engine) Showtimes(ctx context.Context, day time.Time) ([]cache.Showtime, error) {
	d := day.In(e.cfg.Location)
	from := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, e.cfg.Location)
	return e.cache.Showtimes(ctx, from, from.AddDate(0, 0, 1))
}

// Conflicts lists the conflicts last fetched from the server.
func (e *Engine) Conflicts(ctx context.Context) ([]cache.Conflict, error) {
	return e.cache.Conflicts(ctx)
}

// Ack acknowledges a conflict on the server, then hides it here.
func (e *Engine) Ack(ctx context.Context, id int64) error {
	if err := e.remote.Ack(ctx, id); err != nil {
		return err
	}
	if err := e.cache.AckConflict(ctx, id); err != nil {
		return err
	}
	e.update(func(s *Status) { s.Conflicts = max(s.Conflicts-1, 0) })
	return nil
}

// windowStart is the start of the pull window: midnight today, venue time, less PullWindow.
func (e *Engine) windowStart() time.Time {
	d := e.cfg.Now().In(e.cfg.Location)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, e.cfg.Location).Add(-e.cfg.PullWindow)
}

package counter

import "context"

// check compares the copy with the server's digest (bookings counted and hashed per showtime)
// every CheckEvery, and downloads the copy again when they differ: the repair for a drift
// nothing else reveals (a database restored from a backup that has since written past this
// counter's cursor, a bug). It checks only a settled copy: nothing pending here, and the copy
// at the venue's latest revision.
func (e *Engine) check(ctx context.Context) error {
	now := e.cfg.Now()
	if !e.lastCheck.IsZero() && now.Sub(e.lastCheck) < e.cfg.CheckEvery {
		return nil
	}
	if n, err := e.cache.PendingCount(ctx); err != nil || n > 0 {
		return err
	}
	d, err := e.remote.Digest(ctx, e.cfg.VenueID, e.windowStart())
	if err != nil {
		return err
	}
	cursor, err := e.cache.MaxRev(ctx) // the copy's latest revision (the cursor may be past it)
	if err != nil {
		return err
	}
	db, err := e.cache.Database(ctx)
	if err != nil {
		return err
	}
	if d.Database == db && d.Cursor > cursor {
		return nil // changed since the pull: checked next time
	}
	local, err := e.cache.Digest(ctx)
	if err != nil {
		return err
	}
	same := d.Database == db && d.Cursor == cursor && len(local) == len(d.Showtimes)
	for _, sd := range d.Showtimes {
		if !same {
			break
		}
		same = local[sd.StockID] == sd
	}
	e.lastCheck = now
	if same {
		return nil
	}
	e.log.Warn("the copy differs from the server's, downloading it again", "server_cursor", d.Cursor, "cursor", cursor)
	if err := e.cache.Reset(ctx); err != nil {
		return err
	}
	e.update(func(s *Status) { s.Repaired = now })
	return e.pull(ctx)
}

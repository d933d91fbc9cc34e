package cache

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"guichet/app"
)

// Event is a validation (use) or un-validation (keep) made at this counter.
type Event struct {
	Nonce        string
	Token        string
	Kind         string // "use" or "keep"
	Mode         string // "online" (the server decides) or "offline" (decided here)
	ScannedAt    time.Time
	LocalVerdict app.OutcomeCode
	Undoes       *string // for a keep: the nonce of the validation it undoes (nil: recorded by an older version)
	Attempts     int
}

// Record stores a new event in the outbox, durably (through the journal), before anything is shown.
func (c *Cache) Record(ctx context.Context, ev Event) error {
	return c.logged(ctx, func(_ *sql.Tx, put func(Event) error) error { return put(ev) })
}

// Decide validates a countermark from the cache at now, for an event already recorded with
// nonce (online attempt that fell back) or a new one: the event becomes an offline decision
// with the local verdict, and an admission marks the cached booking USED by this device, so
// that a second scan here says "already validated".
func (c *Cache) Decide(ctx context.Context, nonce, token, device string, now time.Time, loc *time.Location) (app.Outcome, error) {
	out, _, err := c.DecideSigned(ctx, nonce, token, device, now, loc, nil, false)
	return out, err
}

// ErrCopyNotUpdated says that a decision was recorded in the outbox but the copy could not be
// updated with it (a full disk, say): the verdict stands, the outbox is the truth for this
// booking until the server answers, and the copy is repaired by the next pull.
var ErrCopyNotUpdated = errors.New("the copy was not updated with the decision")

// DecideSigned is Decide, and when the copy lacks the countermark, ticket (when not nil) gives
// the booking a signed ticket vouches for (nil when there is none or it does not verify): it is
// decided by the same rules, and signed says so. With ask, a booking that would be admitted
// for a showtime on another day is not consumed: the outcome is app.AskFirst's question and
// nothing is recorded (the cashier's confirmation decides again without ask).
//
// The decision is written in two transactions, the outbox first: SQLite does not commit a
// transaction over two files in WAL mode atomically, and the copy must never say "validated"
// for a validation the outbox lost (a full disk fails the outbox's commit after the copy's).
// An admission recorded in the outbox whose copy update failed returns ErrCopyNotUpdated with
// the verdict; every decision reads the outbox's pending events over the copy, so a second
// scan is still refused.
func (c *Cache) DecideSigned(ctx context.Context, nonce, token, device string, now time.Time, loc *time.Location,
	ticket func() *app.Booking, ask bool) (out app.Outcome, signed bool, err error) {
	var b *Booking
	err = c.logged(ctx, func(tx *sql.Tx, put func(Event) error) error {
		b, err = c.lookupTx(ctx, tx, token, device)
		switch {
		case app.ErrorCode(err) == app.ENOTFOUND:
			out = app.NotFoundOutcome()
			if ticket == nil {
				break
			}
			if tb := ticket(); tb != nil {
				if b, err = c.signedBooking(ctx, tx, tb); err != nil {
					return err
				}
				if b != nil {
					if err := overlay(ctx, tx.StmtContext(ctx, c.st.lastPending), b, device); err != nil {
						return err
					}
					out, signed = app.CheckUse(&b.Booking, now, loc), true
				}
			}
		case err != nil:
			return err
		default:
			out = app.CheckUse(&b.Booking, now, loc)
		}
		if ask && app.AskFirst(out).Code == app.OutcomeConfirm {
			out = app.AskFirst(out)
			return nil
		}
		return put(Event{Nonce: nonce, Token: token, Kind: "use", Mode: "offline", ScannedAt: now, LocalVerdict: out.Code})
	})
	if err != nil || out.Code != app.OutcomeAdmitted {
		return out, signed, err
	}
	err = c.tx(ctx, func(tx *sql.Tx) error {
		if signed {
			if err := upsertBooking(ctx, boundExec{tx, upsertBookingSQL}, b); err != nil {
				return err
			}
		}
		if _, err := tx.StmtContext(ctx, c.st.markUsed).ExecContext(ctx, us(now), device, nonce, b.ID); err != nil {
			return fmt.Errorf("mark used: %w", err)
		}
		return nil
	})
	b.Status, b.UsedAt, b.UsedBy, b.UsedByDevice, b.UsedNonce = app.StatusUsed, now.UTC(), app.ByOfferer, device, nonce
	if err != nil {
		return out, signed, fmt.Errorf("%w: %w", ErrCopyNotUpdated, err)
	}
	return out, signed, nil
}

// DecideKeep undoes a validation from the cache (offline "keep"), in two transactions like
// DecideSigned: the outbox first. undone is the nonce of the validation undone (when it is).
func (c *Cache) DecideKeep(ctx context.Context, nonce, token string, now time.Time) (out app.Outcome, undone string, err error) {
	var b *Booking
	err = c.logged(ctx, func(tx *sql.Tx, put func(Event) error) error {
		var err error
		b, err = c.lookupTx(ctx, tx, token, "")
		if app.ErrorCode(err) == app.ENOTFOUND {
			out = app.NotFoundOutcome()
			return nil
		}
		if err != nil {
			return err
		}
		out = app.CheckKeep(&b.Booking)
		undoes := b.UsedNonce // the validation in force here is the one undone
		return put(Event{Nonce: nonce, Token: token, Kind: "keep", Mode: "offline", ScannedAt: now,
			LocalVerdict: out.Code, Undoes: &undoes})
	})
	if err != nil || !out.OK() {
		return out, "", err
	}
	_, err = c.db.ExecContext(ctx, `UPDATE bookings SET status = 'CONFIRMED', used_us = NULL, used_by = '', used_key = '',
		used_device = '', used_nonce = '' WHERE id = ?`, b.ID)
	if err != nil {
		return out, b.UsedNonce, fmt.Errorf("%w: %w", ErrCopyNotUpdated, err)
	}
	return out, b.UsedNonce, nil
}

func (c *Cache) upsertEvent(ctx context.Context, tx *sql.Tx, ev Event) error {
	_, err := tx.StmtContext(ctx, c.st.upsertEvent).ExecContext(ctx,
		ev.Nonce, app.NormalizeToken(ev.Token), ev.Kind, ev.Mode, us(ev.ScannedAt), string(ev.LocalVerdict), ev.Undoes)
	if err != nil {
		return fmt.Errorf("record scan: %w", err)
	}
	return nil
}

// Resolution is the server's answer to one event.
type Resolution struct {
	Nonce   string
	Verdict app.OutcomeCode
	Message string
	Booking *Booking // the server's view of the booking, when it has one
}

// Resolve records the server's answer to an event and refreshes the cached booking with the
// server's facts.
func (c *Cache) Resolve(ctx context.Context, nonce string, verdict app.OutcomeCode, message string, b *Booking, now time.Time) error {
	return c.ResolveAll(ctx, []Resolution{{Nonce: nonce, Verdict: verdict, Message: message, Booking: b}}, now)
}

// ResolveAll records the server's answers to a pushed batch in one transaction (one fsync).
func (c *Cache) ResolveAll(ctx context.Context, rs []Resolution, now time.Time) error {
	return c.tx(ctx, func(tx *sql.Tx) error {
		for _, r := range rs {
			_, err := tx.ExecContext(ctx, `UPDATE ob.outbox SET state = 'done', server_verdict = ?, server_message = ?, done_us = ?
				WHERE nonce = ?`, string(r.Verdict), r.Message, us(now), r.Nonce)
			if err != nil {
				return fmt.Errorf("resolve scan: %w", err)
			}
		}
		for _, r := range rs {
			b := r.Booking
			if b == nil {
				continue
			}
			// Insert it if unknown, or replace the cached row with the server's once no event of it
			// is pending and its revision is newer (a pulled change skipped while the event was
			// pending is taken then); the server's state wins once no event of it is pending.
			if err := upsertBooking(ctx, boundExec{tx, upsertBookingSQL}, b); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `UPDATE bookings SET status = ?, used_us = ?, used_by = ?, used_key = ?, used_device = ?,
				used_nonce = ?, cancelled_us = ? WHERE id = ? AND NOT EXISTS (SELECT 1 FROM ob.outbox WHERE ob.outbox.token = bookings.token
				AND ob.outbox.state = 'pending')`, string(b.Status), nullUS(b.UsedAt), string(b.UsedBy), b.UsedByKey, b.UsedByDevice,
				b.UsedNonce, nullUS(b.CancelledAt), b.ID)
			if err != nil {
				return fmt.Errorf("refresh booking: %w", err)
			}
		}
		return nil
	})
}

// Checkpoint moves the write-ahead logs into the database files, and starts the journal afresh
// once the outbox's file holds all it promised. Automatic checkpoints are off so that a scan
// never pays for one; the engine calls this from its background loop.
func (c *Cache) Checkpoint(ctx context.Context) error {
	if _, err := c.db.ExecContext(ctx, `PRAGMA main.wal_checkpoint(PASSIVE)`); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	// The journal starts afresh at most every compactEvery (or when half full): offline, the
	// engine checkpoints after each scan's sync attempt, and a scan that comes meanwhile waits.
	if c.jnl.seq == 0 || time.Since(c.compacted) < compactEvery && c.jnl.free() > c.jnl.size/2 {
		if _, err := c.db.ExecContext(ctx, `PRAGMA ob.wal_checkpoint(PASSIVE)`); err != nil {
			return fmt.Errorf("checkpoint: %w", err)
		}
		return nil
	}
	return c.compactLocked(ctx)
}

// compactEvery is how often Checkpoint starts the journal afresh at most.
const compactEvery = 10 * time.Second

// Attempted counts a failed push of an event.
func (c *Cache) Attempted(ctx context.Context, nonces []string) error {
	return c.tx(ctx, func(tx *sql.Tx) error {
		for _, n := range nonces {
			if _, err := tx.ExecContext(ctx, `UPDATE ob.outbox SET attempts = attempts + 1 WHERE nonce = ?`, n); err != nil {
				return fmt.Errorf("count attempt: %w", err)
			}
		}
		return nil
	})
}

// Pending returns up to limit events not yet answered by the server, oldest first.
func (c *Cache) Pending(ctx context.Context, limit int) ([]Event, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT nonce, token, kind, mode, scanned_us, local_verdict, attempts, undoes FROM ob.outbox
		WHERE state = 'pending' ORDER BY scanned_us, nonce LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("pending scans: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var ev Event
		var scanned int64
		var verdict string
		var undoes sql.NullString
		if err := rows.Scan(&ev.Nonce, &ev.Token, &ev.Kind, &ev.Mode, &scanned, &verdict, &ev.Attempts, &undoes); err != nil {
			return nil, fmt.Errorf("pending scans: %w", err)
		}
		ev.ScannedAt, ev.LocalVerdict = fromUS(scanned), app.OutcomeCode(verdict)
		if undoes.Valid {
			ev.Undoes = &undoes.String
		}
		out = append(out, ev)
	}
	return out, rows.Err()
}

// HasPending reports whether an event of this countermark still waits for the server: the
// server's view of that booking is then out of date, and the cache's is the one to trust.
func (c *Cache) HasPending(ctx context.Context, token string) (bool, error) {
	var n int
	err := c.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM ob.outbox WHERE token = ? AND state = 'pending'`,
		app.NormalizeToken(token)).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("pending scans of %s: %w", token, err)
	}
	return n > 0, nil
}

// Rejected is how many events the server refused to judge (malformed): settled, kept in the
// outbox with the server's message.
func (c *Cache) Rejected(ctx context.Context) (int, error) {
	var n int
	if err := c.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM ob.outbox WHERE state = 'done' AND server_verdict = 'REJECTED'`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count rejected: %w", err)
	}
	return n, nil
}

// PendingCount is how many events wait for the server.
func (c *Cache) PendingCount(ctx context.Context) (int, error) {
	var n int
	if err := c.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM ob.outbox WHERE state = 'pending'`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count pending: %w", err)
	}
	return n, nil
}

// reapplyPending marks USED the cached bookings of pending admissions: after a crash between
// the outbox write and the cache update, or after the cache was rebuilt.
func (c *Cache) reapplyPending(ctx context.Context) error { return reapplyPending(ctx, c.db) }

func reapplyPending(ctx context.Context, db execer) error {
	// A booking takes the last decision made on it here and not pushed yet: an admission, or an
	// un-validation after it. One pass over the pending events (however long the outage's
	// queue), then one look-up per booking concerned.
	const last = `SELECT token FROM (SELECT token, kind, ROW_NUMBER() OVER (PARTITION BY token
		ORDER BY scanned_us DESC, rowid DESC) AS n FROM ob.outbox WHERE state = 'pending'
		AND (kind = 'use' AND local_verdict = 'ADMITTED' OR kind = 'keep' AND local_verdict = 'KEPT')) WHERE n = 1 AND kind = ?`
	_, err := db.ExecContext(ctx, `UPDATE bookings SET status = 'USED', used_by = 'OFFERER',
		used_us = (SELECT MAX(o.scanned_us) FROM ob.outbox AS o INDEXED BY outbox_token WHERE o.token = bookings.token
			AND o.state = 'pending' AND o.kind = 'use' AND o.local_verdict = 'ADMITTED')
		WHERE status = 'CONFIRMED' AND token IN (`+last+`)`, "use")
	if err == nil {
		_, err = db.ExecContext(ctx, `UPDATE bookings SET status = 'CONFIRMED', used_us = NULL, used_by = '', used_key = '',
			used_device = '', used_nonce = '' WHERE status = 'USED' AND token IN (`+last+`)`, "keep")
	}
	if err != nil {
		return fmt.Errorf("reapply pending scans: %w", err)
	}
	return nil
}

package cache

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"guichet/app"
)

// logged runs fn in one transaction of the cache; the outbox events fn writes through put are
// appended to the journal, and made durable there, before the transaction commits. A record
// whose transaction then fails (a full disk refuses the outbox's log) is voided in the journal,
// which is preallocated and so still has room, and is not replayed. After a failed write or sync
// of the journal, nothing is recorded until a checkpoint of the outbox and a new generation of
// the journal succeed (which makes every record of the old one stale, voided or not): until
// then each validation fails and says so.
func (c *Cache) logged(ctx context.Context, fn func(tx *sql.Tx, put func(Event) error) error) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.jnl.broken || c.jnl.free() < journalReserve {
		if err := c.compactLocked(ctx); err != nil {
			return err
		}
	}
	var seq uint64
	err := c.tx(ctx, func(tx *sql.Tx) error {
		var evs []journalEvent
		err := fn(tx, func(ev Event) error {
			if err := c.upsertEvent(ctx, tx, ev); err != nil {
				return err
			}
			evs = append(evs, journalOf(ev))
			return nil
		})
		if err != nil || len(evs) == 0 {
			return err
		}
		seq, err = c.jnl.append(journalRecord{Events: evs})
		return err
	})
	if err != nil && seq != 0 {
		if _, verr := c.jnl.append(journalRecord{Void: []uint64{seq}}); verr != nil {
			return errors.Join(err, fmt.Errorf("void journal record: %w", verr))
		}
	}
	return err
}

// journalReserve is the room a transaction needs in the journal before it starts: its record
// (a few hundred bytes) and the record voiding it.
const journalReserve = 8 << 10

func journalOf(ev Event) journalEvent {
	return journalEvent{Nonce: ev.Nonce, Token: app.NormalizeToken(ev.Token), Kind: ev.Kind, Mode: ev.Mode, ScannedUS: us(ev.ScannedAt),
		Verdict: string(ev.LocalVerdict), Undoes: ev.Undoes}
}

// compactLocked checkpoints the outbox completely (its file synced: everything committed to it is
// durable there) and then starts a new generation of the journal. c.wmu is held.
func (c *Cache) compactLocked(ctx context.Context) error {
	var busy, frames, done int
	if err := c.db.QueryRowContext(ctx, `PRAGMA ob.wal_checkpoint(FULL)`).Scan(&busy, &frames, &done); err != nil {
		return fmt.Errorf("checkpoint the outbox: %w", err)
	}
	if busy != 0 || frames != done {
		return fmt.Errorf("checkpoint the outbox: %d of %d pages moved", done, frames)
	}
	if err := c.jnl.restart(c.jnl.gen + 1); err != nil {
		return err
	}
	c.compacted = time.Now()
	return nil
}

// replay writes the journal's records into the outbox at open: after a power cut, the
// outbox's last commits (not synced) may be gone while their records are not. An event the
// outbox has is left as it is once the server has answered it; the records are applied in
// order, so an online attempt decided offline afterwards ends offline, as it did.
func (c *Cache) replay(ctx context.Context, recs []journalRecord) error {
	if len(recs) == 0 {
		return nil
	}
	void := map[uint64]bool{}
	for _, r := range recs {
		for _, s := range r.Void {
			void[s] = true
		}
	}
	err := c.tx(ctx, func(tx *sql.Tx) error {
		for i, r := range recs {
			if void[uint64(i+1)] { // sequence numbers start at 1
				continue
			}
			for _, ev := range r.Events {
				if err := c.upsertEvent(ctx, tx, Event{Nonce: ev.Nonce, Token: ev.Token, Kind: ev.Kind, Mode: ev.Mode,
					ScannedAt: fromUS(ev.ScannedUS), LocalVerdict: app.OutcomeCode(ev.Verdict), Undoes: ev.Undoes}); err != nil {
					return fmt.Errorf("replay the journal: %w", err)
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.compactLocked(ctx)
}

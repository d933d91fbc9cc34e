package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"guichet/app"
	"guichet/sync/store"
)

// MaxChanges caps a page of changes.
const MaxChanges = 5000

// Changes returns a page of a venue's changes after since, in revision order. Each table is
// read up to limit rows after the cursor; the merged page keeps the limit lowest revisions, so a
// row left out always has a higher revision than the returned cursor.
func (s *Store) Changes(ctx context.Context, offererID, venueID, since int64, limit int) (store.Changes, error) {
	return s.ChangesFrom(ctx, offererID, venueID, since, limit, time.Time{})
}

// ChangesFrom is Changes restricted to the showtimes starting at or after from and their
// bookings (a counter's pull window); offers are all the venue's.
func (s *Store) ChangesFrom(ctx context.Context, offererID, venueID, since int64, limit int, from time.Time) (store.Changes, error) {
	var ch store.Changes
	if limit <= 0 || limit > MaxChanges {
		limit = MaxChanges
	}
	v, err := s.GetVenue(ctx, venueID)
	if err != nil {
		return ch, err
	}
	if v.OffererID != offererID {
		return ch, notFound("Lieu")
	}
	tx, err := s.readTx(ctx) // one snapshot for the three reads
	if err != nil {
		return ch, fmt.Errorf("changes: %w", err)
	}
	defer tx.Rollback()
	if ch.Database, ch.Head, err = s.identity(ctx, tx); err != nil {
		return ch, err
	}

	type item struct {
		rev  int64
		kind int
		idx  int
	}
	var items []item
	full := false
	rows, err := tx.QueryContext(ctx, s.q(`SELECT `+offerCols+`, rev FROM offers WHERE venue_id = ? AND rev > ? ORDER BY rev LIMIT ?`), venueID, since, limit)
	if err != nil {
		return ch, fmt.Errorf("changed offers: %w", err)
	}
	for rows.Next() {
		var rev int64
		o, err := scanOffer(scanPlus{rows, &rev})
		if err != nil {
			rows.Close()
			return ch, fmt.Errorf("changed offers: %w", err)
		}
		ch.Offers = append(ch.Offers, store.Rev[app.Offer]{Item: *o, Rev: rev})
		items = append(items, item{rev, 0, len(ch.Offers) - 1})
	}
	rows.Close()
	full = full || len(ch.Offers) == limit

	rows, err = tx.QueryContext(ctx, s.q(`SELECT `+prefixed("s.", stockCols)+`, s.rev FROM stocks s JOIN offers o ON o.id = s.offer_id
		WHERE o.venue_id = ? AND s.rev > ? AND s.starts_us >= ? ORDER BY s.rev LIMIT ?`), venueID, since, us(from), limit)
	if err != nil {
		return ch, fmt.Errorf("changed stocks: %w", err)
	}
	for rows.Next() {
		var rev int64
		st, err := scanStock(scanPlus{rows, &rev})
		if err != nil {
			rows.Close()
			return ch, fmt.Errorf("changed stocks: %w", err)
		}
		ch.Stocks = append(ch.Stocks, store.Rev[app.Stock]{Item: *st, Rev: rev})
		items = append(items, item{rev, 1, len(ch.Stocks) - 1})
	}
	rows.Close()
	full = full || len(ch.Stocks) == limit

	rows, err = tx.QueryContext(ctx, s.q(strings.Replace(bookingView, "u.birth_date", "u.birth_date, b.rev", 1)+` WHERE b.venue_id = ? AND b.rev > ? AND s.starts_us >= ? ORDER BY b.rev LIMIT ?`), venueID, since, us(from), limit)
	if err != nil {
		return ch, fmt.Errorf("changed bookings: %w", err)
	}
	for rows.Next() {
		var rev int64
		b, err := scanBooking(scanPlus{rows, &rev})
		if err != nil {
			rows.Close()
			return ch, fmt.Errorf("changed bookings: %w", err)
		}
		ch.Bookings = append(ch.Bookings, store.Rev[app.Booking]{Item: *b, Rev: rev})
		items = append(items, item{rev, 2, len(ch.Bookings) - 1})
	}
	rows.Close()
	full = full || len(ch.Bookings) == limit

	ch.Cursor = since
	if len(items) <= limit && !full {
		for _, it := range items {
			ch.Cursor = max(ch.Cursor, it.rev)
		}
		return ch, nil
	}
	// Keep the limit lowest revisions.
	sort.Slice(items, func(i, j int) bool { return items[i].rev < items[j].rev })
	ch.More = true
	if len(items) > limit {
		items = items[:limit]
	}
	keep := [3]map[int]bool{{}, {}, {}}
	for _, it := range items {
		keep[it.kind][it.idx] = true
		ch.Cursor = it.rev
	}
	ch.Offers = filter(ch.Offers, keep[0])
	ch.Stocks = filter(ch.Stocks, keep[1])
	ch.Bookings = filter(ch.Bookings, keep[2])
	return ch, nil
}

func filter[T any](in []T, keep map[int]bool) []T {
	out := in[:0]
	for i, v := range in {
		if keep[i] {
			out = append(out, v)
		}
	}
	return out
}

// scanPlus scans a row whose last column is an extra value.
type scanPlus struct {
	rows  *sql.Rows
	extra any
}

func (p scanPlus) Scan(dst ...any) error { return p.rows.Scan(append(dst, p.extra)...) }

func prefixed(prefix, cols string) string {
	out := ""
	for i, c := range splitCols(cols) {
		if i > 0 {
			out += ", "
		}
		out += prefix + c
	}
	return out
}

func splitCols(cols string) []string {
	var out []string
	cur := ""
	for _, r := range cols {
		switch r {
		case ',':
			out = append(out, cur)
			cur = ""
		case ' ', '\n', '\t':
		default:
			cur += string(r)
		}
	}
	return append(out, cur)
}

// PushScans applies a device's scan events, each once per nonce of the offerer. Events are
// judged one by one, each inside its own savepoint: one that fails is rolled back and answered
// with its own error (ScanResult.Err) while the others apply.
func (s *Store) PushScans(ctx context.Context, key *app.APIKey, device string, events []store.ScanEvent, now time.Time) ([]store.ScanResult, error) {
	var out []store.ScanResult
	err := s.tx(ctx, func(tx *sql.Tx) error {
		// A push retried while the first is still running waits for it, then replays its
		// verdicts; nonces are locked in one order so that two pushes cannot deadlock.
		nonces := make([]string, 0, len(events))
		for _, ev := range events {
			nonces = append(nonces, ev.Nonce)
		}
		sort.Strings(nonces)
		for _, n := range nonces {
			if err := s.xactLock(ctx, tx, lockNonce, lockKey(n)); err != nil {
				return err
			}
		}
		out = make([]store.ScanResult, 0, len(events))
		for _, ev := range events {
			if _, err := tx.ExecContext(ctx, `SAVEPOINT scan_event`); err != nil {
				return fmt.Errorf("savepoint: %w", err)
			}
			r, err := s.applyScan(ctx, tx, key, device, ev, now)
			if err != nil {
				if _, rerr := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT scan_event`); rerr != nil {
					return fmt.Errorf("scan %s: %w (rollback: %v)", ev.Nonce, err, rerr)
				}
				r = store.ScanResult{Nonce: ev.Nonce, Err: err}
				if app.ErrorCode(err) == app.EINTERNAL {
					r.Err = fmt.Errorf("scan %s: %w", ev.Nonce, err)
				}
			}
			if _, err := tx.ExecContext(ctx, `RELEASE SAVEPOINT scan_event`); err != nil {
				return fmt.Errorf("release savepoint: %w", err)
			}
			out = append(out, r)
		}
		return nil
	})
	return out, err
}

func (s *Store) applyScan(ctx context.Context, tx *sql.Tx, key *app.APIKey, device string, ev store.ScanEvent, now time.Time) (store.ScanResult, error) {
	res := store.ScanResult{Nonce: ev.Nonce}
	scanned := ev.ScannedAt
	if scanned.IsZero() || scanned.After(now) {
		scanned = now // a device clock ahead of the server's is not trusted into the future
	}

	// A nonce seen before gets its recorded verdict again.
	var verdict, message, mode, token, kind string
	var bookingID sql.NullInt64
	err := tx.QueryRowContext(ctx, s.q(`SELECT verdict, message, mode, booking_id, token, kind FROM scan_events
		WHERE offerer_id = ? AND nonce = ?`), key.OffererID, ev.Nonce).Scan(&verdict, &message, &mode, &bookingID, &token, &kind)
	switch {
	case err == nil && (token != app.NormalizeToken(ev.Token) || kind != ev.Kind):
		// Not a replay: another scan under a nonce already used. Its verdict would be another
		// booking's; it is refused.
		return res, app.FieldError("nonce", "Ce nonce a déjà servi pour une autre contremarque ou une autre action : événement refusé.")
	case err == nil:
		res.Replayed = true
		res.Outcome = app.Outcome{Code: app.OutcomeCode(verdict), Message: message}
		if bookingID.Valid {
			b, err := s.bookingByID(ctx, tx, bookingID.Int64)
			if err != nil {
				return res, err
			}
			res.Outcome.Booking = b
			// Asked online, answered "no" by the server, but the answer never reached the
			// device, which admitted the person from its cache: that is a conflict.
			if ev.Kind == "use" && mode == "online" && ev.Mode == "offline" && ev.LocalVerdict == app.OutcomeAdmitted &&
				res.Outcome.Code != app.OutcomeAdmitted {
				c, err := s.reconcileConflict(ctx, tx, key, device, ev, scanned, b, now)
				if err != nil {
					return res, err
				}
				res.Conflict = c
			}
		} else if ev.Kind == "use" && mode == "online" && ev.Mode == "offline" && ev.LocalVerdict == app.OutcomeAdmitted {
			if res.Conflict, err = s.unknownConflict(ctx, tx, key, device, ev, scanned, now); err != nil {
				return res, err
			}
		}
		return res, nil
	case !errors.Is(err, sql.ErrNoRows):
		return res, fmt.Errorf("find nonce: %w", err)
	}

	b, err := s.bookingByToken(ctx, tx, ev.Token, s.dialect.forUpdate)
	switch {
	case app.ErrorCode(err) == app.ENOTFOUND:
		res.Outcome = app.NotFoundOutcome()
	case err != nil:
		return res, err
	case b.OffererID != key.OffererID:
		res.Outcome, b = app.OtherOffererOutcome(), nil
	}
	v := store.Validator{KeyID: key.ID, KeyLabel: key.Label, Device: device, Nonce: ev.Nonce}
	if b != nil {
		switch {
		case ev.Kind == "keep":
			if res.Outcome, res.Conflict, err = s.applyKeep(ctx, tx, key, device, ev, scanned, b, v, now); err != nil {
				return res, err
			}
		case ev.Mode == "offline" && ev.LocalVerdict != app.OutcomeAdmitted:
			// Refused at the counter: nothing to apply, the refusal is only recorded.
			res.Outcome = app.Outcome{Code: ev.LocalVerdict, Message: "Refus hors ligne enregistré.", Booking: b}
		default:
			at := now
			if ev.Mode == "offline" {
				at = scanned
			}
			res.Outcome = app.CheckUse(b, at, s.location(b.VenueTimezone))
			if ev.AskOtherDay && ev.Mode == "online" {
				res.Outcome = app.AskFirst(res.Outcome) // another day: asked, not consumed
			}
			if res.Outcome.Code == app.OutcomeAdmitted {
				if err := s.setUsed(ctx, tx, b, v, at); err != nil {
					return res, err
				}
			} else if ev.Mode == "offline" {
				if res.Conflict, err = s.reconcileConflict(ctx, tx, key, device, ev, scanned, b, now); err != nil {
					return res, err
				}
			}
		}
	}
	if b == nil && ev.Kind == "use" && ev.Mode == "offline" && ev.LocalVerdict == app.OutcomeAdmitted {
		if res.Conflict, err = s.unknownConflict(ctx, tx, key, device, ev, scanned, now); err != nil {
			return res, err
		}
	}
	if res.Outcome.Code == app.OutcomeNotFound && ev.Mode == "online" {
		// A code that matches nothing is counted, not stored: random codes cost no space.
		return res, s.countMiss(ctx, tx, key, now)
	}
	var bid sql.NullInt64
	if b != nil {
		bid = sql.NullInt64{Int64: b.ID, Valid: true}
	}
	_, err = tx.ExecContext(ctx, s.q(`INSERT INTO scan_events (nonce, offerer_id, key_id, device, token, kind, mode, scanned_us,
		local_verdict, verdict, message, booking_id, received_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		ev.Nonce, key.OffererID, key.ID, device, app.NormalizeToken(ev.Token), ev.Kind, ev.Mode, us(scanned),
		string(ev.LocalVerdict), string(res.Outcome.Code), res.Outcome.Message, bid, us(now))
	if err != nil {
		return res, fmt.Errorf("record scan: %w", err)
	}
	if b != nil {
		if err := tx.QueryRowContext(ctx, s.q(`SELECT rev FROM bookings WHERE id = ?`), b.ID).Scan(&res.Rev); err != nil {
			return res, fmt.Errorf("booking revision: %w", err)
		}
	}
	return res, nil
}

func (s *Store) setUsed(ctx context.Context, tx *sql.Tx, b *app.Booking, v store.Validator, at time.Time) error {
	res, err := tx.ExecContext(ctx, s.q(`UPDATE bookings SET status = 'USED', used_us = ?, used_by = 'OFFERER',
		used_key_id = ?, used_key_label = ?, used_device = ?, used_nonce = ?, updated_us = ? WHERE id = ? AND status = 'CONFIRMED'`),
		us(at), nullID(v.KeyID), v.KeyLabel, v.Device, v.Nonce, us(at), b.ID)
	if err != nil {
		return fmt.Errorf("use booking: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("use booking %d: %w", b.ID, errConcurrent)
	}
	b.Status, b.UsedAt, b.UsedBy, b.UsedByKey, b.UsedByDevice, b.UsedNonce = app.StatusUsed, at.UTC(), app.ByOfferer, v.KeyLabel, v.Device, v.Nonce
	return s.event(ctx, tx, b.ID, "USE", at, app.ByOfferer, v)
}

func (s *Store) setUnused(ctx context.Context, tx *sql.Tx, b *app.Booking, v store.Validator, now time.Time) error {
	res, err := tx.ExecContext(ctx, s.q(`UPDATE bookings SET status = 'CONFIRMED', used_us = NULL, used_by = '',
		used_key_id = NULL, used_key_label = '', used_device = '', used_nonce = '', updated_us = ? WHERE id = ? AND status = 'USED'`),
		us(now), b.ID)
	if err != nil {
		return fmt.Errorf("keep booking: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("keep booking %d: %w", b.ID, errConcurrent)
	}
	b.Status, b.UsedAt, b.UsedBy, b.UsedByKey, b.UsedByDevice, b.UsedNonce = app.StatusConfirmed, time.Time{}, "", "", "", ""
	return s.event(ctx, tx, b.ID, "KEEP", now, app.ByOfferer, v)
}

// reconcileConflict records why an offline admission could not be validated by the server.
func (s *Store) reconcileConflict(ctx context.Context, tx *sql.Tx, key *app.APIKey, device string, ev store.ScanEvent, scanned time.Time, b *app.Booking, now time.Time) (*store.Conflict, error) {
	c := &store.Conflict{VenueID: b.VenueID, BookingID: b.ID, Token: b.Token, OfferName: b.OfferName,
		Beneficiary: b.FirstName + " " + b.LastName, Nonce: ev.Nonce, Device: device, ScannedAt: scanned, CreatedAt: now.UTC()}
	switch {
	case b.Status == app.StatusUsed || b.Status == app.StatusReimbursed:
		c.Kind, c.OtherDevice, c.OtherAt = store.ConflictDoubleAdmission, app.ValidatorName(b.UsedByKey, b.UsedByDevice), b.UsedAt
		c.Detail = "Entrée validée hors ligne, mais la contremarque avait déjà été validée ailleurs."
	case b.Status == app.StatusCancelled && b.CancelledAt.Before(scanned):
		c.Kind, c.OtherAt = store.ConflictCancelledBeforeScan, b.CancelledAt
		c.Detail = "Entrée validée hors ligne, mais la réservation avait été annulée avant le passage en caisse."
	default:
		c.Kind = store.ConflictNotUsable
		c.Detail = "Entrée validée hors ligne, mais le serveur n'a pas pu valider la contremarque : " +
			app.CheckUse(b, scanned, s.location(b.VenueTimezone)).Message
	}
	return s.insertConflict(ctx, tx, key, c, now)
}

// insertConflict records a conflict once per nonce of the offerer; nil when it already was. The
// conflict's device is named by the key that pushed it, with the device name sent as a detail.
func (s *Store) insertConflict(ctx context.Context, tx *sql.Tx, key *app.APIKey, c *store.Conflict, now time.Time) (*store.Conflict, error) {
	c.Device = app.ValidatorName(key.Label, c.Device)
	var otherAt sql.NullInt64
	if !c.OtherAt.IsZero() {
		otherAt = sql.NullInt64{Int64: us(c.OtherAt), Valid: true}
	}
	var venueID, bookingID sql.NullInt64
	if c.VenueID != 0 {
		venueID = sql.NullInt64{Int64: c.VenueID, Valid: true}
	}
	if c.BookingID != 0 {
		bookingID = sql.NullInt64{Int64: c.BookingID, Valid: true}
	}
	id, err := lastID(ctx, tx, s, `INSERT INTO conflicts (offerer_id, venue_id, booking_id, token, kind, nonce, device, scanned_us,
		other_device, other_us, detail, created_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (offerer_id, nonce) DO NOTHING`,
		key.OffererID, venueID, bookingID, c.Token, c.Kind, c.Nonce, c.Device, us(c.ScannedAt), c.OtherDevice, otherAt, c.Detail, us(now))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil // already recorded for this nonce
	}
	if err != nil {
		return nil, fmt.Errorf("record conflict: %w", err)
	}
	c.ID = id
	return c, nil
}

// Conflicts lists a venue's conflicts, newest first.
func (s *Store) Conflicts(ctx context.Context, offererID, venueID int64, all bool) ([]store.Conflict, error) {
	q := `SELECT c.id, c.kind, COALESCE(c.venue_id, 0), COALESCE(c.booking_id, 0), c.token, COALESCE(o.name, ''),
		COALESCE(u.first_name || ' ' || u.last_name, ''), c.nonce, c.device,
		c.scanned_us, c.other_device, c.other_us, c.detail, c.created_us, c.acknowledged_us
		FROM conflicts c LEFT JOIN bookings b ON b.id = c.booking_id LEFT JOIN offers o ON o.id = b.offer_id
		LEFT JOIN beneficiaries u ON u.id = b.beneficiary_id WHERE c.offerer_id = ? AND (c.venue_id = ? OR c.venue_id IS NULL)`
	if !all {
		q += ` AND c.acknowledged_us IS NULL`
	}
	rows, err := s.rdb.QueryContext(ctx, s.q(q+` ORDER BY c.id DESC LIMIT 1000`), offererID, venueID)
	if err != nil {
		return nil, fmt.Errorf("list conflicts: %w", err)
	}
	defer rows.Close()
	out := []store.Conflict{}
	for rows.Next() {
		var c store.Conflict
		var scanned, created int64
		var other, acked sql.NullInt64
		if err := rows.Scan(&c.ID, &c.Kind, &c.VenueID, &c.BookingID, &c.Token, &c.OfferName, &c.Beneficiary, &c.Nonce, &c.Device,
			&scanned, &c.OtherDevice, &other, &c.Detail, &created, &acked); err != nil {
			return nil, fmt.Errorf("list conflicts: %w", err)
		}
		c.ScannedAt, c.OtherAt, c.CreatedAt, c.AcknowledgedAt = fromUS(scanned), fromNullUS(other), fromUS(created), fromNullUS(acked)
		out = append(out, c)
	}
	return out, rows.Err()
}

// AckConflict acknowledges a conflict; acknowledging it again changes nothing.
func (s *Store) AckConflict(ctx context.Context, offererID, id int64, by string, now time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		var acked sql.NullInt64
		err := tx.QueryRowContext(ctx, s.q(`SELECT acknowledged_us FROM conflicts WHERE id = ? AND offerer_id = ?`), id, offererID).Scan(&acked)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("Conflit")
		}
		if err != nil || acked.Valid {
			return err
		}
		_, err = tx.ExecContext(ctx, s.q(`UPDATE conflicts SET acknowledged_us = ?, acknowledged_by = ? WHERE id = ?`), us(now), by, id)
		return err
	})
}

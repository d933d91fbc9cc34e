package cache

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"guichet/app"
)

// PeerValidation is an admission another counter of the venue made and told this one about.
type PeerValidation struct {
	Token  string
	Nonce  string
	Device string
	At     time.Time
	// Withdrawn: the peer undid this validation ("Invalider"); At is then when it did.
	Withdrawn bool
}

// peerKeep is how long a peer's validation is kept at most without a sync with the server.
const peerKeep = 48 * time.Hour

// Storing what peers tell. An admission already stored (same nonce) is left as it is, withdrawn or
// not, unless the row is a withdrawal some other device sent first (a device withdraws only its
// own validations). A withdrawal marks its device's validation withdrawn, or is kept alone when the
// admission has not arrived yet, so that it does not count when it does.
const (
	addPeerValidationSQL = `INSERT INTO peer_validations (nonce, token, device, at_us, received_us, withdrawn)
		VALUES (?, ?, ?, ?, ?, 0) ON CONFLICT (nonce) DO UPDATE SET token = excluded.token, device = excluded.device,
		at_us = excluded.at_us, received_us = excluded.received_us, withdrawn = 0
		WHERE peer_validations.withdrawn = 1 AND peer_validations.device <> excluded.device`
	addPeerWithdrawalSQL = `INSERT INTO peer_validations (nonce, token, device, at_us, received_us, withdrawn)
		VALUES (?, ?, ?, ?, ?, 1) ON CONFLICT (nonce) DO UPDATE SET withdrawn = 1
		WHERE peer_validations.device = excluded.device`
)

// AddPeerValidations stores validations and withdrawals a peer told of (a nonce already stored is
// ignored, except that a withdrawal from the device that made the validation marks it withdrawn)
// and forgets those received more than two days ago.
func (c *Cache) AddPeerValidations(ctx context.Context, vs []PeerValidation, now time.Time) error {
	return c.tx(ctx, func(tx *sql.Tx) error {
		for _, v := range vs {
			q := addPeerValidationSQL
			if v.Withdrawn {
				q = addPeerWithdrawalSQL
			}
			if _, err := tx.ExecContext(ctx, q, v.Nonce, app.NormalizeToken(v.Token), v.Device, us(v.At), us(now)); err != nil {
				return fmt.Errorf("store peer validation: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM peer_validations WHERE received_us < ?`, us(now.Add(-peerKeep))); err != nil {
			return fmt.Errorf("forget peer validations: %w", err)
		}
		return nil
	})
}

// PeerValidation returns the first validation of a countermark a peer told of and has not
// withdrawn (ok false when none).
func (c *Cache) PeerValidation(ctx context.Context, token string) (v PeerValidation, ok bool, err error) {
	var at int64
	err = c.st.peer.QueryRowContext(ctx, app.NormalizeToken(token)).Scan(&v.Token, &v.Nonce, &v.Device, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return v, false, nil
	}
	if err != nil {
		return v, false, fmt.Errorf("peer validation of %s: %w", token, err)
	}
	v.At = fromUS(at)
	return v, true, nil
}

// ClearPeerValidations forgets the peers' validations received before a sync with the server
// began: the server's copy, pulled since, is the truth about them (a peer still offline tells
// them again).
func (c *Cache) ClearPeerValidations(ctx context.Context, before time.Time) error {
	if _, err := c.db.ExecContext(ctx, `DELETE FROM peer_validations WHERE received_us < ?`, us(before)); err != nil {
		return fmt.Errorf("clear peer validations: %w", err)
	}
	return nil
}

// PendingAdmissions returns what this counter tells its peers, limit in all: the admissions
// decided here offline that the server has not answered yet and no "Invalider" here has undone,
// oldest first, then the un-validations ("keep" events, Undoes set) not answered yet.
func (c *Cache) PendingAdmissions(ctx context.Context, limit int) ([]Event, error) {
	keeps, err := c.pendingKeeps(ctx, limit)
	if err != nil {
		return nil, err
	}
	undone := make(map[string]bool, len(keeps))
	for _, k := range keeps {
		undone[*k.Undoes] = true
	}
	rows, err := c.db.QueryContext(ctx, `SELECT nonce, token, scanned_us FROM ob.outbox WHERE state = 'pending'
		AND kind = 'use' AND mode = 'offline' AND local_verdict = 'ADMITTED' ORDER BY scanned_us, nonce LIMIT ?`,
		limit+len(undone))
	if err != nil {
		return nil, fmt.Errorf("pending admissions: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		ev := Event{Kind: "use", Mode: "offline", LocalVerdict: app.OutcomeAdmitted}
		var scanned int64
		if err := rows.Scan(&ev.Nonce, &ev.Token, &scanned); err != nil {
			return nil, fmt.Errorf("pending admissions: %w", err)
		}
		ev.ScannedAt = fromUS(scanned)
		if !undone[ev.Nonce] && len(out) < limit {
			out = append(out, ev)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pending admissions: %w", err)
	}
	return append(out, keeps[:min(len(keeps), limit-len(out))]...), nil // limit in all, admissions first
}

// pendingKeeps returns up to limit un-validations decided here that the server has not answered.
func (c *Cache) pendingKeeps(ctx context.Context, limit int) ([]Event, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT nonce, token, scanned_us, undoes FROM ob.outbox WHERE state = 'pending'
		AND kind = 'keep' AND local_verdict = ? AND undoes IS NOT NULL AND undoes <> '' ORDER BY scanned_us, nonce LIMIT ?`,
		string(app.OutcomeKept), limit)
	if err != nil {
		return nil, fmt.Errorf("pending un-validations: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		ev := Event{Kind: "keep", Mode: "offline", LocalVerdict: app.OutcomeKept}
		var scanned int64
		var undoes string
		if err := rows.Scan(&ev.Nonce, &ev.Token, &scanned, &undoes); err != nil {
			return nil, fmt.Errorf("pending un-validations: %w", err)
		}
		ev.ScannedAt, ev.Undoes = fromUS(scanned), &undoes
		out = append(out, ev)
	}
	return out, rows.Err()
}

// DecideRefused records an offline refusal decided without the copy (a peer's validation): the
// event (new, or the online attempt that fell back, same nonce) becomes offline with its verdict.
func (c *Cache) DecideRefused(ctx context.Context, nonce, token string, now time.Time, verdict app.OutcomeCode) error {
	return c.logged(ctx, func(_ *sql.Tx, put func(Event) error) error {
		return put(Event{Nonce: nonce, Token: token, Kind: "use", Mode: "offline", ScannedAt: now, LocalVerdict: verdict})
	})
}

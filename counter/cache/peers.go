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
}

// peerKeep is how long a peer's validation is kept at most without a sync with the server.
const peerKeep = 48 * time.Hour

// AddPeerValidations stores validations a peer told of (a nonce already stored is ignored) and
// forgets those received more than two days ago.
func (c *Cache) AddPeerValidations(ctx context.Context, vs []PeerValidation, now time.Time) error {
	return c.tx(ctx, func(tx *sql.Tx) error {
		for _, v := range vs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO peer_validations (nonce, token, device, at_us, received_us)
				VALUES (?, ?, ?, ?, ?) ON CONFLICT (nonce) DO NOTHING`, v.Nonce, app.NormalizeToken(v.Token), v.Device,
				us(v.At), us(now)); err != nil {
				return fmt.Errorf("store peer validation: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM peer_validations WHERE received_us < ?`, us(now.Add(-peerKeep))); err != nil {
			return fmt.Errorf("forget peer validations: %w", err)
		}
		return nil
	})
}

// PeerValidation returns the first validation of a countermark a peer told of (ok false when
// none did).
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

// PendingAdmissions returns up to limit admissions decided here offline that the server has not
// answered yet, oldest first: what this counter tells its peers.
func (c *Cache) PendingAdmissions(ctx context.Context, limit int) ([]Event, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT nonce, token, scanned_us FROM ob.outbox WHERE state = 'pending'
		AND kind = 'use' AND mode = 'offline' AND local_verdict = 'ADMITTED' ORDER BY scanned_us, nonce LIMIT ?`, limit)
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

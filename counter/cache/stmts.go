package cache

import (
	"context"
	"database/sql"
	"fmt"
)

// stmts are the statements of the scan path (Lookup, Decide, DecideKeep), prepared once when
// the cache opens: modernc's SQLite spends more time preparing these statements than running
// them, and a cashier waits on each scan.
type stmts struct {
	lookup      *sql.Stmt // token → booking
	upsertEvent *sql.Stmt // an event into the outbox (a fallback's online row becomes offline)
	markUsed    *sql.Stmt // a booking admitted here
	peer        *sql.Stmt // token → the first validation a peer told of (peers.go)
	lastPending *sql.Stmt // token → this counter's last admission or un-validation not pushed yet
}

func (c *Cache) prepare(ctx context.Context) error {
	for _, p := range []struct {
		dst   **sql.Stmt
		query string
	}{
		{&c.st.lookup, `SELECT ` + bookingCols + ` FROM bookings WHERE token = ?`},
		{&c.st.upsertEvent, `INSERT INTO ob.outbox (nonce, token, kind, mode, scanned_us, local_verdict, undoes)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (nonce) DO UPDATE SET mode = excluded.mode, local_verdict = excluded.local_verdict
			WHERE state = 'pending'`}, // an event the server answered stays answered (the journal's replay)
		{&c.st.markUsed, `UPDATE bookings SET status = 'USED', used_us = ?, used_by = 'OFFERER', used_device = ?,
			used_nonce = ? WHERE id = ?`},
		// INDEXED BY: left to itself, SQLite walks every pending event in time order (the
		// ORDER BY's index) to find this token's, a scan as long as the outage's queue.
		{&c.st.lastPending, `SELECT kind, nonce, scanned_us FROM ob.outbox INDEXED BY outbox_token
			WHERE token = ? AND state = 'pending'
			AND (kind = 'use' AND local_verdict = 'ADMITTED' OR kind = 'keep' AND local_verdict = 'KEPT')
			ORDER BY scanned_us DESC, rowid DESC LIMIT 1`},
		{&c.st.peer, `SELECT token, nonce, device, at_us FROM peer_validations WHERE token = ? AND withdrawn = 0 ORDER BY at_us, nonce LIMIT 1`},
	} {
		st, err := c.db.PrepareContext(ctx, p.query)
		if err != nil {
			return fmt.Errorf("prepare cache statements: %w", err)
		}
		*p.dst = st
	}
	return nil
}

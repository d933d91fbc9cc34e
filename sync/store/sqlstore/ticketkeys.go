package sqlstore

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"time"

	"guichet/app"
	"guichet/sync/store"
)

// AddTicketKey stores a new key pair of a venue for signed tickets and sets its ID.
func (s *Store) AddTicketKey(ctx context.Context, k *store.TicketKey) error {
	if len(k.Public) != ed25519.PublicKeySize || len(k.Private) != ed25519.PrivateKeySize || !k.NotBefore.Before(k.NotAfter) {
		return app.Errorf(app.EINVALID, "Clé de billet invalide.")
	}
	if k.CreatedAt.IsZero() {
		k.CreatedAt = time.Now()
	}
	err := s.db.QueryRowContext(ctx, s.q(`INSERT INTO ticket_keys (venue_id, public_key, private_key, not_before_us, not_after_us,
		created_us) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`), k.VenueID, []byte(k.Public), []byte(k.Private),
		us(k.NotBefore), us(k.NotAfter), us(k.CreatedAt)).Scan(&k.ID)
	if err != nil {
		return fmt.Errorf("add ticket key: %w", err)
	}
	return nil
}

// TicketKeys returns a venue's keys whose validity ends after after, the oldest first.
func (s *Store) TicketKeys(ctx context.Context, venueID int64, after time.Time) ([]store.TicketKey, error) {
	rows, err := s.rdb.QueryContext(ctx, s.q(`SELECT id, venue_id, public_key, private_key, not_before_us, not_after_us, created_us
		FROM ticket_keys WHERE venue_id = ? AND not_after_us > ? ORDER BY not_before_us, id`), venueID, us(after))
	if err != nil {
		return nil, fmt.Errorf("ticket keys: %w", err)
	}
	defer rows.Close()
	var out []store.TicketKey
	for rows.Next() {
		var k store.TicketKey
		var pub, priv []byte
		var from, to, created int64
		if err := rows.Scan(&k.ID, &k.VenueID, &pub, &priv, &from, &to, &created); err != nil {
			return nil, fmt.Errorf("ticket keys: %w", err)
		}
		k.Public, k.Private = ed25519.PublicKey(pub), ed25519.PrivateKey(priv)
		k.NotBefore, k.NotAfter, k.CreatedAt = fromUS(from), fromUS(to), fromUS(created)
		out = append(out, k)
	}
	return out, rows.Err()
}

// RetireTicketKey ends a key's validity at at, when it ended later.
func (s *Store) RetireTicketKey(ctx context.Context, id int64, at time.Time) error {
	res, err := s.db.ExecContext(ctx, s.q(`UPDATE ticket_keys SET not_after_us = CASE WHEN not_after_us > ? THEN ? ELSE not_after_us END
		WHERE id = ?`), us(at), us(at), id)
	if err != nil {
		return fmt.Errorf("retire ticket key: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("Clé de billet")
	}
	return nil
}

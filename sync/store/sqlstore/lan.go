package sqlstore

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
)

// LANSecret returns the venue's LAN secret, made (256 random bits) the first time it is asked
// for: the key material its counters authenticate each other with on the local network.
func (s *Store) LANSecret(ctx context.Context, offererID, venueID int64) (string, error) {
	v, err := s.GetVenue(ctx, venueID)
	if err != nil {
		return "", err
	}
	if v.OffererID != offererID {
		return "", notFound("Lieu")
	}
	var secret string
	err = s.rdb.QueryRowContext(ctx, s.q(`SELECT secret FROM venue_lan_secrets WHERE venue_id = ?`), venueID).Scan(&secret)
	if err == nil {
		return secret, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("lan secret: %w", err)
	}
	b := make([]byte, 32)
	if _, err := io.ReadFull(s.rand, b); err != nil {
		return "", fmt.Errorf("lan secret: %w", err)
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO venue_lan_secrets (venue_id, secret) VALUES (?, ?)
			ON CONFLICT (venue_id) DO NOTHING`), venueID, hex.EncodeToString(b)); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, s.q(`SELECT secret FROM venue_lan_secrets WHERE venue_id = ?`), venueID).Scan(&secret)
	})
	if err != nil {
		return "", fmt.Errorf("lan secret: %w", err)
	}
	return secret, nil
}

// RotateLANSecret gives the venue a new LAN secret: counters take it at their next pull, and a
// counter that kept the old one (stolen, revoked) can no longer talk to the others.
func (s *Store) RotateLANSecret(ctx context.Context, venueID int64) error {
	if _, err := s.GetVenue(ctx, venueID); err != nil {
		return err
	}
	b := make([]byte, 32)
	if _, err := io.ReadFull(s.rand, b); err != nil {
		return fmt.Errorf("rotate lan secret: %w", err)
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO venue_lan_secrets (venue_id, secret) VALUES (?, ?)
			ON CONFLICT (venue_id) DO UPDATE SET secret = excluded.secret`), venueID, hex.EncodeToString(b)); err != nil {
			return fmt.Errorf("rotate lan secret: %w", err)
		}
		return nil
	})
}

package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"guichet/sync/store/sqlstore"
)

// lanSecretCommand runs `lan-secret rotate`: a venue's new LAN secret, the key material its
// counters authenticate each other with on the local network (docs/sync.md). For an operator
// whose counter was stolen or whose key was revoked: the other counters take the new secret at
// their next pull, and the old one no longer talks to them.
func lanSecretCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "rotate" {
		fmt.Fprint(stderr, usage)
		return usageError("usage: lan-secret rotate --db DB --venue ID")
	}
	fs := flag.NewFlagSet("lan-secret rotate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", "guichet.db", dbUsage)
	venue := fs.Int64("venue", 0, "venue id")
	if err := fs.Parse(args[1:]); err != nil {
		return usageError(err.Error())
	}
	if *venue <= 0 {
		return usageError("--venue is required")
	}
	return withStore(ctx, *db, func(st *sqlstore.Store) error {
		if err := st.RotateLANSecret(ctx, *venue); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "venue %d has a new LAN secret: its counters take it at their next pull\n", *venue)
		return nil
	})
}

package main

import (
	"context"
	"encoding/base64"
	"flag"
	"fmt"
	"io"
	"time"

	"guichet/sync/protocol"
	"guichet/sync/store/sqlstore"
	"guichet/sync/tickets"
)

// ticketKeysCommand runs `ticket-keys list|rotate|retire`: the venues' keys for signed tickets
// (docs/sync.md). Keys are also made and renewed automatically; these are for an operator who
// wants a new key now (rotate) or a key out of use at once (retire: a leaked database backup).
func ticketKeysCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageError("missing ticket-keys subcommand")
	}
	cmd, rest := "ticket-keys "+args[0], args[1:]
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", "guichet.db", dbUsage)
	venue := fs.Int64("venue", 0, "venue id")
	switch cmd {
	case "ticket-keys list":
		if err := fs.Parse(rest); err != nil {
			return usageError(err.Error())
		}
		return withStore(ctx, *db, func(st *sqlstore.Store) error {
			ks, err := st.TicketKeys(ctx, *venue, time.Time{})
			if err != nil {
				return err
			}
			out := make([]map[string]any, 0, len(ks))
			for _, k := range ks {
				out = append(out, map[string]any{"id": k.ID, "venueId": k.VenueID, "publicKey": base64.StdEncoding.EncodeToString(k.Public),
					"notBefore": protocol.Time(k.NotBefore), "notAfter": protocol.Time(k.NotAfter), "validNow": k.ValidAt(time.Now())})
			}
			return printJSON(stdout, out)
		})
	case "ticket-keys rotate":
		validity := fs.Duration("valid", tickets.Validity, "how long the new key may be used")
		if err := fs.Parse(rest); err != nil {
			return usageError(err.Error())
		}
		if *venue <= 0 {
			return usageError("--venue is required")
		}
		return withStore(ctx, *db, func(st *sqlstore.Store) error {
			if _, err := st.GetVenue(ctx, *venue); err != nil {
				return err
			}
			k, err := tickets.New(st, nil).Rotate(ctx, *venue, *validity)
			if err != nil {
				return err
			}
			return printJSON(stdout, map[string]any{"id": k.ID, "venueId": k.VenueID, "notBefore": protocol.Time(k.NotBefore),
				"notAfter": protocol.Time(k.NotAfter),
				"note":     "older keys stay valid until their end; tickets are signed with the new key once counters had a day to pull it"})
		})
	case "ticket-keys retire":
		id := fs.Int64("id", 0, "key id")
		if err := fs.Parse(rest); err != nil {
			return usageError(err.Error())
		}
		return withStore(ctx, *db, func(st *sqlstore.Store) error {
			if err := st.RetireTicketKey(ctx, *id, time.Now()); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "ticket key %d retired: counters stop accepting it at their next pull\n", *id)
			return nil
		})
	}
	fs.Usage()
	return usageError("unknown command " + cmd)
}

package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"guichet/sync/auth"
	"guichet/sync/loadtest"
	"guichet/sync/store/sqlstore"
)

// demoNetwork is `demo --venues N`: a network of N cinemas for the load test, printed as the
// JSON that `load --key-file` reads.
func demoNetwork(ctx context.Context, db string, venues, perVenue, base, bookers int, stdout io.Writer) error {
	const password = "charge-guichet"
	hash, err := auth.HashPassword(password, 0)
	if err != nil {
		return err
	}
	return withStore(ctx, db, func(st *sqlstore.Store) error {
		start := time.Now()
		net, err := loadtest.Seed(ctx, st, venues, perVenue, base, time.Now())
		if err != nil {
			return err
		}
		if err := loadtest.SeedBeneficiaries(ctx, st, net, bookers, base, password, hash, time.Now()); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "seeded %d cinemas with %d countermarks each in %s\n", venues, perVenue, time.Since(start).Round(time.Millisecond))
		return json.NewEncoder(stdout).Encode(net)
	})
}

// loadCommand is `load`: counters driven against --target, then (with --db) the validations
// checked in the database; one JSON object on stdout.
func loadCommand(ctx context.Context, fs *flag.FlagSet, db *string, args []string, stdout io.Writer) error {
	target := fs.String("target", "", "server base URL (a replica or the load balancer)")
	keyFile := fs.String("key-file", "", "the network JSON written by demo --venues N")
	counters := fs.Int("counters", 0, "simulated counters (default: one per venue)")
	duration := fs.Duration("duration", time.Minute, "how long to run")
	pull := fs.Duration("pull-every", 5*time.Second, "a counter's pull period")
	use := fs.Duration("validate-every", 30*time.Second, "mean time between two online validations of one counter")
	push := fs.Duration("push-every", 2*time.Minute, "mean time between two offline batches of one counter")
	bookers := fs.Int("bookers", 0, "beneficiaries booking and cancelling (at most those of the network file)")
	bookEvery := fs.Duration("book-every", 20*time.Second, "mean time between two bookings of one beneficiary")
	first := fs.Int("first-token", 0, "index of each venue's first countermark to validate (successive runs on one network)")
	if err := fs.Parse(args); err != nil {
		return usageError(err.Error())
	}
	if *target == "" || *keyFile == "" {
		return usageError("load: --target and --key-file are required")
	}
	data, err := os.ReadFile(*keyFile)
	if err != nil {
		return fmt.Errorf("key file: %w", err)
	}
	var net loadtest.Network
	if err := json.Unmarshal(data, &net); err != nil {
		return fmt.Errorf("key file %s: %w", *keyFile, err)
	}
	res, err := loadtest.Run(ctx, loadtest.Config{Target: strings.TrimRight(*target, "/"), Network: &net, Counters: *counters,
		Duration: *duration, PullEvery: *pull, ValidateEvery: *use, PushEvery: *push, FirstToken: *first, Bookers: *bookers, BookEvery: *bookEvery})
	if err != nil {
		return err
	}
	if *db != "" {
		if err := withStore(context.WithoutCancel(ctx), *db, func(st *sqlstore.Store) error {
			return loadtest.Verify(ctx, st, res)
		}); err != nil {
			return err
		}
	}
	return json.NewEncoder(stdout).Encode(res)
}

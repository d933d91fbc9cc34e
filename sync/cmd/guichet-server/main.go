// Command guichet-server is Guichet's sync server: it serves the pro API and pass Culture's
// countermark API over an embedded SQLite database (the default) or PostgreSQL (--db
// postgres://…, for several replicas), and has admin subcommands to create offerers, venues and
// API keys, seed a demo, migrate the database and run jobs.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
	_ "time/tzdata" // venues' time zones even on machines without zoneinfo

	"guichet/app"
	"guichet/sync/demo"
	"guichet/sync/metrics"
	"guichet/sync/server"
	"guichet/sync/store/sqlstore"
)

// dbUsage documents --db.
const dbUsage = "SQLite database file, or postgres://user@host:port/db URL"

const usage = `usage: guichet-server <command> [flags]

--db DB is a SQLite file path (the default, guichet.db) or a postgres:// URL.

commands:
  migrate   --db DB                 apply the pending migrations and exit (serve does it too)
  serve     --db DB --addr HOST:PORT [--addr-file F] [--log-format text|json] [--drain D] [--db-conns N]
            [--smtp-host H --smtp-port P --smtp-user U --smtp-password PW | --smtp-password-file F]
            [--smtp-from ADDR] [--mail-dir DIR]       serve the API, send e-mails, run auto-use daily
            [--allocine-url URL] [--allocine-token T | --allocine-token-file F] [--allocine-timeout D]
            [--allocine-max-bytes N] [--allocine-daily=false]   and the daily Allociné import
            [--limit-ip R] [--limit-key R] [--limit-signin-ip R] [--limit-signin-account R] [--limit-misses R]
            [--password-checks N] [--password-wait D] [--trusted-proxy CIDR,…]   rate limits (R: N/UNIT:BURST
            or off; defaults in docs/security.md) [--scan-retention D]
  demo      --db DB [--howto HOST:PORT]      (re)seed the demo and print its keys and countermarks as JSON
  demo      --db DB --venues N [--per-venue M] [--base SIREN8] [--bookers B]   seed a network of N cinemas for the load test
  load      --target URL --key-file F [--counters N] [--duration D] [--db DB] [--pull-every D]
            [--validate-every D] [--push-every D] [--first-token I] [--bookers B] [--book-every D]   simulate counters; one JSON result (lost/doubled with --db)
  offerer   create --db DB --siren S --name N
  venue     create --db DB --offerer ID --siret S --name N --address A --postal-code P --city C
                   --department D --lat X --lon Y --email E [--allocine ID]
  key       create --db DB --offerer ID --role manager|cashier --label L
  key       revoke --db DB --id ID [--grace 2h]   (offline admissions until the end of the day, or for --grace)
  db        new-identity --db DB         after restoring a backup: counters download their copy again
  key       list   --db DB --offerer ID
  jobs      auto-use --db DB [--as-of RFC3339]
  allocine  import --db DB --venue ID [--file FEED.json] [--posters]
                   [--allocine-url URL --allocine-token T | --allocine-token-file F]
                   import a venue's Allociné programme (API or saved feed), print the report as JSON
  beneficiary create --db DB --email E --first-name F --last-name L --phone P --birth-date YYYY-MM-DD
                   [--password PW]          (a password is generated and printed when not given)
  payouts   price --db DB                   price the used bookings waiting for it (serve does it continuously)
  payouts   cut --db DB --date YYYY-MM-DD   run the payment cut of a 1st or 16th (not in the future)
  payouts   statement --db DB --ref F26… --format pdf|csv [--out FILE]   write a statement (stdout by default)
  payouts   statements --db DB [--offerer ID]
  bank-account add --db DB --offerer ID --label L --iban I --bic B [--venues ID,ID]
  bank-account accept|refuse --db DB --id ID
  bank-account list --db DB [--offerer ID]   (full IBANs: an admin command)
  ticket-keys list --db DB --venue ID       a venue's keys for signed tickets (public halves, validity)
  ticket-keys rotate --db DB --venue ID [--valid 8760h]   a new key now (older ones stay valid until their end)
  ticket-keys retire --db DB --id ID        end a key's validity now (counters drop it at their next pull)
  lan-secret rotate --db DB --venue ID      a new secret for the venue's counters on the LAN (a stolen counter)
  try-booking --server URL --email E --password PW [--qr FILE]
                   sign in, book the nearest showtime around the demo cinema, save its QR code
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "guichet-server:", err)
		var ue usageError
		if errors.As(err, &ue) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

type usageError string

func (e usageError) Error() string { return string(e) }

// run executes one command; it is main without the process.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageError("missing command")
	}
	cmd, rest := args[0], args[1:]
	if cmd == "payouts" || cmd == "bank-account" {
		return payoutsCommand(ctx, cmd, rest, stdout, stderr)
	}
	if cmd == "ticket-keys" {
		return ticketKeysCommand(ctx, rest, stdout, stderr)
	}
	if cmd == "lan-secret" {
		return lanSecretCommand(ctx, rest, stdout, stderr)
	}
	if (cmd == "offerer" || cmd == "venue" || cmd == "key" || cmd == "jobs" || cmd == "beneficiary" || cmd == "allocine" || cmd == "db") && len(rest) > 0 {
		cmd, rest = cmd+" "+rest[0], rest[1:]
	}
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", "guichet.db", dbUsage)
	switch cmd {
	case "serve":
		cfg := serveConfig{}
		fs.StringVar(&cfg.addr, "addr", "127.0.0.1:8080", "listen address")
		fs.StringVar(&cfg.logFormat, "log-format", "text", "log format: text or json")
		fs.StringVar(&cfg.addrFile, "addr-file", "", "write the address actually listened on to this file (with --addr HOST:0)")
		fs.DurationVar(&cfg.drain, "drain", 0, "on SIGTERM, fail /readyz for this long before closing (the load balancer's check interval)")
		fs.IntVar(&cfg.dbConns, "db-conns", 20, "PostgreSQL connection pool size")
		fs.StringVar(&cfg.metricsTokenFile, "metrics-token-file", "", "file holding the bearer token /metrics asks for (or $GUICHET_METRICS_TOKEN; none: served to anyone)")
		cfg.mailFlags(fs)
		cfg.allocine.flags(fs, true)
		limitFlags(fs, &cfg.limits)
		purgeFlags(fs, &cfg.scanRetention)
		if err := fs.Parse(rest); err != nil {
			return usageError(err.Error())
		}
		cfg.db = *db
		return serve(ctx, cfg, stderr)
	case "migrate":
		if err := fs.Parse(rest); err != nil {
			return usageError(err.Error())
		}
		return withStore(ctx, *db, func(*sqlstore.Store) error {
			fmt.Fprintln(stdout, "migrations applied")
			return nil
		})
	case "db new-identity":
		if err := fs.Parse(rest); err != nil {
			return usageError(err.Error())
		}
		return withStore(ctx, *db, func(st *sqlstore.Store) error {
			if err := st.NewIdentity(ctx); err != nil {
				return err
			}
			fmt.Fprintln(stdout, "new database identity: every counter will download its copy again (keeping its outbox)")
			return nil
		})
	case "allocine import":
		return allocineImport(ctx, fs, db, rest, stdout)
	case "beneficiary create":
		return beneficiaryCreate(ctx, fs, db, rest, stdout, stderr)
	case "try-booking":
		return tryBooking(ctx, fs, rest, stdout, stderr)
	case "load":
		fs.Lookup("db").Usage = "database to check the validations in afterwards (lost, doubled)"
		*db = ""
		return loadCommand(ctx, fs, db, rest, stdout)
	case "demo":
		howto := fs.String("howto", "", "also print to stderr how to try the demo on a server at this address")
		venues := fs.Int("venues", 0, "seed instead a network of this many cinemas for the load test (JSON for load --key-file)")
		perVenue := fs.Int("per-venue", 200, "with --venues: countermarks booked per cinema for tonight")
		base := fs.Int("base", 10_000_000, "with --venues: first SIREN (without its check digit)")
		bookers := fs.Int("bookers", 100, "with --venues: beneficiaries who book and cancel in the load test")
		if err := fs.Parse(rest); err != nil {
			return usageError(err.Error())
		}
		if *venues > 0 {
			return demoNetwork(ctx, *db, *venues, *perVenue, *base, *bookers, stdout)
		}
		st, err := sqlstore.Open(ctx, *db, sqlstore.Options{})
		if err != nil {
			return err
		}
		defer st.Close()
		paris, err := time.LoadLocation(app.DefaultTimezone)
		if err != nil {
			return err
		}
		res, err := demo.Seed(ctx, st, time.Now(), paris)
		if err != nil {
			return fmt.Errorf("seed demo: %w", err)
		}
		if *howto != "" {
			printHowto(stderr, *howto, res)
		}
		return printJSON(stdout, res)
	case "offerer create":
		siren := fs.String("siren", "", "SIREN (9 digits)")
		name := fs.String("name", "", "legal name")
		if err := fs.Parse(rest); err != nil {
			return usageError(err.Error())
		}
		return withStore(ctx, *db, func(st *sqlstore.Store) error {
			o := &app.Offerer{SIREN: *siren, Name: *name}
			if err := st.CreateOfferer(ctx, o); err != nil {
				return err
			}
			return printJSON(stdout, map[string]any{"id": o.ID, "siren": o.SIREN, "name": o.Name})
		})
	case "venue create":
		v := app.Venue{}
		offerer := fs.Int64("offerer", 0, "offerer id")
		fs.StringVar(&v.SIRET, "siret", "", "SIRET (14 digits, starting with the offerer's SIREN)")
		fs.StringVar(&v.Name, "name", "", "venue name")
		fs.StringVar(&v.Address, "address", "", "street address")
		fs.StringVar(&v.PostalCode, "postal-code", "", "postal code")
		fs.StringVar(&v.City, "city", "", "city")
		fs.StringVar(&v.DepartmentCode, "department", "", "department code (75, 2A, 974…)")
		fs.Float64Var(&v.Latitude, "lat", 0, "latitude")
		fs.Float64Var(&v.Longitude, "lon", 0, "longitude")
		fs.StringVar(&v.BookingEmail, "email", "", "booking notification e-mail")
		fs.StringVar(&v.AllocineTheaterID, "allocine", "", "Allociné theater id (optional)")
		if err := fs.Parse(rest); err != nil {
			return usageError(err.Error())
		}
		v.OffererID = *offerer
		return withStore(ctx, *db, func(st *sqlstore.Store) error {
			if err := st.CreateVenue(ctx, &v); err != nil {
				return err
			}
			return printJSON(stdout, map[string]any{"id": v.ID, "siret": v.SIRET, "name": v.Name, "timezone": v.Timezone})
		})
	case "key create":
		offerer := fs.Int64("offerer", 0, "offerer id")
		role := fs.String("role", "cashier", "manager or cashier")
		label := fs.String("label", "", "a name for the key, e.g. \"Caisse 1\"")
		if err := fs.Parse(rest); err != nil {
			return usageError(err.Error())
		}
		return withStore(ctx, *db, func(st *sqlstore.Store) error {
			clear, k, err := st.CreateAPIKey(ctx, *offerer, app.Role(*role), *label)
			if err != nil {
				return err
			}
			fmt.Fprintln(stderr, "Keep this key now: it is stored hashed and cannot be shown again.")
			return printJSON(stdout, map[string]any{"id": k.ID, "role": k.Role, "label": k.Label, "key": clear})
		})
	case "key revoke":
		id := fs.Int64("id", 0, "key id")
		grace := fs.Duration("grace", -1, "its counter may admit offline for this long (default: until the end of the day, Paris time; 0: stop at once)")
		if err := fs.Parse(rest); err != nil {
			return usageError(err.Error())
		}
		return withStore(ctx, *db, func(st *sqlstore.Store) error {
			if *grace >= 0 {
				return st.RevokeAPIKeyUntil(ctx, *id, time.Now().Add(*grace))
			}
			return st.RevokeAPIKey(ctx, *id)
		})
	case "key list":
		offerer := fs.Int64("offerer", 0, "offerer id")
		if err := fs.Parse(rest); err != nil {
			return usageError(err.Error())
		}
		return withStore(ctx, *db, func(st *sqlstore.Store) error {
			keys, err := st.ListAPIKeys(ctx, *offerer)
			if err != nil {
				return err
			}
			out := []map[string]any{}
			for _, k := range keys {
				out = append(out, map[string]any{"id": k.ID, "prefix": k.Prefix, "role": k.Role, "label": k.Label,
					"revoked": !k.RevokedAt.IsZero()})
			}
			return printJSON(stdout, out)
		})
	case "jobs auto-use":
		asOf := fs.String("as-of", "", "run as if it were this time (RFC 3339); now by default")
		if err := fs.Parse(rest); err != nil {
			return usageError(err.Error())
		}
		now := time.Now()
		if *asOf != "" {
			t, err := time.Parse(time.RFC3339, *asOf)
			if err != nil {
				return usageError("--as-of: " + err.Error())
			}
			now = t
		}
		return withStore(ctx, *db, func(st *sqlstore.Store) error {
			n, err := st.AutoUse(ctx, now)
			if err != nil {
				return err
			}
			return printJSON(stdout, map[string]any{"asOf": now.UTC().Format(time.RFC3339), "validated": n})
		})
	}
	fmt.Fprint(stderr, usage)
	return usageError("unknown command " + strings.Join(args[:min(2, len(args))], " "))
}

func withStore(ctx context.Context, path string, fn func(*sqlstore.Store) error) error {
	st, err := sqlstore.Open(ctx, path, sqlstore.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	if err := fn(st); err != nil {
		return errors.New(app.ErrorMessage(err) + describe(err))
	}
	return nil
}

// describe adds the internal error text for non-domain errors (operators need it).
func describe(err error) string {
	if app.ErrorCode(err) == app.EINTERNAL {
		return " (" + err.Error() + ")"
	}
	return ""
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// serve runs the HTTP server, the e-mail outbox sender and the scheduled jobs until ctx is
// cancelled, then drains and shuts down gracefully. It listens before opening the database, so
// that /healthz and /readyz answer 503 while migrations run; --addr-file is written once ready.
func serve(ctx context.Context, cfg serveConfig, stderr io.Writer) error {
	dbPath, addr, addrFile := cfg.db, cfg.addr, cfg.addrFile
	var h slog.Handler = slog.NewTextHandler(stderr, nil)
	if cfg.logFormat == "json" {
		h = slog.NewJSONHandler(stderr, nil)
	}
	log := slog.New(h)
	metricsToken, err := cfg.metricsToken()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	var ready atomic.Bool
	var handler atomic.Pointer[http.Handler]
	var starting http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, `{"status":"starting"}`)
	})
	handler.Store(&starting)
	srv := &http.Server{
		Handler:           http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { (*handler.Load()).ServeHTTP(w, r) }),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    32 << 10,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	defer srv.Close()

	st, err := sqlstore.Open(ctx, dbPath, sqlstore.Options{MaxConns: cfg.dbConns})
	if err != nil {
		return err
	}
	defer st.Close()
	m := metrics.New()
	m.WatchDB(st.DB())
	m.WatchOutbox(st.OutboxDepth)
	counted := m.Wrap(st)
	bg, err := startBackground(ctx, counted, cfg, log)
	if err != nil {
		return err
	}
	defer bg.stop()
	var api http.Handler = server.New(counted, server.Options{Logger: log, Imports: bg.imports, Metrics: m, Ready: ready.Load, Limits: &cfg.limits,
		MetricsToken: metricsToken})
	handler.Store(&api)
	ready.Store(true)
	log.Info("guichet-server listening", "addr", ln.Addr().String(), "db", redact(dbPath), "engine", st.Dialect().Name)
	if addrFile != "" {
		if err := os.WriteFile(addrFile, []byte(ln.Addr().String()), 0o644); err != nil {
			return fmt.Errorf("write address: %w", err)
		}
	}
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	// Drain: /readyz fails first so that a load balancer stops sending new requests, then the
	// requests in flight finish before the process ends.
	ready.Store(false)
	log.Info("shutting down", "drain", cfg.drain.String())
	time.Sleep(cfg.drain)
	shutdown, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

func printHowto(w io.Writer, addr string, d *demo.Result) {
	base := "http://" + addr
	fmt.Fprintf(w, `
Démo Guichet — %s (SIRET %s), serveur %s

  Clé caisse      : %s
  Clé responsable : %s

Essayez l'API contremarque de pass Culture :
  curl -s -H 'Authorization: Bearer %s' %s/v2/bookings/token/%s
  curl -s -X PATCH -w '%%{http_code}\n' -H 'Authorization: Bearer %s' %s/v2/bookings/use/token/%s
  curl -s -H 'Authorization: Bearer %s' %s/v2/bookings/token/%s     # déjà validée : 410
  curl -s -H 'Authorization: Bearer %s' %s/v2/bookings/token/%s     # trop tôt : 403
  curl -s -H 'Authorization: Bearer %s' '%s/pro/v1/venues/%d/bookings?perPage=5'
Description de l'API : %s/openapi.json — toutes les contremarques : var/demo.json

Réservez comme un bénéficiaire (connexion, séance la plus proche, contremarque et QR code) :
  bin/guichet-server try-booking --server %s --email %s --password %s
Les e-mails (lieu et bénéficiaire) arrivent dans var/mail/ (fichiers .eml).

`, d.Venue.Name, d.Venue.SIRET, base, d.Keys.Cashier, d.Keys.Manager,
		d.Keys.Cashier, base, d.Tokens.Confirmed[0],
		d.Keys.Cashier, base, d.Tokens.Confirmed[0],
		d.Keys.Cashier, base, d.Tokens.Used[0],
		d.Keys.Cashier, base, d.Tokens.NotYetConfirmed[0],
		d.Keys.Cashier, base, d.Venue.ID, base,
		base, d.Beneficiaries[len(d.Beneficiaries)-1].Email, d.Beneficiaries[len(d.Beneficiaries)-1].Password)
}

// redact hides the password of a database URL in logs.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

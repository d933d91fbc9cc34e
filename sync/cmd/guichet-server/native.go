package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"guichet/sync/server"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"guichet/app"
	"guichet/sync/auth"
	"guichet/sync/importer"
	"guichet/sync/jobs"
	"guichet/sync/notify"
	"guichet/sync/protocol"
	"guichet/sync/store"
	"guichet/sync/store/sqlstore"
	"guichet/sync/tickets"
)

// serveConfig is the configuration of `serve`.
type serveConfig struct {
	db, addr, addrFile, logFormat string
	drain                         time.Duration // /readyz fails this long before a shutdown
	dbConns                       int
	smtp                          notify.SMTPConfig
	smtpPasswordFile              string
	from                          string
	mailDir                       string
	allocine                      allocineConfig
	limits                        server.Limits
	scanRetention                 time.Duration
	metricsTokenFile              string
}

// metricsToken reads the token /metrics asks for: --metrics-token-file, else
// $GUICHET_METRICS_TOKEN, else none (metrics served to anyone who reaches the port).
func (c *serveConfig) metricsToken() (string, error) {
	if c.metricsTokenFile == "" {
		return strings.TrimSpace(os.Getenv("GUICHET_METRICS_TOKEN")), nil
	}
	b, err := os.ReadFile(c.metricsTokenFile)
	if err != nil {
		return "", fmt.Errorf("metrics token: %w", err)
	}
	tok := strings.TrimSpace(string(b))
	if tok == "" {
		return "", fmt.Errorf("metrics token: %s is empty", c.metricsTokenFile)
	}
	return tok, nil
}

func (c *serveConfig) mailFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.smtp.Host, "smtp-host", "", "SMTP server; without it e-mails are written into --mail-dir")
	fs.IntVar(&c.smtp.Port, "smtp-port", 587, "SMTP port")
	fs.StringVar(&c.smtp.User, "smtp-user", "", "SMTP user (PLAIN authentication)")
	fs.StringVar(&c.smtp.Password, "smtp-password", "", "SMTP password (prefer --smtp-password-file)")
	fs.StringVar(&c.smtpPasswordFile, "smtp-password-file", "", "file holding the SMTP password")
	fs.StringVar(&c.from, "smtp-from", "Guichet <noreply@guichet.local>", "sender of the notifications")
	fs.StringVar(&c.mailDir, "mail-dir", "", "folder for .eml files when no SMTP server is set (default: mail/ next to the database)")
}

// transport picks SMTP when a host is set, the mail folder otherwise.
func (c *serveConfig) transport(log *slog.Logger) (notify.Transport, error) {
	if c.smtp.Host != "" {
		if c.smtpPasswordFile != "" {
			pw, err := os.ReadFile(c.smtpPasswordFile)
			if err != nil {
				return nil, fmt.Errorf("smtp password file: %w", err)
			}
			c.smtp.Password = strings.TrimRight(string(pw), "\r\n")
		}
		log.Info("e-mails sent over SMTP", "host", c.smtp.Host, "port", c.smtp.Port)
		return notify.NewSMTP(c.smtp), nil
	}
	dir := c.mailDir
	if dir == "" {
		dir = filepath.Join(filepath.Dir(c.db), "mail")
	}
	log.Info("no SMTP server: e-mails written as .eml files", "dir", dir)
	return notify.NewDir(dir)
}

// background is the outbox sender and the auto-use scheduler running beside the HTTP server.
type background struct {
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	imports *importer.Importer // Allociné imports on demand and daily
}

func startBackground(ctx context.Context, st store.Store, cfg serveConfig, log *slog.Logger) (*background, error) {
	tr, err := cfg.transport(log)
	if err != nil {
		return nil, err
	}
	paris, err := time.LoadLocation(app.DefaultTimezone)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	bg := &background{cancel: cancel}
	w := &notify.Worker{Store: st, Transport: tr, From: cfg.from, Log: log.With("component", "outbox"),
		Sign: tickets.New(st, nil).Payload}
	a := &jobs.AutoUse{Store: st, Loc: paris, Log: log.With("component", "jobs")}
	po := &jobs.Payouts{Store: st, Loc: paris, Log: log.With("component", "payouts")}
	pu := &jobs.Purge{Store: st, Loc: paris, Retention: cfg.scanRetention, Log: log.With("component", "purge")}
	bg.wg.Add(4)
	go func() { defer bg.wg.Done(); pu.Run(ctx) }()
	go func() { defer bg.wg.Done(); w.Run(ctx) }()
	go func() { defer bg.wg.Done(); a.Run(ctx) }()
	go func() { defer bg.wg.Done(); po.Run(ctx) }()
	if bg.imports, err = startAllocine(ctx, st, cfg.allocine, log, bg); err != nil {
		bg.stop()
		return nil, err
	}
	return bg, nil
}

func (b *background) stop() {
	b.cancel()
	b.wg.Wait()
}

func beneficiaryCreate(ctx context.Context, fs *flag.FlagSet, db *string, args []string, stdout, stderr io.Writer) error {
	b := &app.Beneficiary{}
	fs.StringVar(&b.Email, "email", "", "e-mail (the sign-in identifier)")
	fs.StringVar(&b.FirstName, "first-name", "", "first name")
	fs.StringVar(&b.LastName, "last-name", "", "last name")
	fs.StringVar(&b.Phone, "phone", "", "phone number")
	birth := fs.String("birth-date", "", "date of birth, YYYY-MM-DD")
	password := fs.String("password", "", "password (generated and printed when empty)")
	credit := app.DefaultCredit()
	fs.Int64Var(&credit.Cents, "credit-cents", credit.Cents, "credit granted, in cents")
	fs.IntVar(&credit.Years, "credit-years", credit.Years, "years the credit is valid")
	if err := fs.Parse(args); err != nil {
		return usageError(err.Error())
	}
	if err := credit.Validate(); err != nil {
		return usageError("--credit-cents, --credit-years: " + app.ErrorMessage(err))
	}
	paris := app.Location(app.DefaultTimezone)
	b.CreatedAt = time.Now().UTC()
	b.DepositCents, b.DepositExpires = credit.Cents, credit.Expiry(b.CreatedAt, paris)
	if *birth != "" {
		t, err := time.Parse(time.DateOnly, *birth)
		if err != nil {
			return usageError("--birth-date: YYYY-MM-DD expected")
		}
		b.DateOfBirth = t
	}
	generated := *password == ""
	if generated {
		pw, err := auth.NewPassword()
		if err != nil {
			return err
		}
		*password = pw
	}
	hash, err := auth.HashPassword(*password, 0)
	if err != nil {
		return err
	}
	return withStore(ctx, *db, func(st *sqlstore.Store) error {
		if err := st.CreateBeneficiary(ctx, b); err != nil {
			return err
		}
		if err := st.SetBeneficiaryPassword(ctx, b.ID, hash); err != nil {
			return err
		}
		out := map[string]any{"id": b.ID, "email": b.Email, "depositCents": b.DepositCents,
			"depositExpiresAt": protocol.Time(b.DepositExpires)}
		if generated {
			fmt.Fprintln(stderr, "Keep this password now: it is stored hashed and cannot be shown again.")
			out["password"] = *password
		}
		return printJSON(stdout, out)
	})
}

// The demo cinema (Cinéma Le Méliès, Montreuil), where try-booking looks for a showtime.
const demoLat, demoLon = 48.8620, 2.4410

func tryBooking(ctx context.Context, fs *flag.FlagSet, args []string, stdout, stderr io.Writer) error {
	base := fs.String("server", "http://127.0.0.1:8080", "server URL")
	email := fs.String("email", "", "beneficiary e-mail")
	password := fs.String("password", "", "beneficiary password")
	qrFile := fs.String("qr", "", "where to write the QR code PNG (default booking-<countermark>.png)")
	if err := fs.Parse(args); err != nil {
		return usageError(err.Error())
	}
	c := &apiClient{base: strings.TrimRight(*base, "/"), http: &http.Client{Timeout: 15 * time.Second}}
	var signin protocol.Signin
	if err := c.call(ctx, "POST", "/native/v1/signin", protocol.SigninInput{Email: *email, Password: *password}, &signin); err != nil {
		return fmt.Errorf("sign in: %w", err)
	}
	c.token = signin.AccessToken
	var mine protocol.NativeBookings
	if err := c.call(ctx, "GET", "/native/v1/bookings", nil, &mine); err != nil {
		return fmt.Errorf("my bookings: %w", err)
	}
	booked := map[int64]bool{}
	for _, b := range mine.Bookings {
		if b.Status != string(app.StatusCancelled) {
			booked[b.Offer.ID] = true
		}
	}
	var found protocol.NativeShowtimes
	q := url.Values{"latitude": {fmt.Sprint(demoLat)}, "longitude": {fmt.Sprint(demoLon)}, "radius": {"20"}, "perPage": {"100"}}
	if err := c.call(ctx, "GET", "/native/v1/offers?"+q.Encode(), nil, &found); err != nil {
		return fmt.Errorf("search showtimes: %w", err)
	}
	var pick *protocol.NativeShowtime
	for i, sh := range found.Showtimes {
		if !booked[sh.Offer.ID] && sh.PriceCents <= mine.RemainingCreditCents {
			pick = &found.Showtimes[i]
			break
		}
	}
	if pick == nil {
		return errors.New("no bookable showtime left for this beneficiary around the demo cinema")
	}
	var res protocol.NativeBookingResult
	if err := c.call(ctx, "POST", "/native/v1/bookings", protocol.NativeBookingInput{StockID: pick.StockID, Quantity: 1}, &res); err != nil {
		return fmt.Errorf("book: %w", err)
	}
	png, err := notify.QRPNG(res.QRCodeData, 300)
	if err != nil {
		return err
	}
	if *qrFile == "" {
		*qrFile = "booking-" + res.Token + ".png"
	}
	if err := os.WriteFile(*qrFile, png, 0o644); err != nil {
		return fmt.Errorf("write qr code: %w", err)
	}
	start, _ := time.Parse(time.RFC3339, res.StartsAt)
	paris, _ := time.LoadLocation(app.DefaultTimezone)
	fmt.Fprintf(stdout, "Réservation confirmée : %s, %s, %s (%.1f km)\n", res.Offer.Name, notify.When(start, paris), pick.Venue.Name, pick.DistanceKm)
	fmt.Fprintf(stdout, "Contremarque : %s\nQR code      : %s\nImage du QR  : %s\nCrédit restant : %s\n",
		res.Token, res.QRCodeData, *qrFile, app.FormatEuros(res.RemainingCreditCents))
	return nil
}

// apiClient is the few calls try-booking makes.
type apiClient struct {
	base, token string
	http        *http.Client
}

func (c *apiClient) call(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		buf, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(buf)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		var e protocol.Error
		if json.Unmarshal(data, &e) == nil && e.Message != "" {
			return fmt.Errorf("%d: %s", resp.StatusCode, e.Message)
		}
		return fmt.Errorf("http %d", resp.StatusCode)
	}
	return json.Unmarshal(data, out)
}

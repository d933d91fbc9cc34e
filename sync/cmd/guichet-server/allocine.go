package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"guichet/app"
	"guichet/sync/importer"
	"guichet/sync/store"
	"guichet/sync/store/sqlstore"
)

// allocineConfig is how the server reaches Allociné's API.
type allocineConfig struct {
	url, token, tokenFile string
	timeout               time.Duration
	maxBytes              int
	daily                 bool
}

func (c *allocineConfig) flags(fs *flag.FlagSet, withSchedule bool) {
	fs.StringVar(&c.url, "allocine-url", importer.DefaultBaseURL, "Allociné API base URL (…/movieShowtimeList?theater=ID is appended)")
	fs.StringVar(&c.token, "allocine-token", "", "Allociné bearer token (prefer --allocine-token-file or $GUICHET_ALLOCINE_TOKEN)")
	fs.StringVar(&c.tokenFile, "allocine-token-file", "", "file holding the Allociné bearer token")
	fs.DurationVar(&c.timeout, "allocine-timeout", importer.DefaultTimeout, "timeout of one Allociné request")
	fs.IntVar(&c.maxBytes, "allocine-max-bytes", importer.DefaultMaxBytes, "size cap of an Allociné answer")
	if withSchedule {
		fs.BoolVar(&c.daily, "allocine-daily", true, "import every venue with active settings daily at midnight (Europe/Paris)")
	}
}

// client returns the Allociné client, or nil when no token is configured (Allociné refuses
// anonymous calls: imports then need a saved feed).
func (c *allocineConfig) client() (importer.Source, error) {
	token := c.token
	if token == "" {
		token = os.Getenv("GUICHET_ALLOCINE_TOKEN")
	}
	if c.tokenFile != "" {
		b, err := os.ReadFile(c.tokenFile)
		if err != nil {
			return nil, fmt.Errorf("allocine token: %w", err)
		}
		token = strings.TrimSpace(string(b))
	}
	if token == "" {
		return nil, nil
	}
	return importer.NewClient(importer.ClientOptions{BaseURL: c.url, Token: token, Timeout: c.timeout, MaxBytes: c.maxBytes}), nil
}

// startAllocine builds the importer of `serve` and, unless disabled, starts its daily schedule.
func startAllocine(ctx context.Context, st store.Store, cfg allocineConfig, log *slog.Logger, bg *background) (*importer.Importer, error) {
	c, err := cfg.client()
	if err != nil {
		return nil, err
	}
	paris, err := time.LoadLocation(app.DefaultTimezone)
	if err != nil {
		return nil, err
	}
	im := &importer.Importer{Store: st, Source: c, Log: log.With("component", "allocine")}
	if c == nil {
		log.Info("allocine import: no token (--allocine-token-file), daily import off")
	} else if cfg.daily {
		d := &importer.Daily{Importer: im, Loc: paris}
		bg.wg.Add(1)
		go func() { defer bg.wg.Done(); d.Run(ctx) }()
	}
	return im, nil
}

// allocineImport is `allocine import`: one venue's import, from the API or a saved feed, with
// its report printed as JSON. A feed that cannot be used prints the report (with its error),
// changes nothing and fails.
func allocineImport(ctx context.Context, fs *flag.FlagSet, db *string, args []string, stdout io.Writer) error {
	venue := fs.Int64("venue", 0, "venue id")
	file := fs.String("file", "", "import this saved movieShowtimeList JSON instead of calling Allociné")
	posters := fs.Bool("posters", false, "also download the posters not downloaded today (needs the API)")
	var cfg allocineConfig
	cfg.flags(fs, false)
	if err := fs.Parse(args); err != nil {
		return usageError(err.Error())
	}
	if *venue <= 0 {
		return usageError("--venue is required")
	}
	var feed []byte
	if *file != "" {
		b, err := os.ReadFile(*file)
		if err != nil {
			return fmt.Errorf("read feed: %w", err)
		}
		feed = b
	}
	c, err := cfg.client()
	if err != nil {
		return err
	}
	return withStore(ctx, *db, func(st *sqlstore.Store) error {
		im := &importer.Importer{Store: st, Source: c}
		rep, err := im.Import(ctx, *venue, feed)
		if errors.Is(err, importer.ErrFeed) {
			if perr := printJSON(stdout, rep); perr != nil {
				return perr
			}
			return app.Errorf(app.EUNAVAILABLE, "Flux Allociné inutilisable, rien n'a été modifié : %s", rep.Error)
		}
		if err != nil {
			return err
		}
		if *posters {
			if _, err := im.RefreshPosters(ctx, *venue); err != nil {
				return err
			}
		}
		return printJSON(stdout, rep)
	})
}

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"guichet/app"
	"guichet/sync/payouts"
	"guichet/sync/protocol"
	"guichet/sync/server"
	"guichet/sync/store"
	"guichet/sync/store/sqlstore"
)

// payoutsCommand runs the payouts and bank-account subcommands (issue 7).
func payoutsCommand(ctx context.Context, group string, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageError("missing " + group + " subcommand")
	}
	cmd, rest := group+" "+args[0], args[1:]
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", "guichet.db", dbUsage)
	paris, err := time.LoadLocation(app.DefaultTimezone)
	if err != nil {
		return err
	}
	switch cmd {
	case "payouts price":
		if err := fs.Parse(rest); err != nil {
			return usageError(err.Error())
		}
		return withStore(ctx, *db, func(st *sqlstore.Store) error {
			start := time.Now()
			n, err := st.PricePending(ctx, time.Now())
			if err != nil {
				return err
			}
			return printJSON(stdout, map[string]any{"priced": n, "seconds": time.Since(start).Seconds()})
		})
	case "payouts cut":
		date := fs.String("date", "", "payment day, YYYY-MM-DD (a 1st or a 16th)")
		if err := fs.Parse(rest); err != nil {
			return usageError(err.Error())
		}
		day, err := time.ParseInLocation(time.DateOnly, *date, paris)
		if err != nil {
			return usageError("--date: YYYY-MM-DD expected")
		}
		return withStore(ctx, *db, func(st *sqlstore.Store) error {
			rep, err := st.RunPaymentCut(ctx, day, time.Now())
			if err != nil {
				return err
			}
			for _, s := range rep.Skipped {
				fmt.Fprintf(stderr, "Lieu ignoré : %s (%s), %s non remboursés\n", s.VenueName, s.Reason, app.FormatEuros(s.AmountCents))
			}
			if rep.AlreadyDone {
				fmt.Fprintf(stderr, "Le paiement du %s a déjà été fait (%s) : rien n'a changé.\n", *date, rep.BatchLabel)
			}
			return printJSON(stdout, cutJSON(rep))
		})
	case "payouts statement":
		ref := fs.String("ref", "", "statement reference, e.g. F260000001")
		format := fs.String("format", "pdf", "pdf or csv")
		out := fs.String("out", "", "file to write (stdout when empty)")
		if err := fs.Parse(rest); err != nil {
			return usageError(err.Error())
		}
		if *format != "pdf" && *format != "csv" {
			return usageError("--format: pdf or csv")
		}
		return withStore(ctx, *db, func(st *sqlstore.Store) error {
			doc, err := payouts.Load(ctx, st, store.AnyOfferer, *ref)
			if err != nil {
				return err
			}
			w := stdout
			if *out != "" {
				f, err := os.Create(*out)
				if err != nil {
					return err
				}
				defer f.Close()
				w = f
			}
			if *format == "csv" {
				return payouts.WriteCSV(w, doc)
			}
			return payouts.WritePDF(w, doc)
		})
	case "payouts statements":
		offerer := fs.Int64("offerer", store.AnyOfferer, "offerer id (all when absent)")
		if err := fs.Parse(rest); err != nil {
			return usageError(err.Error())
		}
		return withStore(ctx, *db, func(st *sqlstore.Store) error {
			list, err := st.ListStatements(ctx, *offerer)
			if err != nil {
				return err
			}
			// As the API prints them, with the offerer (this command sees every offerer's).
			type adminStatement struct {
				OffererID int64 `json:"offererId"`
				protocol.Statement
			}
			out := []adminStatement{}
			for _, s := range list {
				out = append(out, adminStatement{OffererID: s.OffererID, Statement: server.StatementOut(s)})
			}
			return printJSON(stdout, out)
		})
	case "bank-account add":
		a := store.BankAccount{}
		fs.Int64Var(&a.OffererID, "offerer", 0, "offerer id")
		fs.StringVar(&a.Label, "label", "", "account label")
		fs.StringVar(&a.IBAN, "iban", "", "IBAN")
		fs.StringVar(&a.BIC, "bic", "", "BIC")
		venues := fs.String("venues", "", "comma-separated ids of the venues it serves")
		if err := fs.Parse(rest); err != nil {
			return usageError(err.Error())
		}
		return withStore(ctx, *db, func(st *sqlstore.Store) error {
			now := time.Now()
			if err := st.CreateBankAccount(ctx, &a, now); err != nil {
				return err
			}
			for _, v := range strings.Split(*venues, ",") {
				if v = strings.TrimSpace(v); v == "" {
					continue
				}
				id, err := strconv.ParseInt(v, 10, 64)
				if err != nil {
					return errors.New("--venues: ids séparés par des virgules")
				}
				if err := st.SetVenueBankAccount(ctx, a.OffererID, id, a.ID, now); err != nil {
					return err
				}
				a.VenueIDs = append(a.VenueIDs, id)
			}
			return printJSON(stdout, accountJSON(a))
		})
	case "bank-account accept", "bank-account refuse":
		id := fs.Int64("id", 0, "bank account id")
		if err := fs.Parse(rest); err != nil {
			return usageError(err.Error())
		}
		status := app.BankAccepted
		if cmd == "bank-account refuse" {
			status = app.BankRefused
		}
		return withStore(ctx, *db, func(st *sqlstore.Store) error { return st.SetBankAccountStatus(ctx, *id, status, time.Now()) })
	case "bank-account list":
		offerer := fs.Int64("offerer", store.AnyOfferer, "offerer id (all when absent)")
		if err := fs.Parse(rest); err != nil {
			return usageError(err.Error())
		}
		return withStore(ctx, *db, func(st *sqlstore.Store) error {
			list, err := st.ListBankAccounts(ctx, *offerer)
			if err != nil {
				return err
			}
			out := []protocol.BankAccount{}
			for _, a := range list {
				out = append(out, accountJSON(a))
			}
			return printJSON(stdout, out)
		})
	}
	fmt.Fprint(stderr, usage)
	return usageError("unknown command " + cmd)
}

func accountJSON(a store.BankAccount) protocol.BankAccount {
	ids := a.VenueIDs
	if ids == nil {
		ids = []int64{}
	}
	return protocol.BankAccount{ID: a.ID, Label: a.Label, IBAN: app.FormatIBAN(a.IBAN), BIC: a.BIC, Status: a.Status, VenueIDs: ids}
}

func cutJSON(rep store.CutReport) map[string]any {
	sts := []map[string]any{}
	for _, s := range rep.Statements {
		sts = append(sts, map[string]any{"reference": s.Reference, "transfer": s.BatchLabel, "account": s.AccountLabel,
			"iban": app.MaskIBAN(s.IBAN), "amount": app.FormatEuros(s.AmountCents), "amountCents": s.AmountCents})
	}
	skipped := []map[string]any{}
	for _, s := range rep.Skipped {
		skipped = append(skipped, map[string]any{"venueId": s.VenueID, "venue": s.VenueName, "reason": s.Reason, "amountCents": s.AmountCents})
	}
	return map[string]any{"day": rep.Day.Format(time.DateOnly), "batch": rep.BatchLabel, "alreadyDone": rep.AlreadyDone,
		"statements": sts, "skipped": skipped}
}

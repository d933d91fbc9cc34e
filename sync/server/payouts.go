package server

import (
	"bytes"
	"net/http"
	"time"

	"guichet/app"
	"guichet/sync/payouts"
	"guichet/sync/protocol"
	"guichet/sync/store"
)

// registerPayouts serves the payouts of issue 7: bank accounts, the payouts summary and the
// statements (PDF and CSV). Everything but the masked list of bank accounts is for managers.
func (s *Server) registerPayouts() {
	s.handle("GET /pro/v1/payouts", s.auth(app.RoleManager, s.getPayouts))
	s.handle("GET /pro/v1/bank-accounts", s.auth(app.RoleCashier, s.listBankAccounts))
	s.handle("POST /pro/v1/bank-accounts", s.auth(app.RoleManager, s.createBankAccount))
	s.handle("PUT /pro/v1/venues/{venueId}/bank-account", s.auth(app.RoleManager, s.setVenueBankAccount))
	s.handle("GET /pro/v1/statements", s.auth(app.RoleManager, s.listStatements))
	s.handle("GET /pro/v1/statements/{ref}/pdf", s.auth(app.RoleManager, s.statementFile("pdf")))
	s.handle("GET /pro/v1/statements/{ref}/csv", s.auth(app.RoleManager, s.statementFile("csv")))
}

func bankAccountOut(a store.BankAccount, manager bool) protocol.BankAccount {
	iban := app.FormatIBAN(a.IBAN)
	if !manager {
		iban = app.MaskIBAN(a.IBAN)
	}
	ids := a.VenueIDs
	if ids == nil {
		ids = []int64{}
	}
	return protocol.BankAccount{ID: a.ID, Label: a.Label, IBAN: iban, BIC: a.BIC, Status: a.Status, VenueIDs: ids}
}

func (s *Server) listBankAccounts(w http.ResponseWriter, r *http.Request, k *app.APIKey) {
	list, err := s.store.ListBankAccounts(r.Context(), k.OffererID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := []protocol.BankAccount{}
	for _, a := range list {
		out = append(out, bankAccountOut(a, k.Role == app.RoleManager))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) createBankAccount(w http.ResponseWriter, r *http.Request, k *app.APIKey) {
	var in protocol.BankAccountInput
	if err := decode(r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	now := s.now()
	for _, id := range in.VenueIDs {
		v, err := s.store.GetVenue(r.Context(), id)
		if err != nil || v.OffererID != k.OffererID {
			s.writeError(w, r, app.Errorf(app.ENOTFOUND, "Lieu introuvable."))
			return
		}
	}
	a := store.BankAccount{OffererID: k.OffererID, Label: in.Label, IBAN: in.IBAN, BIC: in.BIC}
	if err := s.store.CreateBankAccount(r.Context(), &a, now); err != nil {
		s.writeError(w, r, err)
		return
	}
	for _, id := range in.VenueIDs {
		if err := s.store.SetVenueBankAccount(r.Context(), k.OffererID, id, a.ID, now); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	a.VenueIDs = in.VenueIDs
	writeJSON(w, http.StatusCreated, bankAccountOut(a, true))
}

func (s *Server) setVenueBankAccount(w http.ResponseWriter, r *http.Request, k *app.APIKey) {
	v, err := s.venueOf(r, k)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var in protocol.VenueBankAccountInput
	if err := decode(r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.store.SetVenueBankAccount(r.Context(), k.OffererID, v.ID, in.BankAccountID, s.now()); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// StatementOut is a statement as the API (and the admin command) prints it: camelCase, IBAN masked.
func StatementOut(st store.Statement) protocol.Statement {
	return protocol.Statement{Reference: st.Reference, Date: st.CutDay.Format(time.DateOnly), TransferLabel: st.BatchLabel,
		AccountLabel: st.AccountLabel, IBANMasked: app.MaskIBAN(st.IBAN), BookingCents: st.BookingCents, AmountCents: st.AmountCents}
}

func (s *Server) listStatements(w http.ResponseWriter, r *http.Request, k *app.APIKey) {
	list, err := s.store.ListStatements(r.Context(), k.OffererID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := []protocol.Statement{}
	for _, st := range list {
		out = append(out, StatementOut(st))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) statementFile(format string) func(w http.ResponseWriter, r *http.Request, k *app.APIKey) {
	return func(w http.ResponseWriter, r *http.Request, k *app.APIKey) {
		doc, err := payouts.Load(r.Context(), s.store, k.OffererID, r.PathValue("ref"))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		var buf bytes.Buffer
		ctype := "application/pdf"
		if format == "csv" {
			ctype = "text/csv; charset=utf-8"
			err = payouts.WriteCSV(&buf, doc)
		} else {
			err = payouts.WritePDF(&buf, doc)
		}
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Content-Disposition", `attachment; filename="`+doc.Statement.Reference+"."+format+`"`)
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(buf.Bytes())
	}
}

func (s *Server) getPayouts(w http.ResponseWriter, r *http.Request, k *app.APIKey) {
	sum, err := s.store.PayoutSummary(r.Context(), k.OffererID, s.now())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := protocol.Payouts{NextPayment: sum.NextPayment.Format(time.DateOnly), ValidatedCents: sum.ValidatedCents,
		Thresholds: []int64{app.Threshold1, app.Threshold2, app.Threshold3}, Venues: []protocol.VenueRevenue{},
		Awaiting: []protocol.AwaitingBooking{}}
	for _, v := range sum.Venues {
		out.Venues = append(out.Venues, protocol.VenueRevenue{VenueID: v.VenueID, Name: v.VenueName, SIRET: v.SIRET,
			RevenueCents: v.RevenueCents, RateBP: int64(v.Rate), AccountStatus: v.AccountStatus, AccountMasked: v.AccountMasked})
	}
	for _, b := range sum.Awaiting {
		out.Awaiting = append(out.Awaiting, protocol.AwaitingBooking{ID: b.ID, Token: b.Token, OfferName: b.OfferName,
			VenueName: b.VenueName, ShowStart: protocol.Time(b.ShowStart), AutoUseAt: protocol.Time(b.ShowStart.Add(app.AutoUseDelay)),
			AmountCents: b.TotalCents()})
	}
	writeJSON(w, http.StatusOK, out)
}

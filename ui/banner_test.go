package ui

import (
	"strings"
	"testing"
	"time"

	"guichet/app"
	"guichet/counter"
)

// TestBanner: offline shows since when and how many validations wait, across the window; a
// refused key is a red banner; online shows none.
func TestBanner(t *testing.T) {
	u, _, _ := newTestUI(t)
	paris := app.Location("Europe/Paris")
	since := time.Date(2026, 12, 1, 21, 12, 0, 0, paris)
	u.showStatus(counter.Status{Online: false, OfflineSince: since, Pending: 3, LastSync: since.Add(-time.Minute)})
	b := u.banner
	if !b.content.Visible() || b.text.Text != "HORS LIGNE depuis 21:12 — 3 validation(s) à envoyer" || b.bg.FillColor != colorBannerOffline {
		t.Errorf("offline banner: visible %v, %q", b.content.Visible(), b.text.Text)
	}
	if !strings.Contains(b.detail.Text, "01/12/2026 à 21:11") {
		t.Errorf("offline banner detail %q, want the last sync", b.detail.Text)
	}
	u.showStatus(counter.Status{Online: false, AuthRefused: true})
	if !b.content.Visible() || !strings.HasPrefix(b.text.Text, "CLÉ REFUSÉE") || b.bg.FillColor != colorBannerRefused {
		t.Errorf("refused key banner: visible %v, %q", b.content.Visible(), b.text.Text)
	}
	u.showStatus(counter.Status{Online: true, LastSync: since})
	if b.content.Visible() {
		t.Errorf("banner shown online: %q", b.text.Text)
	}
}

// TestCounterScreen_OfflineNotFoundSaysWhy: offline, a countermark missing from the copy may be
// a booking newer than the last sync; the verdict says so.
func TestCounterScreen_OfflineNotFoundSaysWhy(t *testing.T) {
	u, fc, _ := newTestUI(t)
	fc.status = counter.Status{LastSync: time.Date(2026, 12, 1, 20, 10, 0, 0, time.UTC)}
	fc.verdicts["NEW234"] = counter.Verdict{Token: "NEW234", Offline: true, Outcome: app.NotFoundOutcome()}
	u.screen.onSubmit("NEW234")
	got := texts(u)
	if !strings.Contains(got, "plus récente que la dernière synchronisation (01/12/2026 à 21:10)") {
		t.Errorf("offline not found shows %q", got)
	}
	fc.verdicts["NEW234"] = counter.Verdict{Token: "NEW234", Outcome: app.NotFoundOutcome()}
	u.screen.onDismiss()
	u.screen.onSubmit("NEW234")
	if got := texts(u); strings.Contains(got, "synchronisation") {
		t.Errorf("online not found shows the offline hint: %q", got)
	}
}

// TestBanner_ClockOff (issue 13, point 6): a clock off by minutes is an amber banner with the
// skew; a revoked key within its grace says until when.
func TestBanner_ClockOff(t *testing.T) {
	u, _, _ := newTestUI(t)
	u.showStatus(counter.Status{Online: true, ClockOff: true, ClockSkew: -7 * time.Minute})
	b := u.banner
	if !b.content.Visible() || !strings.Contains(b.text.Text, "HORLOGE DÉCALÉE de -7m0s") || b.bg.FillColor != colorBannerOffline {
		t.Errorf("clock banner: visible %v, %q", b.content.Visible(), b.text.Text)
	}
	u.showStatus(counter.Status{AuthRefused: true, RevokedUntil: u.now().Add(2 * time.Hour)})
	if !strings.Contains(b.text.Text, "hors ligne jusqu'au") || b.bg.FillColor != colorBannerRefused {
		t.Errorf("revoked key within its grace: %q", b.text.Text)
	}
	u.showStatus(counter.Status{Online: true, ClockSkew: time.Minute})
	if b.content.Visible() {
		t.Errorf("banner for a clock a minute off: %q", b.text.Text)
	}
}

// TestCounterScreen_SignedVerdict (issue 16): an offline admission vouched for by the QR code's
// signature says so on the verdict, in green; a plain offline admission does not.
func TestCounterScreen_SignedVerdict(t *testing.T) {
	u, fc, _ := newTestUI(t)
	fc.verdicts["SIGN23"] = counter.Verdict{Token: "SIGN23", Offline: true, Signed: true,
		Outcome: app.Outcome{Code: app.OutcomeAdmitted, Message: app.MsgAdmitted, Booking: booking("SIGN23", 1, app.StatusUsed)}}
	u.screen.onSubmit("SIGN23")
	got := texts(u)
	if !strings.Contains(got, "Vérifié par signature") || !strings.Contains(got, "décision hors ligne") {
		t.Errorf("signed admission shows %q", got)
	}
	if u.screen.bg.FillColor != colorAdmitted {
		t.Errorf("signed admission colour %v", u.screen.bg.FillColor)
	}
	u.screen.onDismiss()
	u.screen.onSubmit("OFFLN2")
	if got := texts(u); strings.Contains(got, "signature") {
		t.Errorf("plain offline admission shows %q", got)
	}
}

package cache

import (
	"context"
	"testing"
	"time"

	"guichet/app"
)

// TestCache_PeerValidations: a peer's validations are stored once per nonce, the first one of a
// countermark is the one shown, a sync clears those received before it began, and they are
// forgotten after two days; what this counter tells its peers is its own pending offline
// admissions only (not its refusals, nor what the server has answered).
func TestCache_PeerValidations(t *testing.T) {
	ctx, c, now := context.Background(), openTest(t, tempDir(t)), time.Now().UTC().Truncate(time.Microsecond)
	must(t, c.AddPeerValidations(ctx, []PeerValidation{
		{Token: "abcdef", Nonce: "n2", Device: "caisse-2", At: now.Add(-time.Minute)},
		{Token: "ABCDEF", Nonce: "n3", Device: "caisse-3", At: now.Add(-2 * time.Minute)},
	}, now))
	must(t, c.AddPeerValidations(ctx, []PeerValidation{{Token: "ABCDEF", Nonce: "n3", Device: "caisse-3", At: now}}, now))
	v, ok, err := c.PeerValidation(ctx, "abcdef")
	must(t, err)
	if !ok || v.Device != "caisse-3" || !v.At.Equal(now.Add(-2*time.Minute)) {
		t.Errorf("peer validation %+v %v, want caisse-3's, two minutes ago", v, ok)
	}
	if _, ok, _ := c.PeerValidation(ctx, "GHJKLM"); ok {
		t.Error("a countermark no peer told of is known")
	}
	later := now.Add(time.Second)
	must(t, c.AddPeerValidations(ctx, []PeerValidation{{Token: "GHJKLM", Nonce: "n4", Device: "caisse-2", At: later}}, later))
	must(t, c.ClearPeerValidations(ctx, later)) // a sync began at later
	if _, ok, _ := c.PeerValidation(ctx, "ABCDEF"); ok {
		t.Error("a validation received before the sync is still held")
	}
	if _, ok, _ := c.PeerValidation(ctx, "GHJKLM"); !ok {
		t.Error("a validation received during the sync was dropped")
	}
	must(t, c.AddPeerValidations(ctx, nil, later.Add(49*time.Hour)))
	if _, ok, _ := c.PeerValidation(ctx, "GHJKLM"); ok {
		t.Error("a two-day-old validation is still held")
	}

	must(t, c.Apply(ctx, sample(now)))
	if _, err := c.Decide(ctx, "own1", "AAAAAA", "caisse-1", now, paris); err != nil {
		t.Fatal(err)
	}
	must(t, c.DecideRefused(ctx, "own2", "AAAAAA", now, app.OutcomeAlreadyUsed))
	must(t, c.Record(ctx, Event{Nonce: "own3", Token: "BBBBBB", Kind: "use", Mode: "online", ScannedAt: now}))
	evs, err := c.PendingAdmissions(ctx, 10)
	must(t, err)
	if len(evs) != 1 || evs[0].Nonce != "own1" || evs[0].Token != "AAAAAA" || !evs[0].ScannedAt.Equal(now) {
		t.Fatalf("pending admissions %+v, want own1 only", evs)
	}
	must(t, c.ResolveAll(ctx, []Resolution{{Nonce: "own1", Verdict: app.OutcomeAdmitted}}, now))
	if evs, _ := c.PendingAdmissions(ctx, 10); len(evs) != 0 {
		t.Errorf("answered admissions still told: %+v", evs)
	}
}

// TestCache_PeerWithdrawals: a peer's withdrawal ("Invalider" there) makes its validation stop
// counting, and a copy of the admission arriving afterwards (an older catch-up) does not bring it
// back; a device cannot withdraw another device's validation, even by sending the withdrawal
// first. What this counter tells: an admission it undid is not told any more, its withdrawal is.
func TestCache_PeerWithdrawals(t *testing.T) {
	ctx, c, now := context.Background(), openTest(t, tempDir(t)), time.Now().UTC().Truncate(time.Microsecond)
	known := func(token string) bool {
		t.Helper()
		_, ok, err := c.PeerValidation(ctx, token)
		must(t, err)
		return ok
	}
	adm := PeerValidation{Token: "ABCDEF", Nonce: "n1", Device: "caisse-2", At: now}
	must(t, c.AddPeerValidations(ctx, []PeerValidation{adm}, now))
	wd := adm
	wd.Withdrawn, wd.At = true, now.Add(time.Minute)
	must(t, c.AddPeerValidations(ctx, []PeerValidation{wd}, now))
	if known("ABCDEF") {
		t.Error("a withdrawn validation still counts")
	}
	must(t, c.AddPeerValidations(ctx, []PeerValidation{adm}, now)) // an older exchange arriving late
	if known("ABCDEF") {
		t.Error("a withdrawn validation came back with a late copy of the admission")
	}
	// Withdrawal before the admission (messages crossing): the admission never counts.
	must(t, c.AddPeerValidations(ctx, []PeerValidation{{Token: "GHJKLM", Nonce: "n2", Device: "caisse-2", At: now, Withdrawn: true}}, now))
	must(t, c.AddPeerValidations(ctx, []PeerValidation{{Token: "GHJKLM", Nonce: "n2", Device: "caisse-2", At: now}}, now))
	if known("GHJKLM") {
		t.Error("an admission withdrawn before it arrived counts")
	}
	// Another device's withdrawal, after or before the admission, changes nothing.
	must(t, c.AddPeerValidations(ctx, []PeerValidation{{Token: "MNPQRS", Nonce: "n3", Device: "caisse-2", At: now}}, now))
	must(t, c.AddPeerValidations(ctx, []PeerValidation{{Token: "MNPQRS", Nonce: "n3", Device: "caisse-3", At: now, Withdrawn: true}}, now))
	must(t, c.AddPeerValidations(ctx, []PeerValidation{{Token: "TUVWXY", Nonce: "n4", Device: "caisse-3", At: now, Withdrawn: true}}, now))
	must(t, c.AddPeerValidations(ctx, []PeerValidation{{Token: "TUVWXY", Nonce: "n4", Device: "caisse-2", At: now}}, now))
	if !known("MNPQRS") || !known("TUVWXY") {
		t.Error("a device withdrew another device's validation")
	}

	must(t, c.Apply(ctx, sample(now)))
	if out, err := c.Decide(ctx, "own1", "AAAAAA", "caisse-1", now, paris); err != nil || out.Code != app.OutcomeAdmitted {
		t.Fatalf("decide: %+v %v", out, err)
	}
	out, undone, err := c.DecideKeep(ctx, "keep1", "AAAAAA", now.Add(time.Second))
	if err != nil || out.Code != app.OutcomeKept || undone != "own1" {
		t.Fatalf("keep: %+v, undone %q, %v", out, undone, err)
	}
	evs, err := c.PendingAdmissions(ctx, 10)
	must(t, err)
	if len(evs) != 1 || evs[0].Kind != "keep" || evs[0].Undoes == nil || *evs[0].Undoes != "own1" || evs[0].Token != "AAAAAA" {
		t.Fatalf("told to peers %+v, want the withdrawal of own1 only", evs)
	}
	// A refused un-validation (nothing to undo) withdraws nothing.
	if out, _, err := c.DecideKeep(ctx, "keep2", "AAAAAA", now.Add(2*time.Second)); err != nil || out.Code == app.OutcomeKept {
		t.Fatalf("second keep: %+v %v", out, err)
	}
	if evs, _ := c.PendingAdmissions(ctx, 10); len(evs) != 1 {
		t.Errorf("told to peers %+v, want one withdrawal", evs)
	}
}

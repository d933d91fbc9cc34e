package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

func TestRun_BeneficiaryCreate(t *testing.T) {
	db := filepath.Join(t.TempDir(), "b.db")
	var out struct {
		ID               int64
		Email, Password  string
		DepositCents     int64
		DepositExpiresAt string
	}
	args := []string{"beneficiary", "create", "--db", db, "--email", "Lea@Example.org", "--first-name", "Léa",
		"--last-name", "Martin", "--phone", "+33612345678", "--birth-date", "2008-03-04"}
	if err := json.Unmarshal(runOK(t, append(args, "--password", "choisi")...), &out); err != nil {
		t.Fatal(err)
	}
	expires, _ := time.Parse(time.RFC3339, out.DepositExpiresAt)
	if out.ID == 0 || out.Email != "lea@example.org" || out.Password != "" || out.DepositCents != 300_00 ||
		time.Until(expires) < 2*365*24*time.Hour-48*time.Hour {
		t.Errorf("created %+v", out)
	}
	args[5] = "hugo@example.org"
	if err := json.Unmarshal(runOK(t, args...), &out); err != nil || len(out.Password) != 16 {
		t.Errorf("generated password %q (%v)", out.Password, err)
	}
	for name, bad := range map[string][]string{
		"same e-mail":     args,
		"bad birth date":  {"beneficiary", "create", "--db", db, "--email", "x@example.org", "--first-name", "X", "--last-name", "Y", "--birth-date", "04/03/2008"},
		"malformed email": {"beneficiary", "create", "--db", db, "--email", "pas-une-adresse", "--first-name", "X", "--last-name", "Y", "--birth-date", "2008-03-04"},
	} {
		if err := run(context.Background(), bad, &bytes.Buffer{}, &bytes.Buffer{}); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestRun_TryBooking seeds the demo, serves it with a mail folder, books as a demo beneficiary
// with try-booking and finds the countermark, the QR code and both e-mails.
func TestRun_TryBooking(t *testing.T) {
	dir := t.TempDir()
	db, mailDir, qr := filepath.Join(dir, "demo.db"), filepath.Join(dir, "mail"), filepath.Join(dir, "qr.png")
	var d struct {
		Beneficiaries []struct{ Email, Password string }
	}
	if err := json.Unmarshal(runOK(t, "demo", "--db", db), &d); err != nil || len(d.Beneficiaries) == 0 {
		t.Fatalf("demo beneficiaries: %v", err)
	}
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var logs bytes.Buffer
	logw := &syncWriter{w: &logs}
	go func() {
		done <- run(ctx, []string{"serve", "--db", db, "--addr", addr, "--mail-dir", mailDir}, &bytes.Buffer{}, logw)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	for i := 0; i < 100; i++ {
		if resp, err := http.Get("http://" + addr + "/readyz"); err == nil { // ready: migrated, accepting requests
			ready := resp.StatusCode == http.StatusOK
			resp.Body.Close()
			if ready {
				break
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	cred := d.Beneficiaries[len(d.Beneficiaries)-1]
	out := string(runOK(t, "try-booking", "--server", "http://"+addr, "--email", cred.Email, "--password", cred.Password, "--qr", qr))
	// The payload is a signed ticket (issue 16), the countermark last.
	if !strings.Contains(out, "Contremarque : ") || !strings.Contains(out, "PASSCULTURE:v3;GS:") || !strings.Contains(out, "Cinéma Le Méliès") {
		t.Errorf("output:\n%s", out)
	}
	f, err := os.Open(qr)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	token := out[strings.Index(out, "Contremarque : ")+len("Contremarque : "):][:6]
	if img, err := png.Decode(f); err != nil {
		t.Errorf("QR code file: %v", err)
	} else if bmp, _ := gozxing.NewBinaryBitmapFromImage(img); bmp != nil {
		res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
		if err != nil || !strings.HasPrefix(res.GetText(), "PASSCULTURE:v3;GS:") || !strings.HasSuffix(res.GetText(), ";TOKEN:"+token) ||
			!strings.Contains(out, res.GetText()) {
			t.Errorf("QR code file reads %v %v", res, err)
		}
	}
	var emls []string
	for i := 0; i < 100 && len(emls) < 2; i++ {
		time.Sleep(50 * time.Millisecond)
		emls, _ = filepath.Glob(filepath.Join(mailDir, "*.eml"))
	}
	if len(emls) != 2 {
		t.Fatalf("%d e-mails in the mail folder, want 2 (the demo's history is not sent)", len(emls))
	}
	for _, p := range emls {
		if data, _ := os.ReadFile(p); !bytes.Contains(data, []byte(token)) {
			t.Errorf("%s does not mention %s", p, token)
		}
	}
	logw.mu.Lock()
	logged := logs.String()
	logw.mu.Unlock()
	if strings.Contains(logged, cred.Password) || !strings.Contains(logged, "auto-use") {
		t.Errorf("logs must show the auto-use run and never the password:\n%s", logged)
	}
	if err := run(context.Background(), []string{"try-booking", "--server", "http://" + addr, "--email", cred.Email, "--password", "faux"},
		&bytes.Buffer{}, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "Identifiant ou mot de passe incorrect") {
		t.Errorf("wrong password: %v", err)
	}
}

package notify_test

import (
	"bytes"
	"context"
	"database/sql"
	"image/png"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"guichet/app"
	"guichet/sync/notify"
	"guichet/sync/store"
	"guichet/sync/store/sqlstore"
)

// mailbox is a real SMTP server (go-smtp) that keeps what it accepts; reject makes it refuse
// the next messages with a temporary error.
type mailbox struct {
	mu       sync.Mutex
	messages []received
	reject   int
	srv      *smtp.Server
	addr     string
}

type received struct {
	from string
	to   []string
	data []byte
}

func (m *mailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{box: m}, nil }

type session struct {
	box *mailbox
	msg received
}

func (s *session) Reset()        { s.msg = received{} }
func (s *session) Logout() error { return nil }
func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.msg.from = from
	return nil
}
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.msg.to = append(s.msg.to, to)
	return nil
}
func (s *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.box.mu.Lock()
	defer s.box.mu.Unlock()
	if s.box.reject > 0 {
		s.box.reject--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	s.msg.data = data
	s.box.messages = append(s.box.messages, s.msg)
	return nil
}

func (m *mailbox) received() []received {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]received(nil), m.messages...)
}

// startMailbox serves SMTP on addr ("127.0.0.1:0" for any port).
func startMailbox(t *testing.T, addr string) *mailbox {
	t.Helper()
	m := &mailbox{}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	m.addr = ln.Addr().String()
	m.srv = smtp.NewServer(m)
	m.srv.Domain = "localhost"
	m.srv.ReadTimeout, m.srv.WriteTimeout = 5*time.Second, 5*time.Second
	go func() { _ = m.srv.Serve(ln) }()
	t.Cleanup(func() { m.srv.Close() })
	return m
}

func smtpTo(t *testing.T, addr string) *notify.SMTP {
	host, port, _ := net.SplitHostPort(addr)
	var p int
	for _, c := range port {
		p = p*10 + int(c-'0')
	}
	return notify.NewSMTP(notify.SMTPConfig{Host: host, Port: p, Timeout: 5 * time.Second})
}

// world is a venue, a film with a showtime and a beneficiary on a real SQLite file.
type world struct {
	st    *sqlstore.Store
	path  string
	stock *app.Stock
	ben   *app.Beneficiary
	now   time.Time
}

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{path: filepath.Join(t.TempDir(), "g.db"), now: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	st, err := sqlstore.OpenSQLite(ctx, w.path, sqlstore.Options{SyncNormal: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	w.st = st
	o := &app.Offerer{SIREN: "443061841", Name: "Cinémas du Centre"}
	must(t, st.CreateOfferer(ctx, o))
	v := &app.Venue{OffererID: o.ID, SIRET: "44306184100047", Name: "Le Grand Écran", Address: "1 rue du Cinéma",
		PostalCode: "75011", City: "Paris", DepartmentCode: "75", Latitude: 48.85, Longitude: 2.37, BookingEmail: "resa@grand-ecran.fr"}
	must(t, st.CreateVenue(ctx, v))
	f := &app.Offer{VenueID: v.ID, Name: "Le Voyage de Chihiro", Version: app.VersionVO, Duo: true, Active: true}
	must(t, st.CreateOffer(ctx, f))
	capacity := 100
	w.stock = &app.Stock{OfferID: f.ID, StartsAt: time.Date(2026, 12, 6, 19, 30, 0, 0, time.UTC), PriceCents: 750, Capacity: &capacity}
	must(t, st.CreateStock(ctx, w.stock))
	w.ben = &app.Beneficiary{Email: "lea@example.org", FirstName: "Léa", LastName: "Martin", Phone: "+33612345678",
		DateOfBirth: time.Date(2008, 3, 4, 0, 0, 0, 0, time.UTC), CreatedAt: w.now.Add(-time.Hour)}
	must(t, st.CreateBeneficiary(ctx, w.ben))
	return w
}

func (w *world) book(t *testing.T) *app.Booking {
	t.Helper()
	b, err := w.st.CreateBooking(context.Background(), store.BookingRequest{BeneficiaryID: w.ben.ID, StockID: w.stock.ID, Quantity: 2}, w.now)
	must(t, err)
	return b
}

func (w *world) rows(t *testing.T, bookingID int64) []store.Notification {
	t.Helper()
	ns, err := w.st.ListNotifications(context.Background(), bookingID)
	must(t, err)
	return ns
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// parts returns the decoded MIME leaves of a message by content type.
func parts(t *testing.T, raw []byte) (*mail.Message, map[string][]byte) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	var walk func(ct string, body io.Reader, enc string)
	walk = func(ct string, body io.Reader, enc string) {
		mt, params, err := mime.ParseMediaType(ct)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(mt, "multipart/") {
			mr := multipart.NewReader(body, params["boundary"])
			for {
				p, err := mr.NextRawPart()
				if err == io.EOF {
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				walk(p.Header.Get("Content-Type"), p, p.Header.Get("Content-Transfer-Encoding"))
			}
		}
		data, _ := io.ReadAll(decoder(body, enc))
		out[mt] = data
	}
	walk(msg.Header.Get("Content-Type"), msg.Body, msg.Header.Get("Content-Transfer-Encoding"))
	return msg, out
}

func TestWorker_SMTP(t *testing.T) {
	w := newWorld(t)
	box := startMailbox(t, "127.0.0.1:0")
	worker := &notify.Worker{Store: w.st, Transport: smtpTo(t, box.addr), From: "Guichet <noreply@guichet.test>",
		Now: func() time.Time { return w.now }}
	b := w.book(t)
	sent, err := worker.Drain(context.Background())
	if err != nil || sent != 2 {
		t.Fatalf("drain: %d sent, %v", sent, err)
	}
	got := box.received()
	if len(got) != 2 {
		t.Fatalf("%d messages received, want 2", len(got))
	}
	var venue, young received
	for _, m := range got {
		switch m.to[0] {
		case "resa@grand-ecran.fr":
			venue = m
		case "lea@example.org":
			young = m
		}
	}
	t.Run("the venue's message", func(t *testing.T) {
		msg, body := parts(t, venue.data)
		text, html := string(body["text/plain"]), string(body["text/html"])
		for _, want := range []string{"Contremarque : " + b.Token, "Offre : Le Voyage de Chihiro",
			"Date et heure : 06/12/2026 à 20:30", // 19:30 UTC is 20:30 in Paris
			"Prix unitaire : 7,50\u00a0€", "Quantité : 2", "Lieu : Le Grand Écran", "Version : VO",
			"E-mail du bénéficiaire : lea@example.org", "Prénom : Léa", "Nom : Martin", "Téléphone : +33612345678"} {
			if !strings.Contains(text, want) {
				t.Errorf("text part lacks %q:\n%s", want, text)
			}
		}
		if !strings.Contains(html, "<td>"+b.Token+"</td>") || !strings.Contains(html, "Martin") {
			t.Errorf("html part:\n%s", html)
		}
		if rt, _ := mail.ParseAddress(msg.Header.Get("Reply-To")); rt == nil || rt.Address != "lea@example.org" {
			t.Errorf("Reply-To %q", msg.Header.Get("Reply-To"))
		}
		if id := msg.Header.Get("Message-ID"); !strings.HasPrefix(id, "<guichet-outbox-") || !strings.HasSuffix(id, "@guichet.test>") {
			t.Errorf("Message-ID %q", id)
		}
		subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		if !strings.Contains(subject, "Nouvelle réservation pour Le Voyage de Chihiro") {
			t.Errorf("subject %q", subject)
		}
	})
	t.Run("the beneficiary's message has the countermark and the QR code", func(t *testing.T) {
		_, body := parts(t, young.data)
		if !strings.Contains(string(body["text/plain"]), "PASSCULTURE:v3;TOKEN:"+b.Token) {
			t.Errorf("text:\n%s", body["text/plain"])
		}
		if !strings.Contains(string(body["text/html"]), `src="cid:qrcode.png"`) {
			t.Errorf("html has no inline QR image")
		}
		img, err := png.Decode(bytes.NewReader(body["image/png"]))
		if err != nil || img.Bounds().Dx() < 200 {
			t.Errorf("QR image: %v", err)
		}
	})
	t.Run("never sent twice", func(t *testing.T) {
		worker.Now = func() time.Time { return w.now.Add(48 * time.Hour) }
		if sent, err := worker.Drain(context.Background()); sent != 0 || err != nil {
			t.Errorf("second drain sent %d (%v)", sent, err)
		}
		for _, n := range w.rows(t, b.ID) {
			if n.Status != store.OutboxSent || n.Attempts != 1 {
				t.Errorf("row %+v", n)
			}
		}
		if len(box.received()) != 2 {
			t.Errorf("%d messages", len(box.received()))
		}
	})
}

func TestWorker_SMTPDownThenUp(t *testing.T) {
	w := newWorld(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	addr := ln.Addr().String()
	ln.Close() // nothing listens there: the SMTP server is down
	now := w.now
	worker := &notify.Worker{Store: w.st, Transport: smtpTo(t, addr), Now: func() time.Time { return now }}
	b := w.book(t) // the booking succeeds whatever the mail server does
	if sent, err := worker.Drain(context.Background()); sent != 0 || err != nil {
		t.Fatalf("drain with the server down: %d, %v", sent, err)
	}
	for _, n := range w.rows(t, b.ID) {
		if n.Status != store.OutboxPending || n.Attempts != 1 || n.LastError == "" || !n.NextAttempt.Equal(now.Add(30*time.Second)) {
			t.Errorf("after a failed attempt: %+v", n)
		}
	}
	box := startMailbox(t, addr)
	now = now.Add(10 * time.Second)
	if sent, _ := worker.Drain(context.Background()); sent != 0 {
		t.Errorf("retried before the back-off: %d", sent)
	}
	now = now.Add(25 * time.Second)
	if sent, err := worker.Drain(context.Background()); sent != 2 || err != nil {
		t.Fatalf("drain once the server is up: %d, %v", sent, err)
	}
	if len(box.received()) != 2 {
		t.Errorf("%d messages received", len(box.received()))
	}
}

func TestWorker_SMTPRejects(t *testing.T) {
	w := newWorld(t)
	box := startMailbox(t, "127.0.0.1:0")
	box.reject = 3 // the first attempt of both rows and the second of one are refused
	now := w.now
	worker := &notify.Worker{Store: w.st, Transport: smtpTo(t, box.addr), Now: func() time.Time { return now }}
	b := w.book(t)
	total := 0
	for i := 0; i < 4; i++ {
		sent, err := worker.Drain(context.Background())
		must(t, err)
		total += sent
		now = now.Add(2 * time.Minute)
	}
	if total != 2 || len(box.received()) != 2 {
		t.Fatalf("sent %d, received %d; want each message once", total, len(box.received()))
	}
	attempts := 0
	for _, n := range w.rows(t, b.ID) {
		if n.Status != store.OutboxSent {
			t.Errorf("row %+v", n)
		}
		attempts += n.Attempts
	}
	if attempts != 5 {
		t.Errorf("%d attempts in all, want 5 (3 refused, 2 accepted)", attempts)
	}
}

func TestWorker_MalformedAddress(t *testing.T) {
	w := newWorld(t)
	box := startMailbox(t, "127.0.0.1:0")
	now := w.now
	worker := &notify.Worker{Store: w.st, Transport: smtpTo(t, box.addr), Now: func() time.Time { return now }}
	b := w.book(t)
	db, err := sql.Open("sqlite", w.path)
	must(t, err)
	defer db.Close()
	_, err = db.Exec(`UPDATE outbox SET recipient = 'resa chez grand-ecran' WHERE audience = 'VENUE'`)
	must(t, err)
	if sent, err := worker.Drain(context.Background()); sent != 1 || err != nil {
		t.Fatalf("drain: %d, %v", sent, err)
	}
	now = now.Add(100 * time.Hour)
	if sent, _ := worker.Drain(context.Background()); sent != 0 {
		t.Errorf("the malformed address was retried")
	}
	rows := w.rows(t, b.ID)
	if rows[0].Status != store.OutboxFailed || rows[0].Attempts != 1 || !strings.Contains(rows[0].LastError, "malformed address") {
		t.Errorf("venue row %+v", rows[0])
	}
	if rows[1].Status != store.OutboxSent {
		t.Errorf("beneficiary row %+v", rows[1])
	}
}

func TestWorker_Backoff(t *testing.T) {
	w := &notify.Worker{}
	for attempts, want := range map[int]time.Duration{1: 30 * time.Second, 2: time.Minute, 3: 2 * time.Minute,
		8: 64 * time.Minute, 9: time.Hour, 30: time.Hour} {
		want = min(want, time.Hour)
		if got := w.Backoff(attempts); got != want {
			t.Errorf("Backoff(%d) = %v, want %v", attempts, got, want)
		}
	}
}

func TestDir(t *testing.T) {
	w := newWorld(t)
	dir := t.TempDir()
	tr, err := notify.NewDir(dir)
	must(t, err)
	worker := &notify.Worker{Store: w.st, Transport: tr, Now: func() time.Time { return w.now }}
	b := w.book(t)
	if sent, err := worker.Drain(context.Background()); sent != 2 || err != nil {
		t.Fatalf("drain: %d %v", sent, err)
	}
	rows := w.rows(t, b.ID)
	matches, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	if len(matches) != 2 || matches[0] != tr.FileName(rows[0].ID) {
		t.Fatalf("files %v", matches)
	}
	// A resend of the same row (after a crash) replaces its file: still one per row.
	n := rows[0]
	m, err := notify.Build(&n, b, time.UTC, "Guichet <noreply@guichet.local>", w.now)
	must(t, err)
	must(t, tr.Send(context.Background(), n.ID, m))
	if again, _ := filepath.Glob(filepath.Join(dir, "*.eml")); len(again) != 2 {
		t.Errorf("files after a resend: %v", again)
	}
}

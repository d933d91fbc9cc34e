package notify

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Transport delivers one built message of outbox row id.
type Transport interface {
	Send(ctx context.Context, id int64, m *gomail.Msg) error
}

// SMTPConfig is how to reach the SMTP server.
type SMTPConfig struct {
	Host     string
	Port     int // 587 when 0
	User     string
	Password string
	Timeout  time.Duration // 30 s when 0
	// TLS: opportunistic STARTTLS by default; Mandatory refuses a server without it.
	MandatoryTLS bool
}

// SMTP delivers through an SMTP server with go-mail, one connection per message.
type SMTP struct{ cfg SMTPConfig }

// NewSMTP returns an SMTP transport.
func NewSMTP(cfg SMTPConfig) *SMTP {
	if cfg.Port == 0 {
		cfg.Port = 587
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	return &SMTP{cfg: cfg}
}

func (t *SMTP) client() (*gomail.Client, error) {
	opts := []gomail.Option{gomail.WithPort(t.cfg.Port), gomail.WithTimeout(t.cfg.Timeout),
		gomail.WithTLSPortPolicy(gomail.TLSOpportunistic)}
	if t.cfg.MandatoryTLS {
		opts[2] = gomail.WithTLSPortPolicy(gomail.TLSMandatory)
	}
	if t.cfg.User != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain), gomail.WithUsername(t.cfg.User),
			gomail.WithPassword(t.cfg.Password))
	}
	c, err := gomail.NewClient(t.cfg.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("smtp client: %w", err)
	}
	return c, nil
}

// Send delivers one message.
func (t *SMTP) Send(ctx context.Context, _ int64, m *gomail.Msg) error {
	c, err := t.client()
	if err != nil {
		return err
	}
	if err := c.DialAndSendWithContext(ctx, m); err != nil {
		return fmt.Errorf("smtp send: %w", err)
	}
	return nil
}

// Dir writes each message as outbox-<row id>.eml into a folder (for development and demos).
// The name is deterministic: writing a row again replaces its file.
type Dir struct{ path string }

// NewDir returns a folder transport, creating the folder.
func NewDir(path string) (*Dir, error) {
	if err := os.MkdirAll(path, 0o755); err != nil {
		return nil, fmt.Errorf("mail dir: %w", err)
	}
	return &Dir{path: path}, nil
}

// FileName is the file a row is written to.
func (d *Dir) FileName(id int64) string {
	return filepath.Join(d.path, fmt.Sprintf("outbox-%06d.eml", id))
}

// Send writes the message atomically (a temporary file renamed into place).
func (d *Dir) Send(_ context.Context, id int64, m *gomail.Msg) error {
	tmp, err := os.CreateTemp(d.path, ".outbox-*.tmp")
	if err != nil {
		return fmt.Errorf("write eml: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := m.WriteTo(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("write eml: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write eml: %w", err)
	}
	if err := os.Rename(tmp.Name(), d.FileName(id)); err != nil {
		return fmt.Errorf("write eml: %w", err)
	}
	return nil
}

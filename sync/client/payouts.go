package client

import (
	"context"
	"net/http"
	"net/url"

	"github.com/go-resty/resty/v2"

	"guichet/app"
	"guichet/sync/protocol"
)

// Payouts returns the next payment, this year's revenue per venue and the bookings awaiting the
// automatic validation (manager key).
func (c *Client) Payouts(ctx context.Context) (*protocol.Payouts, error) {
	var p protocol.Payouts
	return &p, call(ctx, c.sync, http.MethodGet, "/pro/v1/payouts", nil, &p)
}

// Statements lists the offerer's statements, the latest first (manager key).
func (c *Client) Statements(ctx context.Context) ([]protocol.Statement, error) {
	var out []protocol.Statement
	return out, call(ctx, c.sync, http.MethodGet, "/pro/v1/statements", nil, &out)
}

// StatementFile downloads a statement as "pdf" or "csv" (manager key).
func (c *Client) StatementFile(ctx context.Context, ref, format string) ([]byte, error) {
	if format != "pdf" && format != "csv" {
		return nil, app.Errorf(app.EINVALID, "Format inconnu : pdf ou csv.")
	}
	var body []byte
	err := callRaw(ctx, c.sync, "/pro/v1/statements/"+url.PathEscape(ref)+"/"+format, &body)
	return body, err
}

// callRaw GETs a file: the body as is on success, the API's error (as call maps it) otherwise.
func callRaw(ctx context.Context, r *resty.Client, path string, out *[]byte) error {
	resp, err := r.R().SetContext(ctx).SetHeader("Accept", "*/*").Get(path)
	if err := responseError(ctx, resp, err); err != nil {
		return err
	}
	*out = resp.Body()
	return nil
}

// Package client is the counter app's client of the sync server (resty): who am I, pull
// changes by cursor, push scans, conflicts. Transport failures come back as app errors with code
// EUNAVAILABLE, so the caller can switch to offline; a refused key comes back as EUNAUTHORIZED
// and is never retried.
package client

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"

	"guichet/app"
	"guichet/sync/protocol"
)

// Options tune a client.
type Options struct {
	// FastTimeout bounds an online validation, after which the counter decides offline
	// (default 1.5 s).
	FastTimeout time.Duration
	// Timeout bounds sync calls (default 30 s); Retries is how many times they are retried on
	// transport errors and 5xx answers, with exponential back-off (default 3).
	Timeout time.Duration
	Retries int
	// HTTPClient carries the transport (tests, proxies); nil for the default.
	HTTPClient *http.Client
}

// Client talks to one server with one API key, for one device.
type Client struct {
	fast   *resty.Client
	sync   *resty.Client
	device string
}

// New returns a client of the server at baseURL.
func New(baseURL, key, device string, o Options) *Client {
	if o.FastTimeout <= 0 {
		o.FastTimeout = 1500 * time.Millisecond
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.Retries < 0 {
		o.Retries = 0
	} else if o.Retries == 0 {
		o.Retries = 3
	}
	mk := func(timeout time.Duration, retries int) *resty.Client {
		var r *resty.Client
		if o.HTTPClient != nil {
			r = resty.NewWithClient(o.HTTPClient)
		} else {
			r = resty.New()
		}
		r.SetBaseURL(strings.TrimRight(baseURL, "/")).
			SetTimeout(timeout).
			SetAuthToken(key).
			SetHeader("Accept", "application/json").
			SetHeader("X-Guichet-Device", device).
			SetHeader("User-Agent", "guichet-counter/1").
			SetRetryCount(retries).
			SetRetryWaitTime(200 * time.Millisecond).
			SetRetryMaxWaitTime(5 * time.Second).
			AddRetryCondition(func(resp *resty.Response, err error) bool {
				return err != nil || resp.StatusCode() >= 500
			})
		r.SetLogger(quietLogger{})
		return r
	}
	return &Client{fast: mk(o.FastTimeout, 0), sync: mk(o.Timeout, o.Retries), device: device}
}

// Device is the device id this client reports.
func (c *Client) Device() string { return c.device }

// call runs a request and decodes a JSON answer into out (may be nil).
func call(ctx context.Context, r *resty.Client, method, path string, body, out any) error {
	req := r.R().SetContext(ctx)
	if gz, ok := body.(gzipped); ok {
		req.SetHeader("Content-Type", "application/json").SetHeader("Content-Encoding", "gzip").SetBody([]byte(gz))
	} else if body != nil {
		req.SetHeader("Content-Type", "application/json").SetBody(body)
	}
	resp, err := req.Execute(method, path)
	if err := responseError(ctx, resp, err); err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(resp.Body(), out); err != nil {
		return &app.Error{Code: app.EUNAVAILABLE, Message: "Réponse illisible du serveur."}
	}
	return nil
}

// responseError maps a failed exchange to an app error: EUNAVAILABLE when the server could not be
// reached (the context's own cancellation is returned as is), the API's error body, or a code
// from the status when the body is not one.
func responseError(ctx context.Context, resp *resty.Response, err error) error {
	if err != nil {
		if ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return ctx.Err()
		}
		return &app.Error{Code: app.EUNAVAILABLE, Message: "Serveur injoignable : " + shortErr(err)}
	}
	if resp.StatusCode() >= 300 {
		var pe protocol.Error
		if json.Unmarshal(resp.Body(), &pe) == nil && pe.Code != "" && pe.Message != "" {
			e := &app.Error{Code: pe.Code, Message: pe.Message, Field: pe.Field, Reason: pe.Reason}
			if until := protocol.ParseTime(pe.OfflineUntil); pe.Code == app.EUNAUTHORIZED && !until.IsZero() {
				return &app.KeyRevoked{Err: e, OfflineUntil: until}
			}
			return e
		}
		return &app.Error{Code: protocol.CodeOf(resp.StatusCode()), Message: fmt.Sprintf("Le serveur a répondu %d.", resp.StatusCode())}
	}
	return nil
}

func shortErr(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		msg = msg[i+2:]
	}
	return msg
}

// Me says who the key is and which venues it sees.
func (c *Client) Me(ctx context.Context) (*protocol.Me, error) {
	var me protocol.Me
	return &me, call(ctx, c.sync, http.MethodGet, "/sync/v1/me", nil, &me)
}

// Changes pulls a page of a venue's changes after since, a cursor of the database db ("" for
// none yet). A cursor the server cannot honour is answered with an EGONE error.
func (c *Client) Changes(ctx context.Context, venueID int64, db string, since int64, limit int, from time.Time) (*protocol.Changes, error) {
	var ch protocol.Changes
	path := "/sync/v1/venues/" + strconv.FormatInt(venueID, 10) + "/changes?since=" + strconv.FormatInt(since, 10) +
		"&limit=" + strconv.Itoa(limit) + "&db=" + url.QueryEscape(db)
	if !from.IsZero() {
		path += "&from=" + url.QueryEscape(protocol.Time(from))
	}
	return &ch, call(ctx, c.sync, http.MethodGet, path, nil, &ch)
}

// Digest fetches a venue's bookings summed up per showtime (the full check).
func (c *Client) Digest(ctx context.Context, venueID int64, from time.Time) (*protocol.Digest, error) {
	var d protocol.Digest
	path := "/sync/v1/venues/" + strconv.FormatInt(venueID, 10) + "/digest"
	if !from.IsZero() {
		path += "?from=" + url.QueryEscape(protocol.Time(from))
	}
	return &d, call(ctx, c.sync, http.MethodGet, path, nil, &d)
}

// Push sends queued scans (retried: pushing the same nonces again is harmless); the request's
// device is this client's.
func (c *Client) Push(ctx context.Context, req protocol.PushRequest) (*protocol.PushResponse, error) {
	var out protocol.PushResponse
	req.Device = c.device
	body, err := gzipJSON(req) // a queue of scans on a thin link: a fraction of the bytes
	if err != nil {
		return nil, fmt.Errorf("push: %w", err)
	}
	err = call(ctx, c.sync, http.MethodPost, "/sync/v1/scans", body, &out)
	if err == nil && len(out.Results) != len(req.Events) {
		return nil, &app.Error{Code: app.EUNAVAILABLE, Message: "Réponse incomplète du serveur."}
	}
	return &out, err
}

// Validate asks the server to decide one scan now, with the short timeout and no retry.
func (c *Client) Validate(ctx context.Context, ev protocol.ScanEvent) (*protocol.ScanResult, error) {
	var out protocol.PushResponse
	err := call(ctx, c.fast, http.MethodPost, "/sync/v1/scans", protocol.PushRequest{Device: c.device, Events: []protocol.ScanEvent{ev}}, &out)
	if err != nil {
		return nil, err
	}
	if len(out.Results) != 1 {
		return nil, &app.Error{Code: app.EUNAVAILABLE, Message: "Réponse incomplète du serveur."}
	}
	if out.Results[0].Verdict == protocol.VerdictError { // the server failed on it: decide offline
		return nil, &app.Error{Code: app.EUNAVAILABLE, Message: out.Results[0].Message}
	}
	return &out.Results[0], nil
}

// Conflicts lists a venue's unacknowledged conflicts.
func (c *Client) Conflicts(ctx context.Context, venueID int64) ([]protocol.Conflict, error) {
	var out struct {
		Conflicts []protocol.Conflict `json:"conflicts"`
	}
	err := call(ctx, c.sync, http.MethodGet, "/sync/v1/venues/"+strconv.FormatInt(venueID, 10)+"/conflicts", nil, &out)
	return out.Conflicts, err
}

// Ack acknowledges a conflict.
func (c *Client) Ack(ctx context.Context, id int64) error {
	return call(ctx, c.sync, http.MethodPost, "/sync/v1/conflicts/"+strconv.FormatInt(id, 10)+"/ack", nil, nil)
}

// quietLogger keeps resty from printing to stderr; errors are returned to the caller.
type quietLogger struct{}

func (quietLogger) Errorf(string, ...any) {}
func (quietLogger) Warnf(string, ...any)  {}
func (quietLogger) Debugf(string, ...any) {}

// gzipped is a JSON body already gzip-compressed (sent with Content-Encoding: gzip). Answers
// are asked compressed by the transport (Accept-Encoding: gzip) and inflated transparently.
type gzipped []byte

func gzipJSON(v any) (gzipped, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := json.NewEncoder(zw).Encode(v); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return gzipped(buf.Bytes()), nil
}

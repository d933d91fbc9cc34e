// Package importer runs Allociné imports on the server: the resty client of Allociné's API, the
// import of one venue (fetch, map with app/allocine, apply in one transaction, record the
// report), poster downloads and the daily schedule inside `serve`.
package importer

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"
)

// Defaults of the Allociné client.
const (
	DefaultBaseURL  = "https://graph-api-proxy.allocine.fr/api/query"
	DefaultTimeout  = 30 * time.Second
	DefaultRetries  = 2
	DefaultMaxBytes = 32 << 20 // a big multiplex lists a few MB of showtimes
	MaxPosterBytes  = 2 << 20
)

// ClientOptions configure the Allociné client. Zero values take the defaults.
type ClientOptions struct {
	BaseURL   string        // DefaultBaseURL when empty
	Token     string        // the bearer token Allociné gives to pass Culture partners
	Timeout   time.Duration // per attempt
	Retries   int           // retries after a network error, a 429 or a 5xx; -1 for none
	RetryWait time.Duration // first wait between attempts (doubles, capped at 10 s)
	MaxBytes  int           // response size cap
}

// Client fetches Allociné feeds and posters.
type Client struct {
	http     *resty.Client // the API, with the bearer token
	posters  *resty.Client // image hosts: no token sent there
	maxBytes int
}

// NewClient returns a client of Allociné's API.
func NewClient(o ClientOptions) *Client {
	if o.BaseURL == "" {
		o.BaseURL = DefaultBaseURL
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Retries == 0 {
		o.Retries = DefaultRetries
	} else if o.Retries < 0 {
		o.Retries = 0
	}
	if o.RetryWait <= 0 {
		o.RetryWait = time.Second
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	h := resty.New().
		SetBaseURL(strings.TrimRight(o.BaseURL, "/")).
		SetTimeout(o.Timeout).
		SetRetryCount(o.Retries).
		SetRetryWaitTime(o.RetryWait).
		SetRetryMaxWaitTime(10*time.Second).
		SetHeader("Accept", "application/json").
		SetHeader("User-Agent", "guichet-server").
		AddRetryCondition(func(r *resty.Response, err error) bool {
			if err != nil {
				return !errors.Is(err, resty.ErrResponseBodyTooLarge) && !errors.Is(err, context.Canceled)
			}
			return r.StatusCode() == http.StatusTooManyRequests || r.StatusCode() >= 500
		})
	posters := resty.New().SetTimeout(o.Timeout).SetRetryCount(1).SetRetryWaitTime(o.RetryWait).
		SetHeader("User-Agent", "guichet-server")
	if o.Token != "" {
		h.SetAuthToken(o.Token)
	}
	return &Client{http: h, posters: posters, maxBytes: o.MaxBytes}
}

// Fetch returns the raw movieShowtimeList document of a theater.
func (c *Client) Fetch(ctx context.Context, theaterID string) ([]byte, error) {
	resp, err := c.http.R().SetContext(ctx).SetResponseBodyLimit(c.maxBytes).
		SetQueryParam("theater", theaterID).Get("/movieShowtimeList")
	if errors.Is(err, resty.ErrResponseBodyTooLarge) {
		return nil, fmt.Errorf("fetch allocine: réponse trop volumineuse (plus de %d octets)", c.maxBytes)
	}
	if err != nil {
		return nil, fmt.Errorf("fetch allocine: %w", err)
	}
	if resp.StatusCode() != http.StatusOK {
		return nil, fmt.Errorf("fetch allocine: HTTP %d", resp.StatusCode())
	}
	return resp.Body(), nil
}

// FetchPoster downloads a poster image (size-capped to MaxPosterBytes).
func (c *Client) FetchPoster(ctx context.Context, rawURL string) (contentType string, data []byte, err error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return "", nil, fmt.Errorf("fetch poster: bad url %q", rawURL)
	}
	resp, err := c.posters.R().SetContext(ctx).SetResponseBodyLimit(MaxPosterBytes).SetHeader("Accept", "image/*").Get(rawURL)
	if err != nil {
		return "", nil, fmt.Errorf("fetch poster: %w", err)
	}
	ct := resp.Header().Get("Content-Type")
	if resp.StatusCode() != http.StatusOK || !strings.HasPrefix(ct, "image/") {
		return "", nil, fmt.Errorf("fetch poster: HTTP %d %s", resp.StatusCode(), ct)
	}
	return ct, resp.Body(), nil
}

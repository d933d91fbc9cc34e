package client

import (
	"context"
	"net/http"
	"strconv"

	"guichet/sync/protocol"
)

// Keys returns the offerer's API keys (manager key).
func (c *Client) Keys(ctx context.Context) ([]protocol.APIKey, error) {
	var out struct {
		Keys []protocol.APIKey `json:"keys"`
	}
	err := call(ctx, c.sync, http.MethodGet, "/pro/v1/api-keys", nil, &out)
	return out.Keys, err
}

// CreateKey creates a cashier key for a counter (manager key); the clear key is in the answer
// only.
func (c *Client) CreateKey(ctx context.Context, label string) (*protocol.NewAPIKey, error) {
	var out protocol.NewAPIKey
	return &out, call(ctx, c.sync, http.MethodPost, "/pro/v1/api-keys", protocol.APIKeyInput{Label: label}, &out)
}

// RevokeKey revokes one of the offerer's keys (manager key).
func (c *Client) RevokeKey(ctx context.Context, id int64) error {
	return call(ctx, c.sync, http.MethodDelete, "/pro/v1/api-keys/"+strconv.FormatInt(id, 10), nil, nil)
}

package protocol

import "guichet/app"

// APIKey is an API key as a manager sees it in the list: never the key itself.
type APIKey struct {
	ID        int64  `json:"id"`
	Prefix    string `json:"prefix"`
	Role      string `json:"role"`
	Label     string `json:"label"`
	CreatedAt string `json:"createdAt"`
	RevokedAt string `json:"revokedAt,omitempty"`
	Current   bool   `json:"current"` // the key making the request
}

// APIKeyOf converts a key; current marks the caller's own.
func APIKeyOf(k *app.APIKey, current bool) APIKey {
	return APIKey{ID: k.ID, Prefix: k.Prefix, Role: string(k.Role), Label: k.Label, CreatedAt: Time(k.CreatedAt),
		RevokedAt: Time(k.RevokedAt), Current: current}
}

// APIKeyInput is the body of POST /pro/v1/api-keys: a new key for a counter.
type APIKeyInput struct {
	Label string `json:"label"`
	Role  string `json:"role"` // cashier unless manager
}

// NewAPIKey is a created key with its clear value, shown this once.
type NewAPIKey struct {
	APIKey
	Key string `json:"key"`
}

package protocol

import "guichet/app"

// APIKey is app.KeyInfo: an API key in a manager's list.
type APIKey = app.KeyInfo

// APIKeyInput is app.KeyInput: the body of POST /pro/v1/api-keys.
type APIKeyInput = app.KeyInput

// NewAPIKey is app.NewKey: a created key with its clear value, shown this once.
type NewAPIKey = app.NewKey

// APIKeyOf converts a key; current marks the caller's own.
func APIKeyOf(k *app.APIKey, current bool) APIKey {
	return APIKey{ID: k.ID, Prefix: k.Prefix, Role: string(k.Role), Label: k.Label, CreatedAt: Time(k.CreatedAt),
		RevokedAt: Time(k.RevokedAt), Current: current}
}

package app

// KeyInfo is an API key as a manager sees it in the list: never the key itself.
type KeyInfo struct {
	ID        int64  `json:"id"`
	Prefix    string `json:"prefix"`
	Role      string `json:"role"`
	Label     string `json:"label"`
	CreatedAt string `json:"createdAt"`
	RevokedAt string `json:"revokedAt,omitempty"`
	Current   bool   `json:"current"` // the key making the request
}

// KeyInput is a manager's request for a new key for a counter.
type KeyInput struct {
	Label string `json:"label"`
	Role  string `json:"role"` // cashier unless manager
}

// NewKey is a created key with its clear value, shown this once.
type NewKey struct {
	KeyInfo
	Key string `json:"key"`
}

// ValidatorName names who made a validation or a scan: the API key's label — the identity the
// server checked, one key per counter — with the device name the counter sent as a detail, which
// any holder of the key may set: "Caisse 1 (poste-2)". Either alone when the other is empty or
// the same.
func ValidatorName(keyLabel, device string) string {
	switch {
	case keyLabel == "":
		return device
	case device == "" || device == keyLabel:
		return keyLabel
	}
	return keyLabel + " (" + device + ")"
}

package allocine

// VenueSettings are a venue's Allociné import settings as the pro API shows and takes them
// (PUT replaces them all; a null or absent capacity means unlimited).
type VenueSettings struct {
	TheaterID  string `json:"theaterId"`
	PriceCents int64  `json:"priceCents"`
	Capacity   *int   `json:"capacity"`
	Duo        bool   `json:"duo"`
	Active     bool   `json:"active"`
	UpdatedAt  string `json:"updatedAt,omitempty"`
}

// Run is one Allociné import and its report.
type Run struct {
	At     string `json:"at"`
	OK     bool   `json:"ok"`
	Report Report `json:"report"`
}

// Status is a venue's import settings (null when it has none) and last import (null
// when it never ran).
type Status struct {
	Settings   *VenueSettings `json:"settings"`
	LastImport *Run           `json:"lastImport"`
}

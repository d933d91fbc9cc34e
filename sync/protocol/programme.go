package protocol

import (
	"time"

	"guichet/app/allocine"
)

// AllocineSettings are a venue's Allociné import settings as the pro API shows and takes them
// (PUT replaces them all; a null or absent capacity means unlimited).
type AllocineSettings struct {
	TheaterID  string `json:"theaterId"`
	PriceCents int64  `json:"priceCents"`
	Capacity   *int   `json:"capacity"`
	Duo        bool   `json:"duo"`
	Active     bool   `json:"active"`
	UpdatedAt  string `json:"updatedAt,omitempty"`
}

// ImportRun is one Allociné import and its report.
type ImportRun struct {
	At     string          `json:"at"`
	OK     bool            `json:"ok"`
	Report allocine.Report `json:"report"`
}

// AllocineStatus is a venue's import settings (null when it has none) and last import (null
// when it never ran).
type AllocineStatus struct {
	Settings   *AllocineSettings `json:"settings"`
	LastImport *ImportRun        `json:"lastImport"`
}

// NewStock is a showtime to create through the pro API; a nil capacity is unlimited.
type NewStock struct {
	StartsAt   time.Time `json:"startsAt"`
	PriceCents int64     `json:"priceCents"`
	Capacity   *int      `json:"capacity"`
}

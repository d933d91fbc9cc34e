package protocol

import (
	"guichet/app"
	"guichet/app/allocine"
)

// AllocineSettings is allocine.VenueSettings.
type AllocineSettings = allocine.VenueSettings

// ImportRun is allocine.Run.
type ImportRun = allocine.Run

// AllocineStatus is allocine.Status.
type AllocineStatus = allocine.Status

// NewStock is app.NewStock.
type NewStock = app.NewStock

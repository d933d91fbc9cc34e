package app

import "time"

// Showtime is a showtime with its counts at the door.
type Showtime struct {
	StockID    int64
	OfferID    int64
	OfferName  string
	Version    string
	Start      time.Time
	Duration   int
	Capacity   *int
	PriceCents int64
	Booked     int // places of non-cancelled bookings
	Admitted   int // places of used (or reimbursed) bookings
	Deleted    bool
}

// Conflict is a reconciliation problem reported by the server.
type Conflict struct {
	ID          int64
	Kind        string
	Token       string
	OfferName   string
	Beneficiary string
	Device      string
	ScannedAt   time.Time
	OtherDevice string
	OtherAt     time.Time
	Detail      string
}

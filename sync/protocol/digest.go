package protocol

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"strconv"
)

// Digest answers GET /sync/v1/venues/{venueId}/digest: a venue's bookings summed up per
// showtime, for a counter to check its copy (docs/sync.md, "Full check").
type Digest struct {
	Database  string           `json:"database"`
	Cursor    int64            `json:"cursor"` // the venue's latest revision
	Showtimes []ShowtimeDigest `json:"showtimes"`
}

// ShowtimeDigest is the number of bookings of a showtime and the hash of their states.
type ShowtimeDigest struct {
	StockID  int64  `json:"stockId"`
	Bookings int    `json:"bookings"`
	Hash     string `json:"hash"`
}

// BookingHash hashes the bookings of one showtime the same way on the server and on the
// counter: Add each booking in increasing id order, then Sum.
type BookingHash struct {
	h hash.Hash
	n int
}

// NewBookingHash starts a hash.
func NewBookingHash() *BookingHash { return &BookingHash{h: sha256.New()} }

// Add adds a booking's id, status and quantity.
func (b *BookingHash) Add(id int64, status string, quantity int) {
	b.n++
	buf := strconv.AppendInt(nil, id, 10)
	buf = append(buf, ':')
	buf = append(buf, status...)
	buf = append(buf, ':')
	buf = strconv.AppendInt(buf, int64(quantity), 10)
	buf = append(buf, '\n')
	b.h.Write(buf)
}

// Sum returns the number of bookings added and the hash (16 hex digits).
func (b *BookingHash) Sum() (int, string) { return b.n, hex.EncodeToString(b.h.Sum(nil)[:8]) }

package protocol

import (
	"time"

	"guichet/app"
)

// The sync protocol between a counter device and the server (docs/sync.md).

// Me is app.Caller.
type Me = app.Caller

// Changes is one page of GET /sync/v1/venues/{venueId}/changes?since=N: everything of the venue
// whose revision is above N, in revision order, and the cursor to ask next.
type Changes struct {
	Offers     []SyncOffer   `json:"offers"`
	Stocks     []SyncStock   `json:"stocks"`
	Bookings   []SyncBooking `json:"bookings"`
	Cursor     int64         `json:"cursor"`
	More       bool          `json:"more"`
	Database   string        `json:"database"` // the server database's identity: pass it back as ?db=
	ServerTime string        `json:"serverTime"`
	// TicketKeys are the venue's public keys for signed tickets, on every page (absent: unchanged).
	TicketKeys []TicketKey `json:"ticketKeys,omitempty"`
	// LANSecret is the venue's secret its counters authenticate each other with on the local
	// network (counter/lan, docs/sync.md); in every page.
	LANSecret string `json:"lanSecret,omitempty"`
}

// SyncOffer is an offer with its revision.
type SyncOffer struct {
	Offer
	Rev int64 `json:"rev"`
}

// SyncStock is a showtime with its revision.
type SyncStock struct {
	Stock
	Rev int64 `json:"rev"`
}

// SyncBooking is a booking with what the counter needs offline, and its revision.
type SyncBooking struct {
	Booking
	CancellationReason string `json:"cancellationReason,omitempty"`
	UsedNonce          string `json:"usedNonce,omitempty"` // the nonce of the scan that validated it
	Rev                int64  `json:"rev"`
}

// Scan kinds and modes.
const (
	KindUse  = "use"
	KindKeep = "keep"
	// ModeOnline asks the server to decide; ModeOffline reports a decision the device already
	// made from its cache (the server reconciles and records conflicts).
	ModeOnline  = "online"
	ModeOffline = "offline"
)

// ScanEvent is one validation (or un-validation) made at a counter.
type ScanEvent struct {
	Nonce        string `json:"nonce"`
	Token        string `json:"token"`
	Kind         string `json:"kind"`
	Mode         string `json:"mode"`
	ScannedAt    string `json:"scannedAt"`
	LocalVerdict string `json:"localVerdict,omitempty"`
	// Undoes is, for a keep, the nonce of the validation it undoes ("" when the validation was
	// not a counter scan). Absent (older counters): an offline keep undoes only a validation
	// made by the same device.
	Undoes *string `json:"undoes,omitempty"`
	// AskOtherDay, on an online use, asks the server not to consume a countermark that would be
	// admitted for a showtime on another day: the verdict is then CONFIRM (nothing recorded on
	// the booking) and the counter validates it again, without asking, once the cashier agrees.
	AskOtherDay bool `json:"askOtherDay,omitempty"`
}

// PushRequest is the body of POST /sync/v1/scans.
type PushRequest struct {
	Device string `json:"device"`
	// VenueID is the venue the counter works for: a conflict about a countermark that is in
	// none of the key's venues is shown there (optional).
	VenueID int64 `json:"venueId,omitempty"`
	// DeviceTime is the device's clock when it sent the push (RFC 3339): the server estimates the
	// device's clock skew from it and corrects the scan times of offline events.
	DeviceTime string      `json:"deviceTime,omitempty"`
	Events     []ScanEvent `json:"events" sanity:"-"`
}

// MaxPushEvents caps the events of one push.
const MaxPushEvents = 500

// ScanResult is the server's verdict on one event, the same on every replay of its nonce.
type ScanResult struct {
	Nonce    string   `json:"nonce"`
	Verdict  string   `json:"verdict"`
	Message  string   `json:"message"`
	Warnings []string `json:"warnings,omitempty"`
	Booking  *Booking `json:"booking,omitempty"`
	// UsedNonce is the nonce of the scan whose validation is in force on the booking, if any.
	UsedNonce string `json:"usedNonce,omitempty"`
	// Rev is the booking's revision as the server read it with this answer: the counter replaces
	// its cached row with the booking when it is newer.
	Rev int64 `json:"rev,omitempty"`
	// Conflict is set when reconciling an offline admission found a problem.
	Conflict *Conflict `json:"conflict,omitempty"`
	Replayed bool      `json:"replayed,omitempty"`
	// Error is this event's own failure; Verdict is then VerdictRejected (a bad event: pushing
	// it again cannot help) or VerdictError (the server failed on it: push it again later).
	// The other events of the push were judged without it.
	Error *Error `json:"error,omitempty"`
}

// Verdicts of an event that was not judged.
const (
	VerdictRejected = "REJECTED"
	VerdictError    = "ERROR"
)

// PushResponse answers a push, one result per event in order.
type PushResponse struct {
	Results    []ScanResult `json:"results"`
	ServerTime string       `json:"serverTime"`
	// ClockSkewMs is the server's clock minus the device's, as estimated from deviceTime
	// (absent without it); ClockCorrected says whether scan times were corrected by it.
	ClockSkewMs    *int64 `json:"clockSkewMs,omitempty"`
	ClockCorrected bool   `json:"clockCorrected,omitempty"`
}

// MaxSkewCorrection bounds the clock skew by which scan times are corrected: a device clock
// further off is not trusted at all, and its offline scans are taken at the time received.
const MaxSkewCorrection = 24 * time.Hour

// ClockOffAfter is the skew past which a counter is told that its clock is off.
const ClockOffAfter = 3 * time.Minute

// Conflict is a reconciliation problem shown to the venue until acknowledged.
type Conflict struct {
	ID             int64   `json:"id"`
	Kind           string  `json:"kind"`
	Token          string  `json:"token"`
	BookingID      int64   `json:"bookingId"`
	OfferName      string  `json:"offerName"`
	Beneficiary    string  `json:"beneficiary"`
	Device         string  `json:"device"`
	ScannedAt      string  `json:"scannedAt"`
	OtherDevice    string  `json:"otherDevice"`
	OtherAt        *string `json:"otherAt"`
	Detail         string  `json:"detail"`
	CreatedAt      string  `json:"createdAt"`
	AcknowledgedAt *string `json:"acknowledgedAt"`
}

// TicketKey is a venue's public key for signed tickets (app.TicketKey): a counter admits offline
// a booking its copy does not know when the QR code's signature checks with a key of its venue
// valid at the scan (docs/sync.md, "Signed tickets").
type TicketKey struct {
	ID        int64  `json:"id"`
	VenueID   int64  `json:"venueId"`
	PublicKey []byte `json:"publicKey"` // Ed25519, 32 bytes (base64 in JSON)
	NotBefore string `json:"notBefore"`
	NotAfter  string `json:"notAfter"`
}

// TicketKeyOf converts a domain key.
func TicketKeyOf(k app.TicketKey) TicketKey {
	return TicketKey{ID: k.ID, VenueID: k.VenueID, PublicKey: k.Public, NotBefore: Time(k.NotBefore), NotAfter: Time(k.NotAfter)}
}

// Domain converts a wire key; a key with unreadable times is never valid.
func (k TicketKey) Domain() app.TicketKey {
	from, err1 := time.Parse(time.RFC3339Nano, k.NotBefore)
	to, err2 := time.Parse(time.RFC3339Nano, k.NotAfter)
	if err1 != nil || err2 != nil {
		from, to = time.Time{}, time.Time{}
	}
	return app.TicketKey{ID: k.ID, VenueID: k.VenueID, Public: k.PublicKey, NotBefore: from, NotAfter: to}
}

// Package store defines the sync server's storage: one interface, with the filters and inputs
// its methods take. Implementations live in sub-packages (sqlstore: SQLite and PostgreSQL).
package store

import (
	"context"
	"crypto/ed25519"
	"time"

	"guichet/app"
	"guichet/app/allocine"
)

// AnyOfferer is the offerer id with which operators' commands read every offerer's
// statements or bank accounts. No API path can pass it: an offerer id of 0 never means "all".
const AnyOfferer int64 = -1

// Validator says who validates a countermark: the API key and, for the counter app, the device.
type Validator struct {
	KeyID    int64
	KeyLabel string
	Device   string
	Nonce    string // the counter scan's nonce, for validations pushed by a device
}

// BookingFilter selects a venue's bookings.
type BookingFilter struct {
	OffererID int64 // required: the caller's offerer
	VenueID   int64 // required
	StockID   int64 // 0: any showtime
	// Day, when not zero, keeps bookings whose showtime starts on that calendar day in the
	// venue's time zone (Day's own location is ignored; only its date counts).
	Day    time.Time
	Status app.BookingStatus // "": any
	Page   int               // 1-based
	Per    int               // page size, capped by the store
}

// Page is one page of results.
type Page[T any] struct {
	Items []T
	Total int
	Page  int
	Per   int
}

// OfferPatch holds the fields of an offer to change; nil fields are kept.
type OfferPatch struct {
	Name            *string
	Description     *string
	ImageURL        *string
	DurationMinutes *int
	Version         *string
	Duo             *bool
	Active          *bool
}

// StockPatch holds the fields of a stock to change; nil fields are kept. ClearCapacity makes
// the capacity unlimited.
type StockPatch struct {
	StartsAt      *time.Time
	PriceCents    *int64
	Capacity      *int
	ClearCapacity bool
	BookingLimit  *time.Time
	PriceLabel    *string
}

// BookingRequest is a beneficiary's request to book a stock.
type BookingRequest struct {
	BeneficiaryID int64
	StockID       int64
	Quantity      int
}

// Store is the server's storage. Every method runs in one transaction: it either applies
// entirely or not at all. Domain refusals come back as *app.Error (or as an app.Outcome for the
// counter operations); anything else is an infrastructure error.
type Store interface {
	Close() error
	Ping(ctx context.Context) error

	CreateOfferer(ctx context.Context, o *app.Offerer) error
	GetOfferer(ctx context.Context, id int64) (*app.Offerer, error)
	FindOffererBySIREN(ctx context.Context, siren string) (*app.Offerer, error)
	SetOffererClosed(ctx context.Context, id int64, closed bool) error

	CreateVenue(ctx context.Context, v *app.Venue) error
	GetVenue(ctx context.Context, id int64) (*app.Venue, error)
	ListVenues(ctx context.Context, offererID int64) ([]app.Venue, error)

	// CreateAPIKey stores a new key and returns it in clear, the only time it is available.
	CreateAPIKey(ctx context.Context, offererID int64, role app.Role, label string) (string, *app.APIKey, error)
	// Authenticate returns the live key matching a clear key, or an EUNAUTHORIZED error.
	Authenticate(ctx context.Context, clear string) (*app.APIKey, error)
	RevokeAPIKey(ctx context.Context, id int64) error
	// RevokeAPIKeyUntil revokes a key; its counter may admit offline until offlineUntil.
	RevokeAPIKeyUntil(ctx context.Context, id int64, offlineUntil time.Time) error
	ListAPIKeys(ctx context.Context, offererID int64) ([]app.APIKey, error)

	CreateOffer(ctx context.Context, o *app.Offer) error
	GetOffer(ctx context.Context, id int64) (*app.Offer, error)
	ListOffers(ctx context.Context, venueID int64) ([]app.Offer, error)
	UpdateOffer(ctx context.Context, id int64, p OfferPatch) (*app.Offer, error)

	CreateStock(ctx context.Context, s *app.Stock) error
	GetStock(ctx context.Context, id int64) (*app.Stock, error)
	ListStocks(ctx context.Context, offerID int64) ([]app.Stock, error)
	// UpdateStock edits a showtime; moving it applies pass Culture's rules to its bookings.
	UpdateStock(ctx context.Context, id int64, p StockPatch, now time.Time) (*app.Stock, error)
	// DeleteStock soft-deletes a showtime and cancels its bookings that are not used yet.
	DeleteStock(ctx context.Context, id int64, now time.Time) (cancelled int, err error)

	CreateBeneficiary(ctx context.Context, b *app.Beneficiary) error
	GetBeneficiary(ctx context.Context, id int64) (*app.Beneficiary, error)
	// CreateBooking books a stock for a beneficiary at now, enforcing every booking rule in the
	// database (capacity, credit, one booking per offer) as well as in code.
	CreateBooking(ctx context.Context, r BookingRequest, now time.Time) (*app.Booking, error)

	// GetBookingByToken returns the booking of a countermark (any case), or ENOTFOUND.
	GetBookingByToken(ctx context.Context, token string) (*app.Booking, error)
	ListBookings(ctx context.Context, f BookingFilter) (Page[app.Booking], error)

	// UseBooking validates a countermark for offererID at now. The outcome says whether it was
	// admitted and why not; err is for infrastructure failures only.
	UseBooking(ctx context.Context, offererID int64, token string, v Validator, now time.Time) (app.Outcome, error)
	// KeepBooking undoes a validation.
	KeepBooking(ctx context.Context, offererID int64, token string, v Validator, now time.Time) (app.Outcome, error)
	// CancelBookingByOfferer cancels a booking for the venue; the credit returns.
	CancelBookingByOfferer(ctx context.Context, offererID int64, token string, v Validator, now time.Time) (app.Outcome, error)

	// AutoUse validates (author AUTO) every CONFIRMED booking whose showtime started more than
	// 48 h before now, and returns how many it changed.
	AutoUse(ctx context.Context, now time.Time) (int, error)

	Syncer
	TicketKeys
	SharedLimits

	// Beneficiaries and notifications (issue 3).

	// SetBeneficiaryPassword stores the password hash (bcrypt) of a beneficiary.
	SetBeneficiaryPassword(ctx context.Context, id int64, hash string) error
	// BeneficiaryCredentials returns the beneficiary with this e-mail (any case) and its password
	// hash ("" when it has none), or ENOTFOUND.
	BeneficiaryCredentials(ctx context.Context, email string) (*app.Beneficiary, string, error)
	// Secret returns the server-wide secret called name, generating size random bytes the first
	// time (the same value for every replica and across restarts).
	Secret(ctx context.Context, name string, size int) ([]byte, error)
	// SearchShowtimes returns a page of bookable showtimes around a point, nearest venues first,
	// then by start.
	SearchShowtimes(ctx context.Context, q ShowtimeSearch, now time.Time) (Page[Showtime], error)
	// GetBooking returns a booking by id, or ENOTFOUND.
	GetBooking(ctx context.Context, id int64) (*app.Booking, error)
	// ListBeneficiaryBookings returns a beneficiary's bookings, the latest first.
	ListBeneficiaryBookings(ctx context.Context, beneficiaryID int64) ([]app.Booking, error)
	// CancelBookingByBeneficiary cancels a beneficiary's own booking (another's is ENOTFOUND);
	// a refusal is EINVALID with pass Culture's message. Places and credit return.
	CancelBookingByBeneficiary(ctx context.Context, beneficiaryID, bookingID int64, now time.Time) (*app.Booking, error)

	// ClaimNotifications claims up to limit due outbox rows (PENDING and due, or SENDING with an
	// expired lease) for lease, counting an attempt on each.
	ClaimNotifications(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Notification, error)
	// NotificationSent marks a claimed row sent.
	NotificationSent(ctx context.Context, id int64, now time.Time) error
	// NotificationFailed records a failed attempt: retry at retryAt, or never when retryAt is zero.
	NotificationFailed(ctx context.Context, id int64, errText string, retryAt time.Time) error
	// ListNotifications returns the outbox rows of a booking (for tests and support).
	ListNotifications(ctx context.Context, bookingID int64) ([]Notification, error)

	// LastJobRun returns when the named job last ran (zero if never).
	LastJobRun(ctx context.Context, name string) (time.Time, error)
	// RecordJobRun records a run of the named job.
	RecordJobRun(ctx context.Context, name string, at time.Time, result string) error

	// Programme and Allociné import (issue 6).

	// AllocineSettings returns a venue's import settings, or ENOTFOUND when it has none.
	AllocineSettings(ctx context.Context, venueID int64) (*AllocineSettings, error)
	// SetAllocineSettings creates or replaces a venue's import settings.
	SetAllocineSettings(ctx context.Context, s *AllocineSettings, now time.Time) error
	// ListAllocineSettings returns the active import settings of every venue (the daily import).
	ListAllocineSettings(ctx context.Context) ([]AllocineSettings, error)
	// ApplyAllocineImport applies mapped films to a venue in one transaction: one offer per film
	// (by Allociné id), one stock per showtime key. Film data and showtimes are overwritten,
	// except what the venue edited on a showtime (price, capacity, booking limit; a moved one is
	// left alone) and the duo flag of an existing film; a film the venue deactivated and a
	// deleted showtime are left as they are (and listed as skipped); nothing is deleted. It returns the counts and skips it adds to the report.
	ApplyAllocineImport(ctx context.Context, venueID int64, films []allocine.Film, now time.Time) (allocine.Report, error)
	// RecordAllocineImport stores an import's report as the venue's last one.
	RecordAllocineImport(ctx context.Context, run *ImportRun) error
	// LastAllocineImport returns a venue's last import, or ENOTFOUND.
	LastAllocineImport(ctx context.Context, venueID int64) (*ImportRun, error)
	// Poster returns a downloaded poster, or ENOTFOUND.
	Poster(ctx context.Context, url string) (*Poster, error)
	// SavePoster stores (or replaces) a downloaded poster.
	SavePoster(ctx context.Context, p *Poster) error

	// Payouts (issue 7).

	// PricePending prices the used bookings waiting for it and re-prices, venue by venue and
	// from the changed use date on, after any un-use or cancellation; it returns how many
	// bookings it priced.
	PricePending(ctx context.Context, now time.Time) (int, error)
	// CreateBankAccount validates and stores a bank account (status pending).
	CreateBankAccount(ctx context.Context, a *BankAccount, now time.Time) error
	// ListBankAccounts returns the offerer's bank accounts with the venues they serve.
	ListBankAccounts(ctx context.Context, offererID int64) ([]BankAccount, error)
	// SetBankAccountStatus accepts or refuses a bank account (pass Culture's back office).
	SetBankAccountStatus(ctx context.Context, id int64, status string, now time.Time) error
	// SetVenueBankAccount makes accountID the venue's bank account (both of offererID).
	SetVenueBankAccount(ctx context.Context, offererID, venueID, accountID int64, now time.Time) error
	// RunPaymentCut runs the payment cut of a day (1st or 16th, not in the future; only day's
	// calendar date counts, its location is ignored); running it again for the same day changes
	// nothing and reports what the first run did.
	RunPaymentCut(ctx context.Context, day, now time.Time) (CutReport, error)
	// ListStatements returns the offerer's statements, the latest first.
	ListStatements(ctx context.Context, offererID int64) ([]Statement, error)
	// GetStatement returns a statement and its bookings; offererID store.AnyOfferer
	// reads any offerer's (operators' commands only).
	GetStatement(ctx context.Context, offererID int64, ref string) (*Statement, []StatementLine, error)
	// PayoutSummary returns the offerer's next payment, revenues and bookings awaiting validation.
	PayoutSummary(ctx context.Context, offererID int64, now time.Time) (PayoutSummary, error)
}

// ShowtimeSearch is a beneficiary's discovery query: showtimes within RadiusKm of a point.
type ShowtimeSearch struct {
	Latitude, Longitude float64
	RadiusKm            float64
	Page                int // 1-based
	Per                 int
}

// Showtime is one bookable showtime found by the discovery, with its distance.
type Showtime struct {
	DistanceKm float64
	Venue      app.Venue
	Offer      app.Offer
	Stock      app.Stock
}

// Notification events, audiences and outbox statuses.
const (
	EventBooked    = "BOOKED"
	EventCancelled = "CANCELLED"

	AudienceVenue       = "VENUE"
	AudienceBeneficiary = "BENEFICIARY"

	OutboxPending = "PENDING"
	OutboxSending = "SENDING"
	OutboxSent    = "SENT"
	OutboxFailed  = "FAILED"
)

// Notification is one e-mail of the outbox: what happened to which booking, for whom.
type Notification struct {
	ID          int64
	BookingID   int64
	Event       string // EventBooked or EventCancelled
	Audience    string // AudienceVenue or AudienceBeneficiary
	Recipient   string
	Reason      app.CancellationReason
	Status      string
	Attempts    int // attempts so far, this one included when claimed
	NextAttempt time.Time
	LastError   string
	CreatedAt   time.Time
	SentAt      time.Time
}

// Rev is an item with the revision of its last change.
type Rev[T any] struct {
	Item T
	Rev  int64
}

// Changes is one page of a venue's changes after a cursor.
type Changes struct {
	Offers   []Rev[app.Offer]
	Stocks   []Rev[app.Stock]
	Bookings []Rev[app.Booking]
	Cursor   int64  // the revision to ask after next time
	More     bool   // another page is waiting
	Database string // the database's identity
	Head     int64  // the database's latest revision (a cursor beyond it comes from elsewhere)
}

// Digest sums up a venue's bookings per showtime, for a counter to check its copy.
type Digest struct {
	Database  string
	Cursor    int64 // the latest revision of the venue's offers and of the showtimes and bookings summed up
	Showtimes []ShowtimeDigest
}

// ShowtimeDigest is the number of bookings of a showtime and a hash of their states.
type ShowtimeDigest struct {
	StockID  int64
	Bookings int
	Hash     string
}

// ScanEvent is a validation made at a counter, pushed by the device.
type ScanEvent struct {
	Nonce        string
	Token        string
	Kind         string // "use" or "keep"
	Mode         string // "online": the server decides; "offline": the device already decided
	ScannedAt    time.Time
	LocalVerdict app.OutcomeCode
	// Undoes is, for a keep, the nonce of the validation it undoes ("" for one made without a
	// counter scan); nil when the device did not say (older counters).
	Undoes *string
	// VenueID is the venue the counter works for, when it says: a conflict without a booking
	// (unknown countermark) is shown there.
	VenueID int64
	// AskOtherDay: an online use for a showtime on another day is answered app.OutcomeConfirm
	// and not applied (protocol.ScanEvent.AskOtherDay).
	AskOtherDay bool
}

// ScanResult is the server's verdict on a scan event; replays of a nonce get the same one.
type ScanResult struct {
	Nonce    string
	Outcome  app.Outcome
	Conflict *Conflict
	Replayed bool
	// Rev is the booking's revision as read after the event (0 without a booking).
	Rev int64
	// Err is this event's own failure (an app error, EINVALID for a bad event): nothing of it
	// was applied, and the other events of the push were judged without it.
	Err error
}

// Conflict kinds.
const (
	ConflictDoubleAdmission     = "DOUBLE_ADMISSION"      // admitted offline, also admitted elsewhere
	ConflictCancelledBeforeScan = "CANCELLED_BEFORE_SCAN" // admitted offline, cancelled before the scan
	ConflictNotUsable           = "NOT_USABLE"            // admitted offline, but the server could not validate it
	ConflictKeepNotApplied      = "KEEP_NOT_APPLIED"      // un-validated offline, but validated again since by someone else
	ConflictUnknownCountermark  = "UNKNOWN_COUNTERMARK"   // admitted offline, a countermark not in this offerer's venues
)

// Conflict is a problem found while reconciling an offline admission.
type Conflict struct {
	ID             int64
	Kind           string
	VenueID        int64
	BookingID      int64
	Token          string
	OfferName      string
	Beneficiary    string
	Nonce          string
	Device         string
	ScannedAt      time.Time
	OtherDevice    string
	OtherAt        time.Time
	Detail         string
	CreatedAt      time.Time
	AcknowledgedAt time.Time
}

// TicketKey is a venue's key pair for signed tickets (issue 16). The private half never leaves
// the server: counters get app.TicketKey only.
type TicketKey struct {
	app.TicketKey
	Private   ed25519.PrivateKey
	CreatedAt time.Time
}

// SharedLimits are rate-limit buckets kept in the database, so that every replica sharing it
// counts against the same bucket (sign-in attempts per e-mail).
type SharedLimits interface {
	// TakeToken takes one token from the named bucket, which holds burst tokens and gains one
	// every every; when it is empty ok is false and wait is how long until the next token.
	TakeToken(ctx context.Context, bucket string, every time.Duration, burst int, now time.Time) (ok bool, wait time.Duration, err error)
	// PurgeRateBuckets deletes the buckets full again at now and returns how many.
	PurgeRateBuckets(ctx context.Context, now time.Time) (int, error)
}

// TicketKeys keeps the venues' keys for signed tickets.
type TicketKeys interface {
	// AddTicketKey stores a new key pair of a venue and sets its ID.
	AddTicketKey(ctx context.Context, k *TicketKey) error
	// TicketKeys returns a venue's keys whose validity ends after after, the oldest first.
	TicketKeys(ctx context.Context, venueID int64, after time.Time) ([]TicketKey, error)
	// RetireTicketKey ends a key's validity at at (when it ended later); ENOTFOUND when there is
	// no such key.
	RetireTicketKey(ctx context.Context, id int64, at time.Time) error
}

// Syncer is the part of the store that counter devices sync with.
type Syncer interface {
	// Changes returns up to limit changed offers, showtimes and bookings of a venue of the
	// offerer with a revision above since.
	Changes(ctx context.Context, offererID, venueID, since int64, limit int) (Changes, error)
	// ChangesFrom is Changes for the showtimes starting at or after from (a counter's pull
	// window) and their bookings.
	ChangesFrom(ctx context.Context, offererID, venueID, since int64, limit int, from time.Time) (Changes, error)
	// Digest sums up the bookings of a venue's showtimes starting at or after from, per showtime
	// (protocol.BookingHash).
	Digest(ctx context.Context, offererID, venueID int64, from time.Time) (Digest, error)
	// LANSecret returns the venue's LAN secret (made the first time): the key material its
	// counters authenticate their messages to each other with (counter/lan).
	LANSecret(ctx context.Context, offererID, venueID int64) (string, error)
	// PushScans applies scan events idempotently by nonce, recording the key and device.
	PushScans(ctx context.Context, key *app.APIKey, device string, events []ScanEvent, now time.Time) ([]ScanResult, error)
	// Conflicts lists a venue's conflicts, unacknowledged only unless all is set.
	Conflicts(ctx context.Context, offererID, venueID int64, all bool) ([]Conflict, error)
	// AckConflict acknowledges a conflict of the offerer.
	AckConflict(ctx context.Context, offererID, id int64, by string, now time.Time) error
	// ScanMisses returns the offerer's counts of online scans that matched no booking (such
	// scans are counted per key and day, not stored), the latest first.
	ScanMisses(ctx context.Context, offererID int64) ([]ScanMisses, error)
	// PurgeScans deletes the scan events received before before and older miss counts.
	PurgeScans(ctx context.Context, before time.Time) (PurgeReport, error)
}

// ScanMisses counts one key's online scans of one UTC day that matched no booking.
type ScanMisses struct {
	KeyID  int64
	Day    time.Time
	Misses int64
	Last   time.Time
}

// PurgeReport says what a purge deleted.
type PurgeReport struct {
	ScanEvents  int
	MissDays    int
	RateBuckets int // shared rate-limit buckets full again (PurgeRateBuckets)
}

// AllocineSettings are a venue's Allociné import settings.
type AllocineSettings struct {
	VenueID    int64
	TheaterID  string
	PriceCents int64 // "Prix de vente/place"
	Capacity   *int  // "Nombre de places/séance"; nil: unlimited
	Duo        bool  // "Accepter les réservations DUO"
	Active     bool
	UpdatedAt  time.Time
}

// Validate checks settings before they are stored.
func (s *AllocineSettings) Validate() error {
	switch {
	case s.TheaterID == "" || len(s.TheaterID) > 64:
		return app.FieldError("theaterId", "L'identifiant Allociné du cinéma est obligatoire.")
	case s.PriceCents < 0 || s.PriceCents > app.MaxPriceCents:
		return app.FieldError("priceCents", "Le prix de vente doit être compris entre 0 et 300 €.")
	case s.Capacity != nil && *s.Capacity < 0:
		return app.FieldError("capacity", "Le nombre de places doit être positif.")
	}
	return nil
}

// ImportRun is one import of a venue and its report.
type ImportRun struct {
	VenueID int64
	At      time.Time
	OK      bool
	Report  allocine.Report
}

// Poster is a film poster downloaded from Allociné, served to the app.
type Poster struct {
	URL         string
	ContentType string
	Data        []byte
	FetchedAt   time.Time
}

// Validations is what the database says of a countermark's validation: whether its booking is
// validated now, and how many validations (USE events) it has had.
type Validations struct {
	Used bool
	Uses int
}

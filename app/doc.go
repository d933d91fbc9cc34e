// Package app is Guichet's domain: bookings, showtimes, countermarks and the rules of the
// pass Culture that the counter app and the sync server share. It uses the standard library
// only, performs no I/O and never reads the clock: callers pass the time in.
package app

package auth

import (
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/crypto/bcrypt"
)

func TestPasswords(t *testing.T) {
	h, err := HashPassword("secret", bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	if !CheckPassword(h, "secret") || CheckPassword(h, "Secret") || CheckPassword("", "") {
		t.Error("password check")
	}
	a, _ := NewPassword()
	b, _ := NewPassword()
	if len(a) != 16 || a == b {
		t.Errorf("generated passwords %q %q", a, b)
	}
}

func TestSigner(t *testing.T) {
	key := []byte(strings.Repeat("a", 32))
	s, err := NewSigner(key)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewSigner(key[:16]); err == nil {
		t.Error("short key accepted")
	}
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	tok, err := s.Issue(42, now)
	if err != nil {
		t.Fatal(err)
	}
	if id, err := s.Verify(tok, now.Add(59*time.Minute)); err != nil || id != 42 {
		t.Errorf("valid token: %d %v", id, err)
	}
	other, _ := NewSigner([]byte(strings.Repeat("b", 32)))
	forged, _ := other.Issue(42, now)
	none, _ := jwt.NewWithClaims(jwt.SigningMethodNone, jwt.RegisteredClaims{Issuer: issuer, Subject: "42",
		ExpiresAt: jwt.NewNumericDate(now.Add(time.Hour))}).SignedString(jwt.UnsafeAllowNoneSignatureType)
	noExpiry, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.RegisteredClaims{Issuer: issuer, Subject: "42"}).SignedString(key)
	for name, c := range map[string]struct {
		tok string
		at  time.Time
	}{
		"expired": {tok, now.Add(61 * time.Minute)}, "other key": {forged, now}, "alg none": {none, now},
		"no expiry": {noExpiry, now}, "garbage": {"a.b.c", now}, "empty": {"", now},
	} {
		if _, err := s.Verify(c.tok, c.at); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

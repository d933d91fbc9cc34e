// Package auth holds the beneficiaries' credentials: bcrypt password hashes and the short-lived
// HS256 bearer tokens (JWT) that sign-in yields. The signing key is a server-wide secret kept in
// the database, so tokens survive restarts and are accepted by every replica.
package auth

import (
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/crypto/bcrypt"
)

// TokenTTL is how long a sign-in token is valid.
const TokenTTL = time.Hour

// SecretName is the name of the signing key in the store's secrets; SecretSize its length.
const (
	SecretName = "native-jwt-hs256"
	SecretSize = 32
)

const issuer = "guichet"

// HashPassword returns the bcrypt hash of a password at cost (bcrypt.DefaultCost when 0).
func HashPassword(password string, cost int) (string, error) {
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), cost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// CheckPassword reports whether password matches hash. An empty hash never matches.
func CheckPassword(hash, password string) bool {
	if hash == "" {
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil
}

// NewPassword draws a random password of 16 characters (80 bits).
func NewPassword() (string, error) {
	b := make([]byte, 10)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("draw password: %w", err)
	}
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b), nil
}

// Signer issues and verifies sign-in tokens with one HS256 key.
type Signer struct {
	key []byte
}

// NewSigner returns a signer with key, which must be at least 32 bytes.
func NewSigner(key []byte) (*Signer, error) {
	if len(key) < 32 {
		return nil, errors.New("signing key shorter than 32 bytes")
	}
	return &Signer{key: key}, nil
}

// Issue returns a token for a beneficiary, valid TokenTTL from now.
func (s *Signer) Issue(beneficiaryID int64, now time.Time) (string, error) {
	claims := jwt.RegisteredClaims{
		Issuer:    issuer,
		Subject:   strconv.FormatInt(beneficiaryID, 10),
		IssuedAt:  jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(now.Add(TokenTTL)),
	}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(s.key)
	if err != nil {
		return "", fmt.Errorf("sign token: %w", err)
	}
	return tok, nil
}

// ErrBadToken is returned for any token that is not one of ours, altered, or expired.
var ErrBadToken = errors.New("invalid or expired token")

// Verify checks a token at now and returns the beneficiary id it was issued for.
func (s *Signer) Verify(token string, now time.Time) (int64, error) {
	var claims jwt.RegisteredClaims
	_, err := jwt.ParseWithClaims(token, &claims, func(*jwt.Token) (any, error) { return s.key, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}), jwt.WithIssuer(issuer),
		jwt.WithExpirationRequired(), jwt.WithTimeFunc(func() time.Time { return now }))
	if err != nil {
		return 0, fmt.Errorf("%w: %v", ErrBadToken, err)
	}
	id, err := strconv.ParseInt(claims.Subject, 10, 64)
	if err != nil || id <= 0 {
		return 0, ErrBadToken
	}
	return id, nil
}

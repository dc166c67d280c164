// Package auth checks the shared secret tokens that guard metahost's APIs.
//
// Tokens are compared in constant time over their SHA-256 digests, so neither
// the content nor the length of the configured token leaks through timing.
// A Token never prints its secret: its String and GoString methods, and its
// JSON/text encodings, are redacted, so passing one to a logger is safe.
package auth

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"
)

// Token is a configured secret.
type Token struct {
	digest [sha256.Size]byte
	empty  bool
}

// NewToken wraps secret. An empty secret means "no token configured": every
// check passes, as Doris does when http_token is empty.
func NewToken(secret string) Token {
	return Token{digest: sha256.Sum256([]byte(secret)), empty: secret == ""}
}

// Disabled reports whether no token is configured.
func (t Token) Disabled() bool { return t.empty }

// Check reports whether given matches the token, in constant time.
func (t Token) Check(given string) bool {
	if t.empty {
		return true
	}
	d := sha256.Sum256([]byte(given))
	return subtle.ConstantTimeCompare(d[:], t.digest[:]) == 1
}

// FromRequest extracts a token from a request: the `Authorization: Bearer`
// header, the `X-Metahost-Token` header, or the `token` query parameter, in
// that order.
func FromRequest(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		if v, ok := strings.CutPrefix(h, "Bearer "); ok {
			return strings.TrimSpace(v)
		}
	}
	if h := r.Header.Get(HeaderToken); h != "" {
		return h
	}
	return r.URL.Query().Get("token")
}

// HeaderToken is the header metahost nodes use to authenticate to each other.
const HeaderToken = "X-Metahost-Token"

// String redacts the secret.
func (t Token) String() string { return "[redacted]" }

// GoString redacts the secret.
func (t Token) GoString() string { return "auth.Token{[redacted]}" }

// MarshalText redacts the secret.
func (t Token) MarshalText() ([]byte, error) { return []byte("[redacted]"), nil }

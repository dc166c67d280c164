// Package secrets encrypts the credentials metahost keeps at rest (AK/SK of
// object stores, RAM users) with a cluster-wide root key.
//
// Encryption is deterministic AES-256-GCM: the nonce is an HMAC of the
// plaintext, so equal plaintexts give equal ciphertexts (like Doris's
// AES_256_ECB, which the meta service relies on to compare credentials
// without decrypting them) while distinct plaintexts never share a nonce.
// Commands carry ciphertext, so plaintext secrets reach neither the raft log
// nor the state file.
package secrets

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// KeySize is the root key length in bytes.
const KeySize = 32

// prefix marks a sealed value, so a plaintext can never be mistaken for one.
const prefix = "mh1:"

// Keyring seals and opens secrets with keys derived from the root key.
type Keyring struct {
	aead   cipher.AEAD
	macKey []byte
}

// New derives a keyring from a 32-byte root key.
func New(root []byte) (*Keyring, error) {
	if len(root) != KeySize {
		return nil, fmt.Errorf("root key must be %d bytes, got %d", KeySize, len(root))
	}
	block, err := aes.NewCipher(derive(root, "metahost secrets v1 encryption"))
	if err != nil {
		return nil, fmt.Errorf("root key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("root key: %w", err)
	}
	return &Keyring{aead: aead, macKey: derive(root, "metahost secrets v1 nonce")}, nil
}

func derive(root []byte, label string) []byte {
	m := hmac.New(sha256.New, root)
	m.Write([]byte(label))
	return m.Sum(nil)
}

// Seal encrypts plaintext. The empty string stays empty (Doris checks
// emptiness of credential fields).
func (k *Keyring) Seal(plaintext string) string {
	if plaintext == "" {
		return ""
	}
	m := hmac.New(sha256.New, k.macKey)
	m.Write([]byte(plaintext))
	nonce := m.Sum(nil)[:k.aead.NonceSize()]
	out := k.aead.Seal(append([]byte(nil), nonce...), nonce, []byte(plaintext), nil)
	return prefix + base64.RawStdEncoding.EncodeToString(out)
}

// IsSealed reports whether s looks like a value produced by Seal.
func IsSealed(s string) bool { return strings.HasPrefix(s, prefix) }

// ErrNotSealed is returned by Open for a value Seal did not produce.
var ErrNotSealed = errors.New("value is not an encrypted secret")

// Open decrypts a value produced by Seal. The empty string opens to empty.
func (k *Keyring) Open(sealed string) (string, error) {
	if sealed == "" {
		return "", nil
	}
	raw, ok := strings.CutPrefix(sealed, prefix)
	if !ok {
		return "", ErrNotSealed
	}
	b, err := base64.RawStdEncoding.DecodeString(raw)
	if err != nil || len(b) < k.aead.NonceSize() {
		return "", ErrNotSealed
	}
	pt, err := k.aead.Open(nil, b[:k.aead.NonceSize()], b[k.aead.NonceSize():], nil)
	if err != nil {
		return "", fmt.Errorf("decrypt secret: %w", err)
	}
	return string(pt), nil
}

// GenerateKey returns a new random root key.
func GenerateKey() ([]byte, error) {
	k := make([]byte, KeySize)
	if _, err := io.ReadFull(rand.Reader, k); err != nil {
		return nil, fmt.Errorf("generate root key: %w", err)
	}
	return k, nil
}

// ParseKey reads a root key written as 64 hex characters (the file format
// and the config format).
func ParseKey(s string) ([]byte, error) {
	k, err := hex.DecodeString(strings.TrimSpace(s))
	if err != nil || len(k) != KeySize {
		return nil, fmt.Errorf("root key must be %d hex characters", 2*KeySize)
	}
	return k, nil
}

// FormatKey writes a root key as hex.
func FormatKey(k []byte) string { return hex.EncodeToString(k) }

// LoadFile reads the root key file at path.
func LoadFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	k, err := ParseKey(string(b))
	if err != nil {
		return nil, fmt.Errorf("root key file %s: %w", path, err)
	}
	return k, nil
}

// WriteFile stores a root key at path, readable by the owner only.
func WriteFile(path string, k []byte) error {
	if err := os.WriteFile(path, []byte(FormatKey(k)+"\n"), 0o600); err != nil {
		return fmt.Errorf("write root key: %w", err)
	}
	return nil
}

package otsdb

import (
	"strings"
	"unicode"
)

// NameValidator checks metric names, tag names and tag values like
// OpenTSDB's Tags.validateString. The zero value is OpenTSDB's default
// configuration.
type NameValidator struct {
	// AllowSpecialChars lists extra allowed characters
	// (tsd.core.tag.allow_specialchars).
	AllowSpecialChars string
}

// ValidateString checks s with the default configuration; see
// NameValidator.Validate.
func ValidateString(what, s string) error { return NameValidator{}.Validate(what, s) }

// Validate checks s, described as what in messages ("metric name",
// "tag name with value [v]", "tag value with key [k]"). Allowed: a-z A-Z 0-9
// - _ . /, BMP letters (Java Character.isLetter), and AllowSpecialChars.
// Characters outside the BMP are rejected (Java tests them as surrogate
// halves). Errors (Kind ErrInvalidName):
//
//	Invalid <what>: empty string
//	Invalid <what> ("<s>"): illegal character: <c>
func (v NameValidator) Validate(what, s string) error {
	if s == "" {
		return &PointError{Kind: ErrInvalidName, Text: "Invalid " + what + ": empty string"}
	}
	for _, r := range s {
		if isAllowedNameRune(r, v.AllowSpecialChars) {
			continue
		}
		return &PointError{Kind: ErrInvalidName,
			Text: "Invalid " + what + " (\"" + s + "\"): illegal character: " + string(r)}
	}
	return nil
}

// validateNull is Tags.validateString for a Java null string.
func validateNull(what string) error {
	return &PointError{Kind: ErrInvalidName, Text: "Invalid " + what + ": null"}
}

func isAllowedNameRune(r rune, special string) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9',
		r == '-', r == '_', r == '.', r == '/':
		return true
	}
	if special != "" && strings.ContainsRune(special, r) {
		return true
	}
	return r >= 0x80 && r <= 0xFFFF && unicode.IsLetter(r)
}

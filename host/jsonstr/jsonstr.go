// Package jsonstr writes JSON strings the way the reference servers'
// hand-rolled writers do (rapidjson's Writer for Doris, Jackson for
// OpenTSDB): '"' and '\' backslash-escaped, \b \f \n \r \t as two-character
// escapes, every other byte below 0x20 as \u00XX with upper-case hex, and
// everything else raw: no escaping of '/', of HTML characters or of
// non-ASCII bytes (valid UTF-8 or not). encoding/json differs on all of
// those, so byte-compatible replies cannot use it.
package jsonstr

const upperHex = "0123456789ABCDEF"

// Append appends s as a quoted JSON string.
func Append(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"':
			dst = append(dst, '\\', '"')
		case '\\':
			dst = append(dst, '\\', '\\')
		case '\b':
			dst = append(dst, '\\', 'b')
		case '\f':
			dst = append(dst, '\\', 'f')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', upperHex[c>>4], upperHex[c&0xf])
		}
		start = i + 1
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

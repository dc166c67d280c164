package otsdb

import (
	"math"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// AppendJavaDouble appends Java's Double.toString(d) to dst, using the
// shortest round-tripping digits (JDK 19+ behaviour; older JDKs occasionally
// print a longer form, see the spec's Appendix A).
func AppendJavaDouble(dst []byte, d float64) []byte {
	switch {
	case math.IsNaN(d):
		return append(dst, "NaN"...)
	case math.IsInf(d, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(d, -1):
		return append(dst, "-Infinity"...)
	case d == 0:
		if math.Signbit(d) {
			return append(dst, "-0.0"...)
		}
		return append(dst, "0.0"...)
	}
	if d < 0 {
		dst = append(dst, '-')
		d = -d
	}
	var buf [32]byte
	sci := strconv.AppendFloat(buf[:0], d, 'e', -1, 64) // d[.ddd]e±XX
	if sci[1] == 'e' && d < 0x1p-1022 {
		// Java prints at least two digits and, among the shortest that
		// round-trip, the one closest to the exact value. For normal doubles
		// that is always d.0; deep subnormals can differ (MIN_VALUE is
		// "4.9E-324", not "5.0E-324").
		two := strconv.AppendFloat(buf[:0], d, 'e', 1, 64)
		if back, err := strconv.ParseFloat(string(two), 64); err == nil && back == d {
			sci = two
		} else {
			sci = strconv.AppendFloat(buf[:0], d, 'e', -1, 64)
		}
	}
	ePos := len(sci) - 1
	for sci[ePos] != 'e' {
		ePos--
	}
	exp := 0
	neg := sci[ePos+1] == '-'
	for _, c := range sci[ePos+2:] {
		exp = exp*10 + int(c-'0')
	}
	if neg {
		exp = -exp
	}
	// Collect the significant digits without the decimal point.
	var digBuf [24]byte
	digits := append(digBuf[:0], sci[0])
	if ePos > 1 {
		digits = append(digits, sci[2:ePos]...)
	}
	if exp >= -3 && exp < 7 {
		if exp >= 0 {
			intLen := exp + 1
			if len(digits) <= intLen {
				dst = append(dst, digits...)
				for i := len(digits); i < intLen; i++ {
					dst = append(dst, '0')
				}
				return append(dst, ".0"...)
			}
			dst = append(dst, digits[:intLen]...)
			dst = append(dst, '.')
			return append(dst, digits[intLen:]...)
		}
		dst = append(dst, "0."...)
		for i := 0; i < -exp-1; i++ {
			dst = append(dst, '0')
		}
		return append(dst, digits...)
	}
	dst = append(dst, digits[0], '.')
	if len(digits) > 1 {
		dst = append(dst, digits[1:]...)
	} else {
		dst = append(dst, '0')
	}
	dst = append(dst, 'E')
	return strconv.AppendInt(dst, int64(exp), 10)
}

// JavaDoubleString returns Java's Double.toString(d).
func JavaDoubleString(d float64) string { return string(AppendJavaDouble(nil, d)) }

// AppendJavaByteArray appends Java's Arrays.toString(byte[]) rendering of b
// (signed bytes): "[0, 0, -1]".
func AppendJavaByteArray(dst, b []byte) []byte {
	dst = append(dst, '[')
	for i, c := range b {
		if i > 0 {
			dst = append(dst, ", "...)
		}
		dst = strconv.AppendInt(dst, int64(int8(c)), 10)
	}
	return append(dst, ']')
}

// JavaByteArrayString returns Java's Arrays.toString(byte[]) rendering of b.
func JavaByteArrayString(b []byte) string { return string(AppendJavaByteArray(nil, b)) }

// javaTrim is Java's String.trim: it removes leading and trailing chars
// <= U+0020.
func javaTrim(s string) string {
	i, j := 0, len(s)
	for i < j && s[i] <= ' ' {
		i++
	}
	for j > i && s[j-1] <= ' ' {
		j--
	}
	return s[i:j]
}

// javaDigit is Character.digit(ch, 10) for a BMP char: the value of a
// Unicode decimal digit (general category Nd), or -1. Supplementary
// characters are -1 because Java sees them as two surrogate halves.
func javaDigit(r rune) int {
	if r >= '0' && r <= '9' {
		return int(r - '0')
	}
	if r < 0x80 || r > 0xFFFF {
		return -1
	}
	for _, rng := range unicode.Nd.R16 {
		if uint16(r) < rng.Lo {
			return -1
		}
		if uint16(r) <= rng.Hi {
			// Nd digits come in contiguous runs 0..9, so a range start is a zero.
			return int(uint16(r)-rng.Lo) % 10
		}
	}
	return -1
}

// JavaParseLong parses s like Java's Long.parseLong(s) (bits = 64) or
// Integer.parseInt(s) (bits = 32): an optional '+' or '-', then one or more
// decimal digits (any BMP Unicode decimal digit, as Character.digit
// accepts), no whitespace, within range. ok is false where Java throws
// NumberFormatException.
func JavaParseLong(s string, bits int) (v int64, ok bool) {
	if s == "" {
		return 0, false
	}
	neg := false
	i := 0
	switch s[0] {
	case '-':
		neg = true
		i = 1
	case '+':
		i = 1
	}
	if i == len(s) {
		return 0, false
	}
	limit := uint64(1)<<(bits-1) - 1 // max positive magnitude
	if neg {
		limit++
	}
	var mag uint64
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			return 0, false
		}
		d := javaDigit(r)
		if d < 0 {
			return 0, false
		}
		if mag > (limit-uint64(d))/10 {
			return 0, false
		}
		mag = mag*10 + uint64(d)
		i += size
	}
	if neg {
		return -int64(mag), true // mag == 1<<63 wraps to MinInt64, which is right
	}
	return int64(mag), true
}

// utf16Len is the length of s in UTF-16 code units (Java String.length()).
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// isJavaIdentifierPart approximates Character.isJavaIdentifierPart, which
// Jackson uses to reject a literal glued to a following word ("nullx").
func isJavaIdentifierPart(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '$':
		return true
	case r < 0x80:
		return false
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) ||
		unicode.Is(unicode.Mc, r) || unicode.Is(unicode.Pc, r) || unicode.Is(unicode.Sc, r)
}

package otsdb

import (
	"encoding/binary"
	"math"
	"strconv"
	"strings"
)

// ValueKind is the storage type OpenTSDB chooses for a written value.
type ValueKind uint8

// Value kinds.
const (
	// KindInt is a 64-bit integer stored in the smallest of 1/2/4/8 bytes.
	KindInt ValueKind = iota
	// KindFloat32 is a float-path value with (float)d == d: a 4-byte float.
	KindFloat32
	// KindFloat64 is any other float-path value: an 8-byte double.
	KindFloat64
)

// Cell flag bits (§3): bit 0x8 marks a float, the low 3 bits are the value
// length minus one.
const (
	FlagFloat  byte = 0x8
	lenMask    byte = 0x7
	float64Len      = 8
)

// Value is a data point value typed the way OpenTSDB types it on write
// (§5). The zero Value is the integer 0.
type Value struct {
	kind ValueKind
	i    int64
	f    float64
}

// IntValue returns an integer Value.
func IntValue(v int64) Value { return Value{kind: KindInt, i: v} }

// FloatValue returns a float-path Value holding d, typed KindFloat32 when
// (float)d == d and KindFloat64 otherwise.
func FloatValue(d float64) Value {
	if float64(float32(d)) == d {
		return Value{kind: KindFloat32, f: d}
	}
	return Value{kind: KindFloat64, f: d}
}

// Kind returns the storage type.
func (v Value) Kind() ValueKind { return v.kind }

// IsInteger reports whether the value took the integer path.
func (v Value) IsInteger() bool { return v.kind == KindInt }

// Int returns the integer (0 for float values).
func (v Value) Int() int64 { return v.i }

// Float returns the value as a float64 (integers are converted).
func (v Value) Float() float64 {
	if v.kind == KindInt {
		return float64(v.i)
	}
	return v.f
}

// IsFinite reports whether the value is an integer or a finite float.
func (v Value) IsFinite() bool {
	return v.kind == KindInt || !(math.IsNaN(v.f) || math.IsInf(v.f, 0))
}

// AppendText appends the read-back text of the value (the "value" string of
// /api/query/last): decimal for integers, Java Double.toString for floats.
func (v Value) AppendText(dst []byte) []byte {
	if v.kind == KindInt {
		return strconv.AppendInt(dst, v.i, 10)
	}
	return AppendJavaDouble(dst, v.f)
}

// String returns the read-back text of the value (see AppendText).
func (v Value) String() string {
	if v.kind == KindInt {
		return strconv.FormatInt(v.i, 10)
	}
	var buf [32]byte
	return string(AppendJavaDouble(buf[:0], v.f))
}

// AppendEncoded appends the storage encoding of the value (§3, §5) and
// returns the cell flags: integers in the smallest of 1/2/4/8 big-endian
// two's-complement bytes (flags = length-1); KindFloat32 as a 4-byte IEEE
// float (flags 0x0B); KindFloat64 as an 8-byte double (flags 0x0F).
func (v Value) AppendEncoded(dst []byte) ([]byte, byte) {
	switch v.kind {
	case KindInt:
		return appendIntBytes(dst, v.i)
	case KindFloat32:
		return binary.BigEndian.AppendUint32(dst, math.Float32bits(float32(v.f))), FlagFloat | 3
	default:
		return binary.BigEndian.AppendUint64(dst, math.Float64bits(v.f)), FlagFloat | lenMask
	}
}

// DecodeValue is the inverse of AppendEncoded: it rebuilds a Value from
// cell bytes and flags. ok is false when the length does not match the flags
// or is not a valid width.
func DecodeValue(b []byte, flags byte) (v Value, ok bool) {
	n := int(flags&lenMask) + 1
	if len(b) != n {
		return Value{}, false
	}
	if flags&FlagFloat != 0 {
		switch n {
		case 4:
			return Value{kind: KindFloat32, f: float64(math.Float32frombits(binary.BigEndian.Uint32(b)))}, true
		case 8:
			return FloatValue(math.Float64frombits(binary.BigEndian.Uint64(b))), true
		}
		return Value{}, false
	}
	switch n {
	case 1:
		return IntValue(int64(int8(b[0]))), true
	case 2:
		return IntValue(int64(int16(binary.BigEndian.Uint16(b)))), true
	case 4:
		return IntValue(int64(int32(binary.BigEndian.Uint32(b)))), true
	case 8:
		return IntValue(int64(binary.BigEndian.Uint64(b))), true
	}
	return Value{}, false
}

// appendPutEncoded appends the bytes and returns the flags that OpenTSDB's
// HTTP put path hands to addPointInternal, which is what the
// "bad timestamp=... value=<bytes>/<flags>" text shows. PutDataPointRpc
// calls addPoint(metric, ts, fitsInFloat(v) ? Float.parseFloat(v) :
// Double.parseDouble(v), tags); the conditional expression is typed double
// (Java numeric promotion), so every float-path value reaches
// addPoint(double) and is encoded as an 8-byte double, flags 15.
func (v Value) appendPutEncoded(dst []byte) ([]byte, byte) {
	if v.kind == KindInt {
		return appendIntBytes(dst, v.i)
	}
	return binary.BigEndian.AppendUint64(dst, math.Float64bits(v.f)), FlagFloat | lenMask
}

func appendIntBytes(dst []byte, x int64) ([]byte, byte) {
	switch {
	case x >= math.MinInt8 && x <= math.MaxInt8:
		return append(dst, byte(x)), 0
	case x >= math.MinInt16 && x <= math.MaxInt16:
		return binary.BigEndian.AppendUint16(dst, uint16(x)), 1
	case x >= math.MinInt32 && x <= math.MaxInt32:
		return binary.BigEndian.AppendUint32(dst, uint32(x)), 3
	default:
		return binary.BigEndian.AppendUint64(dst, uint64(x)), 7
	}
}

// ParseValue types a put value text exactly as OpenTSDB does (§5).
//
// Texts without '.', 'e' and 'E' take the integer path (Tags.parseLong: an
// optional sign, ASCII digits, at most 19 digits, int64 range). Others take
// the float path (Java Double.parseDouble: trimmed of chars <= U+0020,
// optional sign, decimal with optional exponent and an optional f/F/d/D
// suffix, hex floats with a binary exponent, or the words NaN/Infinity).
// Failures return ErrValueNotNumber. A float-path value that parses to NaN
// or ±Infinity (e.g. overflow "1e999") is returned together with
// ErrValueNotFinite; render its wire text with NotFiniteMessage.
func ParseValue(text string) (Value, error) {
	if looksLikeInteger(text) {
		n, ok := parseTagsLong(text)
		if !ok {
			return Value{}, ErrValueNotNumber
		}
		return IntValue(n), nil
	}
	d, ok := parseJavaDouble(text)
	if !ok {
		return Value{}, ErrValueNotNumber
	}
	v := FloatValue(d)
	if !v.IsFinite() {
		return v, ErrValueNotFinite
	}
	return v, nil
}

// NotFiniteMessage renders the per-point error for a NaN/Infinite value:
// "value is NaN or Infinite: <v> for metric=<metric> timestamp=<ts>".
func NotFiniteMessage(v Value, metric string, ts int64) string {
	b := make([]byte, 0, 64+len(metric))
	b = append(b, "value is NaN or Infinite: "...)
	b = v.AppendText(b)
	b = append(b, " for metric="...)
	b = append(b, metric...)
	b = append(b, " timestamp="...)
	b = strconv.AppendInt(b, ts, 10)
	return string(b)
}

// looksLikeInteger is Tags.looksLikeInteger: no '.', 'e' or 'E'.
func looksLikeInteger(s string) bool {
	return strings.IndexByte(s, '.') < 0 && strings.IndexByte(s, 'e') < 0 && strings.IndexByte(s, 'E') < 0
}

// parseTagsLong is OpenTSDB's Tags.parseLong: an optional single leading '+'
// or '-', then ASCII digits only; at most 20 chars with a sign, 19 without;
// int64 range.
func parseTagsLong(s string) (int64, bool) {
	n := len(s)
	if n == 0 {
		return 0, false
	}
	i := 0
	neg := false
	if s[0] == '+' || s[0] == '-' {
		if n == 1 || n > 20 {
			return 0, false
		}
		neg = s[0] == '-'
		i = 1
	} else if n > 19 {
		return 0, false
	}
	var mag uint64
	for ; i < n; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		mag = mag*10 + uint64(c-'0') // at most 19 digits: cannot overflow uint64
	}
	if neg {
		if mag > 1<<63 {
			return 0, false
		}
		return -int64(mag), true
	}
	if mag > math.MaxInt64 {
		return 0, false
	}
	return int64(mag), true
}

// parseJavaDouble is Java's Double.parseDouble. ok is false where Java throws
// NumberFormatException. Overflow yields ±Inf, underflow ±0.
func parseJavaDouble(s string) (float64, bool) {
	s = javaTrim(s)
	if s == "" {
		return 0, false
	}
	i := 0
	neg := false
	if s[0] == '+' || s[0] == '-' {
		neg = s[0] == '-'
		i = 1
	}
	rest := s[i:]
	switch {
	case rest == "NaN":
		return math.NaN(), true
	case rest == "Infinity":
		if neg {
			return math.Inf(-1), true
		}
		return math.Inf(1), true
	case len(rest) >= 2 && rest[0] == '0' && (rest[1] == 'x' || rest[1] == 'X'):
		return parseJavaHexDouble(s, rest[2:])
	}
	// Decimal: digits with at most one '.', at least one digit, optional
	// exponent with at least one digit, optional single f/F/d/D suffix.
	j := 0
	digits := 0
	dot := false
	for j < len(rest) {
		c := rest[j]
		if c >= '0' && c <= '9' {
			digits++
		} else if c == '.' && !dot {
			dot = true
		} else {
			break
		}
		j++
	}
	if digits == 0 {
		return 0, false
	}
	if j < len(rest) && (rest[j] == 'e' || rest[j] == 'E') {
		j++
		if j < len(rest) && (rest[j] == '+' || rest[j] == '-') {
			j++
		}
		expDigits := 0
		for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
			j++
			expDigits++
		}
		if expDigits == 0 {
			return 0, false
		}
	}
	end := len(s)
	if j < len(rest) {
		if j != len(rest)-1 || !isFloatSuffix(rest[j]) {
			return 0, false
		}
		end--
	}
	return parseFloatChecked(s[:end])
}

func isFloatSuffix(c byte) bool { return c == 'f' || c == 'F' || c == 'd' || c == 'D' }

// parseJavaHexDouble handles the Java hex float grammar
// [+-]0[xX](H+\.?|H*\.H+)[pP][+-]?D+[fFdD]? (H hex digit, D ASCII digit).
// s is the whole trimmed text, body what follows "0x".
func parseJavaHexDouble(s, body string) (float64, bool) {
	j := 0
	mant := 0
	for j < len(body) && isHexDigit(body[j]) {
		j++
		mant++
	}
	if j < len(body) && body[j] == '.' {
		j++
		for j < len(body) && isHexDigit(body[j]) {
			j++
			mant++
		}
	}
	if mant == 0 || j >= len(body) || (body[j] != 'p' && body[j] != 'P') {
		return 0, false
	}
	j++
	if j < len(body) && (body[j] == '+' || body[j] == '-') {
		j++
	}
	expDigits := 0
	for j < len(body) && body[j] >= '0' && body[j] <= '9' {
		j++
		expDigits++
	}
	if expDigits == 0 {
		return 0, false
	}
	end := len(s)
	if j < len(body) {
		if j != len(body)-1 || !isFloatSuffix(body[j]) {
			return 0, false
		}
		end--
	}
	return parseFloatChecked(s[:end])
}

func isHexDigit(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// parseFloatChecked runs strconv.ParseFloat on a text already validated
// against the Java grammar, mapping overflow to ±Inf like Java.
func parseFloatChecked(s string) (float64, bool) {
	d, err := strconv.ParseFloat(s, 64)
	if err != nil && !math.IsInf(d, 0) {
		return 0, false
	}
	return d, true
}

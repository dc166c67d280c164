package otsdb

import (
	"bytes"
	"slices"
)

// UID kinds as they appear in error texts.
const (
	KindMetrics = "metrics"
	KindTagk    = "tagk"
	KindTagv    = "tagv"
)

// UIDWidth is the byte width of metric, tagk and tagv UIDs.
const UIDWidth = 3

// MaxUID is the largest assignable UID (2^24-1).
const MaxUID = 1<<(8*UIDWidth) - 1

// MinTSUIDLen is the shortest TSUID accepted by /api/query/last: a metric
// UID and one tag pair.
const MinTSUIDLen = 3 * UIDWidth

// UID is a 3-byte big-endian unique id.
type UID [UIDWidth]byte

// UIDFromInt returns the UID for n; ok is false when n > MaxUID.
func UIDFromInt(n uint32) (u UID, ok bool) {
	if n > MaxUID {
		return UID{}, false
	}
	return UID{byte(n >> 16), byte(n >> 8), byte(n)}, true
}

// Int returns the UID as an integer.
func (u UID) Int() uint32 { return uint32(u[0])<<16 | uint32(u[1])<<8 | uint32(u[2]) }

// String returns the uppercase hex text ("00002A").
func (u UID) String() string { return string(appendHexUpper(nil, u[:])) }

// TagPair is one tag of a series as UIDs.
type TagPair struct {
	Key   UID
	Value UID
}

// BuildTSUID returns metric ‖ pairs, the pairs (tagk ‖ tagv, 6 bytes each)
// sorted by unsigned byte comparison. pairs is not modified.
func BuildTSUID(metric UID, pairs []TagPair) []byte {
	sorted := slices.Clone(pairs)
	slices.SortFunc(sorted, func(a, b TagPair) int {
		if c := bytes.Compare(a.Key[:], b.Key[:]); c != 0 {
			return c
		}
		return bytes.Compare(a.Value[:], b.Value[:])
	})
	out := make([]byte, 0, UIDWidth+2*UIDWidth*len(sorted))
	out = append(out, metric[:]...)
	for _, p := range sorted {
		out = append(out, p.Key[:]...)
		out = append(out, p.Value[:]...)
	}
	return out
}

// SplitTSUID splits a TSUID into its metric UID and tag pairs. It fails with
// ErrTSUIDTooShort below MinTSUIDLen and ErrMalformedTSUID when the pairs do
// not divide evenly.
func SplitTSUID(tsuid []byte) (UID, []TagPair, error) {
	if len(tsuid) < MinTSUIDLen {
		return UID{}, nil, ErrTSUIDTooShort
	}
	if (len(tsuid)-UIDWidth)%(2*UIDWidth) != 0 {
		return UID{}, nil, ErrMalformedTSUID
	}
	var metric UID
	copy(metric[:], tsuid)
	pairs := make([]TagPair, 0, (len(tsuid)-UIDWidth)/(2*UIDWidth))
	for i := UIDWidth; i < len(tsuid); i += 2 * UIDWidth {
		var p TagPair
		copy(p.Key[:], tsuid[i:])
		copy(p.Value[:], tsuid[i+UIDWidth:])
		pairs = append(pairs, p)
	}
	return metric, pairs, nil
}

// FormatTSUID returns the uppercase hex text of a TSUID or UID
// (DatatypeConverter.printHexBinary).
func FormatTSUID(tsuid []byte) string { return string(appendHexUpper(nil, tsuid)) }

// AppendTSUID appends the uppercase hex text of tsuid to dst.
func AppendTSUID(dst, tsuid []byte) []byte { return appendHexUpper(dst, tsuid) }

func appendHexUpper(dst, b []byte) []byte {
	const hexDigits = "0123456789ABCDEF"
	for _, c := range b {
		dst = append(dst, hexDigits[c>>4], hexDigits[c&15])
	}
	return dst
}

// StringToUID is UniqueId.stringToUid(s) for TSUID text: "" fails with
// "UID was empty"; a text of odd length (in UTF-16 units) is left-padded
// with one '0'; hex digits are case-insensitive; any other char fails with
// "contains illegal character for hexBinary: <padded text>". The length is
// not checked against the TSUID layout here (see ParseTSUID).
func StringToUID(s string) ([]byte, error) {
	if s == "" {
		return nil, ErrUIDEmpty
	}
	padded := s
	if utf16Len(s)%2 != 0 {
		padded = "0" + s
	}
	if len(padded)%2 != 0 { // odd byte length but even UTF-16 length: non-hex anyway
		return nil, hexError(padded)
	}
	out := make([]byte, len(padded)/2)
	for i := 0; i < len(padded); i += 2 {
		h, l := hexNibble(padded[i]), hexNibble(padded[i+1])
		if h < 0 || l < 0 {
			return nil, hexError(padded)
		}
		out[i/2] = byte(h<<4 | l)
	}
	return out, nil
}

func hexError(padded string) error {
	return &PointError{Kind: ErrUIDHex, Text: "contains illegal character for hexBinary: " + padded}
}

func hexNibble(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// ParseTSUID parses a TSUID text as /api/query/last does: StringToUID, then
// at least MinTSUIDLen bytes, else
// "TSUID must not be null and must have a metric and at least one tag pair".
func ParseTSUID(s string) ([]byte, error) {
	b, err := StringToUID(s)
	if err != nil {
		return nil, err
	}
	if len(b) < MinTSUIDLen {
		return nil, ErrTSUIDTooShort
	}
	return b, nil
}

// NoSuchUniqueIDMessage renders "No such unique ID for '<kind>': [b0, b1, b2]"
// (Java Arrays.toString of the signed bytes).
func NoSuchUniqueIDMessage(kind string, id []byte) string {
	b := append([]byte("No such unique ID for '"), kind...)
	b = append(b, "': "...)
	return string(AppendJavaByteArray(b, id))
}

// NoSuchNameMessage renders "No such name for '<kind>': '<name>'".
func NoSuchNameMessage(kind, name string) string {
	return "No such name for '" + kind + "': '" + name + "'"
}

package keys

import (
	"encoding/hex"
	"strconv"
	"strings"
)

// PrettifyError is returned by Prettify when the key cannot be decoded. Its
// Error text is exactly the Doris decode_key message
// "failed to decode key, key=<key as given>"; the decoding defect is
// available through Unwrap (it matches ErrMalformedKey).
type PrettifyError struct {
	// Key is the hex text exactly as given to Prettify.
	Key string
	// Err is the underlying decode error.
	Err error
}

// Error returns "failed to decode key, key=" + Key.
func (e *PrettifyError) Error() string { return DecodeKeyFailureMessage(e.Key) }

// Unwrap returns the underlying decode error.
func (e *PrettifyError) Unwrap() error { return e.Err }

// DecodeKeyFailureMessage is the message of the decode_key endpoint's 400
// reply when key does not decode: "failed to decode key, key=<key>".
func DecodeKeyFailureMessage(key string) string { return "failed to decode key, key=" + key }

// Hex returns the lowercase hex text of key (Doris hex()).
func Hex(key []byte) string { return hex.EncodeToString(key) }

// Unhex converts hex text to bytes exactly like Doris unhex(): an odd
// trailing character is ignored, the result has len(s)/2 bytes, and
// conversion stops at the first character that is not a hex digit, leaving
// the remaining bytes (including a half-filled one) as they are (zero-based).
func Unhex(s string) []byte {
	n := len(s) &^ 1
	buf := make([]byte, n>>1)
	for i := 0; i < n; i++ {
		v, ok := hexNibble(s[i])
		if !ok {
			break
		}
		if i&1 == 0 {
			buf[i>>1] |= v << 4
		} else {
			buf[i>>1] |= v
		}
	}
	return buf
}

func hexNibble(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// Glyphs of the unicode rendering (explain_fields).
const (
	glyphHyphen = "\u2500" // ─ e2 94 80
	glyphBar    = "\u2502" // │ e2 94 82
	glyphAngle  = "\u250c" // ┌ e2 94 8c
	glyphArrow  = "\u25bc" // ▼ e2 96 bc
)

// Prettify renders keyHex the way Doris prettify_key(key_hex, unicode) does
// for the decode_key endpoint: one line per field ("key space: <n>" first,
// with the key-space byte read as a signed char), each pointing at the
// column where the field starts in the hex text, a line of bars, a line of
// arrows, then keyHex exactly as given, each line ending in "\n". The HTTP
// framework's extra trailing "\n" is not included.
//
// A key that does not decode, or whose unhexed form is empty (fewer than two
// characters), yields a *PrettifyError.
//
// The text has about (fields+3) x len(keyHex) bytes (three times that in
// unicode mode), so a key of n hex characters can produce O(n^2/6) bytes;
// callers serving untrusted input should cap len(keyHex).
func Prettify(keyHex string, unicode bool) (string, error) {
	key := Unhex(keyHex)
	if len(key) == 0 {
		return "", &PrettifyError{Key: keyHex, Err: &DecodeError{Offset: 0, Reason: "empty key"}}
	}
	space, fields, err := Decode(key)
	if err != nil {
		return "", &PrettifyError{Key: keyHex, Err: err}
	}
	labels := make([]string, 0, len(fields)+1)
	cols := make([]int, 0, len(fields)+1)
	labels = append(labels, "key space: "+strconv.Itoa(int(int8(space))))
	cols = append(cols, 0)
	for _, f := range fields {
		labels = append(labels, f.Label())
		cols = append(cols, (f.Pos+1)*2)
	}
	return explainFields(keyHex, labels, cols, unicode), nil
}

// explainFields is Doris explain_fields for len(labels) == len(cols) > 0 and
// strictly increasing cols starting at 0. The unicode mode equals replacing
// '-', '|', '/', 'v' of the drawing (not of the labels) with the glyphs.
func explainFields(text string, labels []string, cols []int, unicode bool) string {
	last := cols[len(cols)-1] + 1 // last_hyphen_pos; lines are last+1 wide
	var b strings.Builder
	glyphs := 3
	if !unicode {
		glyphs = 1
	}
	size := len(text) + 1 + (len(cols)+2)*((last+1)*glyphs+1)
	for i, l := range labels {
		size += len(l) + len(strconv.Itoa(i)) + 3
	}
	b.Grow(size)

	put := func(c byte) {
		if !unicode {
			b.WriteByte(c)
			return
		}
		switch c {
		case '-':
			b.WriteString(glyphHyphen)
		case '|':
			b.WriteString(glyphBar)
		case '/':
			b.WriteString(glyphAngle)
		case 'v':
			b.WriteString(glyphArrow)
		default:
			b.WriteByte(c)
		}
	}

	for i, label := range labels {
		next := 0 // index into cols of the next bar column (j < i)
		for c := 0; c <= last; c++ {
			switch {
			case c == cols[i]:
				put('/')
			case c > cols[i]:
				put('-')
			case next < i && c == cols[next]:
				put('|')
				next++
			default:
				put(' ')
			}
		}
		b.WriteByte(' ')
		b.WriteString(strconv.Itoa(i))
		b.WriteString(". ")
		b.WriteString(label)
		b.WriteByte('\n')
	}
	for _, mark := range []byte{'|', 'v'} {
		next := 0
		for c := 0; c <= last; c++ {
			if next < len(cols) && c == cols[next] {
				put(mark)
				next++
			} else {
				put(' ')
			}
		}
		b.WriteByte('\n')
	}
	b.WriteString(text)
	b.WriteByte('\n')
	return b.String()
}

package otsdb

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// This file holds a small tolerant JSON scanner reproducing the Jackson
// configuration OpenTSDB uses: standard JSON plus the non-numeric tokens
// NaN, Infinity, +Infinity, -Infinity, +INF and -INF
// (JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS), which must be kept as
// source text. encoding/json cannot do this.

// tokKind is the kind of a JSON value token.
type tokKind uint8

const (
	tokString tokKind = iota + 1
	tokInt
	tokFloat // includes the non-numeric tokens
	tokTrue
	tokFalse
	tokNull
	tokObject // '{' consumed
	tokArray  // '[' consumed
)

// token is one scalar value or the start of a container. text is the decoded
// string for tokString and the exact source text for numbers.
type token struct {
	kind       tokKind
	text       string
	nonNumeric bool    // NaN / Infinity family
	special    float64 // value of a non-numeric token
}

// jsonError is a syntax or mapping failure; its text becomes the details of
// the "Unable to parse the given JSON" error.
type jsonError struct {
	msg string
	pos int
	src string
}

func (e *jsonError) Error() string {
	line, col := 1, 1
	for i := 0; i < e.pos && i < len(e.src); {
		r, size := utf8.DecodeRuneInString(e.src[i:])
		if r == '\n' {
			line++
			col = 1
		} else {
			col++
		}
		i += size
	}
	return e.msg + "\n at [Source: (String); line: " + strconv.Itoa(line) + ", column: " + strconv.Itoa(col) + "]"
}

const (
	parseExc   = "com.fasterxml.jackson.core.JsonParseException: "
	mappingExc = "com.fasterxml.jackson.databind.JsonMappingException: "
)

// scanner walks a JSON text held in a string; decoded strings without
// escapes are substrings of src (no copy).
type scanner struct {
	src string
	pos int
}

// newScanner prepares src, replacing invalid UTF-8 with U+FFFD as Java's
// request decoding does.
func newScanner(body []byte) *scanner {
	s := string(body)
	if !utf8.ValidString(s) {
		s = sanitizeUTF8(s)
	}
	return &scanner{src: s}
}

func sanitizeUTF8(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			b.WriteRune(utf8.RuneError)
			i++
			continue
		}
		b.WriteString(s[i : i+size])
		i += size
	}
	return b.String()
}

func (s *scanner) fail(msg string) error {
	return &jsonError{msg: parseExc + msg, pos: s.pos, src: s.src}
}

func (s *scanner) failMapping(msg string) error {
	return &jsonError{msg: mappingExc + msg, pos: s.pos, src: s.src}
}

// describe renders a character the way Jackson's messages do.
func describeChar(r rune) string {
	if r < 0x20 {
		return "(CTRL-CHAR, code " + strconv.Itoa(int(r)) + ")"
	}
	return "'" + string(r) + "' (code " + strconv.Itoa(int(r)) + ")"
}

func (s *scanner) unexpected(what string) error {
	if s.pos >= len(s.src) {
		return s.fail("Unexpected end-of-input: " + what)
	}
	r, _ := utf8.DecodeRuneInString(s.src[s.pos:])
	return s.fail("Unexpected character (" + describeChar(r) + "): " + what)
}

// skipWS skips JSON whitespace (space, tab, CR, LF).
func (s *scanner) skipWS() {
	for s.pos < len(s.src) {
		switch s.src[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// value reads the next value token (a scalar, or the opening of a
// container, which is consumed).
func (s *scanner) value() (token, error) {
	s.skipWS()
	if s.pos >= len(s.src) {
		return token{}, s.fail("Unexpected end-of-input: expected a value")
	}
	c := s.src[s.pos]
	switch {
	case c == '"':
		str, err := s.str()
		return token{kind: tokString, text: str}, err
	case c == '{':
		s.pos++
		return token{kind: tokObject}, nil
	case c == '[':
		s.pos++
		return token{kind: tokArray}, nil
	case c == 't':
		return token{kind: tokTrue, text: "true"}, s.literal("true")
	case c == 'f':
		return token{kind: tokFalse, text: "false"}, s.literal("false")
	case c == 'n':
		return token{kind: tokNull}, s.literal("null")
	case c == 'N':
		return token{kind: tokFloat, text: "NaN", nonNumeric: true, special: math.NaN()}, s.literal("NaN")
	case c == 'I':
		return token{kind: tokFloat, text: "Infinity", nonNumeric: true, special: math.Inf(1)}, s.literal("Infinity")
	case c == '-' || (c >= '0' && c <= '9'):
		return s.number()
	case c == '+':
		return s.signedNonNumeric()
	}
	return token{}, s.unrecognized("was expecting ('true', 'false' or 'null')")
}

// unrecognized reports the word starting at pos as an unrecognized token.
func (s *scanner) unrecognized(expect string) error {
	start := s.pos
	end := start
	for end < len(s.src) {
		r, size := utf8.DecodeRuneInString(s.src[end:])
		if !isJavaIdentifierPart(r) && !(end == start && (r == '+' || r == '-')) {
			break
		}
		end += size
	}
	if end == start {
		return s.unexpected("expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')")
	}
	return s.fail("Unrecognized token '" + s.src[start:end] + "': " + expect)
}

// literal matches a fixed token at pos, which must not run into a following
// identifier character (Jackson's _matchToken).
func (s *scanner) literal(lit string) error {
	if !strings.HasPrefix(s.src[s.pos:], lit) {
		return s.unrecognized("was expecting ('true', 'false' or 'null')")
	}
	end := s.pos + len(lit)
	if end < len(s.src) {
		r, _ := utf8.DecodeRuneInString(s.src[end:])
		if isJavaIdentifierPart(r) {
			return s.unrecognized("was expecting ('true', 'false' or 'null')")
		}
	}
	s.pos = end
	return nil
}

// signedNonNumeric handles a value starting with '+': only +INF and
// +Infinity are accepted.
func (s *scanner) signedNonNumeric() (token, error) {
	rest := s.src[s.pos:]
	for _, lit := range [...]string{"+Infinity", "+INF"} {
		if strings.HasPrefix(rest, lit) {
			if err := s.literal(lit); err != nil {
				return token{}, err
			}
			return token{kind: tokFloat, text: lit, nonNumeric: true, special: math.Inf(1)}, nil
		}
	}
	s.pos++
	return token{}, s.unexpected("expected digit (0-9) to follow minus sign, for valid numeric value")
}

// number scans a JSON number (or -INF / -Infinity) at pos.
func (s *scanner) number() (token, error) {
	start := s.pos
	src := s.src
	i := s.pos
	if src[i] == '-' {
		i++
		if i >= len(src) {
			s.pos = i
			return token{}, s.fail("Unexpected end-of-input in a Number value")
		}
		if src[i] < '0' || src[i] > '9' {
			rest := src[start:]
			for _, lit := range [...]string{"-Infinity", "-INF"} {
				if strings.HasPrefix(rest, lit) {
					if err := s.literal(lit); err != nil {
						return token{}, err
					}
					return token{kind: tokFloat, text: lit, nonNumeric: true, special: math.Inf(-1)}, nil
				}
			}
			s.pos = i
			return token{}, s.unexpected("expected digit (0-9) to follow minus sign, for valid numeric value")
		}
	}
	if src[i] == '0' {
		i++
		if i < len(src) && src[i] >= '0' && src[i] <= '9' {
			s.pos = i
			return token{}, s.fail("Invalid numeric value: Leading zeroes not allowed")
		}
	} else {
		for i < len(src) && src[i] >= '0' && src[i] <= '9' {
			i++
		}
	}
	kind := tokInt
	if i < len(src) && src[i] == '.' {
		kind = tokFloat
		i++
		d := i
		for i < len(src) && src[i] >= '0' && src[i] <= '9' {
			i++
		}
		if i == d {
			s.pos = i
			return token{}, s.unexpected("Decimal point not followed by a digit")
		}
	}
	if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
		kind = tokFloat
		i++
		if i < len(src) && (src[i] == '+' || src[i] == '-') {
			i++
		}
		d := i
		for i < len(src) && src[i] >= '0' && src[i] <= '9' {
			i++
		}
		if i == d {
			s.pos = i
			return token{}, s.unexpected("Exponent indicator not followed by a digit")
		}
	}
	s.pos = i
	return token{kind: kind, text: src[start:i]}, nil
}

// str reads a string starting at the opening quote.
func (s *scanner) str() (string, error) {
	s.pos++ // opening quote
	start := s.pos
	src := s.src
	i := start
	for i < len(src) {
		c := src[i]
		if c == '"' {
			s.pos = i + 1
			return src[start:i], nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
		i++
	}
	var b strings.Builder
	b.Grow(i - start + 16)
	b.WriteString(src[start:i])
	for {
		if i >= len(src) {
			s.pos = i
			return "", s.fail("Unexpected end-of-input: was expecting closing quote for a string value")
		}
		c := src[i]
		switch {
		case c == '"':
			s.pos = i + 1
			return b.String(), nil
		case c < 0x20:
			s.pos = i
			return "", s.fail("Illegal unquoted character (" + describeChar(rune(c)) +
				"): has to be escaped using backslash to be included in string value")
		case c != '\\':
			b.WriteByte(c)
			i++
			continue
		}
		i++ // backslash
		if i >= len(src) {
			s.pos = i
			return "", s.fail("Unexpected end-of-input in character escape sequence")
		}
		e := src[i]
		i++
		switch e {
		case '"', '\\', '/':
			b.WriteByte(e)
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			u, ok := hex4(src, i)
			if !ok {
				s.pos = i
				return "", s.fail("Unexpected character: expected a hex-digit for character escape sequence")
			}
			i += 4
			r := rune(u)
			if utf16.IsSurrogate(r) {
				// A high surrogate followed by an escaped low one forms a pair;
				// lone surrogates cannot live in a Go string: U+FFFD.
				if r < 0xDC00 && i+6 <= len(src) && src[i] == '\\' && src[i+1] == 'u' {
					if u2, ok2 := hex4(src, i+2); ok2 && u2 >= 0xDC00 && u2 <= 0xDFFF {
						r = utf16.DecodeRune(r, rune(u2))
						i += 6
					} else {
						r = utf8.RuneError
					}
				} else {
					r = utf8.RuneError
				}
			}
			b.WriteRune(r)
		default:
			s.pos = i - 1
			r, _ := utf8.DecodeRuneInString(src[i-1:])
			return "", s.fail("Unrecognized character escape " + describeChar(r))
		}
	}
}

func hex4(src string, i int) (uint16, bool) {
	if i+4 > len(src) {
		return 0, false
	}
	var v uint16
	for k := 0; k < 4; k++ {
		n := hexNibble(src[i+k])
		if n < 0 {
			return 0, false
		}
		v = v<<4 | uint16(n)
	}
	return v, true
}

// field advances to the next field of an object whose '{' was consumed.
// first tells whether no field was read yet. done is true at '}' (consumed).
func (s *scanner) field(first bool) (name string, done bool, err error) {
	s.skipWS()
	if s.pos >= len(s.src) {
		return "", false, s.fail("Unexpected end-of-input: expected close marker for OBJECT")
	}
	c := s.src[s.pos]
	if c == '}' {
		s.pos++
		return "", true, nil
	}
	if !first {
		if c != ',' {
			return "", false, s.unexpected("was expecting comma to separate Object entries")
		}
		s.pos++
		s.skipWS()
		if s.pos >= len(s.src) {
			return "", false, s.fail("Unexpected end-of-input: expected close marker for OBJECT")
		}
		c = s.src[s.pos]
	}
	if c != '"' {
		return "", false, s.unexpected("was expecting double-quote to start field name")
	}
	name, err = s.str()
	if err != nil {
		return "", false, err
	}
	s.skipWS()
	if s.pos >= len(s.src) || s.src[s.pos] != ':' {
		return "", false, s.unexpected("was expecting a colon to separate field name and value")
	}
	s.pos++
	return name, false, nil
}

// elem advances to the next element of an array whose '[' was consumed.
// done is true at ']' (consumed).
func (s *scanner) elem(first bool) (done bool, err error) {
	s.skipWS()
	if s.pos >= len(s.src) {
		return false, s.fail("Unexpected end-of-input: expected close marker for ARRAY")
	}
	c := s.src[s.pos]
	if c == ']' {
		s.pos++
		return true, nil
	}
	if !first {
		if c != ',' {
			return false, s.unexpected("was expecting comma to separate Array entries")
		}
		s.pos++
		s.skipWS()
		if s.pos < len(s.src) && s.src[s.pos] == ']' {
			return false, s.unexpected("expected a value")
		}
	}
	return false, nil
}

// skip skips the rest of a value whose first token is tok (iteratively, so
// deep nesting cannot exhaust the stack).
func (s *scanner) skip(tok token) error {
	if tok.kind != tokObject && tok.kind != tokArray {
		return nil
	}
	var stackBuf [32]bool
	stack := append(stackBuf[:0], tok.kind == tokObject) // true: object
	first := true
	for len(stack) > 0 {
		var done bool
		var err error
		if stack[len(stack)-1] {
			_, done, err = s.field(first)
		} else {
			done, err = s.elem(first)
		}
		if err != nil {
			return err
		}
		if done {
			stack = stack[:len(stack)-1]
			first = false
			continue
		}
		t, err := s.value()
		if err != nil {
			return err
		}
		switch t.kind {
		case tokObject:
			stack = append(stack, true)
			first = true
		case tokArray:
			stack = append(stack, false)
			first = true
		default:
			first = false
		}
	}
	return nil
}

// Jackson coercions --------------------------------------------------------

// javaType names a target type in mapping error texts.
const (
	typeString  = "java.lang.String"
	typeLong    = "long"
	typeInt     = "int"
	typeBoolean = "boolean"
)

func tokenName(k tokKind) string {
	switch k {
	case tokString:
		return "VALUE_STRING"
	case tokInt:
		return "VALUE_NUMBER_INT"
	case tokFloat:
		return "VALUE_NUMBER_FLOAT"
	case tokTrue:
		return "VALUE_TRUE"
	case tokFalse:
		return "VALUE_FALSE"
	case tokNull:
		return "VALUE_NULL"
	case tokObject:
		return "START_OBJECT"
	default:
		return "START_ARRAY"
	}
}

func (s *scanner) cannotDeserialize(typ string, t token) error {
	return s.failMapping("Cannot deserialize instance of `" + typ + "` out of " + tokenName(t.kind) + " token")
}

// asString is Jackson's StringDeserializer: strings as is, numbers and
// booleans as their text, null as Java null (isNull), containers rejected.
func (s *scanner) asString(t token) (str string, isNull bool, err error) {
	switch t.kind {
	case tokString, tokInt, tokFloat, tokTrue, tokFalse:
		return t.text, false, nil
	case tokNull:
		return "", true, nil
	}
	return "", false, s.cannotDeserialize(typeString, t)
}

// asLong is Jackson's primitive long deserialisation: integers in range;
// floats truncated (NaN -> 0, out of range rejected); strings trimmed, ""
// and "null" -> 0, else Long.parseLong; null -> 0.
func (s *scanner) asLong(t token) (int64, error) {
	return s.asInteger(t, 64, typeLong)
}

// asInt is the int counterpart of asLong (Integer range).
func (s *scanner) asInt(t token) (int32, error) {
	v, err := s.asInteger(t, 32, typeInt)
	return int32(v), err
}

func (s *scanner) asInteger(t token, bits int, typ string) (int64, error) {
	lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
	if bits == 32 {
		lo, hi = math.MinInt32, math.MaxInt32
	}
	switch t.kind {
	case tokNull:
		return 0, nil
	case tokInt:
		v, err := strconv.ParseInt(t.text, 10, bits)
		if err != nil {
			return 0, s.fail("Numeric value (" + t.text + ") out of range of " + typ)
		}
		return v, nil
	case tokFloat:
		d := t.special
		if !t.nonNumeric {
			var err error
			if d, err = strconv.ParseFloat(t.text, 64); err != nil && !math.IsInf(d, 0) {
				return 0, s.fail("Invalid numeric value: " + t.text)
			}
		}
		if math.IsNaN(d) {
			return 0, nil // Java (long) NaN
		}
		if d < float64(lo) || d > float64(hi) {
			return 0, s.fail("Numeric value (" + t.text + ") out of range of " + typ)
		}
		if d >= float64(hi) { // 2^63 as a double: Java's cast saturates
			return hi, nil
		}
		return int64(d), nil
	case tokString:
		text := javaTrim(t.text)
		if text == "" || text == "null" {
			return 0, nil
		}
		v, ok := JavaParseLong(text, 64)
		if bits == 32 && ok && (v < lo || v > hi) {
			return 0, s.failMapping("Cannot deserialize value of type `" + typ + "` from String \"" + text +
				"\": Overflow: numeric value (" + text + ") out of range of int")
		}
		if !ok {
			return 0, s.failMapping("Cannot deserialize value of type `" + typ + "` from String \"" + text +
				"\": not a valid " + typ + " value")
		}
		return v, nil
	}
	return 0, s.cannotDeserialize(typ, t)
}

// asBool is Jackson's primitive boolean deserialisation: true/false; ints
// (text != "0" is true); strings trimmed "true"/"True"/"false"/"False",
// "" and "null" -> false; null -> false.
func (s *scanner) asBool(t token) (bool, error) {
	switch t.kind {
	case tokTrue:
		return true, nil
	case tokFalse, tokNull:
		return false, nil
	case tokInt:
		return t.text != "0", nil
	case tokString:
		switch javaTrim(t.text) {
		case "true", "True":
			return true, nil
		case "false", "False", "", "null":
			return false, nil
		}
		return false, s.failMapping("Cannot deserialize value of type `boolean` from String \"" +
			javaTrim(t.text) + "\": only \"true\" or \"false\" recognized")
	}
	return false, s.cannotDeserialize(typeBoolean, t)
}

// stringMap reads an object of string values (the opening '{' consumed),
// appending entries in source order to dst.
func (s *scanner) stringMap(dst []Tag) ([]Tag, error) {
	first := true
	for {
		name, done, err := s.field(first)
		if err != nil {
			return dst, err
		}
		if done {
			return dst, nil
		}
		first = false
		t, err := s.value()
		if err != nil {
			return dst, err
		}
		v, isNull, err := s.asString(t)
		if err != nil {
			return dst, err
		}
		dst = append(dst, Tag{Key: name, Value: v, ValueNull: isNull})
	}
}

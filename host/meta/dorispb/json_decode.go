package dorispb

import (
	"encoding/base64"
	"errors"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ParseError is the error returned by Unmarshal. Msg is the message of the
// protobuf util::Status that the C++ JsonStringToMessage would return
// (without the "INVALID_ARGUMENT:" code prefix), for example
// "(cluster.nodes[0].heartbeat_port): invalid value \"x\" for type TYPE_INT32"
// or "Expected : between key:value pair.\n{\"a\" 1}\n     ^".
type ParseError struct {
	Msg string
}

// Error returns Msg.
func (e *ParseError) Error() string { return e.Msg }

// Status returns the error the way protobuf's Status::ToString() prints it:
// "INVALID_ARGUMENT:" + Msg.
func (e *ParseError) Status() string { return "INVALID_ARGUMENT:" + e.Msg }

// RequestParseErrorMessage returns the msg of the 400 reply the meta-service
// sends when a request body cannot be parsed (PARSE_MESSAGE_OR_RETURN):
// "parse http request '<route>': INVALID_ARGUMENT:<message>". route is the
// normalized unresolved path, including any "v1/" prefix.
func RequestParseErrorMessage(route string, err error) string {
	msg := "parse http request '" + route + "': "
	var pe *ParseError
	if errors.As(err, &pe) {
		return msg + pe.Status()
	}
	return msg + "INVALID_ARGUMENT:" + err.Error()
}

// Limits of the decoder. maxObjectDepth is protobuf's JsonStreamParser
// kDefaultMaxRecursionDepth (objects only). C++ does not limit nested
// arrays; maxArrayDepth bounds them so that the recursion stays bounded.
const (
	maxObjectDepth = 100
	maxArrayDepth  = 1000
)

// Unmarshal parses a JSON request body into m the way the C++ meta-service
// does (parse_json_message: protobuf 21 JsonStringToMessage, strict, then
// again with ignore_unknown_fields). m is reset first; on error it is left
// reset. Accepted input (a superset of JSON, like protobuf's parser):
//   - keys are the proto field name or its lowerCamel JSON name; unknown
//     keys are skipped; a key may be single-quoted or a bare identifier;
//   - strings may use single quotes; escapes \b \f \n \r \t \v \uXXXX
//     (surrogate pairs required) and \<any byte> for that byte;
//   - trailing commas in objects and arrays;
//   - integer fields take JSON numbers (parsed exactly, not via float64;
//     1.0 or 1e3 are fine, 1.5 is not) or decimal strings ("9050", "+5");
//   - bools take true/false or the strings true/t/yes/y/1/false/f/no/n/0 in
//     any case;
//   - enums take the exact name, or a number (a string number must be
//     declared). An unknown name, or an undeclared number in a string, leaves
//     the field unset. An undeclared JSON number leaves it unset too but is
//     kept as an unknown field, like proto2 C++ does;
//   - null leaves a field untouched; a scalar for a repeated field is one
//     element; nested arrays are flattened; a repeated key merges like
//     concatenated protobuf binary (scalars: last wins, messages merge,
//     repeated append); a repeated key inside one map object is an error;
//   - a missing proto2 required field is an error.
//
// Errors carry protobuf's message text: field errors ("(loc): invalid value
// V for type T", the last one wins as with protobuf's StatusErrorListener),
// and syntax errors ("Expected a value.\n<context>\n   ^"). An empty body
// fails ("Unexpected end of string. Expected a value.\n\n^"), so does invalid
// UTF-8 ("Encountered non UTF-8 code points."), an object nesting deeper than
// 100 ("Message too deep. Max recursion depth reached for key 'k'") and a
// root that is not an object (": Root element must be a message.").
func Unmarshal(data []byte, m Message) error {
	Reset(m)
	d := &decoder{data: data, end: validUTF8Prefix(data), tail: -1}
	err := d.top(m)
	if err == nil && d.fieldErr != "" {
		err = &ParseError{Msg: d.fieldErr}
	}
	if err != nil {
		Reset(m)
		return err
	}
	return nil
}

// validUTF8Prefix returns the length of the longest valid UTF-8 prefix.
func validUTF8Prefix(b []byte) int {
	i := 0
	for i < len(b) {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return i
}

type tokKind uint8

const (
	tkEnd     tokKind = iota // nothing left (before the first invalid byte)
	tkUnknown                // a byte that starts no token
	tkBeginObject
	tkEndObject
	tkBeginArray
	tkEndArray
	tkColon
	tkComma
	tkString
	tkNumber
	tkTrue
	tkFalse
	tkNull
	tkKey // bare identifier
)

type scalarKind uint8

const (
	sString scalarKind = iota
	sInt               // negative integer that fits int64
	sUint              // non-negative integer that fits uint64
	sDouble
	sBool
	sNull
)

// scalar is a parsed JSON scalar (protobuf's DataPiece).
type scalar struct {
	kind scalarKind
	s    []byte
	i    int64
	u    uint64
	f    float64
	b    bool
}

// pathSeg is one element of the location protobuf reports in errors
// (ProtoWriter::ProtoElement::ToString).
type pathSeg struct {
	name string
	same bool // same field as the parent element: no name is printed
	idx  int  // list elements started so far; -1 when not a list
}

type decodeMode uint8

const (
	modeLookup decodeMode = iota
	modeRequired
)

// decoder parses JSON text and fills messages. It implements walker for
// field lookup (modeLookup) and required-field listing (modeRequired).
type decoder struct {
	data []byte
	pos  int
	end  int // offset of the first invalid UTF-8 byte, or len(data)
	tail int // start of a number or bare key that ends at end, or -1

	objDepth int
	arrDepth int
	fieldErr string // last error reported through protobuf's ErrorListener
	path     []pathSeg

	mode      decodeMode
	key       []byte
	found     bool
	hitNum    int32
	hitName   string
	hitRef    any
	unknownOf *unknownFields
	required  []string
}

func (d *decoder) field(num int32, name string, ref any) {
	switch d.mode {
	case modeLookup:
		if num == 0 {
			d.unknownOf, _ = ref.(*unknownFields)
			return
		}
		if !d.found && matchFieldName(d.key, name) {
			d.found, d.hitNum, d.hitName, d.hitRef = true, num, name, ref
		}
	case modeRequired:
		if num&requiredBit != 0 {
			d.required = append(d.required, name)
		}
	}
}

// matchFieldName reports whether key is the proto name or the JSON
// (lowerCamel) name of the field, like protobuf's TypeInfo::FindField.
func matchFieldName(key []byte, name string) bool {
	if string(key) == name {
		return true
	}
	i, up := 0, false
	for j := 0; j < len(name); j++ {
		c := name[j]
		if c == '_' {
			up = true
			continue
		}
		if up {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			up = false
		}
		if i >= len(key) || key[i] != c {
			return false
		}
		i++
	}
	return i == len(key)
}

// ---- errors ----

func (d *decoder) failCtx(msg string, base, at int) error {
	if base > at {
		base = at
	}
	lo := max(at-20, base)
	hi := min(at+20, d.end)
	if hi < lo {
		hi = lo
	}
	var b strings.Builder
	b.WriteString(msg)
	b.WriteByte('\n')
	b.Write(d.data[lo:hi])
	b.WriteByte('\n')
	b.WriteString(strings.Repeat(" ", at-lo))
	b.WriteByte('^')
	return &ParseError{Msg: b.String()}
}

// failAt reports a syntax error found at offset at (ReportFailure).
func (d *decoder) failAt(msg string, at int) error { return d.failCtx(msg, 0, at) }

// failEnd reports that the input ended (or became invalid UTF-8) where more
// was expected. The context shown is a trailing number or bare key, if any.
func (d *decoder) failEnd(msg string) error {
	if d.end < len(d.data) {
		return d.failUTF8()
	}
	base := d.end
	if d.tail >= 0 {
		base = d.tail
	}
	return d.failCtx(msg, base, d.end)
}

func (d *decoder) failUTF8() error {
	base := d.end
	if d.tail >= 0 {
		base = d.tail
	}
	hi := min(base+20, len(d.data))
	return &ParseError{Msg: "Encountered non UTF-8 code points.\n" + string(d.data[base:hi]) + "\n^"}
}

// failUnknown is ReportUnknown: at the end of the input it prefixes
// "Unexpected end of string. ", otherwise the context starts at the
// unrecognized byte.
func (d *decoder) failUnknown(msg string) error {
	if d.pos >= d.end {
		return d.failEnd("Unexpected end of string. " + msg)
	}
	return d.failCtx(msg, d.pos, d.pos)
}

// unexpected is ParseValue's error for a token that cannot start a value.
func (d *decoder) unexpected() error {
	if d.end-d.pos < len("false") {
		if d.end < len(d.data) {
			return d.failUTF8()
		}
		return d.failCtx("Unexpected token.", d.pos, d.pos)
	}
	return d.failAt("Unexpected token.", d.pos)
}

func (d *decoder) tooDeep(key []byte) error {
	return &ParseError{Msg: "Message too deep. Max recursion depth reached for key '" + string(key) + "'"}
}

// locString renders the current path as protobuf's StatusErrorListener does:
// "(a.b[0].c)", or "" at the root.
func (d *decoder) locString() string {
	var b []byte
	for _, s := range d.path {
		if !s.same {
			if len(b) > 0 {
				b = append(b, '.')
			}
			b = append(b, s.name...)
		}
		if s.idx > 0 {
			b = append(b, '[')
			b = strconv.AppendInt(b, int64(s.idx-1), 10)
			b = append(b, ']')
		}
	}
	if len(b) == 0 {
		return ""
	}
	return "(" + string(b) + ")"
}

func (d *decoder) invalidValue(typeName, value string) {
	d.fieldErr = d.locString() + ": invalid value " + value + " for type " + typeName
}

func (d *decoder) invalidName(name, msg string) {
	loc := d.locString()
	if loc != "" {
		loc += " "
	}
	d.fieldErr = loc + name + ": " + msg
}

func (d *decoder) push(name string, same bool, list bool) {
	idx := -1
	if list {
		idx = 0
	}
	d.path = append(d.path, pathSeg{name: name, same: same, idx: idx})
}

func (d *decoder) pop() { d.path = d.path[:len(d.path)-1] }

// countElement records that a list element was started (array_index_++).
func (d *decoder) countElement() {
	if n := len(d.path); n > 0 && d.path[n-1].idx >= 0 {
		d.path[n-1].idx++
	}
}

// ---- tokens ----

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

func isLetter(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || c == '$'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func (d *decoder) hasPrefix(s string) bool {
	return d.end-d.pos >= len(s) && string(d.data[d.pos:d.pos+len(s)]) == s
}

// peek skips white space and classifies the next token (GetNextTokenType).
func (d *decoder) peek() tokKind {
	for d.pos < d.end && isSpace(d.data[d.pos]) {
		d.pos++
	}
	if d.pos >= d.end {
		return tkEnd
	}
	c := d.data[d.pos]
	switch {
	case c == '"' || c == '\'':
		return tkString
	case c == '-' || isDigit(c):
		return tkNumber
	case d.hasPrefix("true"):
		return tkTrue
	case d.hasPrefix("false"):
		return tkFalse
	case d.hasPrefix("null"):
		return tkNull
	}
	switch c {
	case '{':
		return tkBeginObject
	case '}':
		return tkEndObject
	case '[':
		return tkBeginArray
	case ']':
		return tkEndArray
	case ':':
		return tkColon
	case ',':
		return tkComma
	}
	if isLetter(c) {
		return tkKey
	}
	return tkUnknown
}

// parseString parses a quoted string at d.pos (ParseStringHelper). The
// result aliases the input when there are no escapes.
func (d *decoder) parseString() ([]byte, error) {
	q := d.data[d.pos]
	d.pos++
	start := d.pos
	var buf []byte
	escaped := false
	for {
		if d.pos >= d.end {
			return nil, d.failEnd("Closing quote expected in string.")
		}
		c := d.data[d.pos]
		if c == q {
			var out []byte
			if escaped {
				out = append(buf, d.data[start:d.pos]...)
			} else {
				out = d.data[start:d.pos]
			}
			d.pos++
			return out, nil
		}
		if c != '\\' {
			d.pos++
			continue
		}
		if !escaped {
			escaped = true
			buf = make([]byte, 0, d.pos-start+16)
		}
		buf = append(buf, d.data[start:d.pos]...)
		if d.pos+1 >= d.end {
			return nil, d.failEnd("Closing quote expected in string.")
		}
		if d.data[d.pos+1] == 'u' {
			var err error
			if buf, err = d.unicodeEscape(buf); err != nil {
				return nil, err
			}
			start = d.pos
			continue
		}
		switch e := d.data[d.pos+1]; e {
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'v':
			buf = append(buf, '\v')
		default:
			buf = append(buf, e)
		}
		d.pos += 2
		start = d.pos
	}
}

func hex4(b []byte) (uint32, bool) {
	var v uint32
	for _, c := range b {
		switch {
		case '0' <= c && c <= '9':
			v = v<<4 | uint32(c-'0')
		case 'a' <= c && c <= 'f':
			v = v<<4 | uint32(c-'a'+10)
		case 'A' <= c && c <= 'F':
			v = v<<4 | uint32(c-'A'+10)
		default:
			return 0, false
		}
	}
	return v, true
}

// unicodeEscape decodes \uXXXX (and a following low surrogate) at d.pos.
func (d *decoder) unicodeEscape(buf []byte) ([]byte, error) {
	at := d.pos
	if d.end-at < 6 {
		if d.end < len(d.data) {
			return nil, d.failUTF8()
		}
		return nil, d.failCtx("Illegal hex string.", at, at)
	}
	code, ok := hex4(d.data[at+2 : at+6])
	if !ok {
		return nil, d.failAt("Invalid escape sequence.", at)
	}
	if code >= 0xd800 && code <= 0xdbff {
		if d.end-at < 12 {
			if d.end < len(d.data) {
				return nil, d.failUTF8()
			}
			return nil, d.failCtx("Missing low surrogate.", at, at)
		}
		if d.data[at+6] != '\\' || d.data[at+7] != 'u' {
			return nil, d.failAt("Missing low surrogate.", at)
		}
		low, ok := hex4(d.data[at+8 : at+12])
		if !ok {
			return nil, d.failAt("Invalid escape sequence.", at)
		}
		if low < 0xdc00 || low > 0xdfff {
			return nil, d.failAt("Invalid low surrogate.", at)
		}
		code = (code&0x3ff)<<10 | low&0x3ff + 0x10000
		at += 6
	}
	if code >= 0xd800 && code <= 0xdfff || code > 0x10ffff {
		return nil, d.failAt("Invalid unicode code point.", at)
	}
	d.pos = at + 6
	return utf8.AppendRune(buf, rune(code)), nil
}

// parseBareKey parses an unquoted key [A-Za-z_$][A-Za-z0-9_$]* (ConsumeKey).
func (d *decoder) parseBareKey() ([]byte, error) {
	start := d.pos
	d.pos++
	for d.pos < d.end && (isLetter(d.data[d.pos]) || isDigit(d.data[d.pos])) {
		d.pos++
	}
	if d.pos == d.end {
		d.tail = start
		if d.end < len(d.data) {
			return nil, d.failUTF8()
		}
	}
	return d.data[start:d.pos], nil
}

// parseNumber parses a number token (ParseNumberHelper): [-0-9.eE+x]+,
// floating when it has '.', 'e' or 'E'; integers are exact.
func (d *decoder) parseNumber() (scalar, error) {
	start := d.pos
	i := start
	floating := false
	for i < d.end {
		c := d.data[i]
		if isDigit(c) || c == '+' || c == '-' || c == 'x' {
			i++
			continue
		}
		if c == '.' || c == 'e' || c == 'E' {
			floating = true
			i++
			continue
		}
		break
	}
	if i == d.end {
		d.tail = start
		if d.end < len(d.data) {
			return scalar{}, d.failUTF8()
		}
	}
	num := string(d.data[start:i])
	if !floating {
		if num[0] != '-' {
			if len(num) >= 2 && num[0] == '0' {
				return scalar{}, d.failAt("Octal/hex numbers are not valid JSON values.", start)
			}
			if u, err := strconv.ParseUint(num, 10, 64); err == nil {
				d.pos = i
				return scalar{kind: sUint, u: u}, nil
			}
		} else {
			if len(num) >= 3 && num[1] == '0' {
				return scalar{}, d.failAt("Octal/hex numbers are not valid JSON values.", start)
			}
			if v, err := strconv.ParseInt(num, 10, 64); err == nil {
				d.pos = i
				return scalar{kind: sInt, i: v}, nil
			}
		}
	}
	f, ok := cStrtod(num)
	if !ok {
		return scalar{}, d.failAt("Unable to parse number.", start)
	}
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return scalar{}, d.failAt("Number exceeds the range of double.", start)
	}
	d.pos = i
	return scalar{kind: sDouble, f: f}, nil
}

// cStrtod parses s like C strtod requiring the whole string to be consumed
// (protobuf's safe_strtod), for the characters a number token can hold.
// It accepts hexadecimal floats ("0x1.8") like strtod does; range errors
// yield the overflowed or underflowed value.
func cStrtod(s string) (float64, bool) {
	t := strings.TrimPrefix(s, "-")
	if strings.HasPrefix(t, "0x") {
		if strings.ContainsAny(t[2:], "+-x") {
			return 0, false
		}
		s += "p0"
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
			return f, true
		}
		return 0, false
	}
	return f, true
}

// scanScalar parses the scalar at d.pos for a token of kind t.
func (d *decoder) scanScalar(t tokKind) (scalar, error) {
	switch t {
	case tkString:
		s, err := d.parseString()
		return scalar{kind: sString, s: s}, err
	case tkNumber:
		return d.parseNumber()
	case tkTrue:
		d.pos += 4
		return scalar{kind: sBool, b: true}, nil
	case tkFalse:
		d.pos += 5
		return scalar{kind: sBool, b: false}, nil
	default: // tkNull
		d.pos += 4
		return scalar{kind: sNull}, nil
	}
}

func isScalarTok(t tokKind) bool {
	return t == tkString || t == tkNumber || t == tkTrue || t == tkFalse || t == tkNull
}

// ---- structure ----

// top parses the whole body into m.
func (d *decoder) top(m Message) error {
	t := d.peek()
	var err error
	switch {
	case t == tkBeginObject:
		err = d.object(m, nil)
	case t == tkBeginArray:
		d.invalidName("", "Root element must be a message.")
		err = d.skipArray(nil)
	case isScalarTok(t):
		_, err = d.scanScalar(t)
		d.invalidName("", "Root element must be a message.")
	case t == tkEnd || t == tkUnknown:
		err = d.failUnknown("Expected a value.")
	default:
		err = d.unexpected()
	}
	if err != nil {
		return err
	}
	if d.peek() != tkEnd {
		return d.failAt("Parsing terminated before end of input.", d.pos)
	}
	if d.end < len(d.data) {
		return d.failUTF8()
	}
	return nil
}

// objectKey parses the key of an object entry; ok is false at '}'.
func (d *decoder) objectKey() (key []byte, ok bool, err error) {
	switch t := d.peek(); t {
	case tkEndObject:
		d.pos++
		return nil, false, nil
	case tkString:
		key, err = d.parseString()
	case tkKey:
		key, err = d.parseBareKey()
	case tkTrue, tkFalse, tkNull:
		key, err = d.parseBareKey()
		if err == nil && (string(key) == "true" || string(key) == "false" || string(key) == "null") {
			err = d.failAt("Expected an object key or }.", d.pos)
		}
	case tkEnd, tkUnknown:
		err = d.failUnknown("Expected an object key or }.")
	default:
		err = d.failAt("Expected an object key or }.", d.pos)
	}
	if err != nil {
		return nil, false, err
	}
	switch d.peek() {
	case tkColon:
		d.pos++
		return key, true, nil
	case tkEnd, tkUnknown:
		return nil, false, d.failUnknown("Expected : between key:value pair.")
	default:
		return nil, false, d.failAt("Expected : between key:value pair.", d.pos)
	}
}

// objectNext consumes ',' or '}' after an entry; done is true at '}'.
func (d *decoder) objectNext() (done bool, err error) {
	switch d.peek() {
	case tkEndObject:
		d.pos++
		return true, nil
	case tkComma:
		d.pos++
		return false, nil
	case tkEnd, tkUnknown:
		return false, d.failUnknown("Expected , or } after key:value pair.")
	default:
		return false, d.failAt("Expected , or } after key:value pair.", d.pos)
	}
}

func (d *decoder) enterObject(key []byte) error {
	d.pos++ // '{'
	d.objDepth++
	if d.objDepth > maxObjectDepth {
		return d.tooDeep(key)
	}
	return nil
}

// object parses an object at d.pos into message m. key is the member name
// the object belongs to (for the depth error).
func (d *decoder) object(m Message, key []byte) error {
	if err := d.enterObject(key); err != nil {
		return err
	}
	var seen []string // required fields given in this object
	for {
		k, ok, err := d.objectKey()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		if name, err := d.member(m, k); err != nil {
			return err
		} else if name != "" {
			seen = append(seen, name)
		}
		done, err := d.objectNext()
		if err != nil {
			return err
		}
		if done {
			break
		}
	}
	d.objDepth--
	d.checkRequired(m, seen)
	return nil
}

// checkRequired reports required fields of m not given in the object, in
// field order (protobuf reports each; the last report wins).
func (d *decoder) checkRequired(m Message, seen []string) {
	d.mode, d.required = modeRequired, d.required[:0]
	m.walk(d)
	d.mode = modeLookup
	for _, name := range d.required {
		found := false
		for _, s := range seen {
			if s == name {
				found = true
				break
			}
		}
		if !found {
			d.fieldErr = d.locString() + ": missing field " + name
		}
	}
}

// member parses the value of key in message m. It returns the field name
// when a required field received a (non-null) scalar.
func (d *decoder) member(m Message, key []byte) (string, error) {
	if len(key) == 0 {
		d.invalidName("", "Proto fields must have a name.")
		return "", d.skipValue(key)
	}
	d.mode, d.key, d.found, d.hitRef, d.unknownOf = modeLookup, key, false, nil, nil
	m.walk(d)
	if !d.found {
		return "", d.skipValue(key) // unknown field (lenient pass)
	}
	num, name, ref, unknown := d.hitNum, d.hitName, d.hitRef, d.unknownOf
	t := d.peek()
	switch {
	case t == tkNull:
		d.pos += 4
		return "", nil
	case t == tkBeginObject:
		return "", d.objectValue(m, name, key, ref)
	case t == tkBeginArray:
		if !isRepeated(ref) {
			if _, ok := ref.(*map[string]string); ok {
				d.invalidValue("Map", "Cannot bind a list to map for field '"+string(key)+"'.")
			} else {
				d.invalidName(toSnakeCase(key), "Proto field is not repeating, cannot start list.")
			}
			return "", d.skipArray(key)
		}
		d.push(name, false, true)
		err := d.list(m, num, name, ref, unknown)
		d.pop()
		return "", err
	case isScalarTok(t):
		sc, err := d.scanScalar(t)
		if err != nil {
			return "", err
		}
		d.push(name, false, false)
		d.setScalar(m, num, name, ref, sc, unknown)
		d.pop()
		if num&requiredBit != 0 {
			return name, nil
		}
		return "", nil
	case t == tkEnd || t == tkUnknown:
		return "", d.failUnknown("Expected a value.")
	default:
		return "", d.unexpected()
	}
}

func isRepeated(ref any) bool {
	switch ref.(type) {
	case *[]string, *[]int64, *[]int32, enumList, msgList:
		return true
	}
	return false
}

// objectValue handles an object given as the value of a field.
func (d *decoder) objectValue(parent Message, name string, key []byte, ref any) error {
	switch r := ref.(type) {
	case msgField:
		d.push(name, false, false)
		err := d.object(r.mutable(), key)
		d.pop()
		return err
	case msgList:
		d.push(name, false, false)
		err := d.object(r.add(), key)
		d.pop()
		return err
	case *map[string]string:
		d.push(name, false, true)
		err := d.mapObject(parent, name, key, r)
		d.pop()
		return err
	default:
		d.invalidValue(name, "Starting an object on a scalar field")
		return d.skipObject(key)
	}
}

// list parses the array at d.pos into the repeated field ref. The list's
// path segment is on top of d.path.
func (d *decoder) list(m Message, num int32, name string, ref any, unknown *unknownFields) error {
	d.pos++ // '['
	d.arrDepth++
	if d.arrDepth > maxArrayDepth {
		return &ParseError{Msg: "Array nesting too deep. Max depth is " + strconv.Itoa(maxArrayDepth)}
	}
	for {
		t := d.peek()
		switch {
		case t == tkEndArray:
			d.pos++
			d.arrDepth--
			return nil
		case t == tkEnd || t == tkUnknown:
			return d.failUnknown("Expected a value or ] within an array.")
		case t == tkNull:
			d.pos += 4
		case t == tkBeginArray:
			d.push(name, true, true)
			err := d.list(m, num, name, ref, unknown)
			d.pop()
			if err != nil {
				return err
			}
		case t == tkBeginObject:
			if ml, ok := ref.(msgList); ok {
				d.countElement()
				d.push(name, true, false)
				err := d.object(ml.add(), nil)
				d.pop()
				if err != nil {
					return err
				}
			} else {
				d.invalidValue(name, "Starting an object on a scalar field")
				if err := d.skipObject(nil); err != nil {
					return err
				}
			}
		case isScalarTok(t):
			sc, err := d.scanScalar(t)
			if err != nil {
				return err
			}
			d.countElement()
			d.push(name, true, false)
			d.setScalar(m, num, name, ref, sc, unknown)
			d.pop()
		default:
			return d.unexpected()
		}
		switch d.peek() {
		case tkEndArray:
			d.pos++
			d.arrDepth--
			return nil
		case tkComma:
			d.pos++
		case tkEnd, tkUnknown:
			return d.failUnknown("Expected , or ] after array value.")
		default:
			return d.failAt("Expected , or ] after array value.", d.pos)
		}
	}
}

// mapObject parses a JSON object as a map<string, string> field. The map's
// list path segment is on top of d.path.
func (d *decoder) mapObject(parent Message, name string, key []byte, mp *map[string]string) error {
	if err := d.enterObject(key); err != nil {
		return err
	}
	var seen map[string]struct{}
	for {
		k, ok, err := d.objectKey()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		ks := string(k)
		if _, dup := seen[ks]; dup {
			d.invalidName(ks, "Repeated map key: '"+ks+"' is already set.")
			if err := d.skipValue(k); err != nil {
				return err
			}
		} else {
			if seen == nil {
				seen = make(map[string]struct{})
			}
			seen[ks] = struct{}{}
			if err := d.mapValue(ks, mp); err != nil {
				return err
			}
		}
		done, err := d.objectNext()
		if err != nil {
			return err
		}
		if done {
			break
		}
	}
	d.objDepth--
	return nil
}

func (d *decoder) mapValue(k string, mp *map[string]string) error {
	set := func(v string) {
		if *mp == nil {
			*mp = make(map[string]string)
		}
		(*mp)[k] = v
	}
	t := d.peek()
	switch {
	case t == tkNull:
		// The entry is written with its key only: the value is "".
		d.pos += 4
		d.countElement()
		set("")
	case t == tkString:
		s, err := d.parseString()
		if err != nil {
			return err
		}
		d.countElement()
		set(string(s))
	case isScalarTok(t):
		sc, err := d.scanScalar(t)
		if err != nil {
			return err
		}
		d.countElement()
		d.push("", true, false)
		d.push("value", false, false)
		d.invalidValue("TYPE_STRING", valueAsString(sc))
		d.pop()
		d.pop()
	case t == tkBeginArray:
		d.invalidValue("Map", "Cannot have repeated items ('"+k+"') within a map.")
		return d.skipArray([]byte(k))
	case t == tkBeginObject:
		d.countElement()
		d.push("", true, false)
		d.invalidValue("value", "Starting an object on a scalar field")
		d.pop()
		return d.skipObject([]byte(k))
	case t == tkEnd || t == tkUnknown:
		return d.failUnknown("Expected a value.")
	default:
		return d.unexpected()
	}
	return nil
}

// ---- skipping (unknown fields and invalid subtrees) ----

func (d *decoder) skipValue(key []byte) error {
	t := d.peek()
	switch {
	case t == tkBeginObject:
		return d.skipObject(key)
	case t == tkBeginArray:
		return d.skipArray(key)
	case isScalarTok(t):
		_, err := d.scanScalar(t)
		return err
	case t == tkEnd || t == tkUnknown:
		return d.failUnknown("Expected a value.")
	default:
		return d.unexpected()
	}
}

func (d *decoder) skipObject(key []byte) error {
	if err := d.enterObject(key); err != nil {
		return err
	}
	for {
		k, ok, err := d.objectKey()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		if err := d.skipValue(k); err != nil {
			return err
		}
		done, err := d.objectNext()
		if err != nil {
			return err
		}
		if done {
			break
		}
	}
	d.objDepth--
	return nil
}

func (d *decoder) skipArray(key []byte) error {
	d.pos++ // '['
	d.arrDepth++
	if d.arrDepth > maxArrayDepth {
		return &ParseError{Msg: "Array nesting too deep. Max depth is " + strconv.Itoa(maxArrayDepth)}
	}
	for {
		switch t := d.peek(); t {
		case tkEndArray:
			d.pos++
			d.arrDepth--
			return nil
		case tkEnd, tkUnknown:
			return d.failUnknown("Expected a value or ] within an array.")
		default:
			if err := d.skipValue(nil); err != nil {
				return err
			}
		}
		switch d.peek() {
		case tkEndArray:
			d.pos++
			d.arrDepth--
			return nil
		case tkComma:
			d.pos++
		case tkEnd, tkUnknown:
			return d.failUnknown("Expected , or ] after array value.")
		default:
			return d.failAt("Expected , or ] after array value.", d.pos)
		}
	}
}

// ---- scalar conversion (protobuf's DataPiece) ----

// setScalar stores sc into the field ref (a list element for repeated
// fields). The field's path segment is on top of d.path.
func (d *decoder) setScalar(parent Message, num int32, name string, ref any, sc scalar, unknown *unknownFields) {
	if sc.kind == sNull {
		return
	}
	switch r := ref.(type) {
	case *Opt[string]:
		if s, ok := d.toString(sc); ok {
			r.Set(s)
		}
	case *[]string:
		if s, ok := d.toString(sc); ok {
			*r = append(*r, s)
		}
	case *Opt[int64]:
		if v, ok := d.toInt(sc, math.MinInt64, math.MaxInt64, "TYPE_INT64"); ok {
			r.Set(v)
		}
	case *[]int64:
		if v, ok := d.toInt(sc, math.MinInt64, math.MaxInt64, "TYPE_INT64"); ok {
			*r = append(*r, v)
		}
	case *Opt[int32]:
		if v, ok := d.toInt(sc, math.MinInt32, math.MaxInt32, "TYPE_INT32"); ok {
			r.Set(int32(v))
		}
	case *[]int32:
		if v, ok := d.toInt(sc, math.MinInt32, math.MaxInt32, "TYPE_INT32"); ok {
			*r = append(*r, int32(v))
		}
	case *Opt[bool]:
		if v, ok := d.toBool(sc); ok {
			r.Set(v)
		}
	case *Opt[[]byte]:
		if v, ok := d.toBytes(sc); ok {
			r.Set(v)
		}
	case enumField:
		if v, known, ok := d.toEnum(sc, r.enumDesc()); ok {
			if known {
				r.set(v)
			} else if unknown != nil {
				*unknown = append(*unknown, unknownField{num: fieldNumber(num), name: name, val: v})
			}
		}
	case enumList:
		if v, known, ok := d.toEnum(sc, r.enumDesc()); ok {
			if known {
				r.add(v)
			} else if unknown != nil {
				*unknown = append(*unknown, unknownField{num: fieldNumber(num), name: name, repeated: true, val: v})
			}
		}
	case msgField, msgList:
		d.invalidValue("type.googleapis.com/"+msgTypeName(ref), valueAsString(sc))
	case *map[string]string:
		d.invalidValue("type.googleapis.com/"+parent.protoName()+"."+mapEntryName(name), valueAsString(sc))
	}
}

func msgTypeName(ref any) string {
	switch r := ref.(type) {
	case msgField:
		return r.typeName()
	case msgList:
		return r.typeName()
	}
	return ""
}

// mapEntryName is protoc's name of a map field's entry type: "properties"
// gives "PropertiesEntry".
func mapEntryName(field string) string {
	var b []byte
	up := true
	for i := 0; i < len(field); i++ {
		c := field[i]
		if c == '_' {
			up = true
			continue
		}
		if up && 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		up = false
		b = append(b, c)
	}
	return string(b) + "Entry"
}

// toSnakeCase is protobuf's converter::ToSnakeCase, used to report names.
func toSnakeCase(in []byte) string {
	var out []byte
	wasNotUnderscore, wasNotCap := false, false
	for i := 0; i < len(in); i++ {
		c := in[i]
		if 'A' <= c && c <= 'Z' {
			if wasNotUnderscore && (wasNotCap || (i+1 < len(in) && 'a' <= in[i+1] && in[i+1] <= 'z')) {
				out = append(out, '_')
			}
			out = append(out, c+'a'-'A')
			wasNotUnderscore, wasNotCap = true, false
		} else {
			out = append(out, c)
			wasNotUnderscore, wasNotCap = c != '_', true
		}
	}
	return string(out)
}

// valueAsString is DataPiece::ValueAsStringOrDefault, the value text in
// "invalid value" errors.
func valueAsString(sc scalar) string {
	switch sc.kind {
	case sString:
		return "\"" + string(sc.s) + "\""
	case sInt:
		return strconv.FormatInt(sc.i, 10)
	case sUint:
		return strconv.FormatUint(sc.u, 10)
	case sDouble:
		return simpleDtoa(sc.f)
	case sBool:
		return strconv.FormatBool(sc.b)
	default:
		return "null"
	}
}

// simpleDtoa is protobuf's SimpleDtoa: %.15g when it round-trips, else %.17g.
func simpleDtoa(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		return "nan"
	}
	s := strconv.FormatFloat(f, 'g', 15, 64)
	if v, err := strconv.ParseFloat(s, 64); err == nil && v == f {
		return s
	}
	return strconv.FormatFloat(f, 'g', 17, 64)
}

func (d *decoder) toString(sc scalar) (string, bool) {
	if sc.kind == sString {
		return string(sc.s), true
	}
	d.invalidValue("TYPE_STRING", valueAsString(sc))
	return "", false
}

// parseCInt is protobuf's safe_strto32/64 applied through
// DataPiece::StringToNumber: no leading or trailing space, optional sign,
// decimal digits only.
func parseCInt(s []byte, lo, hi int64) (int64, bool) {
	if len(s) == 0 || s[0] == ' ' || s[len(s)-1] == ' ' {
		return 0, false
	}
	neg := false
	if s[0] == '-' || s[0] == '+' {
		neg = s[0] == '-'
		s = s[1:]
	}
	if len(s) == 0 {
		return 0, false
	}
	var v uint64
	for _, c := range s {
		if !isDigit(c) {
			return 0, false
		}
		if v > (math.MaxUint64-9)/10 {
			return 0, false
		}
		v = v*10 + uint64(c-'0')
	}
	if neg {
		if v > uint64(-lo) {
			return 0, false
		}
		return -int64(v), true
	}
	if v > uint64(hi) {
		return 0, false
	}
	return int64(v), true
}

// toInt converts to an integer in [lo, hi] (DataPiece::ToInt32/ToInt64).
func (d *decoder) toInt(sc scalar, lo, hi int64, typeName string) (int64, bool) {
	if v, ok := scalarToInt(sc, lo, hi); ok {
		return v, true
	}
	d.invalidValue(typeName, valueAsString(sc))
	return 0, false
}

func scalarToInt(sc scalar, lo, hi int64) (int64, bool) {
	switch sc.kind {
	case sString:
		return parseCInt(sc.s, lo, hi)
	case sInt:
		return sc.i, sc.i >= lo && sc.i <= hi
	case sUint:
		return int64(sc.u), sc.u <= uint64(hi)
	case sDouble:
		f := sc.f
		if f != math.Trunc(f) || f < float64(lo) || f >= -float64(lo) {
			return 0, false
		}
		return int64(f), true
	}
	return 0, false
}

func (d *decoder) toBool(sc scalar) (bool, bool) {
	switch sc.kind {
	case sBool:
		return sc.b, true
	case sString:
		s := sc.s
		if len(s) > 0 && s[0] != ' ' && s[len(s)-1] != ' ' {
			switch strings.ToLower(string(s)) {
			case "true", "t", "yes", "y", "1":
				return true, true
			case "false", "f", "no", "n", "0":
				return false, true
			}
		}
	}
	d.invalidValue("TYPE_BOOL", valueAsString(sc))
	return false, false
}

func (d *decoder) toBytes(sc scalar) ([]byte, bool) {
	if sc.kind == sString {
		s := strings.TrimRight(string(sc.s), "=")
		if b, err := base64.RawURLEncoding.DecodeString(s); err == nil {
			return b, true
		}
		if b, err := base64.RawStdEncoding.DecodeString(s); err == nil {
			return b, true
		}
	}
	d.invalidValue("TYPE_BYTES", valueAsString(sc))
	return nil, false
}

// toEnum is DataPiece::ToEnum with ignore_unknown_enum_values: known reports
// a declared value; ok=false means the value is dropped (unknown name) or
// invalid (an error was recorded).
func (d *decoder) toEnum(sc scalar, desc *enumDesc) (v int32, known, ok bool) {
	if sc.kind == sString {
		if n, found := desc.byName(string(sc.s)); found {
			return n, true, true
		}
		if n, isInt := parseCInt(sc.s, math.MinInt32, math.MaxInt32); isInt {
			if _, found := desc.byNum(int32(n)); found {
				return int32(n), true, true
			}
		}
		return 0, false, false // unknown enum value: ignored
	}
	n, isInt := scalarToInt(sc, math.MinInt32, math.MaxInt32)
	if !isInt {
		d.invalidValue("TYPE_ENUM", valueAsString(sc))
		return 0, false, false
	}
	_, found := desc.byNum(int32(n))
	return int32(n), found, true
}

package dorispb

import (
	"bytes"
	"errors"
	"github.com/metahost/metahost/host/jsonstr"
	"math"
	"strconv"
)

// Envelope returns the JSON reply body of the classic meta-service
// (http_json_reply, spec §1.6) without the trailing "\n" the HTTP framework
// appends:
//
//	{
//	    "code": "<category>",
//	    "msg": "<msg>",
//	    "result": <result>
//	}
//
// The category is the one of HTTPStatus(code). When code is OK the msg is
// always "" (classic behaviour). result is the compact JSON of the result
// message (see MarshalJSON) and is re-emitted pretty-printed; nil means no
// "result" member. A result that is not valid JSON (e.g. empty) yields,
// like rapidjson in C++, a second "code": "INTERNAL_ERROR" and
// "msg": "JSON parse error" pair instead of "result".
func Envelope(code MetaServiceCode, msg string, result []byte) []byte {
	_, category := HTTPStatus(code)
	if code == MetaServiceCode_OK {
		msg = ""
	}
	return AppendEnvelope(nil, category, msg, result)
}

// EnvelopeMessage is Envelope with the result given as a message.
func EnvelopeMessage(code MetaServiceCode, msg string, result Message) []byte {
	return Envelope(code, msg, MarshalJSON(result))
}

// StatusEnvelope is Envelope for a response status (a nil status is OK).
func StatusEnvelope(st *MetaServiceResponseStatus, result []byte) []byte {
	if st == nil {
		return Envelope(MetaServiceCode_OK, "", result)
	}
	return Envelope(st.Code.Get(), st.Msg.Get(), result)
}

// AppendEnvelope appends an envelope with the given category and msg
// written verbatim (no classic "OK hides msg" rule), for callers that need
// the master behaviour. See Envelope for result.
func AppendEnvelope(dst []byte, category, msg string, result []byte) []byte {
	dst = append(dst, "{\n    \"code\": "...)
	dst = appendRapidJSONString(dst, category)
	dst = append(dst, ",\n    \"msg\": "...)
	dst = appendRapidJSONString(dst, msg)
	if result != nil {
		// rapidjson parses body->c_str(): the text ends at a NUL byte.
		if i := bytes.IndexByte(result, 0); i >= 0 {
			result = result[:i]
		}
		mark := len(dst)
		dst = append(dst, ",\n    \"result\": "...)
		var err error
		if dst, err = appendPretty(dst, result, 1); err != nil {
			dst = append(dst[:mark], ",\n    \"code\": \"INTERNAL_ERROR\",\n    \"msg\": \"JSON parse error\""...)
		}
	}
	return append(dst, "\n}"...)
}

// PrettyJSON parses one JSON value (RFC 8259, as rapidjson's default
// Reader) and returns it formatted like rapidjson's PrettyWriter: 4-space
// indentation, one member or element per line, "key": value, {} and [] for
// empty containers, strings re-escaped by appendRapidJSONString. Integers
// that fit int64/uint64 keep their digits ("-0" becomes "0"); other numbers
// are written as rapidjson writes doubles ("100.0", "1e21", "1.5e-7").
func PrettyJSON(compact []byte) ([]byte, error) { return appendPretty(nil, compact, 0) }

// errPrettyJSON is the error of PrettyJSON for input that is not JSON.
var errPrettyJSON = errors.New("dorispb: invalid JSON")

func appendPretty(dst, src []byte, level int) ([]byte, error) {
	p := prettyPrinter{out: dst, src: src}
	p.ws()
	if err := p.value(level, 0); err != nil {
		return dst, err
	}
	p.ws()
	if p.pos != len(p.src) {
		return dst, errPrettyJSON
	}
	return p.out, nil
}

// prettyPrinter is a small recursive rapidjson-compatible reader that writes
// while it reads.
type prettyPrinter struct {
	out []byte
	src []byte
	pos int
}

// maxPrettyDepth bounds recursion (and the quadratic indentation) on
// hostile input; messages of this package nest far less deeply.
const maxPrettyDepth = 1000

func (p *prettyPrinter) ws() {
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case ' ', '\n', '\r', '\t':
			p.pos++
		default:
			return
		}
	}
}

func (p *prettyPrinter) newline(level int) {
	p.out = append(p.out, '\n')
	for range level {
		p.out = append(p.out, "    "...)
	}
}

func (p *prettyPrinter) lit(s string) error {
	if len(p.src)-p.pos < len(s) || string(p.src[p.pos:p.pos+len(s)]) != s {
		return errPrettyJSON
	}
	p.pos += len(s)
	p.out = append(p.out, s...)
	return nil
}

func (p *prettyPrinter) value(level, depth int) error {
	if depth > maxPrettyDepth || p.pos >= len(p.src) {
		return errPrettyJSON
	}
	switch c := p.src[p.pos]; {
	case c == '{':
		return p.object(level, depth)
	case c == '[':
		return p.array(level, depth)
	case c == '"':
		s, err := p.str()
		if err != nil {
			return err
		}
		p.out = appendRapidJSONString(p.out, string(s))
		return nil
	case c == 't':
		return p.lit("true")
	case c == 'f':
		return p.lit("false")
	case c == 'n':
		return p.lit("null")
	case c == '-' || '0' <= c && c <= '9':
		return p.number()
	}
	return errPrettyJSON
}

func (p *prettyPrinter) object(level, depth int) error {
	p.pos++
	p.ws()
	if p.pos < len(p.src) && p.src[p.pos] == '}' {
		p.pos++
		p.out = append(p.out, '{', '}')
		return nil
	}
	p.out = append(p.out, '{')
	for n := 0; ; n++ {
		if n > 0 {
			p.out = append(p.out, ',')
		}
		p.newline(level + 1)
		if p.pos >= len(p.src) || p.src[p.pos] != '"' {
			return errPrettyJSON
		}
		k, err := p.str()
		if err != nil {
			return err
		}
		p.out = appendRapidJSONString(p.out, string(k))
		p.ws()
		if p.pos >= len(p.src) || p.src[p.pos] != ':' {
			return errPrettyJSON
		}
		p.pos++
		p.ws()
		p.out = append(p.out, ':', ' ')
		if err := p.value(level+1, depth+1); err != nil {
			return err
		}
		p.ws()
		if p.pos >= len(p.src) {
			return errPrettyJSON
		}
		switch p.src[p.pos] {
		case ',':
			p.pos++
			p.ws()
		case '}':
			p.pos++
			p.newline(level)
			p.out = append(p.out, '}')
			return nil
		default:
			return errPrettyJSON
		}
	}
}

func (p *prettyPrinter) array(level, depth int) error {
	p.pos++
	p.ws()
	if p.pos < len(p.src) && p.src[p.pos] == ']' {
		p.pos++
		p.out = append(p.out, '[', ']')
		return nil
	}
	p.out = append(p.out, '[')
	for n := 0; ; n++ {
		if n > 0 {
			p.out = append(p.out, ',')
		}
		p.newline(level + 1)
		if err := p.value(level+1, depth+1); err != nil {
			return err
		}
		p.ws()
		if p.pos >= len(p.src) {
			return errPrettyJSON
		}
		switch p.src[p.pos] {
		case ',':
			p.pos++
			p.ws()
		case ']':
			p.pos++
			p.newline(level)
			p.out = append(p.out, ']')
			return nil
		default:
			return errPrettyJSON
		}
	}
}

// str reads a JSON string at p.pos and returns its decoded bytes (not
// validated as UTF-8, like rapidjson without kParseValidateEncodingFlag).
func (p *prettyPrinter) str() ([]byte, error) {
	p.pos++
	start := p.pos
	var buf []byte
	escaped := false
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case c == '"':
			s := p.src[start:p.pos]
			if escaped {
				s = append(buf, s...)
			}
			p.pos++
			return s, nil
		case c < 0x20:
			return nil, errPrettyJSON
		case c != '\\':
			p.pos++
			continue
		}
		if !escaped {
			escaped = true
			buf = make([]byte, 0, p.pos-start+16)
		}
		buf = append(buf, p.src[start:p.pos]...)
		if p.pos+1 >= len(p.src) {
			return nil, errPrettyJSON
		}
		e := p.src[p.pos+1]
		p.pos += 2
		switch e {
		case '"', '\\', '/':
			buf = append(buf, e)
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
		case 'u':
			cp, ok := p.hex4()
			if !ok {
				return nil, errPrettyJSON
			}
			if cp >= 0xd800 && cp <= 0xdfff {
				if cp > 0xdbff || p.pos+1 >= len(p.src) || p.src[p.pos] != '\\' || p.src[p.pos+1] != 'u' {
					return nil, errPrettyJSON
				}
				p.pos += 2
				lo, ok := p.hex4()
				if !ok || lo < 0xdc00 || lo > 0xdfff {
					return nil, errPrettyJSON
				}
				cp = (cp-0xd800)<<10 | (lo - 0xdc00) + 0x10000
			}
			buf = appendUTF8(buf, cp)
		default:
			return nil, errPrettyJSON
		}
		start = p.pos
	}
	return nil, errPrettyJSON
}

func (p *prettyPrinter) hex4() (uint32, bool) {
	if len(p.src)-p.pos < 4 {
		return 0, false
	}
	v, ok := hex4(p.src[p.pos : p.pos+4])
	p.pos += 4
	return v, ok
}

// appendUTF8 encodes a code point (never a surrogate here) as UTF-8.
func appendUTF8(b []byte, cp uint32) []byte {
	switch {
	case cp < 0x80:
		return append(b, byte(cp))
	case cp < 0x800:
		return append(b, 0xc0|byte(cp>>6), 0x80|byte(cp&0x3f))
	case cp < 0x10000:
		return append(b, 0xe0|byte(cp>>12), 0x80|byte(cp>>6&0x3f), 0x80|byte(cp&0x3f))
	default:
		return append(b, 0xf0|byte(cp>>18), 0x80|byte(cp>>12&0x3f), 0x80|byte(cp>>6&0x3f), 0x80|byte(cp&0x3f))
	}
}

func (p *prettyPrinter) number() error {
	start := p.pos
	neg := p.src[p.pos] == '-'
	if neg {
		p.pos++
	}
	digits := func() int {
		n := 0
		for p.pos < len(p.src) && '0' <= p.src[p.pos] && p.src[p.pos] <= '9' {
			p.pos++
			n++
		}
		return n
	}
	if p.pos >= len(p.src) {
		return errPrettyJSON
	}
	if p.src[p.pos] == '0' {
		p.pos++
	} else if digits() == 0 {
		return errPrettyJSON
	}
	isInt := true
	if p.pos < len(p.src) && p.src[p.pos] == '.' {
		p.pos++
		if digits() == 0 {
			return errPrettyJSON
		}
		isInt = false
	}
	if p.pos < len(p.src) && (p.src[p.pos] == 'e' || p.src[p.pos] == 'E') {
		p.pos++
		if p.pos < len(p.src) && (p.src[p.pos] == '+' || p.src[p.pos] == '-') {
			p.pos++
		}
		if digits() == 0 {
			return errPrettyJSON
		}
		isInt = false
	}
	text := string(p.src[start:p.pos])
	if isInt {
		if neg {
			if v, err := strconv.ParseInt(text, 10, 64); err == nil {
				p.out = strconv.AppendInt(p.out, v, 10)
				return nil
			}
		} else if v, err := strconv.ParseUint(text, 10, 64); err == nil {
			p.out = strconv.AppendUint(p.out, v, 10)
			return nil
		}
	}
	f, _ := strconv.ParseFloat(text, 64) // the grammar was checked above
	if math.IsInf(f, 0) {
		return errPrettyJSON // rapidjson: kParseErrorNumberTooBig
	}
	p.out = appendRapidJSONDouble(p.out, f)
	return nil
}

// appendRapidJSONDouble writes f as rapidjson's Writer::Double (dtoa +
// Prettify with maxDecimalPlaces 324), using the shortest round-trip digits.
func appendRapidJSONDouble(b []byte, f float64) []byte {
	if f == 0 {
		if math.Signbit(f) {
			b = append(b, '-')
		}
		return append(b, "0.0"...)
	}
	if f < 0 {
		b = append(b, '-')
		f = -f
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // d.ddde±XX
	mant, exp := e, 0
	if i := bytes.IndexByte([]byte(e), 'e'); i >= 0 {
		mant = e[:i]
		exp, _ = strconv.Atoi(e[i+1:])
	}
	digits := make([]byte, 0, len(mant))
	for i := 0; i < len(mant); i++ {
		if mant[i] != '.' {
			digits = append(digits, mant[i])
		}
	}
	length := len(digits)
	k := exp - (length - 1) // value = digits * 10^k
	kk := length + k
	switch {
	case 0 <= k && kk <= 21:
		b = append(b, digits...)
		for i := length; i < kk; i++ {
			b = append(b, '0')
		}
		return append(b, '.', '0')
	case 0 < kk && kk <= 21:
		b = append(b, digits[:kk]...)
		b = append(b, '.')
		return append(b, digits[kk:]...)
	case -6 < kk && kk <= 0:
		b = append(b, '0', '.')
		for i := kk; i < 0; i++ {
			b = append(b, '0')
		}
		return append(b, digits...)
	case length == 1:
		b = append(b, digits[0], 'e')
		return strconv.AppendInt(b, int64(kk-1), 10)
	default:
		b = append(b, digits[0], '.')
		b = append(b, digits[1:]...)
		b = append(b, 'e')
		return strconv.AppendInt(b, int64(kk-1), 10)
	}
}

// appendRapidJSONString appends s as rapidjson's Writer writes a string
// (see package jsonstr).
func appendRapidJSONString(dst []byte, s string) []byte { return jsonstr.Append(dst, s) }

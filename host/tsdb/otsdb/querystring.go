package otsdb

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// QueryParams holds decoded query-string parameters: every value of each
// name, in order. Names are case-sensitive.
type QueryParams map[string][]string

// Has reports whether name is present, whatever its value (OpenTSDB's
// presence flags: resolve, summary, details, sync).
func (q QueryParams) Has(name string) bool {
	_, ok := q[name]
	return ok
}

// Get returns the last value of name (getQueryStringParam) and whether it
// is present.
func (q QueryParams) Get(name string) (string, bool) {
	vs := q[name]
	if len(vs) == 0 {
		return "", false
	}
	return vs[len(vs)-1], true
}

// All returns every value of name in order.
func (q QueryParams) All(name string) []string { return q[name] }

// maxQueryParams is Netty's default QueryStringDecoder parameter limit;
// later parameters are silently dropped.
const maxQueryParams = 1024

// DecodeQueryString decodes the query part of a URI (after '?', without it)
// like Netty 3's QueryStringDecoder: parameters separated by '&' or ';'; a
// name without '=' gets an empty value; the first '=' separates name and
// value (later ones belong to the value); a segment starting with '=' has
// no name and its remainder becomes a name with an empty value; components
// are decoded with '+' as space, "%XX" as a UTF-8 byte and "%%" as '%'; at
// most 1024 parameters are kept. A malformed escape fails like Netty does
// (IllegalArgumentException, which OpenTSDB answers with a 500): the *Error
// has Code 500 and Netty's message.
func DecodeQueryString(raw string) (QueryParams, error) {
	params := QueryParams{}
	if raw == "" {
		return params, nil
	}
	n := 0
	add := func(name, value string) bool {
		if n >= maxQueryParams {
			return false
		}
		n++
		params[name] = append(params[name], value)
		return true
	}
	var name string
	hasName := false
	pos := 0
	i := 0
	for ; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c == '=' && !hasName:
			if pos != i {
				dn, err := decodeComponent(raw[pos:i])
				if err != nil {
					return nil, err
				}
				name, hasName = dn, true
			}
			pos = i + 1
		case c == '&' || c == ';':
			if !hasName && pos != i {
				dn, err := decodeComponent(raw[pos:i])
				if err != nil {
					return nil, err
				}
				if !add(dn, "") {
					return params, nil
				}
			} else if hasName {
				dv, err := decodeComponent(raw[pos:i])
				if err != nil {
					return nil, err
				}
				if !add(name, dv) {
					return params, nil
				}
				hasName = false
			}
			pos = i + 1
		}
	}
	if pos != i {
		dc, err := decodeComponent(raw[pos:i])
		if err != nil {
			return nil, err
		}
		if hasName {
			add(name, dc)
		} else {
			add(dc, "")
		}
	} else if hasName {
		add(name, "")
	}
	return params, nil
}

// decodeComponent is Netty 3's QueryStringDecoder.decodeComponent with the
// UTF-8 charset. Invalid UTF-8 in the result becomes U+FFFD.
func decodeComponent(s string) (string, error) {
	if strings.IndexByte(s, '%') < 0 && strings.IndexByte(s, '+') < 0 {
		return validUTF8(s), nil
	}
	buf := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '+':
			buf = append(buf, ' ')
		case '%':
			if i == len(s)-1 {
				return "", queryStringError("unterminated escape sequence at end of string: " + s)
			}
			i++
			if s[i] == '%' {
				buf = append(buf, '%')
				continue
			}
			if i == len(s)-1 {
				return "", queryStringError("partial escape sequence at end of string: " + s)
			}
			h, l := hexNibble(s[i]), hexNibble(s[i+1])
			i++
			if h < 0 || l < 0 {
				return "", queryStringError("invalid escape sequence `%" + s[i-1:i+1] +
					"' at index " + strconv.Itoa(i-2) + " of: " + s)
			}
			buf = append(buf, byte(h<<4|l))
		default:
			buf = append(buf, c)
		}
	}
	return validUTF8(string(buf)), nil
}

// queryStringError is Netty's IllegalArgumentException, which OpenTSDB
// answers with a 500 carrying its message.
func queryStringError(msg string) *Error {
	return &Error{Code: 500, Message: validUTF8(msg)}
}

func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return sanitizeUTF8(s)
}

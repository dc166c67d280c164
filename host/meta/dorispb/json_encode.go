package dorispb

import (
	"encoding/base64"
	"slices"
	"strconv"
)

// MarshalJSON returns the compact JSON of m exactly as the C++ meta-service's
// proto_to_json does (protobuf 21 MessageToJsonString with
// preserve_proto_field_names=true, add_whitespace=false and without
// always_print_primitive_fields):
//   - snake_case proto field names, only fields that are set, in field-number
//     order; empty repeated and map fields are omitted;
//   - int64 values as JSON strings, int32 as numbers, bools as true/false,
//     enums by name (by number when not declared), bytes as padded base64;
//   - strings escaped by protobuf's JsonEscaping (see appendProtoJSONString);
//   - unknown enum values that JSON parsing kept (see Unmarshal) come last.
//
// Map entries are written in key order (C++ writes the hash-map order).
func MarshalJSON(m Message) []byte { return AppendJSON(nil, m) }

// AppendJSON appends the compact JSON of m (see MarshalJSON) to dst.
func AppendJSON(dst []byte, m Message) []byte {
	e := jsonEncoder{buf: dst}
	e.message(m)
	return e.buf
}

// jsonEncoder implements walker; it writes one message object at a time.
type jsonEncoder struct {
	buf   []byte
	first bool // no member written yet in the current object
}

func (e *jsonEncoder) message(m Message) {
	e.buf = append(e.buf, '{')
	saved := e.first
	e.first = true
	m.walk(e)
	e.first = saved
	e.buf = append(e.buf, '}')
}

func (e *jsonEncoder) key(name string) {
	if !e.first {
		e.buf = append(e.buf, ',')
	}
	e.first = false
	e.buf = append(e.buf, '"')
	e.buf = append(e.buf, name...)
	e.buf = append(e.buf, '"', ':')
}

func (e *jsonEncoder) int64Str(v int64) {
	e.buf = append(e.buf, '"')
	e.buf = strconv.AppendInt(e.buf, v, 10)
	e.buf = append(e.buf, '"')
}

func (e *jsonEncoder) enumVal(d *enumDesc, v int32) {
	if s, ok := d.byNum(v); ok {
		e.buf = appendProtoJSONString(e.buf, s)
		return
	}
	e.buf = strconv.AppendInt(e.buf, int64(v), 10)
}

func (e *jsonEncoder) field(_ int32, name string, ref any) {
	switch r := ref.(type) {
	case *Opt[string]:
		if r.ok {
			e.key(name)
			e.buf = appendProtoJSONString(e.buf, r.v)
		}
	case *Opt[int64]:
		if r.ok {
			e.key(name)
			e.int64Str(r.v)
		}
	case *Opt[int32]:
		if r.ok {
			e.key(name)
			e.buf = strconv.AppendInt(e.buf, int64(r.v), 10)
		}
	case *Opt[bool]:
		if r.ok {
			e.key(name)
			e.buf = strconv.AppendBool(e.buf, r.v)
		}
	case *Opt[[]byte]:
		if r.ok {
			e.key(name)
			e.buf = appendBase64(e.buf, r.v)
		}
	case enumField:
		if v, ok := r.get(); ok {
			e.key(name)
			e.enumVal(r.enumDesc(), v)
		}
	case msgField:
		if sub := r.get(); sub != nil {
			e.key(name)
			e.message(sub)
		}
	case *[]string:
		if len(*r) > 0 {
			e.key(name)
			e.buf = append(e.buf, '[')
			for i, s := range *r {
				if i > 0 {
					e.buf = append(e.buf, ',')
				}
				e.buf = appendProtoJSONString(e.buf, s)
			}
			e.buf = append(e.buf, ']')
		}
	case *[]int64:
		if len(*r) > 0 {
			e.key(name)
			e.buf = append(e.buf, '[')
			for i, v := range *r {
				if i > 0 {
					e.buf = append(e.buf, ',')
				}
				e.int64Str(v)
			}
			e.buf = append(e.buf, ']')
		}
	case *[]int32:
		if len(*r) > 0 {
			e.key(name)
			e.buf = append(e.buf, '[')
			for i, v := range *r {
				if i > 0 {
					e.buf = append(e.buf, ',')
				}
				e.buf = strconv.AppendInt(e.buf, int64(v), 10)
			}
			e.buf = append(e.buf, ']')
		}
	case enumList:
		if n := r.length(); n > 0 {
			e.key(name)
			e.buf = append(e.buf, '[')
			d := r.enumDesc()
			for i := range n {
				if i > 0 {
					e.buf = append(e.buf, ',')
				}
				e.enumVal(d, r.at(i))
			}
			e.buf = append(e.buf, ']')
		}
	case msgList:
		if n := r.length(); n > 0 {
			e.key(name)
			e.buf = append(e.buf, '[')
			for i := range n {
				if i > 0 {
					e.buf = append(e.buf, ',')
				}
				e.message(r.at(i))
			}
			e.buf = append(e.buf, ']')
		}
	case *map[string]string:
		if len(*r) > 0 {
			e.key(name)
			e.buf = append(e.buf, '{')
			for i, k := range sortedKeys(*r) {
				if i > 0 {
					e.buf = append(e.buf, ',')
				}
				e.buf = appendProtoJSONString(e.buf, k)
				e.buf = append(e.buf, ':')
				e.buf = appendProtoJSONString(e.buf, (*r)[k])
			}
			e.buf = append(e.buf, '}')
		}
	case *unknownFields:
		e.unknown(*r)
	}
}

// unknown writes unknown enum values the way protobuf's
// ProtoStreamObjectSource renders them from the serialized unknown field set:
// as numbers, a repeated field's consecutive values grouped in one array.
func (e *jsonEncoder) unknown(u unknownFields) {
	for i := 0; i < len(u); {
		f := u[i]
		e.key(f.name)
		if !f.repeated {
			e.buf = strconv.AppendInt(e.buf, int64(f.val), 10)
			i++
			continue
		}
		e.buf = append(e.buf, '[')
		j := i
		for ; j < len(u) && u[j].num == f.num; j++ {
			if j > i {
				e.buf = append(e.buf, ',')
			}
			e.buf = strconv.AppendInt(e.buf, int64(u[j].val), 10)
		}
		e.buf = append(e.buf, ']')
		i = j
	}
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func appendBase64(dst, b []byte) []byte {
	dst = append(dst, '"')
	dst = base64.StdEncoding.AppendEncode(dst, b)
	return append(dst, '"')
}

const lowerHex = "0123456789abcdef"

// appendProtoJSONString appends s as a JSON string escaped like protobuf's
// util/internal/json_escaping.cc:
//   - '"' and '\\' as \" and \\; \b \t \n \f \r short forms; other C0
//     controls, DEL, the C1 controls U+0080-U+009F, '<' and '>' as \u00xx;
//   - U+00AD, U+0600-0603, U+06DD, U+070F, U+17B4-17B5, U+200B-200F,
//     U+2028-202E, U+2060-2064, U+206A-206F, U+FEFF, U+FFF9-FFFB as \uxxxx,
//     and U+1D173-1D17A, U+E0001, U+E0020-E007F as a surrogate pair;
//     hex digits are lowercase;
//   - invalid UTF-8 is dropped the way ReadCodePoint/Escape drop it: a bad
//     lead byte alone, a sequence with a bad continuation byte together with
//     that byte, an encoded surrogate or a code point above U+10FFFF whole,
//     and a truncated sequence at the end; overlong forms are decoded.
func appendProtoJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		b := s[i]
		if b < 0x80 {
			dst = appendEscapedCP(dst, uint32(b), s[i:i+1])
			i++
			continue
		}
		var cp uint32
		var need int
		switch {
		case b <= 0xbf:
			i++ // stray continuation byte: dropped
			continue
		case b <= 0xdf:
			cp, need = uint32(b&0x1f), 1
		case b <= 0xef:
			cp, need = uint32(b&0x0f), 2
		case b <= 0xf7:
			cp, need = uint32(b&0x07), 3
		default:
			i++ // 0xf8..0xff: dropped
			continue
		}
		j := i + 1
		ok := true
		for need > 0 && j < len(s) {
			c := s[j]
			j++
			need--
			cp = cp<<6 | uint32(c&0x3f)
			if c < 0x80 || c > 0xbf {
				ok = false
				break
			}
		}
		if !ok || need > 0 || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff {
			i = j // the bytes read are dropped
			continue
		}
		dst = appendEscapedCP(dst, cp, s[i:j])
		i = j
	}
	return append(dst, '"')
}

// appendEscapedCP appends the protobuf escape of code point cp, or raw (the
// original bytes) when cp needs no escaping.
func appendEscapedCP(dst []byte, cp uint32, raw string) []byte {
	switch {
	case cp == '"':
		return append(dst, '\\', '"')
	case cp == '\\':
		return append(dst, '\\', '\\')
	case cp == '\b':
		return append(dst, '\\', 'b')
	case cp == '\t':
		return append(dst, '\\', 't')
	case cp == '\n':
		return append(dst, '\\', 'n')
	case cp == '\f':
		return append(dst, '\\', 'f')
	case cp == '\r':
		return append(dst, '\\', 'r')
	case cp < 0x20, cp == '<', cp == '>', cp >= 0x7f && cp < 0xa0:
		return appendU4(dst, cp)
	case cp < 0xa0:
		return append(dst, raw...)
	}
	switch {
	case cp == 0xfeff, cp >= 0xfff9 && cp <= 0xfffb, cp == 0x00ad, cp == 0x06dd,
		cp == 0x070f, cp == 0x17b4, cp == 0x17b5,
		cp >= 0x0600 && cp <= 0x0603, cp >= 0x200b && cp <= 0x200f,
		cp >= 0x2028 && cp <= 0x202e, cp >= 0x2060 && cp <= 0x2064,
		cp >= 0x206a && cp <= 0x206f:
		return appendU4(dst, cp)
	case cp == 0xe0001, cp >= 0x1d173 && cp <= 0x1d17a, cp >= 0xe0020 && cp <= 0xe007f:
		hi := (cp >> 10) + (0xd800 - (0x10000 >> 10))
		lo := cp&0x3ff + 0xdc00
		return appendU4(appendU4(dst, hi), lo)
	}
	return append(dst, raw...)
}

func appendU4(dst []byte, v uint32) []byte {
	return append(dst, '\\', 'u', lowerHex[v>>12&0xf], lowerHex[v>>8&0xf], lowerHex[v>>4&0xf], lowerHex[v&0xf])
}

// Package keys implements the Apache Doris cloud meta-service key encoding
// (cloud/src/meta-service/codec.cpp and keys.cpp) byte for byte, the key
// builders for the key families metahost stores, and the text renderings of
// the decode_key and encode_key debug endpoints (prettify_key/explain_fields
// in cloud/src/common/util.cpp, http_encode_key.cpp).
//
// A key is one key-space byte (SpaceUser or SpaceSystem) followed by a
// sequence of fields. A bytes field is TagBytes, the bytes with every 0x00
// written as 0x00 0xFF, then the terminator 0x00 0x01. An int64 field is
// TagNegInt (v < 0) or TagPosInt (v >= 0) followed by |v| as 8 big-endian
// bytes. Encoded non-negative int64 values therefore sort numerically as
// bytes; negative values sort before all non-negative values but in order of
// increasing magnitude, not numerically.
package keys

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
)

// Key-space bytes (the first byte of every key).
const (
	// SpaceUser is CLOUD_USER_KEY_SPACE01: per-instance business metadata.
	SpaceUser byte = 0x01
	// SpaceSystem is CLOUD_SYS_KEY_SPACE02: meta-service system data.
	SpaceSystem byte = 0x02
)

// Field tags (EncodingTag in codec.h).
const (
	// TagBytes starts a bytes/string field.
	TagBytes byte = 0x10
	// TagNegInt starts an int64 field holding a negative value.
	TagNegInt byte = 0x11
	// TagPosInt starts an int64 field holding a non-negative value.
	TagPosInt byte = 0x12
)

const (
	byteEscape  byte = 0x00 // BYTE_ESCAPE
	escaped00   byte = 0xFF // ESCAPED_00
	bytesEnding byte = 0x01 // BYTES_ENDING
	int64Len         = 9    // tag + 8 bytes
)

// ErrMalformedKey is matched (errors.Is) by every error returned for a key
// that does not follow the encoding.
var ErrMalformedKey = errors.New("keys: malformed key")

// DecodeError describes why a key could not be decoded. It matches
// ErrMalformedKey with errors.Is.
type DecodeError struct {
	// Offset is the byte offset in the key (including the key-space byte)
	// where decoding failed.
	Offset int
	// Reason is a short description of the defect.
	Reason string
}

// Error implements error.
func (e *DecodeError) Error() string {
	return fmt.Sprintf("keys: malformed key at byte %d: %s", e.Offset, e.Reason)
}

// Is reports whether target is ErrMalformedKey.
func (e *DecodeError) Is(target error) bool { return target == ErrMalformedKey }

// AppendBytes appends the encoding of s (encode_bytes) to dst: TagBytes,
// s with every 0x00 replaced by 0x00 0xFF, then 0x00 0x01.
func AppendBytes[T ~string | ~[]byte](dst []byte, s T) []byte {
	dst = append(dst, TagBytes)
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == byteEscape {
			dst = append(dst, s[start:i+1]...)
			dst = append(dst, escaped00)
			start = i + 1
		}
	}
	dst = append(dst, s[start:]...)
	return append(dst, byteEscape, bytesEnding)
}

// AppendInt64 appends the encoding of v (encode_int64) to dst: TagNegInt if
// v < 0 else TagPosInt, then |v| as 8 big-endian bytes. math.MinInt64 is
// encoded as TagNegInt 0x80 00 00 00 00 00 00 00, like the C++ code.
func AppendInt64(dst []byte, v int64) []byte {
	if v < 0 {
		return binary.BigEndian.AppendUint64(append(dst, TagNegInt), uint64(-v))
	}
	return binary.BigEndian.AppendUint64(append(dst, TagPosInt), uint64(v))
}

// Field is one decoded key field.
type Field struct {
	// Tag is TagBytes, TagNegInt or TagPosInt.
	Tag byte
	// Pos is the offset of the field's tag relative to the byte after the
	// key-space byte (the "pos" of Doris decode_key).
	Pos int
	// Bytes is the unescaped value of a bytes field (nil for int fields).
	// It may alias the decoded key when the value contained no 0x00 byte.
	Bytes []byte
	// Int is the value of an int field (0 for bytes fields): the 8
	// big-endian bytes as int64, negated for TagNegInt.
	Int int64
}

// IsInt reports whether f is an int64 field.
func (f Field) IsInt() bool { return f.Tag != TagBytes }

// AppendLabel appends the text decode_key shows for f: the raw bytes of a
// bytes field, or the decimal value of an int field.
func (f Field) AppendLabel(dst []byte) []byte {
	if f.IsInt() {
		return strconv.AppendInt(dst, f.Int, 10)
	}
	return append(dst, f.Bytes...)
}

// Label returns the text decode_key shows for f (see AppendLabel).
func (f Field) Label() string { return string(f.AppendLabel(nil)) }

// Decode splits key into its key-space byte and fields, following Doris
// decode_key exactly. A key made only of the key-space byte has no fields.
// Field.Bytes may alias key. Errors match ErrMalformedKey.
func Decode(key []byte) (space byte, fields []Field, err error) {
	return AppendDecode(nil, key)
}

// AppendDecode is Decode appending the fields to dst, so a caller can reuse
// a slice across calls. On error the returned slice holds the fields decoded
// before the defect.
func AppendDecode(dst []Field, key []byte) (space byte, fields []Field, err error) {
	if len(key) == 0 {
		return 0, dst, &DecodeError{Offset: 0, Reason: "empty key"}
	}
	if dst == nil {
		dst = make([]Field, 0, 8) // most Doris keys have at most 8 fields
	}
	space = key[0]
	rest := key[1:]
	pos := 0
	for len(rest) > 0 {
		var f Field
		var n int
		f, n, err = decodeField(rest)
		if err != nil {
			var de *DecodeError
			if errors.As(err, &de) {
				de.Offset += 1 + pos
			}
			return space, dst, err
		}
		f.Pos = pos
		dst = append(dst, f)
		pos += n
		rest = rest[n:]
	}
	return space, dst, nil
}

// decodeField decodes the field at the start of in and returns it with the
// number of bytes consumed. Error offsets are relative to in.
func decodeField(in []byte) (Field, int, error) {
	switch tag := in[0]; tag {
	case TagBytes:
		return decodeBytesField(in)
	case TagNegInt, TagPosInt:
		if len(in) < int64Len {
			return Field{}, 0, &DecodeError{Offset: 0,
				Reason: fmt.Sprintf("int64 field needs 9 bytes, have %d", len(in))}
		}
		v := int64(binary.BigEndian.Uint64(in[1:int64Len]))
		if tag == TagNegInt {
			v = -v
		}
		return Field{Tag: tag, Int: v}, int64Len, nil
	default:
		return Field{}, 0, &DecodeError{Offset: 0, Reason: fmt.Sprintf("unknown tag 0x%02x", tag)}
	}
}

// decodeBytesField decodes a TagBytes field at the start of in (decode_bytes).
func decodeBytesField(in []byte) (Field, int, error) {
	body := in[1:]
	var out []byte // nil until an escaped 0x00 is seen
	off := 0       // consumed bytes of body
	for {
		i := bytes.IndexByte(body[off:], byteEscape)
		if i < 0 {
			return Field{}, 0, &DecodeError{Offset: 1 + len(body), Reason: "bytes field without terminator"}
		}
		at := off + i
		if at+1 >= len(body) {
			return Field{}, 0, &DecodeError{Offset: 1 + at, Reason: "0x00 is the last byte of a bytes field"}
		}
		switch c := body[at+1]; c {
		case bytesEnding:
			if out == nil {
				out = body[:at:at]
			} else {
				out = append(out, body[off:at]...)
			}
			return Field{Tag: TagBytes, Bytes: out}, 1 + at + 2, nil
		case escaped00:
			if out == nil {
				out = make([]byte, 0, len(body))
			}
			out = append(out, body[off:at+1]...)
			off = at + 2
		default:
			return Field{}, 0, &DecodeError{Offset: 2 + at, Reason: fmt.Sprintf("bad escape 0x00 0x%02x", c)}
		}
	}
}

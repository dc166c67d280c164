// Package wire is the compact binary codec of the metahost wasm ABI: varints, zig-zag signed
// varints, length-prefixed strings and byte strings, fixed 8-byte floats. It is used on both sides
// of the ABI (the host and the wasm guest) and uses no reflection, so that a policy call on a
// 100-rowset tablet costs microseconds inside a wasm guest rather than the ~150 µs that
// encoding/json costs there for ten rowsets.
//
// The Decoder has a sticky error: after the first malformed field every read returns a zero value
// and Err reports what went wrong, so decoders read straight through and check once at the end.
// Strings returned by the Decoder alias its input buffer (no copy): the caller must not modify the
// buffer while those strings are in use.
package wire

import (
	"errors"
	"math"
	"strconv"
	"unsafe"
)

// ErrMalformed is wrapped by every decoding error.
var ErrMalformed = errors.New("malformed message")

// Encoder appends fields to a byte slice. The zero value is ready to use.
type Encoder struct {
	buf []byte
}

// NewEncoder returns an encoder that appends to buf[:0], reusing its capacity.
func NewEncoder(buf []byte) *Encoder { return &Encoder{buf: buf[:0]} }

// Reset empties the encoder, keeping its capacity.
func (e *Encoder) Reset() { e.buf = e.buf[:0] }

// Bytes returns the encoded message. It aliases the encoder's buffer until the next Reset.
func (e *Encoder) Bytes() []byte { return e.buf }

// Len returns the number of bytes encoded so far.
func (e *Encoder) Len() int { return len(e.buf) }

// Grow makes room for n more bytes.
func (e *Encoder) Grow(n int) {
	if cap(e.buf)-len(e.buf) < n {
		nb := make([]byte, len(e.buf), 2*cap(e.buf)+n)
		copy(nb, e.buf)
		e.buf = nb
	}
}

// Byte appends one raw byte.
func (e *Encoder) Byte(b byte) { e.buf = append(e.buf, b) }

// Bool appends a boolean as one byte (0 or 1).
func (e *Encoder) Bool(v bool) {
	if v {
		e.buf = append(e.buf, 1)
	} else {
		e.buf = append(e.buf, 0)
	}
}

// Uvarint appends an unsigned varint.
func (e *Encoder) Uvarint(v uint64) { e.buf = appendUvarint(e.buf, v) }

// Varint appends a zig-zag signed varint.
func (e *Encoder) Varint(v int64) { e.buf = appendVarint(e.buf, v) }

// Float64 appends the IEEE-754 bits of f, little endian.
func (e *Encoder) Float64(f float64) {
	e.buf = appendU64(e.buf, math.Float64bits(f))
}

// Int64 appends v as 8 little-endian bytes. Fixed-width fields decode without a loop, which
// matters inside a metered wasm guest, where every loop iteration costs a fuel check.
func (e *Encoder) Int64(v int64) { e.buf = appendU64(e.buf, uint64(v)) }

// Uint32 appends v as 4 little-endian bytes.
func (e *Encoder) Uint32(v uint32) { e.buf = appendU32(e.buf, v) }

// String32 appends a string prefixed with its length as 4 little-endian bytes.
func (e *Encoder) String32(s string) {
	e.buf = appendU32(e.buf, uint32(len(s)))
	e.buf = append(e.buf, s...)
}

// String appends a length-prefixed string.
func (e *Encoder) String(s string) {
	e.buf = appendUvarint(e.buf, uint64(len(s)))
	e.buf = append(e.buf, s...)
}

// Blob appends a length-prefixed byte string.
func (e *Encoder) Blob(b []byte) {
	e.buf = appendUvarint(e.buf, uint64(len(b)))
	e.buf = append(e.buf, b...)
}

// Decoder reads fields from a byte slice.
type Decoder struct {
	b   []byte
	off int
	err error
}

// NewDecoder returns a decoder over b. Strings and blobs it returns alias b.
func NewDecoder(b []byte) *Decoder { return &Decoder{b: b} }

// Reset points the decoder at a new buffer and clears its error.
func (d *Decoder) Reset(b []byte) { d.b, d.off, d.err = b, 0, nil }

// Err returns the first error met, or nil.
func (d *Decoder) Err() error { return d.err }

// Remaining returns the number of unread bytes.
func (d *Decoder) Remaining() int { return len(d.b) - d.off }

// Fail records an error wrapping ErrMalformed unless one is already recorded. format may contain
// %d verbs for integer arguments (the package avoids fmt, which would pull reflection into every
// wasm guest).
func (d *Decoder) Fail(format string, args ...any) {
	if d.err == nil {
		d.err = &DecodeError{Msg: Format(format, args...), Offset: d.off}
	}
}

// DecodeError is the error a Decoder records: what was wrong and at which byte.
type DecodeError struct {
	Msg    string
	Offset int
}

// Error formats "malformed message: MSG (at byte N)".
func (e *DecodeError) Error() string {
	return ErrMalformed.Error() + ": " + e.Msg + " (at byte " + strconv.Itoa(e.Offset) + ")"
}

// Unwrap returns ErrMalformed.
func (e *DecodeError) Unwrap() error { return ErrMalformed }

// Format replaces each %d in format by the next integer argument (any integer type; other values
// print as "?"), without fmt.
func Format(format string, args ...any) string {
	b := make([]byte, 0, len(format)+16)
	for i := 0; i < len(format); i++ {
		if format[i] == '%' && i+1 < len(format) && format[i+1] == 'd' && len(args) > 0 {
			switch v := args[0].(type) {
			case int:
				b = strconv.AppendInt(b, int64(v), 10)
			case int64:
				b = strconv.AppendInt(b, v, 10)
			case int32:
				b = strconv.AppendInt(b, int64(v), 10)
			case uint8:
				b = strconv.AppendUint(b, uint64(v), 10)
			case uint32:
				b = strconv.AppendUint(b, uint64(v), 10)
			case uint64:
				b = strconv.AppendUint(b, v, 10)
			default:
				b = append(b, '?')
			}
			args = args[1:]
			i++
			continue
		}
		b = append(b, format[i])
	}
	return string(b)
}

// U64 reads 8 little-endian bytes (inlined by the compiler, like encoding/binary, which the
// package avoids because it imports reflect).
func U64(b []byte) uint64 {
	_ = b[7]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

// U32 reads 4 little-endian bytes.
func U32(b []byte) uint32 {
	_ = b[3]
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}

func appendU64(b []byte, v uint64) []byte {
	return append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24), byte(v>>32), byte(v>>40), byte(v>>48), byte(v>>56))
}

func appendU32(b []byte, v uint32) []byte {
	return append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
}

func appendUvarint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

func appendVarint(b []byte, v int64) []byte {
	u := uint64(v) << 1
	if v < 0 {
		u = ^u
	}
	return appendUvarint(b, u)
}

// uvarint decodes an unsigned varint as encoding/binary.Uvarint does (n == 0: the buffer is too
// small, n < 0: an overflow), and also rejects non-minimal encodings (a trailing 0x00 group), so
// that every value has exactly one encoding.
func uvarint(buf []byte) (uint64, int) {
	var x uint64
	var s uint
	for i, b := range buf {
		if i == 10 {
			return 0, -(i + 1)
		}
		if b < 0x80 {
			if (i == 9 && b > 1) || (i > 0 && b == 0) {
				return 0, -(i + 1)
			}
			return x | uint64(b)<<s, i + 1
		}
		x |= uint64(b&0x7f) << s
		s += 7
	}
	return 0, 0
}

// Finish reports an error if bytes are left over or a field was malformed.
func (d *Decoder) Finish() error {
	if d.err == nil && d.off != len(d.b) {
		d.Fail("%d trailing bytes", len(d.b)-d.off)
	}
	return d.err
}

// Byte reads one raw byte.
func (d *Decoder) Byte() byte {
	if d.err != nil {
		return 0
	}
	if d.off >= len(d.b) {
		d.Fail("unexpected end of message")
		return 0
	}
	c := d.b[d.off]
	d.off++
	return c
}

// Bool reads a boolean; any byte other than 0 or 1 is an error.
func (d *Decoder) Bool() bool {
	c := d.Byte()
	if c > 1 {
		d.Fail("bad boolean %d", c)
		return false
	}
	return c == 1
}

// Uvarint reads an unsigned varint.
func (d *Decoder) Uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := uvarint(d.b[d.off:])
	if n <= 0 {
		d.Fail("bad varint")
		return 0
	}
	d.off += n
	return v
}

// Varint reads a zig-zag signed varint.
func (d *Decoder) Varint() int64 {
	u := d.Uvarint()
	return int64(u>>1) ^ -int64(u&1)
}

// Float64 reads 8 little-endian bytes of IEEE-754 bits.
func (d *Decoder) Float64() float64 { return math.Float64frombits(uint64(d.Int64())) }

// Peek returns the unread bytes (aliasing the buffer) without consuming them; nil after an error.
func (d *Decoder) Peek() []byte {
	if d.err != nil {
		return nil
	}
	return d.b[d.off:]
}

// Skip consumes n bytes that the caller checked with Peek.
func (d *Decoder) Skip(n int) { d.Take(n) }

// Take returns the next n bytes (aliasing the buffer) and advances past them, or nil after
// recording an error if fewer remain. Hot decoders read fixed-layout blocks from it with
// U64 and U32, which the compiler inlines: no call and no loop per field.
func (d *Decoder) Take(n int) []byte {
	if d.err != nil {
		return nil
	}
	if n < 0 || len(d.b)-d.off < n {
		d.Fail("unexpected end of message")
		return nil
	}
	b := d.b[d.off : d.off+n : d.off+n]
	d.off += n
	return b
}

// Int64 reads 8 little-endian bytes.
func (d *Decoder) Int64() int64 {
	if d.err != nil {
		return 0
	}
	if len(d.b)-d.off < 8 {
		d.Fail("unexpected end of message")
		return 0
	}
	v := U64(d.b[d.off:])
	d.off += 8
	return int64(v)
}

// Uint32 reads 4 little-endian bytes.
func (d *Decoder) Uint32() uint32 {
	if d.err != nil {
		return 0
	}
	if len(d.b)-d.off < 4 {
		d.Fail("unexpected end of message")
		return 0
	}
	v := U32(d.b[d.off:])
	d.off += 4
	return v
}

// Count32 reads a 4-byte element count and checks it against the remaining bytes as Count does.
func (d *Decoder) Count32(minSize int) int { return d.checkCount(uint64(d.Uint32()), minSize) }

// String32 reads a string written by Encoder.String32. The result aliases the decoder's buffer.
func (d *Decoder) String32() string { return aliasString(d.bytes(d.Count32(1))) }

// Count reads a length or element count and checks that at least count*minSize bytes remain,
// so that a hostile count cannot make the caller allocate more than the message could describe.
// minSize is the smallest encoding of one element (at least 1).
func (d *Decoder) Count(minSize int) int { return d.checkCount(d.Uvarint(), minSize) }

// checkCount returns the count v just read, or 0 after recording an error if fewer than
// v*minSize bytes remain (or a read already failed).
func (d *Decoder) checkCount(v uint64, minSize int) int {
	if d.err != nil {
		return 0
	}
	if minSize < 1 {
		minSize = 1
	}
	if v > uint64(d.Remaining()/minSize) {
		d.Fail("count %d exceeds the message", v)
		return 0
	}
	return int(v)
}

// bytes returns the next n bytes, which checkCount has already bounded, capacity-capped; nil
// for n == 0 or after an error.
func (d *Decoder) bytes(n int) []byte {
	if d.err != nil || n == 0 {
		return nil
	}
	b := d.b[d.off : d.off+n : d.off+n]
	d.off += n
	return b
}

// Blob reads a length-prefixed byte string. The result aliases the decoder's buffer.
func (d *Decoder) Blob() []byte { return d.bytes(d.Count(1)) }

// String reads a length-prefixed string. The result aliases the decoder's buffer.
func (d *Decoder) String() string { return aliasString(d.Blob()) }

// aliasString returns b as a string sharing its memory ("" for an empty b).
func aliasString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

package wasmbin

import "fmt"

// reader walks a byte slice; the first error sticks and later reads return
// zero values.
type reader struct {
	b   []byte
	off int
	err error
}

func (r *reader) done() bool { return r.off >= len(r.b) }

// finish reports the sticky error, or trailing bytes.
func (r *reader) finish() error {
	if r.err == nil && !r.done() {
		r.err = errTrailing
	}
	return r.err
}

func (r *reader) byte() byte {
	if r.err != nil {
		return 0
	}
	if r.done() {
		r.err = errTruncated
		return 0
	}
	c := r.b[r.off]
	r.off++
	return c
}

func (r *reader) bytes(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.b)-r.off {
		r.err = errTruncated
		return nil
	}
	out := r.b[r.off : r.off+n]
	r.off += n
	return out
}

// leb reads an LEB128 number of at most maxBytes bytes and returns its low
// 64 bits; signedness does not matter to a reader that only copies.
func (r *reader) leb(maxBytes int) uint64 {
	var v uint64
	for i := 0; i < maxBytes; i++ {
		c := r.byte()
		if r.err != nil {
			return 0
		}
		if i < 10 {
			v |= uint64(c&0x7f) << (7 * i)
		}
		if c&0x80 == 0 {
			return v
		}
	}
	r.err = errLEB
	return 0
}

// skipLEB skips an LEB128 number of at most maxBytes bytes.
func (r *reader) skipLEB(maxBytes int) {
	for range maxBytes {
		if r.off >= len(r.b) {
			r.err = errTruncated
			return
		}
		c := r.b[r.off]
		r.off++
		if c < 0x80 {
			return
		}
	}
	r.err = errLEB
}

func (r *reader) u32() uint32 {
	if r.off < len(r.b) && r.b[r.off] < 0x80 && r.err == nil { // the common one-byte case
		r.off++
		return uint32(r.b[r.off-1])
	}
	v := r.leb(5)
	if v > 0xffffffff {
		r.err = errLEB
		return 0
	}
	return uint32(v)
}

func (r *reader) name() string {
	n := r.u32()
	return string(r.bytes(int(n)))
}

func (r *reader) skipName() {
	n := r.u32()
	r.bytes(int(n))
}

// skipConstExpr skips a constant expression through its end.
func (r *reader) skipConstExpr() {
	for r.err == nil {
		op := r.byte()
		if op == 0x0b {
			return
		}
		r.skipImmediates(op)
	}
}

func (r *reader) valType() {
	switch t := r.byte(); t {
	case 0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f, 0x69:
	default:
		if r.err == nil {
			r.err = fmt.Errorf("value type %#x", t)
		}
	}
}

func (r *reader) refType() {
	switch t := r.byte(); t {
	case 0x70, 0x6f, 0x69:
	default:
		if r.err == nil {
			r.err = fmt.Errorf("reference type %#x", t)
		}
	}
}

func (r *reader) limits() {
	flags := r.byte()
	if flags > 0x07 { // bit 0: max present; bit 1: shared; bit 2: 64-bit
		r.err = fmt.Errorf("limits flags %#x", flags)
		return
	}
	r.leb(10)
	if flags&0x01 != 0 {
		r.leb(10)
	}
}

// blockType skips a block type: empty, one value type, or a type index.
func (r *reader) blockType() {
	if r.done() {
		r.err = errTruncated
		return
	}
	switch r.b[r.off] {
	case 0x40, 0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f, 0x69:
		r.off++
	default:
		if r.b[r.off]&0x40 != 0 && r.b[r.off]&0x80 == 0 {
			// A one-byte negative s33 other than the types above.
			r.err = fmt.Errorf("block type %#x", r.b[r.off])
			return
		}
		r.leb(5) // s33 type index
	}
}

func (r *reader) memArg() {
	align := r.u32()
	if align&0x40 != 0 { // multi-memory: a memory index follows
		r.skipLEB(5)
	}
	r.skipLEB(10) // offset (u64 for memory64)
}

// Immediate kinds, by opcode.
const (
	immBad   uint8 = iota // not an opcode this reader knows
	immNone               // no immediates
	immBlock              // block type
	immU32                // one LEB128 index or label
	immU32x2              // two
	immMem                // memarg
	immI32                // i32.const
	immI64                // i64.const
	immF32
	immF64
	immOther // a case of its own in skipImmediates
)

// immediates maps an opcode to the kind of its immediates.
var immediates = func() (t [256]uint8) {
	set := func(k uint8, ops ...int) {
		for _, op := range ops {
			t[op] = k
		}
	}
	set(immNone, 0x00, 0x01, 0x05, 0x0a, 0x0b, 0x0f, 0x19, 0x1a, 0x1b, 0xd1)
	for op := 0x45; op <= 0xc4; op++ {
		t[op] = immNone
	}
	set(immBlock, 0x02, 0x03, 0x04, 0x06)
	set(immU32, 0x07, 0x08, 0x09, 0x0c, 0x0d, 0x10, 0x12, 0x18, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x3f, 0x40, 0xd2)
	set(immU32x2, 0x11, 0x13)
	for op := 0x28; op <= 0x3e; op++ {
		t[op] = immMem
	}
	set(immI32, 0x41)
	set(immI64, 0x42)
	set(immF32, 0x43)
	set(immF64, 0x44)
	set(immOther, 0x0e, 0x1c, 0x1f, 0xd0, 0xfc, 0xfd, 0xfe)
	return t
}()

// skipImmediates skips the immediates of op, whose opcode byte was read.
// Opcodes wazero does not run, or that this reader does not know, are
// errors.
func (r *reader) skipImmediates(op byte) {
	switch immediates[op] {
	case immNone:
	case immBlock:
		r.blockType()
	case immU32:
		r.skipLEB(5)
	case immU32x2:
		r.skipLEB(5)
		r.skipLEB(5)
	case immMem:
		r.memArg()
	case immI32:
		r.skipLEB(5)
	case immI64:
		r.skipLEB(10)
	case immF32:
		r.bytes(4)
	case immF64:
		r.bytes(8)
	case immOther:
		r.skipOther(op)
	default:
		r.err = fmt.Errorf("opcode %#x", op)
	}
}

func (r *reader) skipOther(op byte) {
	switch op {
	case 0x0e: // br_table
		n := r.u32()
		for i := uint32(0); i <= n && r.err == nil; i++ {
			r.skipLEB(5)
		}
	case 0x1c: // select t*
		n := r.u32()
		for i := uint32(0); i < n && r.err == nil; i++ {
			r.valType()
		}
	case 0x1f: // try_table
		r.blockType()
		n := r.u32()
		for i := uint32(0); i < n && r.err == nil; i++ {
			switch kind := r.byte(); kind {
			case 0x00, 0x01: // catch, catch_ref: tag, label
				r.u32()
				r.u32()
			case 0x02, 0x03: // catch_all, catch_all_ref: label
				r.u32()
			default:
				r.err = fmt.Errorf("catch kind %#x", kind)
			}
		}
	case 0xd0: // ref.null
		r.refType()
	case 0xfc:
		r.prefixFC(r.u32())
	case 0xfd:
		r.prefixFD(r.u32())
	case 0xfe:
		r.prefixFE(r.u32())
	}
}

func (r *reader) prefixFC(sub uint32) {
	switch {
	case sub <= 7: // saturating truncations
	case sub == 8, sub == 12, sub == 14: // memory.init, table.init, table.copy
		r.u32()
		r.u32()
	case sub == 10: // memory.copy
		r.u32()
		r.u32()
	case sub == 9, sub == 11, sub == 13, sub == 15, sub == 16, sub == 17:
		r.u32()
	default:
		r.err = fmt.Errorf("opcode 0xfc %d", sub)
	}
}

func (r *reader) prefixFD(sub uint32) {
	switch {
	case sub <= 11, sub == 92, sub == 93: // loads, stores, load_zero
		r.memArg()
	case sub == 12, sub == 13: // v128.const, i8x16.shuffle
		r.bytes(16)
	case sub >= 21 && sub <= 34: // extract_lane, replace_lane
		r.byte()
	case sub >= 84 && sub <= 91: // load_lane, store_lane
		r.memArg()
		r.byte()
	case sub <= 0x113: // every other SIMD and relaxed SIMD op: no immediates
	default:
		r.err = fmt.Errorf("opcode 0xfd %d", sub)
	}
}

func (r *reader) prefixFE(sub uint32) {
	switch {
	case sub == 0x03: // atomic.fence
		r.byte()
	case sub <= 0x02, sub >= 0x10 && sub <= 0x4e:
		r.memArg()
	default:
		r.err = fmt.Errorf("opcode 0xfe %d", sub)
	}
}

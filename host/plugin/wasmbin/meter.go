package wasmbin

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// The host function a metered module imports. It returns the next fuel
// budget, or aborts the call (by panicking, as wazero host functions do).
const (
	MeterModule = "metahost_meter"
	MeterFunc   = "refuel"
)

// ErrUnreadable marks a module that is malformed, or uses a feature this
// package does not read.
var ErrUnreadable = errors.New("unreadable wasm module")

// MaxLocals bounds the locals of one function (the limit of the JavaScript
// embedding). wazero allocates a function's locals up front, up to 4 GiB.
const MaxLocals = 50_000

// Section ids.
const (
	secCustom    = 0
	secType      = 1
	secImport    = 2
	secFunction  = 3
	secTable     = 4
	secMemory    = 5
	secGlobal    = 6
	secExport    = 7
	secStart     = 8
	secElement   = 9
	secCode      = 10
	secData      = 11
	secDataCount = 12
	secTag       = 13
)

// order is a known section's position in a module; custom sections may go
// anywhere. The tag section sits between memory and global.
var order = map[byte]int{
	secType: 1, secImport: 2, secFunction: 3, secTable: 4, secMemory: 5, secTag: 6, secGlobal: 7,
	secExport: 8, secStart: 9, secElement: 10, secDataCount: 11, secCode: 12, secData: 13,
}

type section struct {
	id   byte
	body []byte
}

// Meter returns a metered copy of wasm, whose fuel global starts at
// initialFuel (at least 1, at most 2^31-1). wasm itself is not modified. A
// module Meter returns is one Check accepts.
func Meter(wasm []byte, initialFuel uint32) ([]byte, error) {
	initialFuel = min(initialFuel, math.MaxInt32)
	if initialFuel == 0 {
		initialFuel = 1
	}
	return parse(wasm, initialFuel, false)
}

// Check reports whether wazero can decode wasm without allocating more than
// the module's size suggests: every section read through, every count within
// the bytes that follow it, at most MaxLocals locals per function. It errs on
// the safe side: a module it cannot read (ErrUnreadable) is refused, even one
// wazero would have read.
func Check(wasm []byte) error {
	_, err := parse(wasm, 1, true)
	return err
}

// parse reads wasm through and returns its metered copy. Checking, a
// malformed custom section is an error rather than dropped (Check's caller
// hands the original module, custom sections and all, to wazero), and an
// import from MeterModule is allowed.
func parse(wasm []byte, initialFuel uint32, checking bool) ([]byte, error) {
	if len(wasm) < 8 || string(wasm[:4]) != "\x00asm" || binary.LittleEndian.Uint32(wasm[4:8]) != 1 {
		return nil, fmt.Errorf("%w: not a WebAssembly 1.0 binary module", ErrUnreadable)
	}
	var secs []section
	r := reader{b: wasm[8:]}
	last := 0
	for !r.done() {
		id := r.byte()
		n := r.u32()
		body := r.bytes(int(n))
		if r.err != nil {
			return nil, fmt.Errorf("%w: section %d: %w", ErrUnreadable, id, r.err)
		}
		if id != secCustom {
			pos, ok := order[id]
			if !ok {
				return nil, fmt.Errorf("%w: unknown section id %d", ErrUnreadable, id)
			}
			if pos <= last {
				return nil, fmt.Errorf("%w: section %d out of order", ErrUnreadable, id)
			}
			last = pos
		}
		secs = append(secs, section{id, body})
	}
	m := &module{checking: checking, size: len(wasm)}
	if err := m.rewrite(secs, initialFuel); err != nil {
		return nil, err
	}
	return m.out, nil
}

// module holds what the rewrite learns on its way through the sections.
type module struct {
	funcImports   uint32 // function imports before ours: the index ours takes
	globalImports uint32
	globals       uint32 // defined globals
	refuelType    uint32
	fuelGlobal    uint32
	checking      bool
	checkSeq      []byte
	size          int // of the input
	out           []byte
}

func (m *module) rewrite(secs []section, fuel uint32) error {
	has := map[byte]bool{}
	for _, s := range secs {
		has[s.id] = true
	}
	// The import section needs the type index, the code the global index:
	// read the counts first.
	for _, s := range secs {
		var err error
		switch s.id {
		case secType:
			m.refuelType, err = count(s.body)
		case secImport:
			m.funcImports, m.globalImports, err = importCounts(s.body, m.checking)
		case secGlobal:
			m.globals, err = count(s.body)
		}
		if err != nil {
			return fmt.Errorf("%w: section %d: %w", ErrUnreadable, s.id, err)
		}
	}
	m.fuelGlobal = m.globalImports + m.globals
	m.checkSeq = m.check(nil)

	m.out = make([]byte, 0, m.size+m.size/4)
	m.out = append(m.out, "\x00asm\x01\x00\x00\x00"...)
	emitted := map[byte]bool{}
	// A missing type, import or global section is created where it belongs.
	ensure := func(before int) error {
		for _, id := range []byte{secType, secImport, secGlobal} {
			if !has[id] && !emitted[id] && order[id] < before {
				// A created section has no entries of its own: a zero count.
				if err := m.section(section{id: id, body: []byte{0}}, fuel); err != nil {
					return err
				}
				emitted[id] = true
			}
		}
		return nil
	}
	for _, s := range secs {
		if s.id != secCustom {
			if err := ensure(order[s.id]); err != nil {
				return err
			}
			emitted[s.id] = true
		}
		if err := m.section(s, fuel); err != nil {
			return err
		}
	}
	return ensure(math.MaxInt)
}

// section writes the rewritten s to m.out.
func (m *module) section(s section, fuel uint32) error {
	var body []byte
	var err error
	switch s.id {
	case secCustom:
		var keep bool
		if body, keep = m.custom(s.body); !keep {
			if m.checking {
				return fmt.Errorf("%w: malformed custom section", ErrUnreadable)
			}
			return nil
		}
	case secType:
		body, err = m.types(s.body)
	case secImport:
		body, err = m.imports(s.body)
	case secGlobal:
		body, err = m.globalSection(s.body, fuel)
	case secExport:
		body, err = m.exports(s.body)
	case secStart:
		body, err = m.start(s.body)
	case secElement:
		body, err = m.elements(s.body)
	case secCode:
		// Written in place: the largest section by far is not copied twice.
		m.out = append(m.out, s.id)
		if m.out, err = m.code(s.body, m.out); err != nil {
			return fmt.Errorf("%w: section %d: %w", ErrUnreadable, s.id, err)
		}
		return nil
	default:
		body, err = s.body, checkVerbatim(s.id, s.body)
	}
	if err != nil {
		return fmt.Errorf("%w: section %d: %w", ErrUnreadable, s.id, err)
	}
	m.out = append(m.out, s.id)
	m.out = binary.AppendUvarint(m.out, uint64(len(body)))
	m.out = append(m.out, body...)
	return nil
}

// fn maps a function index of the original module to the rewritten one.
func (m *module) fn(idx uint32) uint32 {
	if idx >= m.funcImports {
		return idx + 1
	}
	return idx
}

func count(b []byte) (uint32, error) {
	r := reader{b: b}
	n := r.u32()
	return n, r.err
}

// importCounts counts the function and global imports. A module that
// already imports from MeterModule cannot be metered; checking, it is only
// read.
func importCounts(b []byte, checking bool) (funcs, globals uint32, err error) {
	r := reader{b: b}
	n := r.u32()
	for i := uint32(0); i < n && r.err == nil; i++ {
		mod, name := r.name(), r.name()
		if mod == MeterModule && !checking {
			return 0, 0, fmt.Errorf("the module already imports %s.%s", mod, name)
		}
		switch kind := r.byte(); kind {
		case 0x00: // func
			r.u32()
			funcs++
		case 0x01: // table
			r.refType()
			r.limits()
		case 0x02: // memory
			r.limits()
		case 0x03: // global
			r.valType()
			r.byte()
			globals++
		case 0x04: // tag
			r.byte()
			r.u32()
		default:
			return 0, 0, fmt.Errorf("import kind %#x", kind)
		}
	}
	if r.err == nil && !r.done() {
		r.err = errTrailing
	}
	return funcs, globals, r.err
}

func (m *module) types(b []byte) ([]byte, error) {
	r := reader{b: b}
	n := r.u32()
	for i := uint32(0); i < n && r.err == nil; i++ {
		if form := r.byte(); form != 0x60 {
			return nil, fmt.Errorf("type form %#x", form)
		}
		for range 2 { // params, results
			k := r.u32()
			for j := uint32(0); j < k && r.err == nil; j++ {
				r.valType()
			}
		}
	}
	if err := r.finish(); err != nil {
		return nil, err
	}
	out := binary.AppendUvarint(nil, uint64(n)+1)
	out = append(out, b[uvarintLen(b):]...)
	return append(out, 0x60, 0x00, 0x01, 0x7f), nil // [] -> [i32]
}

func (m *module) imports(b []byte) ([]byte, error) {
	r := reader{b: b}
	n := r.u32()
	if r.err != nil {
		return nil, r.err
	}
	var out []byte
	out = binary.AppendUvarint(out, uint64(n)+1)
	rest := b[r.off:]
	// Imports keep their order: ours goes after the last function import,
	// which the counts above make index funcImports. Placing it last in the
	// section gives it that index too, whatever the other kinds are.
	out = append(out, rest...)
	out = appendName(out, MeterModule)
	out = appendName(out, MeterFunc)
	out = append(out, 0x00)
	return binary.AppendUvarint(out, uint64(m.refuelType)), nil
}

func (m *module) globalSection(b []byte, fuel uint32) ([]byte, error) {
	r := reader{b: b}
	n := r.u32()
	var out []byte
	out = binary.AppendUvarint(out, uint64(n)+1)
	for i := uint32(0); i < n && r.err == nil; i++ {
		start := r.off
		r.valType()
		r.byte() // mutability
		out = append(out, b[start:r.off]...)
		out = m.constExpr(&r, out)
	}
	if err := r.finish(); err != nil {
		return nil, err
	}
	out = append(out, 0x7f, 0x01, 0x41) // i32, mutable, i32.const
	out = binary.AppendVarint(out, int64(int32(fuel)))
	return append(out, 0x0b), nil
}

func (m *module) exports(b []byte) ([]byte, error) {
	r := reader{b: b}
	n := r.u32()
	out := binary.AppendUvarint(nil, uint64(n))
	for i := uint32(0); i < n && r.err == nil; i++ {
		out = appendName(out, r.name())
		kind := r.byte()
		idx := r.u32()
		if kind == 0x00 {
			idx = m.fn(idx)
		}
		out = append(out, kind)
		out = binary.AppendUvarint(out, uint64(idx))
	}
	return out, r.finish()
}

func (m *module) start(b []byte) ([]byte, error) {
	r := reader{b: b}
	idx := r.u32()
	return binary.AppendUvarint(nil, uint64(m.fn(idx))), r.finish()
}

func (m *module) elements(b []byte) ([]byte, error) {
	r := reader{b: b}
	n := r.u32()
	out := binary.AppendUvarint(nil, uint64(n))
	for i := uint32(0); i < n && r.err == nil; i++ {
		flags := r.u32()
		if flags > 7 {
			return nil, fmt.Errorf("element segment flags %d", flags)
		}
		out = binary.AppendUvarint(out, uint64(flags))
		if flags&0x02 != 0 && flags&0x01 == 0 { // active with an explicit table
			out = binary.AppendUvarint(out, uint64(r.u32()))
		}
		if flags&0x01 == 0 { // active: offset
			out = m.constExpr(&r, out)
		}
		exprs := flags&0x04 != 0
		if flags&0x03 != 0 { // elemkind or reftype
			start := r.off
			if exprs {
				r.refType()
			} else if k := r.byte(); k != 0x00 {
				return nil, fmt.Errorf("element kind %#x", k)
			}
			out = append(out, b[start:r.off]...)
		}
		k := r.u32()
		out = binary.AppendUvarint(out, uint64(k))
		for j := uint32(0); j < k && r.err == nil; j++ {
			if exprs {
				out = m.constExpr(&r, out)
			} else {
				out = binary.AppendUvarint(out, uint64(m.fn(r.u32())))
			}
		}
	}
	return out, r.finish()
}

// constExpr copies one constant expression from r to out, remapping ref.func.
func (m *module) constExpr(r *reader, out []byte) []byte {
	for r.err == nil {
		if r.done() {
			r.err = errTruncated
			break
		}
		op := r.b[r.off]
		var end bool
		out, end = m.instr(r, out)
		if op == 0x0b && end {
			break
		}
	}
	return out
}

// code appends the code section's size and rewritten body to out. Sizes
// are written as 5-byte LEB128 numbers and filled in afterwards, which the
// format allows, so that each function is written once, in place.
func (m *module) code(b, out []byte) ([]byte, error) {
	r := reader{b: b}
	n := r.u32()
	sectionAt := len(out)
	out = append(out, make([]byte, 5)...)
	out = binary.AppendUvarint(out, uint64(n))
	for i := uint32(0); i < n && r.err == nil; i++ {
		size := r.u32()
		body := r.bytes(int(size))
		if r.err != nil {
			break
		}
		at := len(out)
		out = append(out, make([]byte, 5)...)
		var err error
		if out, err = m.function(body, out); err != nil {
			return nil, fmt.Errorf("function %d: %w", m.funcImports+i, err)
		}
		putLEB5(out[at:], len(out)-at-5)
	}
	putLEB5(out[sectionAt:], len(out)-sectionAt-5)
	return out, r.finish()
}

// putLEB5 writes v into b[:5] as a 5-byte LEB128 number.
func putLEB5(b []byte, v int) {
	for i := range 4 {
		b[i] = byte(v>>(7*i))&0x7f | 0x80
	}
	b[4] = byte(v >> 28)
}

// function rewrites one function body: a fuel check at entry and after every
// loop header; call targets remapped.
func (m *module) function(body, out []byte) ([]byte, error) {
	r := reader{b: body}
	groups := r.u32()
	var locals uint64
	for i := uint32(0); i < groups && r.err == nil; i++ {
		locals += uint64(r.u32())
		r.valType()
	}
	if r.err != nil {
		return nil, r.err
	}
	if locals > MaxLocals {
		return nil, fmt.Errorf("%d locals (at most %d)", locals, MaxLocals)
	}
	out = append(out, body[:r.off]...)
	if !loopFirst(body[r.off:]) {
		out = append(out, m.checkSeq...)
	}
	mark := r.off // body[mark:r.off] is read but not yet copied
	depth := 1
	// The loop reads most instructions inline (a Go guest's code section is a
	// million of them); the rare ones go through the reader.
	b, off := body, r.off
	for depth > 0 {
		if off >= len(b) {
			return nil, errTruncated
		}
		start := off
		op := b[off]
		off++
		switch kind := immediates[op]; {
		case kind == immNone:
			if op == 0x0b { // end
				depth--
			}
			continue
		case kind == immU32 && op != 0x10 && op != 0x12 && op != 0xd2, kind == immI32:
			if off = skipLEB(b, off, 5); off < 0 {
				return nil, errLEB
			}
			if op == 0x18 { // delegate ends a try
				depth--
			}
			continue
		case kind == immI64:
			if off = skipLEB(b, off, 10); off < 0 {
				return nil, errLEB
			}
			continue
		case kind == immU32x2:
			if off = skipLEB(b, off, 5); off < 0 {
				return nil, errLEB
			}
			if off = skipLEB(b, off, 5); off < 0 {
				return nil, errLEB
			}
			continue
		case kind == immMem:
			if off < len(b) && b[off] < 0x40 { // one-byte alignment, no memory index
				if off = skipLEB(b, off+1, 10); off < 0 {
					return nil, errLEB
				}
				continue
			}
		case kind == immBlock && op != 0x03:
			if off < len(b) && (b[off] == 0x40 || b[off] == 0x7f || b[off] == 0x7e) { // void, i32, i64
				off++
				depth++
				continue
			}
		}
		r.off = off
		switch op {
		case 0x10, 0x12, 0xd2: // call, return_call, ref.func
			idx := r.u32()
			out = append(out, b[mark:start]...)
			out = append(out, op)
			out = binary.AppendUvarint(out, uint64(m.fn(idx)))
			mark = r.off
		case 0x03: // loop
			depth++
			r.blockType()
			out = append(out, b[mark:r.off]...)
			out = append(out, m.checkSeq...)
			mark = r.off
		case 0x02, 0x04, 0x06, 0x1f: // block, if, try, try_table
			depth++
			r.skipImmediates(op)
		default:
			r.skipImmediates(op)
		}
		if r.err != nil {
			return nil, r.err
		}
		off = r.off
	}
	if off != len(b) {
		return nil, errTrailing
	}
	return append(out, b[mark:]...), nil
}

// loopFirst reports whether code reaches a loop header (and its fuel check)
// through straight-line instructions only: no call, branch or condition on
// the way, so the entry check would be redundant. A Go function begins
// "global.get 0; local.set 1; block; loop".
func loopFirst(code []byte) bool {
	for off := 0; off < len(code) && off < 64; {
		op := code[off]
		off++
		switch op {
		case 0x03: // loop
			return true
		case 0x01: // nop
		case 0x02: // block with an empty or single-value type
			if off >= len(code) || (code[off] != 0x40 && code[off] != 0x7f && code[off] != 0x7e) {
				return false
			}
			off++
		case 0x20, 0x21, 0x22, 0x23, 0x41, 0x42: // local.get/set/tee, global.get, i32/i64.const
			if off = skipLEB(code, off, 10); off < 0 {
				return false
			}
		default:
			return false
		}
	}
	return false
}

// skipLEB returns the offset after the LEB128 number at b[off:] of at most
// maxBytes bytes, or -1.
func skipLEB(b []byte, off, maxBytes int) int {
	end := min(off+maxBytes, len(b))
	for ; off < end; off++ {
		if b[off] < 0x80 {
			return off + 1
		}
	}
	return -1
}

// check appends: fuel -= 1; if fuel == 0 { fuel = refuel() }. function
// appends m.checkSeq, made by check once.
func (m *module) check(out []byte) []byte {
	g := m.fuelGlobal
	out = append(out, 0x23) // global.get
	out = binary.AppendUvarint(out, uint64(g))
	out = append(out, 0x41, 0x01, 0x6b, 0x24) // i32.const 1; i32.sub; global.set
	out = binary.AppendUvarint(out, uint64(g))
	out = append(out, 0x23)
	out = binary.AppendUvarint(out, uint64(g))
	out = append(out, 0x45, 0x04, 0x40, 0x10) // i32.eqz; if; call
	out = binary.AppendUvarint(out, uint64(m.funcImports))
	out = append(out, 0x24) // global.set
	out = binary.AppendUvarint(out, uint64(g))
	return append(out, 0x0b) // end
}

var (
	errTruncated = errors.New("truncated")
	errTrailing  = errors.New("trailing bytes")
	errLEB       = errors.New("malformed LEB128")
)

// instr copies one instruction from r to out, remapping function indices.
// end reports whether it was a plain end.
func (m *module) instr(r *reader, out []byte) (_ []byte, end bool) {
	start := r.off
	op := r.byte()
	switch {
	case op == 0x10 || op == 0x12 || op == 0xd2: // call, return_call, ref.func
		idx := r.u32()
		if r.err != nil {
			return out, false
		}
		out = append(out, op)
		return binary.AppendUvarint(out, uint64(m.fn(idx))), false
	case op == 0x0b:
		return append(out, op), true
	}
	r.skipImmediates(op)
	if r.err != nil {
		return out, false
	}
	return append(out, r.b[start:r.off]...), false
}

// custom rewrites the name section's function indices and copies any other
// custom section. A custom section it cannot read is dropped (keep false):
// names only make stack traces nicer, and a wrong name is worse than none.
func (m *module) custom(b []byte) (_ []byte, keep bool) {
	r := reader{b: b}
	name := r.name()
	if r.err != nil {
		return nil, false // wazero reads every custom section's name
	}
	if name != "name" {
		return b, true
	}
	out := append([]byte(nil), b[:r.off]...)
	for !r.done() && r.err == nil {
		id := r.byte()
		size := r.u32()
		sub := r.bytes(int(size))
		if r.err != nil {
			break
		}
		var body []byte
		switch id {
		case 1: // function names: namemap
			body = m.nameMap(sub, false)
		case 2: // local names: indirect namemap
			body = m.nameMap(sub, true)
		default:
			body = sub
		}
		if body == nil {
			r.err = errTruncated
			break
		}
		out = append(out, id)
		out = binary.AppendUvarint(out, uint64(len(body)))
		out = append(out, body...)
	}
	return out, r.err == nil
}

// nameMap remaps the function indices of a (possibly indirect) name map;
// nil if it is malformed.
func (m *module) nameMap(b []byte, indirect bool) []byte {
	r := reader{b: b}
	n := r.u32()
	out := binary.AppendUvarint(nil, uint64(n))
	for i := uint32(0); i < n && r.err == nil; i++ {
		out = binary.AppendUvarint(out, uint64(m.fn(r.u32())))
		start := r.off
		if indirect {
			k := r.u32()
			for j := uint32(0); j < k && r.err == nil; j++ {
				r.u32()
				r.skipName()
			}
		} else {
			r.skipName()
		}
		out = append(out, b[start:r.off]...)
	}
	if r.finish() != nil {
		return nil
	}
	return out
}

func appendName(out []byte, s string) []byte {
	out = binary.AppendUvarint(out, uint64(len(s)))
	return append(out, s...)
}

func uvarintLen(b []byte) int {
	_, n := binary.Uvarint(b)
	return max(n, 0)
}

// checkVerbatim reads through a section the rewrite copies unchanged.
func checkVerbatim(id byte, b []byte) error {
	r := reader{b: b}
	switch id {
	case secFunction:
		n := r.u32()
		for i := uint32(0); i < n && r.err == nil; i++ {
			r.u32()
		}
	case secTable:
		n := r.u32()
		for i := uint32(0); i < n && r.err == nil; i++ {
			r.refType()
			r.limits()
		}
	case secMemory:
		n := r.u32()
		for i := uint32(0); i < n && r.err == nil; i++ {
			r.limits()
		}
	case secTag:
		n := r.u32()
		for i := uint32(0); i < n && r.err == nil; i++ {
			r.byte()
			r.u32()
		}
	case secDataCount:
		r.u32()
	case secData:
		n := r.u32()
		for i := uint32(0); i < n && r.err == nil; i++ {
			switch flags := r.u32(); flags {
			case 0:
				r.skipConstExpr()
			case 1:
			case 2:
				r.u32()
				r.skipConstExpr()
			default:
				r.err = fmt.Errorf("data segment flags %d", flags)
			}
			r.bytes(int(r.u32()))
		}
	}
	return r.finish()
}

// Package wasmgen writes small WebAssembly binaries by hand, for tests of
// code that must read or refuse modules without compiling a Go guest.
package wasmgen

import "bytes"

// Header is the magic number and version 1 every module starts with.
const Header = "\x00asm\x01\x00\x00\x00"

// ULEB is v in unsigned LEB128.
func ULEB(v uint64) []byte {
	var out []byte
	for {
		b := byte(v & 0x7f)
		v >>= 7
		if v != 0 {
			out = append(out, b|0x80)
			continue
		}
		return append(out, b)
	}
}

// SLEB is v in signed LEB128.
func SLEB(v int64) []byte {
	var out []byte
	for {
		b := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && b&0x40 == 0) || (v == -1 && b&0x40 != 0) {
			return append(out, b)
		}
		out = append(out, b|0x80)
	}
}

// Section is a section with its id and size.
func Section(id byte, content []byte) []byte {
	return append(append([]byte{id}, ULEB(uint64(len(content)))...), content...)
}

// Name is a length-prefixed name.
func Name(s string) []byte { return append(ULEB(uint64(len(s))), s...) }

// Vec is a vector: the count, then the items.
func Vec(items ...[]byte) []byte {
	out := ULEB(uint64(len(items)))
	for _, it := range items {
		out = append(out, it...)
	}
	return out
}

// Cat concatenates parts.
func Cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// Body is a function body with its size: locals (a Vec of groups), then
// code and the final end.
func Body(locals []byte, code ...byte) []byte {
	b := Cat(locals, code, []byte{0x0b})
	return append(ULEB(uint64(len(b))), b...)
}

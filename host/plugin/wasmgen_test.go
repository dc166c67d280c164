package plugin_test

import "github.com/metahost/metahost/internal/testing/wasmgen"

// A tiny WebAssembly binary writer for modules that must be rejected before any Go guest is
// compiled (compiling a Go guest takes seconds, and much longer under -race).

type wasmFunc struct {
	name    string
	params  []byte // value types: 0x7f i32, 0x7e i64
	results []byte
	body    []byte // instructions without the final end
}

// wasmModule builds a module with one memory (exported as "memory") and the given functions,
// each exported under its name.
func wasmModule(fns ...wasmFunc) []byte {
	var types, funcs, exports, code []byte
	types = append(types, wasmgen.ULEB(uint64(len(fns)))...)
	funcs = append(funcs, wasmgen.ULEB(uint64(len(fns)))...)
	exports = append(exports, wasmgen.ULEB(uint64(len(fns)+1))...)
	code = append(code, wasmgen.ULEB(uint64(len(fns)))...)
	for i, f := range fns {
		types = append(types, 0x60)
		types = append(types, wasmgen.ULEB(uint64(len(f.params)))...)
		types = append(types, f.params...)
		types = append(types, wasmgen.ULEB(uint64(len(f.results)))...)
		types = append(types, f.results...)
		funcs = append(funcs, wasmgen.ULEB(uint64(i))...)
		exports = append(exports, wasmgen.Name(f.name)...)
		exports = append(exports, 0x00)
		exports = append(exports, wasmgen.ULEB(uint64(i))...)
		body := append([]byte{0x00}, f.body...) // no locals
		body = append(body, 0x0b)
		code = append(code, wasmgen.ULEB(uint64(len(body)))...)
		code = append(code, body...)
	}
	exports = append(exports, wasmgen.Name("memory")...)
	exports = append(exports, 0x02, 0x00)
	out := []byte{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00}
	out = append(out, wasmgen.Section(1, types)...)
	out = append(out, wasmgen.Section(3, funcs)...)
	out = append(out, wasmgen.Section(5, []byte{0x01, 0x00, 0x01})...) // one memory, min 1 page
	out = append(out, wasmgen.Section(7, exports)...)
	out = append(out, wasmgen.Section(10, code)...)
	return out
}

const (
	i32 = 0x7f
	i64 = 0x7e
)

func i32Const(v int64) []byte { return append([]byte{0x41}, wasmgen.SLEB(v)...) }
func i64Const(v int64) []byte { return append([]byte{0x42}, wasmgen.SLEB(v)...) }

// abiModule is a minimal ABI-shaped module whose plugin_abi_version returns version and whose
// plugin_describe returns describe (packed ptr/len, 0 = null).
func abiModule(version int64, describe int64, extra ...wasmFunc) []byte {
	fns := []wasmFunc{
		{name: "_initialize"},
		{name: "plugin_abi_version", results: []byte{i32}, body: i32Const(version)},
		{name: "plugin_malloc", params: []byte{i32}, results: []byte{i32}, body: i32Const(16)},
		{name: "plugin_free", params: []byte{i32}},
		{name: "plugin_describe", results: []byte{i64}, body: i64Const(describe)},
	}
	return wasmModule(append(fns, extra...)...)
}

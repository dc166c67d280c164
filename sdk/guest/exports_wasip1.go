//go:build wasip1

package guest

import (
	"runtime"
	"unsafe"

	"github.com/metahost/metahost/sdk/abi"
	"github.com/metahost/metahost/sdk/validator"
)

// global is the state of this wasm instance (see the package comment).
var global = &exportState{pinned: make(map[uint32][]byte)}

type exportState struct {
	Instance
	// pinned keeps host-requested buffers reachable until plugin_free.
	pinned map[uint32][]byte
	// spare is a freed input buffer reused by the next plugin_malloc.
	spare []byte
	// last keeps the previous result reachable until the next call.
	last []byte
	// calls counts export calls, for yield.
	calls uint
}

// yieldEvery is how often an export yields to the Go scheduler before it returns. A guest that
// never yields never runs the garbage collector's background workers, and an allocating guest's
// memory grows until the host recycles the instance (16 MiB after 5,000 calls allocating 64 KiB
// each); yielding on every call costs about 0.9 µs, a quarter of a small call. Every 8th call
// keeps that guest at 8 MiB.
const yieldEvery = 8

// yield is deferred by every export that runs plugin code.
func (s *exportState) yield() {
	s.calls++
	if s.calls%yieldEvery == 0 {
		runtime.Gosched()
	}
}

// RegisterPolicy makes this module a compaction policy. Call it from init.
func RegisterPolicy(info Info, f PolicyFactory) { global.RegisterPolicy(info, f) }

// RegisterValidator makes this module a request validator. Call it from init.
func RegisterValidator(info Info, v validator.Validator) { global.RegisterValidator(info, v) }

// OnConfigure sets the handler of the plugin's configuration. Call it from init.
func OnConfigure(f func(config []byte) error) { global.OnConfigure(f) }

func addr(b []byte) uint32 { return uint32(uintptr(unsafe.Pointer(unsafe.SliceData(b)))) }

func (s *exportState) result(b []byte) uint64 {
	s.last = b
	if len(b) == 0 {
		return 0
	}
	return abi.Pack(addr(b), uint32(len(b)))
}

func (s *exportState) input(ptr, n uint32) []byte {
	b, ok := s.pinned[ptr]
	if !ok || uint32(len(b)) < n {
		return nil
	}
	return b[:n]
}

//go:wasmexport metahost_abi_v1
func abiMarker() {}

//go:wasmexport plugin_abi_version
func pluginABIVersion() uint32 { return abi.Version }

//go:wasmexport plugin_malloc
func pluginMalloc(n uint32) uint32 {
	if n > MaxInputBytes {
		return 0
	}
	size := max(int(n), 1)
	var b []byte
	if cap(global.spare) >= size {
		b, global.spare = global.spare[:size], nil
	} else {
		b = make([]byte, size)
	}
	p := addr(b)
	global.pinned[p] = b
	return p
}

//go:wasmexport plugin_free
func pluginFree(p uint32) {
	b, ok := global.pinned[p]
	if !ok {
		return
	}
	delete(global.pinned, p)
	if cap(b) > cap(global.spare) {
		global.spare = b[:0]
	}
}

//go:wasmexport plugin_describe
func pluginDescribe() uint64 {
	defer global.yield()
	return global.result(global.Describe())
}

//go:wasmexport plugin_configure
func pluginConfigure(ptr, n uint32) uint64 {
	defer global.yield()
	return global.result(global.Configure(global.input(ptr, n)))
}

//go:wasmexport policy_invoke
func policyInvoke(ptr, n uint32) uint64 {
	defer global.yield()
	in := global.input(ptr, n)
	if in == nil && n > 0 {
		return 0
	}
	return global.result(global.InvokePolicy(in))
}

//go:wasmexport validate_request
func validateRequest(ptr, n uint32) uint64 {
	defer global.yield()
	in := global.input(ptr, n)
	if in == nil && n > 0 {
		return 0
	}
	return global.result(global.ValidateRequest(in))
}

//go:wasmimport metahost log
func hostLog(level int32, ptr, n uint32)

//go:wasmimport metahost log_enabled
func hostLogEnabled(level int32) int32

// Log writes a log line through the host's logger, named after the plugin.
func Log(level abi.Level, msg string) {
	if len(msg) == 0 {
		return
	}
	b := unsafe.Slice(unsafe.StringData(msg), len(msg))
	hostLog(int32(level), addr(b), uint32(len(b)))
	runtime.KeepAlive(msg)
}

// LogEnabled reports whether a line at level would be written.
func LogEnabled(level abi.Level) bool { return hostLogEnabled(int32(level)) != 0 }

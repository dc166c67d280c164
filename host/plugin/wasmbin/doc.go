// Package wasmbin reads and rewrites WebAssembly binaries for the plugin
// runtime: Check guards wazero's decoder, Meter makes a module stoppable at
// its deadline without slowing it down.
//
// # Check
//
// wazero 1.12 allocates what a module declares before it reads it: a
// 16-byte module whose data section claims a billion segments ends the
// process with "out of memory", and some malformed call targets panic its
// validator. Check walks every section the decoder reads and refuses a module
// whose counts exceed the bytes that follow them, or whose function declares
// more than MaxLocals locals.
//
// # Meter
//
// wazero stops a running call at its context's deadline only when the module
// is compiled with close-on-context-done, which makes every loop iteration
// leave the compiled code for Go to check whether the module was closed. Go
// guests are loops all the way down (every function is a dispatch loop), so
// that check made a 100-rowset policy pick four times slower. A metered
// module instead counts down a fuel global at every function entry and loop
// header, inside the compiled code, and calls the host only when the fuel
// runs out: the host then checks the deadline, and either hands out more fuel
// or aborts the call. A loop, or a recursion without loops, reaches the host
// at least once per fuel budget, which also gives the Go scheduler a place to
// preempt the goroutine running the guest.
//
// Meter adds one function import (MeterModule.MeterFunc, type [] -> [i32])
// after the module's other function imports, shifts every reference to a
// defined function (calls, ref.func, exports, the start function, element
// segments, the name section) by one, and appends one mutable i32 global. A
// module it cannot read completely (an unknown opcode or section, a malformed
// body) is refused with ErrUnreadable, never half rewritten.
package wasmbin

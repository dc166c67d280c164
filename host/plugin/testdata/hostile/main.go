// Command hostile is a hand-written metahost ABI v1 validator used by the runtime's tests. The
// request's operation selects a behaviour: "ok" allows (echoing the plugin configuration),
// "deny" denies, "spin" loops forever, "grow" allocates without bound, "trap" panics without
// recovering, "exit" calls os.Exit, "null" returns 0, "oob" returns a result outside memory,
// "garbage" returns bytes that are not an envelope, "bad_payload" an OK envelope
// whose payload is not a verdict, "huge" claims a 3 GiB result, "guest_error"
// returns an error envelope, "stdout" writes to stdout then allows, "log" logs through the host, "sandbox" reports
// the clock, filesystem, environment and arguments it sees.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"time"
	"unsafe"

	"github.com/metahost/metahost/sdk/abi"
	"github.com/metahost/metahost/sdk/validator"
	"github.com/metahost/metahost/sdk/wire"
)

// abiMajor can be overridden with -ldflags "-X main.abiMajor=2" to build an incompatible module.
var abiMajor = "1"

var (
	pinned = map[uint32][]byte{}
	last   []byte
	config string
	sink   [][]byte
)

func addr(b []byte) uint32 { return uint32(uintptr(unsafe.Pointer(unsafe.SliceData(b)))) }

func result(b []byte) uint64 { last = b; return abi.Pack(addr(b), uint32(len(b))) }

//go:wasmexport metahost_abi_v1
func marker() {}

//go:wasmexport plugin_abi_version
func abiVersion() uint32 {
	m, _ := strconv.Atoi(abiMajor)
	return uint32(m)<<16 | abi.Minor
}

//go:wasmexport plugin_malloc
func malloc(n uint32) uint32 {
	b := make([]byte, max(n, 1))
	pinned[addr(b)] = b
	return addr(b)
}

//go:wasmexport plugin_free
func free(p uint32) { delete(pinned, p) }

//go:wasmexport plugin_describe
func describe() uint64 {
	e := &wire.Encoder{}
	abi.AppendOK(e)
	d := abi.Descriptor{Name: "hostile", Version: "0.0.1", Kinds: []string{abi.KindValidator}}
	d.Encode(e)
	return result(e.Bytes())
}

//go:wasmexport plugin_configure
func configure(p, n uint32) uint64 {
	config = string(pinned[p][:n])
	e := &wire.Encoder{}
	abi.AppendOK(e)
	return result(e.Bytes())
}

//go:wasmexport validate_request
func validate(p, n uint32) uint64 {
	defer runtime.Gosched()
	var req validator.Request
	if err := validator.DecodeRequest(pinned[p][:n], &req); err != nil {
		e := &wire.Encoder{}
		abi.AppendError(e, abi.CodeInvalidInput, err.Error())
		return result(e.Bytes())
	}
	e := &wire.Encoder{}
	switch req.Operation {
	case "spin":
		for i := 0; ; i++ {
			if i < 0 {
				break
			}
		}
	case "grow":
		for {
			sink = append(sink, make([]byte, 1<<20))
		}
	case "trap":
		var m map[string]int
		m["boom"] = 1
	case "exit":
		os.Exit(3)
	case "null":
		return 0
	case "oob":
		return abi.Pack(0xfffffff0, 64)
	case "huge":
		return abi.Pack(16, 3<<30)
	case "garbage":
		return result([]byte{7, 7, 7})
	case "bad_payload":
		return result([]byte{abi.StatusOK, 9, 9})
	case "guest_error":
		abi.AppendError(e, "no_such_thing", "the guest says no")
		return result(e.Bytes())
	case "deny":
		abi.AppendOK(e)
		validator.EncodeResponse(e, &validator.Response{Code: "INVALID_ARGUMENT", Message: "denied by hostile"})
		return result(e.Bytes())
	case "log":
		msg := []byte("hello from the guest log")
		hostLog(int32(abi.LevelWarn), addr(msg), uint32(len(msg)))
	case "sandbox":
		// Report what the guest can see of the outside world.
		msg := "now=" + strconv.FormatInt(time.Now().Unix(), 10)
		if _, err := os.ReadFile("/etc/hostname"); err != nil {
			msg += " fs=denied"
		} else {
			msg += " fs=OPEN"
		}
		msg += " env=" + strconv.Itoa(len(os.Environ())) + " args=" + strconv.Itoa(len(os.Args))
		abi.AppendOK(e)
		validator.EncodeResponse(e, &validator.Response{Allow: true, Message: msg})
		return result(e.Bytes())
	case "stdout":
		fmt.Println("hello from the guest's stdout")
	}
	abi.AppendOK(e)
	validator.EncodeResponse(e, &validator.Response{Allow: true, Message: config})
	return result(e.Bytes())
}

//go:wasmimport metahost log
func hostLog(level int32, ptr, n uint32)

func main() {}

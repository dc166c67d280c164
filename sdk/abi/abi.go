// Package abi defines metahost ABI v1, the contract between the host's wasm runtime
// (host/plugin) and a wasm plugin (written with sdk/guest or by hand in any language).
//
// # Guest exports
//
//	_initialize                          reactor start function (Go -buildmode=c-shared emits it)
//	metahost_abi_v1        () -> ()      marker, never called
//	plugin_abi_version     () -> i32     Major<<16 | Minor
//	plugin_malloc   (size i32) -> i32    0 on failure; the buffer stays valid until plugin_free
//	plugin_free     (ptr i32)  -> ()     the host frees every input buffer after the call
//	plugin_describe        () -> i64     packed result (see below) of an encoded Descriptor
//	plugin_configure (ptr, len) -> i64   optional: opaque plugin configuration, once per instance
//	policy_invoke    (ptr, len) -> i64   compaction policy (sdk/policy/policywire messages)
//	validate_request (ptr, len) -> i64   request validator (sdk/validator messages)
//
// A packed result is ptr<<32 | len of a response envelope: one status byte, then either the
// kind-specific payload (StatusOK) or two strings, an error code and a message (StatusError).
// The result bytes belong to the guest and stay valid until the next call into the same instance;
// the host copies them at once. A result of 0, a range outside the guest memory or an envelope that
// does not decode is a protocol error and the host discards the instance.
//
// # Host imports (module "metahost")
//
//	log         (level i32, ptr i32, len i32) -> ()   a log line, levels as in Level
//	log_enabled (level i32) -> i32                     1 when such a line would be written
//
// WASI preview 1 is available with no preopened directories, no sockets, no environment, no
// arguments, a fixed clock, a deterministic random source and a captured stderr: a policy or a
// validator is a pure function of its input.
//
// All payloads use the binary codec of sdk/wire.
package abi

import (
	"errors"
	"strconv"

	"github.com/metahost/metahost/sdk/wire"
)

// The ABI version this SDK speaks. The host refuses a module with another major version and logs a
// newer minor version.
const (
	Major = 1
	Minor = 0
	// Version is Major<<16 | Minor, the value plugin_abi_version returns.
	Version = Major<<16 | Minor
)

// Export and import names.
const (
	ExportInitialize      = "_initialize"
	ExportMarker          = "metahost_abi_v1"
	ExportABIVersion      = "plugin_abi_version"
	ExportMalloc          = "plugin_malloc"
	ExportFree            = "plugin_free"
	ExportDescribe        = "plugin_describe"
	ExportConfigure       = "plugin_configure"
	ExportPolicyInvoke    = "policy_invoke"
	ExportValidateRequest = "validate_request"

	HostModule        = "metahost"
	HostFuncLog       = "log"
	HostFuncLogEnable = "log_enabled"
)

// Plugin kinds a module can declare in its Descriptor.
const (
	KindPolicy    = "compaction_policy"
	KindValidator = "request_validator"
)

// Level is the level of a guest log line.
type Level int32

// Log levels, as hclog numbers them.
const (
	LevelTrace Level = 1
	LevelDebug Level = 2
	LevelInfo  Level = 3
	LevelWarn  Level = 4
	LevelError Level = 5
)

// Response envelope status bytes.
const (
	StatusOK    byte = 0
	StatusError byte = 1
)

// Error codes a guest reports in an error envelope. Other codes are allowed and passed through.
const (
	// CodeInvalidInput: the request did not decode or violates the contract (the caller's fault).
	CodeInvalidInput = "invalid_input"
	// CodePanic: the plugin panicked; the SDK recovered it.
	CodePanic = "panic"
	// CodeUnsupported: the module does not implement the export's kind.
	CodeUnsupported = "unsupported"
	// CodePluginError: the plugin returned an error.
	CodePluginError = "plugin_error"
)

// Pack packs a pointer and a length into the i64 result of an export.
func Pack(ptr, n uint32) uint64 { return uint64(ptr)<<32 | uint64(n) }

// Unpack splits an export's i64 result into a pointer and a length.
func Unpack(r uint64) (ptr, n uint32) { return uint32(r >> 32), uint32(r) }

// GuestError is an error envelope returned by a guest.
type GuestError struct {
	// Code is a short machine-readable code, e.g. CodeInvalidInput.
	Code string
	// Message is the human-readable explanation.
	Message string
}

// Error returns "code: message".
func (e *GuestError) Error() string { return e.Code + ": " + e.Message }

// AppendOK starts an OK envelope in e; the caller appends the payload.
func AppendOK(e *wire.Encoder) { e.Byte(StatusOK) }

// AppendError writes a complete error envelope to e.
func AppendError(e *wire.Encoder, code, msg string) {
	e.Byte(StatusError)
	e.String(code)
	e.String(msg)
}

// ErrBadEnvelope is wrapped when a response envelope does not decode.
var ErrBadEnvelope = errors.New("bad response envelope")

// OpenEnvelope reads a response envelope. It returns the OK payload, or a *GuestError for an
// error envelope, or an error wrapping ErrBadEnvelope.
func OpenEnvelope(b []byte) ([]byte, error) {
	if len(b) == 0 {
		return nil, &envelopeError{msg: "empty"}
	}
	switch b[0] {
	case StatusOK:
		return b[1:], nil
	case StatusError:
		d := wire.NewDecoder(b[1:])
		ge := &GuestError{Code: d.String(), Message: d.String()}
		if err := d.Finish(); err != nil {
			return nil, &envelopeError{msg: err.Error(), err: err}
		}
		// Copy: the strings alias b, which the caller may reuse.
		ge.Code, ge.Message = clone(ge.Code), clone(ge.Message)
		return nil, ge
	}
	return nil, &envelopeError{msg: "status byte " + strconv.Itoa(int(b[0]))}
}

// envelopeError wraps ErrBadEnvelope (and the decoding error, if any) without fmt, which would pull
// reflection into every wasm guest.
type envelopeError struct {
	msg string
	err error
}

func (e *envelopeError) Error() string   { return ErrBadEnvelope.Error() + ": " + e.msg }
func (e *envelopeError) Unwrap() []error { return []error{ErrBadEnvelope, e.err} }

func clone(s string) string { return string([]byte(s)) }

// Descriptor is what plugin_describe returns.
type Descriptor struct {
	// Name and Version are the plugin's self-reported name and version.
	Name    string
	Version string
	// Kinds lists the plugin kinds the module implements (KindPolicy, KindValidator).
	Kinds []string
	// PolicyName is the policy name a compaction policy reports (policy.Policy.Name), e.g.
	// "size_based". Empty for other kinds.
	PolicyName string
}

// HasKind reports whether d declares kind.
func (d *Descriptor) HasKind(kind string) bool {
	for _, k := range d.Kinds {
		if k == kind {
			return true
		}
	}
	return false
}

// Encode appends d to e.
func (d *Descriptor) Encode(e *wire.Encoder) {
	e.Uvarint(Version)
	e.String(d.Name)
	e.String(d.Version)
	e.Uvarint(uint64(len(d.Kinds)))
	for _, k := range d.Kinds {
		e.String(k)
	}
	e.String(d.PolicyName)
}

// DecodeDescriptor decodes a Descriptor payload. The strings are copied.
func DecodeDescriptor(b []byte) (Descriptor, uint32, error) {
	d := wire.NewDecoder(b)
	ver := d.Uvarint()
	desc := Descriptor{Name: clone(d.String()), Version: clone(d.String())}
	n := d.Count(1)
	for i := 0; i < n; i++ {
		desc.Kinds = append(desc.Kinds, clone(d.String()))
	}
	desc.PolicyName = clone(d.String())
	if err := d.Finish(); err != nil {
		return Descriptor{}, 0, err
	}
	return desc, uint32(ver), nil
}

// Package validator defines the request-validator plugin kind: a Validator sees every mutating
// request of the host's API surfaces before it is applied and allows or denies it. Validators run
// as wasm modules (sdk/guest) or natively (the same interface); the messages below are what
// crosses the validate_request export of metahost ABI v1.
package validator

import (
	"github.com/metahost/metahost/sdk/wire"
)

// WireVersion is the version byte that starts every request.
const WireVersion = 1

// Request describes one mutating request.
type Request struct {
	// Surface is the API surface, e.g. "meta_service", "compaction", "kv", "otsdb".
	Surface string
	// Operation is the operation name, e.g. "create_instance" or "commit_txn".
	Operation string
	// InstanceID is the Doris instance the request addresses (empty if none).
	InstanceID string
	// CloudUniqueID is the caller's cloud_unique_id when the request carries one.
	CloudUniqueID string
	// Body is the request body as received (JSON for the HTTP surfaces).
	Body []byte
}

// Response is a validator's verdict.
type Response struct {
	// Allow is true when the request may proceed.
	Allow bool
	// Code is the Doris MetaServiceCode name the host answers a denial with, e.g.
	// "INVALID_ARGUMENT"; empty means INVALID_ARGUMENT.
	Code string
	// Message is the denial message returned to the client.
	Message string
}

// Allowed is the verdict that lets a request through.
func Allowed() Response { return Response{Allow: true} }

// Denied returns a denial with a Doris code and a message.
func Denied(code, msg string) Response { return Response{Code: code, Message: msg} }

// Validator checks requests. Implementations must be deterministic and keep no state between calls.
type Validator interface {
	// Validate returns the verdict for req. An error means the validator itself failed; the host
	// then fails open or closed as the binding says.
	Validate(req *Request) (Response, error)
}

// Func adapts a function to the Validator interface.
type Func func(req *Request) (Response, error)

// Validate calls f(req).
func (f Func) Validate(req *Request) (Response, error) { return f(req) }

// EncodeRequest appends req.
func EncodeRequest(e *wire.Encoder, req *Request) {
	e.Byte(WireVersion)
	e.String(req.Surface)
	e.String(req.Operation)
	e.String(req.InstanceID)
	e.String(req.CloudUniqueID)
	e.Blob(req.Body)
}

// DecodeRequest decodes b into req; strings and Body alias b.
func DecodeRequest(b []byte, req *Request) error {
	d := wire.NewDecoder(b)
	if v := d.Byte(); v != WireVersion && d.Err() == nil {
		d.Fail("validator wire version %d, want %d", v, WireVersion)
	}
	req.Surface = d.String()
	req.Operation = d.String()
	req.InstanceID = d.String()
	req.CloudUniqueID = d.String()
	req.Body = d.Blob()
	return d.Finish()
}

// EncodeResponse appends resp.
func EncodeResponse(e *wire.Encoder, resp *Response) {
	e.Bool(resp.Allow)
	e.String(resp.Code)
	e.String(resp.Message)
}

// DecodeResponse decodes b into resp; the strings are copied.
func DecodeResponse(b []byte, resp *Response) error {
	d := wire.NewDecoder(b)
	resp.Allow = d.Bool()
	resp.Code = string([]byte(d.String()))
	resp.Message = string([]byte(d.String()))
	return d.Finish()
}

package provider

import (
	"encoding/binary"
	"fmt"

	"github.com/metahost/metahost/sdk/wire"
)

// Method names on the wire (sdk/process Call's method argument).
const (
	MethodValidate     = "validate"
	MethodProbe        = "probe"
	MethodPut          = "put"
	MethodPutBegin     = "put_begin"
	MethodPutPart      = "put_part"
	MethodPutCommit    = "put_commit"
	MethodPutAbort     = "put_abort"
	MethodGet          = "get"
	MethodStat         = "stat"
	MethodList         = "list"
	MethodDelete       = "delete"
	MethodDeletePrefix = "delete_prefix"
)

// Request is the header of every call. Which fields matter depends on the
// method; object bytes travel after the header, not in it.
type Request struct {
	Config *Config  `json:"config,omitempty"`
	Key    string   `json:"key,omitempty"`
	Keys   []string `json:"keys,omitempty"`
	Prefix string   `json:"prefix,omitempty"`
	After  string   `json:"after,omitempty"`
	Limit  int      `json:"limit,omitempty"`
	Offset int64    `json:"offset,omitempty"`
	Length int64    `json:"length,omitempty"`
	Size   int64    `json:"size,omitempty"`
	Write  bool     `json:"write,omitempty"`
	Upload string   `json:"upload,omitempty"`
}

// Response is the header of every answer.
type Response struct {
	Object  *Object   `json:"object,omitempty"`
	Page    *ListPage `json:"page,omitempty"`
	Deleted int       `json:"deleted,omitempty"`
	More    bool      `json:"more,omitempty"`
	Upload  string    `json:"upload,omitempty"`
}

// maxHeader bounds a frame's header (keys, a delete batch, a config).
const maxHeader = 2 << 20

// EncodeFrame lays out a payload: the header's length as a uvarint, the
// header (a *Request or a *Response, in the binary layout of header.go),
// then body as raw bytes.
func EncodeFrame(header any, body []byte) ([]byte, error) {
	var e wire.Encoder
	e.Grow(256) // a header with a config: one allocation, not a doubling series
	if err := appendHeader(&e, header); err != nil {
		return nil, err
	}
	h := e.Bytes()
	out := make([]byte, 0, binary.MaxVarintLen64+len(h)+len(body))
	out = binary.AppendUvarint(out, uint64(len(h)))
	return append(append(out, h...), body...), nil
}

// DecodeFrame splits a payload into its header, decoded into header (a
// *Request or a *Response), and its body (a sub-slice of payload). Unknown
// flags, trailing header bytes and anything that is not a frame are
// errors.
func DecodeFrame(payload []byte, header any) ([]byte, error) {
	n, k := binary.Uvarint(payload)
	if k <= 0 {
		return nil, fmt.Errorf("bad frame: no header length")
	}
	if n > maxHeader || n > uint64(len(payload)-k) {
		return nil, fmt.Errorf("bad frame: header length %d exceeds the payload or %d bytes", n, maxHeader)
	}
	if err := readHeader(payload[k:k+int(n)], header); err != nil {
		return nil, fmt.Errorf("bad frame header: %w", err)
	}
	return payload[k+int(n):], nil
}

package provider

import (
	"fmt"
	"strings"
	"time"

	"github.com/metahost/metahost/sdk/wire"
)

// Frame headers are binary (sdk/wire): a format byte, presence flags, then
// the fields in a fixed order. A provider call is small and frequent, and
// reflection-based JSON was half the CPU of a stat on both sides of the
// plugin connection.
const headerFormat = 1

// Presence flags of a request header.
const (
	reqConfig = 1 << iota
	reqObj
	reqHDFS
	reqWrite
	reqUsePathStyle
	reqSSE
)

// Presence flags of a response header.
const (
	respObject = 1 << iota
	respPage
	respMore
)

// Object flags.
const objModTime = 1

// bit is b when cond holds, else 0.
func bit(cond bool, b byte) byte {
	if cond {
		return b
	}
	return 0
}

func appendRequest(e *wire.Encoder, r *Request) {
	cfg := r.Config
	flags := bit(cfg != nil, reqConfig) | bit(r.Write, reqWrite)
	if cfg != nil {
		flags |= bit(cfg.Obj != nil, reqObj) | bit(cfg.HDFS != nil, reqHDFS)
		if cfg.Obj != nil {
			flags |= bit(cfg.Obj.UsePathStyle, reqUsePathStyle) | bit(cfg.Obj.SSEEnabled, reqSSE)
		}
	}
	e.Byte(headerFormat)
	e.Byte(flags)
	if flags&reqObj != 0 {
		o := cfg.Obj
		for _, s := range []string{o.AK, o.SK, o.Bucket, o.Prefix, o.Endpoint, o.ExternalEndpoint, o.Region, o.Provider, o.Scheme} {
			e.String(s)
		}
	}
	if flags&reqHDFS != 0 {
		h := cfg.HDFS
		bc := &h.BuildConf
		for _, s := range []string{h.Prefix, bc.FsName, bc.User, bc.HDFSKerberosPrincipal, bc.HDFSKerberosKeytab} {
			e.String(s)
		}
		e.Uvarint(uint64(len(bc.HDFSConfs)))
		for _, kv := range bc.HDFSConfs {
			e.String(kv.Key)
			e.String(kv.Value)
		}
	}
	for _, s := range []string{r.Key, r.Prefix, r.After, r.Upload} {
		e.String(s)
	}
	e.Uvarint(uint64(len(r.Keys)))
	for _, k := range r.Keys {
		e.String(k)
	}
	e.Varint(int64(r.Limit))
	e.Varint(r.Offset)
	e.Varint(r.Length)
	e.Varint(r.Size)
}

// str reads a string that owns its bytes (the payload may be reused).
func str(d *wire.Decoder) string { return strings.Clone(d.String()) }

func readFormat(d *wire.Decoder) {
	switch f := d.Byte(); {
	case d.Err() != nil:
	case f == '{':
		d.Fail("a JSON header, from a provider SDK older than the host's; rebuild the plugin")
	case f != headerFormat:
		d.Fail("header format %d, this SDK reads %d", int(f), headerFormat)
	}
}

func readRequest(d *wire.Decoder, r *Request) {
	readFormat(d)
	flags := d.Byte()
	if flags >= reqSSE<<1 || (flags&(reqObj|reqHDFS) != 0 && flags&reqConfig == 0) {
		d.Fail("request flags %d", int(flags))
	}
	if d.Err() != nil {
		return
	}
	if flags&reqConfig != 0 {
		r.Config = &Config{}
	}
	if flags&reqObj != 0 {
		o := &ObjInfo{UsePathStyle: flags&reqUsePathStyle != 0, SSEEnabled: flags&reqSSE != 0}
		for _, p := range []*string{&o.AK, &o.SK, &o.Bucket, &o.Prefix, &o.Endpoint, &o.ExternalEndpoint, &o.Region, &o.Provider, &o.Scheme} {
			*p = str(d)
		}
		r.Config.Obj = o
	}
	if flags&reqHDFS != 0 {
		h := &HDFSInfo{}
		bc := &h.BuildConf
		for _, p := range []*string{&h.Prefix, &bc.FsName, &bc.User, &bc.HDFSKerberosPrincipal, &bc.HDFSKerberosKeytab} {
			*p = str(d)
		}
		if n := d.Count(2); n > 0 {
			bc.HDFSConfs = make([]HDFSConfKV, n)
			for i := range bc.HDFSConfs {
				bc.HDFSConfs[i] = HDFSConfKV{Key: str(d), Value: str(d)}
			}
		}
		r.Config.HDFS = h
	}
	r.Write = flags&reqWrite != 0
	for _, p := range []*string{&r.Key, &r.Prefix, &r.After, &r.Upload} {
		*p = str(d)
	}
	if n := d.Count(1); n > 0 {
		r.Keys = make([]string, n)
		for i := range r.Keys {
			r.Keys[i] = str(d)
		}
	}
	limit := d.Varint()
	if int64(int(limit)) != limit {
		d.Fail("limit out of range")
	}
	r.Limit = int(limit)
	r.Offset = d.Varint()
	r.Length = d.Varint()
	r.Size = d.Varint()
}

func appendObject(e *wire.Encoder, o *Object) {
	flags := bit(!o.ModTime.IsZero(), objModTime)
	e.Byte(flags)
	e.String(o.Key)
	e.Varint(o.Size)
	e.String(o.ETag)
	e.String(o.SSE)
	if flags&objModTime != 0 {
		e.Varint(o.ModTime.UnixNano())
	}
}

func readObject(d *wire.Decoder, o *Object) {
	flags := d.Byte()
	if flags > objModTime {
		d.Fail("object flags %d", int(flags))
	}
	o.Key = str(d)
	o.Size = d.Varint()
	o.ETag = str(d)
	o.SSE = str(d)
	if flags&objModTime != 0 {
		o.ModTime = time.Unix(0, d.Varint()).UTC()
	}
}

func appendResponse(e *wire.Encoder, r *Response) {
	flags := bit(r.Object != nil, respObject) | bit(r.Page != nil, respPage) | bit(r.More, respMore)
	e.Byte(headerFormat)
	e.Byte(flags)
	if r.Object != nil {
		appendObject(e, r.Object)
	}
	if r.Page != nil {
		e.Uvarint(uint64(len(r.Page.Objects)))
		for i := range r.Page.Objects {
			appendObject(e, &r.Page.Objects[i])
		}
		e.String(r.Page.Next)
	}
	e.Varint(int64(r.Deleted))
	e.String(r.Upload)
}

func readResponse(d *wire.Decoder, r *Response) {
	readFormat(d)
	flags := d.Byte()
	if flags >= respMore<<1 {
		d.Fail("response flags %d", int(flags))
	}
	if d.Err() != nil {
		return
	}
	if flags&respObject != 0 {
		r.Object = &Object{}
		readObject(d, r.Object)
	}
	if flags&respPage != 0 {
		// The smallest object: flags, three empty strings and a size.
		n := d.Count(5)
		r.Page = &ListPage{Objects: make([]Object, n)}
		for i := range r.Page.Objects {
			readObject(d, &r.Page.Objects[i])
		}
		r.Page.Next = str(d)
	}
	r.More = flags&respMore != 0
	deleted := d.Varint()
	if int64(int(deleted)) != deleted {
		d.Fail("deleted count out of range")
	}
	r.Deleted = int(deleted)
	r.Upload = str(d)
}

// appendHeader encodes a *Request or a *Response.
func appendHeader(e *wire.Encoder, header any) error {
	switch h := header.(type) {
	case *Request:
		appendRequest(e, h)
	case *Response:
		appendResponse(e, h)
	default:
		return fmt.Errorf("encode header: a frame header is a *Request or a *Response, not %T", header)
	}
	return nil
}

// readHeader decodes a *Request or a *Response from all of b.
func readHeader(b []byte, header any) error {
	d := wire.NewDecoder(b)
	switch h := header.(type) {
	case *Request:
		*h = Request{}
		readRequest(d, h)
	case *Response:
		*h = Response{}
		readResponse(d, h)
	default:
		return fmt.Errorf("a frame header is a *Request or a *Response, not %T", header)
	}
	return d.Finish()
}

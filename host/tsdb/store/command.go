package store

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/metahost/metahost/host/tsdb/otsdb"
)

// Command types registered with raftstore.
const (
	cmdPut    = "tsdb.put"
	cmdAssign = "tsdb.assign"
	cmdRetain = "tsdb.retain"
)

const putVersion byte = 1

// Put flags carried by a command, so that every node applies it with the
// proposer's configuration.
const (
	flagAutoMetrics byte = 1 << iota
	flagAutoTagks
	flagAutoTagvs
	flagMeta
)

var errBadCommand = errors.New("tsdb: malformed command")

// putEncoder builds a tsdb.put command: a header, then every validated point
// as metric, tags (in Java HashMap order, the UID assignment order), the
// timestamp in ms and the encoded value.
type putEncoder struct {
	buf []byte
	n   int
}

func newPutEncoder(flags byte, sizeHint int) *putEncoder {
	e := &putEncoder{buf: make([]byte, 0, 16+sizeHint)}
	e.buf = append(e.buf, putVersion, flags)
	return e
}

func appendString(dst []byte, s string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

func (e *putEncoder) add(metric string, tags []otsdb.Tag, ms int64, v otsdb.Value) {
	e.buf = appendString(e.buf, metric)
	e.buf = binary.AppendUvarint(e.buf, uint64(len(tags)))
	for _, t := range tags {
		e.buf = appendString(e.buf, t.Key)
		e.buf = appendString(e.buf, t.Value)
	}
	e.buf = binary.AppendVarint(e.buf, ms)
	flagsAt := len(e.buf)
	e.buf = append(e.buf, 0)
	var flags byte
	e.buf, flags = v.AppendEncoded(e.buf)
	e.buf[flagsAt] = flags
	e.n++
}

// bytes returns the command payload.
func (e *putEncoder) bytes() []byte { return e.buf }

// putDecoder iterates over the points of a tsdb.put payload without
// allocating: strings alias the payload.
type putDecoder struct {
	src   []byte
	flags byte
}

// decodedPoint is one point of a command. Tag keys and values alternate in
// kv; all slices alias the payload.
type decodedPoint struct {
	// series is the encoded metric and tags: a key for the series.
	series []byte
	metric []byte
	kv     [][]byte
	ms     int64
	vflags byte
	value  []byte
}

func newPutDecoder(b []byte) (*putDecoder, error) {
	if len(b) < 2 || b[0] != putVersion {
		return nil, fmt.Errorf("%w: bad put header", errBadCommand)
	}
	return &putDecoder{src: b[2:], flags: b[1]}, nil
}

func (d *putDecoder) more() bool { return len(d.src) > 0 }

func (d *putDecoder) bytesField() ([]byte, error) {
	n, k := binary.Uvarint(d.src)
	if k <= 0 || uint64(len(d.src)-k) < n {
		return nil, errBadCommand
	}
	out := d.src[k : k+int(n) : k+int(n)]
	d.src = d.src[k+int(n):]
	return out, nil
}

// next decodes one point into p, reusing p.kv.
func (d *putDecoder) next(p *decodedPoint) error {
	var err error
	start := d.src
	if p.metric, err = d.bytesField(); err != nil {
		return err
	}
	nt, k := binary.Uvarint(d.src)
	if k <= 0 || nt > uint64(len(d.src)) {
		return errBadCommand
	}
	d.src = d.src[k:]
	p.kv = p.kv[:0]
	for i := uint64(0); i < 2*nt; i++ {
		f, err := d.bytesField()
		if err != nil {
			return err
		}
		p.kv = append(p.kv, f)
	}
	p.series = start[: len(start)-len(d.src) : len(start)-len(d.src)]
	ms, k := binary.Varint(d.src)
	if k <= 0 || len(d.src) < k+1 {
		return errBadCommand
	}
	d.src = d.src[k:]
	p.ms = ms
	p.vflags = d.src[0]
	n := int(p.vflags&7) + 1
	if len(d.src) < 1+n {
		return errBadCommand
	}
	p.value = d.src[1 : 1+n : 1+n]
	d.src = d.src[1+n:]
	return nil
}

// pointFailure is a point the state machine rejected (step 7 of the put
// pipeline: unknown names with auto-creation off, UID space exhausted).
type pointFailure struct {
	index int
	text  string
}

func encodeFailures(fs []pointFailure) []byte {
	if len(fs) == 0 {
		return nil
	}
	b := binary.AppendUvarint(nil, uint64(len(fs)))
	for _, f := range fs {
		b = binary.AppendUvarint(b, uint64(f.index))
		b = appendString(b, f.text)
	}
	return b
}

func decodeFailures(b []byte) ([]pointFailure, error) {
	if len(b) == 0 {
		return nil, nil
	}
	d := putDecoder{src: b}
	n, k := binary.Uvarint(d.src)
	if k <= 0 || n > uint64(len(b)) {
		return nil, errBadCommand
	}
	d.src = d.src[k:]
	out := make([]pointFailure, 0, n)
	for i := uint64(0); i < n; i++ {
		idx, k := binary.Uvarint(d.src)
		if k <= 0 {
			return nil, errBadCommand
		}
		d.src = d.src[k:]
		text, err := d.bytesField()
		if err != nil {
			return nil, err
		}
		out = append(out, pointFailure{index: int(idx), text: string(text)})
	}
	return out, nil
}

// assignCmd asks for UIDs for names (tsdb.assign). Entries alternate kind
// byte and name.
type assignEntry struct {
	kind Kind
	name string
}

// assignResult is a UID or an error text per entry.
type assignResult struct {
	uid otsdb.UID
	err string
}

func encodeAssign(entries []assignEntry) []byte {
	b := binary.AppendUvarint(nil, uint64(len(entries)))
	for _, e := range entries {
		b = append(b, byte(e.kind))
		b = appendString(b, e.name)
	}
	return b
}

func decodeAssign(b []byte) ([]assignEntry, error) {
	d := putDecoder{src: b}
	n, k := binary.Uvarint(d.src)
	if k <= 0 || n > uint64(len(b)) {
		return nil, errBadCommand
	}
	d.src = d.src[k:]
	out := make([]assignEntry, 0, n)
	for i := uint64(0); i < n; i++ {
		if len(d.src) == 0 || d.src[0] > byte(KindTagv) {
			return nil, errBadCommand
		}
		kind := Kind(d.src[0])
		d.src = d.src[1:]
		name, err := d.bytesField()
		if err != nil {
			return nil, err
		}
		out = append(out, assignEntry{kind: kind, name: string(name)})
	}
	return out, nil
}

func encodeAssignResults(rs []assignResult) []byte {
	var b []byte
	for _, r := range rs {
		if r.err != "" {
			b = append(b, 1)
			b = appendString(b, r.err)
			continue
		}
		b = append(b, 0)
		b = append(b, r.uid[:]...)
	}
	return b
}

func decodeAssignResults(b []byte, n int) ([]assignResult, error) {
	d := putDecoder{src: b}
	out := make([]assignResult, 0, n)
	for i := 0; i < n; i++ {
		if len(d.src) == 0 {
			return nil, errBadCommand
		}
		tag := d.src[0]
		d.src = d.src[1:]
		var r assignResult
		if tag == 1 {
			t, err := d.bytesField()
			if err != nil {
				return nil, err
			}
			r.err = string(t)
		} else {
			if len(d.src) < otsdb.UIDWidth {
				return nil, errBadCommand
			}
			copy(r.uid[:], d.src)
			d.src = d.src[otsdb.UIDWidth:]
		}
		out = append(out, r)
	}
	return out, nil
}

// retainCmd deletes hour rows whose base is before Cutoff, examining at most
// Limit rows from the key After (exclusive; empty: from the first row).
type retainCmd struct {
	cutoff int64
	limit  uint64
	after  []byte
}

func (c retainCmd) encode() []byte {
	b := binary.AppendVarint(nil, c.cutoff)
	b = binary.AppendUvarint(b, c.limit)
	return append(b, c.after...)
}

func decodeRetain(b []byte) (retainCmd, error) {
	var c retainCmd
	v, k := binary.Varint(b)
	if k <= 0 {
		return c, errBadCommand
	}
	c.cutoff = v
	b = b[k:]
	l, k := binary.Uvarint(b)
	if k <= 0 {
		return c, errBadCommand
	}
	c.limit = l
	c.after = b[k:]
	return c, nil
}

// retainResult reports one retention step: rows deleted, and the key to
// continue after (empty when the pass is complete).
type retainResult struct {
	deleted uint64
	next    []byte
}

func (r retainResult) encode() []byte {
	b := binary.AppendUvarint(nil, r.deleted)
	return append(b, r.next...)
}

func decodeRetainResult(b []byte) (retainResult, error) {
	n, k := binary.Uvarint(b)
	if k <= 0 {
		return retainResult{}, errBadCommand
	}
	return retainResult{deleted: n, next: b[k:]}, nil
}

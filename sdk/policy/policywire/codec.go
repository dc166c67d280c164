package policywire

import (
	"unsafe"

	"github.com/metahost/metahost/sdk/policy"
	"github.com/metahost/metahost/sdk/wire"
)

// Every integer is fixed-width (sdk/wire Int64/Uint32): decoding then needs no loop per field,
// which inside a metered guest (host/plugin/wasmbin) saves a fuel check per iteration.

// EncodeRowset appends one rowset: eight 8-byte integers, the overlap byte, the flags byte and
// the id with a 4-byte length (the layout decodeRowsetFixed reads).
func EncodeRowset(e *wire.Encoder, r *policy.Rowset) {
	e.Int64(r.StartVersion)
	e.Int64(r.EndVersion)
	e.Int64(r.NumSegments)
	e.Int64(r.TotalDiskSize)
	e.Int64(r.DataDiskSize)
	e.Int64(r.NumRows)
	e.Int64(r.CreationTime)
	e.Int64(r.CompactionLevel)
	e.Byte(byte(r.SegmentsOverlap))
	var flags byte
	if r.HasDeletePredicate {
		flags |= 1
	}
	if r.Remote {
		flags |= 2
	}
	e.Byte(flags)
	e.String32(r.RowsetID)
}

// DecodeRowset reads one rowset. Its RowsetID aliases the decoder's buffer.
func DecodeRowset(d *wire.Decoder, r *policy.Rowset) {
	b := d.Take(minRowsetSize)
	if b == nil {
		return
	}
	idLen := decodeRowsetFixed(b, r)
	if idLen < 0 {
		d.Fail("bad rowset flags %d", b[65])
		return
	}
	id := d.Take(idLen)
	if len(id) > 0 {
		r.RowsetID = unsafe.String(&id[0], len(id))
	} else {
		r.RowsetID = ""
	}
}

// decodeRowsetFixed reads the fixed part of a rowset (minRowsetSize bytes) and returns the length
// of the id that follows, or -1 for bad flags. Everything is inlined loads: no call, no loop.
func decodeRowsetFixed(b []byte, r *policy.Rowset) int {
	_ = b[minRowsetSize-1]
	r.StartVersion = int64(wire.U64(b[0:]))
	r.EndVersion = int64(wire.U64(b[8:]))
	r.NumSegments = int64(wire.U64(b[16:]))
	r.TotalDiskSize = int64(wire.U64(b[24:]))
	r.DataDiskSize = int64(wire.U64(b[32:]))
	r.NumRows = int64(wire.U64(b[40:]))
	r.CreationTime = int64(wire.U64(b[48:]))
	r.CompactionLevel = int64(wire.U64(b[56:]))
	r.SegmentsOverlap = policy.SegmentsOverlap(b[64])
	flags := b[65]
	r.HasDeletePredicate = flags&1 != 0
	r.Remote = flags&2 != 0
	if flags > 3 {
		return -1
	}
	return int(wire.U32(b[66:]))
}

// Rowset list forms.
const (
	listExplicit byte = 0
	listRef      byte = 1
)

// findRun returns the offset of rs as a contiguous run of base, or -1. When rs is a subslice of
// base (the usual case: candidates cut from the tablet's rowsets, a pick cut from the candidates)
// the offset comes from the addresses, without comparing rowsets.
func findRun(rs, base []policy.Rowset) int {
	if len(rs) == 0 || len(rs) > len(base) {
		return -1
	}
	size := unsafe.Sizeof(policy.Rowset{})
	p0, b0 := uintptr(unsafe.Pointer(&rs[0])), uintptr(unsafe.Pointer(&base[0]))
	if p0 >= b0 && (p0-b0)%size == 0 {
		if k := int((p0 - b0) / size); k+len(rs) <= len(base) && &base[k] == &rs[0] {
			return k
		}
	}
	first := &rs[0]
	for k := 0; k+len(rs) <= len(base); k++ {
		if base[k].EndVersion != first.EndVersion || base[k].StartVersion != first.StartVersion {
			continue
		}
		for i := range rs {
			if rs[i] != base[k+i] {
				return -1
			}
		}
		return k
	}
	return -1
}

// EncodeRowsets appends rs, as a reference into base when it is a contiguous run of it.
func EncodeRowsets(e *wire.Encoder, rs, base []policy.Rowset) {
	if k := findRun(rs, base); k >= 0 {
		e.Byte(listRef)
		e.Uint32(uint32(k))
		e.Uint32(uint32(len(rs)))
		return
	}
	e.Byte(listExplicit)
	e.Uint32(uint32(len(rs)))
	for i := range rs {
		EncodeRowset(e, &rs[i])
	}
}

// DecodeRowsets reads what EncodeRowsets wrote, with the same base. An explicit list reuses the
// capacity of scratch; a reference returns a capacity-capped subslice of base.
func DecodeRowsets(d *wire.Decoder, base, scratch []policy.Rowset) []policy.Rowset {
	switch form := d.Byte(); form {
	case listRef:
		k, n := uint64(d.Uint32()), uint64(d.Uint32())
		if d.Err() != nil {
			return nil
		}
		if k > uint64(len(base)) || n > uint64(len(base))-k {
			d.Fail("rowset run [%d,+%d) outside a list of %d", k, n, len(base))
			return nil
		}
		return base[k : k+n : k+n]
	case listExplicit:
		n := d.Count32(minRowsetSize)
		if n == 0 {
			return scratch[:0]
		}
		out := scratch[:0]
		if cap(out) < n {
			out = make([]policy.Rowset, 0, n)
		}
		out = out[:n]
		// Hot loop: one bounds check per rowset, fields read with inlined loads, no call per
		// rowset (each call or loop iteration of a metered guest costs a fuel check).
		rest := d.Peek()
		off := 0
		for i := range out {
			b := rest[off:]
			if len(b) < minRowsetSize {
				d.Fail("unexpected end of message in rowset %d", i)
				return nil
			}
			r := &out[i]
			r.StartVersion = int64(wire.U64(b[0:]))
			r.EndVersion = int64(wire.U64(b[8:]))
			r.NumSegments = int64(wire.U64(b[16:]))
			r.TotalDiskSize = int64(wire.U64(b[24:]))
			r.DataDiskSize = int64(wire.U64(b[32:]))
			r.NumRows = int64(wire.U64(b[40:]))
			r.CreationTime = int64(wire.U64(b[48:]))
			r.CompactionLevel = int64(wire.U64(b[56:]))
			r.SegmentsOverlap = policy.SegmentsOverlap(b[64])
			flags := b[65]
			r.HasDeletePredicate = flags&1 != 0
			r.Remote = flags&2 != 0
			idLen := uint64(wire.U32(b[66:]))
			if flags > 3 || idLen > uint64(len(b)-minRowsetSize) {
				d.Fail("bad rowset %d", i)
				return nil
			}
			if idLen > 0 {
				r.RowsetID = unsafe.String(&b[minRowsetSize], int(idLen))
			} else {
				r.RowsetID = ""
			}
			off += minRowsetSize + int(idLen)
		}
		d.Skip(off)
		return out
	default:
		d.Fail("bad rowset list form %d", form)
		return nil
	}
}

// EncodeTablet appends the tablet and all its rowsets.
func EncodeTablet(e *wire.Encoder, t *policy.Tablet) {
	e.Int64(t.TabletID)
	e.Byte(byte(t.KeysType))
	e.Bool(t.MergeOnWrite)
	e.Byte(byte(t.State))
	e.Int64(t.CumulativePoint)
	e.Int64(t.CumulativePromotionSize)
	e.Bool(t.VisibleVersionKnown)
	e.Int64(t.VisibleVersion)
	e.Int64(t.VisibleUpdateTimeMs)
	e.Int64(t.LastCumuSuccessMs)
	e.Int64(t.LastBaseSuccessMs)
	p := &t.TimeSeries
	e.Int64(p.GoalSizeMBytes)
	e.Int64(p.FileCountThreshold)
	e.Int64(p.TimeThresholdSeconds)
	e.Int64(p.EmptyRowsetsThreshold)
	e.Int64(p.LevelThreshold)
	e.Grow(len(t.Rowsets) * (minRowsetSize + 48))
	EncodeRowsets(e, t.Rowsets, nil)
}

// DecodeTablet reads what EncodeTablet wrote, reusing the capacity of t.Rowsets.
func DecodeTablet(d *wire.Decoder, t *policy.Tablet) {
	t.TabletID = d.Int64()
	t.KeysType = policy.KeysType(d.Byte())
	t.MergeOnWrite = d.Bool()
	t.State = policy.TabletState(d.Byte())
	t.CumulativePoint = d.Int64()
	t.CumulativePromotionSize = d.Int64()
	t.VisibleVersionKnown = d.Bool()
	t.VisibleVersion = d.Int64()
	t.VisibleUpdateTimeMs = d.Int64()
	t.LastCumuSuccessMs = d.Int64()
	t.LastBaseSuccessMs = d.Int64()
	p := &t.TimeSeries
	p.GoalSizeMBytes = d.Int64()
	p.FileCountThreshold = d.Int64()
	p.TimeThresholdSeconds = d.Int64()
	p.EmptyRowsetsThreshold = d.Int64()
	p.LevelThreshold = d.Int64()
	t.Rowsets = DecodeRowsets(d, nil, t.Rowsets)
}

// EncodeRequest appends req.
func EncodeRequest(e *wire.Encoder, req *Request) {
	e.Byte(WireVersion)
	e.Byte(byte(req.Op))
	e.Int64(req.NowMs)
	EncodeConfig(e, &req.Config)
	EncodeTablet(e, &req.Tablet)
	switch req.Op {
	case OpPickInputRowsets:
		EncodeRowsets(e, req.Cands, req.Tablet.Rowsets)
		e.Int64(req.MaxScore)
		e.Int64(req.MinScore)
		e.Bool(req.AllowDelete)
	case OpNewCumulativePoint, OpCompactionLevel:
		EncodeRowsets(e, req.Input, req.Tablet.Rowsets)
		EncodeRowset(e, &req.Output)
		e.Int64(req.LastDelete.Start)
		e.Int64(req.LastDelete.End)
	}
}

// DecodeRequest decodes b into req, reusing the capacity of req's slices. Strings and rowset ids
// alias b.
func DecodeRequest(b []byte, req *Request) error {
	d := wire.NewDecoder(b)
	if v := d.Byte(); v != WireVersion && d.Err() == nil {
		d.Fail("policy wire version %d, want %d", v, WireVersion)
		return d.Err()
	}
	req.Op = Op(d.Byte())
	req.NowMs = d.Int64()
	DecodeConfig(d, &req.Config)
	DecodeTablet(d, &req.Tablet)
	req.Cands, req.Input = req.Cands[:0], req.Input[:0]
	req.MaxScore, req.MinScore, req.AllowDelete = 0, 0, false
	req.Output, req.LastDelete = policy.Rowset{}, policy.NoVersion
	switch req.Op {
	case OpCalculateCumulativePoint, OpCalcCumulativeScore:
	case OpPickInputRowsets:
		req.Cands = DecodeRowsets(d, req.Tablet.Rowsets, req.Cands)
		req.MaxScore = d.Int64()
		req.MinScore = d.Int64()
		req.AllowDelete = d.Bool()
	case OpNewCumulativePoint, OpCompactionLevel:
		req.Input = DecodeRowsets(d, req.Tablet.Rowsets, req.Input)
		DecodeRowset(d, &req.Output)
		req.LastDelete.Start = d.Int64()
		req.LastDelete.End = d.Int64()
	default:
		if d.Err() == nil {
			d.Fail("unknown policy op %d", uint8(req.Op))
		}
	}
	return d.Finish()
}

// EncodeResponse appends resp for a request with operation op and candidates cands.
func EncodeResponse(e *wire.Encoder, op Op, cands []policy.Rowset, resp *Response) {
	e.Int64(resp.Value)
	e.Int64(resp.PromotionSize)
	if op != OpPickInputRowsets {
		return
	}
	p := &resp.Pick
	EncodeRowsets(e, p.Input, cands)
	e.Int64(p.LastDeleteVersion.Start)
	e.Int64(p.LastDeleteVersion.End)
	e.Int64(p.Score)
	e.Int64(int64(p.Transient))
	e.Byte(byte(p.Rule))
}

// DecodeResponse decodes the response to a request with operation op and candidates cands.
// Pick.Input aliases cands when the guest sent a reference; rowset ids of an explicit list alias b.
func DecodeResponse(b []byte, op Op, cands []policy.Rowset, resp *Response) error {
	d := wire.NewDecoder(b)
	resp.Value = d.Int64()
	resp.PromotionSize = d.Int64()
	resp.Pick = policy.PickResult{LastDeleteVersion: policy.NoVersion}
	if op == OpPickInputRowsets {
		p := &resp.Pick
		p.Input = DecodeRowsets(d, cands, nil)
		if len(p.Input) == 0 {
			p.Input = nil
		}
		p.LastDeleteVersion.Start = d.Int64()
		p.LastDeleteVersion.End = d.Int64()
		p.Score = d.Int64()
		p.Transient = int(d.Int64())
		p.Rule = policy.PickRule(d.Byte())
	}
	return d.Finish()
}

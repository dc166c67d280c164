package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"sync"

	"github.com/metahost/metahost/host/raftstore"
	"github.com/metahost/metahost/host/tsdb/otsdb"
	bolt "go.etcd.io/bbolt"
)

// arena hands out byte slices that stay valid for the whole transaction
// (bbolt keeps references to the keys and values given to Put until
// commit), so a batch needs a few large allocations instead of two per
// point.
type arena struct{ buf []byte }

func (a *arena) alloc(n int) []byte {
	if cap(a.buf)-len(a.buf) < n {
		size := 64 << 10
		if n > size {
			size = n
		}
		a.buf = make([]byte, 0, size)
	}
	start := len(a.buf)
	a.buf = a.buf[:start+n]
	return a.buf[start : start : start+n]
}

// copyOf returns a copy of b in the arena.
func (a *arena) copyOf(b []byte) []byte { return append(a.alloc(len(b)), b...) }

// uidCache remembers name -> UID and series -> TSUID mappings across
// applies. A mapping never changes once made (UIDs are never deleted or
// reused); mappings are published only when the transaction that made them
// commits, and a snapshot restore brings a later state of the same history,
// so the cache never claims anything the state does not hold. It is
// bounded; past the bound lookups go to bbolt.
type uidCache struct {
	mu     sync.RWMutex
	m      [3]map[string]otsdb.UID
	series map[string]*seriesEntry
	n      int
}

// seriesEntry is a cached series: its TSUID, and an hour its last-write
// counter is known to have reached. Counters only move forward (they keep
// the greatest write time, nothing deletes them, and a restored snapshot
// is a later state of the same history), so when ctrHour is at least the
// hour of a command, the counter needs no update.
type seriesEntry struct {
	tsuid   []byte
	ctrHour int64 // written only by the apply goroutine, under mu
}

// maxCachedUIDs bounds the cache (names and series together).
const maxCachedUIDs = 1 << 21

func newUIDCache() *uidCache {
	c := &uidCache{series: make(map[string]*seriesEntry)}
	for i := range c.m {
		c.m[i] = make(map[string]otsdb.UID)
	}
	return c
}

// publish adds an apply's mappings and counter hours.
func (c *uidCache) publish(local *[3]map[string]otsdb.UID, series map[string]*seriesEntry, ctrs []ctrUpdate) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, u := range ctrs {
		if u.e.ctrHour < u.hour {
			u.e.ctrHour = u.hour
		}
	}
	for k := range local {
		for name, id := range local[k] {
			if c.n >= maxCachedUIDs {
				return
			}
			if _, ok := c.m[k][name]; !ok {
				c.m[k][name] = id
				c.n++
			}
		}
	}
	for key, e := range series {
		if c.n >= maxCachedUIDs {
			return
		}
		if _, ok := c.series[key]; !ok {
			c.series[key] = e
			c.n++
		}
	}
}

// ctrUpdate records that an apply brought a series' counter to hour.
type ctrUpdate struct {
	e    *seriesEntry
	hour int64
}

// uids resolves and assigns UIDs inside one apply: names seen in this apply
// are kept locally (published to the shared cache only if the apply
// succeeds), and each kind's counter is written once at the end.
type uids struct {
	b       *bolt.Bucket
	ar      *arena
	shared  *uidCache // read-locked by the caller while in use
	local   [3]map[string]otsdb.UID
	series  map[string]*seriesEntry
	ctrs    []ctrUpdate
	max     [3]uint32
	loaded  [3]bool
	dirty   [3]bool
	scratch []byte
	c       *bolt.Cursor
}

func newUIDs(b *bolt.Bucket, ar *arena, shared *uidCache) *uids {
	u := &uids{b: b, ar: ar, shared: shared, series: make(map[string]*seriesEntry)}
	for i := range u.local {
		u.local[i] = make(map[string]otsdb.UID)
	}
	return u
}

// lookup returns the UID of name, if assigned.
func (u *uids) lookup(k Kind, name []byte) (otsdb.UID, bool) {
	if id, ok := u.local[k][string(name)]; ok {
		return id, true
	}
	if u.shared != nil {
		if id, ok := u.shared.m[k][string(name)]; ok {
			return id, true
		}
	}
	u.scratch = appendUIDKey(u.scratch[:0], k, string(name))
	v := u.get(u.scratch)
	if len(v) != otsdb.UIDWidth {
		return otsdb.UID{}, false
	}
	var id otsdb.UID
	copy(id[:], v)
	u.local[k][string(name)] = id
	return id, true
}

// get is Bucket.Get through one reused cursor (Bucket.Get allocates a
// cursor and its stack per call).
func (u *uids) get(key []byte) []byte {
	if u.c == nil {
		u.c = u.b.Cursor()
	}
	k, v := u.c.Seek(key)
	if !bytes.Equal(k, key) {
		return nil
	}
	return v
}

// lookupSeries returns an encoded series seen before.
func (u *uids) lookupSeries(series []byte) (*seriesEntry, bool) {
	if e, ok := u.series[string(series)]; ok {
		return e, true
	}
	if u.shared != nil {
		e, ok := u.shared.series[string(series)]
		return e, ok
	}
	return nil, false
}

// begin read-locks the shared cache for the apply; end unlocks it and, if
// the apply succeeded, publishes the apply's mappings.
func (u *uids) begin() {
	if u.shared != nil {
		u.shared.mu.RLock()
	}
}

func (u *uids) end(tx *bolt.Tx, ok bool) {
	if u.shared == nil {
		return
	}
	u.shared.mu.RUnlock()
	if !ok {
		return
	}
	// Publish only once the transaction is durable in the state: a batch
	// whose later command fails is rolled back and replayed, and the replay
	// must find (and rewrite) the same UIDs in bbolt, not in the cache.
	shared, local, series, ctrs := u.shared, &u.local, u.series, u.ctrs
	tx.OnCommit(func() { shared.publish(local, series, ctrs) })
}

// errExhausted is the text of a full UID space (UniqueId's
// IllegalStateException).
func errExhausted(k Kind) string {
	return fmt.Sprintf("All Unique IDs for %s on %d bytes are already assigned!", k, otsdb.UIDWidth)
}

// assign gives name the next UID of kind k. It must not be assigned yet.
func (u *uids) assign(k Kind, name []byte) (otsdb.UID, string, error) {
	if !u.loaded[k] {
		u.scratch = appendMaxKey(u.scratch[:0], k)
		if v := u.get(u.scratch); len(v) == otsdb.UIDWidth {
			u.max[k] = uint32(v[0])<<16 | uint32(v[1])<<8 | uint32(v[2])
		}
		u.loaded[k] = true
	}
	id, ok := otsdb.UIDFromInt(u.max[k] + 1)
	if !ok {
		return otsdb.UID{}, errExhausted(k), nil
	}
	u.max[k]++
	u.dirty[k] = true
	fwd := appendUIDKey(u.ar.alloc(64+len(name)), k, string(name))
	if err := u.b.Put(fwd, u.ar.copyOf(id[:])); err != nil {
		return otsdb.UID{}, "", fmt.Errorf("store uid: %w", err)
	}
	rev := appendNameKey(u.ar.alloc(48), k, id)
	if err := u.b.Put(rev, u.ar.copyOf(name)); err != nil {
		return otsdb.UID{}, "", fmt.Errorf("store uid name: %w", err)
	}
	u.local[k][string(name)] = id
	return id, "", nil
}

// get returns the UID of name, assigning one when create is set. A non-empty
// text is a per-point failure.
func (u *uids) resolve(k Kind, name []byte, create bool) (otsdb.UID, string, error) {
	if id, ok := u.lookup(k, name); ok {
		return id, "", nil
	}
	if !create {
		return otsdb.UID{}, otsdb.MsgUnknownMetric, nil
	}
	return u.assign(k, name)
}

// flush records each kind's last assigned UID.
func (u *uids) flush() error {
	for k := range u.max {
		if !u.dirty[k] {
			continue
		}
		id, _ := otsdb.UIDFromInt(u.max[k])
		if err := u.b.Put(appendMaxKey(nil, Kind(k)), id[:]); err != nil {
			return fmt.Errorf("store uid counter: %w", err)
		}
	}
	return nil
}

// seriesTSUID resolves (and, as the flags allow, assigns) the UIDs of a
// point's metric and tags in OpenTSDB's order and appends its TSUID to dst.
// A non-empty text is the point's failure.
func (u *uids) seriesTSUID(p *decodedPoint, flags byte, dst []byte) (*seriesEntry, string, error) {
	metric, text, err := u.resolve(KindMetric, p.metric, flags&flagAutoMetrics != 0)
	if err != nil || text != "" {
		return nil, text, err
	}
	var buf [8]otsdb.TagPair
	pairs := buf[:0]
	for t := 0; t+1 < len(p.kv); t += 2 {
		var pair otsdb.TagPair
		if pair.Key, text, err = u.resolve(KindTagk, p.kv[t], flags&flagAutoTagks != 0); err != nil || text != "" {
			return nil, text, err
		}
		if pair.Value, text, err = u.resolve(KindTagv, p.kv[t+1], flags&flagAutoTagvs != 0); err != nil || text != "" {
			return nil, text, err
		}
		pairs = append(pairs, pair)
	}
	e := &seriesEntry{tsuid: appendTSUID(dst, metric, pairs), ctrHour: -1 << 62}
	u.series[string(p.series)] = e
	return e, "", nil
}

// tagPairs are the UID pairs of a point; appendTSUID sorts them in place.
type tagPairs []otsdb.TagPair

func appendTSUID(dst []byte, metric otsdb.UID, pairs tagPairs) []byte {
	// Insertion sort: series have a handful of tags.
	for i := 1; i < len(pairs); i++ {
		for j := i; j > 0 && bytes.Compare(pairs[j].Key[:], pairs[j-1].Key[:]) < 0; j-- {
			pairs[j], pairs[j-1] = pairs[j-1], pairs[j]
		}
	}
	dst = append(dst, metric[:]...)
	for _, p := range pairs {
		dst = append(dst, p.Key[:]...)
		dst = append(dst, p.Value[:]...)
	}
	return dst
}

// applyPut applies a batch of validated points in the command's
// transaction: UID resolution/assignment in the Java order, the newest-cell
// update of each point's hour row, and, with meta tracking, the series'
// last-write counter set to the command's (leader) time.
func (s *Service) applyPut(a *raftstore.Apply) ([]byte, error) {
	d, err := newPutDecoder(a.Command.Data)
	if err != nil {
		return nil, err
	}
	b := a.Data()
	// Keys and values of a point take about three times its encoded size.
	ar := &arena{buf: make([]byte, 0, 3*len(a.Command.Data)+1024)}
	u := newUIDs(b, ar, s.uids)
	u.begin()
	ok := false
	defer func() { u.end(a.Tx, ok) }()
	nowMs := a.Command.Time / 1e6
	nowHour := otsdb.HourBaseMillis(nowMs)
	meta := d.flags&flagMeta != 0
	var (
		p        decodedPoint
		failures []pointFailure
		key      []byte
	)
	for i := 0; d.more(); i++ {
		if err := d.next(&p); err != nil {
			return nil, err
		}
		e, hit := u.lookupSeries(p.series)
		if !hit {
			var text string
			if e, text, err = u.seriesTSUID(&p, d.flags, nil); err != nil {
				return nil, err
			}
			if text != "" {
				failures = append(failures, pointFailure{index: i, text: text})
				continue
			}
		}
		tsuid := e.tsuid
		base := otsdb.HourBaseMillis(p.ms)
		key = appendRowKey(key[:0], base, tsuid)
		old := u.get(key)
		if old == nil || len(old) < 8 || cellMillis(old) <= p.ms {
			cellv := appendCell(ar.alloc(9+len(p.value)), p.ms, p.vflags, p.value)
			if err := b.Put(ar.copyOf(key), cellv); err != nil {
				return nil, fmt.Errorf("store row: %w", err)
			}
			if old == nil {
				if err := b.Put(appendIndexKey(ar.alloc(len(key)+8), tsuid, base), nil); err != nil {
					return nil, fmt.Errorf("store row index: %w", err)
				}
			}
		}
		if meta && e.ctrHour < nowHour {
			// The last-write counter: the leader's time of the newest
			// command that wrote the series (HBase keeps the cell with the
			// greatest timestamp). Readers use only its hour, so it is
			// rewritten only when the hour moves forward.
			key = appendCtrKey(key[:0], tsuid)
			if v := u.get(key); len(v) != 8 || otsdb.HourBaseMillis(cellMillis(v)) < nowHour {
				val := binary.BigEndian.AppendUint64(ar.alloc(8), uint64(nowMs))
				if err := b.Put(ar.copyOf(key), val); err != nil {
					return nil, fmt.Errorf("store counter: %w", err)
				}
			}
			u.ctrs = append(u.ctrs, ctrUpdate{e, nowHour})
		}
	}
	if err := u.flush(); err != nil {
		return nil, err
	}
	ok = true
	return encodeFailures(failures), nil
}

// applyAssign assigns UIDs to names (/api/uid/assign). A name that already
// has one is an error entry, as in OpenTSDB.
func (s *Service) applyAssign(a *raftstore.Apply) ([]byte, error) {
	entries, err := decodeAssign(a.Command.Data)
	if err != nil {
		return nil, err
	}
	ar := &arena{}
	u := newUIDs(a.Data(), ar, s.uids)
	u.begin()
	ok := false
	defer func() { u.end(a.Tx, ok) }()
	out := make([]assignResult, len(entries))
	for i, e := range entries {
		if id, ok := u.lookup(e.kind, []byte(e.name)); ok {
			out[i].err = "Name already exists with UID: " + id.String()
			continue
		}
		id, text, err := u.assign(e.kind, []byte(e.name))
		if err != nil {
			return nil, err
		}
		out[i] = assignResult{uid: id, err: text}
	}
	if err := u.flush(); err != nil {
		return nil, err
	}
	ok = true
	return encodeAssignResults(out), nil
}

// applyRetain deletes hour rows older than the cutoff, except the row each
// series' counter points at, so the counter method keeps answering for
// every series (a row holds only its newest cell already). It examines at
// most limit rows and reports where to continue.
func applyRetain(a *raftstore.Apply) ([]byte, error) {
	c, err := decodeRetain(a.Command.Data)
	if err != nil {
		return nil, err
	}
	if c.limit == 0 {
		return nil, fmt.Errorf("%w: retention limit 0", errBadCommand)
	}
	b := a.Data()
	prefix := familyPrefix(nil, infixRow)
	cur := b.Cursor()
	var k []byte
	if len(c.after) > 0 {
		k, _ = cur.Seek(c.after)
		if k != nil && bytes.Equal(k, c.after) {
			k, _ = cur.Next()
		}
	} else {
		k, _ = cur.Seek(prefix)
	}
	var (
		doomed   [][]byte
		last     []byte
		ctrKey   []byte
		examined uint64
		done     bool
	)
	for {
		if k == nil || !bytes.HasPrefix(k, prefix) {
			done = true
			break
		}
		base, rest, err := decodeInt64Field(k[len(prefix):])
		if err != nil {
			return nil, err
		}
		if base >= c.cutoff {
			done = true
			break
		}
		if examined >= c.limit {
			break
		}
		examined++
		last = slices.Clone(k)
		tsuid, _, err := unescapeField(nil, rest)
		if err != nil {
			return nil, err
		}
		ctrKey = appendCtrKey(ctrKey[:0], tsuid)
		if v := b.Get(ctrKey); len(v) == 8 && otsdb.HourBaseMillis(int64(binary.BigEndian.Uint64(v))) == base {
			k, _ = cur.Next()
			continue
		}
		doomed = append(doomed, last, appendIndexKey(nil, tsuid, base))
		k, _ = cur.Next()
	}
	// Delete after iterating: deleting under a bbolt cursor can skip keys.
	for _, dk := range doomed {
		if err := b.Delete(dk); err != nil {
			return nil, fmt.Errorf("delete expired row: %w", err)
		}
	}
	r := retainResult{deleted: uint64(len(doomed) / 2)}
	if !done {
		r.next = last
	}
	return r.encode(), nil
}
